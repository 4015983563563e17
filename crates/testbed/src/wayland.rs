//! A real Wayland desktop for GUI tests: sway, headless, with xdg-foreign (so one
//! program's window can own another's). sway will not run as root, so it runs as the
//! test user; root's programs reach it through its socket.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{ensure_test_user, require, TEST_USER};

pub struct Sway {
    child: Child,
    /// Its `XDG_RUNTIME_DIR`, holding the Wayland and IPC sockets.
    pub runtime_dir: PathBuf,
    /// Its `WAYLAND_DISPLAY`.
    pub display: String,
    _dir: tempfile::TempDir,
}

fn id_of(flag: &str) -> u32 {
    let out = Command::new("id").args([flag, TEST_USER]).output().expect("id");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a numeric id")
}

impl Sway {
    pub fn start() -> Sway {
        let sway = require("sway", "sway");
        ensure_test_user();
        let (uid, gid) = (id_of("-u"), id_of("-g"));
        let dir = tempfile::Builder::new().prefix("netdrive-wayland.").tempdir().expect("temporary folder");
        let runtime_dir = dir.path().to_path_buf();
        let config = runtime_dir.join("config");
        std::fs::write(&config, "xwayland disable\n").expect("sway config");
        std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let c = std::ffi::CString::new(runtime_dir.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: a valid C string for the call's duration.
        assert_eq!(unsafe { libc::chown(c.as_ptr(), uid, gid) }, 0, "chown the runtime folder");
        let child = Command::new(sway)
            .arg("-c")
            .arg(&config)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", format!("/home/{TEST_USER}"))
            .env("XDG_RUNTIME_DIR", &runtime_dir)
            .env("WLR_BACKENDS", "headless")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env("WLR_RENDERER", "pixman")
            .uid(uid)
            .gid(gid)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sway");
        let mut sway = Sway { child, runtime_dir, display: String::new(), _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(15);
        while sway.display.is_empty() {
            assert!(Instant::now() < deadline, "sway did not open its Wayland socket");
            if let Ok(Some(status)) = sway.child.try_wait() {
                panic!("sway exited ({status})");
            }
            sway.display = sway.socket("wayland-", "").unwrap_or_default();
            std::thread::sleep(Duration::from_millis(20));
        }
        while sway.socket("sway-ipc.", ".sock").is_none() {
            assert!(Instant::now() < deadline, "sway did not open its IPC socket");
            std::thread::sleep(Duration::from_millis(20));
        }
        sway
    }

    fn socket(&self, prefix: &str, suffix: &str) -> Option<String> {
        std::fs::read_dir(&self.runtime_dir).ok()?.flatten().find_map(|e| {
            let name = e.file_name().into_string().ok()?;
            (name.starts_with(prefix) && name.ends_with(suffix) && !name.ends_with(".lock")).then_some(name)
        })
    }

    /// `swaymsg -t get_tree`, as text (JSON).
    pub fn tree(&self) -> String {
        let sock = self.runtime_dir.join(self.socket("sway-ipc.", ".sock").unwrap_or_default());
        let out = Command::new(require("swaymsg", "sway"))
            .args(["-r", "-t", "get_tree"])
            .env("SWAYSOCK", sock)
            .output()
            .expect("swaymsg");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Sway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
