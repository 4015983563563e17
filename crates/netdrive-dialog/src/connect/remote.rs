//! The Folder field: the forms people type (`\\server\share`, `smb://`, `sftp://`,
//! `user@host:/path`, `https://` for WebDAV, `nfs://`) read into what
//! [`netdrive::connect`] takes: a provider, a UNC name (or the URL, for WebDAV), and a user.

use netdrive::Error;

use crate::texts::connect as texts;

/// A network folder as typed, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    /// `SMB`, `SSHFS`, `NFS`, `WebDAV` (the provider names `netdrive` uses).
    pub provider: &'static str,
    /// What `ConnectRequest::remote_name` gets: `\\server[@port]\path` (WebDAV: the URL).
    pub remote_name: String,
    /// The user named in the folder (`user@host`), if any.
    pub user: Option<String>,
    /// The server, for the suggested local folder and the recent list.
    pub server: String,
    /// The share (the path's first part; its last for SSHFS), for the suggested local folder.
    pub share: String,
}

/// Read what the person typed. Surrounding spaces are ignored.
pub fn parse(typed: &str) -> Result<Remote, Error> {
    let t = typed.trim();
    let bad = || Error::BadNetName(texts::not_a_folder(t));
    if t.is_empty() {
        return Err(Error::BadNetName(texts::TYPE_FOLDER_FIRST.into()));
    }
    if t.chars().any(char::is_control) {
        return Err(bad());
    }
    let lower = t.to_ascii_lowercase();
    if t.starts_with("\\\\") || t.starts_with("//") {
        let slashed = t[2..].replace('\\', "/");
        let (host, path) = split_path(&slashed);
        let (server, port) = split_port(host, '@').ok_or_else(bad)?;
        return unc("SMB", server, port, &path, None).ok_or_else(bad);
    }
    for (scheme, provider) in [
        ("smb://", "SMB"),
        ("cifs://", "SMB"),
        ("sftp://", "SSHFS"),
        ("ssh://", "SSHFS"),
        ("nfs://", "NFS"),
        ("https://", "WebDAV"),
        ("http://", "WebDAV"),
        ("davs://", "WebDAV"),
        ("dav://", "WebDAV"),
    ] {
        if let Some(rest) = lower.strip_prefix(scheme).map(|_| &t[scheme.len()..]) {
            let (authority, path) = split_path(rest);
            let (user, hostport) = match authority.rsplit_once('@') {
                Some((u, h)) if !u.is_empty() => (Some(u.to_owned()), h),
                _ => (None, authority),
            };
            let (server, port) = split_port(hostport, ':').ok_or_else(bad)?;
            if provider == "WebDAV" {
                if !valid_server(server) {
                    return Err(bad());
                }
                // davfs2 and rclone take the URL; dav(s):// is GVfs's name for http(s)://.
                let url = match scheme {
                    "davs://" => format!("https://{rest}"),
                    "dav://" => format!("http://{rest}"),
                    _ => t.to_owned(),
                };
                let share = path.split('/').find(|s| !s.is_empty()).unwrap_or("").to_owned();
                return Ok(Remote { provider, remote_name: url, user, server: server.into(), share });
            }
            return unc(provider, server, port, &path, user).ok_or_else(bad);
        }
    }
    if lower.contains("://") {
        return Err(bad());
    }
    // scp's form: [user@]host:path, as sshfs takes it.
    if let Some((authority, path)) = t.split_once(':') {
        let (user, host) = match authority.rsplit_once('@') {
            Some((u, h)) if !u.is_empty() => (Some(u.to_owned()), h),
            _ => (None, authority),
        };
        let path = match path.strip_prefix('/') {
            Some(abs) => abs.to_owned(),
            None if path.is_empty() || path == "~" => "~".to_owned(),
            None => format!("~/{}", path.trim_start_matches("~/")),
        };
        return unc("SSHFS", host, None, &path, user).ok_or_else(bad);
    }
    Err(bad())
}

/// `host/path...` into the host and the path.
fn split_path(s: &str) -> (&str, String) {
    match s.split_once('/') {
        Some((h, p)) => (h, p.split('/').filter(|x| !x.is_empty()).collect::<Vec<_>>().join("/")),
        None => (s, String::new()),
    }
}

/// `host` and an optional numeric port after `sep`; `None` for a bad one.
fn split_port(s: &str, sep: char) -> Option<(&str, Option<u16>)> {
    match s.rsplit_once(sep) {
        // An IPv6 literal's colons are not a port's.
        Some((h, p)) if !(sep == ':' && h.contains(':') && !h.ends_with(']')) => {
            Some((h, Some(p.parse().ok().filter(|p| *p > 0)?)))
        }
        _ => Some((s, None)),
    }
}

/// A host name or address that no tool can take for an option.
fn valid_server(server: &str) -> bool {
    let ok = |c: char| c.is_alphanumeric() || "-._[]:".contains(c);
    !server.is_empty() && !server.starts_with('-') && server.chars().all(ok)
}

fn unc(
    provider: &'static str,
    server: &str,
    port: Option<u16>,
    path: &str,
    user: Option<String>,
) -> Option<Remote> {
    if !valid_server(server) {
        return None;
    }
    let host = match port {
        Some(p) => format!("{server}@{p}"),
        None => server.to_owned(),
    };
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let remote_name = std::iter::once(format!("\\\\{host}"))
        .chain(parts.iter().map(|p| (*p).to_owned()))
        .collect::<Vec<_>>()
        .join("\\");
    let share = match provider {
        "SSHFS" => parts.iter().rev().find(|p| **p != "~").copied().unwrap_or(""),
        _ => parts.first().copied().unwrap_or(""),
    };
    Some(Remote { provider, remote_name, user, server: server.to_owned(), share: share.to_owned() })
}

/// The folder to suggest under `base` (`~/Network`): `<server> <share>`, made a safe
/// single file name.
pub fn suggested_local(base: &std::path::Path, r: &Remote) -> std::path::PathBuf {
    let name = if r.share.is_empty() { r.server.clone() } else { format!("{} {}", r.server, r.share) };
    let safe: String = name.chars().map(|c| if c == '/' || c.is_control() { '_' } else { c }).collect();
    let safe = match safe.trim_start_matches('.') {
        "" => "network folder".to_owned(),
        s => s.to_owned(),
    };
    base.join(safe)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn read(t: &str) -> (&'static str, String, Option<String>, String, String) {
        let r = parse(t).unwrap();
        (r.provider, r.remote_name, r.user, r.server, r.share)
    }

    #[test]
    fn every_form_people_type_is_read() {
        let s = |x: &str| x.to_owned();
        assert_eq!(read(r"\\nas\media"), ("SMB", s(r"\\nas\media"), None, s("nas"), s("media")));
        assert_eq!(read("//nas/media/films/"), ("SMB", s(r"\\nas\media\films"), None, s("nas"), s("media")));
        assert_eq!(
            read("smb://me@nas/media"),
            ("SMB", s(r"\\nas\media"), Some(s("me")), s("nas"), s("media"))
        );
        assert_eq!(
            read("sftp://me@127.0.0.1:2222/tmp/x"),
            ("SSHFS", s(r"\\127.0.0.1@2222\tmp\x"), Some(s("me")), s("127.0.0.1"), s("x"))
        );
        assert_eq!(
            read("me@host:/srv/data"),
            ("SSHFS", s(r"\\host\srv\data"), Some(s("me")), s("host"), s("data"))
        );
        assert_eq!(read("host:docs"), ("SSHFS", s(r"\\host\~\docs"), None, s("host"), s("docs")));
        assert_eq!(read("host:"), ("SSHFS", s(r"\\host\~"), None, s("host"), s("")));
        assert_eq!(read("nfs://srv/export/a"), ("NFS", s(r"\\srv\export\a"), None, s("srv"), s("export")));
        assert_eq!(
            read("https://u@dav.example:8443/remote.php/dav"),
            (
                "WebDAV",
                s("https://u@dav.example:8443/remote.php/dav"),
                Some(s("u")),
                s("dav.example"),
                s("remote.php")
            )
        );
        assert_eq!(read("davs://h/d").1, "https://h/d");
    }

    #[test]
    fn what_is_not_a_network_folder_says_so_with_the_forms() {
        for t in [
            "",
            "   ",
            "nas",
            "ftp://h/x",
            "smb://-oProxy/x",
            "-o@-h:/x",
            "smb://h:99999/x",
            "a\nb:/c",
            r"\\\x",
        ] {
            let e = parse(t).unwrap_err();
            assert_eq!(e.code().0, 67, "{t:?}");
        }
        assert!(parse("nas").unwrap_err().to_string().contains("smb://server/share"));
    }

    #[test]
    fn the_local_folder_is_named_after_server_and_share() {
        let base = std::path::Path::new("/home/me/Network");
        assert_eq!(suggested_local(base, &parse(r"\\nas\media").unwrap()), base.join("nas media"));
        assert_eq!(suggested_local(base, &parse("me@h:").unwrap()), base.join("h"));
        assert_eq!(suggested_local(base, &parse("https://h/").unwrap()), base.join("h"));
    }

    proptest! {
        /// Whatever is typed: an answer, never a panic; a UNC name the core can split, with
        /// no control character and a server that cannot be read as an option.
        #[test]
        fn anything_typed_is_read_or_refused(t in "\\PC{0,40}|(smb|sftp|nfs|https)://\\PC{0,30}|\\PC{0,8}@\\PC{0,8}:\\PC{0,10}") {
            if let Ok(r) = parse(&t) {
                prop_assert!(!r.server.is_empty() && !r.server.starts_with('-'));
                prop_assert!(!r.remote_name.chars().any(char::is_control));
                if r.provider != "WebDAV" {
                    prop_assert!(r.remote_name.starts_with("\\\\"));
                }
            }
        }
    }
}
