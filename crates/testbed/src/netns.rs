//! A small network of announcers for browsing tests, in a network namespace each test
//! makes (`unshare --net --mount`): loopback and a veth pair `nd0`/`nd1` (10.231.0.1,
//! 10.231.0.2), nothing that reaches outside. In it run a private system bus,
//! `avahi-daemon` (on `nd0` only, its own config, host name `ndsrv`), Samba's `smbd` with
//! two shares (`public` "Files for everyone", `media` "Films and music") and OpenSSH's
//! `sshd`, announced with `avahi-publish`; a WebDAV and an NFS announcement (the kernel
//! here has no nfsd: `showmount -e` is replaced by `NETDRIVE_SHOWMOUNT`, a script that
//! prints output recorded from a real one); and `silent.local` (10.231.0.3 on `nd1`),
//! announced for SMB, which accepts connections and never answers. A recorded mount table
//! holds a cifs drive of `//10.231.0.1/public`, so `\\10.231.0.1` is a server known from a
//! drive.
//!
//! Shared by `netdrive browse`'s tests and the connect dialog's Browse… tests.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::require;

const INNER: &str = "NETDRIVE_BROWSE_NETNS";
/// root's Samba password in the world's smbd.
pub const SMB_PASSWORD: &str = "browse-secret-4711";

/// In the parent: run `test` again alone in a new network and mount namespace, and check
/// that it ran there and passed. In the child: `true`, go on.
pub fn in_namespace(test: &str) -> bool {
    if std::env::var_os(INNER).is_some() {
        return true;
    }
    let out = Command::new(require("unshare", "util-linux"))
        .args(["--net", "--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads", "1"])
        .env(INNER, "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{test} failed in its namespace ({})", out.status);
    assert!(stdout.contains("test result: ok. 1 passed;"), "{test} did not run in its namespace");
    false
}

fn sh(cmd: &str) {
    let s = Command::new("sh").args(["-ec", cmd]).status().unwrap();
    assert!(s.success(), "{cmd}: {s}");
}

/// The namespace's servers and announcements; all stopped on drop.
pub struct World {
    /// Its files (configurations, the recorded mount table); gone with it.
    pub dir: tempfile::TempDir,
    children: Vec<Child>,
    /// What a program needs to see this world: the private system bus, the recorded
    /// mount table and `showmount`, no profile or fstab.
    pub env: Vec<(String, String)>,
}

impl Drop for World {
    fn drop(&mut self) {
        for c in self.children.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // smbd starts samba-dcerpcd and its workers on demand, detached: every other
        // process in this network namespace is one of ours, and goes too.
        // Again until none is left: smbd may start one while the others are being killed.
        let ours = std::fs::read_link("/proc/self/ns/net").unwrap();
        let me = std::process::id() as i32;
        for _ in 0..50 {
            let mut left = 0;
            for e in std::fs::read_dir("/proc").unwrap().flatten() {
                let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
                let zombie = std::fs::read_to_string(e.path().join("stat")).is_ok_and(|s| s.contains(") Z "));
                if pid != me
                    && !zombie
                    && std::fs::read_link(e.path().join("ns/net")).ok().as_ref() == Some(&ours)
                {
                    // SAFETY: kill has no memory preconditions; the process is in our own namespace.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    left += 1;
                }
            }
            if left == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl World {
    fn spawn(&mut self, cmd: &mut Command) {
        let c =
            cmd.envs(self.env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null()).stdout(Stdio::null()).spawn();
        self.children.push(c.unwrap_or_else(|e| panic!("{cmd:?}: {e}")));
    }

    /// `program` with this world's environment, stdin closed.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.envs(self.env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null());
        c
    }

    /// Start it all, in the namespace [`in_namespace`] made; back when every
    /// announcement resolves.
    pub fn start() -> World {
        for (p, pkg) in [
            ("avahi-daemon", "avahi-daemon"),
            ("avahi-publish", "avahi-utils"),
            ("smbclient", "smbclient"),
            ("smbd", "samba"),
            ("sshd", "openssh-server"),
            ("dbus-daemon", "dbus"),
            ("ip", "iproute2"),
        ] {
            require(p, pkg);
        }
        sh("ip link set lo up
            ip link add nd0 type veth peer name nd1
            ip addr add 10.231.0.1/24 dev nd0
            ip addr add 10.231.0.2/24 dev nd1
            ip addr add 10.231.0.3/24 dev nd1
            ip link set nd0 up; ip link set nd1 up
            mkdir -p /run/avahi-daemon /run/sshd
            mount -t tmpfs tmpfs /run/avahi-daemon");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_owned();
        let bus = d.join("bus");
        let mut w = World {
            dir,
            children: Vec::new(),
            env: vec![("DBUS_SYSTEM_BUS_ADDRESS".into(), format!("unix:path={}", bus.display()))],
        };
        std::fs::write(
            d.join("bus.conf"),
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n<busconfig><type>system</type>\
                 <listen>unix:path={}</listen><auth>EXTERNAL</auth><policy context=\"default\"><allow user=\"*\"/>\
                 <allow own=\"*\"/><allow send_destination=\"*\"/><allow receive_sender=\"*\"/></policy></busconfig>\n",
                bus.display()
            ),
        )
        .unwrap();
        w.spawn(
            Command::new("dbus-daemon")
                .arg(format!("--config-file={}", d.join("bus.conf").display()))
                .arg("--nofork"),
        );
        wait_for(|| bus.exists(), "the private system bus");
        std::fs::write(
            d.join("avahi.conf"),
            "[server]\nhost-name=ndsrv\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=nd0\n\
             ratelimit-interval-usec=1000000\nratelimit-burst=1000\n[wide-area]\nenable-wide-area=no\n\
             [publish]\npublish-hinfo=no\npublish-workstation=no\n",
        )
        .unwrap();
        w.spawn(
            Command::new("avahi-daemon")
                .arg("-f")
                .arg(d.join("avahi.conf"))
                .args(["--no-drop-root", "--no-chroot", "--no-rlimits"])
                .stderr(Stdio::null()),
        );
        // smbd with two shares, guests allowed.
        let smb = d.join("smb");
        for sub in ["priv", "lock", "state", "cache", "pid", "public", "media"] {
            std::fs::create_dir_all(smb.join(sub)).unwrap();
        }
        std::fs::write(
            d.join("smb.conf"),
            format!(
                "[global]\ninterfaces = 10.231.0.1/24\nbind interfaces only = yes\nprivate dir = {s}/priv\n\
                 lock directory = {s}/lock\nstate directory = {s}/state\ncache directory = {s}/cache\n\
                 pid directory = {s}/pid\nncalrpc dir = {s}/lock/ncalrpc\nlog file = {s}/log\n\
                 map to guest = Bad User\ndisable netbios = yes\nmulticast dns register = no\nserver role = standalone server\n\
                 [public]\npath = {s}/public\ncomment = Files for everyone\nguest ok = yes\n\
                 [media]\npath = {s}/media\ncomment = Films and music\nguest ok = yes\n",
                s = smb.display()
            ),
        )
        .unwrap();
        w.spawn(
            Command::new("smbd").args(["--foreground", "--no-process-group", "-s"]).arg(d.join("smb.conf")),
        );
        // root has a Samba password, for listing as a user.
        let mut pw = Command::new("smbpasswd")
            .args(["-c"])
            .arg(d.join("smb.conf"))
            .args(["-a", "-s", "root"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::io::Write::write_all(
            &mut pw.stdin.take().unwrap(),
            format!("{SMB_PASSWORD}\n{SMB_PASSWORD}\n").as_bytes(),
        )
        .unwrap();
        assert!(pw.wait().unwrap().success(), "smbpasswd");
        // sshd on the usual port: the namespace is ours.
        sh(&format!("ssh-keygen -q -t ed25519 -N '' -f {}/host_key", d.display()));
        std::fs::write(
            d.join("sshd_config"),
            format!(
                "Port 22\nListenAddress 10.231.0.1\nHostKey {}/host_key\nUsePAM no\nPidFile none\nLogLevel ERROR\n",
                d.display()
            ),
        )
        .unwrap();
        w.spawn(
            Command::new(require("sshd", "openssh-server"))
                .args(["-D", "-e", "-f"])
                .arg(d.join("sshd_config")),
        );
        // The NFS server's exports, as a real `showmount -e --no-headers` printed them.
        let showmount = d.join("showmount");
        std::fs::write(
            &showmount,
            "#!/bin/sh\n[ \"$4\" = 10.231.0.1 ] || { echo 'clnt_create: RPC: Program not registered' >&2; exit 1; }\n\
             printf '/srv/nfs/public *\\n/srv/nfs/team   10.231.0.0/24\\n'\n",
        )
        .unwrap();
        sh(&format!("chmod 755 {}", showmount.display()));
        w.env.push(("NETDRIVE_SHOWMOUNT".into(), showmount.display().to_string()));
        // A drive of that server, and no profile or fstab.
        let mountinfo = d.join("mountinfo");
        std::fs::write(
            &mountinfo,
            "97 22 0:53 / /mnt/docs rw,relatime shared:53 - cifs //10.231.0.1/public rw,vers=3.1.1\n",
        )
        .unwrap();
        w.env.push(("NETDRIVE_MOUNTINFO".into(), mountinfo.display().to_string()));
        w.env.push(("NETDRIVE_FSTAB".into(), "/dev/null".into()));
        w.env.push(("XDG_CONFIG_HOME".into(), d.display().to_string()));
        wait_for(|| Path::new("/run/avahi-daemon/pid").exists(), "avahi-daemon");
        std::thread::sleep(Duration::from_millis(500));
        for args in [
            &["-s", "Files", "_smb._tcp", "445"][..],
            &["-s", "Shell", "_sftp-ssh._tcp", "22"],
            &["-s", "Exports", "_nfs._tcp", "2049"],
            &["-s", "Dav", "_webdav._tcp", "8080", "path=/dav"],
            &["-a", "-R", "silent.local", "10.231.0.3"],
            &["-s", "-H", "silent.local", "Silent", "_smb._tcp", "445"],
        ] {
            w.spawn(Command::new("avahi-publish").args(args).stderr(Stdio::null()));
        }
        // A host that accepts connections and never answers.
        let silent = TcpListener::bind("10.231.0.3:445").unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for c in silent.incoming().flatten() {
                held.push(c);
            }
        });
        for port in [445, 22] {
            wait_for(|| std::net::TcpStream::connect(("10.231.0.1", port)).is_ok(), "smbd and sshd");
        }
        let t = Instant::now();
        let warm =
            Command::new("smbclient").args(["-g", "-N", "-U", "%", "-L", "//10.231.0.1"]).output().unwrap();
        eprintln!("smbclient -L took {:?}: {}", t.elapsed(), String::from_utf8_lossy(&warm.stdout));
        w.wait_announced();
        w
    }

    /// Until Avahi resolves every announcement (each is probed for before it is
    /// answered for: on a loaded machine that takes a while, and a test that browsed
    /// before would find a part).
    fn wait_announced(&self) {
        let want = ["Files", "Shell", "Exports", "Dav", "Silent"];
        let t = Instant::now();
        let mut seen = String::new();
        while t.elapsed() < Duration::from_secs(20) {
            let out = self
                .command(require("avahi-browse", "avahi-utils"))
                .args(["--all", "--resolve", "--terminate", "--parsable", "--no-db-lookup"])
                .stderr(Stdio::null())
                .output()
                .unwrap();
            seen = String::from_utf8_lossy(&out.stdout).into_owned();
            let resolved =
                |name: &str| seen.lines().any(|l| l.starts_with("=;") && l.split(';').nth(3) == Some(name));
            if want.iter().all(|n| resolved(n)) {
                eprintln!("announced after {:?}", t.elapsed());
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("not every announcement resolved: {seen}");
    }
}

/// Wait up to 10 s for `ok`; a panic naming `what` after.
pub fn wait_for(mut ok: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}
