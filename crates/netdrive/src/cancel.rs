//! Disconnecting (`WNetCancelConnection2`).
//!
//! Order of work: re-read the live mount table (never a recorded one) and check that the
//! drive is still the one the caller listed (same mount id, mount point and source);
//! refuse drives with other mounts inside or over them, whatever the flags; unless forced,
//! look for processes that use it and refuse with `ERROR_OPEN_FILES`, naming them; then,
//! in a bounded child process ([`crate::unmount`]), pin the mount point's parent without
//! following symlinks, check that the listed mount is the topmost one there, flush
//! (`syncfs`), check that the server answers (`fstatfs`), unmount, and check it is gone.
//! Success is reported only when the listed mount has left the mount table; for davfs2,
//! also after its daemon has finished uploading (or the result says it has not).
//!
//! A server that does not answer leaves the child waiting, killed and reaped in the
//! background, and the caller gets `NotResponding` in time, saying that the disconnect
//! is still pending when the drive is still there (the child may yet finish it).
//!
//! - `force`: try the flush (bounded by half the timeout: a server that does not answer
//!   gets none), then `MNT_FORCE`, which aborts outstanding requests (FUSE drops the
//!   connection: open files on it fail with I/O errors), then, if files are still open,
//!   detaches it.
//! - `detach`: `MNT_DETACH`: the drive leaves the folder tree at once, but the connection
//!   to the server stays alive until the last process using it closes its files.
//!
//! Without root, a person can disconnect only the FUSE drives they mounted themselves
//! (through `fusermount3 -u`); anything else is `ERROR_ACCESS_DENIED`. No privilege is
//! ever raised.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::connection::{self, Connection, Remembered};
use crate::error::{Error, Name, Result, Waiting};
use crate::escape::escape;
use crate::list::{self, Scope};
use crate::mountinfo;
use crate::profile;
use crate::provider::Provider;
use crate::unmount::{self, Action, BadTarget, Outcome, Report, Target};
use crate::who;

/// The default bound for a server to answer a flush or unmount.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// How to disconnect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CancelOptions {
    /// Disconnect even when files are open (Win32 `fForce`).
    pub force: bool,
    /// Lazy unmount: remove the drive now, keep the connection until its users close.
    pub detach: bool,
    /// Also forget the remembered connection (Win32 `CONNECT_UPDATE_PROFILE`).
    pub update_profile: bool,
    /// How long the server may take to answer.
    pub timeout: Duration,
}

impl Default for CancelOptions {
    fn default() -> Self {
        CancelOptions { force: false, detach: false, update_profile: false, timeout: DEFAULT_TIMEOUT }
    }
}

/// What a disconnect did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Flushed and unmounted.
    Unmounted,
    /// Connection aborted (`MNT_FORCE`) and unmounted.
    Forced,
    /// Detached (`MNT_DETACH`): gone from the tree, connection alive until its users close.
    Detached,
    /// It was only remembered: forgotten.
    Forgotten,
}

/// A successful disconnect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disconnected {
    /// The drive, as it was listed.
    pub connection: Connection,
    /// How it was disconnected.
    pub how: How,
    /// Whether the remembered connection was forgotten too.
    pub forgotten: bool,
    /// For drives that upload after the unmount (davfs2): whether that finished.
    pub upload: Option<Upload>,
}

/// Where a drive's cached changes are, after an unmount that returns before the upload
/// ends (davfs2 keeps uploading its cache in its daemon).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upload {
    /// The daemon finished: the changes are on the server.
    Done,
    /// The daemon (this PID) is still uploading after the bound.
    StillRunning {
        /// The `mount.davfs` daemon's process id.
        pid: u32,
    },
    /// The daemon ended but could not upload everything: the changes are kept here.
    NotUploaded {
        /// davfs2's cache folder for the drive.
        kept_in: std::path::PathBuf,
    },
    /// No daemon was found to wait for: netdrive cannot tell.
    Unknown,
}

/// Disconnect by name: mount point, `\\server\share`, or source. Lists, then disconnects.
/// On failure the error is also the thread's last error ([`crate::last_error`]).
///
/// A drive's local name is its mount point. Naming a mounted drive by its remote name or
/// source is netdrive's convenience for people (`netdrive cancel '\\nas\media'`), taken
/// when exactly one drive has that name ([`connection::resolve`]); Windows' stricter rule
/// is [`cancel_device_or_deviceless`].
pub fn cancel(target: &OsStr, opts: &CancelOptions) -> Result<Disconnected> {
    cancel_by_name(target, opts).map_err(Error::record)
}

/// Every connection, connected and remembered; a damaged profile does not stop an unmount
/// that does not need it.
fn all_connections(opts: &CancelOptions) -> Result<Vec<Connection>> {
    list::list(Scope::All).or_else(|e| match e {
        Error::BadProfile { .. } | Error::CannotOpenProfile { .. } if !opts.update_profile => {
            list::list(Scope::Connected)
        }
        e => Err(e),
    })
}

fn cancel_by_name(target: &OsStr, opts: &CancelOptions) -> Result<Disconnected> {
    let conns = all_connections(opts)?;
    let conn = connection::resolve(&conns, target)?.clone();
    cancel_connection(&conn, opts)
}

/// Disconnect as Win32 `WNetCancelConnection2` does (learn.microsoft.com: "If the parameter
/// specifies a redirected local device, the function cancels only the specified device
/// redirection. If the parameter specifies a remote network resource, all connections
/// without devices are canceled."). `target` naming a local name (a mount point; a GVfs
/// drive's URI) disconnects that drive. Otherwise it is a remote name (`\\server\share`)
/// and every connected drive without a local device ([`Connection::is_deviceless`]: GVfs
/// ones) to it is disconnected; a mounted drive is never found by its remote name, and
/// with none `ERROR_NOT_CONNECTED`. On failure (the first one, after trying every drive)
/// the error is also the thread's last error.
pub fn cancel_device_or_deviceless(target: &OsStr, opts: &CancelOptions) -> Result<Vec<Disconnected>> {
    let run = || {
        if target.is_empty() {
            return Err(Error::InvalidParameter("empty name".into()));
        }
        let conns = all_connections(opts)?;
        let local = connection::normalize(target);
        let mut by_local: Vec<&Connection> =
            conns.iter().filter(|c| c.local_name == local || c.local_name == target).collect();
        // A drive both connected and remembered is listed once connected first.
        by_local.sort_by_key(|c| !c.connected);
        if let Some(conn) = by_local.first() {
            return cancel_connection(conn, opts).map(|d| vec![d]);
        }
        let t = target.as_bytes();
        let deviceless: Vec<&Connection> = if t.starts_with(b"\\\\") || t.starts_with(b"//") {
            conns.iter().filter(|c| c.connected && c.is_deviceless_to(t)).collect()
        } else {
            Vec::new()
        };
        if deviceless.is_empty() {
            return Err(Error::NotConnected { target: target.into() });
        }
        let mut done = Vec::new();
        let mut first_error = None;
        for conn in deviceless {
            match cancel_connection(conn, opts) {
                Ok(d) => done.push(d),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(done), Err)
    };
    run().map_err(Error::record)
}

/// Disconnect a connection the caller listed earlier. Refuses when the drive changed
/// since (another mount at that place, another source).
/// On failure the error is also the thread's last error ([`crate::last_error`]).
pub fn cancel_listed(conn: &Connection, opts: &CancelOptions) -> Result<Disconnected> {
    cancel_connection(conn, opts).map_err(Error::record)
}

fn cancel_connection(conn: &Connection, opts: &CancelOptions) -> Result<Disconnected> {
    let target = Name::from(&conn.local_name);
    if !conn.connected {
        return forget_only(conn, opts, target);
    }
    if conn.provider == Provider::Gvfs {
        let uri =
            conn.source.to_str().ok_or_else(|| Error::InvalidParameter(format!("{target}: not a URI")))?;
        crate::gvfs::unmount(uri, opts.force || opts.detach, opts.timeout)?;
        let how = if opts.force || opts.detach { How::Forced } else { How::Unmounted };
        return Ok(Disconnected { connection: conn.clone(), how, forgotten: false, upload: None });
    }
    // Always the live table: a recorded one (`NETDRIVE_MOUNTINFO`) is for reading only.
    let (table, table_len) = live_table()?;
    let Some(entry) = table.iter().find(|e| Some(e.mount_id) == conn.mount_id) else {
        return Err(Error::NotConnected { target });
    };
    // Mount ids are reused once freed, so the mount point and source must match too.
    if entry.mount_point != conn.local_name || entry.source != conn.source {
        return Err(Error::ChangedSinceListed {
            target,
            what: format!("now {} from {}", escape(&entry.mount_point), escape(&entry.source)),
        });
    }
    let mount_id = entry.mount_id;
    let inside: Vec<String> =
        table.iter().filter(|e| e.parent_id == mount_id && e.mount_id != mount_id).map(describe).collect();
    if !inside.is_empty() {
        // Detaching would take these along: never unmount what was not chosen.
        return Err(Error::DeviceInUse {
            target,
            reason: format!(
                "other drives are mounted inside it or over it ({}); disconnect those first",
                inside.join(", ")
            ),
        });
    }

    let euid = rustix::process::geteuid().as_raw();
    let fuse = Provider::is_fuse_fstype(conn.fstype.as_bytes());
    if euid != 0 && !(fuse && conn.owner_uid == Some(euid)) {
        let reason = match conn.owner_uid {
            Some(uid) if fuse => format!(
                "it was connected by {}; only they or root can disconnect it",
                crate::users::user_name(uid)
            ),
            _ => "it was connected by the system; only root can disconnect it".to_owned(),
        };
        return Err(Error::AccessDenied { target, reason });
    }

    if !opts.force && !opts.detach {
        let usage = who::who_uses_in(conn, table.clone(), opts.timeout)?;
        // A disconnect of ours that did not finish is still waiting for the server: that
        // is what to say, not "files are open by netdrive".
        if !usage.pending_unmount.is_empty() {
            return Err(Error::NotResponding {
                target,
                after: opts.timeout,
                waiting: Waiting::EarlierAttempt,
            });
        }
        if !usage.holders.is_empty() {
            return Err(Error::OpenFiles {
                target,
                holders: usage.holders,
                uninspectable: usage.uninspectable,
            });
        }
    }

    let daemon = if conn.provider == Provider::WebDav { crate::davfs::daemon_of(conn) } else { None };
    let how = if euid == 0 {
        unmount_as_root(conn, mount_id, table_len, &table, opts)?
    } else {
        unmount_own_fuse(conn, opts)?
    };
    confirm_gone(conn, mount_id)?;
    let upload = if conn.provider == Provider::WebDav {
        Some(crate::davfs::wait_for_upload(daemon, opts.timeout.max(UPLOAD_BOUND)))
    } else {
        None
    };
    // Gone from the tree, but the data is not on the server: that is no success.
    if let Some(Upload::NotUploaded { kept_in }) = &upload {
        return Err(Error::Extended {
            provider: conn.provider.name().into(),
            message: format!(
                "{target}: disconnected, but its changes could not be uploaded to the server; \
                 davfs2 keeps them in {} (mount the drive again to upload them)",
                escape(kept_in.as_os_str())
            ),
        });
    }
    let forgotten = opts.update_profile && conn.remembered == Some(Remembered::User) && forget(conn)?;
    Ok(Disconnected { connection: conn.clone(), how, forgotten, upload })
}

/// How long a davfs2 drive may take to upload its cache after the unmount.
const UPLOAD_BOUND: Duration = Duration::from_secs(10);

fn live_table() -> Result<(Vec<mountinfo::MountEntry>, usize)> {
    // The calling thread's table: a host thread may have joined another mount namespace.
    let text = std::fs::read("/proc/thread-self/mountinfo")
        .map_err(|e| Error::NoNetwork(format!("cannot read the mount table: {e}")))?;
    Ok((mountinfo::parse_table(&text), text.len()))
}

/// A mount as a person can recognise it: where, what, from where.
fn describe(e: &mountinfo::MountEntry) -> String {
    format!("{} ({} from {})", escape(&e.mount_point), e.fstype, escape(&e.source))
}

/// The listed mount if it is still in the table. By its mount id alone: a drive renamed
/// away is not "gone" (a reused id can only make this say "still there" wrongly, the safe
/// way round).
fn still_there(mount_id: u64) -> Result<Option<mountinfo::MountEntry>> {
    Ok(live_table()?.0.into_iter().find(|e| e.mount_id == mount_id))
}

/// Success is reported only when the listed mount is really gone from the table.
fn confirm_gone(conn: &Connection, mount_id: u64) -> Result<()> {
    match still_there(mount_id)? {
        None => Ok(()),
        Some(e) => Err(Error::Extended {
            provider: conn.provider.name().into(),
            message: format!(
                "{}: the unmount was done, but the drive is still in the mount table (at {}); list the drives again",
                escape(&conn.local_name),
                escape(&e.mount_point)
            ),
        }),
    }
}

fn forget_only(conn: &Connection, opts: &CancelOptions, target: Name) -> Result<Disconnected> {
    let forgotten = |how| Disconnected { connection: conn.clone(), how, forgotten: true, upload: None };
    match conn.remembered {
        Some(Remembered::User) if opts.update_profile => {
            if forget(conn)? {
                Ok(forgotten(How::Forgotten))
            } else {
                Err(Error::NotConnected { target })
            }
        }
        Some(Remembered::User) => Err(Error::RememberedNotConnected { target }),
        Some(Remembered::System) if opts.update_profile => Err(Error::AccessDenied {
            target,
            reason: format!(
                "it is remembered by the system in {}; edit that file to forget it",
                escape(profile::fstab_path().as_os_str())
            ),
        }),
        Some(Remembered::Automount) if opts.update_profile => Err(Error::AccessDenied {
            target,
            reason: "it is an automount point the system remembers (an autofs map, or /etc/fstab \
                     with x-systemd.automount); edit that to forget it"
                .into(),
        }),
        Some(Remembered::Automount) => Err(Error::AutomountNotConnected { target }),
        _ => Err(Error::NotConnected { target }),
    }
}

fn forget(conn: &Connection) -> Result<bool> {
    match conn.local_name.to_str() {
        Some(name) => profile::forget(name),
        None => Ok(false),
    }
}

fn unmount_as_root(
    conn: &Connection,
    mount_id: u64,
    table_len: usize,
    table: &[mountinfo::MountEntry],
    opts: &CancelOptions,
) -> Result<How> {
    let target = Name::from(&conn.local_name);
    let mut pinned = Target::new(Path::new(&conn.local_name), mount_id, table_len).map_err(|e| match e {
        BadTarget::Root => {
            Error::AccessDenied { target: target.clone(), reason: "it is the root of the system".into() }
        }
        BadTarget::NotAbsolute => Error::InvalidParameter(format!("{target}: not an absolute path")),
    })?;
    let run = |pinned: &mut Target, action, bound| {
        unmount::run(pinned, action, bound).map_err(|e| Error::Extended {
            provider: "netdrive".into(),
            message: format!("{target}: cannot start the unmount: {e}"),
        })
    };
    let outcome = if opts.detach {
        run(&mut pinned, Action::Detach, opts.timeout)?
    } else if opts.force {
        // Flush what the server still takes, but never wait long for one that does not
        // answer, nor stop at one that fails (a broken connection): force is the way out
        // then, and MNT_FORCE aborts the stuck requests too. Only a refusal stops it.
        match run(&mut pinned, Action::Flush, opts.timeout / 2)? {
            Outcome::Reported(Report::Done { .. } | Report::Errno(_)) | Outcome::NoAnswer { .. } => {}
            Outcome::Reported(r) => return Err(refused(conn, r, table, opts)),
        }
        run(&mut pinned, Action::ForceThenDetach, opts.timeout)?
    } else {
        run(&mut pinned, Action::FlushAndUnmount, opts.timeout)?
    };
    match outcome {
        // Say which happened: a forced unmount that was still busy had to detach.
        Outcome::Reported(Report::Done { detached }) => Ok(match (opts.detach, opts.force, detached) {
            (true, _, _) | (_, true, true) => How::Detached,
            (_, true, false) => How::Forced,
            _ => How::Unmounted,
        }),
        Outcome::Reported(r) => Err(refused(conn, r, table, opts)),
        Outcome::NoAnswer { unmounting } => {
            // The child may still finish: say what the table shows now, never a guess.
            let there = still_there(mount_id)?.is_some();
            match (there, opts.detach || opts.force) {
                // Out of the folder tree; what is left is the connection closing.
                (false, true) => Ok(if opts.detach { How::Detached } else { How::Forced }),
                // Out of the tree, but the server never confirmed the flush.
                (false, false) => {
                    Err(Error::NotResponding { target, after: opts.timeout, waiting: Waiting::Unmount })
                }
                // "may still finish" only when the unmount call itself had started.
                (true, _) => Err(Error::NotResponding {
                    target,
                    after: opts.timeout,
                    waiting: if unmounting { Waiting::Unmount } else { Waiting::Nothing },
                }),
            }
        }
    }
}

/// The error for what the child found instead of unmounting.
fn refused(conn: &Connection, r: Report, table: &[mountinfo::MountEntry], opts: &CancelOptions) -> Error {
    let target = Name::from(&conn.local_name);
    let named = |id: u64| -> String {
        // The table read before the fork may not have it; read again.
        let fresh = live_table().map(|(t, _)| t).unwrap_or_default();
        fresh
            .iter()
            .chain(table)
            .find(|e| e.mount_id == id)
            .map(describe)
            .unwrap_or_else(|| format!("mount {id}"))
    };
    match r {
        Report::Done { .. } => Error::Extended { provider: "netdrive".into(), message: "done".into() },
        Report::Errno(e) => unmount_error(conn, e, opts),
        Report::PathChanged(e) => Error::ChangedSinceListed {
            target,
            what: format!(
                "a folder on the way to it is no longer a plain folder ({}); nothing was unmounted",
                std::io::Error::from_raw_os_error(e)
            ),
        },
        Report::Covered(id) => Error::DeviceInUse {
            target,
            reason: format!("{} is mounted over it; nothing was unmounted; disconnect that first", named(id)),
        },
        Report::Elsewhere(id) => Error::ChangedSinceListed {
            target,
            what: format!("{} is there now; nothing was unmounted", named(id)),
        },
        Report::Nested(id) => Error::DeviceInUse {
            target,
            reason: format!("{} is mounted inside it; nothing was unmounted; disconnect that first", named(id)),
        },
        Report::StillThere => Error::ChangedSinceListed {
            target,
            what: "something was mounted over it while it was being disconnected, and that was unmounted instead; \
                   the drive is still connected"
                .into(),
        },
        Report::TableTooBig => Error::NotEnoughMemory(format!(
            "{target}: the mount table grew too large to check while disconnecting; try again"
        )),
    }
}

fn unmount_error(conn: &Connection, errno: i32, opts: &CancelOptions) -> Error {
    let target = Name::from(&conn.local_name);
    match errno {
        libc::EBUSY => {
            let usage = who::who_uses(conn, opts.timeout).unwrap_or_default();
            Error::OpenFiles { target, holders: usage.holders, uninspectable: usage.uninspectable }
        }
        libc::EINVAL | libc::ENOENT => Error::NotConnected { target },
        libc::ENOTCONN | libc::EIO | libc::ESTALE => Error::Extended {
            provider: conn.provider.name().into(),
            message: format!(
                "{target}: its connection is broken ({}); disconnect it with --force or --detach",
                std::io::Error::from_raw_os_error(errno)
            ),
        },
        libc::EPERM | libc::EACCES => {
            Error::AccessDenied { target, reason: "the system refused the unmount".into() }
        }
        e => Error::Extended {
            provider: conn.provider.name().into(),
            message: format!("{target}: {}", std::io::Error::from_raw_os_error(e)),
        },
    }
}

/// Unmount a FUSE drive the caller owns, through the setuid `fusermount3`.
/// Without root there is no `MNT_FORCE`: force and detach both detach lazily.
fn unmount_own_fuse(conn: &Connection, opts: &CancelOptions) -> Result<How> {
    let target = Name::from(&conn.local_name);
    let lazy = opts.force || opts.detach;
    let mut last_err = None;
    for tool in ["fusermount3", "fusermount"] {
        let mut cmd = Command::new(tool);
        cmd.arg("-u");
        if lazy {
            cmd.arg("-z");
        }
        cmd.arg("--").arg(&conn.local_name);
        let done = match crate::child::run_bounded(&mut cmd, None, opts.timeout) {
            Ok(Some(done)) => done,
            Ok(None) => {
                return Err(Error::NotResponding { target, after: opts.timeout, waiting: Waiting::Unmount })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                last_err = Some(e.to_string());
                continue;
            }
            Err(e) => {
                return Err(Error::Extended { provider: "FUSE".into(), message: format!("{tool}: {e}") })
            }
        };
        if done.status.success() {
            return Ok(if lazy { How::Detached } else { How::Unmounted });
        }
        let msg = done.stderr_text();
        if msg.contains("busy") {
            let usage = who::who_uses(conn, opts.timeout).unwrap_or_default();
            return Err(Error::OpenFiles {
                target,
                holders: usage.holders,
                uninspectable: usage.uninspectable,
            });
        }
        return Err(Error::Extended { provider: "FUSE".into(), message: crate::escape::escape_text(&msg) });
    }
    Err(Error::Extended {
        provider: "FUSE".into(),
        message: format!(
            "neither fusermount3 nor fusermount is installed ({}); install fuse3",
            last_err.unwrap_or_default()
        ),
    })
}
