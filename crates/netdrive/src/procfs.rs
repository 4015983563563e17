//! Reading `/proc`: which processes there are, their names and command lines, and what
//! they have open.
//!
//! Only `/proc` is read, never a mounted filesystem: a link's text is read and never
//! followed, and a map's file is known by its device number, so a server that does not
//! answer cannot hang a reader here.

use std::ffi::OsString;
use std::path::Path;

/// How a process uses the drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// The process.
    pub pid: u32,
    /// The process name (`/proc/PID/comm`).
    pub name: String,
    /// Its owner (`None` when `/proc` would not say).
    pub uid: Option<u32>,
    /// User name, or the uid as text when it has none.
    pub user: String,
    /// The file, folder or program on the drive.
    pub path: OsString,
    /// How it uses it.
    pub how: Use,
}

/// The processes visible in `/proc`, by PID.
pub(crate) fn pids() -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.flatten().filter_map(|e| e.file_name().to_str().and_then(|s| s.parse().ok())).collect()
}

/// A process's command line (`/proc/PID/cmdline`): its arguments, each ended by a NUL.
/// Empty when it cannot be read.
pub(crate) fn cmdline(pid: u32) -> Vec<u8> {
    std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default()
}

/// Read a /proc file (relative to a process folder) into `buf`; false if it cannot be read.
pub(crate) fn read_into(dir: &impl rustix::fd::AsFd, name: &str, buf: &mut Vec<u8>) -> bool {
    use rustix::fs::{openat, Mode, OFlags};
    buf.clear();
    let Ok(fd) = openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else { return false };
    let mut chunk = [0u8; 8192];
    loop {
        match rustix::io::read(&fd, &mut chunk) {
            Ok(0) => return true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return false,
        }
    }
}

/// A process name, from its `/proc/PID/comm` (`path`, relative to `dir`). One read: the
/// kernel writes `comm` (at most 64 bytes) whole.
pub(crate) fn comm_at(dir: impl rustix::fd::AsFd, path: impl rustix::path::Arg) -> String {
    use rustix::fs::{openat, Mode, OFlags};
    let Ok(fd) = openat(dir, path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty()) else {
        return String::new();
    };
    let mut buf = [0u8; 128];
    match rustix::io::read(&fd, &mut buf) {
        Ok(n) => String::from_utf8_lossy(buf[..n].trim_ascii_end()).into_owned(),
        Err(_) => String::new(),
    }
}

/// A process's name, `/proc/PID/comm` (see [`comm_at`]); empty when it cannot be read.
pub(crate) fn comm(pid: u32) -> String {
    comm_at(rustix::fs::CWD, format!("/proc/{pid}/comm"))
}

/// The kernel's `mnt_id` for an open file, from `/proc/PID/fdinfo/FD`.
pub(crate) fn fd_mount_id(pid: u32, fd: u32) -> Option<u64> {
    let info = std::fs::read(Path::new(&format!("/proc/{pid}/fdinfo/{fd}"))).ok()?;
    info.split(|&b| b == b'\n').find_map(|l| {
        let v = l.strip_prefix(b"mnt_id:")?;
        std::str::from_utf8(v).ok()?.trim().parse().ok()
    })
}

/// The path of a `maps` line whose file lives on `device`.
/// `addr perms offset MAJ:MIN inode path` with the device in hex.
pub(crate) fn map_on_device(line: &[u8], device: (u32, u32)) -> Option<&[u8]> {
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
    fn maps_lines_match_on_device_number() {
        let l = b"7f00-7f10 r--p 00000000 00:28 1234                       /mnt/a/lib.so";
        assert_eq!(map_on_device(l, (0, 0x28)), Some(&b"/mnt/a/lib.so"[..]));
        assert_eq!(map_on_device(l, (0, 0x29)), None);
        assert_eq!(map_on_device(b"7f00-7f10 rw-p 00000000 00:00 0 [heap]", (0, 0)), None);
    }

    #[test]
    fn this_process_is_listed_with_its_name_and_command_line() {
        let me = std::process::id();
        assert!(pids().contains(&me));
        let comm = comm(me);
        assert!(!comm.is_empty() && comm.len() <= 15, "{comm:?}");
        let args = cmdline(me);
        let exe = std::env::args_os().next().unwrap_or_default();
        assert!(args.starts_with(std::os::unix::ffi::OsStrExt::as_bytes(exe.as_os_str())), "{args:?}");
    }
}
