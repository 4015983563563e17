//! Undoing a connect that failed or was abandoned: detach the drive this attempt put on
//! the folder, and nothing else.
//!
//! A mount found on the folder afterwards is this attempt's only when it was not in the
//! table read before the tool ran (its mount id is new) and its source names the server
//! that was asked for. The person's own drive on that folder, or one a restore mounted
//! there meanwhile from another server, is never touched. The detach runs bounded, in a
//! child process: as root the pinned unmount child ([`crate::unmount`], by mount id);
//! otherwise `fusermount3 -u -z` (FUSE) or `umount -l` (a user's fstab entry).

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::target::Target;
use crate::connection::{self, normalize};
use crate::error::{Error, Result};
use crate::mountinfo::{self, MountEntry};
use crate::provider::{self, Provider};
use crate::unmount::{self, Action, Outcome, Report};

/// The mounts there were before an attempt to connect: what [`undo_own_mount`] leaves
/// alone, whatever they are. Read it just before the attempt starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountsBefore(HashSet<u64>);

impl MountsBefore {
    /// The mounts there are now (read from `/proc`, never from a folder).
    pub fn read() -> Result<MountsBefore> {
        Ok(MountsBefore(live_table()?.0.iter().map(|e| e.mount_id).collect()))
    }
}

/// The calling thread's mount table (a thread may have joined another mount namespace)
/// and its length in bytes; never a recorded one (`NETDRIVE_MOUNTINFO`): this acts.
fn live_table() -> Result<(Vec<MountEntry>, usize)> {
    let text = std::fs::read("/proc/thread-self/mountinfo")
        .map_err(|e| Error::NoNetwork(format!("cannot read the mount table: {e}")))?;
    Ok((mountinfo::parse_table(&text), text.len()))
}

/// Undo what a failed or abandoned connect of `remote_name` (with `provider`, as
/// [`crate::ConnectRequest`] names it) left on `local`: detach the topmost mount there if
/// it is not in `before` and comes from the server asked for. Bounded by `bound`; never
/// waits for the server. Whether something was detached.
pub fn undo_own_mount(
    local: &OsStr,
    remote_name: &str,
    provider: Option<&str>,
    before: &MountsBefore,
    bound: Duration,
) -> bool {
    let Ok(provider) = super::provider_named(provider) else { return false };
    match super::target::parse(remote_name, provider) {
        Ok(target) => undo(local, &target, before, bound),
        Err(_) => false,
    }
}

pub(crate) fn undo(local: &OsStr, target: &Target, before: &MountsBefore, bound: Duration) -> bool {
    let local = normalize(local);
    let Ok((table, len)) = live_table() else { return false };
    // Mounts stack: the last one listed on the folder is the one on top.
    let Some(top) = table.iter().rev().find(|e| e.mount_point == local) else { return false };
    if before.0.contains(&top.mount_id) || !made_for(top, target) {
        return false;
    }
    detach(top, len, bound)
}

/// Does this mount come from the server `target` names? Its source, read as the list
/// reads it (a UNC name), must name the same server; the port is not compared (rclone's
/// source has none).
fn made_for(e: &MountEntry, target: &Target) -> bool {
    let Some(conn) = connection::connected_in(std::slice::from_ref(e)).into_iter().next() else {
        return false;
    };
    let have = server_of(conn.remote_name.as_bytes());
    let want: Vec<String> = match target {
        Target::Rclone { remote } => {
            let unc = provider::remote_name(Provider::Rclone, OsStr::new(remote), None);
            vec![String::from_utf8_lossy(&server_of(unc.as_bytes())).into_owned()]
        }
        // rclone names its configuration section after the host (mangled for IPv6).
        _ => target.host().map(|h| vec![h.to_owned(), super::rclone::section(h)]).unwrap_or_default(),
    };
    !have.is_empty() && want.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(&have))
}

/// The server of `\\server[@SSL][@port]\...`.
fn server_of(unc: &[u8]) -> Vec<u8> {
    let rest = unc.strip_prefix(b"\\\\").unwrap_or(unc);
    let end = rest.iter().position(|&b| b == b'\\' || b == b'@').unwrap_or(rest.len());
    let host = &rest[..end];
    host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")).unwrap_or(host).to_vec()
}

fn detach(e: &MountEntry, table_len: usize, bound: Duration) -> bool {
    if rustix::process::geteuid().is_root() {
        let Ok(mut pinned) = unmount::Target::new(Path::new(&e.mount_point), e.mount_id, table_len) else {
            return false;
        };
        return matches!(
            unmount::run(&mut pinned, Action::Detach, bound),
            Ok(Outcome::Reported(Report::Done { .. }))
        );
    }
    // Without root, the tools that may: fusermount3 for the user's FUSE drive, umount for
    // a user's fstab entry. A lazy unmount never waits for the server.
    let mut cmd = if e.fstype.starts_with("fuse") {
        let mut c = Command::new("fusermount3");
        c.args(["-u", "-z"]);
        c
    } else {
        let mut c = Command::new("umount");
        c.arg("-l");
        c
    };
    cmd.arg("--").arg(&e.mount_point);
    matches!(crate::child::run_bounded(&mut cmd, None, bound), Ok(Some(done)) if done.status.success())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_server_of_a_unc_name() {
        assert_eq!(server_of(br"\\nas\media"), b"nas");
        assert_eq!(server_of(br"\\127.0.0.1@2222\srv"), b"127.0.0.1");
        assert_eq!(server_of(br"\\h@SSL@8443"), b"h");
        assert_eq!(server_of(br"\\[::1]\x"), b"::1");
    }

    /// The person's drive on the folder (there before, or from another server) is never
    /// detached; a new one from the server asked for is.
    #[test]
    fn only_the_attempts_own_mount_is_detached() {
        let sshd = testbed::Sshd::start();
        let dir = testbed::open_tempdir();
        let local = dir.path().join("h");
        std::fs::create_dir(&local).unwrap();
        let empty = MountsBefore::default();
        let bound = Duration::from_secs(5);
        let remote = format!("sftp://127.0.0.1:{}/srv", sshd.server.port);

        let m = sshd.mount(&local);
        let with_it = MountsBefore::read().unwrap();
        assert!(!undo_own_mount(local.as_os_str(), &remote, None, &with_it, bound));
        assert!(testbed::is_mounted(&local), "a drive there before the attempt stays");
        assert!(!undo_own_mount(local.as_os_str(), r"\\10.99.0.1\share", None, &empty, bound));
        assert!(testbed::is_mounted(&local), "a drive from another server stays");
        assert!(undo_own_mount(local.as_os_str(), &remote, Some("SSHFS"), &empty, bound));
        assert!(!testbed::is_mounted(&local), "the attempt's own drive is detached");
        drop(m);
    }
}
