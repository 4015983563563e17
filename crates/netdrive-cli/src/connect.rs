//! `netdrive connect` and `netdrive restore`: connecting drives, and the remembered ones
//! back at sign-in, with the desktop notification when some cannot be.

use std::io::{BufRead, Write};
use std::time::Duration;

use netdrive::escape::escape_text;
use netdrive::profile::RememberedEntry;
use netdrive::{escape, ConnectRequest, Credentials, Error, Restoration, RestoreOptions};

use crate::cli::{ConnectArgs, RestoreArgs};
use crate::output::{print_json, report, Res};
use crate::stderr::say;

#[derive(serde::Serialize)]
struct ConnectJson {
    local_name: String,
    remote_name: String,
    code: u32,
    error: Option<&'static str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'static str>,
    password_from_keyring: bool,
    password_saved: bool,
}

/// A password typed on the terminal (no echo); `None` when there is no terminal.
fn ask_password(prompt: &str) -> Option<String> {
    rpassword::prompt_password(prompt).ok()
}

pub fn connect(out: &mut impl Write, a: &ConnectArgs) -> Res {
    let password = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Some(line.trim_end_matches(['\n', '\r']).to_owned())
    } else {
        None
    };
    let mut req = ConnectRequest {
        local_name: a.local.clone(),
        remote_name: a.remote.clone(),
        provider: a.provider.clone(),
        user: a.user.clone(),
        password,
        update_profile: a.remember,
        remember_credentials: a.save_password,
        timeout: a.timeout,
        ..Default::default()
    };
    let mut result = netdrive::connect_report(&req);
    // CONNECT_INTERACTIVE: ask again while the server wants a password (three times, as a
    // login does).
    let mut tries = 0;
    while let Err(e) = &result {
        if !a.interactive || !e.needs_credentials() || tries == 3 {
            break;
        }
        tries += 1;
        say!("netdrive: {}", report(e));
        let shown = escape_text(&a.remote.to_string_lossy());
        let Some(pw) = ask_password(&format!("Password for {shown}: ")) else { break };
        req.password = Some(pw);
        result = netdrive::connect_report(&req);
    }
    let local = escape(&a.local);
    let remote = escape(&a.remote);
    let ok = result.is_ok();
    if let Ok(c) = &result {
        for n in [&c.keyring_notice, &c.profile_notice].into_iter().flatten() {
            say!("netdrive: note: {}", escape_text(n));
        }
    }
    if a.json {
        let v = match &result {
            Ok(c) => ConnectJson {
                local_name: c.connection.local_name.to_string_lossy().into_owned(),
                remote_name: c.connection.remote_name.to_string_lossy().into_owned(),
                code: 0,
                error: None,
                message: format!("Connected {remote} at {local}."),
                provider: Some(c.connection.provider.name()),
                password_from_keyring: c.password_from_keyring,
                password_saved: c.password_saved,
            },
            Err(e) => ConnectJson {
                local_name: a.local.to_string_lossy().into_owned(),
                remote_name: a.remote.to_string_lossy().into_owned(),
                code: e.code().0,
                error: e.code().name(),
                message: escape_text(&e.to_string()),
                provider: None,
                password_from_keyring: false,
                password_saved: false,
            },
        };
        print_json(out, &v)?;
    } else {
        match &result {
            Ok(c) => {
                let mut line = format!("Connected {} at {local}", escape(&c.connection.remote_name));
                if c.password_from_keyring {
                    line.push_str(" (password from the keyring)");
                }
                if c.password_saved {
                    line.push_str(" (password saved in the keyring)");
                }
                writeln!(out, "{line}.")?;
            }
            Err(e) => say!("netdrive: {}", report(e)),
        }
    }
    Ok(ok)
}

#[derive(serde::Serialize)]
struct RestoredJson<'a> {
    local_name: &'a str,
    remote_name: &'a str,
    provider: &'a str,
    /// "user" (the profile) or "system" (/etc/fstab).
    remembered: netdrive::Remembered,
    outcome: &'static str,
    code: u32,
    error: Option<&'static str>,
    message: String,
}

pub fn restore(out: &mut impl Write, a: &RestoreArgs) -> Res {
    let ask = |e: &RememberedEntry, err: &Error| -> Option<Credentials> {
        say!("netdrive: {}: {}", escape_text(&e.local_name), report(err));
        let pw = ask_password(&format!("Password for {} (empty to skip): ", escape_text(&e.remote_name)))?;
        (!pw.is_empty()).then_some(Credentials { user: None, password: pw, save: true })
    };
    let opts = RestoreOptions { timeout: a.timeout, ask: a.interactive.then_some(&ask as netdrive::Ask) };
    let results = netdrive::restore(&opts)?;
    let failed: Vec<&netdrive::Restored> = results.iter().filter(|r| r.result.is_err()).collect();
    if a.json {
        let rows: Vec<RestoredJson> = results
            .iter()
            .map(|r| {
                let (outcome, code, error, message) = match &r.result {
                    Ok(Restoration::AlreadyConnected) => {
                        ("already-connected", 0, None, "Already connected.".into())
                    }
                    Ok(Restoration::Connected { password_from_keyring }) => (
                        "connected",
                        0,
                        None,
                        if *password_from_keyring {
                            "Connected with the password from the keyring.".into()
                        } else {
                            "Connected.".into()
                        },
                    ),
                    Err(e) => ("failed", e.code().0, e.code().name(), escape_text(&e.to_string())),
                };
                RestoredJson {
                    local_name: &r.entry.local_name,
                    remote_name: &r.entry.remote_name,
                    provider: &r.entry.provider,
                    remembered: r.by,
                    outcome,
                    code,
                    error,
                    message,
                }
            })
            .collect();
        print_json(out, &rows)?;
    } else {
        for r in &results {
            let what = match &r.result {
                Ok(Restoration::AlreadyConnected) => "already connected".to_owned(),
                Ok(Restoration::Connected { .. }) => "reconnected".to_owned(),
                Err(e) => report(e),
            };
            let fstab = if r.by == netdrive::Remembered::System { " (fstab)" } else { "" };
            writeln!(
                out,
                "{}  {}{fstab}  {what}",
                escape_text(&r.entry.local_name),
                escape_text(&r.entry.remote_name)
            )?;
        }
    }
    if !failed.is_empty() {
        // The journal's line (standard error under systemd), then the desktop's.
        let names: Vec<String> = failed.iter().map(|r| escape_text(&r.entry.local_name)).collect();
        say!(
            "netdrive: could not reconnect {} of {} network drives: {}",
            failed.len(),
            results.len(),
            names.join(", ")
        );
        if !a.no_notify {
            notify(failed.len(), results.len(), &names);
        }
    }
    Ok(failed.is_empty())
}

/// "Could not reconnect all network drives", as Windows says it, through
/// org.freedesktop.Notifications, not at all without a session bus (no notification
/// service: the line on standard error is all there is). Clicking it opens the list of
/// drives, as Windows' does: a process of its own ([`restore_notice`]) shows it and
/// waits for the click, so `netdrive restore` (a systemd oneshot) still ends at once.
fn notify(failed: usize, total: usize, names: &[String]) {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty()) {
        return;
    }
    let body = format!(
        "{failed} of {total} remembered drives are not connected: {}. Run `netdrive restore` to try again, \
         or `netdrive list --all` to see them.",
        names.join(", ")
    );
    if !spawn_notice(&body) {
        say!("netdrive: no desktop notification could be shown");
    }
}

/// Start the notice's process, detached, and wait (bounded) for its word that the
/// notification is shown.
fn spawn_notice(body: &str) -> bool {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let Ok(exe) = std::env::current_exe() else { return false };
    let child = Command::new(exe)
        .arg("restore-notice")
        .arg(body)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Its own group: a terminal's Ctrl-C for `netdrive restore` is not for it.
        .process_group(0)
        .spawn();
    let Ok(mut child) = child else { return false };
    let Some(stdout) = child.stdout.take() else { return false };
    let (tx, rx) = std::sync::mpsc::channel();
    let _ = std::thread::Builder::new().name("netdrive-notify".into()).spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line.trim() == "shown");
        // Reaped if it ends while this process runs; else it outlives it, as meant.
        let _ = child.wait();
    });
    matches!(rx.recv_timeout(Duration::from_secs(2)), Ok(true))
}

/// How long the notice waits for a click when the notification service never says the
/// notification closed.
const NOTICE_WAIT: Duration = Duration::from_secs(300);

/// `netdrive restore-notice BODY` (hidden): show the notification with a default action,
/// say "shown" on standard output, and wait -- until it is closed or expires, or
/// [`NOTICE_WAIT`] -- for a click, which opens the list of drives (`netdrive dialog`:
/// the connected ones and the remembered ones that are not).
pub fn restore_notice(body: &str) -> Res {
    let _ = std::thread::Builder::new().name("netdrive-notice-bound".into()).spawn(|| {
        std::thread::sleep(NOTICE_WAIT);
        std::process::exit(0);
    });
    let shown = notify_rust::Notification::new()
        .appname("netdrive")
        .summary("Could not reconnect all network drives")
        // Servers that take body markup would read `<` and `&` in a folder's name as markup.
        .body(&body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"))
        .icon("network-server")
        .action("default", "Show network drives")
        .show()?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "shown")?;
    stdout.flush()?;
    let mut clicked = false;
    shown.wait_for_action(|action| clicked = action == "default");
    if clicked {
        use std::os::unix::process::CommandExt;
        // This process becomes the dialog; the pipe `netdrive restore` read is gone.
        let err = std::process::Command::new(std::env::current_exe()?)
            .arg("dialog")
            .stdout(std::process::Stdio::null())
            .exec();
        return Err(err.into());
    }
    Ok(true)
}
