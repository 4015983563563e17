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
//! Writes are atomic (temporary file, `fsync`, `rename`, `fsync` of the folder). A profile
//! that does not parse is never overwritten: reading it fails with `ERROR_BAD_PROFILE`
//! naming the line, and so does every change until the person fixes it. Profile names
//! are UTF-8 (TOML strings are); a drive whose name is not cannot be remembered.
//!
//! Network entries of `/etc/fstab` are remembered by the system: listed, read-only.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::mountinfo::unescape;
use crate::provider::{classify, Provider};

/// One remembered connection as stored in the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedEntry {
    pub local_name: String,
    pub remote_name: String,
    #[serde(default)]
    pub source: String,
    pub provider: String,
    #[serde(default)]
    pub fstype: String,
    #[serde(default)]
    pub options: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default, rename = "connection")]
    connections: Vec<RememberedEntry>,
}

/// Who remembers a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Remembered {
    /// In the user's netdrive profile; can be forgotten.
    User,
    /// In `/etc/fstab`; read-only.
    System,
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

/// The user's remembered connections. A missing profile is an empty one.
pub fn load() -> Result<Vec<RememberedEntry>> {
    load_from(&profile_path()?)
}

/// [`load`] from a given path.
pub fn load_from(path: &Path) -> Result<Vec<RememberedEntry>> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::CannotOpenProfile { path: path.into(), source }),
    };
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
    let path = profile_path()?;
    let mut all = load_from(&path)?;
    all.retain(|e| e.local_name != entry.local_name);
    all.push(entry);
    save_to(&path, all)
}

/// Forget the connection with this local name. Returns whether it was remembered.
pub fn forget(local_name: &str) -> Result<bool> {
    let path = profile_path()?;
    let mut all = load_from(&path)?;
    let before = all.len();
    all.retain(|e| e.local_name != local_name);
    if all.len() == before {
        return Ok(false);
    }
    save_to(&path, all)?;
    Ok(true)
}

fn save_to(path: &Path, connections: Vec<RememberedEntry>) -> Result<()> {
    let cannot = |source: std::io::Error| Error::CannotOpenProfile { path: path.into(), source };
    let dir = path.parent().ok_or_else(|| cannot(std::io::Error::other("no parent folder")))?;
    std::fs::create_dir_all(dir).map_err(cannot)?;
    let body = toml::to_string_pretty(&File { connections })
        .map_err(|e| cannot(std::io::Error::other(e.to_string())))?;
    let mut tmp = tempfile::Builder::new().prefix(".connections.").tempfile_in(dir).map_err(cannot)?;
    tmp.write_all(b"# netdrive: remembered network connections (`netdrive list --remembered`).\n")
        .and_then(|()| tmp.write_all(body.as_bytes()))
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(cannot)?;
    tmp.persist(path).map_err(|e| cannot(e.error))?;
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(cannot)?;
    Ok(())
}

/// A network entry of `/etc/fstab` (or of the file named by `NETDRIVE_FSTAB`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FstabEntry {
    pub source: OsString,
    pub mount_point: OsString,
    pub fstype: OsString,
    pub options: OsString,
    pub provider: Provider,
}

/// Network entries of the system's fstab. A missing or unreadable fstab has none.
pub fn fstab() -> Vec<FstabEntry> {
    let path = std::env::var_os("NETDRIVE_FSTAB").unwrap_or_else(|| "/etc/fstab".into());
    std::fs::read(path).map(|t| parse_fstab(&t)).unwrap_or_default()
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
            let (source, mp, fstype) = (unescape(f.next()?), unescape(f.next()?), unescape(f.next()?));
            let options = unescape(f.next().unwrap_or(b"defaults"));
            let provider = classify(fstype.as_bytes(), source.as_bytes())?;
            Some(FstabEntry { source, mount_point: mp, fstype, options, provider })
        })
        .collect()
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
        // no temporary files left behind
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
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
