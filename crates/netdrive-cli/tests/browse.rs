//! `netdrive browse` and libmpr's `RESOURCE_GLOBALNET` on real announcers, in a network
//! namespace each test makes (`unshare --net --mount`): loopback and a veth pair
//! `nd0`/`nd1` (10.231.0.1, 10.231.0.2), nothing that reaches outside. In it run a private
//! system bus, `avahi-daemon` (on `nd0` only, its own config, host name `ndsrv`),
//! Samba's `smbd` with two shares and OpenSSH's `sshd`, announced with `avahi-publish`; a
//! WebDAV and an NFS announcement (the kernel here has no nfsd: `showmount -e` is replaced
//! by `NETDRIVE_SHOWMOUNT`, a script that prints output recorded from a real one); and
//! `silent.local` (10.231.0.3 on `nd1`), announced for SMB, which accepts connections
//! and never answers. A recorded mount table holds a cifs drive of `//10.231.0.1/public`,
//! so `\\10.231.0.1` is a server known from a drive.
#![allow(clippy::unwrap_used)]

use std::io::BufRead;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use testbed::require;

const INNER: &str = "NETDRIVE_BROWSE_NETNS";
const SMB_PASSWORD: &str = "browse-secret-4711";

/// In the parent: run `test` again alone in a new network and mount namespace, and check
/// that it ran there and passed. In the child: `true`, go on.
fn in_namespace(test: &str) -> bool {
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
struct World {
    dir: tempfile::TempDir,
    children: Vec<Child>,
    env: Vec<(String, String)>,
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

    fn start() -> World {
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
        std::thread::sleep(Duration::from_millis(1000));
        w
    }

    fn netdrive(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_netdrive"));
        c.envs(self.env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null());
        c
    }

    fn browse_json(&self, args: &[&str]) -> Value {
        let out = self.netdrive().args(["browse", "--json", "--timeout", "2"]).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn wait_for(mut ok: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ok() {
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn node<'a>(nodes: &'a Value, remote: &str) -> &'a Value {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["remote_name"] == remote)
        .unwrap_or_else(|| panic!("{remote} is not in {nodes:#}"))
}

fn names(nodes: &Value) -> Vec<String> {
    let mut v: Vec<String> =
        nodes.as_array().unwrap().iter().map(|n| n["remote_name"].as_str().unwrap().to_owned()).collect();
    v.sort();
    v
}

fn check_tree(tree: &Value) {
    let smb = &node(&tree["tree"], "SMB")["children"];
    assert_eq!(names(smb), [r"\\10.231.0.1", r"\\ndsrv.local", r"\\silent.local"]);
    let files = node(smb, r"\\ndsrv.local");
    assert_eq!((files["comment"].as_str(), files["origin"].as_str()), (Some("Files"), Some("dns-sd")));
    assert_eq!(names(&files["children"]), [r"\\ndsrv.local\media", r"\\ndsrv.local\public"], "{files:#}");
    assert_eq!(node(&files["children"], r"\\ndsrv.local\public")["comment"], "Files for everyone");
    assert_eq!(node(&files["children"], r"\\ndsrv.local\media")["usage"], 1);
    let known = node(smb, r"\\10.231.0.1");
    assert_eq!(known["origin"], "connected");
    assert_eq!(names(&known["children"]), [r"\\10.231.0.1\media", r"\\10.231.0.1\public"]);
    let silent = node(smb, r"\\silent.local");
    assert_eq!(silent["error"]["code"], 121, "{silent:#}");
    let ssh = &node(&tree["tree"], "SSHFS")["children"];
    assert_eq!(names(&node(ssh, r"\\ndsrv.local")["children"]), [r"\\ndsrv.local\~"]);
    let nfs = &node(&tree["tree"], "NFS")["children"];
    assert_eq!(
        names(&node(nfs, r"\\ndsrv.local")["children"]),
        [r"\\ndsrv.local\srv\nfs\public", r"\\ndsrv.local\srv\nfs\team"]
    );
    let dav = &node(&tree["tree"], "WebDAV")["children"];
    assert_eq!(names(&node(dav, r"\\ndsrv.local@8080")["children"]), [r"\\ndsrv.local@8080\dav"]);
}

#[test]
fn browse_finds_announced_servers_their_shares_and_bounds_a_silent_host() {
    if !in_namespace("browse_finds_announced_servers_their_shares_and_bounds_a_silent_host") {
        return;
    }
    let w = World::start();
    let start = Instant::now();
    let tree = w.browse_json(&[]);
    let took = start.elapsed();
    assert_eq!(tree["discovery"], "avahi");
    check_tree(&tree);
    // Discovery (~1 s with Avahi) and the silent host's bound (2 s) at once, not in turn.
    assert!(took < Duration::from_secs(5), "the whole tree took {took:?}");

    // Human output streams: the first server shows long before the silent host's bound ends.
    let mut child = w
        .netdrive()
        .args(["browse", "--timeout", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut first_server = None;
    let mut lines = Vec::new();
    for l in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let l = l.unwrap();
        if first_server.is_none() && l.starts_with("  \\\\") {
            first_server = Some(start.elapsed());
        }
        lines.push(l);
    }
    let end = start.elapsed();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = first_server.unwrap_or_else(|| panic!("no server line: {lines:#?}"));
    assert!(first + Duration::from_millis(900) < end, "first server at {first:?}, end at {end:?}");
    assert!(
        lines.contains(&"    \\\\ndsrv.local\\public  (Files for everyone, SMB)".to_owned()),
        "{lines:#?}"
    );
    assert!(stderr.contains("silent.local") && stderr.contains("ERROR_SEM_TIMEOUT (121)"), "{stderr}");

    // One server by name, in a new process: its `.local` name is resolved through DNS-SD.
    let one = w.browse_json(&[r"\\ndsrv.local"]);
    assert_eq!(names(&one["tree"]), [r"\\ndsrv.local\media", r"\\ndsrv.local\public"]);
    // A share is not a container.
    let out = w.netdrive().args(["browse", r"\\ndsrv.local\public"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERROR_NOT_CONTAINER (1207)"));
    // The silent host alone: bounded.
    let start = Instant::now();
    let out = w.netdrive().args(["browse", r"\\silent.local", "--timeout", "1"]).output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(4), "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERROR_SEM_TIMEOUT (121)"));

    // Listing as a user: a wrong password is ERROR_LOGON_FAILURE, the right one lists.
    let as_root = |pw: &str| {
        w.netdrive().args(["browse", r"\\10.231.0.1", "--user", "root"]).env("PASSWD", pw).output().unwrap()
    };
    let out = as_root("wrong");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERROR_LOGON_FAILURE (1326)"), "{out:?}");
    let out = as_root(SMB_PASSWORD);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(r"\\10.231.0.1\media"), "{out:?}");
    // While smbclient waits for the silent host, the password is in its environment and on
    // no command line.
    let mut slow = w
        .netdrive()
        .args(["browse", r"\\silent.local", "--user", "root", "--timeout", "2"])
        .env("PASSWD", SMB_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen_in_environment = false;
    let deadline = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < deadline {
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&cmdline).contains(SMB_PASSWORD),
                "a password on a command line"
            );
            if cmdline.starts_with(b"smbclient\0") {
                let environ = std::fs::read(e.path().join("environ")).unwrap_or_default();
                seen_in_environment |= String::from_utf8_lossy(&environ).contains(SMB_PASSWORD);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    slow.wait().unwrap();
    assert!(seen_in_environment, "smbclient was not seen with the password in its environment");
}

#[test]
fn the_built_in_mdns_client_finds_the_same_tree() {
    if !in_namespace("the_built_in_mdns_client_finds_the_same_tree") {
        return;
    }
    let w = World::start();
    let tree = w.browse_json(&["--discovery", "mdns"]);
    assert_eq!(tree["discovery"], "mdns");
    check_tree(&tree);
}

/// The tree as lines `DEPTH|DISPLAYTYPE|USAGE|PROVIDER|REMOTE|COMMENT` (and
/// `DEPTH|error|CODE|REMOTE`), as `tests/c/browse.c` prints it.
fn flatten(nodes: &Value, depth: usize, out: &mut Vec<String>) {
    for n in nodes.as_array().unwrap() {
        out.push(format!(
            "{depth}|{}|{}|{}|{}|{}",
            n["display_type_code"],
            n["usage"],
            n["provider"].as_str().unwrap(),
            n["remote_name"].as_str().unwrap(),
            n["comment"].as_str().unwrap()
        ));
        if let Some(e) = n.get("error") {
            out.push(format!("{}|error|{}|{}", depth + 1, e["code"], n["remote_name"].as_str().unwrap()));
        }
        if let Some(c) = n.get("children") {
            flatten(c, depth + 1, out);
        }
    }
}

/// target/debug, where cargo put libmpr.so next to this test's folder.
fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    assert!(dir.join("libmpr.so").exists(), "libmpr.so is missing: cargo build -p netdrive-mpr");
    dir
}

#[test]
fn c_enumeration_of_the_tree_matches_browse_json() {
    if !in_namespace("c_enumeration_of_the_tree_matches_browse_json") {
        return;
    }
    let w = World::start();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lib = w.dir.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    for name in ["libmpr.so", "libmpr.so.0"] {
        std::os::unix::fs::symlink(build_dir().join("libmpr.so"), lib.join(name)).unwrap();
    }
    // Plain, and with AddressSanitizer and UBSan (a report fails the program).
    let mut walks = Vec::new();
    for sanitize in [false, true] {
        let exe = w.dir.path().join(if sanitize { "browse-asan" } else { "browse" });
        let mut cc = Command::new(require("cc", "gcc"));
        cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-I"])
            .arg(repo.join("include"))
            .arg(repo.join("crates/mpr/tests/c/browse.c"))
            .arg("-L")
            .arg(&lib)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lmpr", "-o"])
            .arg(&exe);
        if sanitize {
            cc.args(["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all"]);
        }
        let built = cc.output().unwrap();
        assert!(built.status.success(), "cc: {}", String::from_utf8_lossy(&built.stderr));
        let c = Command::new(&exe)
            .envs(w.env.iter().map(|(k, v)| (k, v)))
            .env("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1:abort_on_error=0")
            .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&c.stderr);
        assert!(c.status.success(), "sanitize {sanitize}: {stderr}");
        let mut lines: Vec<String> = String::from_utf8_lossy(&c.stdout).lines().map(str::to_owned).collect();
        lines.sort();
        walks.push(lines);
    }
    // libmpr's bound is the default, 3 s: the same for the command.
    let out = w.netdrive().args(["browse", "--json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_tree(&json);
    let mut from_json = Vec::new();
    flatten(&json["tree"], 0, &mut from_json);
    from_json.sort();
    let from_c = &walks[0];
    assert_eq!(*from_c, from_json);
    assert_eq!(walks[1], from_json, "the sanitized walk");
    assert!(from_c.iter().any(|l| l == r"2|3|1|SMB|\\ndsrv.local\public|Files for everyone"), "{from_c:#?}");
    assert!(from_c.iter().any(|l| l == r"2|error|121|\\silent.local"), "{from_c:#?}");
}
