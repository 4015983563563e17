//! The tools that mount each kind of drive (`mount.cifs`, `sshfs`, `mount -t nfs`, rclone
//! through [`super::rclone`], `mount` for an fstab entry), run bounded, their failures read
//! by [`super::failure`].

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::failure::classify;
use super::rclone;
use super::target::{self, Target};
use super::undo::{self, MountsBefore};
use crate::child::Input;
use crate::error::{Error, Result, Waiting};
use crate::escape::escape;
use crate::profile;

/// Does SMB go through the kernel's cifs here (else rclone's SMB client)?
pub(super) fn kernel_cifs() -> bool {
    is_root() && kernel_has("cifs") && installed("mount.cifs")
}

/// How to log in.
pub(crate) struct How<'a> {
    pub password: Option<&'a str>,
    pub from_keyring: bool,
    pub timeout: Duration,
    /// [`ConnectRequest::require_integrity`] and the three after it.
    pub require_integrity: bool,
    pub require_privacy: bool,
    pub write_through: bool,
    pub global: bool,
}

pub(super) fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

pub(super) fn mount(target: &Target, local: &OsStr, how: &How) -> Result<()> {
    // A user's fstab entry for this folder is what the administrator allows: use it.
    if !is_root() && !matches!(target, Target::Sftp { .. } | Target::Rclone { .. }) {
        if let Some(e) =
            profile::fstab().into_iter().find(|e| e.mount_point == local && user_mountable(&e.options))
        {
            fstab_entry_is(&e, target, local)?;
            let mut cmd = Command::new("mount");
            cmd.arg(&e.mount_point);
            return run_tool(cmd, Input::None, target, local, how);
        }
    }
    match target {
        Target::Sftp { host, port, user, path } => {
            let rel = path.strip_prefix("~/").or((path == "~").then_some(""));
            let path = rel.map(str::to_owned).unwrap_or_else(|| path.clone());
            let remote = match user {
                Some(u) => format!("{u}@{}:{path}", bracket(host)),
                None => format!("{}:{path}", bracket(host)),
            };
            let mut cmd = Command::new("sshfs");
            if let Some(p) = port {
                cmd.args(["-p", &p.to_string()]);
                // The mount table names the source; with a port it says so, so the drive's
                // remote name is the one it was connected with (`\\host@port\path`).
                let fsname = sftp_url(user.as_deref(), host, &p.to_string(), &path);
                cmd.args(["-o", &format!("fsname={fsname}")]);
            }
            if how.global {
                cmd.args(["-o", "allow_other"]);
            }
            cmd.args(["-o", "StrictHostKeyChecking=accept-new"]);
            let input = match how.password {
                Some(pw) => {
                    cmd.args(["-o", "password_stdin"]);
                    // The password is what was given: no key is tried first (a server
                    // counts each refused key against its limit).
                    cmd.args(["-o", "PreferredAuthentications=password"]);
                    Input::Bytes(format!("{pw}\n").into_bytes())
                }
                None => {
                    cmd.args(["-o", "BatchMode=yes"]);
                    Input::None
                }
            };
            cmd.arg("--").arg(remote).arg(local);
            run_tool(cmd, input, target, local, how)
        }
        Target::Smb { host, port, share, path, user, domain } if kernel_cifs() => {
            let mut creds = String::new();
            if let Some(u) = user {
                creds.push_str(&format!("username={u}\n"));
            }
            if let Some(pw) = how.password {
                creds.push_str(&format!("password={pw}\n"));
            }
            if let Some(d) = domain {
                creds.push_str(&format!("domain={d}\n"));
            }
            let mut opts = vec![if creds.is_empty() {
                "guest".to_owned()
            } else {
                format!("credentials={}", crate::child::STDIN_FILE)
            }];
            if let Some(p) = port {
                opts.push(format!("port={p}"));
            }
            let (uid, gid) = (rustix::process::getuid().as_raw(), rustix::process::getgid().as_raw());
            opts.push(format!("uid={uid},gid={gid}"));
            opts.extend(
                [
                    (how.require_integrity, "sign"),
                    (how.require_privacy, "seal"),
                    (how.write_through, "cache=none"),
                ]
                .into_iter()
                .filter(|(on, _)| *on)
                .map(|(_, o)| o.to_owned()),
            );
            let unc = if path.is_empty() {
                format!("//{host}/{share}")
            } else {
                format!("//{host}/{share}/{path}")
            };
            let mut cmd = Command::new("mount.cifs");
            cmd.arg(unc).arg(local).args(["-o", &opts.join(",")]);
            let input =
                if creds.is_empty() { Input::None } else { Input::File(secret_file(creds.as_bytes())?) };
            run_tool(cmd, input, target, local, how)
        }
        Target::Smb { .. } | Target::WebDav { .. } => rclone::mount_backend(target, local, how),
        Target::Nfs { host, path } => {
            if !is_root() {
                return Err(Error::AccessDenied {
                    target: local.into(),
                    reason: "only root mounts NFS, or anyone where /etc/fstab has an entry with the `user` \
                             option for this folder; ask your administrator for one"
                        .into(),
                });
            }
            let mut cmd = Command::new("mount");
            cmd.args(["-t", "nfs", &format!("{}:{path}", bracket(host))]);
            let sec = if how.require_privacy {
                Some("sec=krb5p")
            } else {
                how.require_integrity.then_some("sec=krb5i")
            };
            let opts: Vec<&str> = sec.into_iter().chain(how.write_through.then_some("sync")).collect();
            if !opts.is_empty() {
                cmd.args(["-o", &opts.join(",")]);
            }
            cmd.arg(local);
            run_tool(cmd, Input::None, target, local, how)
        }
        Target::Rclone { remote } => {
            let mut cmd = Command::new("rclone");
            cmd.arg("mount").arg(remote).arg(local).args(["--daemon", "--daemon-timeout", "20s"]);
            if how.global {
                cmd.arg("--allow-other");
            }
            run_tool(cmd, Input::None, target, local, how)
        }
    }
}

/// Mount an `/etc/fstab` entry as `mount -a` would: by its folder, with the fstab's own
/// options (credentials files stay where the administrator put them), bounded.
pub(crate) fn mount_fstab(e: &profile::FstabEntry, timeout: Duration) -> Result<()> {
    let source = e.source.to_string_lossy();
    let target = target::parse(&source, Some(e.provider)).map_err(|_| {
        Error::BadNetPath(format!(
            "{}: the fstab's source {} is not one netdrive reads",
            escape(&e.mount_point),
            escape(&e.source)
        ))
    })?;
    let how = How {
        password: None,
        from_keyring: false,
        timeout,
        require_integrity: false,
        require_privacy: false,
        write_through: false,
        global: false,
    };
    let mut cmd = Command::new("mount");
    // Another fstab (tests) only when asked: a setuid mount refuses one for users.
    if let Some(other) = std::env::var_os("NETDRIVE_FSTAB") {
        cmd.arg("--fstab").arg(other);
    }
    cmd.arg("--target").arg(&e.mount_point);
    let before = MountsBefore::read()?;
    run_tool(cmd, Input::None, &target, &e.mount_point, &how).inspect_err(|_| {
        undo::undo(&e.mount_point, &target, &before, Duration::from_secs(3));
    })
}

/// May this user mount the fstab entry, and is it one the system mounts at boot (so one
/// that is not mounted was missed, typically because the network came up late)? Entries
/// with `noauto` are mounted on demand, automount ones by the automounter.
pub(crate) fn restorable_fstab(e: &profile::FstabEntry) -> bool {
    let opts: Vec<&[u8]> = e.options.as_encoded_bytes().split(|&b| b == b',').collect();
    let on_demand = opts.iter().any(|o| *o == b"noauto" || *o == b"x-systemd.automount");
    !on_demand && (is_root() || user_mountable(&e.options))
}

pub(super) fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

fn user_mountable(options: &OsStr) -> bool {
    options.as_encoded_bytes().split(|&b| b == b',').any(|o| o == b"user" || o == b"users")
}

/// A user's fstab entry mounts what it names, whatever was asked: it stands for the
/// connect only when it names the same server, share or export, and path. Else
/// `ERROR_ACCESS_DENIED`, naming what the fstab has on that folder.
fn fstab_entry_is(e: &profile::FstabEntry, target: &Target, local: &OsStr) -> Result<()> {
    let named = e.source.to_str().and_then(|s| target::parse(s, Some(e.provider)).ok());
    if named.is_some_and(|n| n.same_place(target)) {
        return Ok(());
    }
    Err(Error::AccessDenied {
        target: local.into(),
        reason: format!(
            "{} has {} ({}) on this folder, not {}; connect that, or choose another folder",
            escape(profile::fstab_path().as_os_str()),
            escape(&e.source),
            e.fstype,
            target.unc()
        ),
    })
}

/// Is a system program there (root's mount helpers live in the sbin folders)?
fn installed(program: &str) -> bool {
    ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].iter().any(|d| Path::new(d).join(program).exists())
}

/// Does the kernel have (or can it load) this filesystem?
fn kernel_has(fs: &str) -> bool {
    let listed = std::fs::read_to_string("/proc/filesystems")
        .map(|t| t.lines().any(|l| l.split_whitespace().last() == Some(fs)))
        .unwrap_or(false);
    listed || {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let release = release.trim();
        ["kernel/fs/smb/client", "kernel/fs/cifs", "kernel/fs/nfs"].iter().any(|d| {
            std::fs::read_dir(format!("/lib/modules/{release}/{d}"))
                .map(|rd| {
                    rd.flatten().any(|e| e.file_name().to_string_lossy().starts_with(&format!("{fs}.ko")))
                })
                .unwrap_or(false)
        })
    }
}

/// An anonymous memory file holding `text`, rewound: given to a tool as its standard
/// input, it is read as [`crate::child::STDIN_FILE`] and never touches a disk or a command line.
pub(crate) fn secret_file(text: &[u8]) -> Result<OwnedFd> {
    use rustix::fs::{memfd_create, MemfdFlags};
    let fail =
        |e: std::io::Error| Error::Extended { provider: "netdrive".into(), message: format!("memfd: {e}") };
    let fd = memfd_create("netdrive-credentials", MemfdFlags::CLOEXEC).map_err(|e| fail(e.into()))?;
    let mut file = std::fs::File::from(fd);
    std::io::Write::write_all(&mut file, text).map_err(fail)?;
    std::io::Seek::rewind(&mut file).map_err(fail)?;
    Ok(file.into())
}

pub(super) fn run_tool(
    mut cmd: Command,
    input: Input,
    target: &Target,
    local: &OsStr,
    how: &How,
) -> Result<()> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    // Its own process group: past the bound it goes with what it started (ssh).
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let ran = crate::child::run_bounded_input(&mut cmd, input, how.timeout).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::NotSupported(format!("{program} is not installed (apt-get install {})", package(&program)))
        } else {
            Error::Extended { provider: target.provider().name().into(), message: format!("{program}: {e}") }
        }
    })?;
    match ran {
        Some(done) if done.status.success() => Ok(()),
        Some(done) => {
            let said = done.stderr_text();
            // sshfs gives ssh a terminal for the password, so ssh's own message (refused,
            // unknown host, wrong password) never reaches us: only "read: Connection reset
            // by peer". Whether the server answers at all tells them apart.
            if let Target::Sftp { host, port, .. } = target {
                if said.to_ascii_lowercase().contains("connection reset by peer") {
                    let bound = how.timeout.min(Duration::from_secs(5));
                    let why = match reachable(host, port.unwrap_or(22), bound) {
                        Err(e) => e,
                        Ok(()) => "Permission denied, please try again (the server closed the login)".into(),
                    };
                    return Err(classify(target, local, how, &why));
                }
            }
            Err(classify(target, local, how, &said))
        }
        // sshfs mounts before the server has answered: what a tool that gave up left on
        // the folder is taken away by the caller, which knew what was there before.
        None => {
            Err(Error::NotResponding { target: local.into(), after: how.timeout, waiting: Waiting::Nothing })
        }
    }
}

/// What stays as it is in a URI's user, host and path: the rest is percent-encoded.
pub(super) const KEEP: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The source an SSHFS drive with a port gets (its `fsname`):
/// `sftp://[user@]host:port/path`, path `/~/...` when relative to the home folder, percent-
/// encoded (so no `,` reaches the option list); [`crate::provider::remote_name`] reads it.
fn sftp_url(user: Option<&str>, host: &str, port: &str, path: &str) -> String {
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/~/{path}") };
    let user = user.map(|u| format!("{}@", utf8_percent_encode(u, KEEP))).unwrap_or_default();
    format!("sftp://{user}{}:{port}{}", utf8_percent_encode(host, KEEP), utf8_percent_encode(&path, KEEP))
}

/// Can a TCP connection be made to `host:port` within `bound`? The error in the words
/// `classify` reads (name lookup can block: it runs on a thread of its own).
fn reachable(host: &str, port: u16, bound: Duration) -> std::result::Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let (tx, rx) = std::sync::mpsc::channel();
    let target = (host.to_owned(), port);
    std::thread::spawn(move || {
        let r = match target.to_socket_addrs() {
            Err(e) => Err(format!("could not resolve hostname {}: {e}", target.0)),
            Ok(addrs) => {
                let mut last = "no address".to_owned();
                let mut ok = false;
                for a in addrs {
                    match TcpStream::connect_timeout(&a, bound) {
                        Ok(_) => {
                            ok = true;
                            break;
                        }
                        Err(e) => last = format!("connect to {a}: {e}"),
                    }
                }
                if ok {
                    Ok(())
                } else {
                    Err(last)
                }
            }
        };
        let _ = tx.send(r);
    });
    rx.recv_timeout(bound + Duration::from_millis(200))
        .unwrap_or_else(|_| Err(format!("connect to {host}:{port}: connection timed out")))
}

pub(crate) fn package(program: &str) -> &'static str {
    match program {
        "sshfs" => "sshfs",
        "rclone" => "rclone",
        "mount.cifs" => "cifs-utils",
        _ => "mount nfs-common",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Provider;

    #[test]
    fn fstab_entries_the_boot_mounts_are_restored_on_demand_ones_not() {
        let e = |options: &str| profile::FstabEntry {
            source: "//nas/share".into(),
            mount_point: "/mnt/nas".into(),
            fstype: "cifs".into(),
            options: options.into(),
            provider: Provider::Smb,
        };
        let root = is_root();
        assert_eq!(restorable_fstab(&e("defaults")), root);
        assert_eq!(restorable_fstab(&e("_netdev,credentials=/etc/nas")), root);
        assert!(restorable_fstab(&e("user,rw")));
        assert!(!restorable_fstab(&e("noauto,user")));
        assert!(!restorable_fstab(&e("x-systemd.automount,users")));
    }

    /// WNetAddConnection2 with `\\host@port\path`: the drive's remote name, read back from
    /// the mount table's source, is the name it was connected with.
    #[test]
    fn a_port_stays_in_the_remote_name() {
        let name = |src: String| crate::provider::remote_name(Provider::Sshfs, OsStr::new(&src), None);
        assert_eq!(
            name(sftp_url(Some("me"), "127.0.0.1", "2299", "/srv/a b,c")),
            r"\\127.0.0.1@2299\srv\a b,c"
        );
        assert_eq!(name(sftp_url(None, "h", "22", "docs")), r"\\h@22\~\docs");
        assert!(!sftp_url(None, "h", "22", "/a,b").contains(','), "no comma in an -o value");
    }
}
