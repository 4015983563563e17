//! Connecting (`WNetAddConnection2`): mount a network drive with its filesystem's own tool.
//!
//! The provider comes from the remote name's form, or from the one the caller names:
//!
//! | remote name | provider | runs |
//! |---|---|---|
//! | `\\server\share`, `smb://[dom;][user@]server[:port]/share` | SMB | `mount.cifs` (kernel `cifs`) as root where the kernel has it; otherwise rclone's SMB backend (`rclone mount`, FUSE: any user) |
//! | `sftp://[user@]host[:port]/path`, `user@host:/path` (`\\host[@port]\path` with SSHFS) | SSHFS | `sshfs` (a key from `~/.ssh`, or the password) |
//! | `https://[user@]host[:port]/path`, `http://`, `davs://` (`\\host[@SSL][@port]\path` with WebDAV) | WebDAV | rclone's WebDAV backend (`rclone mount`) |
//! | `nfs://server/export`, `server:/export` with NFS | NFS | `mount -t nfs` (root) |
//! | an rclone remote, with provider rclone | rclone | `rclone mount REMOTE LOCAL` |
//!
//! A user who is not root mounts what FUSE lets them (sshfs, rclone), and kernel
//! filesystems only through an `/etc/fstab` entry with the `user` or `users` option for
//! that folder that names the remote asked for (`mount LOCAL`, as `mount(8)` allows);
//! netdrive has no setuid helper.
//!
//! Passwords never appear on a command line or in an environment: sshfs reads it on its
//! standard input (`password_stdin`); `mount.cifs` reads a credentials file and rclone its
//! configuration (the password obscured as rclone requires, by `rclone obscure -` from
//! standard input) from an anonymous memory file (`memfd`) given as standard input, which
//! exists on no disk and goes with the process. With no password given, the desktop
//! keyring ([`crate::keyring`]) is asked first; `remember_credentials` stores the password
//! there once the connection worked.
//!
//! Failures carry the code a program can act on: [`Error::needs_credentials`] (wrong or
//! missing password: `ERROR_INVALID_PASSWORD`, `ERROR_LOGON_FAILURE`), `ERROR_BAD_NETPATH`
//! (unknown server, nothing listening), `ERROR_BAD_NET_NAME` (no such share or folder),
//! `ERROR_ACCESS_DENIED`, `ERROR_SEM_TIMEOUT` (no answer within the bound).
//!
//! SSHFS accepts a host key it has never seen (`StrictHostKeyChecking=accept-new`, as a
//! first `ssh` does) and refuses a changed one. Every tool runs under a time bound; a tool
//! that does not finish is left to the kernel and reported as not responding.

mod deviceless;
mod failure;
mod rclone;
pub(crate) mod target;
mod tools;
mod undo;

pub use undo::{undo_own_mount, MountsBefore};

use std::ffi::{OsStr, OsString};
use std::process::Command;
use std::time::Duration;

use crate::connection::{self, normalize, Connection};
use crate::error::{Error, Result, Waiting};
use crate::escape::escape;
use crate::keyring;
use crate::list::{self, Scope};
use crate::profile;
use crate::provider::Provider;
use deviceless::connect_deviceless;
use target::Target;
use tools::{kernel_cifs, mount, How};
pub(crate) use tools::{mount_fstab, restorable_fstab};

/// What to connect. (Its `Debug` hides the password.)
#[derive(Clone, Default)]
pub struct ConnectRequest {
    /// The folder to mount on (must exist, and not be a mount point already).
    pub local_name: OsString,
    /// The remote: `\\server\share\path`, `smb://`, `sftp://`, `user@host:/path`,
    /// `https://` (WebDAV), `nfs://`; or an rclone remote with provider rclone.
    pub remote_name: OsString,
    /// `SMB`, `SSHFS`, `WebDAV`, `NFS`, `rclone` (case-insensitive); none: from the remote
    /// name's form (`\\server\share` is SMB, as on Windows).
    pub provider: Option<String>,
    /// The user to log in as (for SMB `DOMAIN\user` too), when not the one in the remote
    /// name or the current one.
    pub user: Option<String>,
    /// The password; none: the desktop keyring's, if it has one, else none.
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

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("local_name", &self.local_name)
            .field("remote_name", &self.remote_name)
            .field("provider", &self.provider)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("update_profile", &self.update_profile)
            .field("remember_credentials", &self.remember_credentials)
            .field("require_integrity", &self.require_integrity)
            .field("require_privacy", &self.require_privacy)
            .field("write_through", &self.write_through)
            .field("global", &self.global)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A connection made, and what happened with its password.
#[derive(Clone, Debug)]
pub struct Connected {
    /// The new connection, as the mount table shows it.
    pub connection: Connection,
    /// The password came from the desktop keyring.
    pub password_from_keyring: bool,
    /// The password given was stored in the keyring (`remember_credentials`).
    pub password_saved: bool,
    /// For people, once per process: the keyring could not be used (so the password is
    /// asked for each time, or was not saved).
    pub keyring_notice: Option<String>,
    /// For people: the connection was asked to be remembered (`update_profile`) and
    /// could not be (the profile could not be written); the drive is connected.
    pub profile_notice: Option<String>,
}

/// Connect, and return the new connection as the mount table shows it.
/// On failure the error is also the thread's last error.
pub fn connect(req: &ConnectRequest) -> Result<Connection> {
    connect_report(req).map(|c| c.connection)
}

/// [`connect`], also saying where the password came from and whether it was saved.
pub fn connect_report(req: &ConnectRequest) -> Result<Connected> {
    connect_now(req).map_err(Error::record)
}

fn timeout_of(req: &ConnectRequest) -> Duration {
    if req.timeout.is_zero() {
        Duration::from_secs(30)
    } else {
        req.timeout
    }
}

fn connect_now(req: &ConnectRequest) -> Result<Connected> {
    if req.local_name.is_empty() {
        return connect_deviceless(req).map(|connection| Connected {
            connection,
            password_from_keyring: false,
            password_saved: false,
            keyring_notice: None,
            profile_notice: None,
        });
    }
    let local = normalize(&req.local_name);
    // Read before the check: a mount that appears between the two is refused below, so
    // one not in `before` after the tool ran is this attempt's (see `undo`).
    let before = MountsBefore::read()?;
    let table = crate::mountinfo::read_table().map_err(|e| Error::NoNetwork(e.to_string()))?;
    if table.iter().any(|e| e.mount_point == local) {
        return Err(Error::AlreadyAssigned { local: local.as_os_str().into() });
    }
    // The folder as the mount table will name it: every symlink resolved (the tools mount
    // on the real folder), looked at in a bounded child process, since a symlink or a
    // home folder can lead into a network drive whose server is dead.
    let local = real_folder(&local, timeout_of(req).min(Duration::from_secs(5)))?;
    let shown = escape(&local);
    if table.iter().any(|e| e.mount_point == local) {
        return Err(Error::AlreadyAssigned { local: local.as_os_str().into() });
    }
    let provider = provider_named(req.provider.as_deref())?;
    let remote = req
        .remote_name
        .to_str()
        .ok_or_else(|| Error::BadNetName("the remote name is not UTF-8 text".into()))?;
    let mut target = target::parse(remote, provider)?;
    for value in [req.user.as_deref(), req.password.as_deref()].into_iter().flatten() {
        if value.chars().any(char::is_control) {
            return Err(Error::InvalidParameter(
                "a user name or password cannot hold control characters".into(),
            ));
        }
    }
    if let Some(u) = req.user.as_deref().filter(|u| !u.is_empty()) {
        target.set_user(u)?;
    }
    if req.require_integrity || req.require_privacy {
        refuse_unprotected(&target)?;
    }
    if req.update_profile {
        check_not_remembered_elsewhere(&local, &target)?;
    }

    // The password: the caller's, else the keyring's.
    let key = keyring_key(&target);
    let mut notice = None;
    let mut from_keyring = false;
    let mut no_keyring = None;
    let mut password = req.password.clone();
    if let (None, Some(k)) = (&password, &key) {
        match keyring::lookup(k) {
            Ok(Some(found)) => {
                if target.user().is_none() {
                    if let Some(u) = &found.user {
                        target.set_user(u)?;
                    }
                }
                password = Some(found.password);
                from_keyring = true;
            }
            Ok(None) => {}
            Err(e) => {
                notice = e.first_notice();
                no_keyring = Some(e);
            }
        }
    }
    let how = How {
        password: password.as_deref(),
        from_keyring,
        timeout: timeout_of(req),
        require_integrity: req.require_integrity,
        require_privacy: req.require_privacy,
        write_through: req.write_through,
        global: req.global,
    };
    // A failed tool may have mounted already (sshfs mounts before the server answers; a
    // tool killed by a cancel): what it left is taken away, nothing else.
    let undo_bound = Duration::from_secs(3);
    mount(&target, &local, &how).map_err(|e| {
        undo::undo(&local, &target, &before, undo_bound);
        match (e, no_keyring) {
            // Say why no saved password was tried.
            (Error::LogonFailure(m), Some(k)) => Error::LogonFailure(format!("{m}; {k}")),
            (e, _) => e,
        }
    })?;

    // The drive is on the folder: a failure to find it in the list takes it away again
    // (the caller is told it failed, so it must not stay).
    let found = list::list(Scope::Connected).and_then(|conns| {
        connection::resolve(&conns, &local).cloned().map_err(|_| Error::Extended {
            provider: target.provider().name().into(),
            message: format!("{shown}: the mount did not appear"),
        })
    });
    let conn = found.inspect_err(|_| {
        undo::undo(&local, &target, &before, undo_bound);
    })?;
    let mut saved = false;
    if req.remember_credentials && !from_keyring {
        if let (Some(k), Some(pw)) = (&key, req.password.as_deref()) {
            let mut k = k.clone();
            k.user = k.user.or_else(|| target.user().map(str::to_owned));
            match keyring::store(&k, pw) {
                Ok(()) => saved = true,
                Err(e) => notice = notice.or(Some(e.to_string())),
            }
        }
    }
    // The drive works: a profile that cannot be written does not undo it; it is said.
    let mut profile_notice = None;
    if req.update_profile {
        let remembered = match conn.local_name.to_str() {
            Some(l) => profile::remember(profile::RememberedEntry {
                local_name: l.to_owned(),
                remote_name: target.unc(),
                source: target.spec(),
                provider: target.provider().name().into(),
                fstype: conn.fstype.clone(),
                options: String::new(),
            }),
            None => Err(Error::InvalidParameter("the folder's name is not UTF-8 text".into())),
        };
        if let Err(e) = remembered {
            profile_notice = Some(format!("{shown} is connected, but not remembered for sign-in: {e}"));
        }
    }
    Ok(Connected {
        connection: conn,
        password_from_keyring: from_keyring,
        password_saved: saved,
        keyring_notice: notice,
        profile_notice,
    })
}

/// The provider a caller named (`None`: from the remote name's form).
fn provider_named(name: Option<&str>) -> Result<Option<Provider>> {
    let provider = match name.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(Provider::from_name(p).or_else(|| alias(p)).ok_or_else(|| {
            Error::BadProvider(format!(
                "{p:?} is not a network provider netdrive knows; use SMB, SSHFS, WebDAV, NFS or rclone"
            ))
        })?),
    };
    // A drive GNOME Files had mounted (remembered from the list) is connected by its
    // form (`smb://`, `sftp://`, `dav://`): netdrive mounts it with the tools above.
    Ok(provider.filter(|p| *p != Provider::Gvfs))
}

fn alias(p: &str) -> Option<Provider> {
    match p.to_ascii_lowercase().as_str() {
        "cifs" | "smb3" | "samba" => Some(Provider::Smb),
        "sftp" | "ssh" => Some(Provider::Sshfs),
        "dav" | "davfs2" | "webdav" => Some(Provider::WebDav),
        "nfs4" => Some(Provider::Nfs),
        _ => None,
    }
}

/// `CONNECT_REQUIRE_INTEGRITY`/`CONNECT_REQUIRE_PRIVACY` with a tool that cannot promise
/// them: `ERROR_NOT_SUPPORTED` before anything is tried, never a drive that is quietly
/// unsigned or in the clear. SSH signs and encrypts always, WebDAV over HTTPS through TLS,
/// the kernel's cifs with `sign`/`seal`, NFS with Kerberos; rclone's SMB client and plain
/// HTTP cannot.
fn refuse_unprotected(target: &Target) -> Result<()> {
    let why = match target {
        Target::Rclone { .. } => "rclone cannot promise signed or encrypted traffic for every backend",
        Target::WebDav { secure: false, .. } => "plain http:// is neither signed nor encrypted; use https://",
        Target::Smb { .. } if !kernel_cifs() => {
            "signing and encryption of SMB need the kernel's cifs client (as root, with cifs-utils); \
             rclone's SMB client, used otherwise, cannot promise them"
        }
        _ => return Ok(()),
    };
    Err(Error::NotSupported(format!(
        "{why}: connect without CONNECT_REQUIRE_INTEGRITY/CONNECT_REQUIRE_PRIVACY, or over SSH"
    )))
}

/// `ERROR_DEVICE_ALREADY_REMEMBERED` when the folder is remembered for another remote.
fn check_not_remembered_elsewhere(local: &OsStr, target: &Target) -> Result<()> {
    let Some(l) = local.to_str() else { return Ok(()) };
    let spec = target.spec();
    if let Some(e) = profile::load()?.into_iter().find(|e| e.local_name == l) {
        if e.source != spec && !e.remote_name.eq_ignore_ascii_case(&target.unc()) {
            return Err(Error::DeviceAlreadyRemembered { local: local.into(), remote: e.remote_name.into() });
        }
    }
    Ok(())
}

/// The keyring item a target's password is kept under (gvfs's attributes).
fn keyring_key(t: &Target) -> Option<keyring::Key> {
    let (protocol, server, port, domain, object) = match t {
        Target::Smb { host, port, share, domain, .. } => {
            ("smb", host, port.filter(|p| *p != 445), domain.clone(), Some(share.clone()))
        }
        Target::Sftp { host, port, .. } => ("sftp", host, port.filter(|p| *p != 22), None, None),
        Target::WebDav { secure, host, port, .. } => {
            let default = if *secure { 443 } else { 80 };
            (if *secure { "davs" } else { "dav" }, host, port.filter(|p| *p != default), None, None)
        }
        Target::Nfs { .. } | Target::Rclone { .. } => return None,
    };
    Some(keyring::Key {
        protocol: protocol.into(),
        server: server.clone(),
        port,
        user: t.user().map(str::to_owned),
        domain,
        object,
    })
}

/// `local` with every symlink resolved, if it is a folder; found by a child process with
/// a bound (a thread stuck in the kernel on a dead server would keep this process from
/// ever ending).
fn real_folder(local: &OsStr, bound: Duration) -> Result<std::ffi::OsString> {
    let shown = escape(local);
    let mut cmd = Command::new("sh");
    // NUL-terminated: a folder's name may end in a newline.
    cmd.args(["-c", r#"test -d "$1" || exit 3; exec realpath -e -z -- "$1""#, "sh"]).arg(local);
    match crate::child::run_bounded(&mut cmd, None, bound) {
        Ok(Some(done)) if done.status.success() => {
            let mut path = done.stdout;
            if path.last() == Some(&0) {
                path.pop();
            }
            if path.first() != Some(&b'/') {
                return Err(Error::BadDevice(format!("{shown}: cannot look at it: realpath said {path:?}")));
            }
            Ok(std::os::unix::ffi::OsStringExt::from_vec(path))
        }
        Ok(Some(done)) if done.status.code() == Some(3) => {
            Err(Error::BadDevice(format!("{shown}: no such folder; create it first")))
        }
        Ok(Some(done)) => {
            Err(Error::BadDevice(format!("{shown}: cannot look at it: {}", done.stderr_text().trim())))
        }
        Ok(None) => {
            Err(Error::NotResponding { target: local.into(), after: bound, waiting: Waiting::Nothing })
        }
        Err(e) => Err(Error::BadDevice(format!("{shown}: cannot look at it: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CONNECT_REQUIRE_PRIVACY/INTEGRITY are refused where the tool cannot promise them,
    /// never quietly dropped.
    #[test]
    fn protection_asked_of_a_tool_that_cannot_give_it_is_refused() {
        let code = |remote: &str| {
            let t = target::parse(remote, None).unwrap_or_else(|e| panic!("{e}"));
            refuse_unprotected(&t).err().map(|e| e.code().0)
        };
        assert_eq!(code("http://dav.example/files"), Some(50));
        assert_eq!(code("https://dav.example/files"), None);
        assert_eq!(code("sftp://me@host/srv"), None);
        if !kernel_cifs() {
            assert_eq!(code(r"\\nas\media"), Some(50), "rclone's SMB client signs nothing");
        }
    }
}
