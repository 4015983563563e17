//! Which filesystems are network drives, who provides them, and their UNC names.
//!
//! | fstype | provider | source | remote name (UNC) |
//! |---|---|---|---|
//! | `cifs`, `smb3`, `smbfs` | SMB | `//server/share/sub` | `\\server\share\sub` |
//! | `nfs`, `nfs4` | NFS | `server:/export/path`, `[::1]:/e` | `\\server\export\path`, `\\[::1]\e` |
//! | `ceph` | CephFS | `mon1:6789,mon2:/path`, `user@fsid.fs=/path` | `\\mon1\path`, `\\fs\path` |
//! | `9p` | 9P | `tag` or `host` | `\\tag` |
//! | `afs` | AFS | `#cell:volume.` | `\\cell\volume` |
//! | `fuse.sshfs` | SSHFS | `user@host:/path`, `host:dir` | `\\host\path`, `\\host\~\dir` |
//! | `fuse.rclone` | rclone | `remote:path`, `:smb,host=H:share` | `\\remote\path`, `\\H\share` |
//! | `fuse`/`davfs` with `http(s)://` source | WebDAV (davfs2) | `http://host:8080/dav/x` | `\\host@8080\dav\x` (`@SSL` for https, `DavWWWRoot` for `/`) |
//! | `fuse.smbnetfs` | smbnetfs | `smbnetfs` | `\\smbnetfs` |
//! | `fuse.s3fs` | s3fs | `s3fs` (bucket not shown) | `\\s3fs` |
//! | `fuse.curlftpfs` | curlftpfs | `curlftpfs#ftp://host/path/` | `\\host\path` |
//! | `fuse.glusterfs` | GlusterFS | `host:/volume` | `\\host\volume` |
//! | GNOME gvfs (through GIO) | GVfs | `smb://host/share/`, `sftp://u@host/p` | `\\host\share`, `\\host\p` |
//!
//! The WebDAV form is the one the Windows WebDAV redirector uses. rclone hides its
//! connection string in the mount table (`:smb{KU2z_}:share`); netdrive reads the
//! `rclone mount` command line from `/proc` to find the host, and otherwise names the
//! backend (`\\smb\share`). Local filesystems, and gvfs's own FUSE container
//! (`fuse.gvfsd-fuse`), are never listed as drives.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// A network provider, as Windows' "provider name".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Kernel `cifs`, `smb3`, `smbfs`.
    Smb,
    /// Kernel `nfs`/`nfs4`.
    Nfs,
    /// Kernel `ceph`.
    Ceph,
    /// Kernel `9p`.
    NineP,
    /// Kernel `afs`.
    Afs,
    /// `fuse.sshfs`.
    Sshfs,
    /// `fuse.rclone`.
    Rclone,
    /// davfs2 (`davfs`, or `fuse` with an `http(s)://` source).
    WebDav,
    /// `fuse.smbnetfs`.
    SmbNetFs,
    /// `fuse.s3fs`.
    S3fs,
    /// `fuse.curlftpfs`.
    CurlFtpFs,
    /// `fuse.glusterfs`.
    GlusterFs,
    /// GNOME GVfs, from gvfsd over D-Bus.
    Gvfs,
}

impl Provider {
    /// Human and API name: `SMB`, `NFS`, `SSHFS`, `rclone`, `WebDAV`, ...
    pub fn name(self) -> &'static str {
        match self {
            Provider::Smb => "SMB",
            Provider::Nfs => "NFS",
            Provider::Ceph => "CephFS",
            Provider::NineP => "9P",
            Provider::Afs => "AFS",
            Provider::Sshfs => "SSHFS",
            Provider::Rclone => "rclone",
            Provider::WebDav => "WebDAV",
            Provider::SmbNetFs => "smbnetfs",
            Provider::S3fs => "s3fs",
            Provider::CurlFtpFs => "curlftpfs",
            Provider::GlusterFs => "GlusterFS",
            Provider::Gvfs => "GVfs",
        }
    }

    /// Parse a [`Provider::name`] back (case-insensitive), as stored in profiles.
    pub fn from_name(name: &str) -> Option<Provider> {
        ALL.iter().copied().find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// Parse a provider name for a WNet call: `None` (or empty) is `None`; a name netdrive
    /// does not know is `ERROR_BAD_PROVIDER`, as Windows answers for a provider it has not
    /// got.
    pub fn lookup(name: Option<&str>) -> crate::Result<Option<Provider>> {
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            None => Ok(None),
            Some(n) => Provider::from_name(n).map(Some).ok_or_else(|| {
                crate::Error::BadProvider(format!(
                    "{n:?} is not a network provider here; the providers are {}",
                    ALL.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
                ))
            }),
        }
    }

    /// Every provider, in table order.
    pub fn all() -> &'static [Provider] {
        &ALL
    }

    /// The Win32 network type (`WNNC_NET_*`, what `WNetGetProviderName` takes and
    /// `NETINFOSTRUCT.wNetType` holds in its high word). Microsoft's registered value where
    /// there is one (`WNNC_NET_SMB`, `WNNC_NET_MS_NFS`, `WNNC_NET_9P`, `WNNC_NET_OPENAFS`,
    /// `WNNC_NET_DAV`); the others have none, so netdrive numbers them `0x7E01_0000` up,
    /// above every registered type (the last is `WNNC_NET_9P`, `0x0048_0000`).
    pub fn net_type(self) -> u32 {
        match self {
            Provider::Smb => 0x0002_0000,
            Provider::Nfs => 0x0042_0000,
            Provider::NineP => 0x0048_0000,
            Provider::Afs => 0x0039_0000,
            Provider::WebDav => 0x002E_0000,
            Provider::Sshfs => 0x7E01_0000,
            Provider::Rclone => 0x7E02_0000,
            Provider::Ceph => 0x7E03_0000,
            Provider::SmbNetFs => 0x7E04_0000,
            Provider::S3fs => 0x7E05_0000,
            Provider::CurlFtpFs => 0x7E06_0000,
            Provider::GlusterFs => 0x7E07_0000,
            Provider::Gvfs => 0x7E08_0000,
        }
    }

    /// The provider of a network type; only the high word counts (the low word is a
    /// subtype), as in Windows' router.
    pub fn from_net_type(net_type: u32) -> Option<Provider> {
        ALL.iter().copied().find(|p| p.net_type() >> 16 == net_type >> 16)
    }

    /// The filesystem type the kernel must know for this provider's drives (FUSE ones need
    /// `fuse`), and the program that mounts them, if one is needed.
    fn needs(self) -> (&'static str, Option<&'static str>) {
        match self {
            Provider::Smb => ("cifs", None),
            Provider::Nfs => ("nfs", None),
            Provider::Ceph => ("ceph", None),
            Provider::NineP => ("9p", None),
            Provider::Afs => ("afs", None),
            Provider::Sshfs => ("fuse", Some("sshfs")),
            Provider::Rclone => ("fuse", Some("rclone")),
            Provider::WebDav => ("fuse", Some("mount.davfs")),
            Provider::SmbNetFs => ("fuse", Some("smbnetfs")),
            Provider::S3fs => ("fuse", Some("s3fs")),
            Provider::CurlFtpFs => ("fuse", Some("curlftpfs")),
            Provider::GlusterFs => ("fuse", Some("glusterfs")),
            Provider::Gvfs => ("fuse", Some("gio")),
        }
    }

    /// Can drives of this provider be used on this system now: the kernel has its
    /// filesystem (`/proc/filesystems`) and its program is on `PATH`. `PATH` folders that lie
    /// on a network drive (by the mount table, lexically) are not looked into, so a dead
    /// server cannot block this.
    pub fn available(self) -> bool {
        let (fstype, program) = self.needs();
        let known = crate::bounded::read_local(std::path::Path::new("/proc/filesystems"), 1 << 20)
            .map(|t| {
                t.split(|&b| b == b'\n')
                    .any(|l| l.split(|&b| b == b'\t').next_back() == Some(fstype.as_bytes()))
            })
            .unwrap_or(false);
        known && program.is_none_or(crate::names::on_local_path)
    }

    /// FUSE providers run a user-space daemon; their mounts can belong to a user.
    pub fn is_fuse_fstype(fstype: &[u8]) -> bool {
        fstype == b"fuse" || fstype.starts_with(b"fuse.")
    }
}

const ALL: [Provider; 13] = [
    Provider::Smb,
    Provider::Nfs,
    Provider::Ceph,
    Provider::NineP,
    Provider::Afs,
    Provider::Sshfs,
    Provider::Rclone,
    Provider::WebDav,
    Provider::SmbNetFs,
    Provider::S3fs,
    Provider::CurlFtpFs,
    Provider::GlusterFs,
    Provider::Gvfs,
];

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Is this mount a network drive, and whose? `None` for local filesystems.
pub fn classify(fstype: &[u8], source: &[u8]) -> Option<Provider> {
    let p = match fstype {
        b"cifs" | b"smb3" | b"smbfs" => Provider::Smb,
        b"nfs" | b"nfs4" => Provider::Nfs,
        b"ceph" | b"fuse.ceph-fuse" | b"fuse.ceph" => Provider::Ceph,
        b"9p" => Provider::NineP,
        b"afs" | b"openafs" => Provider::Afs,
        b"fuse.sshfs" => Provider::Sshfs,
        b"fuse.rclone" => Provider::Rclone,
        b"davfs" | b"fuse.davfs" | b"fuse.davfs2" => Provider::WebDav,
        b"fuse.smbnetfs" => Provider::SmbNetFs,
        b"fuse.s3fs" => Provider::S3fs,
        b"fuse.curlftpfs" => Provider::CurlFtpFs,
        b"fuse.glusterfs" | b"glusterfs" => Provider::GlusterFs,
        // davfs2 mounts as plain `fuse` with its URL as source; old fstab style
        // `sshfs#host:` and `curlftpfs#ftp://` sources also show as plain `fuse`.
        b"fuse" | b"fuseblk" => {
            if starts_with_ci(source, b"http://") || starts_with_ci(source, b"https://") {
                Provider::WebDav
            } else if source.starts_with(b"sshfs#") {
                Provider::Sshfs
            } else if source.starts_with(b"curlftpfs#") {
                Provider::CurlFtpFs
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some(p)
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Build `\\host\seg\seg` from a host and a `/`-separated path; empty segments dropped.
fn unc(host: &[u8], path: &[u8]) -> OsString {
    let mut out = b"\\\\".to_vec();
    out.extend_from_slice(host);
    for seg in path.split(|&b| b == b'/').filter(|s| !s.is_empty()) {
        out.push(b'\\');
        out.extend_from_slice(seg);
    }
    OsString::from_vec(out)
}

/// Split `host:path` at the first `:` not inside `[...]` (IPv6).
fn split_host_path(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = if s.first() == Some(&b'[') { s.iter().position(|&b| b == b']')? } else { 0 };
    let i = start + s[start..].iter().position(|&b| b == b':')?;
    Some((&s[..i], &s[i + 1..]))
}

fn strip_user(host: &[u8]) -> &[u8] {
    match host.iter().rposition(|&b| b == b'@') {
        Some(i) => &host[i + 1..],
        None => host,
    }
}

/// The UNC remote name for a source. `rclone_remote` is the connection string recovered
/// from the `rclone mount` command line, when the mount table hides it.
pub fn remote_name(provider: Provider, source: &OsStr, rclone_remote: Option<&OsStr>) -> OsString {
    let s = source.as_bytes();
    match provider {
        Provider::Smb => unc_from_slashes(s),
        Provider::Nfs | Provider::GlusterFs => match split_host_path(s) {
            Some((host, path)) => unc(host, path),
            None => unc(s, b""),
        },
        Provider::Ceph => ceph_unc(s),
        Provider::NineP => unc(s, b""),
        Provider::Afs => {
            let t = s.strip_prefix(b"#").or_else(|| s.strip_prefix(b"%")).unwrap_or(s);
            match split_host_path(t) {
                Some((cell, vol)) => unc(cell, vol.strip_suffix(b".").unwrap_or(vol)),
                None => unc(t, b""),
            }
        }
        Provider::Sshfs => {
            let t = s.strip_prefix(b"sshfs#").unwrap_or(s);
            if let Some(url) = t.strip_prefix(b"sftp://") {
                return sftp_unc(url);
            }
            match split_host_path(t) {
                Some((host, path)) => {
                    let host = strip_user(host);
                    if path.starts_with(b"/") {
                        unc(host, path)
                    } else {
                        let mut p = b"~/".to_vec();
                        p.extend_from_slice(path);
                        unc(host, &p)
                    }
                }
                None => unc(strip_user(t), b""),
            }
        }
        Provider::Rclone => rclone_unc(rclone_remote.map(OsStr::as_bytes).unwrap_or(s)),
        Provider::WebDav | Provider::Gvfs => url_unc(s, provider == Provider::WebDav),
        Provider::CurlFtpFs => url_unc(s.strip_prefix(b"curlftpfs#").unwrap_or(s), false),
        Provider::SmbNetFs | Provider::S3fs => unc(s, b""),
    }
}

/// The source netdrive gives an SSHFS drive connected with a port,
/// `sftp://[user@]host:port/path` (`/~/...`: home-relative), to `\\host@port\path`: the
/// name it was connected with.
fn sftp_unc(url: &[u8]) -> OsString {
    let (authority, path) = match url.iter().position(|&b| b == b'/') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, &b""[..]),
    };
    let mut host = match split_host_path(strip_user(authority)) {
        Some((h, port)) if !port.is_empty() => [h, b"@", port].concat(),
        Some((h, _)) => h.to_vec(),
        None => strip_user(authority).to_vec(),
    };
    host = percent_encoding::percent_decode(&host).collect();
    let path: Vec<u8> = percent_encoding::percent_decode(path).collect();
    unc(&host, &path)
}

/// `//server/share/sub` (also `\\server\share`) to `\\server\share\sub`.
fn unc_from_slashes(s: &[u8]) -> OsString {
    let norm: Vec<u8> = s.iter().map(|&b| if b == b'\\' { b'/' } else { b }).collect();
    let t = norm.trim_ascii_start();
    let t = {
        let mut t = t;
        while let Some(r) = t.strip_prefix(b"/") {
            t = r;
        }
        t
    };
    let (host, path) = match t.iter().position(|&b| b == b'/') {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, &b""[..]),
    };
    unc(host, path)
}

fn ceph_unc(s: &[u8]) -> OsString {
    // New syntax: user@fsid.fsname=/path
    if let Some(eq) = s.iter().position(|&b| b == b'=') {
        let (id, path) = (&s[..eq], &s[eq + 1..]);
        let id = strip_user(id);
        let fs = match id.iter().rposition(|&b| b == b'.') {
            Some(i) => &id[i + 1..],
            None => id,
        };
        return unc(fs, path);
    }
    // Old syntax: mon1[:port][,mon2...]:/path
    let (mons, path) = match s.windows(2).rposition(|w| w == b":/") {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &b""[..]),
    };
    let first = mons.split(|&b| b == b',').next().unwrap_or(mons);
    let host = match split_host_path(first) {
        Some((h, _port)) => h,
        None => first,
    };
    unc(host, path)
}

/// `http(s)://[user@]host[:port]/path` as the Windows WebDAV redirector names it.
fn url_unc(s: &[u8], webdav: bool) -> OsString {
    let (scheme, rest) = match s.windows(3).position(|w| w == b"://") {
        Some(i) => (&s[..i], &s[i + 3..]),
        None => return unc(s, b""),
    };
    let (authority, path) = match rest.iter().position(|&b| b == b'/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, &b""[..]),
    };
    let authority = strip_user(authority);
    let (host, port) = match split_host_path(authority) {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let mut h = host.to_vec();
    if webdav {
        let ssl = scheme.eq_ignore_ascii_case(b"https");
        let default_port: &[u8] = if ssl { b"443" } else { b"80" };
        if ssl {
            h.extend_from_slice(b"@SSL");
        }
        if let Some(p) = port.filter(|p| !p.is_empty() && *p != default_port) {
            h.push(b'@');
            h.extend_from_slice(p);
        }
        if path.iter().all(|&b| b == b'/') {
            return unc(&h, b"DavWWWRoot");
        }
    }
    unc(&h, path)
}

/// `remote:path` or `:backend,key=value,...:path`; values with `:` or `,` are quoted
/// (`url='http://h/x'`), as rclone's connection strings require.
fn rclone_unc(s: &[u8]) -> OsString {
    let Some(conn) = s.strip_prefix(b":") else {
        return match s.iter().position(|&b| b == b':') {
            Some(i) => unc(&s[..i], &s[i + 1..]),
            None => unc(s, b""),
        };
    };
    let parts = split_unquoted(conn, b':');
    let spec = parts.first().copied().unwrap_or(conn);
    let path = if parts.len() > 1 { &conn[spec.len() + 1..] } else { &b""[..] };
    let fields = split_unquoted(spec, b',');
    let backend_end = spec.iter().position(|&b| b == b'{').unwrap_or(fields[0].len());
    let value = |key: &[u8]| {
        fields.iter().skip(1).find_map(|kv| {
            let v = kv.strip_prefix(key)?.strip_prefix(b"=")?;
            Some(v.strip_prefix(b"'").and_then(|v| v.strip_suffix(b"'")).unwrap_or(v))
        })
    };
    if let Some(url) = value(b"url") {
        if let Some(host) = url_unc(url, false).as_bytes().get(2..) {
            let host = host.split(|&b| b == b'\\').next().unwrap_or(host);
            return unc(host, path);
        }
    }
    let host = value(b"host").unwrap_or(&spec[..backend_end]);
    unc(strip_user(host), path)
}

/// Split at `sep` outside single or double quotes.
fn split_unquoted(s: &[u8], sep: u8) -> Vec<&[u8]> {
    let (mut out, mut start, mut quote) = (Vec::new(), 0, None);
    for (i, &b) in s.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == sep => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            None => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// The rclone backend named in a source, e.g. `smb` for `:smb{KU2z_}:share`.
pub fn rclone_backend(source: &OsStr) -> Option<String> {
    let s = source.as_bytes().strip_prefix(b":")?;
    let end = s.iter().position(|&b| matches!(b, b',' | b'{' | b':')).unwrap_or(s.len());
    Some(String::from_utf8_lossy(&s[..end]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(p: Provider, s: &str) -> String {
        remote_name(p, OsStr::new(s), None).to_string_lossy().into_owned()
    }

    #[test]
    fn unc_mapping_table() {
        assert_eq!(r(Provider::Smb, "//fs1/public/docs"), r"\\fs1\public\docs");
        assert_eq!(r(Provider::Smb, "//fs1/public/"), r"\\fs1\public");
        assert_eq!(r(Provider::Nfs, "nas:/export/home"), r"\\nas\export\home");
        assert_eq!(r(Provider::Nfs, "[fd00::1]:/e"), r"\\[fd00::1]\e");
        assert_eq!(r(Provider::Ceph, "10.0.0.1:6789,10.0.0.2:6789:/vol/a"), r"\\10.0.0.1\vol\a");
        assert_eq!(r(Provider::Ceph, "admin@b5c2.cephfs=/"), r"\\cephfs");
        assert_eq!(r(Provider::NineP, "hostshare"), r"\\hostshare");
        assert_eq!(r(Provider::Afs, "#example.org:root.cell."), r"\\example.org\root.cell");
        assert_eq!(r(Provider::Sshfs, "me@host:/srv/data"), r"\\host\srv\data");
        assert_eq!(r(Provider::Sshfs, "host:"), r"\\host\~");
        assert_eq!(r(Provider::Sshfs, "host:docs"), r"\\host\~\docs");
        assert_eq!(r(Provider::Rclone, "gdrive:Photos/2024"), r"\\gdrive\Photos\2024");
        assert_eq!(r(Provider::Rclone, ":smb{KU2z_}:share"), r"\\smb\share");
        assert_eq!(
            r(Provider::Rclone, ":smb,host=127.0.0.1,port=445,user=guest:share"),
            r"\\127.0.0.1\share"
        );
        assert_eq!(r(Provider::Rclone, ":webdav,url='http://dav.example/x':docs"), r"\\dav.example\docs");
        assert_eq!(r(Provider::WebDav, "http://127.0.0.1:28080/"), r"\\127.0.0.1@28080\DavWWWRoot");
        assert_eq!(
            r(Provider::WebDav, "https://dav.example/remote.php/dav"),
            r"\\dav.example@SSL\remote.php\dav"
        );
        assert_eq!(r(Provider::WebDav, "https://h:8443/x"), r"\\h@SSL@8443\x");
        assert_eq!(r(Provider::CurlFtpFs, "curlftpfs#ftp://ftp.example/pub/"), r"\\ftp.example\pub");
        assert_eq!(r(Provider::Gvfs, "sftp://me@host/home/me"), r"\\host\home\me");
    }

    #[test]
    fn classifies_network_and_not_local() {
        assert_eq!(classify(b"cifs", b"//a/b"), Some(Provider::Smb));
        assert_eq!(classify(b"fuse", b"http://x/"), Some(Provider::WebDav));
        assert_eq!(classify(b"fuse", b"/dev/sda1"), None);
        assert_eq!(classify(b"fuse.gvfsd-fuse", b"gvfsd-fuse"), None);
        assert_eq!(classify(b"ext4", b"/dev/sda1"), None);
        assert_eq!(classify(b"tmpfs", b"tmpfs"), None);
        assert_eq!(rclone_backend(OsStr::new(":smb{KU2z_}:share")).as_deref(), Some("smb"));
        assert_eq!(Provider::from_name("sshfs"), Some(Provider::Sshfs));
    }

    #[test]
    fn one_table_of_names_and_network_types() {
        for p in ALL {
            assert_eq!(Provider::from_net_type(p.net_type()), Some(p));
            assert_eq!(Provider::from_net_type(p.net_type() | 0x1234), Some(p), "the low word is a subtype");
            assert_eq!(Provider::lookup(Some(p.name())).unwrap(), Some(p));
        }
        assert_eq!(Provider::Smb.net_type(), 0x0002_0000, "WNNC_NET_SMB");
        assert_eq!(Provider::WebDav.net_type(), 0x002E_0000, "WNNC_NET_DAV");
        assert_eq!(Provider::from_net_type(0x0003_0000), None, "NetWare is not here");
        assert_eq!(Provider::lookup(Some("NetWare")).unwrap_err().code().0, 1204);
        assert_eq!(Provider::lookup(Some("")).unwrap(), None);
    }

    proptest::proptest! {
        #[test]
        fn remote_names_never_panic(bytes: Vec<u8>) {
            for p in ALL {
                let name = remote_name(p, OsStr::from_bytes(&bytes), None);
                proptest::prop_assert!(name.as_bytes().starts_with(b"\\\\"));
            }
        }
    }
}
