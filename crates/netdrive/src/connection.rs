//! Network connections: the [`Connection`] type, built from a mount table line or a GVfs
//! mount, and found again by the name a person gives.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::gvfs;
use crate::mountinfo::{self, MountEntry};
use crate::procfs;
use crate::provider::{self, Provider};

/// A network drive, connected or remembered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The mount point (Windows: the drive letter); a GVfs drive's URI.
    pub local_name: OsString,
    /// `\\server\share\path`.
    pub remote_name: OsString,
    /// The source exactly as the filesystem has it (`//server/share`, `user@host:/path`).
    pub source: OsString,
    /// The network provider (Windows' provider name).
    pub provider: Provider,
    /// For a provider that speaks several protocols, the one this drive uses, as that
    /// provider names it: rclone's backend (`smb`, `sftp`, ...) or GVfs's URI scheme
    /// (`sftp`, `smb`, `davs`, ...); shown after the provider (`rclone (smb)`).
    pub backend: Option<String>,
    /// The filesystem type (`cifs`, `fuse.sshfs`, `gvfs`), as the mount table, the fstab or
    /// the profile has it.
    pub fstype: String,
    /// Mount id from mountinfo; `None` when not connected.
    pub mount_id: Option<u64>,
    /// `(major, minor)` of the mounted filesystem; `None` when not connected.
    pub device: Option<(u32, u32)>,
    /// For FUSE mounts, the user who mounted it (`user_id=`).
    pub owner_uid: Option<u32>,
    /// Mount options (per-mount, then per-superblock), or the remembered options.
    pub options: OsString,
    /// Mounted now.
    pub connected: bool,
    /// Remembered, and by whom; `None` when only connected.
    pub remembered: Option<Remembered>,
}

/// Who remembers a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Remembered {
    /// In the user's netdrive profile; can be forgotten.
    User,
    /// In `/etc/fstab`; read-only.
    System,
    /// An automount point the kernel has now (an `autofs` trigger), from an autofs map or
    /// an fstab entry with `x-systemd.automount`: the system connects it when a program
    /// opens it; read-only.
    Automount,
}

impl Connection {
    /// A connection known by its names alone: not connected, not remembered, no options.
    /// Every other way to make one starts here.
    pub(crate) fn new(
        local_name: OsString,
        remote_name: OsString,
        source: OsString,
        provider: Provider,
        fstype: String,
    ) -> Connection {
        Connection {
            local_name,
            remote_name,
            source,
            provider,
            backend: None,
            fstype,
            mount_id: None,
            device: None,
            owner_uid: None,
            options: OsString::new(),
            connected: false,
            remembered: None,
        }
    }

    /// A connection from a mount table entry; `None` for local filesystems.
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
        let remote_name = provider::remote_name(provider, &e.source, None);
        Some(Connection {
            backend: (provider == Provider::Rclone).then(|| provider::rclone_backend(&e.source)).flatten(),
            mount_id: Some(e.mount_id),
            device: Some((e.major, e.minor)),
            owner_uid,
            options,
            connected: true,
            ..Connection::new(
                e.mount_point.clone(),
                remote_name,
                e.source.clone(),
                provider,
                e.fstype.clone(),
            )
        })
    }

    /// A GVfs mount as a connected drive, named by its URI; `None` for local ones (trash,
    /// recent, MTP...).
    pub(crate) fn from_gvfs(m: &gvfs::Mount) -> Option<Connection> {
        let (uri, scheme) = m.network_uri()?;
        let uri = OsString::from(uri);
        let remote_name = provider::remote_name(Provider::Gvfs, &uri, None);
        Some(Connection {
            backend: Some(scheme),
            connected: true,
            ..Connection::new(uri.clone(), remote_name, uri, Provider::Gvfs, "gvfs".into())
        })
    }

    /// A connection without a local device, in Windows' terms: a GVfs drive, whose local
    /// name is its URI, not a folder. A mounted drive's mount point is its local device.
    pub fn is_deviceless(&self) -> bool {
        !self.local_name.as_bytes().starts_with(b"/")
    }

    /// Whether this connection without a local device is one to the remote name `name`:
    /// the same name, or a name inside it (a GVfs mount serves a whole server: `\\host`
    /// serves `\\host\share\dir`). A port in the name's server (`host@2222`), which
    /// GVfs's names do not carry, is set aside. Always false for a mounted drive.
    pub fn is_deviceless_to(&self, name: &[u8]) -> bool {
        if !self.is_deviceless() {
            return false;
        }
        let mine = unc_key(self.remote_name.as_bytes());
        let mut want = unc_key(name);
        // `\\host@port\...`: drop `@port`.
        let host_end =
            want[2.min(want.len())..].iter().position(|&b| b == b'\\').map_or(want.len(), |i| i + 2);
        if let Some(at) = want[..host_end].iter().rposition(|&b| b == b'@') {
            if at + 1 < host_end && want[at + 1..host_end].iter().all(u8::is_ascii_digit) {
                want.drain(at..host_end);
            }
        }
        want.starts_with(&mine) && (want.len() == mine.len() || want[mine.len()] == b'\\')
    }

    /// Status word for people: `connected`, `remembered`, ...
    pub fn status(&self) -> &'static str {
        match (self.connected, self.remembered) {
            (true, None) => "connected",
            (true, Some(Remembered::Automount)) => "connected, automount",
            (true, Some(_)) => "connected, remembered",
            (false, Some(Remembered::System)) => "remembered (fstab)",
            (false, Some(Remembered::Automount)) => "automount (connects when opened)",
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
        if procfs::comm(pid) != "rclone" {
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

/// The network lines of the mount table, and its automount triggers (`autofs`, which are
/// no drives themselves: [`connected_in`] skips them). Only they are decoded. Escapes
/// cannot change what classify sees: the kernel escapes only space, tab, newline and
/// backslash, in no type or prefix it knows.
pub(crate) fn network_table() -> Result<Vec<MountEntry>> {
    mountinfo::read_table_where(|fstype, source| {
        fstype == crate::automount::AUTOFS || provider::classify(fstype, source).is_some()
    })
    .map_err(|e| Error::NoNetwork(format!("cannot read {}: {e}", mountinfo::table_path().to_string_lossy())))
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

/// A UNC name made comparable: lower case, `\\`, no trailing separator.
pub(crate) fn unc_key(name: &[u8]) -> Vec<u8> {
    let mut k: Vec<u8> =
        name.iter().map(|&b| if b == b'/' { b'\\' } else { b.to_ascii_lowercase() }).collect();
    while k.len() > 2 && k.ends_with(b"\\") {
        k.pop();
    }
    k
}

/// Find the connection a person means: by local name (mount point), by UNC remote
/// name (case-insensitive, `/` or `\`), or by the source as the filesystem has it.
///
/// The remote name and the source are netdrive's convenience for people (the CLI, the
/// Rust API): they find a mounted drive when exactly one has that name. Windows' rule,
/// which the C API follows, is narrower: by a remote name only connections without a
/// local device are found ([`crate::cancel_device_or_deviceless`]).
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

    /// A GVfs mount of the given type and keys, as the mount tracker describes it.
    fn gvfs_mount(kind: &str, keys: &[(&str, &str)]) -> gvfs::Mount {
        let mut keys: std::collections::BTreeMap<String, Vec<u8>> =
            keys.iter().map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec())).collect();
        keys.insert("type".into(), kind.as_bytes().to_vec());
        gvfs::Mount {
            dbus_id: ":1.5".into(),
            object_path: "/org/gtk/vfs/mount/1".into(),
            display_name: String::new(),
            fuse_mount_point: None,
            spec: gvfs::Spec { prefix: b"/".to_vec(), keys },
        }
    }

    #[test]
    fn a_deviceless_connection_serves_the_names_inside_it() {
        let c =
            Connection::from_gvfs(&gvfs_mount("sftp", &[("host", "127.0.0.1"), ("port", "2222")])).unwrap();
        assert!(c.is_deviceless());
        assert!(c.is_deviceless_to(br"\\127.0.0.1"));
        assert!(c.is_deviceless_to(br"\\127.0.0.1@2222\tmp\export"));
        assert!(c.is_deviceless_to(b"//127.0.0.1/tmp/"));
        assert!(!c.is_deviceless_to(br"\\127.0.0.10"));
        assert!(!c.is_deviceless_to(br"\\other\tmp"));
        let mounted = connected_in(&mountinfo::parse_table(TABLE));
        assert!(!mounted[0].is_deviceless() && !mounted[0].is_deviceless_to(br"\\127.0.0.1\srv"));
    }

    #[test]
    fn only_network_gvfs_mounts_are_drives() {
        let c = Connection::from_gvfs(&gvfs_mount("sftp", &[("host", "files.example.org"), ("user", "me")]))
            .unwrap();
        assert_eq!(c.local_name, "sftp://me@files.example.org/");
        assert_eq!(c.remote_name, r"\\files.example.org");
        assert_eq!(c.backend.as_deref(), Some("sftp"));
        assert_eq!(c.provider, Provider::Gvfs);
        assert!(c.connected);
        let smb = gvfs_mount("smb-share", &[("server", "192.168.1.20"), ("share", "share")]);
        assert_eq!(Connection::from_gvfs(&smb).unwrap().remote_name, r"\\192.168.1.20\share");
        assert!(Connection::from_gvfs(&gvfs_mount("trash", &[])).is_none());
        assert!(Connection::from_gvfs(&gvfs_mount("mtp", &[("host", "phone")])).is_none());
    }
}
