//! `/proc/self/mountinfo`: the one source of truth for what is mounted.
//!
//! Reading it never touches a mounted filesystem, so a dead server cannot hang a listing.
//! A recorded table (`NETDRIVE_MOUNTINFO`) may, and is read with a bound.
//! Format (proc(5), and util-linux `libmount`):
//!
//! ```text
//! 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//! (1)(2)(3)   (4)   (5)          (6)      (7)    (8) (9)    (10)         (11)
//! ```
//!
//! mount id, parent id, `major:minor`, root, mount point, per-mount options, optional
//! fields (propagation: `shared:N`, `master:N`, `propagate_from:N`, `unbindable`), a lone
//! `-`, filesystem type, source, per-superblock options. The kernel escapes space, tab,
//! newline and backslash in the string fields as three-digit octal (`\040`, `\011`,
//! `\012`, `\134`); [`unescape`] undoes that for every field. Names stay bytes.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

/// One line of mountinfo, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountEntry {
    /// (1) The mount's id (reused once the mount is gone).
    pub mount_id: u64,
    /// (2) The id of the mount it is mounted on.
    pub parent_id: u64,
    /// (3) The filesystem's device number, major part.
    pub major: u32,
    /// (3) The filesystem's device number, minor part.
    pub minor: u32,
    /// (4) The folder of the filesystem that is mounted.
    pub root: OsString,
    /// (5) Where it is mounted.
    pub mount_point: OsString,
    /// (6) Per-mount options.
    pub mount_options: OsString,
    /// (7) Propagation fields such as `shared:12`.
    pub optional: Vec<OsString>,
    /// (9) The filesystem type (`ext4`, `cifs`, `fuse.sshfs`), as [`fstype_text`] gives it.
    pub fstype: String,
    /// (10) The source (`//server/share`, `user@host:/path`).
    pub source: OsString,
    /// (11) Per-superblock options.
    pub super_options: OsString,
}

impl MountEntry {
    /// Value of a per-superblock option such as `user_id` (FUSE) or `addr` (cifs, nfs).
    pub fn super_option(&self, key: &str) -> Option<&OsStr> {
        option(&self.super_options, key)
    }
}

/// Find `key=value` (or a bare `key`, giving an empty value) in a comma-separated list.
pub fn option<'a>(options: &'a OsStr, key: &str) -> Option<&'a OsStr> {
    options.as_bytes().split(|&b| b == b',').find_map(|opt| {
        let (k, v) = match opt.iter().position(|&b| b == b'=') {
            Some(i) => (&opt[..i], &opt[i + 1..]),
            None => (opt, &b""[..]),
        };
        (k == key.as_bytes()).then(|| OsStr::from_bytes(v))
    })
}

/// Decode the kernel's `\ooo` octal escapes. Anything else, including a lone or malformed
/// backslash, is kept as it is.
pub fn unescape(field: &[u8]) -> OsString {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        if let Some(&[b'\\', a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7']) = field.get(i..i + 4) {
            out.push((a - b'0') * 64 + (b - b'0') * 8 + (c - b'0'));
            i += 4;
            continue;
        }
        out.push(field[i]);
        i += 1;
    }
    OsString::from_vec(out)
}

/// A filesystem type field, decoded, as text: a type is a name the kernel registered
/// (ASCII), or `fuse.` and the subtype a FUSE program gave, which is taken lossily in the
/// rare case it is not UTF-8. It names a kind of filesystem, never a file to act on.
pub fn fstype_text(field: &[u8]) -> String {
    unescape(field).into_string().unwrap_or_else(|raw| raw.to_string_lossy().into_owned())
}

/// Escape a field the way the kernel does (`show_mountinfo`: space, tab, newline,
/// backslash). Used to write recorded tables and in tests.
pub fn escape_field(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    for &b in field {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\\') {
            out.extend_from_slice(format!("\\{b:03o}").as_bytes());
        } else {
            out.push(b);
        }
    }
    out
}

/// Parse one line. `None` for a line that is not a mountinfo entry; never panics.
pub fn parse_line(line: &[u8]) -> Option<MountEntry> {
    let mut fields = line.split(|&b| b == b' ');
    let mount_id = parse_num(fields.next()?)?;
    let parent_id = parse_num(fields.next()?)?;
    let dev = fields.next()?;
    let colon = dev.iter().position(|&b| b == b':')?;
    let major = u32::try_from(parse_num(&dev[..colon])?).ok()?;
    let minor = u32::try_from(parse_num(&dev[colon + 1..])?).ok()?;
    let root = unescape(fields.next()?);
    let mount_point = unescape(fields.next()?);
    let mount_options = unescape(fields.next()?);
    let mut optional = Vec::new();
    loop {
        let f = fields.next()?;
        if f == b"-" {
            break;
        }
        optional.push(unescape(f));
    }
    let fstype = fstype_text(fields.next()?);
    let source = unescape(fields.next()?);
    // Super options are the rest; tolerate a missing field (very old kernels).
    let super_options = unescape(fields.next().unwrap_or_default());
    Some(MountEntry {
        mount_id,
        parent_id,
        major,
        minor,
        root,
        mount_point,
        mount_options,
        optional,
        fstype,
        source,
        super_options,
    })
}

fn parse_num(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Parse a whole table, skipping lines that are not entries.
pub fn parse_table(text: &[u8]) -> Vec<MountEntry> {
    text.split(|&b| b == b'\n').filter(|l| !l.is_empty()).filter_map(parse_line).collect()
}

/// Parse only the lines whose raw (still escaped) `fstype` and `source` fields pass
/// `keep`. A listing wants a few network mounts out of thousands: the rest are skipped
/// without decoding or allocating (half of `netdrive list`'s time on a 10,000-line table).
pub fn parse_table_where(text: &[u8], keep: impl Fn(&[u8], &[u8]) -> bool) -> Vec<MountEntry> {
    text.split(|&b| b == b'\n')
        .filter(|l| type_and_source(l).is_some_and(|(t, s)| keep(t, s)))
        .filter_map(parse_line)
        .collect()
}

/// The raw `fstype` and `source` of a line: the two fields after the `-` separator.
fn type_and_source(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut fields = line.split(|&b| b == b' ').skip(6);
    while fields.next()? != b"-" {}
    Some((fields.next()?, fields.next().unwrap_or_default()))
}

/// Where the mount table is read from: `/proc/self/mountinfo`, or the file named by
/// `NETDRIVE_MOUNTINFO` (recorded tables from other systems, for tests and benchmarks).
pub fn table_path() -> OsString {
    std::env::var_os("NETDRIVE_MOUNTINFO").unwrap_or_else(|| "/proc/self/mountinfo".into())
}

/// The most a mount table may hold: 64 MiB is about 400,000 mounts.
pub const MAX_TABLE: u64 = 64 << 20;

/// The table's bytes. `/proc` is read directly; a recorded table could be anywhere, on a
/// network drive too, so it is read by a bounded worker. Either way only a regular file
/// (`/proc` files are) of at most [`MAX_TABLE`] bytes is read: a FIFO or `/dev/zero`
/// cannot hang a listing or fill memory.
fn read_text() -> std::io::Result<Vec<u8>> {
    match std::env::var_os("NETDRIVE_MOUNTINFO") {
        None => crate::bounded::read_local(Path::new("/proc/self/mountinfo"), MAX_TABLE),
        Some(p) => crate::bounded::read(Path::new(&p), MAX_TABLE, crate::bounded::BOUND)?
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
    }
}

/// Read and parse the current mount table, once.
pub fn read_table() -> std::io::Result<Vec<MountEntry>> {
    Ok(parse_table(&read_text()?))
}

/// Read the current mount table, parsing only the lines [`parse_table_where`] keeps.
pub fn read_table_where(keep: impl Fn(&[u8], &[u8]) -> bool) -> std::io::Result<Vec<MountEntry>> {
    Ok(parse_table_where(&read_text()?, keep))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_proc5_example_with_propagation() {
        let e = parse_line(
            b"36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
        )
        .unwrap();
        assert_eq!((e.mount_id, e.parent_id, e.major, e.minor), (36, 35, 98, 0));
        assert_eq!(e.mount_point, "/mnt/parent");
        assert_eq!(e.optional, vec![OsString::from("master:1")]);
        assert_eq!(e.fstype, "ext3");
        assert_eq!(e.super_option("errors"), Some(OsStr::new("continue")));
    }

    #[test]
    fn decodes_octal_escapes_in_every_field() {
        let e = parse_line(br"50 27 0:45 /a\040b /mnt/sp\040ace\011tab\012nl\134bs rw - fuse.sshfs me@h:/x\040y rw,user_id=1000").unwrap();
        assert_eq!(e.root, "/a b");
        assert_eq!(e.mount_point, "/mnt/sp ace\ttab\nnl\\bs");
        assert_eq!(e.source, "me@h:/x y");
        assert_eq!(e.super_option("user_id"), Some(OsStr::new("1000")));
    }

    #[test]
    fn keeps_non_utf8_bytes() {
        let e = parse_line(b"50 27 0:45 / /mnt/\xff\xfe rw - fuse.sshfs h:/ rw").unwrap();
        assert_eq!(e.mount_point.as_bytes(), b"/mnt/\xff\xfe");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_line(b""), None);
        assert_eq!(parse_line(b"x y z"), None);
        assert_eq!(parse_line(b"1 2 3:4 / /m rw shared:1"), None);
        assert_eq!(unescape(b"a\\9\\"), OsString::from("a\\9\\"));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_input(bytes: Vec<u8>) {
            let _ = parse_table(&bytes);
        }

        /// Filtering raw lines keeps exactly the entries a filter on decoded ones would.
        #[test]
        fn raw_filter_matches_decoded_filter(
            lines in proptest::collection::vec(
                (
                    prop::sample::select(vec!["tmpfs", "fuse", "fuse.sshfs", "nfs4", "cifs", "ext4", "fuse.gvfsd-fuse", "davfs"]),
                    prop::sample::select(vec!["http://h/d", "HTTPS://h/", "sshfs#h:/", "//s/sh", "none", "h:/e"]),
                    any::<Vec<u8>>(),
                    any::<Vec<u8>>(),
                    prop::collection::vec(any::<u8>(), 0..3),
                ),
                0..20,
            )
        ) {
            let mut text = Vec::new();
            for (i, (fstype, source, suffix, mp, optional)) in lines.iter().enumerate() {
                let mut src = source.as_bytes().to_vec();
                src.extend_from_slice(suffix);
                text.extend_from_slice(format!("{i} 1 0:{i} / /m").as_bytes());
                text.extend(escape_field(mp));
                text.extend_from_slice(b" rw");
                for o in optional {
                    text.extend_from_slice(format!(" shared:{o}").as_bytes());
                }
                text.extend_from_slice(format!(" - {fstype} ").as_bytes());
                text.extend(escape_field(&src));
                text.extend_from_slice(b" rw\n");
            }
            let classify = crate::provider::classify;
            let fast = parse_table_where(&text, |t, s| classify(t, s).is_some());
            let mut slow = parse_table(&text);
            slow.retain(|e| classify(e.fstype.as_bytes(), e.source.as_bytes()).is_some());
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn escape_round_trips(mp: Vec<u8>, src: Vec<u8>) {
            prop_assume!(!mp.is_empty() && !src.is_empty());
            let mut line = b"7 1 0:50 / ".to_vec();
            line.extend(escape_field(&mp));
            line.extend_from_slice(b" rw - fuse.sshfs ");
            line.extend(escape_field(&src));
            line.extend_from_slice(b" rw,user_id=0");
            let e = parse_line(&line).unwrap();
            prop_assert_eq!(e.mount_point.as_bytes(), &mp[..]);
            prop_assert_eq!(e.source.as_bytes(), &src[..]);
        }
    }
}
