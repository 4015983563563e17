//! Connecting (`WNetAddConnection2`): mount a network drive with its filesystem's own tool.
//!
//! | provider | remote name | runs |
//! |---|---|---|
//! | SSHFS | `\\host[@port]\path`, `\\host\~\dir` | `sshfs [-p port] [user@]host:/path LOCAL` (password on stdin) |
//! | rclone | an rclone remote: `remote:path`, `:smb,host=H:share` | `rclone mount REMOTE LOCAL --daemon` |
//! | SMB (the default for `\\server\share`, as on Windows) | `\\server\share` | `mount -t cifs //server/share LOCAL` (root) |
//! | NFS | `\\server\export\path` | `mount -t nfs server:/export/path LOCAL` (root) |
//!
//! SSHFS accepts a host key it has never seen (`StrictHostKeyChecking=accept-new`, as a
//! first `ssh` does) and refuses a changed one. Every tool runs under a time bound; a tool
//! that does not finish is left to the kernel and reported as not responding.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::connection::{self, normalize, Connection};
use crate::error::{Error, Result, Waiting};
use crate::escape::escape;
use crate::list::{self, Scope};
use crate::profile;
use crate::provider::Provider;

/// What to connect.
#[derive(Clone, Debug, Default)]
pub struct ConnectRequest {
    /// The folder to mount on (must exist, and not be a mount point already).
    pub local_name: OsString,
    /// `\\server\share\path`, or an rclone remote for rclone.
    pub remote_name: OsString,
    /// `SSHFS`, `rclone`, `SMB`, `NFS` (case-insensitive); none means SMB, as on Windows.
    pub provider: Option<String>,
    /// The user to log in as, when not the current one.
    pub user: Option<String>,
    /// The password, passed to the tool on its standard input.
    pub password: Option<String>,
    /// Also remember it (Win32 `CONNECT_UPDATE_PROFILE`).
    pub update_profile: bool,
    /// Store the password given in the desktop keyring once it worked (Win32
    /// `CONNECT_CMD_SAVECRED`, the dialog's "Remember my credentials").
    pub remember_credentials: bool,
    /// Require signed traffic (Win32 `CONNECT_REQUIRE_INTEGRITY`): SMB `sign`, NFS
    /// `sec=krb5i`; SSH always signs; rclone cannot promise it (`ERROR_NOT_SUPPORTED`).
    pub require_integrity: bool,
    /// Require encrypted traffic (Win32 `CONNECT_REQUIRE_PRIVACY`): SMB `seal`, NFS
    /// `sec=krb5p`; SSH always encrypts; rclone cannot promise it (`ERROR_NOT_SUPPORTED`).
    pub require_privacy: bool,
    /// Writes reach the server before they return (Win32 `CONNECT_WRITE_THROUGH_SEMANTICS`):
    /// SMB `cache=none`, NFS `sync`; SSHFS and rclone keep no write-back cache by default.
    pub write_through: bool,
    /// Visible to every user (Win32 `CONNECT_GLOBAL_MAPPING`): FUSE drives (SSHFS, rclone)
    /// get `allow_other`; SMB and NFS mounts already are.
    pub global: bool,
    /// How long the tool may take.
    pub timeout: Duration,
}

/// Connect, and return the new connection as the mount table shows it.
/// On failure the error is also the thread's last error.
pub fn connect(req: &ConnectRequest) -> Result<Connection> {
    connect_now(req).map_err(Error::record)
}

fn connect_now(req: &ConnectRequest) -> Result<Connection> {
    if req.local_name.is_empty() {
        return connect_deviceless(req);
    }
    let local = normalize(&req.local_name);
    let shown = escape(&local);
    // The folder itself is local (a network mount would be refused below): safe to look at.
    if !Path::new(&local).is_dir() {
        return Err(Error::BadDevice(format!("{shown}: no such folder; create it first")));
    }
    let table = crate::mountinfo::read_table().map_err(|e| Error::NoNetwork(e.to_string()))?;
    if table.iter().any(|e| e.mount_point == local) {
        return Err(Error::AlreadyAssigned { local: local.as_os_str().into() });
    }
    let provider = match req.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Provider::Smb,
        Some(p) => match Provider::from_name(p) {
            None => {
                return Err(Error::BadProvider(format!(
                    "{p:?} is not a network provider netdrive knows; use SSHFS, rclone, SMB or NFS"
                )))
            }
            Some(known)
                if !matches!(known, Provider::Sshfs | Provider::Rclone | Provider::Smb | Provider::Nfs) =>
            {
                return Err(Error::NotSupported(format!(
                    "cannot connect with provider {p:?}: use SSHFS, rclone, SMB or NFS"
                )))
            }
            Some(known) => known,
        },
    };
    if provider == Provider::Rclone && (req.require_integrity || req.require_privacy) {
        return Err(Error::NotSupported(
            "rclone cannot promise signed or encrypted traffic for every backend; \
             connect without CONNECT_REQUIRE_INTEGRITY/CONNECT_REQUIRE_PRIVACY, or with SSHFS or SMB"
                .into(),
        ));
    }
    if req.update_profile {
        refuse_remembered_elsewhere(&local, &req.remote_name)?;
    }
    let remote = req.remote_name.as_bytes();
    let mut cmd;
    let mut stdin = None;
    match provider {
        Provider::Sshfs => {
            let (host, port, path) = split_unc(remote)?;
            let path = match path.strip_prefix("~/").or(if path == "~" { Some("") } else { None }) {
                Some(rel) => rel.to_owned(),
                None => format!("/{path}"),
            };
            let target = match &req.user {
                Some(u) => format!("{u}@{host}:{path}"),
                None => format!("{host}:{path}"),
            };
            cmd = Command::new("sshfs");
            if let Some(p) = &port {
                cmd.args(["-p", p]);
                // The mount table names the source; with a port it says so, so the drive's
                // remote name is the one it was connected with (`\\host@port\path`).
                cmd.args(["-o", &format!("fsname={}", sftp_url(req.user.as_deref(), &host, p, &path))]);
            }
            if req.global {
                cmd.args(["-o", "allow_other"]);
            }
            cmd.args(["-o", "StrictHostKeyChecking=accept-new"]);
            match &req.password {
                Some(pw) => {
                    cmd.args(["-o", "password_stdin"]);
                    stdin = Some(format!("{pw}\n"));
                }
                None => {
                    cmd.args(["-o", "BatchMode=yes"]);
                }
            }
            cmd.arg(target).arg(&local);
        }
        Provider::Rclone => {
            cmd = Command::new("rclone");
            cmd.arg("mount").arg(&req.remote_name).arg(&local).args(["--daemon", "--daemon-timeout", "20s"]);
            if req.global {
                cmd.arg("--allow-other");
            }
        }
        Provider::Smb | Provider::Nfs => {
            let (host, port, path) = split_unc(remote)?;
            if port.is_some() {
                return Err(Error::BadNetName("a port cannot be given for SMB or NFS here".into()));
            }
            cmd = Command::new("mount");
            if provider == Provider::Smb {
                let mut opts = Vec::new();
                if let Some(u) = &req.user {
                    opts.push(format!("username={u}"));
                }
                if let Some(pw) = &req.password {
                    // mount.cifs reads PASSWD from the environment: never on a command line.
                    cmd.env("PASSWD", pw);
                }
                if opts.is_empty() && req.password.is_none() {
                    opts.push("guest".into());
                }
                opts.extend(
                    [
                        (req.require_integrity, "sign"),
                        (req.require_privacy, "seal"),
                        (req.write_through, "cache=none"),
                    ]
                    .into_iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, o)| o.to_owned()),
                );
                cmd.args(["-t", "cifs", &format!("//{host}/{path}"), "-o", &opts.join(",")]).arg(&local);
            } else {
                cmd.args(["-t", "nfs", &format!("{host}:/{path}")]);
                let sec = if req.require_privacy {
                    Some("sec=krb5p")
                } else {
                    req.require_integrity.then_some("sec=krb5i")
                };
                let opts: Vec<&str> = sec.into_iter().chain(req.write_through.then_some("sync")).collect();
                if !opts.is_empty() {
                    cmd.args(["-o", &opts.join(",")]);
                }
                cmd.arg(&local);
            }
        }
        other => return Err(Error::NotSupported(format!("cannot connect with {other}"))),
    }
    mount_bounded(cmd, stdin, req.timeout, provider, &local)?;
    let conns = list::list(Scope::Connected)?;
    let conn = connection::resolve(&conns, &local)
        .map_err(|_| Error::Extended {
            provider: provider.name().into(),
            message: format!("{shown}: the mount did not appear"),
        })?
        .clone();
    if req.update_profile {
        let text = |s: &OsStr| s.to_str().map(str::to_owned);
        if let (Some(l), Some(r), Some(src)) =
            (text(&conn.local_name), text(&conn.remote_name), text(&conn.source))
        {
            profile::remember(profile::RememberedEntry {
                local_name: l,
                remote_name: r,
                source: src,
                provider: conn.provider.name().into(),
                fstype: conn.fstype.clone(),
                options: String::new(),
            })?;
        }
    }
    Ok(conn)
}

/// What stays as it is in a URI's user, host and path: the rest is percent-encoded.
const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The source an SSHFS drive with a port gets (its `fsname`):
/// `sftp://[user@]host:port/path`, path `/~/...` when relative to the home folder, percent-
/// encoded (so no `,` reaches the option list); [`crate::provider::remote_name`] reads it.
fn sftp_url(user: Option<&str>, host: &str, port: &str, path: &str) -> String {
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/~/{path}") };
    let user = user.map(|u| format!("{}@", utf8_percent_encode(u, KEEP))).unwrap_or_default();
    format!("sftp://{user}{}:{port}{}", utf8_percent_encode(host, KEEP), utf8_percent_encode(&path, KEEP))
}

/// Win32 `ERROR_DEVICE_ALREADY_REMEMBERED`: with `CONNECT_UPDATE_PROFILE`, a local name the
/// profile remembers for another remote is refused before anything is mounted (the same
/// remote again is fine: it is remembered anew).
fn refuse_remembered_elsewhere(local: &OsStr, remote: &OsStr) -> Result<()> {
    let key = |s: &[u8]| connection::unc_key(s);
    match profile::load()?.into_iter().find(|e| OsStr::new(&e.local_name) == local) {
        Some(e) if key(e.remote_name.as_bytes()) != key(remote.as_bytes()) => {
            Err(Error::DeviceAlreadyRemembered { local: local.into(), remote: e.remote_name.into() })
        }
        _ => Ok(()),
    }
}

/// A connection without a local name (Win32 `WNetAddConnection2` with `lpLocalName` NULL
/// or "": a deviceless connection): a GVfs mount, which the session's gvfsd keeps with no
/// folder of its own, made with `gio mount` (`sftp://` for SSHFS, `smb://`, `nfs://`) and
/// listed by its URI; a password given is the answer to gio's prompt, on its standard input.
/// Without a session bus there is no GVfs: `ERROR_NO_NETWORK`. It is not remembered (a
/// remembered connection is one with a local name).
fn connect_deviceless(req: &ConnectRequest) -> Result<Connection> {
    let provider = match req.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Provider::Smb,
        Some(p) => Provider::from_name(p).ok_or_else(|| {
            Error::BadProvider(format!(
                "{p:?} is not a network provider netdrive knows; use SSHFS, SMB or NFS"
            ))
        })?,
    };
    let scheme = match provider {
        Provider::Sshfs => "sftp",
        Provider::Smb => "smb",
        Provider::Nfs => "nfs",
        other => {
            return Err(Error::NotSupported(format!(
                "a connection without a local name is a GVfs mount, which {other} has not; give a folder"
            )))
        }
    };
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty()) {
        return Err(Error::NoNetwork(
            "a connection without a local name is a GVfs mount, and this session has no D-Bus session bus \
             for GVfs; give a local name (a folder to mount on)"
                .into(),
        ));
    }
    let (host, port, path) = split_unc(req.remote_name.as_bytes())?;
    let user = req.user.as_deref().map(|u| format!("{}@", utf8_percent_encode(u, KEEP))).unwrap_or_default();
    let port_part = port.as_deref().map(|p| format!(":{p}")).unwrap_or_default();
    let uri = format!("{scheme}://{user}{host}{port_part}/{}", utf8_percent_encode(&path, KEEP));
    let mut cmd = Command::new("gio");
    cmd.arg("mount").arg(&uri);
    let stdin = req.password.as_ref().map(|pw| format!("{pw}\n"));
    mount_bounded(cmd, stdin, req.timeout, provider, OsStr::new(&uri))?;
    list::list(Scope::Connected)?
        .into_iter()
        .find(|c| c.provider == Provider::Gvfs && c.is_deviceless_to(req.remote_name.as_bytes()))
        .ok_or_else(|| Error::Extended {
            provider: "GVfs".into(),
            message: format!("{uri}: gio mount succeeded, but GVfs does not list the mount"),
        })
}

/// `\\host[@port]\path\...` into host, port and `path/...`.
fn split_unc(remote: &[u8]) -> Result<(String, Option<String>, String)> {
    let text =
        std::str::from_utf8(remote).map_err(|_| Error::BadNetName("the remote name is not UTF-8".into()))?;
    let norm = text.replace('/', "\\");
    let rest = norm
        .strip_prefix("\\\\")
        .ok_or_else(|| Error::BadNetName(format!("{text:?} is not a network name like \\\\server\\share")))?;
    let mut parts = rest.split('\\').filter(|s| !s.is_empty());
    let host = parts.next().ok_or_else(|| Error::BadNetName(format!("{text:?} names no server")))?;
    let (host, port) = match host.split_once('@') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => (h, Some(p.to_owned())),
        _ => (host, None),
    };
    if host.is_empty()
        || host.starts_with('-')
        || host.chars().any(|c| c.is_whitespace() || c == ':' && !host.starts_with('['))
    {
        return Err(Error::BadNetName(format!("{host:?} is not a server name")));
    }
    Ok((host.to_owned(), port, parts.collect::<Vec<_>>().join("/")))
}

fn mount_bounded(
    mut cmd: Command,
    stdin: Option<String>,
    timeout: Duration,
    provider: Provider,
    local: &std::ffi::OsStr,
) -> Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let had_password = stdin.is_some();
    let ran = crate::child::run_bounded(&mut cmd, stdin.map(String::into_bytes), timeout).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotSupported(format!("{program} is not installed (apt-get install {})", package(provider)))
        } else {
            Error::Extended { provider: provider.name().into(), message: format!("{program}: {e}") }
        }
    })?;
    match ran {
        Some(done) if done.status.success() => Ok(()),
        // ssh refusing the password given makes sshfs say only that the server hung up.
        Some(done) if had_password && provider == Provider::Sshfs && refused(&done.stderr_text()) => Err(
            Error::LogonFailure(format!("{}: the server refused the user name or password", escape(local))),
        ),
        Some(done) => Err(classify_failure(provider, local, &done.stderr_text())),
        None => Err(Error::NotResponding { target: local.into(), after: timeout, waiting: Waiting::Nothing }),
    }
}

fn package(p: Provider) -> &'static str {
    match p {
        Provider::Sshfs => "sshfs",
        Provider::Rclone => "rclone",
        Provider::Nfs => "nfs-common",
        _ => "cifs-utils",
    }
}

/// What sshfs says when ssh gave up after the server refused the password.
fn refused(err: &str) -> bool {
    let lower = err.to_ascii_lowercase();
    lower.contains("connection reset by peer") || lower.contains("permission denied")
}

fn classify_failure(provider: Provider, local: &std::ffi::OsStr, err: &str) -> Error {
    let shown = escape(local);
    let lower = err.to_ascii_lowercase();
    let message = format!("{shown}: {}", crate::escape::escape_text(err));
    if lower.contains("unknown filesystem type")
        || lower.contains("no such device")
        || lower.contains("wrong fs type")
    {
        Error::NotSupported(format!("{message} (this system cannot mount {} drives)", provider.name()))
    } else if lower.contains("permission denied")
        || lower.contains("only root")
        || lower.contains("operation not permitted")
    {
        Error::AccessDenied { target: local.into(), reason: crate::escape::escape_text(err) }
    } else if lower.contains("no such file")
        || lower.contains("not found")
        || lower.contains("could not resolve")
    {
        Error::BadNetName(message)
    } else {
        Error::Extended { provider: provider.name().into(), message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unc_names_split_into_host_port_and_path() {
        assert_eq!(split_unc(br"\\h\srv\data").unwrap(), ("h".into(), None, "srv/data".into()));
        assert_eq!(
            split_unc(br"\\127.0.0.1@2222\tmp\x").unwrap(),
            ("127.0.0.1".into(), Some("2222".into()), "tmp/x".into())
        );
        assert_eq!(split_unc(b"//h/s").unwrap(), ("h".into(), None, "s".into()));
        assert_eq!(split_unc(b"h:/x").unwrap_err().code().0, 67);
        assert_eq!(split_unc(br"\\-oProxyCommand=x\s").unwrap_err().code().0, 67);
    }

    /// WNetAddConnection2 with `\\host@port\path`: the drive's remote name, read back from
    /// the mount table's source, is the name it was connected with.
    #[test]
    fn a_port_stays_in_the_remote_name() {
        let name = |src: String| crate::provider::remote_name(Provider::Sshfs, OsStr::new(&src), None);
        assert_eq!(
            name(sftp_url(Some("me"), "127.0.0.1", "2299", "/srv/a b,c")),
            r"\\127.0.0.1@2299\srv\a b,c"
        );
        assert_eq!(name(sftp_url(None, "h", "22", "docs")), r"\\h@22\~\docs");
        assert!(!sftp_url(None, "h", "22", "/a,b").contains(','), "no comma in an -o value");
    }
}
