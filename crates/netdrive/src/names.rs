//! Names of things on network drives, worked out from the mount table alone (never by
//! looking at a network mount): the UNC name of a path on a drive (`WNetGetUniversalName`),
//! a network name split into its resource and the rest (`WNetGetResourceInformation`) and
//! its parent (`WNetGetResourceParent`), and a free folder to connect on
//! (`WNetUseConnection`'s `CONNECT_REDIRECT`).
//!
//! Paths are taken by name: `.` and `..` are resolved lexically and symbolic links are not
//! followed, since following one would mean asking the drive.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::connection::{connected_in, network_table, normalize, Connection};
use crate::error::{Error, Result};

/// What [`universal_name`] found for a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniversalName {
    /// `\\server\share\sub\file`: the drive's remote name and the path inside it.
    pub universal: OsString,
    /// The drive's remote name, without a trailing backslash.
    pub connection: OsString,
    /// The path inside the drive with a leading backslash (`\` for the drive itself).
    pub remaining: OsString,
    /// The drive.
    pub drive: Connection,
}

/// The UNC name of `path` (anywhere inside a mounted network drive, existing or not), from
/// the mount table: the innermost drive whose mount point contains it by name.
/// `ERROR_NOT_CONNECTED` when no connected drive holds it; `ERROR_BAD_DEVICE` for an empty
/// path. On failure the error is also the thread's last error.
pub fn universal_name(path: &OsStr) -> Result<UniversalName> {
    let find = || {
        if path.is_empty() {
            return Err(Error::BadDevice("the path is empty".into()));
        }
        let drives = connected_in(&network_table()?);
        universal_name_in(&drives, path).ok_or_else(|| Error::NotConnected { target: path.into() })
    };
    find().map_err(Error::record)
}

/// [`universal_name`] among the given drives.
pub fn universal_name_in(drives: &[Connection], path: &OsStr) -> Option<UniversalName> {
    let path = PathBuf::from(normalize(path));
    let drive = drives
        .iter()
        .filter(|c| c.connected && path.starts_with(Path::new(&c.local_name)))
        .max_by_key(|c| c.local_name.len())?;
    let rest = path.strip_prefix(Path::new(&drive.local_name)).ok()?;
    let mut remaining = Vec::new();
    for part in rest.components() {
        remaining.push(b'\\');
        remaining.extend_from_slice(part.as_os_str().as_bytes());
    }
    let connection = trim_backslashes(drive.remote_name.as_bytes()).to_vec();
    let mut universal = connection.clone();
    universal.extend_from_slice(&remaining);
    if remaining.is_empty() {
        remaining.push(b'\\');
    }
    Some(UniversalName {
        universal: OsString::from_vec(universal),
        connection: OsString::from_vec(connection),
        remaining: OsString::from_vec(remaining),
        drive: drive.clone(),
    })
}

fn trim_backslashes(s: &[u8]) -> &[u8] {
    let mut s = s;
    while s.len() > 2 && (s.ends_with(b"\\") || s.ends_with(b"/")) {
        s = &s[..s.len() - 1];
    }
    s
}

/// The components of a network name `\\server\share\path` (`/` taken as `\`); `None` when
/// it does not start with two separators or names no server.
pub fn unc_parts(name: &OsStr) -> Option<Vec<&[u8]>> {
    let b = name.as_bytes();
    let rest = b.strip_prefix(b"\\\\").or_else(|| b.strip_prefix(b"//"))?;
    let parts: Vec<&[u8]> = rest.split(|&c| c == b'\\' || c == b'/').filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then_some(parts)
}

fn join_unc(parts: &[&[u8]]) -> OsString {
    let mut out = b"\\".to_vec();
    for p in parts {
        out.push(b'\\');
        out.extend_from_slice(p);
    }
    OsString::from_vec(out)
}

/// A network name split into the resource that is connected to (a connected drive's remote
/// name when one is a prefix of it, case-insensitively; otherwise `\\server\share`) and the
/// rest, with a leading backslash (empty when nothing is left). `None` for a name that is
/// not `\\server...`.
pub fn split_resource<'a>(
    name: &OsStr,
    drives: &'a [Connection],
) -> Option<(OsString, OsString, Option<&'a Connection>)> {
    let parts = unc_parts(name)?;
    let lower = |ps: &[&[u8]]| ps.iter().map(|p| p.to_ascii_lowercase()).collect::<Vec<_>>();
    let want = lower(&parts);
    let drive = drives
        .iter()
        .filter(|c| c.connected)
        .filter_map(|c| {
            let theirs = lower(&unc_parts(&c.remote_name)?);
            (want.starts_with(&theirs)).then_some((theirs.len(), c))
        })
        .max_by_key(|(n, _)| *n);
    let n = match drive {
        Some((n, _)) => n,
        None => parts.len().min(2),
    };
    let rest = &parts[n..];
    let rest = if rest.is_empty() {
        OsString::new()
    } else {
        OsString::from_vec(join_unc(rest).as_bytes()[1..].to_vec())
    };
    Some((join_unc(&parts[..n]), rest, drive.map(|(_, c)| c)))
}

/// The parent of a network name in the browse hierarchy: `\\server\share\dir` →
/// `\\server\share`, `\\server\share` → `\\server`; a server's parent is the provider's
/// network itself (`Some(None)`). `None` for a name that is not `\\server...`. A browsing
/// front end can extend this to containers of its own.
pub fn resource_parent(name: &OsStr) -> Option<Option<OsString>> {
    let parts = unc_parts(name)?;
    Some((parts.len() > 1).then(|| join_unc(&parts[..parts.len() - 1])))
}

/// The user a connected drive was made as, as far as the system shows it: `user@` in an
/// sshfs source, `username=`/`user=` in a cifs mount's options, else the user who mounted
/// a FUSE drive (`user_id=`), else this process's user.
pub fn connection_user(c: &Connection) -> String {
    let source = c.source.as_bytes();
    let source = source.strip_prefix(b"sshfs#").unwrap_or(source);
    if c.provider == crate::Provider::Sshfs {
        if let Some(at) = source.iter().position(|&b| b == b'@') {
            if !source[..at].contains(&b':') {
                return String::from_utf8_lossy(&source[..at]).into_owned();
            }
        }
    }
    for key in ["username", "user"] {
        if let Some(v) = crate::mountinfo::option(&c.options, key).filter(|v| !v.is_empty()) {
            return v.to_string_lossy().into_owned();
        }
    }
    match c.owner_uid {
        Some(uid) => crate::users::user_name(uid),
        None => crate::users::current_user_name(),
    }
}

/// Is `program` in a `PATH` folder that is not on a network drive? The folders on network
/// drives (by the mount table, lexically) are skipped, so this never waits for a server.
pub fn on_local_path(program: &str) -> bool {
    let drives = network_table().map(|t| connected_in(&t)).unwrap_or_default();
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).filter(|d| d.is_absolute()).any(|dir| {
        !drives.iter().any(|c| dir.starts_with(Path::new(&c.local_name))) && dir.join(program).is_file()
    })
}

/// A new, empty folder to connect `remote` on, for `CONNECT_REDIRECT`: under
/// `$XDG_RUNTIME_DIR/netdrive`, else `/run/netdrive` for root, else `/tmp/netdrive-UID`;
/// named after the remote name's last part (`share`, `share-2`, ...; an empty folder left
/// by a disconnected drive is used again). The folder is created here, so two callers
/// never get the same one. The base must not lie on a network drive.
pub fn free_local_name(remote: &OsStr) -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_RUNTIME_DIR").filter(|v| Path::new(v).is_absolute()) {
        Some(d) => PathBuf::from(d).join("netdrive"),
        None if rustix::process::geteuid().is_root() => PathBuf::from("/run/netdrive"),
        None => PathBuf::from(format!("/tmp/netdrive-{}", rustix::process::geteuid().as_raw())),
    };
    let drives = connected_in(&network_table()?);
    if drives.iter().any(|c| base.starts_with(Path::new(&c.local_name))) {
        return Err(Error::BadDevice(format!(
            "{} is on a network drive; set XDG_RUNTIME_DIR to a local folder",
            crate::escape::escape(base.as_os_str())
        )));
    }
    std::fs::create_dir_all(&base)
        .map_err(|e| Error::BadDevice(format!("{}: {e}", crate::escape::escape(base.as_os_str()))))?;
    // In a shared folder (/tmp) another user may have made it first, or put a link there:
    // use it only if it is a folder of ours that no one else can change, so no one else
    // chooses where drives are mounted.
    let ours = std::fs::symlink_metadata(&base).is_ok_and(|m| {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        m.is_dir() && m.uid() == rustix::process::geteuid().as_raw() && m.permissions().mode() & 0o022 == 0
    });
    if !ours {
        return Err(Error::BadDevice(format!(
            "{} is not a folder of yours that only you can change; remove it, or set XDG_RUNTIME_DIR",
            crate::escape::escape(base.as_os_str())
        )));
    }
    let stem: String = unc_parts(remote)
        .and_then(|p| p.last().map(|l| String::from_utf8_lossy(l).into_owned()))
        .unwrap_or_else(|| "drive".into())
        .chars()
        .map(|c| if c.is_alphanumeric() || "-_.@".contains(c) { c } else { '_' })
        .collect();
    let stem = if stem.is_empty() || stem.starts_with('.') { format!("drive{stem}") } else { stem };
    for n in 1..10_000 {
        let dir = if n == 1 { base.join(&stem) } else { base.join(format!("{stem}-{n}")) };
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // A folder left by a drive since disconnected is taken again: rmdir removes
                // only an empty folder that is no mount point, and if another caller makes
                // it anew in between, create_dir fails and the next name is tried.
                if std::fs::remove_dir(&dir).is_ok() && std::fs::create_dir(&dir).is_ok() {
                    return Ok(dir);
                }
            }
            Err(e) => {
                return Err(Error::BadDevice(format!("{}: {e}", crate::escape::escape(dir.as_os_str()))))
            }
        }
    }
    Err(Error::BadDevice("no free folder to connect on".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mountinfo::parse_table;

    const TABLE: &[u8] = b"40 22 0:39 / /mnt/ssh rw - fuse.sshfs me@h:/srv rw,user_id=0\n\
41 22 0:40 / /mnt/ssh/inner rw - cifs //nas/Media rw\n";

    #[test]
    fn a_path_inside_a_drive_has_a_unc_name() {
        let d = connected_in(&parse_table(TABLE));
        let u = universal_name_in(&d, OsStr::new("/mnt/ssh/a/./b/../file.txt")).unwrap();
        assert_eq!(u.universal, r"\\h\srv\a\file.txt");
        assert_eq!(u.connection, r"\\h\srv");
        assert_eq!(u.remaining, r"\a\file.txt");
        let root = universal_name_in(&d, OsStr::new("/mnt/ssh/")).unwrap();
        assert_eq!(
            (root.universal.as_os_str(), root.remaining.as_os_str()),
            (OsStr::new(r"\\h\srv"), OsStr::new(r"\"))
        );
        let inner = universal_name_in(&d, OsStr::new("/mnt/ssh/inner/x")).unwrap();
        assert_eq!(inner.universal, r"\\nas\Media\x", "the innermost drive wins");
        assert!(universal_name_in(&d, OsStr::new("/mnt/sshx/y")).is_none(), "by component, not by bytes");
        assert!(universal_name_in(&d, OsStr::new("/tmp")).is_none());
        assert_eq!(connection_user(&d[0]), "me");
        assert_eq!(connection_user(&d[1]), crate::users::current_user_name());
    }

    #[test]
    fn network_names_split_and_have_parents() {
        let d = connected_in(&parse_table(TABLE));
        let (res, rest, drive) = split_resource(OsStr::new(r"\\NAS\media\dir\f"), &d).unwrap();
        assert_eq!((res.as_os_str(), rest.as_os_str()), (OsStr::new(r"\\NAS\media"), OsStr::new(r"\dir\f")));
        assert_eq!(drive.unwrap().local_name, "/mnt/ssh/inner");
        let (res, rest, drive) = split_resource(OsStr::new("//other/s/x"), &d).unwrap();
        assert_eq!(
            (res.as_os_str(), rest.as_os_str(), drive),
            (OsStr::new(r"\\other\s"), OsStr::new(r"\x"), None)
        );
        assert_eq!(split_resource(OsStr::new(r"\\h\srv"), &d).unwrap().1, "");
        assert!(split_resource(OsStr::new("/mnt/ssh"), &d).is_none());
        assert_eq!(resource_parent(OsStr::new(r"\\s\share\dir")), Some(Some(r"\\s\share".into())));
        assert_eq!(resource_parent(OsStr::new(r"\\s\share")), Some(Some(r"\\s".into())));
        assert_eq!(resource_parent(OsStr::new(r"\\s")), Some(None));
        assert_eq!(resource_parent(OsStr::new("s")), None);
    }
}
