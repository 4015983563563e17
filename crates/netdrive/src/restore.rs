//! Remembered connections back at sign-in: Windows' "Reconnect at sign-in", the
//! `netdrive restore` command and `WNetRestoreSingleConnection`.
//!
//! Every connection the user's profile remembers and the mount table does not show is
//! connected again, all at once, each with the same bound: a dead server costs its own
//! drive the bound and delays no other, and the whole call returns within one bound (plus
//! the keyring's). Passwords come from the desktop keyring; nobody is asked unless the
//! caller passes a way to ask ([`RestoreOptions::ask`]), and then only after every drive
//! that needs nothing was tried. Network entries of `/etc/fstab` that the system mounts
//! at boot and that are not mounted (a server or network that came up late) are mounted
//! too, with the fstab's own options, where this user may mount them.

use std::collections::HashMap;
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::connect::target;
use crate::provider::Provider;

use crate::connect::{connect_report, ConnectRequest};
use crate::connection::Remembered;
use crate::error::{Error, Result, Waiting};
use crate::profile::{self, FstabEntry, RememberedEntry};

/// Credentials a person typed for one drive.
#[derive(Clone, Default)]
pub struct Credentials {
    /// The user, when not the remembered one.
    pub user: Option<String>,
    /// The password.
    pub password: String,
    /// Store it in the keyring once it worked.
    pub save: bool,
}

/// Asks a person for a drive's credentials, given why the last try failed; `None`: skip it.
pub type Ask<'a> = &'a (dyn Fn(&RememberedEntry, &Error) -> Option<Credentials> + Sync);

/// How to restore.
#[derive(Clone, Copy)]
pub struct RestoreOptions<'a> {
    /// The bound for each drive (the tool's; the keyring has its own, [`crate::keyring::BOUND`]).
    pub timeout: Duration,
    /// Ask for credentials a drive needs (`--interactive`); `None` never asks.
    pub ask: Option<Ask<'a>>,
}

impl Default for RestoreOptions<'_> {
    fn default() -> Self {
        RestoreOptions { timeout: Duration::from_secs(10), ask: None }
    }
}

/// What happened to one remembered drive.
#[derive(Debug)]
pub struct Restored {
    /// The remembered entry (an fstab entry's names as text).
    pub entry: RememberedEntry,
    /// Who remembers it: the user's profile, or the system's fstab.
    pub by: Remembered,
    /// `Ok` when it is connected now.
    pub result: Result<Restoration>,
}

/// How a drive came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restoration {
    /// It was connected already.
    AlreadyConnected,
    /// Connected now; with the keyring's password or not.
    Connected {
        /// The password came from the keyring.
        password_from_keyring: bool,
    },
}

/// Restore every remembered connection of the user's profile, and the network entries of
/// `/etc/fstab` the system should have mounted at boot and did not (no `noauto`, no
/// automount; only those this user may mount: root, or the `user`/`users` option); `Err`
/// only when the profile cannot be read. Results come in the profile's order, then the
/// fstab's; a folder both name is the profile's.
pub fn restore(opts: &RestoreOptions) -> Result<Vec<Restored>> {
    let (user, system) = profile::start_loading().finish();
    let user = user?;
    // An fstab that cannot be read has nothing to restore (`list` says why).
    let system: Vec<FstabEntry> = system
        .unwrap_or_default()
        .into_iter()
        .filter(crate::connect::restorable_fstab)
        .filter(|f| !user.iter().any(|u| u.local_name.as_bytes() == f.mount_point.as_encoded_bytes()))
        .collect();
    let jobs: Vec<Job> =
        user.into_iter().map(Job::Profile).chain(system.into_iter().map(Job::Fstab)).collect();
    let connected: Vec<std::ffi::OsString> = crate::mountinfo::read_table()
        .map_err(|e| Error::NoNetwork(e.to_string()))?
        .into_iter()
        .map(|e| e.mount_point)
        .collect();
    let (tx, rx) = mpsc::channel();
    let limits = ServerLimits::default();
    let mut results: Vec<Option<Result<Restoration>>> = Vec::with_capacity(jobs.len());
    for (i, job) in jobs.iter().enumerate() {
        if connected.iter().any(|m| m.as_encoded_bytes() == job.local_name()) {
            results.push(Some(Ok(Restoration::AlreadyConnected)));
            continue;
        }
        results.push(None);
        let (tx, job, timeout, limits) = (tx.clone(), job.clone(), opts.timeout, limits.clone());
        let started = std::thread::Builder::new().name("netdrive-restore".into()).spawn(move || {
            let _turn = limits.take(job.server());
            let _ = tx.send((i, job.restore(timeout)));
        });
        if let Err(err) = started {
            results[i] = Some(Err(Error::NotEnoughMemory(format!("no worker for a drive: {err}"))));
        }
    }
    drop(tx);
    // One bound for all: the tool's, the keyring's, and the listing after.
    let deadline = Instant::now() + opts.timeout + crate::keyring::BOUND + Duration::from_secs(2);
    while results.iter().any(Option::is_none) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, r)) => results[i] = Some(r),
            Err(_) => break,
        }
    }
    let mut out: Vec<Restored> = jobs
        .into_iter()
        .zip(results)
        .map(|(job, r)| {
            let (entry, by) = job.into_entry();
            let result = r.unwrap_or_else(|| {
                Err(Error::NotResponding {
                    target: entry.local_name.as_str().into(),
                    after: opts.timeout,
                    waiting: Waiting::Nothing,
                })
            });
            Restored { entry, by, result }
        })
        .collect();
    if let Some(ask) = opts.ask {
        // Only the profile's drives: an fstab entry's credentials are the administrator's.
        for r in out.iter_mut().filter(|r| r.by == Remembered::User) {
            while let Err(e) = &r.result {
                if !e.needs_credentials() {
                    break;
                }
                let Some(c) = ask(&r.entry, e) else { break };
                r.result = restore_entry(&r.entry, opts.timeout, Some(&c));
            }
        }
    }
    Ok(out)
}

/// One drive to restore.
#[derive(Clone)]
enum Job {
    Profile(RememberedEntry),
    Fstab(FstabEntry),
}

impl Job {
    fn local_name(&self) -> &[u8] {
        match self {
            Job::Profile(e) => e.local_name.as_bytes(),
            Job::Fstab(f) => f.mount_point.as_encoded_bytes(),
        }
    }

    fn server(&self) -> String {
        match self {
            Job::Profile(e) => server_of(e),
            Job::Fstab(f) => {
                server_named(&f.source.to_string_lossy(), Some(f.provider), &f.mount_point.to_string_lossy())
            }
        }
    }

    fn restore(&self, timeout: Duration) -> Result<Restoration> {
        match self {
            Job::Profile(e) => restore_entry(e, timeout, None),
            Job::Fstab(f) => crate::connect::mount_fstab(f, timeout)
                .map(|()| Restoration::Connected { password_from_keyring: false }),
        }
    }

    /// The entry as a remembered one, for the report (names as text, escaped when shown).
    fn into_entry(self) -> (RememberedEntry, Remembered) {
        match self {
            Job::Profile(e) => (e, Remembered::User),
            Job::Fstab(f) => {
                let remote = crate::provider::remote_name(f.provider, &f.source, None);
                let entry = RememberedEntry {
                    local_name: f.mount_point.to_string_lossy().into_owned(),
                    remote_name: remote.to_string_lossy().into_owned(),
                    source: f.source.to_string_lossy().into_owned(),
                    provider: f.provider.name().into(),
                    fstype: f.fstype,
                    options: f.options.to_string_lossy().into_owned(),
                };
                (entry, Remembered::System)
            }
        }
    }
}

/// How many drives of one server are connected at once: an sshd drops unauthenticated
/// connections beyond 10 at a time (`MaxStartups`), and other servers limit too. Drives
/// past the limit wait their turn within the same overall bound.
const PER_SERVER: usize = 6;

/// Connections in progress per server.
#[derive(Clone, Default)]
struct ServerLimits(Arc<(Mutex<HashMap<String, usize>>, Condvar)>);

/// A connection's turn with its server; the next one's when dropped.
struct Turn {
    limits: ServerLimits,
    server: String,
}

impl ServerLimits {
    fn take(&self, server: String) -> Turn {
        let (lock, cv) = &*self.0;
        if let Ok(mut busy) = lock.lock() {
            while busy.get(&server).copied().unwrap_or(0) >= PER_SERVER {
                busy = match cv.wait(busy) {
                    Ok(b) => b,
                    Err(_) => return Turn { limits: self.clone(), server },
                };
            }
            *busy.entry(server.clone()).or_insert(0) += 1;
        }
        Turn { limits: self.clone(), server }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let (lock, cv) = &*self.limits.0;
        if let Ok(mut busy) = lock.lock() {
            if let Some(n) = busy.get_mut(&self.server) {
                *n = n.saturating_sub(1);
            }
        }
        cv.notify_all();
    }
}

/// The server a remembered entry connects to (its own name when it cannot be read: no limit).
fn server_of(entry: &RememberedEntry) -> String {
    let remote = if entry.source.is_empty() { &entry.remote_name } else { &entry.source };
    let provider = Provider::from_name(&entry.provider).filter(|p| *p != Provider::Gvfs);
    server_named(remote, provider, &entry.local_name)
}

/// The server `remote` names with `provider`; the drive's own folder when it cannot be
/// read (no limit then).
fn server_named(remote: &str, provider: Option<Provider>, local: &str) -> String {
    target::parse(remote, provider).map(|t| t.server()).unwrap_or_else(|_| format!("local:{local}"))
}

/// Restore one remembered connection (`WNetRestoreSingleConnection`), with credentials
/// a person gave, or the keyring's.
pub fn restore_one(
    entry: &RememberedEntry,
    timeout: Duration,
    credentials: Option<&Credentials>,
) -> Result<Restoration> {
    restore_entry(entry, timeout, credentials)
}

fn restore_entry(
    entry: &RememberedEntry,
    timeout: Duration,
    credentials: Option<&Credentials>,
) -> Result<Restoration> {
    let remote = if entry.source.is_empty() { &entry.remote_name } else { &entry.source };
    let req = ConnectRequest {
        local_name: entry.local_name.clone().into(),
        remote_name: remote.into(),
        provider: Some(entry.provider.clone()),
        user: credentials.and_then(|c| c.user.clone()),
        password: credentials.map(|c| c.password.clone()),
        remember_credentials: credentials.is_some_and(|c| c.save),
        update_profile: false,
        timeout,
        ..Default::default()
    };
    match connect_report(&req) {
        Ok(c) => Ok(Restoration::Connected { password_from_keyring: c.password_from_keyring }),
        Err(Error::AlreadyAssigned { .. }) => Ok(Restoration::AlreadyConnected),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_server_gets_a_few_connections_at_a_time() {
        let limits = ServerLimits::default();
        let most = Arc::new(Mutex::new((0usize, 0usize)));
        let threads: Vec<_> = (0..20)
            .map(|i| {
                let (limits, most) = (limits.clone(), most.clone());
                std::thread::spawn(move || {
                    let server = if i % 2 == 0 { "SSHFS:a" } else { "SSHFS:b" };
                    let _turn = limits.take(server.into());
                    if server == "SSHFS:a" {
                        let mut m = most.lock().unwrap_or_else(|e| e.into_inner());
                        m.0 += 1;
                        m.1 = m.1.max(m.0);
                    }
                    std::thread::sleep(Duration::from_millis(30));
                    if server == "SSHFS:a" {
                        most.lock().unwrap_or_else(|e| e.into_inner()).0 -= 1;
                    }
                })
            })
            .collect();
        for t in threads {
            assert!(t.join().is_ok());
        }
        let peak = most.lock().unwrap_or_else(|e| e.into_inner()).1;
        assert!((2..=PER_SERVER).contains(&peak), "at most {PER_SERVER} at once, got {peak}");
    }

    #[test]
    fn entries_name_their_server() {
        let e = |source: &str, provider: &str| RememberedEntry {
            local_name: "/mnt/x".into(),
            remote_name: "x".into(),
            source: source.into(),
            provider: provider.into(),
            fstype: String::new(),
            options: String::new(),
        };
        assert_eq!(server_of(&e("sftp://me@h:2222/srv", "SSHFS")), "SSHFS:h:2222");
        assert_eq!(server_of(&e("me@h:/srv", "SSHFS")), "SSHFS:h");
        assert_eq!(server_of(&e("//nas/media", "SMB")), "SMB:nas");
        assert_eq!(server_of(&e("not a name", "SMB")), "local:/mnt/x");
    }
}
