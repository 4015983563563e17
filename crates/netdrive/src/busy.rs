//! Who uses a connection: processes with an open file, working folder, root, executable
//! or memory map on it.
//!
//! Found only from `/proc` (`/proc/PID/fd` link text, `fdinfo` `mnt_id`, `maps` device
//! numbers), never by `stat()`ing the network filesystem, so a dead server cannot hang it.
//! A path belongs to the mount when it lies under the mount point and under no mount
//! nested inside it; for open files the kernel's `mnt_id` confirms it. Processes whose
//! `/proc` entries cannot be read (another user's, without root) are counted.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::mountinfo::{self, MountEntry};

/// How a process uses the drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Use {
    /// An open file descriptor (its number).
    File(u32),
    /// The working folder.
    Cwd,
    /// The root folder (chroot).
    Root,
    /// The running program.
    Exe,
    /// A memory-mapped file (a library, say).
    Map,
}

/// A process that holds something on a drive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// The process name (`/proc/PID/comm`).
    pub name: String,
    pub uid: Option<u32>,
    /// User name, or the uid as text when it has none.
    pub user: String,
    /// The file, folder or program on the drive.
    pub path: OsString,
    pub how: Use,
}

/// The result of a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub holders: Vec<Holder>,
    /// Processes that could not be inspected (permissions).
    pub uninspectable: usize,
    /// False when the scan stopped at its time bound before seeing every process.
    pub complete: bool,
}

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
}

fn under(path: &[u8], dir: &[u8]) -> bool {
    if dir == b"/" {
        return path.starts_with(b"/");
    }
    path.starts_with(dir) && (path.len() == dir.len() || path[dir.len()] == b'/')
}

impl Target<'_> {
    fn owns(&self, path: &[u8]) -> bool {
        let path = path.strip_suffix(b" (deleted)").unwrap_or(path);
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
        return Err(Error::NotConnected { target: crate::escape::escape(&conn.local_name) });
    };
    let local_name = conn.local_name.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let deadline = Instant::now() + bound;
    std::thread::Builder::new()
        .name("netdrive-who".into())
        .spawn(move || {
            let _ = tx.send(scan(&table, mount_id, device, &local_name, deadline));
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

/// Scan `/proc` for users of the mount `mount_id` in `table`. Stops at `deadline`.
pub fn scan(
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
    };
    let mut usage = Usage { complete: true, ..Usage::default() };
    let mut users = HashMap::new();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        usage.complete = false;
        return usage;
    };
    for ent in proc_dir.flatten() {
        let Some(pid) = ent.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if Instant::now() > deadline {
            usage.complete = false;
            break;
        }
        scan_process(pid, &target, &mut usage, &mut users);
    }
    usage
}

fn scan_process(pid: u32, t: &Target<'_>, usage: &mut Usage, users: &mut HashMap<u32, String>) {
    let base = format!("/proc/{pid}");
    let mut found: Vec<(OsString, Use)> = Vec::new();
    let mut denied = false;
    for (link, how) in [("cwd", Use::Cwd), ("root", Use::Root), ("exe", Use::Exe)] {
        match std::fs::read_link(format!("{base}/{link}")) {
            Ok(p) if t.owns(p.as_os_str().as_bytes()) => found.push((p.into_os_string(), how)),
            Ok(_) => {}
            Err(e) => denied |= e.kind() == std::io::ErrorKind::PermissionDenied,
        }
    }
    match std::fs::read_dir(format!("{base}/fd")) {
        Ok(fds) => {
            for fd in fds.flatten() {
                let Ok(p) = std::fs::read_link(fd.path()) else {
                    continue;
                };
                if !t.owns(p.as_os_str().as_bytes()) {
                    continue;
                }
                let n: u32 = fd.file_name().to_str().and_then(|s| s.parse().ok()).unwrap_or(0);
                if fd_mount_id(pid, n).is_none_or(|id| id == t.mount_id) {
                    found.push((p.into_os_string(), Use::File(n)));
                }
            }
        }
        Err(e) => denied |= e.kind() == std::io::ErrorKind::PermissionDenied,
    }
    if let Ok(maps) = std::fs::read(format!("{base}/maps")) {
        for line in maps.split(|&b| b == b'\n') {
            if let Some(path) = map_on_device(line, t.device) {
                if !found.iter().any(|(p, _)| p.as_bytes() == path) {
                    found.push((OsStr::from_bytes(path).to_owned(), Use::Map));
                }
            }
        }
    }
    if denied && found.is_empty() {
        usage.uninspectable += 1;
        return;
    }
    if found.is_empty() {
        return;
    }
    let name = std::fs::read(format!("{base}/comm"))
        .map(|c| String::from_utf8_lossy(c.trim_ascii_end()).into_owned())
        .unwrap_or_default();
    let uid = std::fs::metadata(&base).ok().map(|m| m.uid());
    let user =
        uid.map(|u| users.entry(u).or_insert_with(|| crate::users::user_name(u)).clone()).unwrap_or_default();
    for (path, how) in found {
        usage.holders.push(Holder { pid, name: name.clone(), uid, user: user.clone(), path, how });
    }
}

/// The kernel's `mnt_id` for an open file, from `/proc/PID/fdinfo/FD`.
fn fd_mount_id(pid: u32, fd: u32) -> Option<u64> {
    let info = std::fs::read(Path::new(&format!("/proc/{pid}/fdinfo/{fd}"))).ok()?;
    info.split(|&b| b == b'\n').find_map(|l| {
        let v = l.strip_prefix(b"mnt_id:")?;
        std::str::from_utf8(v).ok()?.trim().parse().ok()
    })
}

/// The path of a `maps` line whose file lives on `device`.
/// `addr perms offset MAJ:MIN inode path` with the device in hex.
fn map_on_device(line: &[u8], device: (u32, u32)) -> Option<&[u8]> {
    let mut f = line.splitn(6, |&b| b == b' ');
    let (_, _, _) = (f.next()?, f.next()?, f.next()?);
    let dev = f.next()?;
    let inode = f.next()?;
    let path = f.next()?.trim_ascii_start();
    if inode == b"0" || !path.starts_with(b"/") {
        return None;
    }
    let colon = dev.iter().position(|&b| b == b':')?;
    let hex = |s: &[u8]| u32::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok();
    ((hex(&dev[..colon])?, hex(&dev[colon + 1..])?) == device).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_respects_nested_mounts_and_deleted_files() {
        let t = Target { mount_id: 1, device: (0, 40), mount_point: b"/mnt/a", nested: vec![b"/mnt/a/in"] };
        assert!(t.owns(b"/mnt/a"));
        assert!(t.owns(b"/mnt/a/x/y"));
        assert!(t.owns(b"/mnt/a/gone.txt (deleted)"));
        assert!(!t.owns(b"/mnt/ab"));
        assert!(!t.owns(b"/mnt/a/in/z"));
        assert!(!t.owns(b"socket:[123]"));
    }

    #[test]
    fn maps_lines_match_on_device_number() {
        let l = b"7f00-7f10 r--p 00000000 00:28 1234                       /mnt/a/lib.so";
        assert_eq!(map_on_device(l, (0, 0x28)), Some(&b"/mnt/a/lib.so"[..]));
        assert_eq!(map_on_device(l, (0, 0x29)), None);
        assert_eq!(map_on_device(b"7f00-7f10 rw-p 00000000 00:00 0 [heap]", (0, 0)), None);
    }

    #[test]
    fn finds_this_process_working_folder() {
        // The test's own cwd is on the root filesystem: scanning "/" must find us.
        let table = mountinfo::read_table().unwrap();
        let cwd = std::env::current_dir().unwrap();
        let root = table
            .iter()
            .filter(|e| under(cwd.as_os_str().as_bytes(), e.mount_point.as_bytes()))
            .max_by_key(|e| e.mount_point.len())
            .unwrap();
        let u = scan(
            &table,
            root.mount_id,
            (root.major, root.minor),
            &root.mount_point,
            Instant::now() + Duration::from_secs(5),
        );
        assert!(u.holders.iter().any(|h| h.pid == std::process::id() && h.how == Use::Cwd), "{u:?}");
    }
}
