//! Running the real `netdrive` binary as a person or a script would.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_netdrive");

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

fn finish(cmd: Command) -> Run {
    run_with_input(cmd, None)
}

/// `cmd` run to its end, with `stdin` (one line) as its standard input, or none.
pub fn run_with_input(mut cmd: Command, stdin: Option<&str>) -> Run {
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("run netdrive");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(format!("{text}\n").as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for netdrive");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

/// `netdrive ARGS...` with a private profile folder.
pub fn nd<I, S>(config: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    nd_env(config, &[], args)
}

/// [`nd`] with more environment (`NETDRIVE_MOUNTINFO`, `NETDRIVE_FSTAB`, ...).
pub fn nd_env<I, S>(config: &Path, env: &[(&str, &OsStr)], args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = command(config);
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    finish(c)
}

/// `netdrive`, not run yet, with a private profile folder and no fstab.
pub fn command(config: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("XDG_CONFIG_HOME", config).env("NETDRIVE_FSTAB", "/dev/null");
    c
}

/// `base/name`, made.
pub fn folder(base: &Path, name: &str) -> PathBuf {
    let p = base.join(name);
    std::fs::create_dir_all(&p).expect("folder");
    p
}

/// `netdrive ARGS...` as the unprivileged test user.
pub fn nd_as_test_user<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = testbed::as_test_user(BIN);
    c.args(args);
    finish(c)
}

/// A name from `list --json`, exactly (from `*_bytes` when it is not UTF-8).
pub fn json_name(obj: &Value, key: &str) -> OsString {
    if let Some(bytes) = obj.get(format!("{key}_bytes")).and_then(Value::as_array) {
        return OsString::from_vec(bytes.iter().map(|b| b.as_u64().expect("byte") as u8).collect());
    }
    OsString::from(obj[key].as_str().expect("string"))
}

/// The `list --json` entry for a mount point.
pub fn listed(config: &Path, mount_point: &Path) -> Option<Value> {
    let r = nd(config, ["list", "--json"]);
    assert_eq!(r.code, 0, "list failed: {}", r.stderr);
    r.json()
        .as_array()
        .expect("array")
        .iter()
        .find(|c| json_name(c, "local_name").as_bytes() == mount_point.as_os_str().as_bytes())
        .cloned()
}

/// Read a piped child's standard output and error to their ends on threads, so a test can
/// watch the child with its own time limit; join them once it ended.
pub fn drain(
    child: &mut std::process::Child,
) -> (std::thread::JoinHandle<String>, std::thread::JoinHandle<String>) {
    fn read(mut p: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = p.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    }
    (read(child.stdout.take().expect("piped stdout")), read(child.stderr.take().expect("piped stderr")))
}
