//! A mount tool's error output, read as the Win32 code a program can act on and a
//! message that says what to do next.

use std::ffi::OsStr;

use super::target::Target;
use super::tools::How;
use crate::error::Error;
use crate::escape::{escape, escape_text};

/// What the tools say, lower-cased, for each kind of failure. Checked in this order: an
/// ssh "Permission denied (publickey,password)" is a login failure, not a denied folder.
const LOGIN: &[&str] = &[
    "logon is invalid",
    "logon failure",
    "permission denied (publickey",
    "permission denied, please try again",
    "too many authentication failures",
    "authentication failed",
    "401 unauthorized",
    "unauthorized",
    "status_logon_failure",
    "wrong password",
    "bad username or authentication",
];
const NO_SERVER: &[&str] = &[
    "connection refused",
    "no such host",
    "could not resolve hostname",
    "name or service not known",
    "temporary failure in name resolution",
    "no route to host",
    "network is unreachable",
    "host is down",
    "i/o timeout",
    "connection timed out",
    "host unreachable",
];
const NO_SHARE: &[&str] = &[
    "network name not found",
    "share name cannot be found",
    "bad_network_name",
    "no such file or directory",
    "object not found",
    "directory not found",
    "404 not found",
    "not found",
];
const DENIED: &[&str] = &[
    "access denied",
    "access is denied",
    "permission denied",
    "403 forbidden",
    "operation not permitted",
    "only root",
];
const NO_FS: &[&str] = &["unknown filesystem type", "no such device", "wrong fs type"];

fn has(text: &str, any: &[&str]) -> bool {
    any.iter().any(|p| text.contains(p))
}

/// The server part of a target, for messages.
fn server(t: &Target) -> String {
    match t {
        Target::Smb { host, .. }
        | Target::Sftp { host, .. }
        | Target::WebDav { host, .. }
        | Target::Nfs { host, .. } => host.clone(),
        Target::Rclone { remote } => remote.split(':').next().unwrap_or(remote).to_owned(),
    }
}

/// The tool's last line, without rclone's time stamp and "Failed to lsjson:" prefix.
fn last_line(err: &str) -> String {
    let line = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(err).trim();
    let mut words = line.splitn(3, ' ');
    let stamped = matches!((words.next(), words.next()), (Some(d), Some(t))
        if d.len() == 10 && d.as_bytes()[4] == b'/' && t.len() == 8 && t.as_bytes()[2] == b':');
    let line = if stamped { words.next().unwrap_or("") } else { line };
    let line = line.trim_start_matches("ERROR : ").trim_start_matches("Failed to lsjson: ");
    line.trim_start_matches("Fatal error: ").to_owned()
}

/// mount.cifs says "mount error(13): Permission denied" for a refused login
/// (STATUS_LOGON_FAILURE, only in the kernel log) as for a refused share; a login is what
/// a person can change, so it is read as one, as Windows asks for credentials then too.
fn cifs_refused(target: &Target, lower: &str) -> bool {
    matches!(target, Target::Smb { .. }) && lower.contains("mount error(13)")
}

pub(crate) fn classify(target: &Target, local: &OsStr, how: &How, err: &str) -> Error {
    let lower = err.to_ascii_lowercase();
    let said = escape_text(&last_line(err));
    let host = escape_text(&server(target));
    let unc = escape_text(&target.unc());
    let user = target.user().map(|u| format!(" as {}", escape_text(u))).unwrap_or_default();
    if has(&lower, NO_FS) {
        Error::NotSupported(format!(
            "{}: this system cannot mount {} drives ({said}); install its tools or load its kernel module",
            escape(local),
            target.provider().name()
        ))
    } else if has(&lower, LOGIN) || cifs_refused(target, &lower) {
        match (how.password, how.from_keyring) {
            (Some(_), true) => Error::InvalidPassword(format!(
                "{host} refused the password saved in the keyring{user}; enter the current password ({said})"
            )),
            (Some(_), false) => Error::InvalidPassword(format!(
                "{host} refused the user name or password{user}; check them and try again ({said})"
            )),
            (None, _) => Error::LogonFailure(format!(
                "{host} asks for a user name and password{user}; connect again with them ({said})"
            )),
        }
    } else if has(&lower, NO_SERVER) {
        Error::BadNetPath(format!(
            "the server {host} cannot be reached ({said}); check its name and that it is on and on the network"
        ))
    } else if has(&lower, NO_SHARE) {
        Error::BadNetName(format!("{unc}: the server has no such share or folder ({said}); check the name"))
    } else if has(&lower, DENIED) {
        Error::AccessDenied {
            target: local.into(),
            reason: format!("{host} does not let you{user} use {unc} ({said}); ask its administrator"),
        }
    } else {
        Error::Extended {
            provider: target.provider().name().into(),
            message: format!("{}: {said}", escape(local)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn code(err: &str, password: Option<&str>) -> u32 {
        let t = super::super::target::parse("smb://me@nas/media", None).unwrap_or_else(|e| panic!("{e}"));
        let how = How {
            password,
            from_keyring: false,
            timeout: Duration::from_secs(1),
            require_integrity: false,
            require_privacy: false,
            write_through: false,
            global: false,
        };
        classify(&t, OsStr::new("/mnt/m"), &how, err).code().0
    }

    #[test]
    fn rclone_stamps_are_left_out() {
        assert_eq!(
            last_line("x\n2026/11/26 17:09:48 Failed to lsjson: couldn't connect SMB: refused\n"),
            "couldn't connect SMB: refused"
        );
        assert_eq!(last_line("mount error(13): Permission denied"), "mount error(13): Permission denied");
    }

    #[test]
    fn what_tools_say_becomes_a_code() {
        let logon = "Failed to lsjson: couldn't connect SMB: response error: The attempted logon is invalid.";
        assert_eq!(code(logon, Some("x")), 86);
        assert_eq!(code(logon, None), 1326);
        assert_eq!(code("me@h: Permission denied (publickey,password).", None), 1326);
        assert_eq!(code("couldn't connect SMB: dial tcp 127.0.0.1:1: connect: connection refused", None), 53);
        assert_eq!(code("ssh: Could not resolve hostname nosuch: Name or service not known", None), 53);
        assert_eq!(code("{Network Name Not Found} The specified share name cannot be found", None), 67);
        assert_eq!(code("mount error(13): Permission denied", Some("x")), 86);
        assert_eq!(code("mount error(13): Permission denied", None), 1326);
        assert_eq!(code("mount: unknown filesystem type 'cifs'", None), 50);
        assert_eq!(code("something odd", None), 1208);
    }
}
