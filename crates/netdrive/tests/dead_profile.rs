//! The library with the profile on a network drive whose server stopped: enumerating
//! (`WNetOpenEnum`'s `list`) returns within the bound with the connected drives and a
//! warning naming the profile; later calls do not wait again; changes fail in time.
//! One test in its own binary: it sets the environment before any thread reads it.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::time::{Duration, Instant};

use netdrive::profile::{self, RememberedEntry};
use netdrive::{list, list_with_warnings, Scope, Win32Error};
use testbed::Sshd;

/// Run `f` on a thread; fail (the server is thawed as this unwinds) if it hangs.
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> (T, Duration) {
    let (tx, rx) = std::sync::mpsc::channel();
    let start = Instant::now();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(v) => (v, start.elapsed()),
        Err(_) => panic!("{what} hung"),
    }
}

#[test]
fn enumeration_with_the_profile_on_a_stopped_server_returns_in_time() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    std::fs::create_dir_all(sshd.export.join("cfg")).unwrap();
    let cfg = sshd.mount_remote(&sshd.export.join("cfg"), &base.path().join("cfg"));
    let work = sshd.mount(&base.path().join("work"));
    std::env::set_var("XDG_CONFIG_HOME", &cfg.path);
    std::env::set_var("NETDRIVE_FSTAB", "/dev/null");
    std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
    let entry = |path: &std::path::Path| RememberedEntry {
        local_name: path.to_str().unwrap().into(),
        remote_name: r"\\127.0.0.1\export".into(),
        source: "127.0.0.1:/export".into(),
        provider: "SSHFS".into(),
        fstype: "fuse.sshfs".into(),
        options: String::new(),
    };
    profile::remember(entry(&work.path)).unwrap();
    assert_eq!(profile::load().unwrap().len(), 1);

    let frozen = sshd.server.freeze();
    let (listing, took) = bounded("list_with_warnings", || list_with_warnings(Scope::All).unwrap());
    assert!(took < Duration::from_secs(5), "took {took:?}");
    for m in [&cfg.path, &work.path] {
        assert!(listing.connections.iter().any(|c| c.local_name == m.as_os_str() && c.connected), "{m:?}");
    }
    let [w] = listing.warnings.as_slice() else { panic!("one warning: {:?}", listing.warnings) };
    assert_eq!(w.code(), Win32Error::ERROR_CANNOT_OPEN_PROFILE);
    let text = w.to_string();
    assert!(text.contains("connections.toml") && text.contains(cfg.path.to_str().unwrap()), "{text}");

    // The worker still stuck on the profile is not waited for again.
    let (connected, took) = bounded("list(Connected)", || list(Scope::Connected).unwrap());
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(connected.iter().any(|c| c.local_name == work.path.as_os_str()));
    let (all, took) = bounded("list(All)", || list(Scope::All));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(all.unwrap_err().code(), Win32Error::ERROR_CANNOT_OPEN_PROFILE);
    let other = entry(&cfg.path);
    let (r, took) = bounded("remember", move || profile::remember(other));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_eq!(r.unwrap_err().code(), Win32Error::ERROR_CANNOT_OPEN_PROFILE);

    drop(frozen);
    // The stuck worker ends once the server answers; then the profile is read again.
    let deadline = Instant::now() + Duration::from_secs(10);
    let listing = loop {
        let l = list_with_warnings(Scope::All).unwrap();
        if l.warnings.is_empty() || Instant::now() > deadline {
            break l;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(listing.warnings.is_empty(), "{:?}", listing.warnings);
    let w = listing.connections.iter().find(|c| c.local_name == work.path.as_os_str()).unwrap();
    assert_eq!(w.remembered, Some(netdrive::Remembered::User));
}
