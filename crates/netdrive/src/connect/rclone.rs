//! SMB and WebDAV through rclone's backends (`rclone mount`, FUSE): any user can mount
//! them, where the kernel's `cifs` needs root.
//!
//! The remote is a configuration section named after the server, so the mount table
//! shows `server:share/path` and the drive is listed as `\\server\share\path`. The
//! configuration (with the password obscured, as rclone requires) reaches rclone as an
//! anonymous memory file on its standard input (`--config /proc/self/fd/0`), emptied once
//! the drive is mounted: it is on no disk, no command line and in no environment. rclone connects lazily, so a quick `rclone
//! lsjson --stat` of the same remote checks the login first: a wrong password is then a
//! clear error, not a drive whose every folder fails.

use std::ffi::OsStr;
use std::os::unix::fs::FileExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::failure::classify;
use super::target::Target;
use super::tools::{package, run_tool, secret_file, How};
use crate::child::{run_bounded_input, Input};
use crate::error::{Error, Result, Waiting};

/// The configuration section's name: the server's, as far as rclone allows in a name.
pub(super) fn section(host: &str) -> String {
    let name: String = host
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    if name.is_empty() || name.starts_with('-') {
        format!("server{name}")
    } else {
        name
    }
}

/// The rclone configuration and the remote to mount.
fn config(target: &Target, obscured: Option<&str>) -> Result<(String, String)> {
    let mut lines = Vec::new();
    let (name, remote) = match target {
        Target::Smb { host, port, share, path, user, domain } => {
            lines.push(("type", "smb".to_owned()));
            lines.push(("host", host.clone()));
            if let Some(p) = port {
                lines.push(("port", p.to_string()));
            }
            if let Some(u) = user {
                lines.push(("user", u.clone()));
            }
            if let Some(d) = domain {
                lines.push(("domain", d.clone()));
            }
            let remote = if path.is_empty() { share.clone() } else { format!("{share}/{path}") };
            (section(host), remote)
        }
        Target::WebDav { secure, host, port, path, user } => {
            let scheme = if *secure { "https" } else { "http" };
            let h = if host.contains(':') { format!("[{host}]") } else { host.clone() };
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            lines.push(("type", "webdav".to_owned()));
            lines.push(("url", format!("{scheme}://{h}{port}/")));
            lines.push(("vendor", "other".to_owned()));
            if let Some(u) = user {
                lines.push(("user", u.clone()));
            }
            (section(host), path.trim_matches('/').to_owned())
        }
        _ => return Err(Error::InvalidParameter("not an rclone backend".into())),
    };
    if let Some(o) = obscured {
        lines.push(("pass", o.to_owned()));
    }
    if lines.iter().any(|(_, v)| v.chars().any(char::is_control)) {
        return Err(Error::InvalidParameter("a name or password cannot hold control characters".into()));
    }
    let mut text = format!("[{name}]\n");
    for (k, v) in lines {
        text.push_str(&format!("{k} = {v}\n"));
    }
    Ok((text, format!("{name}:{remote}")))
}

fn rclone() -> Command {
    let mut c = Command::new("rclone");
    // Our configuration only, whatever the user's environment sets.
    c.env_remove("RCLONE_CONFIG").env_remove("RCLONE_PASSWORD_COMMAND");
    c
}

/// The password as rclone's configuration keeps it (`rclone obscure -`, from stdin).
fn obscure(password: &str, timeout: Duration) -> Result<String> {
    let mut cmd = rclone();
    cmd.args(["obscure", "-"]);
    let fail = |m: String| Error::Extended { provider: "rclone".into(), message: m };
    match run_bounded_input(&mut cmd, Input::Bytes(password.as_bytes().to_vec()), timeout) {
        Ok(Some(done)) if done.status.success() => Ok(String::from_utf8_lossy(&done.stdout)
            .trim()
            .to_owned())
        .and_then(|o| if o.is_empty() { Err(fail("rclone obscure gave nothing".into())) } else { Ok(o) }),
        Ok(Some(done)) => Err(fail(format!("rclone obscure: {}", done.stderr_text()))),
        Ok(None) => Err(fail("rclone obscure did not answer".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NotSupported(format!(
            "rclone is not installed (apt-get install {})",
            package("rclone")
        ))),
        Err(e) => Err(fail(format!("rclone: {e}"))),
    }
}

pub(crate) fn mount_backend(target: &Target, local: &OsStr, how: &How) -> Result<()> {
    let deadline = Instant::now() + how.timeout;
    let obscured = how.password.map(|p| obscure(p, how.timeout)).transpose()?;
    let (text, remote) = config(target, obscured.as_deref())?;
    let secs = how.timeout.as_secs().max(1).to_string();

    // Check the login (and that the share exists) before mounting.
    let mut check = rclone();
    check
        .args([
            "lsjson",
            "--stat",
            "--config",
            crate::child::STDIN_FILE,
            "--log-level",
            "ERROR",
            "--retries",
            "1",
        ])
        .args([
            "--low-level-retries",
            "1",
            "--contimeout",
            &format!("{secs}s"),
            "--timeout",
            &format!("{secs}s"),
        ])
        .arg(&remote);
    run_tool(check, Input::File(secret_file(text.as_bytes())?), target, local, how)?;

    let log = log_file()?;
    let log_read = std::fs::File::from(log.try_clone().map_err(spawn_error)?);
    // rclone keeps its standard input for the drive's life: once it has read (and
    // seeked: a pipe will not do) its configuration, the memory file is emptied, so no
    // process of the user reads the obscured, reversible password in /proc/PID/fd/0.
    let config = secret_file(text.as_bytes())?;
    let config_kept = std::fs::File::from(config.try_clone().map_err(spawn_error)?);
    let mut cmd = rclone();
    cmd.args(["mount", "--config", crate::child::STDIN_FILE, "--log-level", "ERROR"]);
    if how.global {
        // CONNECT_GLOBAL_MAPPING: every user sees the drive (FUSE's allow_other).
        cmd.arg("--allow-other");
    }
    cmd.arg(&remote)
        .arg(local)
        .stdin(Stdio::from(config))
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        // Its own process group: a Ctrl-C meant for the caller does not end the drive.
        .process_group(0);
    let mut child = cmd.spawn().map_err(spawn_error)?;
    let said = |f: &std::fs::File| {
        let mut buf = vec![0u8; 64 * 1024];
        let n = f.read_at(&mut buf, 0).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    loop {
        let mounted = crate::mountinfo::read_table()
            .map(|t| t.iter().any(|e| e.mount_point == local && e.fstype == "fuse.rclone"))
            .unwrap_or(false);
        if mounted {
            // Its errors from now on would grow the memory file for the drive's life:
            // emptied and sealed, later writes fail (rclone goes on).
            seal_empty(&log_read);
            let _ = config_kept.set_len(0);
            // rclone serves the drive until it is unmounted; reap it then.
            std::thread::spawn(move || child.wait());
            return Ok(());
        }
        if let Ok(Some(_)) = child.try_wait() {
            return Err(classify(target, local, how, &said(&log_read)));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            // What it may have left on the folder: the caller takes it away.
            std::thread::spawn(move || child.wait());
            return Err(Error::NotResponding {
                target: local.into(),
                after: how.timeout,
                waiting: Waiting::Nothing,
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The memory file rclone's errors go to while it starts (sealable: see [`seal_empty`]).
fn log_file() -> Result<std::os::fd::OwnedFd> {
    use rustix::fs::{memfd_create, MemfdFlags};
    memfd_create("netdrive-rclone-log", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING).map_err(|e| {
        Error::Extended {
            provider: "netdrive".into(),
            message: format!("memfd: {}", std::io::Error::from(e)),
        }
    })
}

/// Empty the log and forbid it to grow.
fn seal_empty(log: &std::fs::File) {
    use rustix::fs::{fcntl_add_seals, SealFlags};
    let _ = log.set_len(0);
    let _ = fcntl_add_seals(log, SealFlags::GROW);
}

fn spawn_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        Error::NotSupported(format!("rclone is not installed (apt-get install {})", package("rclone")))
    } else {
        Error::Extended { provider: "rclone".into(), message: format!("rclone: {e}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_names_the_server_and_hides_nothing_on_the_command_line() {
        let t = super::super::target::parse("smb://WORK;me@127.0.0.1:4445/share/sub", None).unwrap();
        let (text, remote) = config(&t, Some("OBSCURED")).unwrap();
        assert_eq!(remote, "127.0.0.1:share/sub");
        assert_eq!(
            text,
            "[127.0.0.1]\ntype = smb\nhost = 127.0.0.1\nport = 4445\nuser = me\ndomain = WORK\npass = OBSCURED\n"
        );
        let t = super::super::target::parse("https://dav@cloud:8443/remote.php/dav/", None).unwrap();
        let (text, remote) = config(&t, None).unwrap();
        assert_eq!(remote, "cloud:remote.php/dav");
        assert!(text.contains("url = https://cloud:8443/\n"), "{text}");
        assert_eq!(section("fe80::1"), "fe80--1");
    }
}
