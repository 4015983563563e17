//! Connections without a local folder (deviceless): GVfs mounts made with `gio mount`.

use std::os::unix::ffi::OsStrExt;
use std::process::Command;
use std::time::Duration;

use percent_encoding::utf8_percent_encode;

use super::target::{self, Target};
use super::tools::{bracket, KEEP};
use super::{timeout_of, ConnectRequest};
use crate::child::Input;
use crate::connection::Connection;
use crate::error::{Error, Result, Waiting};
use crate::list::{self, Scope};
use crate::provider::Provider;

/// A connection without a local name (Win32 `WNetAddConnection2` with `lpLocalName` NULL
/// or "": a deviceless connection): a GVfs mount, which the session's gvfsd keeps with no
/// folder of its own, made with `gio mount` (`sftp://` for SSHFS, `smb://`, `nfs://`) and
/// listed by its URI; a password given is the answer to gio's prompt, on its standard input.
/// Without a session bus there is no GVfs: `ERROR_NO_NETWORK`. It is not remembered (a
/// remembered connection is one with a local name).
pub(super) fn connect_deviceless(req: &ConnectRequest) -> Result<Connection> {
    let provider = match req.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => Provider::Smb,
        Some(p) => Provider::from_name(p).ok_or_else(|| {
            Error::BadProvider(format!(
                "{p:?} is not a network provider netdrive knows; use SSHFS, SMB or NFS"
            ))
        })?,
    };
    match provider {
        Provider::Sshfs | Provider::Smb | Provider::Nfs => {}
        other => {
            return Err(Error::NotSupported(format!(
                "a connection without a local name is a GVfs mount, which {other} has not; give a folder"
            )))
        }
    };
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty()) {
        return Err(Error::NoNetwork(
            "a connection without a local name is a GVfs mount, and this session has no D-Bus session bus \
             for GVfs; give a local name (a folder to mount on)"
                .into(),
        ));
    }
    let uri = gio_uri(req, provider)?;
    let mut cmd = Command::new("gio");
    cmd.arg("mount").arg(&uri);
    let input = req.password.as_ref().map_or(Input::None, |pw| Input::Bytes(format!("{pw}\n").into_bytes()));
    gio_mount(cmd, input, timeout_of(req), &uri)?;
    list::list(Scope::Connected)?
        .into_iter()
        .find(|c| c.provider == Provider::Gvfs && c.is_deviceless_to(req.remote_name.as_bytes()))
        .ok_or_else(|| Error::Extended {
            provider: "GVfs".into(),
            message: format!("{uri}: gio mount succeeded, but GVfs does not list the mount"),
        })
}

/// The URI `gio mount` is given for a deviceless connection. The remote name is read as
/// any other ([`target::parse`]: `\\host[@port]\path`, or the provider's URL form), so
/// nothing in it is taken for a user or a host it is not. For SMB the URI always names
/// `domain;user@` (the user given, else the current one; the domain given, else
/// `WORKGROUP`): gio then asks only for the password, the one line it is given.
fn gio_uri(req: &ConnectRequest, provider: Provider) -> Result<String> {
    let remote = req
        .remote_name
        .to_str()
        .ok_or_else(|| Error::BadNetName("the remote name is not UTF-8 text".into()))?;
    let mut target = target::parse(remote, Some(provider))?;
    if let Some(u) = req.user.as_deref().filter(|u| !u.is_empty()) {
        target.set_user(u)?;
    }
    let enc = |s: &str| utf8_percent_encode(s, KEEP).to_string();
    let port = |p: &Option<u16>| p.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(match &target {
        Target::Smb { host, port: p, share, path, user, domain } => {
            let user = match user {
                Some(u) => u.clone(),
                None => target::check_user(&crate::users::current_user_name())?.to_owned(),
            };
            let domain = domain.as_deref().unwrap_or("WORKGROUP");
            let path = if path.is_empty() { share.clone() } else { format!("{share}/{path}") };
            format!("smb://{};{}@{}{}/{}", enc(domain), enc(&user), bracket(host), port(p), enc(&path))
        }
        Target::Sftp { host, port: p, user, path } => {
            let user = user.as_deref().map(|u| format!("{}@", enc(u))).unwrap_or_default();
            let path = path.trim_start_matches('/');
            format!("sftp://{user}{}{}/{}", bracket(host), port(p), enc(path))
        }
        Target::Nfs { host, path } => {
            format!("nfs://{}/{}", bracket(host), enc(path.trim_start_matches('/')))
        }
        Target::WebDav { .. } | Target::Rclone { .. } => {
            return Err(Error::NotSupported(format!(
                "a connection without a local name is a GVfs mount, which {} has not; give a folder",
                provider.name()
            )))
        }
    })
}

/// Run `gio mount` within `timeout`; its failure in the words GVfs gave.
fn gio_mount(mut cmd: Command, input: Input, timeout: Duration, uri: &str) -> Result<()> {
    let ran = crate::child::run_bounded_input(&mut cmd, input, timeout).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotSupported("gio is not installed (apt-get install libglib2.0-bin)".into())
        } else {
            Error::Extended { provider: "GVfs".into(), message: format!("gio: {e}") }
        }
    })?;
    match ran {
        Some(done) if done.status.success() => Ok(()),
        Some(done) => {
            let said = done.stderr_text();
            let lower = said.to_ascii_lowercase();
            let message = format!("{uri}: {}", crate::escape::escape_text(&said));
            Err(if lower.contains("permission denied") || lower.contains("password") {
                Error::LogonFailure(message)
            } else if lower.contains("not found") || lower.contains("no such") {
                Error::BadNetName(message)
            } else {
                Error::Extended { provider: "GVfs".into(), message }
            })
        }
        None => Err(Error::NotResponding { target: uri.into(), after: timeout, waiting: Waiting::Nothing }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URI gio is given: the server, port and path of the remote name, never a user
    /// or host smuggled in with `@`; for SMB always `domain;user@`, so gio asks only for
    /// the password.
    #[test]
    fn deviceless_names_become_gio_uris() {
        let uri = |remote: &str, provider, user: Option<&str>| {
            let req = ConnectRequest {
                remote_name: remote.into(),
                user: user.map(str::to_owned),
                password: Some("pw".into()),
                ..Default::default()
            };
            gio_uri(&req, provider).map_err(|e| e.code().0)
        };
        let me = crate::users::current_user_name();
        assert_eq!(
            uri(r"\\nas\my media\a", Provider::Smb, None),
            Ok(format!("smb://WORKGROUP;{me}@nas/my%20media/a"))
        );
        assert_eq!(
            uri(r"\\nas\media", Provider::Smb, Some(r"WORK\ann")),
            Ok("smb://WORK;ann@nas/media".into())
        );
        assert_eq!(
            uri(r"\\nas@4445\media", Provider::Smb, Some("ann")),
            Ok("smb://WORKGROUP;ann@nas:4445/media".into())
        );
        assert_eq!(
            uri(r"\\127.0.0.1@2222\tmp\x", Provider::Sshfs, Some("root")),
            Ok("sftp://root@127.0.0.1:2222/tmp/x".into())
        );
        assert_eq!(uri(r"\\h\~\docs", Provider::Sshfs, None), Ok("sftp://h/~/docs".into()));
        assert_eq!(uri("//srv/export/a", Provider::Nfs, None), Ok("nfs://srv/export/a".into()));
        assert_eq!(uri(r"\\me@evil\share", Provider::Smb, None), Err(67), "no user in the host");
        assert_eq!(uri(r"\\-oProxyCommand=x\s", Provider::Sshfs, None), Err(67));
        assert_eq!(uri(r"\\h\s", Provider::Sshfs, Some("-oProxyCommand=x")), Err(2202));
        assert!(uri("h:/x", Provider::Smb, None).is_err(), "not a UNC name");
    }
}
