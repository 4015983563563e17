//! `netdrive`: list, inspect and disconnect network drives from a terminal or a script.
//!
//! A thin front end over the `netdrive` crate: argument parsing, human tables with every
//! name escaped, and `--json` for scripts. No logic of its own beyond presentation.

#![deny(unsafe_op_in_unsafe_fn)]

mod browse;
mod cli;
mod connect;
mod demo;
mod json;
mod output;
mod stderr;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command};
use stderr::say;

/// Exit status when an operation failed, or its output could not be written (0: success,
/// 2: bad usage).
const EXIT_FAILED: u8 = 3;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    // Block-buffered: stdout is line-buffered, and `who --json` over thousands of open
    // files wrote one line per system call (167,779 writes, measured by bench/run).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut code = run(cli.command, &mut out);
    // Output that could not be written is an error: a script must not take a lost list
    // for an empty one. A reader that went away (EPIPE) needs no message.
    if let Err(e) = out.flush() {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            say!("netdrive: cannot write the output: {e}");
        }
        code = ExitCode::from(EXIT_FAILED);
    }
    if stderr::failed() {
        code = ExitCode::from(EXIT_FAILED);
    }
    code
}

/// A flag raised by SIGTERM, SIGINT or SIGHUP, for the commands that end cleanly on them.
fn stop_on_signals() -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT, signal_hook::consts::SIGHUP] {
        let _ = signal_hook::flag::register(sig, std::sync::Arc::clone(&stop));
    }
    stop
}

fn run(command: Command, out: &mut impl Write) -> ExitCode {
    let status = |r: output::Res| match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(EXIT_FAILED),
        Err(e) => {
            say!("netdrive: {}", netdrive::escape::escape_text(&e.to_string()));
            ExitCode::from(EXIT_FAILED)
        }
    };
    match command {
        Command::List(a) => status(output::list(out, &a)),
        Command::Who(a) => status(output::who(out, &a)),
        Command::Disconnect(a) => status(output::disconnect(out, &a)),
        Command::Remember(a) => status(output::remember(out, &a)),
        Command::Browse(a) => status(browse::run(out, &a)),
        Command::Connect(a) => status(connect::connect(out, &a)),
        Command::Restore(a) => status(connect::restore(out, &a)),
        Command::RestoreNotice { body } => status(connect::restore_notice(&body)),
        // The dialog and the demo have exit statuses of their own.
        Command::Dialog(a) => output::dialog(out, &a),
        Command::ConnectDialog(a) => output::dialog(out, &cli::DialogArgs { connect: true, ..a }),
        Command::Demo(a) => demo::run(out, &a),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "netdrive", out);
            ExitCode::SUCCESS
        }
        Command::Man => {
            status(clap_mangen::Man::new(Cli::command()).render(out).map(|()| true).map_err(Into::into))
        }
    }
}

/// A command line clap refused. Its message quotes the offending argument, which may be
/// anything (`$'\e]0;x\a'`): the message is made again from the arguments as they are
/// shown (escaped), and what is left of it is made safe too.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_FAILED);
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        // Help and version go to standard output; check that they got there.
        let printed = e.print().and_then(|()| std::io::stdout().flush());
        return ExitCode::from(if printed.is_ok() { code } else { EXIT_FAILED });
    }
    let shown: Vec<OsString> = std::env::args_os().map(|a| OsString::from(netdrive::escape(&a))).collect();
    let e = match Cli::try_parse_from(shown) {
        Err(again) if again.kind() == e.kind() => again,
        _ => e,
    };
    // Plain text (Display has no colours), then every hidden character escaped.
    say!("{}", netdrive::escape::escape_text(e.to_string().trim_end()));
    // Non-zero either way; a message that could not be written changes nothing here.
    ExitCode::from(code)
}
