//! The helper protocol: what a host asks a dialog program to show (its command line,
//! written by [`Request::to_args`] and read by [`Request::from_args`], nowhere else), and
//! how the program answers (one JSON line on standard output, [`exit_with`]) and dies with
//! its host ([`watch_host`]).

use std::ffi::OsString;
use std::io::Write;
use std::time::Duration;

use clap::Parser;
use netdrive::{Error, Win32Error};

use crate::connect::ConnectSetup;
use crate::outcome::{CancelledBy, Outcome};
use crate::owner::Owner;
use crate::question::{Answer, Question};

/// What a dialog program is asked to show: the disconnect dialog, or (for
/// `WNetDisconnectDialog1`) one question or message.
#[derive(Clone, Debug, PartialEq, Eq, Parser)]
#[command(
    about = "Shows netdrive's Disconnect Network Drives dialog, or Map Network Drive with --connect (started by netdrive)"
)]
pub struct Request {
    /// Owner window: x11:0xHEX, wayland:HANDLE, or empty
    #[arg(long, default_value = "", value_parser = owner)]
    pub owner: Owner,
    /// Seconds a server may take to answer a disconnect
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Ask this yes/no question instead (exit 0 yes, 1 no)
    #[arg(long, conflicts_with = "message")]
    pub ask: Option<String>,
    /// Show this message instead
    #[arg(long)]
    pub message: Option<String>,
    /// Show the Map Network Drive dialog instead (--timeout bounds each connect)
    #[arg(long, conflicts_with_all = ["ask", "message"])]
    pub connect: bool,
    /// Map Network Drive: the network folder to offer
    #[arg(long, requires = "connect")]
    pub remote: Option<String>,
    /// Map Network Drive: the local folder to offer
    #[arg(long, requires = "connect")]
    pub local: Option<String>,
    /// Map Network Drive: CONNDLG_* flags
    #[arg(long, default_value = "0", requires = "connect")]
    pub flags: u32,
}

/// What a [`Request`] shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Show {
    /// The disconnect dialog.
    Dialog,
    /// One question; "disconnect anyway" is answered as [`Outcome::Disconnected`] (empty).
    Ask(Question),
    /// One message.
    Tell(Question),
    /// The Map Network Drive dialog.
    Connect(ConnectSetup),
}

fn owner(s: &str) -> Result<Owner, Error> {
    Owner::parse(s)
}

/// A `--timeout`: a number of seconds, as `netdrive` and the helpers take it (never NaN
/// or infinite; from 0.05 to 3600).
pub fn parse_seconds(s: &str) -> Result<Duration, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.05..=3600.0).contains(&v) {
        return Err("give between 0.05 and 3600 seconds".into());
    }
    Ok(Duration::from_secs_f64(v))
}

impl Request {
    /// The disconnect dialog for `owner`, giving each server `timeout`.
    pub fn dialog(owner: Owner, timeout: Duration) -> Request {
        Request {
            owner,
            timeout,
            ask: None,
            message: None,
            connect: false,
            remote: None,
            local: None,
            flags: 0,
        }
    }

    /// The Map Network Drive dialog for `owner`, bounding each connect by `timeout`.
    pub fn connect(
        owner: Owner,
        timeout: Duration,
        remote: Option<String>,
        local: Option<String>,
        flags: u32,
    ) -> Request {
        Request { connect: true, remote, local, flags, ..Request::dialog(owner, timeout) }
    }

    /// The command line that asks a helper for this.
    pub fn to_args(&self) -> Vec<OsString> {
        // `--name=value`, so a value that starts with a dash stays a value.
        let mut args: Vec<OsString> = vec![
            format!("--owner={}", self.owner.to_handle_string()).into(),
            format!("--timeout={}", self.timeout.as_secs_f64()).into(),
        ];
        args.extend(self.ask.iter().map(|q| format!("--ask={q}").into()));
        args.extend(self.message.iter().map(|m| format!("--message={m}").into()));
        if self.connect {
            args.push("--connect".into());
            args.extend(self.remote.iter().map(|r| format!("--remote={r}").into()));
            args.extend(self.local.iter().map(|l| format!("--local={l}").into()));
            args.push(format!("--flags={}", self.flags).into());
        }
        args
    }

    /// Read a helper's command line (without the program name). `--help` is printed and
    /// the program exits; a command line that is not a request is an
    /// `ERROR_INVALID_PARAMETER` outcome, to answer with.
    pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Result<Request, Outcome> {
        let argv = std::iter::once(OsString::from("netdrive-dialog")).chain(args);
        Request::try_parse_from(argv).map_err(|e| {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default().trim_start_matches("error: ");
            Outcome::Failed { code: Win32Error::ERROR_INVALID_PARAMETER, message: first.to_owned() }
        })
    }

    /// [`from_args`](Self::from_args) of this program's command line.
    pub fn from_env() -> Result<Request, Outcome> {
        Request::from_args(std::env::args_os().skip(1))
    }

    /// What to show.
    pub fn show(&self) -> Show {
        if self.connect {
            return Show::Connect(ConnectSetup::new(
                self.remote.clone(),
                self.local.clone(),
                self.flags,
                self.timeout,
            ));
        }
        match (&self.ask, &self.message) {
            (Some(q), _) => Show::Ask(Question::ask(q)),
            (None, Some(m)) => Show::Tell(Question::tell(m)),
            (None, None) => Show::Dialog,
        }
    }
}

/// The outcome of a lone question's answer: "yes" is `NO_ERROR` (an empty
/// [`Outcome::Disconnected`]), anything else is cancelled.
pub fn outcome_of_answer(answer: Answer) -> Outcome {
    match answer {
        Answer::DisconnectAnyway => Outcome::Disconnected(Vec::new()),
        _ => Outcome::Cancelled(CancelledBy::Person),
    }
}

/// Answer the host (one JSON line on standard output) and exit with the outcome's status.
pub fn exit_with(outcome: Outcome) -> ! {
    let mut out = std::io::stdout().lock();
    if serde_json::to_writer(&mut out, &outcome).is_ok() {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
    std::process::exit(i32::from(outcome.exit_code()))
}

/// When started by a host, a helper's standard input is its pipe: its end means the host
/// is gone, and `on_gone` runs (on a thread of its own). A person starting the helper
/// from a terminal gives it a terminal, and nothing is watched.
pub fn watch_host(on_gone: impl FnOnce() + Send + 'static) {
    let stdin = std::io::stdin();
    let is_pipe = rustix::fs::fstat(&stdin)
        .is_ok_and(|st| rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::Fifo);
    if is_pipe {
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            while rustix::io::read(&stdin, &mut buf).is_ok_and(|n| n > 0) {}
            on_gone();
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn owners() -> impl Strategy<Value = Owner> {
        prop_oneof![Just(Owner::None), (1u32..).prop_map(Owner::X11), "[!-~]{1,40}".prop_map(Owner::Wayland),]
    }

    proptest! {
        /// What the host writes, the helper reads back exactly: any owner, any timeout it
        /// accepts, any question text (newlines, dashes, quotes, non-ASCII).
        #[test]
        fn the_command_line_round_trips(
            owner in owners(),
            ms in 50u64..3_600_000,
            ask in proptest::option::of("\\PC*"),
            message in proptest::option::of("\\PC*"),
        ) {
            let message = if ask.is_some() { None } else { message };
            let r = Request { owner, timeout: Duration::from_millis(ms), ask, message, ..Request::dialog(Owner::None, Duration::from_secs(3)) };
            let back = Request::from_args(r.to_args()).unwrap();
            prop_assert_eq!(back.owner, r.owner);
            prop_assert!(back.timeout.abs_diff(r.timeout) < Duration::from_micros(1));
            prop_assert_eq!(back.ask, r.ask);
            prop_assert_eq!(back.message, r.message);
        }
    }

    proptest! {
        /// The Map Network Drive dialog's request round-trips too: any folder names
        /// (dashes, spaces, backslashes, non-ASCII) and flags.
        #[test]
        fn the_connect_command_line_round_trips(
            owner in owners(),
            remote in proptest::option::of("\\PC*"),
            local in proptest::option::of("\\PC*"),
            flags in 0u32..64,
        ) {
            let r = Request::connect(owner, Duration::from_secs(20), remote, local, flags);
            let back = Request::from_args(r.to_args()).unwrap();
            prop_assert_eq!(back, r);
        }
    }

    #[test]
    fn no_arguments_is_the_dialog_with_the_default_timeout() {
        let r = Request::from_args(Vec::new()).unwrap();
        assert_eq!(r, Request::dialog(Owner::None, Duration::from_secs(3)));
        assert_eq!(r.show(), Show::Dialog);
    }

    #[test]
    fn a_bad_command_line_is_an_invalid_parameter() {
        for args in
            [&["--timeout", "0"][..], &["--owner", "x11:zz"], &["--ask", "a", "--message", "b"], &["-x"]]
        {
            let o = Request::from_args(args.iter().map(OsString::from)).unwrap_err();
            assert_eq!(o.code(), 87, "{args:?}: {o:?}");
        }
    }

    #[test]
    fn a_lone_question_answers_yes_as_no_error() {
        let r = Request {
            ask: Some("Files are open".into()),
            ..Request::dialog(Owner::None, Duration::from_secs(3))
        };
        let Show::Ask(q) = r.show() else { panic!("{:?}", r.show()) };
        assert_eq!(q.detail, "Files are open");
        assert_eq!(outcome_of_answer(Answer::DisconnectAnyway).code(), 0);
        assert_eq!(outcome_of_answer(q.safe()).code(), crate::CANCELLED);
    }
}
