//! The shares of one server: SMB through `smbclient -L` (the server's own share
//! enumeration, SMB2/3), NFS through `showmount -e`, and for SFTP and WebDAV the server
//! itself as one resource. Each program runs bounded and is killed when the browse is
//! cancelled; a password goes in `smbclient`'s environment (`PASSWD`), never on its
//! command line.

use std::process::Command;

use super::{Ctx, Display, Origin, Resource};
use crate::error::{Error, Name, Result, Waiting};
use crate::provider::Provider;

pub(super) fn list(ctx: &Ctx, server: &Resource) -> Result<Vec<Resource>> {
    let endpoint = server.endpoint.clone().unwrap_or_default();
    let share = |name: String, comment: String| Resource {
        display: Display::Share,
        provider: server.provider,
        remote_name: format!("{}\\{name}", server.remote_name),
        comment,
        container: false,
        connectable: true,
        endpoint: server.endpoint.clone(),
        origin: Origin::Server,
    };
    match server.provider {
        Provider::Smb => {
            let (cmd, auth) = smbclient(ctx, server);
            let out = run(ctx, server, cmd, auth, "smbclient", "smbclient")?;
            Ok(parse_smbclient(&out).into_iter().map(|(n, c)| share(n, c)).collect())
        }
        Provider::Nfs => {
            let program = std::env::var_os("NETDRIVE_SHOWMOUNT").unwrap_or_else(|| "showmount".into());
            let mut cmd = Command::new(program);
            cmd.args(["-e", "--no-headers", "--"]).arg(reach(&endpoint));
            let out = run(ctx, server, cmd, None, "showmount", "nfs-common")?;
            Ok(parse_showmount(&out)
                .into_iter()
                .map(|(path, clients)| share(unc_path(&path), clients))
                .collect())
        }
        Provider::Sshfs => Ok(vec![share("~".into(), "home folder".into())]),
        Provider::WebDav => {
            let path = endpoint.path.as_deref().map(unc_path).filter(|p| !p.is_empty());
            Ok(vec![share(path.unwrap_or_else(|| "DavWWWRoot".into()), server.comment.clone())])
        }
        other => Err(Error::NotSupported(format!("{} servers cannot be browsed", other.name()))),
    }
}

/// `/srv/a b` as the rest of a UNC name: `srv\a b`.
fn unc_path(p: &str) -> String {
    p.split('/').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\\")
}

/// The address to reach the server at: the first DNS-SD address (a `.local` name may not
/// resolve through the system resolver), else its name.
fn reach(e: &super::Endpoint) -> String {
    e.addresses.first().map(ToString::to_string).unwrap_or_else(|| e.host.clone())
}

/// smbclient for one server, and the authentication file it reads on its standard input
/// (`-A /proc/self/fd/0`, a pipe): a password reaches neither a command line nor an
/// environment, which other processes of the same user can read in `/proc`.
fn smbclient(ctx: &Ctx, server: &Resource) -> (Command, Option<Vec<u8>>) {
    let e = server.endpoint.clone().unwrap_or_default();
    let mut cmd = Command::new("smbclient");
    let secs = ctx.opts.timeout.as_secs().max(1).to_string();
    cmd.args(["-g", "-t", &secs, "-L"]).arg(format!("//{}", e.host));
    if let Some(a) = e.addresses.first() {
        cmd.arg("-I").arg(a.to_string());
    }
    if let Some(p) = e.port {
        cmd.arg("-p").arg(p.to_string());
    }
    // Not the caller's: smbclient would take a password from these.
    cmd.env_remove("PASSWD").env_remove("PASSWD_FD").env_remove("PASSWD_FILE").env_remove("USER");
    let mut auth = None;
    match (&ctx.opts.user, &ctx.opts.password) {
        (Some(u), Some(pw)) => {
            let (domain, user) = match u.split_once('\\') {
                Some((d, u)) => (Some(d), u),
                None => (None, u.as_str()),
            };
            let mut file = format!("username = {user}\npassword = {pw}\n");
            if let Some(d) = domain {
                file.push_str(&format!("domain = {d}\n"));
            }
            cmd.args(["-A", crate::child::STDIN_FILE]);
            auth = Some(file.into_bytes());
        }
        (Some(u), None) => {
            cmd.arg("-N").arg("-U").arg(u);
        }
        // Anonymous (a null session), as Windows' browser does before asking.
        (None, _) => {
            cmd.args(["-N", "-U", "%"]);
        }
    }
    (cmd, auth)
}

fn run(
    ctx: &Ctx,
    server: &Resource,
    mut cmd: Command,
    stdin: Option<Vec<u8>>,
    program: &str,
    package: &str,
) -> Result<String> {
    let target = Name::from(server.remote_name.as_str());
    let cancel = ctx.cancel.clone();
    let ran = crate::child::run_bounded_unless(&mut cmd, stdin, ctx.opts.timeout, &|| cancel.cancelled())
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::NotSupported(format!("{program} is not installed (apt-get install {package})"))
            } else {
                Error::Extended {
                    provider: server.provider.name().into(),
                    message: format!("{program}: {e}"),
                }
            }
        })?;
    let Some(done) = ran else {
        if ctx.cancel.cancelled() {
            return Err(Error::Cancelled);
        }
        return Err(Error::NotResponding { target, after: ctx.opts.timeout, waiting: Waiting::Nothing });
    };
    let stdout = String::from_utf8_lossy(&done.stdout).into_owned();
    if done.status.success() {
        return Ok(stdout);
    }
    let said = format!("{stdout}\n{}", done.stderr_text());
    Err(failure(server, target, &said, program))
}

/// A failed listing as a Win32 error, from what the program said.
fn failure(server: &Resource, target: Name, said: &str, program: &str) -> Error {
    let has = |s: &str| said.contains(s);
    let message = said
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.contains('|'))
        .unwrap_or("failed")
        .to_owned();
    let message = format!("{target}: {program}: {}", crate::escape::escape_text(&message));
    if has("NT_STATUS_LOGON_FAILURE") {
        Error::LogonFailure(message)
    } else if has("NT_STATUS_ACCESS_DENIED") || has("Permission denied") {
        Error::AccessDenied { target, reason: message }
    } else if has("NT_STATUS_IO_TIMEOUT") || has("timed out") {
        Error::NotResponding { target, after: std::time::Duration::ZERO, waiting: Waiting::Nothing }
    } else if has("NT_STATUS_CONNECTION_REFUSED")
        || has("NT_STATUS_HOST_UNREACHABLE")
        || has("NT_STATUS_NETWORK_UNREACHABLE")
        || has("NT_STATUS_BAD_NETWORK_NAME")
        || has("NT_STATUS_UNSUCCESSFUL")
        || has("Connection refused")
        || has("Program not registered")
        || has("Unknown host")
        || has("not known")
    {
        Error::BadNetPath(message)
    } else {
        Error::Extended { provider: server.provider.name().into(), message }
    }
}

/// `smbclient -g -L` lines `Disk|name|comment`: the disk shares, without the hidden ones
/// (`name$`), which Windows does not enumerate either.
fn parse_smbclient(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, '|');
            let (kind, name, comment) = (f.next()?, f.next()?, f.next().unwrap_or(""));
            (kind == "Disk" && !name.is_empty() && !name.ends_with('$'))
                .then(|| (name.to_owned(), comment.trim().to_owned()))
        })
        .collect()
}

/// `showmount -e --no-headers` lines `/export/path  client,client`.
fn parse_showmount(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter(|l| l.starts_with('/'))
        .map(|l| {
            let l = l.trim_end();
            match l.rsplit_once([' ', '\t']) {
                Some((path, clients)) if !path.trim().is_empty() => {
                    (path.trim_end().to_owned(), clients.trim().to_owned())
                }
                _ => (l.to_owned(), String::new()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smbclient_lists_disk_shares_only() {
        // smbclient 4.17 -g -L output against the test's smbd.
        let out =
            "Disk|public|Files for everyone\nDisk|media|\nIPC|IPC$|IPC Service (Samba 4.17.12-Debian)\n\
                   Disk|print$|Printer Drivers\nPrinter|laser|Laser\n";
        assert_eq!(
            parse_smbclient(out),
            [("public".to_owned(), "Files for everyone".to_owned()), ("media".to_owned(), String::new())]
        );
    }

    #[test]
    fn showmount_exports_and_their_clients() {
        // showmount (nfs-common 2.6.2) -e --no-headers against a kernel NFS server.
        let out = "/srv/nfs/public   *\n/srv/nfs/team a b 10.0.0.0/24,desk.local\n";
        assert_eq!(
            parse_showmount(out),
            [
                ("/srv/nfs/public".to_owned(), "*".to_owned()),
                ("/srv/nfs/team a b".to_owned(), "10.0.0.0/24,desk.local".to_owned())
            ]
        );
        assert_eq!(unc_path("/srv/nfs/team a b"), r"srv\nfs\team a b");
    }
}
