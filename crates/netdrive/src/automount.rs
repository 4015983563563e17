//! Automount points: network drives the system connects when a program opens them.
//!
//! An automount point is an `autofs` mount in the mount table: the kernel's trigger. It
//! is not a network drive itself; opening it makes the automounter (the `automount`
//! daemon of autofs, or systemd) mount the drive on top of it, and unmounting that drive
//! leaves the trigger in place. Which drive a trigger connects is not in the mount
//! table, only its map is:
//!
//! - systemd (source `systemd-1`): an `/etc/fstab` entry with `x-systemd.automount` at
//!   that path, which the fstab reader already lists;
//! - autofs: the trigger's source is the map its master map names for it. A *direct*
//!   trigger (`direct` option) is one key of that map, the absolute path itself; an
//!   *indirect* one is a folder whose names are the map's keys. File maps in the Sun
//!   format (`autofs(5)`) are read: `key [-options] location`, with `-fstype=` `cifs`,
//!   `smb3`, `nfs` or `nfs4` (nfs when none) and a `host:/path` or `://server/share`
//!   location. Wildcard keys (`*`, `&`), variables (`$USER`), multi-mount and replicated
//!   entries, program maps (`#!`) and other map types (`-hosts`, `ldap:`, ...) name no
//!   fixed drive and are skipped.
//!
//! So only triggers the kernel has now are listed (where opening the folder really
//! connects it), and nothing under them is ever touched: the table comes from `/proc`
//! and the maps are read by bounded workers like the fstab (a map is an ordinary file,
//! never one under a trigger).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::bounded;
use crate::mountinfo::{fstype_text, MountEntry};
use crate::provider::{classify, Provider};

/// The filesystem type of the kernel's automount triggers.
pub(crate) const AUTOFS: &[u8] = b"autofs";

/// An automount trigger in the mount table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trigger {
    /// Where it is mounted.
    pub mount_point: OsString,
    /// Its source: a map's name, or `systemd-1`.
    pub map: OsString,
    /// A direct trigger: the mount point itself is the key; otherwise a folder of keys.
    pub direct: bool,
}

/// The automount triggers in a mount table, in table order. An `offset` trigger (inside a
/// multi-mount entry) is skipped: its entry is not one drive.
pub(crate) fn triggers(table: &[MountEntry]) -> Vec<Trigger> {
    table
        .iter()
        .filter(|e| e.fstype.as_bytes() == AUTOFS && e.super_option("offset").is_none())
        .map(|e| Trigger {
            mount_point: e.mount_point.clone(),
            map: e.source.clone(),
            direct: e.super_option("direct").is_some() || e.source == "systemd-1",
        })
        .collect()
}

/// Whether opening `path` triggers one of `triggers` (by name only): a direct trigger at
/// that path, or an indirect one at its folder.
pub(crate) fn is_triggered_by(path: &OsStr, triggers: &[Trigger]) -> bool {
    let p = Path::new(path);
    triggers.iter().any(|t| {
        if t.direct {
            t.mount_point == path
        } else {
            p.parent().is_some_and(|d| d.as_os_str() == t.mount_point)
        }
    })
}

/// A drive an automount map names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapEntry {
    /// Where it is mounted when opened.
    pub mount_point: OsString,
    /// The source as the filesystem will have it (`//server/share`, `server:/export`).
    pub source: OsString,
    /// The filesystem type (`cifs`, `nfs`, ...).
    pub fstype: String,
    /// The entry's mount options, without `fstype=`.
    pub options: OsString,
    /// The network provider its type and source make it.
    pub provider: Provider,
}

/// The file a trigger's map is read from; `None` for maps that are not files (`-hosts`,
/// `ldap:...`, systemd's). A name without a folder is in `/etc`, as autofs looks for it.
/// `NETDRIVE_AUTOFS_ROOT`, for tests, is put before every map's path.
pub(crate) fn map_file(map: &OsStr) -> Option<PathBuf> {
    let m = map.as_bytes();
    if m.is_empty() || m.starts_with(b"-") || m == b"systemd-1" {
        return None;
    }
    // `type[,format]:name`; only files. (`/a:b` is a file whose name has a colon.)
    let m = match m.iter().position(|&b| b == b':') {
        Some(i) if !m.starts_with(b"/") => {
            let kind = m[..i].split(|&b| b == b',').next().unwrap_or_default();
            if kind != b"file" {
                return None;
            }
            &m[i + 1..]
        }
        _ => m,
    };
    let path = if m.starts_with(b"/") {
        PathBuf::from(OsStr::from_bytes(m))
    } else if !m.is_empty() && !m.contains(&b'/') {
        Path::new("/etc").join(OsStr::from_bytes(m))
    } else {
        return None;
    };
    Some(match std::env::var_os("NETDRIVE_AUTOFS_ROOT") {
        Some(root) => {
            let mut r = root.into_vec();
            r.extend_from_slice(path.as_os_str().as_bytes());
            PathBuf::from(OsString::from_vec(r))
        }
        None => path,
    })
}

/// The map files of the triggers being read by bounded workers, all at once; then
/// [`Reading::finish`] gives their drives.
pub(crate) struct Reading {
    maps: Vec<(Trigger, bounded::Reading)>,
}

/// Start reading the maps of `triggers` (one worker per file; none without triggers).
pub(crate) fn start_reading(triggers: Vec<Trigger>) -> Reading {
    let mut maps = Vec::new();
    for t in triggers {
        if let Some(path) = map_file(&t.map) {
            let r = bounded::start_read(&path, crate::profile::MAX_PROFILE, bounded::BOUND);
            maps.push((t, r));
        }
    }
    Reading { maps }
}

impl Reading {
    /// The drives the maps name for their triggers. A map that cannot be read names none
    /// (the automounter itself would fail on it too).
    pub(crate) fn finish(self) -> Vec<MapEntry> {
        let mut out = Vec::new();
        for (t, r) in self.maps {
            if let Ok(Some(text)) = r.finish() {
                out.extend(entries_for(&t, &text));
            }
        }
        out
    }
}

/// The drives `map` (its text) names for `trigger`: for a direct trigger the entry whose
/// key is its path, for an indirect one every fixed key, inside its folder.
pub(crate) fn entries_for(trigger: &Trigger, text: &[u8]) -> Vec<MapEntry> {
    if text.starts_with(b"#!") {
        return Vec::new(); // a program map: its keys are computed
    }
    parse_map(text)
        .into_iter()
        .filter_map(|(key, e)| {
            let mount_point = if trigger.direct {
                (key == trigger.mount_point.as_bytes()).then(|| trigger.mount_point.clone())?
            } else {
                if key.contains(&b'/') {
                    return None;
                }
                Path::new(&trigger.mount_point).join(OsStr::from_bytes(&key)).into_os_string()
            };
            Some(MapEntry { mount_point, ..e })
        })
        .collect()
}

/// The lines of a map, with comments dropped and `\` continuations joined.
fn logical_lines(text: &[u8]) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    for raw in text.split(|&b| b == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if let Some(part) = raw.strip_suffix(b"\\") {
            cur.extend_from_slice(part);
            cur.push(b' ');
            continue;
        }
        cur.extend_from_slice(raw);
        let line = std::mem::take(&mut cur);
        let line = match line.iter().position(|&b| b == b'#') {
            Some(i) => line[..i].to_vec(),
            None => line,
        };
        if !line.trim_ascii().is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Parse a Sun-format map: `(key, entry)` for each entry that names one network drive;
/// the entry's mount point is left empty.
pub fn parse_map(text: &[u8]) -> Vec<(Vec<u8>, MapEntry)> {
    logical_lines(text).iter().filter_map(|l| parse_entry(l)).collect()
}

fn unquote(f: &[u8]) -> &[u8] {
    f.strip_prefix(b"\"").and_then(|f| f.strip_suffix(b"\"")).unwrap_or(f)
}

fn parse_entry(line: &[u8]) -> Option<(Vec<u8>, MapEntry)> {
    let mut fields = line.split(|b| b.is_ascii_whitespace()).filter(|f| !f.is_empty()).map(unquote);
    let key = fields.next()?;
    // Includes (`+map`), wildcards, and names made from variables are no fixed drive.
    if key.starts_with(b"+") || key.iter().any(|b| matches!(b, b'*' | b'&' | b'$' | b'\\')) {
        return None;
    }
    let mut options: Vec<&[u8]> = Vec::new();
    let mut locations = Vec::new();
    for f in fields {
        match f.strip_prefix(b"-") {
            Some(o) if locations.is_empty() => {
                options.extend(o.split(|&b| b == b',').filter(|o| !o.is_empty()))
            }
            _ => locations.push(f),
        }
    }
    // One location: several are a replicated or a multi-mount entry.
    let [location] = locations[..] else { return None };
    if location.iter().any(|b| matches!(b, b'&' | b'$' | b'\\')) {
        return None;
    }
    let mut fstype = b"nfs".as_slice();
    let mut rest = Vec::new();
    for o in options {
        match o.strip_prefix(b"fstype=") {
            Some(t) => fstype = t,
            None => rest.push(o),
        }
    }
    let source: Vec<u8> = match location.strip_prefix(b":") {
        // `://server/share`: the server's path for cifs; `:/path` is a local folder.
        Some(s) if s.starts_with(b"//") => s.to_vec(),
        Some(_) => return None,
        None => {
            // `host:/path`; `host1,host2:/path` and `host(weight):` are replicated servers.
            let colon = location.iter().position(|&b| b == b':')?;
            let host = &location[..colon];
            if host.is_empty() || host.iter().any(|b| matches!(b, b',' | b'(' | b')')) {
                return None;
            }
            location.to_vec()
        }
    };
    let smb = matches!(fstype, b"cifs" | b"smb3" | b"smbfs");
    if smb != source.starts_with(b"//") {
        return None;
    }
    let provider = classify(fstype, &source)?;
    let options = OsString::from_vec(rest.join(&b","[..]));
    Some((
        key.to_vec(),
        MapEntry {
            mount_point: OsString::new(),
            source: OsString::from_vec(source),
            fstype: fstype_text(fstype),
            options,
            provider,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mountinfo::parse_table;

    const MAP: &[u8] = b"# direct map\n\
/srv/auto/nfs   -fstype=nfs4,vers=4.2,soft   127.0.0.1:/srv/nfs/sub\n\
/srv/auto/smb -fstype=cifs,vers=3.0,credentials=/run/c ://127.0.0.1/share/sub # trailing\n\
/srv/auto/old  nas:/export/old\n\
/srv/auto/cont  -fstype=nfs4 \\\n    nas:/export/cont\n\
* -fstype=nfs4 nas:/home/&\n\
+auto.other\n\
/srv/auto/local -fstype=bind :/var/data\n\
/srv/auto/repl  nas1,nas2:/export\n\
/srv/auto/multi  /a nas:/a /b nas:/b\n\
/srv/auto/$USER  nas:/home/$USER\n\
/srv/auto/ext4   -fstype=ext4 :/dev/sdb1\n\
/srv/auto/v6    -fstype=nfs4 [fd00::5]:/export\n\
/srv/auto/quoted \"nas:/export/q\"\n";

    #[test]
    fn map_entries_with_one_network_location_are_drives() {
        let got: Vec<(String, String, String, Provider, String)> = parse_map(MAP)
            .into_iter()
            .map(|(k, e)| {
                (
                    String::from_utf8(k).unwrap(),
                    e.source.to_string_lossy().into_owned(),
                    e.fstype,
                    e.provider,
                    e.options.to_string_lossy().into_owned(),
                )
            })
            .collect();
        let want = [
            ("/srv/auto/nfs", "127.0.0.1:/srv/nfs/sub", "nfs4", Provider::Nfs, "vers=4.2,soft"),
            ("/srv/auto/smb", "//127.0.0.1/share/sub", "cifs", Provider::Smb, "vers=3.0,credentials=/run/c"),
            ("/srv/auto/old", "nas:/export/old", "nfs", Provider::Nfs, ""),
            ("/srv/auto/cont", "nas:/export/cont", "nfs4", Provider::Nfs, ""),
            ("/srv/auto/v6", "[fd00::5]:/export", "nfs4", Provider::Nfs, ""),
            ("/srv/auto/quoted", "nas:/export/q", "nfs", Provider::Nfs, ""),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(k, s, f, p, o)| (k.to_string(), s.to_string(), f.to_string(), *p, o.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_map_never_panics() {
        for text in
            [&b""[..], b"\\", b"k", b"k -", b"k :", b"k -fstype=cifs nas:/x", b"\"", b"k \"\"", b"k :x"]
        {
            let _ = parse_map(text);
        }
    }

    /// Recorded in the scripts/vm guest (autofs 5.1.8, kernel 6.1): two direct triggers,
    /// the nfs4 drive autofs mounted on the first, an indirect trigger with a bind mount
    /// under it (an export of the guest itself); and systemd's trigger for an fstab entry
    /// with x-systemd.automount, as systemd writes it.
    const TABLE: &[u8] = include_bytes!("../tests/data/mountinfo-autofs.txt");

    #[test]
    fn triggers_come_from_the_autofs_lines_only() {
        let table = parse_table(TABLE);
        let t = triggers(&table);
        let got: Vec<(&str, &str, bool)> =
            t.iter().map(|t| (t.mount_point.to_str().unwrap(), t.map.to_str().unwrap(), t.direct)).collect();
        let map = "/run/netdrive-kernel-automount/auto.direct";
        assert_eq!(
            got,
            [
                ("/tmp/netdrive-kernel/automount/nfs", map, true),
                ("/tmp/netdrive-kernel/automount/smb", map, true),
                ("/tmp/ndind", "/run/nda/auto.ind", false),
                ("/mnt/backup", "systemd-1", true),
            ]
        );
        // The autofs lines are no drives; the nfs4 drive on the trigger is one.
        let drives = crate::connected_in(&table);
        let got: Vec<(&str, &str)> =
            drives.iter().map(|c| (c.local_name.to_str().unwrap(), c.fstype.as_str())).collect();
        assert_eq!(got, [("/tmp/netdrive-kernel/automount/nfs", "nfs4")]);
        assert!(is_triggered_by(OsStr::new("/tmp/netdrive-kernel/automount/smb"), &t));
        assert!(is_triggered_by(OsStr::new("/tmp/ndind/k1"), &t));
        assert!(is_triggered_by(OsStr::new("/mnt/backup"), &t));
        assert!(!is_triggered_by(OsStr::new("/tmp/ndind"), &t));
        assert!(!is_triggered_by(OsStr::new("/tmp/netdrive-kernel/automount"), &t));
        assert!(!is_triggered_by(OsStr::new("/tmp/netdrive-kernel/automount/nfs/sub"), &t));
    }

    #[test]
    fn a_trigger_takes_its_key_or_its_folder_of_keys() {
        let direct =
            Trigger { mount_point: "/srv/auto/smb".into(), map: "/etc/auto.direct".into(), direct: true };
        let e = entries_for(&direct, MAP);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].mount_point, "/srv/auto/smb");
        assert_eq!(e[0].source, "//127.0.0.1/share/sub");
        let home = b"alice -fstype=nfs4 nas:/home/alice\nbob ://fs/bob\nbob2 -fstype=smb3 ://fs/bob\n* nas:/home/&\nx/y nas:/x\n";
        let indirect = Trigger { mount_point: "/home/net".into(), map: "auto.home".into(), direct: false };
        let e = entries_for(&indirect, home);
        let got: Vec<(&str, &str)> =
            e.iter().map(|e| (e.mount_point.to_str().unwrap(), e.source.to_str().unwrap())).collect();
        assert_eq!(got, [("/home/net/alice", "nas:/home/alice"), ("/home/net/bob2", "//fs/bob")]);
        assert!(entries_for(&indirect, b"#!/bin/sh\nalice nas:/x\n").is_empty());
    }

    #[test]
    fn map_files_are_files_only() {
        let f = |m: &str| map_file(OsStr::new(m));
        assert_eq!(f("/etc/auto.direct"), Some("/etc/auto.direct".into()));
        assert_eq!(f("auto.home"), Some("/etc/auto.home".into()));
        assert_eq!(f("file:/etc/auto.x"), Some("/etc/auto.x".into()));
        assert_eq!(f("file,sun:/etc/auto.x"), Some("/etc/auto.x".into()));
        assert_eq!(f("-hosts"), None);
        assert_eq!(f("systemd-1"), None);
        assert_eq!(f("ldap:ou=auto.home,dc=example"), None);
        assert_eq!(f("program:/etc/auto.net"), None);
        assert_eq!(f("a/b"), None);
    }
}
