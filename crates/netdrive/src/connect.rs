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

mod failure;
mod rclone;
pub(crate) mod target;
mod undo;

pub use undo::{undo_own_mount, MountsBefore};

use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::child::Input;
use crate::connection::{self, normalize, Connection};
use crate::error::{Error, Result, Waiting};
use crate::escape::escape;
use crate::keyring;
use crate::list::{self, Scope};
use crate::profile;
use crate::provider::Provider;
use failure::classify;
use target::Target;

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

/// Does SMB go through the kernel's cifs here (else rclone's SMB client)?
fn kernel_cifs() -> bool {
    is_root() && kernel_has("cifs") && installed("mount.cifs")
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

/// How to log in.
pub(crate) struct How<'a> {
    pub password: Option<&'a str>,
    pub from_keyring: bool,
    pub timeout: Duration,
    /// [`ConnectRequest::require_integrity`] and the three after it.
    pub require_integrity: bool,
    pub require_privacy: bool,
    pub write_through: bool,
    pub global: bool,
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn mount(target: &Target, local: &OsStr, how: &How) -> Result<()> {
    // A user's fstab entry for this folder is what the administrator allows: use it.
    if !is_root() && !matches!(target, Target::Sftp { .. } | Target::Rclone { .. }) {
        if let Some(e) =
            profile::fstab().into_iter().find(|e| e.mount_point == local && user_mountable(&e.options))
        {
            fstab_entry_is(&e, target, local)?;
            let mut cmd = Command::new("mount");
            cmd.arg(&e.mount_point);
            return run_tool(cmd, Input::None, target, local, how);
        }
    }
    match target {
        Target::Sftp { host, port, user, path } => {
            let rel = path.strip_prefix("~/").or((path == "~").then_some(""));
            let path = rel.map(str::to_owned).unwrap_or_else(|| path.clone());
            let remote = match user {
                Some(u) => format!("{u}@{}:{path}", bracket(host)),
                None => format!("{}:{path}", bracket(host)),
            };
            let mut cmd = Command::new("sshfs");
            if let Some(p) = port {
                cmd.args(["-p", &p.to_string()]);
                // The mount table names the source; with a port it says so, so the drive's
                // remote name is the one it was connected with (`\\host@port\path`).
                let fsname = sftp_url(user.as_deref(), host, &p.to_string(), &path);
                cmd.args(["-o", &format!("fsname={fsname}")]);
            }
            if how.global {
                cmd.args(["-o", "allow_other"]);
            }
            cmd.args(["-o", "StrictHostKeyChecking=accept-new"]);
            let input = match how.password {
                Some(pw) => {
                    cmd.args(["-o", "password_stdin"]);
                    // The password is what was given: no key is tried first (a server
                    // counts each refused key against its limit).
                    cmd.args(["-o", "PreferredAuthentications=password"]);
                    Input::Bytes(format!("{pw}\n").into_bytes())
                }
                None => {
                    cmd.args(["-o", "BatchMode=yes"]);
                    Input::None
                }
            };
            cmd.arg("--").arg(remote).arg(local);
            run_tool(cmd, input, target, local, how)
        }
        Target::Smb { host, port, share, path, user, domain } if kernel_cifs() => {
            let mut creds = String::new();
            if let Some(u) = user {
                creds.push_str(&format!("username={u}\n"));
            }
            if let Some(pw) = how.password {
                creds.push_str(&format!("password={pw}\n"));
            }
            if let Some(d) = domain {
                creds.push_str(&format!("domain={d}\n"));
            }
            let mut opts = vec![if creds.is_empty() {
                "guest".to_owned()
            } else {
                format!("credentials={}", crate::child::STDIN_FILE)
            }];
            if let Some(p) = port {
                opts.push(format!("port={p}"));
            }
            let (uid, gid) = (rustix::process::getuid().as_raw(), rustix::process::getgid().as_raw());
            opts.push(format!("uid={uid},gid={gid}"));
            opts.extend(
                [
                    (how.require_integrity, "sign"),
                    (how.require_privacy, "seal"),
                    (how.write_through, "cache=none"),
                ]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, o)| o.to_owned()),
            );
            let unc = if path.is_empty() {
                format!("//{host}/{share}")
            } else {
                format!("//{host}/{share}/{path}")
            };
            let mut cmd = Command::new("mount.cifs");
            cmd.arg(unc).arg(local).args(["-o", &opts.join(",")]);
            let input =
                if creds.is_empty() { Input::None } else { Input::File(secret_file(creds.as_bytes())?) };
            run_tool(cmd, input, target, local, how)
        }
        Target::Smb { .. } | Target::WebDav { .. } => rclone::mount_backend(target, local, how),
        Target::Nfs { host, path } => {
            if !is_root() {
                return Err(Error::AccessDenied {
                    target: local.into(),
                    reason: "only root mounts NFS, or anyone where /etc/fstab has an entry with the `user` \
                             option for this folder; ask your administrator for one"
                        .into(),
                });
            }
            let mut cmd = Command::new("mount");
            cmd.args(["-t", "nfs", &format!("{}:{path}", bracket(host))]);
            let sec = if how.require_privacy {
                Some("sec=krb5p")
            } else {
                how.require_integrity.then_some("sec=krb5i")
            };
            let opts: Vec<&str> = sec.into_iter().chain(how.write_through.then_some("sync")).collect();
            if !opts.is_empty() {
                cmd.args(["-o", &opts.join(",")]);
            }
            cmd.arg(local);
            run_tool(cmd, Input::None, target, local, how)
        }
        Target::Rclone { remote } => {
            let mut cmd = Command::new("rclone");
            cmd.arg("mount").arg(remote).arg(local).args(["--daemon", "--daemon-timeout", "20s"]);
            if how.global {
                cmd.arg("--allow-other");
            }
            run_tool(cmd, Input::None, target, local, how)
        }
    }
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

/// Mount an `/etc/fstab` entry as `mount -a` would: by its folder, with the fstab's own
/// options (credentials files stay where the administrator put them), bounded.
pub(crate) fn mount_fstab(e: &profile::FstabEntry, timeout: Duration) -> Result<()> {
    let source = e.source.to_string_lossy();
    let target = target::parse(&source, Some(e.provider)).map_err(|_| {
        Error::BadNetPath(format!(
            "{}: the fstab's source {} is not one netdrive reads",
            escape(&e.mount_point),
            escape(&e.source)
        ))
    })?;
    let how = How {
        password: None,
        from_keyring: false,
        timeout,
        require_integrity: false,
        require_privacy: false,
        write_through: false,
        global: false,
    };
    let mut cmd = Command::new("mount");
    // Another fstab (tests) only when asked: a setuid mount refuses one for users.
    if let Some(other) = std::env::var_os("NETDRIVE_FSTAB") {
        cmd.arg("--fstab").arg(other);
    }
    cmd.arg("--target").arg(&e.mount_point);
    run_tool(cmd, Input::None, &target, &e.mount_point, &how)
}

/// May this user mount the fstab entry, and is it one the system mounts at boot (so one
/// that is not mounted was missed, typically because the network came up late)? Entries
/// with `noauto` are mounted on demand, automount ones by the automounter.
pub(crate) fn restorable_fstab(e: &profile::FstabEntry) -> bool {
    let opts: Vec<&[u8]> = e.options.as_encoded_bytes().split(|&b| b == b',').collect();
    let on_demand = opts.iter().any(|o| *o == b"noauto" || *o == b"x-systemd.automount");
    !on_demand && (is_root() || user_mountable(&e.options))
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

fn user_mountable(options: &OsStr) -> bool {
    options.as_encoded_bytes().split(|&b| b == b',').any(|o| o == b"user" || o == b"users")
}

/// A user's fstab entry mounts what it names, whatever was asked: it stands for the
/// connect only when it names the same server, share or export, and path. Else
/// `ERROR_ACCESS_DENIED`, naming what the fstab has on that folder.
fn fstab_entry_is(e: &profile::FstabEntry, target: &Target, local: &OsStr) -> Result<()> {
    let named = e.source.to_str().and_then(|s| target::parse(s, Some(e.provider)).ok());
    if named.is_some_and(|n| n.same_place(target)) {
        return Ok(());
    }
    Err(Error::AccessDenied {
        target: local.into(),
        reason: format!(
            "{} has {} ({}) on this folder, not {}; connect that, or choose another folder",
            escape(profile::fstab_path().as_os_str()),
            escape(&e.source),
            e.fstype,
            target.unc()
        ),
    })
}

/// Is a system program there (root's mount helpers live in the sbin folders)?
fn installed(program: &str) -> bool {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].iter().any(|d| Path::new(d).join(program).exists())
}

/// Does the kernel have (or can it load) this filesystem?
fn kernel_has(fs: &str) -> bool {
    let listed = std::fs::read_to_string("/proc/filesystems")
        .map(|t| t.lines().any(|l| l.split_whitespace().last() == Some(fs)))
        .unwrap_or(false);
    listed || {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let release = release.trim();
        ["kernel/fs/smb/client", "kernel/fs/cifs", "kernel/fs/nfs"].iter().any(|d| {
            std::fs::read_dir(format!("/lib/modules/{release}/{d}"))
                .map(|rd| {
                    rd.flatten().any(|e| e.file_name().to_string_lossy().starts_with(&format!("{fs}.ko")))
                })
                .unwrap_or(false)
        })
    }
}

/// An anonymous memory file holding `text`, rewound: given to a tool as its standard
/// input, it is read as [`crate::child::STDIN_FILE`] and never touches a disk or a command line.
pub(crate) fn secret_file(text: &[u8]) -> Result<OwnedFd> {
    use rustix::fs::{memfd_create, MemfdFlags};
    let fail =
        |e: std::io::Error| Error::Extended { provider: "netdrive".into(), message: format!("memfd: {e}") };
    let fd = memfd_create("netdrive-credentials", MemfdFlags::CLOEXEC).map_err(|e| fail(e.into()))?;
    let mut file = std::fs::File::from(fd);
    std::io::Write::write_all(&mut file, text).map_err(fail)?;
    std::io::Seek::rewind(&mut file).map_err(fail)?;
    Ok(file.into())
}

fn run_tool(mut cmd: Command, input: Input, target: &Target, local: &OsStr, how: &How) -> Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    // Its own process group: past the bound it goes with what it started (ssh).
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    // What is mounted before it runs is never this tool's to take away.
    let before = MountsBefore::read()?;
    let ran = crate::child::run_bounded_input(&mut cmd, input, how.timeout).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotSupported(format!("{program} is not installed (apt-get install {})", package(&program)))
        } else {
            Error::Extended { provider: target.provider().name().into(), message: format!("{program}: {e}") }
        }
    })?;
    match ran {
        Some(done) if done.status.success() => Ok(()),
        Some(done) => {
            let said = done.stderr_text();
            // sshfs gives ssh a terminal for the password, so ssh's own message (refused,
            // unknown host, wrong password) never reaches us: only "read: Connection reset
            // by peer". Whether the server answers at all tells them apart.
            if let Target::Sftp { host, port, .. } = target {
                if said.to_ascii_lowercase().contains("connection reset by peer") {
                    let bound = how.timeout.min(Duration::from_secs(5));
                    let why = match reachable(host, port.unwrap_or(22), bound) {
                        Err(e) => e,
                        Ok(()) => "Permission denied, please try again (the server closed the login)".into(),
                    };
                    return Err(classify(target, local, how, &why));
                }
            }
            Err(classify(target, local, how, &said))
        }
        None => {
            // sshfs mounts before the server has answered: a drive left on the folder
            // by a tool that gave up would hang whoever opens it.
            undo::undo(local, target, &before, Duration::from_secs(3));
            Err(Error::NotResponding { target: local.into(), after: how.timeout, waiting: Waiting::Nothing })
        }
    }
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
    match provider {
        Provider::Sshfs | Provider::Smb | Provider::Nfs => {}
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
    let uri = gio_uri(req, provider)?;
    let mut cmd = Command::new("gio");
    cmd.arg("mount").arg(&uri);
    let input = req.password.as_ref().map_or(Input::None, |pw| Input::Bytes(format!("{pw}\n").into_bytes()));
    gio_mount(cmd, input, timeout_of(req), &uri)?;
    list::list(Scope::Connected)?
        .into_iter()
        .find(|c| c.provider == Provider::Gvfs && c.is_deviceless_to(req.remote_name.as_bytes()))
        .ok_or_else(|| Error::Extended {
            provider: "GVfs".into(),
            message: format!("{uri}: gio mount succeeded, but GVfs does not list the mount"),
        })
}

/// The URI `gio mount` is given for a deviceless connection. The remote name is read as
/// any other ([`target::parse`]: `\\host[@port]\path`, or the provider's URL form), so
/// nothing in it is taken for a user or a host it is not. For SMB the URI always names
/// `domain;user@` (the user given, else the current one; the domain given, else
/// `WORKGROUP`): gio then asks only for the password, the one line it is given.
fn gio_uri(req: &ConnectRequest, provider: Provider) -> Result<String> {
    let remote = req
        .remote_name
        .to_str()
        .ok_or_else(|| Error::BadNetName("the remote name is not UTF-8 text".into()))?;
    let mut target = target::parse(remote, Some(provider))?;
    if let Some(u) = req.user.as_deref().filter(|u| !u.is_empty()) {
        target.set_user(u)?;
    }
    let enc = |s: &str| utf8_percent_encode(s, KEEP).to_string();
    let port = |p: &Option<u16>| p.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(match &target {
        Target::Smb { host, port: p, share, path, user, domain } => {
            let user = match user {
                Some(u) => u.clone(),
                None => target::check_user(&crate::users::current_user_name())?.to_owned(),
            };
            let domain = domain.as_deref().unwrap_or("WORKGROUP");
            let path = if path.is_empty() { share.clone() } else { format!("{share}/{path}") };
            format!("smb://{};{}@{}{}/{}", enc(domain), enc(&user), bracket(host), port(p), enc(&path))
        }
        Target::Sftp { host, port: p, user, path } => {
            let user = user.as_deref().map(|u| format!("{}@", enc(u))).unwrap_or_default();
            let path = path.trim_start_matches('/');
            format!("sftp://{user}{}{}/{}", bracket(host), port(p), enc(path))
        }
        Target::Nfs { host, path } => {
            format!("nfs://{}/{}", bracket(host), enc(path.trim_start_matches('/')))
        }
        Target::WebDav { .. } | Target::Rclone { .. } => {
            return Err(Error::NotSupported(format!(
                "a connection without a local name is a GVfs mount, which {} has not; give a folder",
                provider.name()
            )))
        }
    })
}

/// Run `gio mount` within `timeout`; its failure in the words GVfs gave.
fn gio_mount(mut cmd: Command, input: Input, timeout: Duration, uri: &str) -> Result<()> {
    let ran = crate::child::run_bounded_input(&mut cmd, input, timeout).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotSupported("gio is not installed (apt-get install libglib2.0-bin)".into())
        } else {
            Error::Extended { provider: "GVfs".into(), message: format!("gio: {e}") }
        }
    })?;
    match ran {
        Some(done) if done.status.success() => Ok(()),
        Some(done) => {
            let said = done.stderr_text();
            let lower = said.to_ascii_lowercase();
            let message = format!("{uri}: {}", crate::escape::escape_text(&said));
            Err(if lower.contains("permission denied") || lower.contains("password") {
                Error::LogonFailure(message)
            } else if lower.contains("not found") || lower.contains("no such") {
                Error::BadNetName(message)
            } else {
                Error::Extended { provider: "GVfs".into(), message }
            })
        }
        None => Err(Error::NotResponding { target: uri.into(), after: timeout, waiting: Waiting::Nothing }),
    }
}

/// Can a TCP connection be made to `host:port` within `bound`? The error in the words
/// `classify` reads (name lookup can block: it runs on a thread of its own).
fn reachable(host: &str, port: u16, bound: Duration) -> std::result::Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let (tx, rx) = std::sync::mpsc::channel();
    let target = (host.to_owned(), port);
    std::thread::spawn(move || {
        let r = match target.to_socket_addrs() {
            Err(e) => Err(format!("could not resolve hostname {}: {e}", target.0)),
            Ok(addrs) => {
                let mut last = "no address".to_owned();
                let mut ok = false;
                for a in addrs {
                    match TcpStream::connect_timeout(&a, bound) {
                        Ok(_) => {
                            ok = true;
                            break;
                        }
                        Err(e) => last = format!("connect to {a}: {e}"),
                    }
                }
                if ok {
                    Ok(())
                } else {
                    Err(last)
                }
            }
        };
        let _ = tx.send(r);
    });
    rx.recv_timeout(bound + Duration::from_millis(200))
        .unwrap_or_else(|_| Err(format!("connect to {host}:{port}: connection timed out")))
}

pub(crate) fn package(program: &str) -> &'static str {
    match program {
        "sshfs" => "sshfs",
        "rclone" => "rclone",
        "mount.cifs" => "cifs-utils",
        _ => "mount nfs-common",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fstab_entries_the_boot_mounts_are_restored_on_demand_ones_not() {
        let e = |options: &str| profile::FstabEntry {
            source: "//nas/share".into(),
            mount_point: "/mnt/nas".into(),
            fstype: "cifs".into(),
            options: options.into(),
            provider: Provider::Smb,
        };
        let root = is_root();
        assert_eq!(restorable_fstab(&e("defaults")), root);
        assert_eq!(restorable_fstab(&e("_netdev,credentials=/etc/nas")), root);
        assert!(restorable_fstab(&e("user,rw")));
        assert!(!restorable_fstab(&e("noauto,user")));
        assert!(!restorable_fstab(&e("x-systemd.automount,users")));
    }

    /// The URI gio is given: the server, port and path of the remote name, never a user
    /// or host smuggled in with `@`; for SMB always `domain;user@`, so gio asks only for
    /// the password.
    #[test]
    fn deviceless_names_become_gio_uris() {
        let uri = |remote: &str, provider, user: Option<&str>| {
            let req = ConnectRequest {
                remote_name: remote.into(),
                user: user.map(str::to_owned),
                password: Some("pw".into()),
                ..Default::default()
            };
            gio_uri(&req, provider).map_err(|e| e.code().0)
        };
        let me = crate::users::current_user_name();
        assert_eq!(
            uri(r"\\nas\my media\a", Provider::Smb, None),
            Ok(format!("smb://WORKGROUP;{me}@nas/my%20media/a"))
        );
        assert_eq!(
            uri(r"\\nas\media", Provider::Smb, Some(r"WORK\ann")),
            Ok("smb://WORK;ann@nas/media".into())
        );
        assert_eq!(
            uri(r"\\nas@4445\media", Provider::Smb, Some("ann")),
            Ok("smb://WORKGROUP;ann@nas:4445/media".into())
        );
        assert_eq!(
            uri(r"\\127.0.0.1@2222\tmp\x", Provider::Sshfs, Some("root")),
            Ok("sftp://root@127.0.0.1:2222/tmp/x".into())
        );
        assert_eq!(uri(r"\\h\~\docs", Provider::Sshfs, None), Ok("sftp://h/~/docs".into()));
        assert_eq!(uri("//srv/export/a", Provider::Nfs, None), Ok("nfs://srv/export/a".into()));
        assert_eq!(uri(r"\\me@evil\share", Provider::Smb, None), Err(67), "no user in the host");
        assert_eq!(uri(r"\\-oProxyCommand=x\s", Provider::Sshfs, None), Err(67));
        assert_eq!(uri(r"\\h\s", Provider::Sshfs, Some("-oProxyCommand=x")), Err(2202));
        assert!(uri("h:/x", Provider::Smb, None).is_err(), "not a UNC name");
    }

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
