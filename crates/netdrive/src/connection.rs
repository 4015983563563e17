//! Network connections: what is connected (the mount table) and what is remembered.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::mountinfo::{self, MountEntry};
use crate::procfs;
use crate::profile::{self, Remembered};
use crate::provider::{self, Provider};

/// A network drive, connected or remembered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The mount point (Windows: the drive letter).
    pub local_name: OsString,
    /// `\\server\share\path`.
    pub remote_name: OsString,
    /// The source exactly as the filesystem has it (`//server/share`, `user@host:/path`).
    pub source: OsString,
    pub provider: Provider,
    /// rclone's backend (`smb`, `sftp`, ...), when known.
    pub backend: Option<String>,
    pub fstype: String,
    /// Mount id from mountinfo; `None` when not connected.
    pub mount_id: Option<u64>,
    /// `(major, minor)` of the mounted filesystem; `None` when not connected.
    pub device: Option<(u32, u32)>,
    /// For FUSE mounts, the user who mounted it (`user_id=`).
    pub owner_uid: Option<u32>,
    /// Mount options (per-mount, then per-superblock), or the remembered options.
    pub options: OsString,
    pub connected: bool,
    pub remembered: Option<Remembered>,
}

/// Which connections to list (Win32 `RESOURCE_CONNECTED` / `RESOURCE_REMEMBERED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Connected,
    Remembered,
    /// Connected ones, then remembered ones that are not connected.
    All,
}

impl Connection {
    /// Build a connection from a mount table entry; `None` for local filesystems.
    pub fn from_mount(e: &MountEntry) -> Option<Connection> {
        let provider = provider::classify(e.fstype.as_bytes(), e.source.as_bytes())?;
        let owner_uid = if Provider::is_fuse_fstype(e.fstype.as_bytes()) {
            e.super_option("user_id").and_then(|v| v.to_str()?.parse().ok())
        } else {
            None
        };
        let mut options = e.mount_options.clone();
        if !e.super_options.is_empty() {
            options.push(",");
            options.push(&e.super_options);
        }
        Some(Connection {
            local_name: e.mount_point.clone(),
            remote_name: provider::remote_name(provider, &e.source, None),
            source: e.source.clone(),
            provider,
            backend: (provider == Provider::Rclone).then(|| provider::rclone_backend(&e.source)).flatten(),
            fstype: e.fstype_str(),
            mount_id: Some(e.mount_id),
            device: Some((e.major, e.minor)),
            owner_uid,
            options,
            connected: true,
            remembered: None,
        })
    }

    fn from_remembered(r: &profile::RememberedEntry) -> Connection {
        Connection {
            local_name: r.local_name.clone().into(),
            remote_name: r.remote_name.clone().into(),
            source: r.source.clone().into(),
            provider: Provider::from_name(&r.provider).unwrap_or(Provider::Sshfs),
            backend: None,
            fstype: r.fstype.clone(),
            mount_id: None,
            device: None,
            owner_uid: None,
            options: r.options.clone().into(),
            connected: false,
            remembered: Some(Remembered::User),
        }
    }

    fn from_fstab(f: &profile::FstabEntry) -> Connection {
        Connection {
            local_name: f.mount_point.clone(),
            remote_name: provider::remote_name(f.provider, &f.source, None),
            source: f.source.clone(),
            provider: f.provider,
            backend: None,
            fstype: f.fstype.to_string_lossy().into_owned(),
            mount_id: None,
            device: None,
            owner_uid: None,
            options: f.options.clone(),
            connected: false,
            remembered: Some(Remembered::System),
        }
    }

    /// Status word for people: `connected`, `remembered`, ...
    pub fn status(&self) -> &'static str {
        match (self.connected, self.remembered) {
            (true, None) => "connected",
            (true, Some(_)) => "connected, remembered",
            (false, Some(Remembered::System)) => "remembered (fstab)",
            (false, _) => "remembered",
        }
    }
}

/// Network connections in a parsed mount table, in table order.
pub fn connected_in(table: &[MountEntry]) -> Vec<Connection> {
    let mut conns: Vec<Connection> = table.iter().filter_map(Connection::from_mount).collect();
    // rclone hides its connection string in the table; its command line has it.
    if conns.iter().any(|c| c.provider == Provider::Rclone && c.source.as_bytes().contains(&b'{')) {
        let remotes = rclone_command_lines();
        for c in conns.iter_mut().filter(|c| c.provider == Provider::Rclone) {
            if let Some(remote) = remotes.iter().find(|(mp, _)| *mp == c.local_name).map(|(_, r)| r) {
                c.remote_name = provider::remote_name(Provider::Rclone, &c.source, Some(remote));
            }
        }
    }
    conns
}

/// `(mount point, remote)` of every `rclone mount REMOTE MOUNTPOINT` process; read from
/// `/proc/PID/cmdline`, which never touches a mounted filesystem.
fn rclone_command_lines() -> Vec<(OsString, OsString)> {
    let mut found = Vec::new();
    for pid in procfs::pids() {
        // Every process is looked at, so the check is three system calls (std::fs::read
        // makes five).
        if procfs::comm_at(rustix::fs::CWD, format!("/proc/{pid}/comm")) != "rclone" {
            continue;
        }
        let cmdline = procfs::cmdline(pid);
        let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).filter(|a| !a.is_empty()).collect();
        let positional: Vec<&[u8]> = args.iter().skip(1).copied().filter(|a| !a.starts_with(b"-")).collect();
        if let Some(i) = positional.iter().position(|a| matches!(*a, b"mount" | b"cmount" | b"mount2")) {
            if let (Some(remote), Some(mp)) = (positional.get(i + 1), positional.get(i + 2)) {
                let mp = Path::new(OsStr::from_bytes(mp));
                let mp = if mp.is_absolute() {
                    mp.to_path_buf()
                } else {
                    match std::fs::read_link(format!("/proc/{pid}/cwd")) {
                        Ok(cwd) => cwd.join(mp),
                        Err(_) => continue,
                    }
                };
                found.push((normalize(mp.as_os_str()), OsString::from_vec(remote.to_vec())));
            }
        }
    }
    found
}

/// List network connections. Reads the mount table once; never touches a network mount.
/// On failure the error is also the thread's last error ([`crate::last_error`]).
///
/// The user's profile and the fstab are read by bounded workers at the same time (see
/// [`list_with_warnings`]). For [`Scope::Connected`] a problem with them only leaves
/// drives unmarked as remembered; for the other scopes it is the error, as the list of
/// remembered drives would be incomplete.
pub fn list(scope: Scope) -> Result<Vec<Connection>> {
    list_now(scope).and_then(|l| l.strict(scope)).map_err(Error::record)
}

/// A listing, and what could not be read for it.
#[derive(Debug, Default)]
pub struct Listing {
    pub connections: Vec<Connection>,
    /// Why some remembered connections are missing: the user's profile or the fstab
    /// could not be read (`ERROR_CANNOT_OPEN_PROFILE`: on a network drive that does not
    /// answer, not a regular file, too large; `ERROR_BAD_PROFILE`: damaged). Connected
    /// drives are all listed regardless; they are just not marked remembered by it.
    pub warnings: Vec<Error>,
}

impl Listing {
    /// The connections; for a scope with remembered ones, the first warning as the error.
    fn strict(self, scope: Scope) -> Result<Vec<Connection>> {
        match self.warnings.into_iter().next() {
            Some(w) if scope != Scope::Connected => Err(w),
            _ => Ok(self.connections),
        }
    }
}

/// [`list`], but what can be listed is listed: connected drives always, remembered ones
/// from whichever of the profile and fstab could be read, and the reasons for the rest
/// in [`Listing::warnings`]. With the profile on a network drive whose server stopped,
/// this returns within the bound (3 s) and names that drive. On failure (the mount table
/// cannot be read) the error is also the thread's last error.
pub fn list_with_warnings(scope: Scope) -> Result<Listing> {
    list_now(scope).map_err(Error::record)
}

/// The network lines of the mount table. Only they are decoded. Escapes cannot change
/// what classify sees: the kernel escapes only space, tab, newline and backslash, in no
/// type or prefix it knows.
fn network_table() -> Result<Vec<MountEntry>> {
    mountinfo::read_table_where(|fstype, source| provider::classify(fstype, source).is_some()).map_err(|e| {
        Error::NoNetwork(format!("cannot read {}: {e}", mountinfo::table_path().to_string_lossy()))
    })
}

/// The network drive a path lies on, as far as the mount table tells without touching
/// the filesystem (by name: a symlink on the way is not followed). For messages only.
pub(crate) fn network_drive_under(path: &Path) -> Option<Connection> {
    let path = PathBuf::from(normalize(path.as_os_str()));
    let table = network_table().ok()?;
    connected_in(&table)
        .into_iter()
        .filter(|c| path.starts_with(Path::new(&c.local_name)))
        .max_by_key(|c| c.local_name.len())
}

/// The connected drive `target` names (its mount point, source or UNC name), as
/// [`resolve`] finds it in [`list`]`(Scope::Connected)`. Quicker for a mount point: the
/// other drives are not looked at, so no process is read to name rclone drives' hosts
/// (a tenth of `netdrive who` with 2,000 processes). On failure the error is also the
/// thread's last error.
pub fn find_connected(target: &OsStr) -> Result<Connection> {
    let find = || {
        let local = normalize(target);
        let loading = profile::start_loading();
        let table = network_table()?;
        let mine: Vec<MountEntry> = table.iter().filter(|e| e.mount_point == local).cloned().collect();
        let conns = if mine.is_empty() {
            list_from(Scope::Connected, &table, loading).connections
        } else {
            listing(Scope::Connected, &mine, loading).connections
        };
        resolve(&conns, target).cloned()
    };
    find().map_err(Error::record)
}

fn list_now(scope: Scope) -> Result<Listing> {
    // The profile and fstab workers start first and run while the table is read.
    let loading = profile::start_loading();
    let table = match scope {
        Scope::Remembered => Vec::new(),
        _ => network_table()?,
    };
    Ok(list_from(scope, &table, loading))
}

/// [`listing`] plus GVfs's drives, which are not in the mount table.
fn list_from(scope: Scope, table: &[MountEntry], loading: profile::Loading) -> Listing {
    let mut l = listing(scope, table, loading);
    if scope != Scope::Remembered {
        l.connections.extend(crate::gvfs::list(crate::gvfs::LIST_BOUND));
    }
    l
}

/// [`list`] over a given table (for recorded tables and callers that already read one).
pub fn list_with(scope: Scope, table: &[MountEntry]) -> Result<Vec<Connection>> {
    listing(scope, table, profile::start_loading()).strict(scope)
}

fn listing(scope: Scope, table: &[MountEntry], loading: profile::Loading) -> Listing {
    let mut connected = connected_in(table);
    let mut warnings = Vec::new();
    let (user, system) = loading.finish();
    let user = user.unwrap_or_else(|e| {
        warnings.push(e);
        Vec::new()
    });
    let system = system.unwrap_or_else(|e| {
        warnings.push(e);
        Vec::new()
    });
    let mut remembered: Vec<Connection> = user
        .iter()
        .map(Connection::from_remembered)
        .chain(system.iter().map(Connection::from_fstab))
        .collect();
    // One entry per local name; the user's profile comes first and wins over fstab.
    let mut seen = std::collections::HashSet::new();
    remembered.retain(|r| seen.insert(r.local_name.clone()));
    for c in connected.iter_mut() {
        c.remembered = remembered.iter().find(|r| r.local_name == c.local_name).and_then(|r| r.remembered);
    }
    for r in remembered.iter_mut() {
        r.connected = connected.iter().any(|c| c.local_name == r.local_name);
    }
    let connections = match scope {
        Scope::Connected => connected,
        Scope::Remembered => remembered,
        Scope::All => {
            connected.extend(remembered.into_iter().filter(|r| !r.connected));
            connected
        }
    };
    Listing { connections, warnings }
}

/// Make a local name comparable: absolute (joined to the current folder, without
/// touching the filesystem), `.` and `..` removed lexically, no trailing slash.
pub fn normalize(name: &OsStr) -> OsString {
    let p = Path::new(name);
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.into_os_string()
}

fn unc_key(name: &[u8]) -> Vec<u8> {
    let mut k: Vec<u8> =
        name.iter().map(|&b| if b == b'/' { b'\\' } else { b.to_ascii_lowercase() }).collect();
    while k.len() > 2 && k.ends_with(b"\\") {
        k.pop();
    }
    k
}

/// Find the connection a person means: by local name (mount point), by UNC remote
/// name (case-insensitive, `/` or `\`), or by the source as the filesystem has it.
pub fn resolve<'a>(conns: &'a [Connection], target: &OsStr) -> Result<&'a Connection> {
    let t = target.as_bytes();
    if t.is_empty() {
        return Err(Error::InvalidParameter("empty name".into()));
    }
    let local = normalize(target);
    let by_local: Vec<&Connection> = conns.iter().filter(|c| c.local_name == local).collect();
    let matches = if !by_local.is_empty() {
        by_local
    } else {
        let by_source: Vec<&Connection> = conns.iter().filter(|c| c.source.as_bytes() == t).collect();
        if !by_source.is_empty() {
            by_source
        } else if t.starts_with(b"\\\\") || t.starts_with(b"//") {
            let key = unc_key(t);
            conns.iter().filter(|c| unc_key(c.remote_name.as_bytes()) == key).collect()
        } else {
            Vec::new()
        }
    };
    match matches.as_slice() {
        [] => Err(Error::NotConnected { target: target.into() }),
        [one] => Ok(one),
        [first, ..] if matches.iter().all(|c| c.local_name == first.local_name) => {
            Ok(matches.iter().find(|c| c.connected).copied().unwrap_or(first))
        }
        many => Err(Error::InvalidParameter(format!(
            "{} names {} drives ({}); name the drive by its mount point",
            crate::escape::escape(target),
            many.len(),
            many.iter().map(|c| crate::escape::escape(&c.local_name)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[u8] = b"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
40 22 0:39 / /mnt/ssh rw,nosuid,nodev,relatime shared:5 - fuse.sshfs me@127.0.0.1:/srv rw,user_id=1000,group_id=1000\n\
41 22 0:40 / /mnt/smb rw,relatime shared:6 - cifs //nas/media rw,vers=3.1.1,addr=10.0.0.5\n\
42 22 0:41 / /mnt/a\\040b rw - fuse.rclone :smb{KU2z_}:share rw,user_id=0,group_id=0\n";

    #[test]
    fn lists_network_mounts_with_provider_and_unc() {
        let table = mountinfo::parse_table(TABLE);
        let c = connected_in(&table);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].provider, Provider::Sshfs);
        assert_eq!(c[0].remote_name, r"\\127.0.0.1\srv");
        assert_eq!(c[0].owner_uid, Some(1000));
        assert_eq!(c[1].owner_uid, None);
        assert_eq!(c[2].local_name, "/mnt/a b");
        assert_eq!(c[2].backend.as_deref(), Some("smb"));
    }

    #[test]
    fn resolves_by_local_remote_and_source() {
        let c = connected_in(&mountinfo::parse_table(TABLE));
        assert_eq!(resolve(&c, OsStr::new("/mnt/ssh/")).unwrap().mount_id, Some(40));
        assert_eq!(resolve(&c, OsStr::new(r"\\NAS\Media")).unwrap().mount_id, Some(41));
        assert_eq!(resolve(&c, OsStr::new("//nas/media")).unwrap().mount_id, Some(41));
        assert_eq!(resolve(&c, OsStr::new("me@127.0.0.1:/srv")).unwrap().mount_id, Some(40));
        assert_eq!(resolve(&c, OsStr::new("/mnt/none")).unwrap_err().code().0, 2250);
    }
}
