//! What each command prints: human tables (every name escaped) or JSON.

use std::ffi::OsStr;
use std::io::Write;

use netdrive::json::{put_name, text_and_bytes};
use netdrive::{escape, CancelOptions, Connection, Error, Holder, Scope, Use};
use serde_json::{Map, Value};
use unicode_width::UnicodeWidthStr;

use crate::cli::{DialogArgs, DisconnectArgs, ListArgs, RememberArgs, WhoArgs};
use crate::stderr::say;

pub type Res = Result<bool, Box<dyn std::error::Error>>;

/// A drive, as JSON, serialized straight from borrowed fields (a table can hold
/// thousands). Names that are not UTF-8 also come exactly, as `*_bytes`.
#[derive(serde::Serialize)]
struct ConnectionJson<'a> {
    local_name: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_name_bytes: Option<&'a [u8]>,
    remote_name: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_name_bytes: Option<&'a [u8]>,
    source: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_bytes: Option<&'a [u8]>,
    provider: &'static str,
    backend: Option<&'a str>,
    fstype: &'a str,
    mount_id: Option<u64>,
    owner_uid: Option<u32>,
    options: std::borrow::Cow<'a, str>,
    connected: bool,
    remembered: Option<netdrive::Remembered>,
    status: &'static str,
}

fn connection_out(c: &Connection) -> ConnectionJson<'_> {
    let (local_name, local_name_bytes) = text_and_bytes(&c.local_name);
    let (remote_name, remote_name_bytes) = text_and_bytes(&c.remote_name);
    let (source, source_bytes) = text_and_bytes(&c.source);
    ConnectionJson {
        local_name,
        local_name_bytes,
        remote_name,
        remote_name_bytes,
        source,
        source_bytes,
        provider: c.provider.name(),
        backend: c.backend.as_deref(),
        fstype: &c.fstype,
        mount_id: c.mount_id,
        owner_uid: c.owner_uid,
        options: c.options.to_string_lossy(),
        connected: c.connected,
        remembered: c.remembered,
        status: c.status(),
    }
}

/// A process using a drive, as JSON. Serialized straight from borrowed fields: `who`
/// can list tens of thousands of open files.
#[derive(serde::Serialize)]
struct HolderJson<'a> {
    pid: u32,
    name: &'a str,
    user: &'a str,
    uid: Option<u32>,
    path: std::borrow::Cow<'a, str>,
    /// The exact bytes, when the path is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<&'a [u8]>,
    #[serde(rename = "use")]
    how: &'static str,
    fd: Option<u32>,
}

fn holder_out(h: &Holder) -> HolderJson<'_> {
    let (how, fd) = match h.how {
        Use::File(fd) => ("file", Some(fd)),
        Use::Cwd => ("cwd", None),
        Use::Root => ("root", None),
        Use::Exe => ("exe", None),
        Use::Map => ("map", None),
    };
    let (path, path_bytes) = text_and_bytes(&h.path);
    HolderJson { pid: h.pid, name: &h.name, user: &h.user, uid: h.uid, path, path_bytes, how, fd }
}

fn holder_json(h: &Holder) -> Value {
    serde_json::to_value(holder_out(h)).unwrap_or(Value::Null)
}

fn print_json(out: &mut impl Write, v: &Value) -> std::io::Result<()> {
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
fn report(e: &Error) -> String {
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
        let list: Vec<ConnectionJson<'_>> = conns.iter().map(connection_out).collect();
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
                Scope::Remembered => "No network drives are remembered.",
                _ => "No network drives are connected.",
            }
        )?;
        return Ok(true);
    }
    let rows: Vec<Vec<String>> = conns
        .iter()
        .map(|c| {
            let provider = match &c.backend {
                Some(b) => format!("{} ({})", c.provider, escape(OsStr::new(b))),
                None => c.provider.to_string(),
            };
            vec![escape(&c.local_name), escape(&c.remote_name), provider, c.status().into()]
        })
        .collect();
    table(out, &["Drive", "Network path", "Provider", "Status"], &rows)?;
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
        let list: Vec<HolderJson<'_>> = usage.holders.iter().map(holder_out).collect();
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
            let how = match h.how {
                Use::File(fd) => format!("file (fd {fd})"),
                Use::Cwd => "working folder".into(),
                Use::Root => "root folder".into(),
                Use::Exe => "program".into(),
                Use::Map => "mapped".into(),
            };
            vec![
                h.pid.to_string(),
                escape(OsStr::new(&h.user)),
                escape(OsStr::new(&h.name)),
                how,
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
            let mut o = Map::new();
            put_name(&mut o, "target", target);
            match &r {
                Ok(done) => {
                    o.insert("code".into(), 0.into());
                    o.insert("error".into(), "NO_ERROR".into());
                    o.insert("message".into(), done_message(done).into());
                    o.insert("how".into(), serde_json::to_value(done.how).unwrap_or(Value::Null));
                    o.insert("forgotten".into(), done.forgotten.into());
                    if let Some(u) = &done.upload {
                        o.insert("upload".into(), serde_json::to_value(u).unwrap_or(Value::Null));
                    }
                }
                Err(e) => {
                    o.insert("code".into(), e.code().0.into());
                    o.insert("error".into(), e.code().name().unwrap_or("ERROR").into());
                    o.insert("message".into(), e.to_string().into());
                    if let Error::OpenFiles { holders, .. } = e {
                        o.insert("holders".into(), holders.iter().map(holder_json).collect());
                    }
                }
            }
            results.push(Value::Object(o));
            continue;
        }
        match r {
            Ok(done) => writeln!(out, "{}", done_message(&done))?,
            Err(e) => {
                say!("netdrive: {}", report(&e));
                if let Error::OpenFiles { holders, .. } = &e {
                    for h in holders {
                        say!(
                            "  {} (PID {}, user {}) has {}",
                            escape(OsStr::new(&h.name)),
                            h.pid,
                            escape(OsStr::new(&h.user)),
                            escape(&h.path)
                        );
                    }
                }
            }
        }
    }
    if a.json {
        print_json(out, &Value::Array(results))?;
    }
    Ok(all_ok)
}

fn done_message(d: &netdrive::Disconnected) -> String {
    let name = escape(&d.connection.local_name);
    let remote = escape(&d.connection.remote_name);
    let what = match d.how {
        netdrive::How::Unmounted => format!("Disconnected {name} ({remote})."),
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
pub fn dialog(out: &mut impl Write, a: &DialogArgs) -> std::process::ExitCode {
    dialog_until(out, a, None)
}

/// [`dialog`], closing the window when `stop` is set (the demo's SIGTERM).
pub fn dialog_until(
    out: &mut impl Write,
    a: &DialogArgs,
    stop: Option<&std::sync::atomic::AtomicBool>,
) -> std::process::ExitCode {
    use netdrive_dialog::{disconnect_dialog_with_timeout, Outcome, Owner, RESOURCETYPE_DISK};
    let no_display =
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().all(|v| std::env::var_os(v).is_none_or(|x| x.is_empty()));
    let outcome = if a.tui || no_display {
        netdrive_tui::run(netdrive_tui::Options { timeout: a.timeout })
    } else {
        Owner::parse(&a.owner)
            .and_then(|owner| disconnect_dialog_with_timeout(owner, RESOURCETYPE_DISK, a.timeout))
            .map(|h| loop {
                if let Some(o) = h.wait_timeout(std::time::Duration::from_millis(100)) {
                    break o;
                }
                if stop.is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed)) {
                    h.close();
                }
            })
            .unwrap_or_else(|e| Outcome::Failed { code: e.code(), message: e.to_string() })
    };
    let written = if a.json {
        print_json(out, &outcome.to_json())
    } else {
        match &outcome {
            Outcome::Disconnected(list) => list.iter().try_for_each(|d| {
                writeln!(out, "Disconnected {} ({}).", escape(&d.local_name), escape(&d.remote_name))
            }),
            Outcome::Cancelled(_) => {
                writeln!(out, "{}", outcome.to_json()["message"].as_str().unwrap_or("Cancelled."))
            }
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
    std::process::ExitCode::from(match outcome {
        Outcome::Disconnected(_) => 0,
        Outcome::Cancelled(_) => 1,
        Outcome::Failed { .. } => 3,
    })
}
