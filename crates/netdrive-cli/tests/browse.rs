//! `netdrive browse` and libmpr's `RESOURCE_GLOBALNET` on real announcers: the world of
//! `testbed::netns` (avahi announcing smbd with two shares, sshd, WebDAV, NFS, and a
//! silent host), in a network namespace each test makes.
#![allow(clippy::unwrap_used)]

use std::io::BufRead;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use testbed::netns::{in_namespace, World, SMB_PASSWORD};
use testbed::require;

fn netdrive(w: &World) -> Command {
    w.command(env!("CARGO_BIN_EXE_netdrive"))
}

fn browse_json(w: &World, args: &[&str]) -> Value {
    let out = netdrive(w).args(["browse", "--json", "--timeout", "2"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
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
    let tree = browse_json(&w, &[]);
    let took = start.elapsed();
    assert_eq!(tree["discovery"], "avahi");
    check_tree(&tree);
    // Discovery (~1 s with Avahi) and the silent host's bound (2 s) at once, not in turn.
    assert!(took < Duration::from_secs(5), "the whole tree took {took:?}");

    // Human output streams: the first server shows long before the silent host's bound ends.
    let mut child = netdrive(&w)
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
    let one = browse_json(&w, &[r"\\ndsrv.local"]);
    assert_eq!(names(&one["tree"]), [r"\\ndsrv.local\media", r"\\ndsrv.local\public"]);
    // A share is not a container.
    let out = netdrive(&w).args(["browse", r"\\ndsrv.local\public"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERROR_NOT_CONTAINER (1207)"));
    // The silent host alone: bounded.
    let start = Instant::now();
    let out = netdrive(&w).args(["browse", r"\\silent.local", "--timeout", "1"]).output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(4), "{:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERROR_SEM_TIMEOUT (121)"));

    // Listing as a user: a wrong password is ERROR_LOGON_FAILURE, the right one lists.
    let as_root = |pw: &str| {
        let mut c = netdrive(&w)
            .args(["browse", r"\\10.231.0.1", "--user", "root", "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(c.stdin.take().unwrap(), "{pw}").unwrap();
        c.wait_with_output().unwrap()
    };
    let out = as_root("wrong");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERROR_LOGON_FAILURE (1326)"), "{out:?}");
    let out = as_root(SMB_PASSWORD);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(r"\\10.231.0.1\media"), "{out:?}");
    // While smbclient waits for the silent host, the password is on no command line and in
    // no environment (other processes of the same user read both in /proc).
    let mut slow = netdrive(&w)
        .args(["browse", r"\\silent.local", "--user", "root", "--password-stdin", "--timeout", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(slow.stdin.take().unwrap(), "{SMB_PASSWORD}").unwrap();
    let mut smbclient_seen = false;
    let deadline = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < deadline {
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&cmdline).contains(SMB_PASSWORD),
                "a password on a command line"
            );
            let environ = std::fs::read(e.path().join("environ")).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&environ).contains(SMB_PASSWORD),
                "a password in an environment"
            );
            smbclient_seen |= cmdline.starts_with(b"smbclient\0");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    slow.wait().unwrap();
    assert!(smbclient_seen, "smbclient was never seen running: nothing was checked");
}

#[test]
fn the_built_in_mdns_client_finds_the_same_tree() {
    if !in_namespace("the_built_in_mdns_client_finds_the_same_tree") {
        return;
    }
    let w = World::start();
    let tree = browse_json(&w, &["--discovery", "mdns"]);
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
    let out = netdrive(&w).args(["browse", "--json"]).output().unwrap();
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
