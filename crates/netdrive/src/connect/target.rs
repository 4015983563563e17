//! What a remote name asks for: the server, the protocol and the path, parsed from the
//! name's form (`\\server\share`, `smb://`, `sftp://`, `user@host:/path`, `https://`,
//! `nfs://`) or from the provider the caller named.

use crate::error::{Error, Result};
use crate::provider::Provider;

/// A parsed remote: everything a mount tool and the keyring need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// SMB: `\\server\share\path`, `smb://[domain;][user@]server[:port]/share/path`.
    Smb {
        host: String,
        port: Option<u16>,
        share: String,
        path: String,
        user: Option<String>,
        domain: Option<String>,
    },
    /// SFTP (sshfs): `sftp://[user@]host[:port]/path`, `user@host:/path`, and with
    /// provider SSHFS the older `\\host[@port]\path`. `path` is absolute, or relative to
    /// the home folder when it starts with `~`.
    Sftp { host: String, port: Option<u16>, user: Option<String>, path: String },
    /// WebDAV: `http(s)://[user@]host[:port]/path` (also `dav(s)://`), and with provider
    /// WebDAV the Windows redirector's `\\host[@SSL][@port]\path`.
    WebDav { secure: bool, host: String, port: Option<u16>, path: String, user: Option<String> },
    /// NFS: `nfs://host/export/path`, `host:/export`, and with provider NFS `\\host\export`.
    Nfs { host: String, path: String },
    /// An rclone remote as rclone takes it (`remote:path`, `:smb,host=H:share`).
    Rclone { remote: String },
}

impl Target {
    /// The provider this target is connected with, as the profile names it.
    pub(crate) fn provider(&self) -> Provider {
        match self {
            Target::Smb { .. } => Provider::Smb,
            Target::Sftp { .. } => Provider::Sshfs,
            Target::WebDav { .. } => Provider::WebDav,
            Target::Nfs { .. } => Provider::Nfs,
            Target::Rclone { .. } => Provider::Rclone,
        }
    }

    /// The server's host name or address (none for an rclone remote).
    pub(crate) fn host(&self) -> Option<&str> {
        match self {
            Target::Smb { host, .. }
            | Target::Sftp { host, .. }
            | Target::WebDav { host, .. }
            | Target::Nfs { host, .. } => Some(host),
            Target::Rclone { .. } => None,
        }
    }

    /// The user named in the remote, if any.
    pub(crate) fn user(&self) -> Option<&str> {
        match self {
            Target::Smb { user, .. } | Target::Sftp { user, .. } | Target::WebDav { user, .. } => {
                user.as_deref()
            }
            _ => None,
        }
    }

    /// Give the user (and for SMB `DOMAIN\user`'s or `DOMAIN;user`'s domain) a caller
    /// named. `ERROR_BAD_USERNAME` for one no tool can be given safely ([`check_user`]).
    pub(crate) fn set_user(&mut self, name: &str) -> Result<()> {
        match self {
            Target::Smb { user, domain, .. } => {
                let (d, u) = match name.split_once(['\\', ';']) {
                    Some((d, u)) => (Some(check_user(d)?.to_owned()), u),
                    None => (domain.take(), name),
                };
                *domain = d.filter(|d| !d.is_empty());
                *user = Some(check_user(u)?.to_owned());
            }
            Target::Sftp { user, .. } | Target::WebDav { user, .. } => {
                *user = Some(check_user(name)?.to_owned())
            }
            _ => {}
        }
        Ok(())
    }

    /// Does `other` name the same place: provider, server, share or export, and path?
    /// Users, domains and ports are not compared (an fstab entry's options hold those);
    /// SMB names are compared as SMB does, without case.
    pub(crate) fn same_place(&self, other: &Target) -> bool {
        let trim = |p: &str| p.trim_matches('/').to_owned();
        match (self, other) {
            (
                Target::Smb { host: h1, share: s1, path: p1, .. },
                Target::Smb { host: h2, share: s2, path: p2, .. },
            ) => {
                h1.eq_ignore_ascii_case(h2)
                    && s1.to_lowercase() == s2.to_lowercase()
                    && trim(p1).to_lowercase() == trim(p2).to_lowercase()
            }
            (Target::Nfs { host: h1, path: p1 }, Target::Nfs { host: h2, path: p2 })
            | (Target::Sftp { host: h1, path: p1, .. }, Target::Sftp { host: h2, path: p2, .. }) => {
                h1.eq_ignore_ascii_case(h2) && trim(p1) == trim(p2)
            }
            (
                Target::WebDav { secure: s1, host: h1, path: p1, .. },
                Target::WebDav { secure: s2, host: h2, path: p2, .. },
            ) => s1 == s2 && h1.eq_ignore_ascii_case(h2) && trim(p1) == trim(p2),
            (Target::Rclone { remote: r1 }, Target::Rclone { remote: r2 }) => r1 == r2,
            _ => false,
        }
    }

    /// The form to keep in the profile: parsed again, it connects the same way.
    pub(crate) fn spec(&self) -> String {
        let at = |u: &Option<String>| u.as_deref().map(|u| format!("{}@", enc(u))).unwrap_or_default();
        let colon = |p: &Option<u16>| p.map(|p| format!(":{p}")).unwrap_or_default();
        match self {
            Target::Smb { host, port, share, path, user, domain } => {
                let dom = domain.as_deref().map(|d| format!("{};", enc(d))).unwrap_or_default();
                let user = if user.is_some() { format!("{dom}{}", at(user)) } else { String::new() };
                let path = if path.is_empty() { String::new() } else { format!("/{path}") };
                format!("smb://{user}{}{}/{share}{path}", url_host(host), colon(port))
            }
            Target::Sftp { host, port, user, path } => {
                let path = if path.starts_with('~') { format!("/{path}") } else { path.clone() };
                format!("sftp://{}{}{}{path}", at(user), url_host(host), colon(port))
            }
            Target::WebDav { secure, host, port, path, user } => {
                let scheme = if *secure { "https" } else { "http" };
                format!("{scheme}://{}{}{}{path}", at(user), url_host(host), colon(port))
            }
            Target::Nfs { host, path } => format!("nfs://{}{path}", url_host(host)),
            Target::Rclone { remote } => remote.clone(),
        }
    }

    /// The server it connects to (`host:port`, the port when given), for limiting how
    /// many connections go to one server at once.
    pub(crate) fn server(&self) -> String {
        match self {
            Target::Smb { host, port, .. }
            | Target::Sftp { host, port, .. }
            | Target::WebDav { host, port, .. } => {
                format!("{}:{}", self.provider().name(), url_host(host))
                    + &port.map(|p| format!(":{p}")).unwrap_or_default()
            }
            Target::Nfs { host, .. } => format!("NFS:{host}"),
            Target::Rclone { remote } => format!("rclone:{}", remote.split(':').next().unwrap_or(remote)),
        }
    }

    /// The name shown for it: `\\server\share\path`.
    pub(crate) fn unc(&self) -> String {
        let join = |host: &str, path: &str| {
            let rest: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            if rest.is_empty() {
                format!("\\\\{host}")
            } else {
                format!("\\\\{host}\\{}", rest.join("\\"))
            }
        };
        // A port given stays in the name (`\\host@port\...`, the WebDAV redirector's form,
        // which netdrive reads back too): the name remembered is the one connected with.
        let at = |host: &str, ssl: bool, port: &Option<u16>| {
            let ssl = if ssl { "@SSL" } else { "" };
            match port {
                Some(p) => format!("{host}{ssl}@{p}"),
                None => format!("{host}{ssl}"),
            }
        };
        match self {
            Target::Smb { host, port, share, path, .. } => {
                join(&at(host, false, port), &format!("{share}/{path}"))
            }
            Target::Sftp { host, port, path, .. } => join(&at(host, false, port), path),
            Target::Nfs { host, path } => join(host, path),
            Target::WebDav { secure, host, port, path, .. } => join(&at(host, *secure, port), path),
            Target::Rclone { remote } => remote.clone(),
        }
    }
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, USERINFO).to_string()
}

const USERINFO: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'@')
    .add(b':')
    .add(b'/')
    .add(b';')
    .add(b'%')
    .add(b'?')
    .add(b'#');

fn url_host(h: &str) -> String {
    if h.contains(':') {
        format!("[{h}]")
    } else {
        h.to_owned()
    }
}

fn bad(text: &str, why: &str) -> Error {
    Error::BadNetName(format!(
        "{}: {why}. Network names look like \\\\server\\share, smb://server/share, sftp://user@host/path, \
         user@host:/path, https://server/path or nfs://server/export",
        crate::escape::escape_text(text)
    ))
}

/// A host name netdrive passes to a tool: no spaces, no option look-alikes, nothing a
/// command line or a URL could read as something else.
fn check_host(text: &str, host: &str) -> Result<String> {
    let inner = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if inner.is_empty()
        || inner.starts_with('-')
        || !inner.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '%'))
        || (inner.contains(':') && !host.starts_with('['))
    {
        return Err(bad(text, &format!("{host:?} is not a server name")));
    }
    Ok(inner.to_owned())
}

/// A user (or SMB domain) name a tool is given: ssh reads one starting with `-` as an
/// option (`-oProxyCommand=...` runs a command), sshfs splits `user@host:path` at its
/// first `:` (so `me:pw` would send the login to a server "me"), and `@`, `/`, `\`, `;`,
/// spaces and control characters are separators somewhere (the SMB domain's `\` and `;`
/// are split off before this is asked).
pub(crate) fn check_user(user: &str) -> Result<&str> {
    let bad = |why: &str| {
        Err(Error::BadUsername(format!(
            "{}: not a user name netdrive can pass on ({why})",
            crate::escape::escape_text(user)
        )))
    };
    if user.starts_with('-') {
        return bad("it starts with '-'");
    }
    if let Some(c) = user.chars().find(|c| matches!(c, ':' | '@' | '/' | '\\' | ';')) {
        return bad(&format!(
            "it holds {c:?}{}",
            if c == ':' { "; give the password apart, not in the name" } else { "" }
        ));
    }
    if user.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it holds a space or a control character");
    }
    Ok(user)
}

fn decode(text: &str, part: &str) -> Result<String> {
    percent_encoding::percent_decode_str(part)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| bad(text, "it is not UTF-8 once decoded"))
}

/// `[userinfo@]host[:port]` of a URL.
fn authority(text: &str, auth: &str) -> Result<(Option<String>, String, Option<u16>)> {
    let (user, hostport) = match auth.rsplit_once('@') {
        Some((u, h)) => (Some(decode(text, u)?), h),
        None => (None, auth),
    };
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(|| bad(text, "an IPv6 address lacks its ']'"))?;
        (format!("[{h}]"), after.strip_prefix(':'))
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (hostport.to_owned(), None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().map_err(|_| bad(text, &format!("{p:?} is not a port")))?),
        None => None,
    };
    Ok((user.filter(|u| !u.is_empty()), check_host(text, &host)?, port))
}

fn clean_path(text: &str, path: &str) -> Result<String> {
    let path = decode(text, path)?;
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    if parts.contains(&"..") {
        return Err(bad(text, "'..' is not allowed in a network path"));
    }
    Ok(parts.join("/"))
}

/// Parse a remote name, with the provider the caller named (`None`: from the form;
/// `\\server\share` then means SMB, as on Windows).
pub(crate) fn parse(text: &str, provider: Option<Provider>) -> Result<Target> {
    let text = text.trim();
    if text.is_empty() {
        return Err(bad(text, "the network name is empty"));
    }
    if provider == Some(Provider::Rclone) {
        if text.starts_with('-') {
            return Err(bad(text, "an rclone remote cannot start with '-'"));
        }
        // A configured remote, `name:path`: not a connection string (`:backend,...:` or
        // `name,option=value:`), whose options can make rclone run a program
        // (sftp's `ssh=`), which a name from a caller must never do.
        let name = text.split_once(':').map(|(name, _)| name);
        if name.is_none_or(|n| n.is_empty() || n.contains([',', '\'', '"', '='])) {
            return Err(bad(
                text,
                "give a remote from rclone's configuration, `name:path` (see `rclone listremotes`)",
            ));
        }
        return Ok(Target::Rclone { remote: text.to_owned() });
    }
    let target = if let Some((scheme, rest)) = text.split_once("://") {
        let (auth, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let path = path.split(['?', '#']).next().unwrap_or("");
        match scheme.to_ascii_lowercase().as_str() {
            "smb" | "cifs" => {
                let (user, host, port) = authority(text, auth)?;
                let (domain, user) = match user.as_deref().and_then(|u| u.split_once([';', '\\'])) {
                    Some((d, u)) => (Some(check_user(d)?.to_owned()), Some(check_user(u)?.to_owned())),
                    None => (None, user.map(|u| check_user(&u).map(str::to_owned)).transpose()?),
                };
                let p = clean_path(text, path)?;
                let (share, rest) = p.split_once('/').unwrap_or((&p, ""));
                if share.is_empty() {
                    return Err(bad(text, "it names no share (smb://server/share)"));
                }
                Target::Smb { host, port, share: share.into(), path: rest.into(), user, domain }
            }
            "sftp" | "ssh" => {
                let (user, host, port) = authority(text, auth)?;
                let user = user.map(|u| check_user(&u).map(str::to_owned)).transpose()?;
                let p = clean_path(text, path)?;
                let path = if p.starts_with('~') { p } else { format!("/{p}") };
                Target::Sftp { host, port, user, path }
            }
            s @ ("http" | "https" | "dav" | "davs" | "webdav" | "webdavs") => {
                let (user, host, port) = authority(text, auth)?;
                let user = user.map(|u| check_user(&u).map(str::to_owned)).transpose()?;
                let p = clean_path(text, path)?;
                let trailing = if path.ends_with('/') && !p.is_empty() { "/" } else { "" };
                let secure = matches!(s, "https" | "davs" | "webdavs");
                Target::WebDav { secure, host, port, path: format!("/{p}{trailing}"), user }
            }
            "nfs" => {
                let (_, host, _) = authority(text, auth)?;
                Target::Nfs { host, path: format!("/{}", clean_path(text, path)?) }
            }
            other => return Err(bad(text, &format!("netdrive cannot connect {other}:// names"))),
        }
    } else if text.starts_with("\\\\") || text.starts_with("//") {
        let norm = text.replace('\\', "/");
        let rest = norm.trim_start_matches('/');
        let (first, path) = rest.split_once('/').unwrap_or((rest, ""));
        // `host@SSL@port` and `host@port`: the Windows WebDAV redirector's form, also
        // netdrive's for a port of any provider.
        let mut pieces = first.split('@');
        let host = check_host(text, pieces.next().unwrap_or(""))?;
        let (mut secure, mut port) = (false, None);
        for p in pieces {
            if p.eq_ignore_ascii_case("SSL") {
                secure = true;
            } else {
                port = Some(p.parse::<u16>().map_err(|_| bad(text, &format!("{p:?} is not a port")))?);
            }
        }
        let path = clean_path(text, path)?;
        match provider.unwrap_or(Provider::Smb) {
            Provider::Smb => {
                let (share, rest) = path.split_once('/').unwrap_or((&path, ""));
                if share.is_empty() {
                    return Err(bad(text, "it names no share (\\\\server\\share)"));
                }
                Target::Smb { host, port, share: share.into(), path: rest.into(), user: None, domain: None }
            }
            Provider::Sshfs => {
                let path = if path.starts_with('~') { path } else { format!("/{path}") };
                Target::Sftp { host, port, user: None, path }
            }
            Provider::WebDav => {
                let path = path.strip_prefix("DavWWWRoot").unwrap_or(&path).trim_start_matches('/');
                Target::WebDav { secure, host, port, path: format!("/{path}"), user: None }
            }
            Provider::Nfs => Target::Nfs { host, path: format!("/{path}") },
            other => return Err(unsupported(other)),
        }
    } else if let Some((before, path)) = text.split_once(':') {
        // `[user@]host:/path` (scp's form), or NFS's `host:/export`.
        let (user, host) = match before.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_owned()).filter(|u| !u.is_empty()), h),
            None => (None, before),
        };
        let host = check_host(text, host)?;
        let user = user.map(|u| check_user(&u).map(str::to_owned)).transpose()?;
        match provider.unwrap_or(Provider::Sshfs) {
            Provider::Sshfs => {
                let p = clean_path(text, path)?;
                let path = if path.starts_with('/') { format!("/{p}") } else { format!("~/{p}") };
                Target::Sftp { host, port: None, user, path: path.trim_end_matches('/').to_owned() }
            }
            Provider::Nfs => Target::Nfs { host, path: format!("/{}", clean_path(text, path)?) },
            other => return Err(unsupported(other)),
        }
    } else {
        return Err(bad(text, "it is not a network name"));
    };
    match provider {
        Some(p) if p != target.provider() => Err(Error::BadNetName(format!(
            "{}: a {} name cannot be connected with the provider {}",
            crate::escape::escape_text(text),
            target.provider().name(),
            p.name()
        ))),
        _ => Ok(target),
    }
}

fn unsupported(p: Provider) -> Error {
    Error::NotSupported(format!(
        "cannot connect with provider {}: use SMB, SSHFS, WebDAV, NFS or rclone",
        p.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rclone_remotes_are_configured_ones_never_connection_strings() {
        let r = |text: &str| parse(text, Some(Provider::Rclone)).map_err(|e| e.code().0);
        assert_eq!(r("gdrive:Documents"), Ok(Target::Rclone { remote: "gdrive:Documents".into() }));
        assert!(r("nas:").is_ok());
        for bad in [":sftp,host=h,ssh='touch /tmp/x':", "nas,ssh=x:", ":local:/", "nas", "-x:y", "n\"a:b"] {
            assert_eq!(r(bad), Err(67), "{bad}");
        }
    }

    fn p(text: &str) -> Target {
        parse(text, None).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn forms_choose_their_provider() {
        assert_eq!(
            p(r"\\nas\media\films"),
            Target::Smb {
                host: "nas".into(),
                port: None,
                share: "media".into(),
                path: "films".into(),
                user: None,
                domain: None
            }
        );
        assert_eq!(
            p("smb://WORK;me@nas:4445/media"),
            Target::Smb {
                host: "nas".into(),
                port: Some(4445),
                share: "media".into(),
                path: "".into(),
                user: Some("me".into()),
                domain: Some("WORK".into())
            }
        );
        assert_eq!(
            p("sftp://me@h:2222/srv/x"),
            Target::Sftp {
                host: "h".into(),
                port: Some(2222),
                user: Some("me".into()),
                path: "/srv/x".into()
            }
        );
        assert_eq!(
            p("me@h:/srv"),
            Target::Sftp { host: "h".into(), port: None, user: Some("me".into()), path: "/srv".into() }
        );
        assert_eq!(
            p("h:docs"),
            Target::Sftp { host: "h".into(), port: None, user: None, path: "~/docs".into() }
        );
        assert_eq!(
            p("https://dav@cloud:8443/remote.php/dav/"),
            Target::WebDav {
                secure: true,
                host: "cloud".into(),
                port: Some(8443),
                path: "/remote.php/dav/".into(),
                user: Some("dav".into())
            }
        );
        assert_eq!(p("nfs://srv/export/x"), Target::Nfs { host: "srv".into(), path: "/export/x".into() });
        assert_eq!(
            p("dav://me@files:8080/x/"),
            Target::WebDav {
                secure: false,
                host: "files".into(),
                port: Some(8080),
                path: "/x/".into(),
                user: Some("me".into())
            }
        );
        assert_eq!(
            parse("srv:/export", Some(Provider::Nfs)).unwrap(),
            Target::Nfs { host: "srv".into(), path: "/export".into() }
        );
        assert_eq!(
            parse(r"\\h@SSL@8443\DavWWWRoot", Some(Provider::WebDav)).unwrap(),
            Target::WebDav { secure: true, host: "h".into(), port: Some(8443), path: "/".into(), user: None }
        );
        assert_eq!(
            parse(r"\\127.0.0.1@2222\tmp\x", Some(Provider::Sshfs)).unwrap(),
            Target::Sftp { host: "127.0.0.1".into(), port: Some(2222), user: None, path: "/tmp/x".into() }
        );
    }

    #[test]
    fn specs_parse_back_to_the_same_target() {
        for t in [
            "smb://WORK;me@nas:4445/media/a%20b",
            "sftp://me@h:2222/srv/x",
            "sftp://h/~/docs",
            "https://dav@cloud:8443/remote.php/dav/",
            "http://[::1]:8080/",
            "nfs://srv/export",
        ] {
            let target = p(t);
            assert_eq!(p(&target.spec()), target, "{t} -> {}", target.spec());
        }
        assert_eq!(p("smb://me@nas/media/films").unc(), r"\\nas\media\films");
    }

    #[test]
    fn hostile_names_are_refused() {
        for t in
            [r"\\-oProxyCommand=x\s", "smb://nas", "smb://a b/s", "sftp://h/../etc", "gopher://h/x", "plain"]
        {
            let e = parse(t, None).unwrap_err();
            assert_eq!(e.code().0, 67, "{t}: {e}");
        }
        assert_eq!(parse("smb://h/s", Some(Provider::Sshfs)).unwrap_err().code().0, 67);
        assert_eq!(parse(r"\\h\s", Some(Provider::Ceph)).unwrap_err().code().0, 50);
    }

    /// A user name is never read as an ssh option nor split by a tool: `ERROR_BAD_USERNAME`,
    /// in the remote name or given apart (WNetAddConnection2's lpUserName).
    #[test]
    fn users_a_tool_would_misread_are_refused() {
        for t in [
            "sftp://-oProxyCommand=touch%20%2Ftmp%2Fx@h/srv",
            "-oProxyCommand=x@h:/srv",
            "sftp://me:pw@h/srv",
            "smb://me:pw@nas/media",
            "smb://WORK;-o@nas/media",
            "smb://-W;me@nas/media",
            "https://a%40b@dav/x",
            "sftp://a%2Fb@h/x",
            "sftp://a%20b@h/x",
            "sftp://a%0Ab@h/x",
            "sftp://a;b@h/x",
            r"sftp://a%5Cb@h/x",
        ] {
            let e = parse(t, None).unwrap_err();
            assert_eq!(e.code().0, 2202, "{t}: {e}");
        }
        for (remote, user) in [
            ("sftp://h/srv", "-oProxyCommand=touch /tmp/x"),
            ("sftp://h/srv", "me:pw"),
            ("https://h/x", "a@b"),
            (r"\\nas\media", "me:pw"),
            (r"\\nas\media", r"WORK\-o"),
            (r"\\nas\media", r"-W\me"),
            (r"\\nas\media", r"A\B\me"),
            ("sftp://h/srv", r"WORK\me"),
            ("sftp://h/srv", " me"),
        ] {
            let e = p(remote).set_user(user).unwrap_err();
            assert_eq!(e.code().0, 2202, "{remote} {user}: {e}");
        }
        assert_eq!(parse("-h:/srv", None).unwrap_err().code().0, 67, "a host like an option");
        // What people do type still works.
        assert_eq!(p("sftp://first.last_1@h/srv").user(), Some("first.last_1"));
        assert_eq!(p("smb://WORK;me@nas/media").user(), Some("me"));
        assert_eq!(p(r"me-2@h:/srv").user(), Some("me-2"));
    }

    #[test]
    fn a_user_given_apart_wins_and_carries_its_domain() {
        let mut t = p(r"\\nas\media");
        t.set_user(r"WORK\me").unwrap();
        assert_eq!(t.user(), Some("me"));
        assert!(matches!(t, Target::Smb { domain: Some(ref d), .. } if d == "WORK"));
    }
}
