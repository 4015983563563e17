//! What each command prints: human tables (every name escaped) or JSON.

use std::ffi::OsStr;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use netdrive::{escape, CancelOptions, Error, Scope};
use netdrive_dialog::connect::{CONNDLG_USE_MRU, CONNECT_TIMEOUT};
use netdrive_dialog::{
    connect_dialog1_with, disconnect_dialog_with, texts, ConnectDlg, DialogOptions, NetResource, Outcome,
    Owner, Surface, RESOURCETYPE_DISK,
};
use unicode_width::UnicodeWidthStr;

use crate::cli::{DialogArgs, DisconnectArgs, ListArgs, RememberArgs, WhoArgs};
use crate::json::{ConnectionJson, HolderJson, ResultJson};
use crate::stderr::say;

pub type Res = Result<bool, Box<dyn std::error::Error>>;

pub fn print_json(out: &mut impl Write, v: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)
}

/// Print rows as aligned columns; cells are already escaped.
fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |out: &mut dyn Write, cells: &[&str]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, header)?;
    for r in rows {
        line(out, &r.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    Ok(())
}

/// An error as the person reads it. Names in it are escaped already; other text in it
/// (a tool's message, a parser's) is made safe here too.
pub fn report(e: &Error) -> String {
    netdrive::escape::escape_text(&format!("{e}: {}", e.code()))
}

pub fn list(out: &mut impl Write, a: &ListArgs) -> Res {
    let scope = if a.all {
        Scope::All
    } else if a.remembered {
        Scope::Remembered
    } else {
        Scope::Connected
    };
    // What could be listed is printed; a profile or fstab that could not be read is
    // said on stderr, and makes the exit status 3 when remembered drives were asked for.
    let listing = netdrive::list_with_warnings(scope).map_err(|e| report(&e))?;
    for w in &listing.warnings {
        eprintln!("netdrive: warning: {}", report(w));
    }
    let complete = scope == Scope::Connected || listing.warnings.is_empty();
    let conns = listing.connections;
    if a.json {
        let list: Vec<ConnectionJson<'_>> = conns.iter().map(ConnectionJson::from).collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(complete);
    }
    if conns.is_empty() && !complete {
        return Ok(false);
    }
    if conns.is_empty() {
        writeln!(
            out,
            "{}",
            match scope {
                Scope::Remembered => texts::EMPTY_REMEMBERED,
                _ => texts::EMPTY,
            }
        )?;
        return Ok(true);
    }
    let rows: Vec<Vec<String>> = conns
        .iter()
        .map(|c| vec![escape(&c.local_name), escape(&c.remote_name), texts::provider(c), c.status().into()])
        .collect();
    table(out, &texts::COLUMNS, &rows)?;
    Ok(complete)
}

pub fn who(out: &mut impl Write, a: &WhoArgs) -> Res {
    let conn = netdrive::find_connected(&a.target).map_err(|e| report(&e))?;
    let usage = netdrive::who_uses(&conn, a.timeout).map_err(|e| report(&e))?;
    if usage.uninspectable > 0 {
        say!("netdrive: {} process(es) could not be inspected (permission denied)", usage.uninspectable);
    }
    if !usage.pending_unmount.is_empty() {
        let pids: Vec<String> = usage.pending_unmount.iter().map(u32::to_string).collect();
        say!(
            "netdrive: a previous disconnect of {} is still waiting for the server (PID {})",
            escape(&conn.local_name),
            pids.join(", ")
        );
    }
    if !usage.complete {
        say!("netdrive: stopped looking after {:.1}s; the list may be incomplete", a.timeout.as_secs_f32());
    }
    if a.json {
        let list: Vec<HolderJson<'_>> = usage.holders.iter().map(HolderJson::from).collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(true);
    }
    if usage.holders.is_empty() {
        writeln!(out, "No process is using {}.", escape(&conn.local_name))?;
        return Ok(true);
    }
    let rows: Vec<Vec<String>> = usage
        .holders
        .iter()
        .map(|h| {
            vec![
                h.pid.to_string(),
                escape(OsStr::new(&h.user)),
                escape(OsStr::new(&h.name)),
                texts::use_noun(&h.how),
                escape(&h.path),
            ]
        })
        .collect();
    table(out, &["PID", "User", "Process", "Use", "Path"], &rows)?;
    Ok(true)
}

pub fn disconnect(out: &mut impl Write, a: &DisconnectArgs) -> Res {
    let opts =
        CancelOptions { force: a.force, detach: a.detach, update_profile: a.forget, timeout: a.timeout };
    let mut results = Vec::new();
    let mut all_ok = true;
    for target in &a.targets {
        let r = netdrive::cancel(target, &opts);
        all_ok &= r.is_ok();
        if a.json {
            results.push((target, r));
            continue;
        }
        match r {
            Ok(done) => writeln!(out, "{}", done_message(&done))?,
            Err(e) => {
                say!("netdrive: {}", report(&e));
                if let Error::OpenFiles { holders, .. } = &e {
                    for h in holders {
                        say!("  {}", texts::holder_line(h));
                    }
                }
            }
        }
    }
    if a.json {
        let list: Vec<ResultJson<'_>> =
            results.iter().map(|(t, r)| ResultJson::new(t, r, done_message)).collect();
        print_json(out, &list)?;
    }
    Ok(all_ok)
}

/// What a disconnect did, for people.
pub fn done_message(d: &netdrive::Disconnected) -> String {
    let name = escape(&d.connection.local_name);
    let remote = escape(&d.connection.remote_name);
    let what = match d.how {
        netdrive::How::Unmounted => texts::disconnected(&name, &remote),
        netdrive::How::Forced => format!("Disconnected {name} ({remote}) by force; open files on it were closed."),
        netdrive::How::Detached => format!(
            "Detached {name} ({remote}); the connection stays open until the programs using it close their files."
        ),
        netdrive::How::Forgotten => format!("Forgot the remembered connection {name} ({remote})."),
    };
    let mut what = what;
    match &d.upload {
        Some(netdrive::Upload::Done) => what.push_str(" Its cached changes are on the server."),
        Some(netdrive::Upload::StillRunning { pid }) => what.push_str(&format!(
            " Its cached changes are still being uploaded (mount.davfs, PID {pid}); \
             keep the computer on until that process ends."
        )),
        Some(netdrive::Upload::NotUploaded { kept_in }) => what.push_str(&format!(
            " Its cached changes could NOT be uploaded to the server; davfs2 keeps them in {}.",
            escape(kept_in.as_os_str())
        )),
        Some(netdrive::Upload::Unknown) => {
            what.push_str(" netdrive could not tell whether its cached changes reached the server.")
        }
        None => {}
    }
    if d.forgotten && d.how != netdrive::How::Forgotten {
        format!("{what} It is no longer remembered.")
    } else {
        what
    }
}

pub fn remember(out: &mut impl Write, a: &RememberArgs) -> Res {
    let conns = netdrive::list(Scope::Connected).map_err(|e| report(&e))?;
    let c = netdrive::resolve(&conns, &a.target).map_err(|e| report(&e))?;
    let text = |s: &OsStr, what: &str| {
        s.to_str().map(str::to_owned).ok_or_else(|| {
            report(&Error::InvalidParameter(format!(
                "{what} {} is not UTF-8 and cannot be remembered",
                escape(s)
            )))
        })
    };
    netdrive::profile::remember(netdrive::profile::RememberedEntry {
        local_name: text(&c.local_name, "the mount point")?,
        remote_name: text(&c.remote_name, "the remote name")?,
        source: text(&c.source, "the source")?,
        provider: c.provider.name().into(),
        fstype: c.fstype.clone(),
        options: String::new(),
    })
    .map_err(|e| report(&e))?;
    writeln!(out, "Remembered {} ({}).", escape(&c.local_name), escape(&c.remote_name))?;
    Ok(true)
}

/// `netdrive dialog`: exit 0 disconnected, 1 cancelled, 3 error (as zenity: 1 for cancel).
/// SIGTERM, SIGINT or SIGHUP close the dialog (the terminal dialog gives the terminal back).
pub fn dialog(out: &mut impl Write, a: &DialogArgs) -> std::process::ExitCode {
    dialog_until(out, a, &crate::stop_on_signals())
}

/// [`dialog`], closing it when `stop` is raised.
pub fn dialog_until(out: &mut impl Write, a: &DialogArgs, stop: &AtomicBool) -> std::process::ExitCode {
    let surface = if a.tui { Surface::Terminal } else { Surface::Auto };
    let outcome = Owner::parse(&a.owner)
        .and_then(|owner| {
            if a.connect {
                let d = ConnectDlg {
                    owner,
                    net_resource: NetResource {
                        remote_name: a.remote.clone().map(Into::into),
                        local_name: a.local.clone().map(Into::into),
                        ..NetResource::default()
                    },
                    flags: CONNDLG_USE_MRU,
                };
                connect_dialog1_with(
                    &d,
                    &DialogOptions { timeout: a.timeout.unwrap_or(CONNECT_TIMEOUT), surface },
                )
            } else {
                let options =
                    DialogOptions { timeout: a.timeout.unwrap_or(netdrive::DEFAULT_TIMEOUT), surface };
                disconnect_dialog_with(owner, RESOURCETYPE_DISK, &options)
            }
        })
        .map(|h| loop {
            if let Some(o) = h.wait_timeout(std::time::Duration::from_millis(100)) {
                break o;
            }
            if stop.load(Ordering::Relaxed) {
                h.close();
            }
        })
        .unwrap_or_else(|e| Outcome::failed(&e));
    let written = if a.json {
        print_json(out, &outcome)
    } else {
        match &outcome {
            Outcome::Disconnected(list) => list.iter().try_for_each(|d| {
                writeln!(out, "{}", texts::disconnected(&escape(&d.local_name), &escape(&d.remote_name)))
            }),
            Outcome::Connected(c) => writeln!(
                out,
                "{}",
                texts::connect::connected(&escape(&c.local_name), &escape(&c.remote_name))
            ),
            Outcome::Cancelled(by) => writeln!(out, "{}", by.message()),
            Outcome::Failed { code, message } => {
                // The message holds names already escaped: only hidden characters go.
                say!("netdrive: {}: {code}", netdrive::escape::escape_text(message));
                Ok(())
            }
        }
    };
    // The answer is the point of `--json`: one that could not be written is a failure
    // (the caller flushes, and fails the same way when that cannot be done).
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            say!("netdrive: cannot write the output: {e}");
        }
        return std::process::ExitCode::from(3);
    }
    std::process::ExitCode::from(outcome.exit_code())
}
