//! Remembered connections: the user's profile and the system's `/etc/fstab`.
//!
//! The profile is `$XDG_CONFIG_HOME/netdrive/connections.toml` (default
//! `~/.config/netdrive/connections.toml`), one `[[connection]]` table per drive:
//!
//! ```toml
//! [[connection]]
//! local_name = "/home/me/work"
//! remote_name = '\\fileserver\work'
//! source = "me@fileserver:/srv/work"
//! provider = "SSHFS"
//! fstype = "fuse.sshfs"
//! options = "reconnect"
//! ```
//!
//! The profile can be on a network drive (an NFS home folder), so it is only ever read
//! or written by a worker process with a time bound; a server that
//! does not answer gives `ERROR_CANNOT_OPEN_PROFILE` naming the drive, never a hang. Only
//! a regular file of at most [`MAX_PROFILE`] bytes is read.
//!
//! A change (remember, forget) holds an exclusive `flock` on [`LOCK_NAME`] beside the
//! profile from reading it to replacing it, so concurrent changes never lose each other's
//! entries; waiting for the lock counts against the same bound. Writes are atomic
//! (temporary file, `fsync`, `rename`, `fsync` of the folder); temporary files left by a
//! killed writer are removed by the next change. A profile that does not parse is never
//! overwritten: reading it fails with `ERROR_BAD_PROFILE` naming the line, and so does
//! every change until the person fixes it. Profile names are UTF-8 (TOML strings are); a
//! drive whose name is not cannot be remembered.
//!
//! Network entries of `/etc/fstab` are remembered by the system: listed, read-only. It
//! is read the same bounded way.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bounded::{self, Failure};
use crate::error::{Error, Result};
use crate::mountinfo::{fstype_text, unescape};
use crate::provider::{classify, Provider};

/// One remembered connection as stored in the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedEntry {
    /// The mount point.
    pub local_name: String,
    /// `\\server\share\path`.
    pub remote_name: String,
    /// The source as the filesystem has it.
    #[serde(default)]
    pub source: String,
    /// The provider's name ([`crate::Provider::name`]).
    pub provider: String,
    /// The filesystem type.
    #[serde(default)]
    pub fstype: String,
    /// Mount options.
    #[serde(default)]
    pub options: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "connection")]
    connections: Vec<RememberedEntry>,
}

/// The profile's path: `$XDG_CONFIG_HOME/netdrive/connections.toml`.
pub fn profile_path() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => PathBuf::from(h).join(".config"),
            None => {
                return Err(Error::CannotOpenProfile {
                    path: PathBuf::from("~/.config/netdrive/connections.toml"),
                    source: std::io::Error::other("neither XDG_CONFIG_HOME nor HOME is set"),
                })
            }
        },
    };
    Ok(base.join("netdrive").join("connections.toml"))
}

/// The most a profile or fstab may hold. netdrive writes about 200 bytes per drive.
pub const MAX_PROFILE: u64 = 1 << 20;

/// The user's remembered connections. A missing profile is an empty one.
pub fn load() -> Result<Vec<RememberedEntry>> {
    load_from(&profile_path()?)
}

/// [`load`] from a given path. The file is read by a worker with a time bound
/// (`ERROR_CANNOT_OPEN_PROFILE` when its folder is on a network drive that does not
/// answer), and only if it is a regular file of at most [`MAX_PROFILE`] bytes.
pub fn load_from(path: &Path) -> Result<Vec<RememberedEntry>> {
    parse_read(path, bounded::read(path, MAX_PROFILE, bounded::BOUND))
}

fn parse_read(
    path: &Path,
    read: std::result::Result<Option<Vec<u8>>, Failure>,
) -> Result<Vec<RememberedEntry>> {
    match read {
        Ok(Some(text)) => parse_profile(path, text),
        Ok(None) => Ok(Vec::new()),
        Err(f) => Err(cannot_open(path, f)),
    }
}

/// `ERROR_CANNOT_OPEN_PROFILE` for a failed bounded access, naming the cause: for a file
/// that does not answer, the network drive it is on when the mount table shows one.
fn cannot_open(path: &Path, f: Failure) -> Error {
    let source = match f {
        Failure::Io(e) => e,
        f @ Failure::NotResponding { .. } => {
            let on = match crate::connection::network_drive_under(path) {
                Some(c) => format!(
                    "; it is on the network drive {} ({}), which is not responding",
                    crate::escape::escape(&c.local_name),
                    crate::escape::escape(&c.remote_name)
                ),
                None => "; is it on a network drive whose server stopped?".to_owned(),
            };
            std::io::Error::new(std::io::ErrorKind::TimedOut, format!("{f}{on}"))
        }
        f => std::io::Error::new(std::io::ErrorKind::TimedOut, f.to_string()),
    };
    Error::CannotOpenProfile { path: path.into(), source }
}

fn parse_profile(path: &Path, text: Vec<u8>) -> Result<Vec<RememberedEntry>> {
    let text = String::from_utf8(text).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count();
        Error::BadProfile { path: path.into(), line, message: "not UTF-8 text".into() }
    })?;
    let file: File = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count()).unwrap_or(1);
        Error::BadProfile { path: path.into(), line, message: e.message().to_owned() }
    })?;
    Ok(file.connections)
}

/// Remember a connection (replacing one with the same local name).
pub fn remember(entry: RememberedEntry) -> Result<()> {
    change(&profile_path()?, |all| {
        all.retain(|e| e.local_name != entry.local_name);
        all.push(entry);
        true
    })
    .map(drop)
}

/// Forget the connection with this local name. Returns whether it was remembered.
pub fn forget(local_name: &str) -> Result<bool> {
    change(&profile_path()?, |all| {
        let before = all.len();
        all.retain(|e| e.local_name != local_name);
        all.len() != before
    })
}

/// The lock file beside the profile: every change holds it from read to rename.
pub const LOCK_NAME: &str = ".connections.toml.lock";
/// Temporary files are `.connections.toml.tmp-PID-N`.
const TEMP_PREFIX: &str = ".connections.toml.tmp-";

/// A temporary file a killed writer left: ours, or the `tempfile` crate's
/// `.connections.XXXXXX` of netdrive versions before the lock.
fn is_stale(name: &[u8]) -> bool {
    name.starts_with(TEMP_PREFIX.as_bytes())
        || name
            .strip_prefix(b".connections.")
            .is_some_and(|r| r.len() == 6 && r.iter().all(u8::is_ascii_alphanumeric))
}

/// Read, change and write the profile under its lock; `edit` says whether it changed
/// anything (and so whether to write). A profile that does not parse is never written.
fn change(path: &Path, edit: impl FnOnce(&mut Vec<RememberedEntry>) -> bool) -> Result<bool> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp = format!("{TEMP_PREFIX}{}-{n}", std::process::id());
    let target = bounded::Target {
        file: path,
        lock_name: OsStr::new(LOCK_NAME),
        temp_name: OsStr::new(&temp),
        is_stale,
    };
    let cannot = |e: std::io::Error| Error::CannotOpenProfile { path: path.into(), source: e };
    bounded::update(
        &target,
        MAX_PROFILE,
        bounded::BOUND,
        |old| {
            let mut all = match old {
                Some(text) => parse_profile(path, text.to_vec())?,
                None => Vec::new(),
            };
            if !edit(&mut all) {
                return Ok((false, None));
            }
            let body = toml::to_string_pretty(&File { connections: all })
                .map_err(|e| cannot(std::io::Error::other(e.to_string())))?;
            let mut text = HEADER.as_bytes().to_vec();
            text.extend_from_slice(body.as_bytes());
            Ok((true, Some(text)))
        },
        |f| cannot_open(path, f),
    )
}

const HEADER: &str = "# netdrive: remembered network connections (`netdrive list --remembered`).\n";

#[cfg(test)]
fn save_to(path: &Path, connections: Vec<RememberedEntry>) -> Result<()> {
    change(path, |all| {
        *all = connections;
        true
    })
    .map(drop)
}

/// A network entry of `/etc/fstab` (or of the file named by `NETDRIVE_FSTAB`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FstabEntry {
    /// The source (`//server/share`, `server:/export`).
    pub source: OsString,
    /// The mount point.
    pub mount_point: OsString,
    /// The filesystem type.
    pub fstype: String,
    /// Mount options (`defaults` when none are given).
    pub options: OsString,
    /// The network provider its type and source make it.
    pub provider: Provider,
}

/// The system's fstab: `/etc/fstab`, or the file named by `NETDRIVE_FSTAB`.
pub fn fstab_path() -> PathBuf {
    std::env::var_os("NETDRIVE_FSTAB").unwrap_or_else(|| "/etc/fstab".into()).into()
}

/// Network entries of the system's fstab. A missing or unreadable fstab has none
/// ([`crate::list_with_warnings`] says why it is unreadable).
pub fn fstab() -> Vec<FstabEntry> {
    let path = fstab_path();
    parse_fstab_read(&path, bounded::read(&path, MAX_PROFILE, bounded::BOUND)).unwrap_or_default()
}

fn parse_fstab_read(
    path: &Path,
    read: std::result::Result<Option<Vec<u8>>, Failure>,
) -> Result<Vec<FstabEntry>> {
    match read {
        Ok(Some(text)) => Ok(parse_fstab(&text)),
        Ok(None) => Ok(Vec::new()),
        Err(f) => Err(cannot_open(path, f)),
    }
}

/// The profile and the fstab, read at the same time by bounded workers: started by
/// [`start_loading`], collected by [`Loading::finish`].
pub(crate) struct Loading {
    user: Result<(PathBuf, bounded::Reading)>,
    system: (PathBuf, bounded::Reading),
}

pub(crate) fn start_loading() -> Loading {
    let user = profile_path().map(|p| {
        let r = bounded::start_read(&p, MAX_PROFILE, bounded::BOUND);
        (p, r)
    });
    let fstab = fstab_path();
    let r = bounded::start_read(&fstab, MAX_PROFILE, bounded::BOUND);
    Loading { user, system: (fstab, r) }
}

impl Loading {
    /// The user's remembered connections and the fstab's network entries, or why not.
    pub(crate) fn finish(self) -> (Result<Vec<RememberedEntry>>, Result<Vec<FstabEntry>>) {
        let user = self.user.and_then(|(p, r)| parse_read(&p, r.finish()));
        let (p, r) = self.system;
        (user, parse_fstab_read(&p, r.finish()))
    }
}

/// Parse fstab text, keeping only network filesystems.
pub fn parse_fstab(text: &[u8]) -> Vec<FstabEntry> {
    text.split(|&b| b == b'\n')
        .filter_map(|line| {
            let line = line.trim_ascii();
            if line.is_empty() || line.starts_with(b"#") {
                return None;
            }
            let mut f = line.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty());
            let (source, mp, fstype) = (unescape(f.next()?), unescape(f.next()?), fstype_text(f.next()?));
            let options = unescape(f.next().unwrap_or(b"defaults"));
            let provider = classify(fstype.as_bytes(), source.as_bytes())?;
            Some(FstabEntry { source, mount_point: mp, fstype, options, provider })
        })
        .collect()
}

/// The connect dialog's recent folders (`CONNDLG_USE_MRU`): a file next to the profile,
/// one folder a line, newest first.
pub fn recent_folders_path() -> Option<PathBuf> {
    profile_path().ok().and_then(|p| p.parent().map(|d| d.join("recent-folders")))
}

/// The recent folders, newest first, read by a bounded worker (the configuration folder
/// may be on a network drive): empty when the file is missing, unreadable or slow.
pub fn recent_folders(bound: std::time::Duration) -> Vec<String> {
    let Some(path) = recent_folders_path() else { return Vec::new() };
    match crate::bounded::read(&path, 64 * 1024, bound) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.chars().any(char::is_control))
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> RememberedEntry {
        RememberedEntry {
            local_name: name.into(),
            remote_name: r"\\h\x".into(),
            source: "h:/x".into(),
            provider: "SSHFS".into(),
            fstype: "fuse.sshfs".into(),
            options: String::new(),
        }
    }

    #[test]
    fn remember_and_forget_round_trip_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("netdrive/connections.toml");
        save_to(&path, vec![entry("/mnt/a"), entry("/mnt/b")]).unwrap();
        assert_eq!(load_from(&path).unwrap(), vec![entry("/mnt/a"), entry("/mnt/b")]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("[[connection]]") && text.contains(r"'\\h\x'"), "{text}");
        // no temporary files left behind; the lock file stays (removing it would race)
        let mut names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [LOCK_NAME, "connections.toml"]);
    }

    #[test]
    fn corrupt_profile_names_the_line_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("connections.toml");
        std::fs::write(&path, "[[connection]]\nlocal_name = \"/mnt/a\"\nremote_name = oops\n").unwrap();
        let err = load_from(&path).unwrap_err();
        assert_eq!(err.code().0, 1206);
        assert!(matches!(err, Error::BadProfile { line: 3, .. }), "{err}");
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn unreadable_profile_is_cannot_open() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be cannot be read as a profile.
        let err = load_from(dir.path()).unwrap_err();
        assert_eq!(err.code().0, 1205, "{err}");
    }

    #[test]
    fn fstab_keeps_network_entries_only() {
        let t = b"# comment\n/dev/sda1 / ext4 defaults 0 1\n//nas/media /mnt/media cifs credentials=/etc/c,_netdev 0 0\nnas:/export /mnt/nfs\\040share nfs4 _netdev 0 0\nme@h:/srv /mnt/s fuse.sshfs noauto,user 0 0\nhttps://dav.example/d /mnt/dav davfs user,noauto 0 0\n";
        let e = parse_fstab(t);
        assert_eq!(e.len(), 4);
        assert_eq!(e[1].mount_point, "/mnt/nfs share");
        assert_eq!(e[3].provider, Provider::WebDav);
    }
}
