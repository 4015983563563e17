//! A real X display for GUI tests (Xvfb), an owner window, key presses, screenshots, and
//! a private mount namespace so a test that drives a dialog can only ever touch its own
//! drives.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, CreateWindowAux, WindowClass};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

use crate::require;

/// An Xvfb server on a display number it picked itself (`-displayfd`).
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        let xvfb = require("Xvfb", "xvfb");
        require("xdotool", "xdotool");
        let mut fds = [0; 2];
        // SAFETY: pipe writes two descriptors into the array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe");
        // SAFETY: both descriptors were just created and are owned here.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let w = write.as_raw_fd();
        let mut cmd = Command::new(xvfb);
        cmd.args(["-displayfd", "3", "-screen", "0", "1024x700x24", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        // SAFETY: dup2 is async-signal-safe; it only rearranges the child's descriptors.
        unsafe {
            cmd.pre_exec(move || {
                if libc::dup2(w, 3) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("Xvfb");
        drop(write);
        // Xvfb writes "N\n" and keeps the descriptor open: read the line, not to the end.
        let mut f = std::fs::File::from(read);
        let mut number = String::new();
        let mut byte = [0u8; 1];
        while f.read(&mut byte).map(|n| n == 1).unwrap_or(false) && byte[0] != b'\n' {
            number.push(char::from(byte[0]));
        }
        let display = format!(":{}", number.trim());
        assert!(number.trim().parse::<u32>().is_ok(), "Xvfb did not say its display: {number:?}");
        Xvfb { child, display }
    }

    /// A command with this display.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("DISPLAY", &self.display).env_remove("WAYLAND_DISPLAY");
        c
    }

    /// Wait for a window with this exact title; its id.
    pub fn wait_window(&self, title: &str, timeout: Duration) -> Option<u32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(id) = self.find_window(title) {
                return Some(id);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// A mapped window with this exact title, now.
    pub fn find_window(&self, title: &str) -> Option<u32> {
        let out = self
            .command("xdotool")
            .args(["search", "--onlyvisible", "--name", &format!("^{}$", regex_escape(title))])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).lines().next()?.trim().parse().ok()
    }

    /// Press keys (xdotool names: `Home`, `space`, `Return`, `Escape`, `alt+d`) in a window.
    pub fn keys(&self, window: u32, keys: &[&str]) {
        // Typed as on a keyboard (XTEST) into the focused window, once `window` has the
        // focus; only if it never gets it, sent to it directly (synthetic events).
        let focused = self.wait_focus(window);
        for k in keys {
            let mut cmd = self.command("xdotool");
            cmd.arg("key");
            if !focused {
                cmd.args(["--window", &window.to_string()]);
            }
            let ok = cmd.arg(k).status().map(|s| s.success()).unwrap_or(false);
            // A key that closes its window can make xdotool fail on the key release: that
            // is the key having worked.
            assert!(ok || !self.window_exists(window), "xdotool key {k}");
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Wait (up to 3 s) until `window` has the input focus, as keys typed by a person go
    /// to the focused window only.
    pub fn wait_focus(&self, window: u32) -> bool {
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let focused = self
                .command("xdotool")
                .arg("getwindowfocus")
                .output()
                .ok()
                .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<u32>().ok());
            if focused == Some(window) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        false
    }

    /// Does the window still exist?
    pub fn window_exists(&self, window: u32) -> bool {
        self.command("xdotool")
            .args(["getwindowname", &window.to_string()])
            .stderr(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Save a screenshot as `target/screenshots/NAME.png` (for a person to look at).
    pub fn screenshot(&self, name: &str) -> Option<PathBuf> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(format!("{name}.png"));
        let ok = self.command("import").args(["-window", "root"]).arg(&path).status().ok()?.success();
        ok.then_some(path)
    }

    /// A window's place on the screen and size: (x, y, width, height).
    pub fn frame(&self, window: u32) -> Option<(i32, i32, i32, i32)> {
        let (conn, screen) = x11rb::connect(Some(&self.display)).ok()?;
        let root = conn.setup().roots.get(screen)?.root;
        let g = conn.get_geometry(window).ok()?.reply().ok()?;
        let p = conn.translate_coordinates(window, root, 0, 0).ok()?.reply().ok()?;
        Some((i32::from(p.dst_x), i32::from(p.dst_y), i32::from(g.width), i32::from(g.height)))
    }

    /// Whether `inner`'s centre lies within `outer`, waiting briefly for it to be placed.
    pub fn centred_over(&self, inner: u32, outer: u32) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        loop {
            if let (Some((ix, iy, iw, ih)), Some((ox, oy, ow, oh))) = (self.frame(inner), self.frame(outer)) {
                let (cx, cy) = (ix + iw / 2, iy + ih / 2);
                if (ox..ox + ow).contains(&cx) && (oy..oy + oh).contains(&cy) && (ix, iy) != (0, 0) {
                    return true;
                }
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `WM_TRANSIENT_FOR` of a window, if set.
    pub fn transient_for(&self, window: u32) -> Option<u32> {
        let (conn, _) = x11rb::connect(Some(&self.display)).ok()?;
        let reply = conn
            .get_property(false, window, AtomEnum::WM_TRANSIENT_FOR, AtomEnum::WINDOW, 0, 1)
            .ok()?
            .reply()
            .ok()?;
        let owner = reply.value32()?.next();
        owner
    }

    /// Create and map a plain top-level window: the "application" that owns a dialog.
    pub fn owner_window(&self) -> OwnerWindow {
        let (conn, screen) = x11rb::connect(Some(&self.display)).expect("connect to Xvfb");
        let root = conn.setup().roots[screen].root;
        let id = conn.generate_id().expect("id");
        conn.create_window(
            0,
            id,
            root,
            50,
            50,
            800,
            500,
            0,
            WindowClass::INPUT_OUTPUT,
            0,
            &CreateWindowAux::new(),
        )
        .expect("create window");
        let _ = conn.change_property8(
            x11rb::protocol::xproto::PropMode::REPLACE,
            id,
            x11rb::protocol::xproto::AtomEnum::WM_NAME,
            x11rb::protocol::xproto::AtomEnum::STRING,
            b"netdrive test owner",
        );
        conn.map_window(id).expect("map");
        conn.flush().expect("flush");
        OwnerWindow { conn, id }
    }
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == ' ' { c.to_string() } else { format!("\\{c}") })
        .collect()
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A window made by the test, as a host application's main window.
pub struct OwnerWindow {
    conn: RustConnection,
    pub id: u32,
}

impl OwnerWindow {
    /// Destroy it, as a host closing its main window.
    pub fn destroy(&self) {
        let _ = self.conn.destroy_window(self.id);
        let _ = self.conn.flush();
    }
}

/// Run the calling test in a private mount namespace with no network drive but its own.
///
/// In the parent: re-runs this test binary, only `test_name`, under `unshare -m` and
/// returns `false` once it passed (and checks that it ran: a name that matches no test,
/// say after a rename, fails rather than passing with nothing run). In the child: detaches
/// the copies of other network mounts (copies only: propagation is private, so the
/// originals and their owners are untouched), and returns `true`: go on with the test.
/// The child also gets an empty profile and fstab, no session bus and no controlling
/// terminal, so no remembered drive or gvfs mount of the machine's shows up either, and
/// no dialog opens on the terminal the tests were started from. A test should still choose its
/// drive by name, never "the first row": a copy that could not be detached is listed
/// too, and a forced disconnect of a copy would abort the original's connection.
pub fn private_mount_namespace(test_name: &str) -> bool {
    if std::env::var_os("NETDRIVE_TEST_PRIVATE_NS").is_some() {
        detach_copied_network_mounts();
        return true;
    }
    let exe = std::env::current_exe().expect("current_exe");
    let quiet = tempfile::tempdir().expect("temporary folder");
    let fstab = quiet.path().join("fstab");
    std::fs::write(&fstab, "").expect("empty fstab");
    let mut unshare = Command::new(require("unshare", "util-linux"));
    // SAFETY: setsid is async-signal-safe and only changes the child being started.
    unsafe {
        unshare.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = unshare
        .args(["--mount", "--propagation", "private", "--"])
        .arg(exe)
        .args(["--exact", test_name, "--nocapture", "--test-threads", "1"])
        .env("NETDRIVE_TEST_PRIVATE_NS", "1")
        .env("XDG_CONFIG_HOME", quiet.path())
        .env("NETDRIVE_FSTAB", &fstab)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("unshare");
    // Passed on as it comes (the harness shows it with this test), and read for the
    // harness's verdict: exactly this one test passed.
    let mut ran = false;
    if let Some(out) = child.stdout.take() {
        for line in std::io::BufRead::lines(std::io::BufReader::new(out)).map_while(Result::ok) {
            println!("{line}");
            ran |= line.starts_with("test result: ok. 1 passed;");
        }
    }
    let status = child.wait().expect("wait for unshare");
    assert!(status.success(), "{test_name} failed in its private mount namespace ({status})");
    assert!(
        ran,
        "{test_name} did not run in its private mount namespace: no test has that name (pass the \
         test's own name)"
    );
    false
}

fn detach_copied_network_mounts() {
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    for line in table.lines().rev() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else { continue };
        let fstype = fields.get(dash + 1).copied().unwrap_or("");
        let network = fstype.starts_with("fuse")
            || ["cifs", "smb3", "nfs", "nfs4", "ceph", "9p", "afs", "davfs"].contains(&fstype);
        if network && !fstype.contains("fusectl") {
            let mp = crate::unescape_mountinfo(fields[4]);
            let Ok(c) = std::ffi::CString::new(mp) else { continue };
            // SAFETY: a valid C string; MNT_DETACH never waits for a server.
            if unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) } != 0 {
                // Still listed in here: the test's choosing by name keeps it safe.
                eprintln!(
                    "note: could not hide the copy of {} ({})",
                    c.to_string_lossy(),
                    std::io::Error::last_os_error()
                );
            }
        }
    }
}
