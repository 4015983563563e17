//! `netdrive demo`: real network drives on 127.0.0.1, so a newcomer sees the dialog at work.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::atomic::Ordering;
use std::time::Duration;

use netdrive::escape;
use netdrive_loopback::{FileHolder, Mount, Smbd, Sshd, WebDav};

use crate::cli::DemoArgs;
use crate::stderr::say;

/// Programs the demo needs, with their Debian packages.
const NEEDS: [(&str, &str); 6] = [
    ("sshd", "openssh-server"),
    ("sshfs", "sshfs"),
    ("smbd", "samba"),
    ("rclone", "rclone"),
    ("mount.davfs", "davfs2"),
    ("fusermount3", "fuse3"),
];

/// Everything the demo started; dropped in order: the busy process, the mounts, the servers.
struct Demo {
    _holder: FileHolder,
    mounts: Vec<Mount>,
    _sshd: Sshd,
    _smbd: Smbd,
    _dav: WebDav,
    base: tempfile::TempDir,
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.mounts.clear();
        let _ = std::fs::remove_dir_all(self.base.path());
    }
}

fn missing() -> Vec<&'static str> {
    NEEDS.iter().filter(|(p, pkg)| netdrive_loopback::require(p, pkg).is_err()).map(|(_, pkg)| *pkg).collect()
}

fn start() -> netdrive_loopback::Result<Demo> {
    let base = tempfile::Builder::new()
        .prefix("netdrive-demo.")
        .tempdir()
        .map_err(|e| netdrive_loopback::Error(format!("temporary folder: {e}")))?;
    let sshd = Sshd::start()?;
    let smbd = Smbd::start()?;
    let dav = WebDav::start()?;
    let mounts = vec![
        sshd.mount(&base.path().join("Projects"))?,
        smbd.rclone_mount(&base.path().join("Office share"))?,
        dav.davfs_mount(&base.path().join("WebDAV"))?,
    ];
    let holder = FileHolder::open(&base.path().join("Projects/hello.txt"))?;
    Ok(Demo { _holder: holder, mounts, _sshd: sshd, _smbd: smbd, _dav: dav, base })
}

/// What the demo says goes to standard error; standard output carries only the dialog's
/// answer, so `netdrive demo --json` stays parseable.
pub fn run(out: &mut impl Write, a: &DemoArgs) -> ExitCode {
    if !rustix::process::geteuid().is_root() {
        say!("netdrive demo starts servers and mounts drives: run it as root (sudo netdrive demo)");
        return ExitCode::from(3);
    }
    let lacking = missing();
    if !lacking.is_empty() {
        if !a.install {
            say!(
                "netdrive demo needs: {0}\nrun: apt-get update && apt-get install -y {0}\n(or: netdrive demo --install)",
                lacking.join(" ")
            );
            return ExitCode::from(3);
        }
        say!("netdrive demo: installing {}", lacking.join(" "));
        let ok = Command::new("apt-get").arg("update").status().is_ok_and(|s| s.success())
            && Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(&lacking)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .is_ok_and(|s| s.success());
        if !ok {
            say!("netdrive demo: the install failed; run apt-get install -y {} yourself", lacking.join(" "));
            return ExitCode::from(3);
        }
    }
    let stop = crate::stop_on_signals();
    say!("netdrive demo: starting sshd, smbd and a WebDAV server on 127.0.0.1…");
    let demo = match start() {
        Ok(d) => d,
        Err(e) => {
            say!("netdrive demo: {e}");
            return ExitCode::from(3);
        }
    };
    say!("Three network drives, served on 127.0.0.1:");
    for m in &demo.mounts {
        say!("  {}", escape(m.path.as_os_str()));
    }
    say!(
        "{} is kept busy by a `sleep` process, to show what happens to a drive in use.",
        escape(demo.base.path().join("Projects").as_os_str())
    );
    let code = if a.no_dialog {
        say!(
            "Try: netdrive list; netdrive who {}; Ctrl-C ends the demo.",
            quote(&demo.base.path().join("Projects"))
        );
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
        ExitCode::SUCCESS
    } else {
        let args = crate::cli::DialogArgs {
            owner: String::new(),
            json: a.json,
            tui: a.tui,
            timeout: None,
            connect: false,
            remote: None,
            local: None,
        };
        crate::output::dialog_until(out, &args, &stop)
    };
    drop(demo);
    say!("netdrive demo: everything it started is stopped and unmounted.");
    code
}

/// A path to paste into a shell: shown escaped (no control character reaches the
/// terminal), then quoted for the shell, whatever quotes or spaces it holds.
fn quote(p: &Path) -> String {
    let shown = escape(p.as_os_str());
    shlex::try_quote(&shown).map_or(shown.clone(), |q| q.into_owned())
}

#[cfg(test)]
mod tests {
    use super::quote;
    use std::path::Path;

    #[test]
    fn quoted_paths_survive_a_shell() {
        for name in ["/tmp/netdrive-demo.x/Projects", "/tmp/it's here", "/tmp/a \"b\" $HOME `x`"] {
            let q = quote(Path::new(name));
            let echoed = std::process::Command::new("sh").arg("-c").arg(format!("printf %s {q}")).output();
            assert_eq!(String::from_utf8_lossy(&echoed.expect("sh").stdout), name, "{q}");
        }
    }
}
