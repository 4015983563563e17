//! The WNet calls added for the whole API, from C, against a real sshfs drive:
//! `tests/c/conformance.c` (each check cites Microsoft's page and rule), Microsoft's own
//! samples for "Adding a Network Connection" and `WNetGetUniversalName` (adapted only in
//! `#include` and drive names; see `tests/c/samples`), and a program that includes a
//! `windows.h` shim before `winnetwk.h`. Each runs plain and under AddressSanitizer and
//! UndefinedBehaviorSanitizer. Connections are made without passwords through an
//! `ssh-agent` holding the server's key, as a login session has.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use testbed::{is_mounted, require, Mount, Sshd};

/// `ssh-agent` in the foreground, with the server's key; stopped when dropped.
struct Agent {
    child: Child,
    socket: std::path::PathBuf,
}

impl Agent {
    fn start(dir: &Path, key: &Path) -> Agent {
        let socket = dir.join("agent.sock");
        let child = Command::new(require("ssh-agent", "openssh-client"))
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "ssh-agent did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let agent = Agent { child, socket };
        let r = Command::new("ssh-add").arg(key).env("SSH_AUTH_SOCK", &agent.socket).output().unwrap();
        assert!(r.status.success(), "ssh-add: {}", String::from_utf8_lossy(&r.stderr));
        agent
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A host key sshfs may add to root's `known_hosts`, removed before and after.
struct KnownHost(String);

impl KnownHost {
    fn new(host: String) -> KnownHost {
        let k = KnownHost(host);
        k.forget();
        k
    }

    fn forget(&self) {
        let _ = Command::new("ssh-keygen").args(["-R", &self.0]).output();
    }
}

impl Drop for KnownHost {
    fn drop(&mut self) {
        self.forget();
    }
}

/// A sanitized run's output must hold no report.
fn assert_clean(name: &str, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: {}\n{stdout}\n{stderr}", out.status);
    common::assert_no_sanitizer_report(name, &stderr);
}

/// Unmount whatever a failed run left on our own folders (never anyone else's).
fn clean_up(paths: impl IntoIterator<Item = std::path::PathBuf>) {
    for p in paths {
        if is_mounted(&p) {
            drop(Mount::adopt(&p));
        }
    }
}

#[test]
fn c_programs_from_microsofts_pages_against_a_real_drive() {
    let base = testbed::open_tempdir();
    let sshd = Sshd::start();
    let agent = Agent::start(base.path(), &sshd.key);
    let export = sshd.export.display().to_string().replace('/', "\\");
    let unc = format!(r"\\127.0.0.1{export}");
    let remote = format!(r"\\127.0.0.1@{}{export}", sshd.server.port);
    // sshfs accepts the server's key into root's known_hosts (accept-new); it is taken out
    // again however the test ends.
    let _known = KnownHost::new(format!("[127.0.0.1]:{}", sshd.server.port));

    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let dir = base.path().join(name);
        let (folder, restore, sample_at, runtime, config) =
            (dir.join("add"), dir.join("restore"), dir.join("sample"), dir.join("run"), dir.join("config"));
        // The profile starts empty: what `restore` is remembered as is what the program's
        // own WNetAddConnection2 with CONNECT_UPDATE_PROFILE writes.
        for d in [&folder, &restore, &sample_at, &runtime, &config] {
            std::fs::create_dir_all(d).unwrap();
        }
        let drive = sshd.mount(&dir.join("drive"));
        let env = |c: &mut Command| {
            c.env("XDG_CONFIG_HOME", &config)
                .env("XDG_RUNTIME_DIR", &runtime)
                .env("SSH_AUTH_SOCK", &agent.socket)
                .env("NETDRIVE_FSTAB", "/dev/null")
                .envs(common::SANITIZER_ENV);
        };

        // The conformance suite.
        let program = dir.join("conformance");
        common::compile_with("conformance.c", &dir, &program, sanitize, &["-pedantic"]);
        let mut c = Command::new(&program);
        env(&mut c);
        c.env("CONF_DRIVE", &drive.path)
            .env("CONF_UNC", &unc)
            .env("CONF_REMOTE", &remote)
            .env("CONF_FOLDER", &folder)
            .env("CONF_RESTORE", &restore);
        let out = c.output().unwrap();
        let leftovers = std::fs::read_dir(runtime.join("netdrive"))
            .map(|d| d.flatten().map(|e| e.path()).collect::<Vec<_>>())
            .unwrap_or_default();
        clean_up([folder.clone(), restore.clone()].into_iter().chain(leftovers));
        assert_clean(&format!("conformance {name}"), &out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("conformance: ") && stdout.contains(" 0 failed"), "{name}: {stdout}");
        println!("{name}: {}", stdout.trim());

        // Microsoft's WNetGetUniversalName sample, given a path inside the drive.
        let program = dir.join("wnetgetuniversalname");
        common::compile_with(
            "samples/wnetgetuniversalname.c",
            &dir,
            &program,
            sanitize,
            &["-fshort-wchar", "-Wno-unknown-pragmas", "-Wno-unused-parameter", "-Wno-return-type"],
        );
        let mut c = Command::new(&program);
        env(&mut c);
        let out = c.arg(drive.path.join("Win32/Examples/Sample.doc")).output().unwrap();
        assert_clean(&format!("sample {name}"), &out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let want = format!("{unc}\\Win32\\Examples\\Sample.doc");
        for line in [
            "WNetGetUniversalName returned success for InfoLevel=UNIVERSAL_NAME_INFO_LEVEL".to_owned(),
            "WNetGetUniversalName returned success for InfoLevel=REMOTE_NAME_INFO_LEVEL".to_owned(),
            format!("\tUniversal name = {want}"),
            format!("\tConnection name = {unc}"),
            "\tRemaining path = \\Win32\\Examples\\Sample.doc".to_owned(),
        ] {
            assert!(stdout.lines().any(|l| l == line), "{name}: no {line:?} in:\n{stdout}");
        }

        // Microsoft's "Adding a Network Connection" sample: connects, then reports the
        // local name already assigned, then (disconnected, still remembered) the
        // reassignment of a remembered device.
        let program = dir.join("adding_a_network_connection");
        common::compile_with(
            "samples/adding_a_network_connection.c",
            &dir,
            &program,
            sanitize,
            &["-Wno-unknown-pragmas"],
        );
        let mut c = Command::new(&program);
        env(&mut c);
        let out = c.arg(&sample_at).arg(&remote).arg("SSHFS").arg(format!(r"{remote}\sub")).output().unwrap();
        let left = is_mounted(&sample_at);
        clean_up([sample_at.clone()]);
        assert_clean(&format!("adding sample {name}"), &out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.lines().collect::<Vec<_>>(),
            [
                "Connected to the specified resource.",
                &format!("connected: {remote}"),
                "Already connected to specified resource.",
                "Attempted reassignment of remembered device.",
                "results: 0 85 1202"
            ],
            "{name}"
        );
        assert!(!left, "{name}: the sample's drive was left mounted");
        drop(drive);
    }
}

/// `WNetUseConnection` without a local name and without `CONNECT_REDIRECT`: a connection
/// without a local device, which on Linux is a GVfs mount, in a session with its own bus
/// and a real gvfsd that logs in to the test's server; cancelled by its remote name.
#[test]
fn a_connection_without_a_local_device_from_c() {
    let base = testbed::open_tempdir();
    let sshd = Sshd::start();
    let bus = common::bus::SessionBus::start(&sshd.key);
    let export = sshd.export.display().to_string().replace('/', "\\");
    let remote = format!(r"\\127.0.0.1@{}{export}", sshd.server.port);
    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let dir = base.path().join(name);
        std::fs::create_dir_all(dir.join("config")).unwrap();
        let program = dir.join("conformance");
        common::compile_with("conformance.c", &dir, &program, sanitize, &["-pedantic"]);
        let out = Command::new(&program)
            .arg("deviceless")
            .envs(bus.env())
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("NETDRIVE_FSTAB", "/dev/null")
            .env("CONF_REMOTE", &remote)
            .envs(common::SANITIZER_ENV)
            .output()
            .unwrap();
        let mounts = bus.mounts();
        assert_clean(&format!("deviceless {name}"), &out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("conformance deviceless: ") && stdout.contains(" 0 failed"),
            "{name}: {stdout}"
        );
        // Every GVfs mount the program made is gone again.
        assert!(!mounts.contains("sftp://"), "{name}: left mounted: {mounts}");
        println!("{name}: {}", stdout.trim());
    }
}

#[test]
fn a_program_with_its_own_windows_h_shim_compiles_and_runs() {
    let base = tempfile::tempdir().unwrap();
    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let program = base.path().join(name);
        common::compile_with("shim_first.c", base.path(), &program, sanitize, &["-pedantic"]);
        let out = Command::new(&program).envs(common::SANITIZER_ENV).output().unwrap();
        assert_clean(name, &out);
        // TEXT("shim") is a char string without UNICODE; SSHFS's type is netdrive's 0x7E01.
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("shim 0 {}", 0x7E01), "{name}");
    }
    // With UNICODE, TEXT() and the plain names are the W ones.
    let program = base.path().join("unicode");
    common::compile_with("shim_first.c", base.path(), &program, false, &["-DUNICODE", "-Wno-format"]);
}

#[test]
fn every_name_of_the_sdk_header_has_its_value() {
    let base = tempfile::tempdir().unwrap();
    for (name, flags) in [("ansi", &["-pedantic"][..]), ("unicode", &["-pedantic", "-DUNICODE"][..])] {
        let program = base.path().join(name);
        // A missing name or a different value is a compile error (see the file).
        common::compile_with("sdk_names.c", base.path(), &program, false, flags);
        assert!(Command::new(&program).status().unwrap().success(), "{name}");
    }
    // And the header is C++ too.
    let r = Command::new(require("g++", "g++"))
        .args(["-x", "c++", "-std=c++17", "-Wall", "-Werror", "-fsyntax-only", "-I"])
        .arg(common::repo().join("include"))
        .arg(common::repo().join("crates/mpr/tests/c/sdk_names.c"))
        .output()
        .unwrap();
    assert!(r.status.success(), "g++: {}", String::from_utf8_lossy(&r.stderr));
}
