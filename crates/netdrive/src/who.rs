//! Who uses a connection: processes with an open file, working folder, root, executable
//! or memory map on it.
//!
//! Found only from `/proc` (`/proc/PID/fd` link text, `fdinfo` `mnt_id`, `maps` device
//! numbers), never by `stat()`ing the network filesystem, so a dead server cannot hang it.
//! A path belongs to the mount when it lies under the mount point and under no mount
//! nested inside it; for open files the kernel's `mnt_id` confirms it. Processes whose
//! `/proc` entries cannot be read (another user's, without root) are counted.
//!
//! The kernel appends " (deleted)" to the link of a removed file or folder, so a link
//! that ends so names either a removed path or a live one whose name ends so (a drive
//! mounted at "x (deleted)"). Both readings are tried and either one counts (for open
//! files the `mnt_id` settles it): following the link to the folder itself would ask
//! the server. The only cost is that a removed folder named like a drive without its
//! " (deleted)" can be counted as using it, which makes a disconnect more careful, never
//! less.
//!
//! netdrive's own unmount children (named [`UNMOUNT_CHILD_NAME`]) that are still on the
//! drive are not holders: they are a previous disconnect still waiting for the server
//! ([`Usage::pending_unmount`]).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::time::{Duration, Instant};

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::mountinfo::{self, MountEntry};
use crate::procfs::{self, Holder, Use};

/// The result of a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Each use, by PID.
    pub holders: Vec<Holder>,
    /// Processes that could not be inspected (permissions).
    pub uninspectable: usize,
    /// False when the scan stopped at its time bound before seeing every process.
    pub complete: bool,
    /// netdrive's own unmount children still on the drive: a previous disconnect that is
    /// waiting for the server (it did not answer in time). Their PIDs; not holders.
    pub pending_unmount: Vec<u32>,
}

/// The name (`comm`) netdrive gives the child process that flushes and unmounts a drive,
/// so that a scan can tell a previous disconnect still waiting for the server from a
/// program with files open.
pub const UNMOUNT_CHILD_NAME: &str = "netdrive-umount";

impl Usage {
    /// Distinct processes among the holders.
    pub fn process_count(&self) -> usize {
        let mut pids: Vec<u32> = self.holders.iter().map(|h| h.pid).collect();
        pids.sort_unstable();
        pids.dedup();
        pids.len()
    }
}

/// What identifies the drive being looked for.
struct Target<'a> {
    mount_id: u64,
    device: (u32, u32),
    mount_point: &'a [u8],
    /// Mount points nested inside this one: paths under them are not ours.
    nested: Vec<&'a [u8]>,
    /// No other mount has the same mount point (stacked over it or under it), so in our
    /// mount namespace a path under it names this mount and no other.
    path_is_exact: bool,
}

fn under(path: &[u8], dir: &[u8]) -> bool {
    if dir == b"/" {
        return path.starts_with(b"/");
    }
    path.starts_with(dir) && (path.len() == dir.len() || path[dir.len()] == b'/')
}

impl Target<'_> {
    /// Whether a `/proc` link names something on the drive: as it reads, or as a removed
    /// path (see the module documentation).
    fn owns(&self, link: &[u8]) -> bool {
        self.owns_path(link) || link.strip_suffix(b" (deleted)").is_some_and(|p| self.owns_path(p))
    }

    fn owns_path(&self, path: &[u8]) -> bool {
        under(path, self.mount_point) && !self.nested.iter().any(|n| under(path, n))
    }
}

/// Scan every process for use of `conn`, with a time bound. Reads the mount table once.
pub fn who_uses(conn: &Connection, bound: Duration) -> Result<Usage> {
    let table = mountinfo::read_table()
        .map_err(|e| Error::NoNetwork(format!("cannot read the mount table: {e}")).record())?;
    who_uses_in(conn, table, bound).map_err(Error::record)
}

/// [`who_uses`] with a mount table the caller has just read.
pub fn who_uses_in(conn: &Connection, table: Vec<MountEntry>, bound: Duration) -> Result<Usage> {
    let (Some(mount_id), Some(device)) = (conn.mount_id, conn.device) else {
        return Err(Error::NotConnected { target: (&conn.local_name).into() });
    };
    let local_name = conn.local_name.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let deadline = Instant::now() + bound;
    std::thread::Builder::new()
        .name("netdrive-who".into())
        .spawn(move || {
            let _ = tx.send(who_uses_mount(&table, mount_id, device, &local_name, deadline));
        })
        .map_err(|e| Error::NotEnoughMemory(format!("cannot start the scan: {e}")))?;
    rx.recv_timeout(bound + Duration::from_millis(250)).map_err(|_| Error::Extended {
        provider: "netdrive".into(),
        message: format!(
            "looking for processes that use {} did not finish in time",
            crate::escape::escape(&conn.local_name)
        ),
    })
}

/// Scan `/proc` for users of any mount, `mount_id` in `table` (a local one too), with the
/// device and mount point the table gives it. Stops at `deadline`.
pub fn who_uses_mount(
    table: &[MountEntry],
    mount_id: u64,
    device: (u32, u32),
    mount_point: &OsStr,
    deadline: Instant,
) -> Usage {
    let mp = mount_point.as_bytes();
    let target = Target {
        mount_id,
        device,
        mount_point: mp,
        nested: table
            .iter()
            .filter(|e| e.mount_id != mount_id)
            .map(|e| e.mount_point.as_bytes())
            .filter(|n| n.len() > mp.len() && under(n, mp))
            .collect(),
        path_is_exact: !table.iter().any(|e| e.mount_id != mount_id && e.mount_point.as_bytes() == mp),
    };
    let pids = procfs::pids();
    if pids.is_empty() {
        return Usage { complete: false, ..Usage::default() };
    }
    let own_ns = rustix::fs::readlink("/proc/self/ns/mnt", Vec::new()).ok();
    // /proc is read in parallel: a scan is many small system calls, one process at a time.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let chunk = pids.len().div_ceil(workers).max(1);
    let parts: Vec<Usage> = std::thread::scope(|s| {
        let handles: Vec<_> = pids
            .chunks(chunk)
            .map(|pids| {
                let (target, own_ns) = (&target, own_ns.as_deref());
                s.spawn(move || {
                    let mut usage = Usage { complete: true, ..Usage::default() };
                    let mut scratch = Scratch::default();
                    for &pid in pids {
                        if Instant::now() > deadline {
                            usage.complete = false;
                            break;
                        }
                        scan_process(pid, target, own_ns, &mut usage, &mut scratch);
                    }
                    usage
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut usage = Usage { complete: true, ..Usage::default() };
    let mut users = HashMap::new();
    for mut part in parts {
        usage.complete &= part.complete;
        usage.uninspectable += part.uninspectable;
        for h in part.holders.iter_mut() {
            if let Some(uid) = h.uid {
                h.user = users.entry(uid).or_insert_with(|| crate::users::user_name(uid)).clone();
            }
        }
        usage.holders.append(&mut part.holders);
        usage.pending_unmount.append(&mut part.pending_unmount);
    }
    usage.holders.sort_by_key(|h| h.pid);
    usage.pending_unmount.sort_unstable();
    usage
}

/// Buffers reused from one process to the next.
#[derive(Default)]
struct Scratch {
    link: Vec<u8>,
    maps: Vec<u8>,
    fds: Vec<u32>,
}

fn denied(e: rustix::io::Errno) -> bool {
    e == rustix::io::Errno::ACCESS || e == rustix::io::Errno::PERM
}

/// Everything in one process that is on the target, read relative to its /proc folder.
fn scan_process(
    pid: u32,
    t: &Target<'_>,
    own_ns: Option<&std::ffi::CStr>,
    usage: &mut Usage,
    buf: &mut Scratch,
) {
    use rustix::fs::{openat, readlinkat, Mode, OFlags, CWD};
    let Ok(dir) = openat(
        CWD,
        format!("/proc/{pid}"),
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return;
    };
    let mut found: Vec<(OsString, Use)> = Vec::new();
    let mut was_denied = false;
    let mut link = |name: &str| match readlinkat(&dir, name, Vec::new()) {
        Ok(c) => Some(c.into_bytes()),
        Err(e) => {
            was_denied |= denied(e);
            None
        }
    };
    for (name, how) in [("cwd", Use::Cwd), ("root", Use::Root), ("exe", Use::Exe)] {
        if let Some(p) = link(name).filter(|p| t.owns(p)) {
            found.push((OsString::from_vec(p), how));
        }
    }
    // In another mount namespace a path can name a different mount: the kernel's mnt_id
    // decides there. In ours the path is exact (nested and stacked mounts aside), so no
    // fdinfo reads.
    let paths_decide =
        t.path_is_exact && own_ns.is_some_and(|own| link("ns/mnt").as_deref() == Some(own.to_bytes()));
    match openat(&dir, "fd", OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
        // Dir::new takes the descriptor as it is (read_from would reopen it: three more
        // system calls per process). Numbers first, then links: readlinkat needs the fd.
        Ok(fd_dir) => {
            if let Ok(mut entries) = rustix::fs::Dir::new(fd_dir) {
                buf.fds.clear();
                while let Some(Ok(ent)) = entries.next() {
                    let name = ent.file_name().to_bytes();
                    if let Some(n) = std::str::from_utf8(name).ok().and_then(|s| s.parse::<u32>().ok()) {
                        buf.fds.push(n);
                    }
                }
                let mut name = itoa::Buffer::new();
                // Dir::fd never fails on Linux: the stream holds the descriptor.
                if let Ok(fd_dir) = entries.fd() {
                    for &n in &buf.fds {
                        let name = name.format(n);
                        let Ok(target) = readlinkat(fd_dir, name, std::mem::take(&mut buf.link)) else {
                            continue;
                        };
                        let p = target.into_bytes();
                        if !t.owns(&p) {
                            buf.link = p;
                            continue;
                        }
                        if paths_decide || procfs::fd_mount_id(pid, n).is_none_or(|id| id == t.mount_id) {
                            found.push((OsString::from_vec(p), Use::File(n)));
                        }
                    }
                }
            }
        }
        Err(e) => was_denied |= denied(e),
    }
    if procfs::read_into(&dir, "maps", &mut buf.maps) {
        for line in buf.maps.split(|&b| b == b'\n') {
            if let Some(path) = procfs::map_on_device(line, t.device) {
                if !found.iter().any(|(p, _)| p.as_bytes() == path) {
                    found.push((OsStr::from_bytes(path).to_owned(), Use::Map));
                }
            }
        }
    }
    if found.is_empty() {
        usage.uninspectable += usize::from(was_denied);
        return;
    }
    let name = procfs::comm_at(&dir, "comm");
    let uid = rustix::fs::fstat(&dir).ok().map(|st| st.st_uid);
    // Anyone can name a process so; only one of root's (who alone unmounts) is ours.
    if name == UNMOUNT_CHILD_NAME && uid == Some(0) {
        usage.pending_unmount.push(pid);
        return;
    }
    for (path, how) in found {
        usage.holders.push(Holder { pid, name: name.clone(), uid, user: String::new(), path, how });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn ownership_respects_nested_mounts_and_deleted_files() {
        let t = Target {
            mount_id: 1,
            device: (0, 40),
            mount_point: b"/mnt/a",
            nested: vec![b"/mnt/a/in"],
            path_is_exact: true,
        };
        assert!(t.owns(b"/mnt/a"));
        assert!(t.owns(b"/mnt/a/x/y"));
        assert!(t.owns(b"/mnt/a/gone.txt (deleted)"));
        assert!(t.owns(b"/mnt/a (deleted)"), "the drive's own folder, removed elsewhere");
        assert!(!t.owns(b"/mnt/ab"));
        assert!(!t.owns(b"/mnt/a/in/z"));
        assert!(!t.owns(b"socket:[123]"));
    }

    #[test]
    fn a_drive_whose_name_ends_in_deleted_owns_its_links() {
        let t = Target {
            mount_id: 1,
            device: (0, 40),
            mount_point: b"/mnt/x (deleted)",
            nested: vec![],
            path_is_exact: true,
        };
        // A working folder at the drive's root: the link is the mount point itself.
        assert!(t.owns(b"/mnt/x (deleted)"));
        assert!(t.owns(b"/mnt/x (deleted)/f.txt"));
        assert!(t.owns(b"/mnt/x (deleted)/gone.txt (deleted)"));
        assert!(!t.owns(b"/mnt/x"));
        assert!(!t.owns(b"/mnt/x/y (deleted)"));
    }

    /// The mount holding `path` in `table`.
    fn mount_of<'a>(table: &'a [MountEntry], path: &Path) -> &'a MountEntry {
        table
            .iter()
            .filter(|e| under(path.as_os_str().as_bytes(), e.mount_point.as_bytes()))
            .max_by_key(|e| e.mount_point.len())
            .unwrap()
    }

    #[test]
    fn a_stuck_unmount_child_is_a_pending_disconnect_not_a_holder() {
        // A process named as netdrive names its unmount child (the kernel takes `comm`
        // from the name the program was started by), working in a folder on a mount.
        let dir = tempfile::tempdir_in(std::env::current_dir().unwrap()).unwrap();
        let child_name = dir.path().join(UNMOUNT_CHILD_NAME);
        std::os::unix::fs::symlink(testbed::require("sleep", "coreutils"), &child_name).unwrap();
        let sleep_in_dir = |program: &Path| {
            testbed::Reaped(
                std::process::Command::new(program).arg("60").current_dir(dir.path()).spawn().unwrap(),
            )
        };
        let stuck = sleep_in_dir(&child_name);
        let other = sleep_in_dir(Path::new("sleep"));
        let (pid, other_pid) = (stuck.0.id(), other.0.id());
        let deadline = Instant::now() + Duration::from_secs(5);
        while procfs::comm(pid) != UNMOUNT_CHILD_NAME {
            assert!(Instant::now() < deadline, "the child did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        let table = mountinfo::read_table().unwrap();
        let m = mount_of(&table, dir.path());
        let u = who_uses_mount(
            &table,
            m.mount_id,
            (m.major, m.minor),
            &m.mount_point,
            Instant::now() + Duration::from_secs(10),
        );
        assert!(u.pending_unmount.contains(&pid), "{u:?}");
        assert!(!u.holders.iter().any(|h| h.pid == pid), "not a holder: {u:?}");
        assert!(u.holders.iter().any(|h| h.pid == other_pid && h.how == Use::Cwd), "others still are: {u:?}");
    }

    #[test]
    fn finds_this_process_working_folder() {
        // The test's own cwd is on the root filesystem: scanning "/" must find us.
        let table = mountinfo::read_table().unwrap();
        let cwd = std::env::current_dir().unwrap();
        let root = mount_of(&table, &cwd);
        let u = who_uses_mount(
            &table,
            root.mount_id,
            (root.major, root.minor),
            &root.mount_point,
            Instant::now() + Duration::from_secs(5),
        );
        assert!(u.holders.iter().any(|h| h.pid == std::process::id() && h.how == Use::Cwd), "{u:?}");
    }
}
