//! The blocking steps of the connect conversation: reading the recent folders, and one
//! connect (the local folder made, the mount, the recent list updated). A front end runs
//! each off its drawing thread and feeds back the [`ConnectEvent`] it gives.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use netdrive::{ConnectRequest, Error, MountsBefore, Waiting};

use super::recent;
use super::remote::Remote;
use super::ConnectEvent;
use crate::outcome::Connected;

/// One connect, as the person asked for it.
#[derive(Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Which attempt of the dialog this is.
    pub id: u64,
    /// The folder, read.
    pub remote: Remote,
    /// The Folder field as typed (for the recent list).
    pub folder: String,
    /// The local folder to mount on.
    pub local: PathBuf,
    /// `local` was suggested: if it is taken, use a free one beside it (`… 2`, `… 3`).
    pub find_free: bool,
    /// The user to log in as.
    pub user: Option<String>,
    /// The password typed (never shown, never logged).
    pub password: Option<String>,
    /// "Reconnect at sign-in": remember the connection.
    pub reconnect: bool,
    /// "Remember my credentials".
    pub remember: bool,
    /// How long the connect may take.
    pub timeout: Duration,
    /// The recent-folders file to add the folder to once connected.
    pub recent: Option<PathBuf>,
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("id", &self.id)
            .field("remote", &self.remote)
            .field("local", &self.local)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("reconnect", &self.reconnect)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

/// A blocking step the connect conversation needs done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectWork {
    /// Read the recent folders ([`ConnectEvent::Recent`]).
    Recent {
        /// The state file.
        path: PathBuf,
    },
    /// Connect ([`ConnectEvent::Done`]).
    Connect(Box<Attempt>),
}

/// Time beyond the bounded steps for making the folder and reading the mount table.
const SLACK: Duration = Duration::from_secs(2);

/// How long the dialog waits for a connect that may take `timeout` to mount: besides the
/// tool, the core asks the keyring for a password (within [`netdrive::keyring::BOUND`])
/// and tells it a new one (within [`netdrive::keyring::STORE_BOUND`]), and the recent
/// list is written within [`recent::BOUND`]. A step beyond these (a profile on a dead
/// server) is met by the undo in [`connect`].
fn bound(timeout: Duration) -> Duration {
    timeout + netdrive::keyring::BOUND + netdrive::keyring::STORE_BOUND + recent::BOUND + SLACK
}

impl ConnectWork {
    /// Do it, within its bound, and say how it went.
    pub fn run(self) -> ConnectEvent {
        match self {
            ConnectWork::Recent { path } => ConnectEvent::Recent(recent::load(&path, recent::BOUND)),
            ConnectWork::Connect(a) => {
                let bound = bound(a.timeout);
                run_within(a, bound)
            }
        }
    }
    /// The event for this work when it could not be run at all (its worker failed).
    pub fn lost(&self, why: &str) -> ConnectEvent {
        match self {
            ConnectWork::Recent { .. } => ConnectEvent::Recent(Vec::new()),
            ConnectWork::Connect(a) => ConnectEvent::Done {
                id: a.id,
                result: Err(Error::Extended { provider: "netdrive".into(), message: why.into() }),
                notices: Vec::new(),
            },
        }
    }
}

/// Where the dialog stands with an attempt still running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    /// It waits for the answer.
    Waiting,
    /// The connect succeeded and its answer is on its way: the dialog takes it.
    Answered,
    /// The dialog stopped waiting and told the person it failed: a late success is undone.
    GivenUp,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Run attempt `a` on a thread of its own and wait for it at most `bound`, whatever hangs
/// (a home folder on a dead server, a tool that ignores its signal): the person gets an
/// answer. Past the bound the dialog gives up, and the attempt, should it still succeed,
/// takes its own drive away again ([`connect`]), so what the person was told stays true.
fn run_within(a: Box<Attempt>, bound: Duration) -> ConnectEvent {
    let id = a.id;
    let after = a.timeout;
    let not_responding = || Err(Error::NotResponding { target: "".into(), after, waiting: Waiting::Nothing });
    let fate = Arc::new(Mutex::new(Fate::Waiting));
    let (tx, rx) = mpsc::channel();
    let theirs = Arc::clone(&fate);
    let started = std::thread::Builder::new().name("netdrive-connect".into()).spawn(move || {
        let _ = tx.send(connect(&a, &theirs));
    });
    let answer = match started {
        Err(e) => Err(Error::NotEnoughMemory(format!("cannot start the connect: {e}"))),
        Ok(_) => rx.recv_timeout(bound).unwrap_or_else(|_| {
            let mut f = lock(&fate);
            if *f == Fate::Answered {
                // It connected just now: only the recent list (bounded) is left to do.
                drop(f);
                rx.recv_timeout(recent::BOUND + SLACK).unwrap_or_else(|_| not_responding())
            } else {
                *f = Fate::GivenUp;
                not_responding()
            }
        }),
    };
    let (result, notices) = match answer {
        Ok((drive, notices)) => (Ok(drive), notices),
        Err(e) => (Err(e), Vec::new()),
    };
    ConnectEvent::Done { id, result, notices }
}

/// A connect under way: what [`abandon_children`] cleans up when the person cancels.
#[derive(Clone)]
struct UnderWay {
    /// Which attempt.
    id: u64,
    /// The folder it mounts on.
    local: PathBuf,
    /// The folder was made for it.
    made: bool,
    /// The mounts there were before it started: never its to take away.
    before: MountsBefore,
    /// What it connects, as the core is asked (for telling its mount from another).
    remote_name: String,
    provider: &'static str,
    /// The folders the profile remembered before it started (`None`: unknown), when it
    /// is to be remembered: an entry it added is forgotten again if it is undone.
    remembered_before: Option<Vec<String>>,
}

/// Every connect still running (one given up on may run beside the next attempt).
static UNDER_WAY: Mutex<Vec<UnderWay>> = Mutex::new(Vec::new());

/// How long taking a failed attempt's drive away may take.
const UNDO_BOUND: Duration = Duration::from_secs(3);

fn connect(a: &Attempt, fate: &Mutex<Fate>) -> Result<(Connected, Vec<String>), Error> {
    let (local, made) = prepare_local(&a.local, a.find_free)?;
    let before = MountsBefore::read().inspect_err(|_| {
        if made {
            let _ = std::fs::remove_dir(&local);
        }
    })?;
    let remembered_before = if a.reconnect {
        netdrive::profile::load().ok().map(|es| es.into_iter().map(|e| e.local_name).collect())
    } else {
        Some(Vec::new())
    };
    let u = UnderWay {
        id: a.id,
        local,
        made,
        before,
        remote_name: a.remote.remote_name.clone(),
        provider: a.remote.provider,
        remembered_before,
    };
    lock(&UNDER_WAY).push(u.clone());
    let r = connect_on(a, &u.local);
    // Gone from the list: a cancel took it, and the person was told nothing connected.
    let cancelled = {
        let mut all = lock(&UNDER_WAY);
        let at = all.iter().position(|w| w.id == a.id);
        at.map(|i| all.remove(i)).is_none()
    };
    match r {
        Err(e) => {
            if !cancelled {
                undo(&u);
            }
            Err(e)
        }
        Ok(c) => {
            let mut f = lock(fate);
            if *f == Fate::GivenUp || cancelled {
                // The person was told it failed (or was cancelled): it must not stay,
                // nor be reconnected at sign-in.
                drop(f);
                undo(&u);
                let local = c.0.local_name.to_str().unwrap_or_default();
                if a.reconnect && u.remembered_before.as_ref().is_some_and(|b| !b.iter().any(|l| l == local))
                {
                    let _ = netdrive::profile::forget(local);
                }
                return Err(Error::NotResponding {
                    target: u.local.into_os_string().into(),
                    after: a.timeout,
                    waiting: Waiting::Nothing,
                });
            }
            *f = Fate::Answered;
            drop(f);
            if let Some(p) = &a.recent {
                recent::add(p, &a.folder, recent::BOUND);
            }
            Ok(c)
        }
    }
}

fn connect_on(a: &Attempt, local: &Path) -> Result<(Connected, Vec<String>), Error> {
    let req = ConnectRequest {
        local_name: local.as_os_str().to_owned(),
        remote_name: a.remote.remote_name.clone().into(),
        provider: Some(a.remote.provider.to_owned()),
        user: a.user.clone(),
        password: a.password.clone(),
        update_profile: a.reconnect,
        remember_credentials: a.remember,
        timeout: a.timeout,
        ..Default::default()
    };
    let c = netdrive::connect_report(&req)?;
    let drive = Connected { local_name: c.connection.local_name, remote_name: c.connection.remote_name };
    // The drive works, but the person must hear what did not (a password not saved, a
    // drive that will not come back at sign-in).
    let notices = [c.profile_notice, c.keyring_notice].into_iter().flatten().collect();
    Ok((drive, notices))
}

/// The folder to mount on, made if missing (and whether it was made here). A suggested
/// folder that holds something or has a drive on it gives way to `… 2`, `… 3`.
fn prepare_local(local: &Path, find_free: bool) -> Result<(PathBuf, bool), Error> {
    let bad = |p: &Path, e: std::io::Error| {
        Error::BadDevice(format!("{}: cannot make the folder: {e}", netdrive::escape(p.as_os_str())))
    };
    let table = netdrive::mountinfo::read_table().map_err(|e| Error::NoNetwork(e.to_string()))?;
    let mounted = |p: &Path| table.iter().any(|m| m.mount_point == p.as_os_str());
    let tries = if find_free { 1..=50 } else { 1..=1 };
    for n in tries {
        let p = match n {
            1 => local.to_owned(),
            n => {
                let mut s = local.as_os_str().to_owned();
                s.push(format!(" {n}"));
                PathBuf::from(s)
            }
        };
        if mounted(&p) {
            if find_free {
                continue;
            }
            // A drive the person has there is theirs: never mounted over, never undone.
            return Err(Error::AlreadyAssigned { local: p.into_os_string().into() });
        }
        match std::fs::create_dir(&p) {
            Ok(()) => return Ok((p, true)),
            // A folder the person typed is theirs to choose; a suggested one is looked
            // into, and must be empty.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !find_free => return Ok((p, false)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let empty = std::fs::read_dir(&p).map(|mut d| d.next().is_none()).unwrap_or(false);
                if empty {
                    return Ok((p, false));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(&p).map_err(|e| bad(&p, e))?;
                return Ok((p, true));
            }
            Err(e) => return Err(bad(&p, e)),
        }
    }
    Err(Error::BadDevice(format!("{}: no free folder beside it", netdrive::escape(local.as_os_str()))))
}

/// Undo a connect the person cancelled, so that it never completes after the dialog said
/// "cancelled": kill this process's own children (the mount tool; read from
/// `/proc/self/task/*/children`, never another process's), then take away the drive the
/// tool had already mounted (only its own: [`netdrive::undo_own_mount`]) and remove the
/// folder if the connect made it. The detach runs in a child process on a thread of its
/// own, waited for within a bound: the caller (a window's main thread) never blocks on it.
pub fn abandon_children() {
    // Taken first: once its tool is killed, the connect's thread may clear it.
    let taken = std::mem::take(&mut *lock(&UNDER_WAY));
    kill_children();
    if !taken.is_empty() {
        let (tx, rx) = mpsc::channel();
        let started = std::thread::Builder::new().name("netdrive-undo".into()).spawn(move || {
            taken.iter().for_each(undo);
            let _ = tx.send(());
        });
        if started.is_ok() {
            let _ = rx.recv_timeout(UNDO_BOUND + SLACK);
        }
    }
}

/// Take away what a failed or cancelled connect left mounted (its own drive only), and
/// remove the folder if the connect made it (it is empty then: nothing of the person's
/// is lost).
fn undo(u: &UnderWay) {
    netdrive::undo_own_mount(u.local.as_os_str(), &u.remote_name, Some(u.provider), &u.before, UNDO_BOUND);
    let mounted = netdrive::mountinfo::read_table()
        .map_or(true, |t| t.iter().any(|m| m.mount_point == u.local.as_os_str()));
    if u.made && !mounted {
        let _ = std::fs::remove_dir(&u.local);
    }
}

fn kill_children() {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return };
    for t in tasks.flatten() {
        let Ok(text) = std::fs::read_to_string(t.path().join("children")) else { continue };
        for pid in text.split_whitespace().filter_map(|p| p.parse::<i32>().ok()) {
            if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_suggested_folder_that_is_taken_gives_way() {
        let dir = tempfile::tempdir().unwrap();
        let want = dir.path().join("Network").join("nas media");
        assert_eq!(prepare_local(&want, true).unwrap(), (want.clone(), true));
        // Empty: used as it is.
        assert_eq!(prepare_local(&want, true).unwrap(), (want.clone(), false));
        std::fs::write(want.join("file"), "x").unwrap();
        let next = dir.path().join("Network").join("nas media 2");
        assert_eq!(prepare_local(&want, true).unwrap(), (next, true));
        // Typed by the person: theirs to choose, full or not.
        assert_eq!(prepare_local(&want, false).unwrap(), (want, false));
    }

    /// A tmpfs standing for the person's own drive, unmounted however the test ends.
    struct PersonsDrive(PathBuf);

    impl PersonsDrive {
        fn mount(at: &Path) -> PersonsDrive {
            std::fs::create_dir_all(at).unwrap();
            let ok = std::process::Command::new("mount")
                .args(["-t", "tmpfs", "persons-drive"])
                .arg(at)
                .status()
                .unwrap()
                .success();
            assert!(ok && mounted(at), "mount a tmpfs on {} (the tests run as root)", at.display());
            PersonsDrive(at.to_owned())
        }
    }

    impl Drop for PersonsDrive {
        fn drop(&mut self) {
            if mounted(&self.0) {
                let _ = rustix::mount::unmount(&self.0, rustix::mount::UnmountFlags::DETACH);
            }
        }
    }

    fn mounted(p: &Path) -> bool {
        netdrive::mountinfo::read_table().unwrap().iter().any(|m| m.mount_point == p.as_os_str())
    }

    fn attempt(local: &Path, find_free: bool) -> Attempt {
        Attempt {
            id: 7,
            // Nothing listens on port 9: the connect fails at once.
            remote: super::super::remote::parse(r"\\127.0.0.1@9\share").unwrap(),
            folder: r"\\127.0.0.1@9\share".into(),
            local: local.to_owned(),
            find_free,
            user: None,
            password: None,
            reconnect: false,
            remember: false,
            timeout: Duration::from_secs(5),
            recent: None,
        }
    }

    /// The person types a folder that has their drive on it: the dialog says so, and the
    /// drive is still there afterwards (a failed connect once took it away).
    #[test]
    fn a_failed_connect_leaves_the_persons_drive_on_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let h = dir.path().join("h");
        let _drive = PersonsDrive::mount(&h);
        let ConnectEvent::Done { id: 7, result: Err(e), .. } =
            ConnectWork::Connect(Box::new(attempt(&h, false))).run()
        else {
            panic!("the connect must fail")
        };
        assert_eq!(e.code(), netdrive::Win32Error::ERROR_ALREADY_ASSIGNED, "{e}");
        let said = crate::texts::connect::failure(&e);
        assert!(said.contains("already connected on that local folder"), "{said}");
        assert!(mounted(&h), "the person's drive is still on {}", h.display());
    }

    /// A user name that reads as an ssh option is refused by the core, in words.
    #[test]
    fn a_user_name_like_an_option_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let h = dir.path().join("h");
        let mut a = attempt(&h, true);
        a.remote = super::super::remote::parse("-oProxyCommand=x@127.0.0.1:/srv").unwrap();
        // As the conversation makes it: the user typed in the folder.
        a.user = a.remote.user.clone();
        let ConnectEvent::Done { result: Err(e), .. } = ConnectWork::Connect(Box::new(a)).run() else {
            panic!("the connect must fail")
        };
        assert_eq!(e.code(), netdrive::Win32Error::ERROR_BAD_USERNAME, "{e}");
        let said = crate::texts::connect::failure(&e);
        assert!(said.starts_with("That user name cannot be used."), "{said}");
        assert!(!h.exists(), "the folder made for it is gone again");
    }

    /// A cancelled connect takes away only its own drive: one that appeared on the folder
    /// meanwhile from elsewhere (a restore) stays.
    #[test]
    fn a_cancel_leaves_a_drive_that_is_not_the_connects() {
        let dir = tempfile::tempdir().unwrap();
        let h = dir.path().join("h");
        std::fs::create_dir(&h).unwrap();
        let a = attempt(&h, false);
        let u = UnderWay {
            id: a.id,
            local: h.clone(),
            made: true,
            before: MountsBefore::read().unwrap(),
            remote_name: a.remote.remote_name.clone(),
            provider: a.remote.provider,
            remembered_before: None,
        };
        let _drive = PersonsDrive::mount(&h);
        undo(&u);
        assert!(mounted(&h), "a drive that is not the connect's stays on {}", h.display());
        assert!(h.is_dir(), "and so does its folder");
    }

    /// Whether a connect's thread is still running in this process.
    fn connect_running() -> bool {
        std::fs::read_dir("/proc/self/task").unwrap().flatten().any(|t| {
            std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim() == "netdrive-connec")
        })
    }

    /// The person's connect to a real sshd (with the test user's password), as the
    /// conversation makes it.
    fn to_sshd(
        sshd: &testbed::Sshd,
        local: &Path,
        reconnect: bool,
    ) -> (super::super::ConnectConversation, Attempt) {
        use super::super::{ConnectConversation, ConnectEffect, ConnectSetup};
        let mut c = ConnectConversation::new(ConnectSetup {
            remote: None,
            local: None,
            flags: 0,
            timeout: Duration::from_secs(20),
            network_base: None,
        });
        let port = sshd.server.port;
        let folder = format!("sftp://{}@127.0.0.1:{port}{}", testbed::TEST_USER, sshd.export.display());
        c.handle(ConnectEvent::Folder(folder));
        c.handle(ConnectEvent::Local(local.display().to_string()));
        c.handle(ConnectEvent::Reconnect(reconnect));
        c.handle(ConnectEvent::OtherCredentials(true));
        c.handle(ConnectEvent::Password(testbed::TEST_PASSWORD.into()));
        let a = match c.handle(ConnectEvent::Connect).as_slice() {
            [ConnectEffect::Run(ConnectWork::Connect(a))] => (**a).clone(),
            other => panic!("expected one connect, got {other:?}"),
        };
        (c, a)
    }

    /// The dialog gives up on a connect (its server answers too late) and says it is not
    /// responding; the connect then succeeds: the drive it mounted is taken away again, so
    /// the person, told it failed, finds nothing connected.
    #[test]
    fn a_connect_the_dialog_gave_up_on_leaves_no_drive() {
        testbed::ensure_test_user();
        let sshd = testbed::Sshd::start();
        sshd.forget_host_key();
        let dir = testbed::open_tempdir();
        std::env::set_var("XDG_CONFIG_HOME", dir.path().join("config"));
        let h = dir.path().join("h");
        let (mut c, a) = to_sshd(&sshd, &h, true);
        let frozen = sshd.server.freeze();
        let done = run_within(Box::new(a), Duration::from_millis(500));
        let ConnectEvent::Done { result: Err(e), .. } = &done else { panic!("gave up: {done:?}") };
        assert_eq!(e.code(), netdrive::Win32Error::ERROR_SEM_TIMEOUT, "{e}");
        c.handle(done);
        let said = c.message().unwrap_or_default().to_owned();
        assert!(said.starts_with("The server did not answer within 20 seconds."), "{said}");
        assert!(c.outcome().is_none() && !c.connecting(), "the person may try again");
        // The server answers after all: the connect goes on to mount, then undoes it.
        drop(frozen);
        let t0 = std::time::Instant::now();
        while connect_running() {
            assert!(t0.elapsed() < Duration::from_secs(40), "the connect ends");
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(!mounted(&h), "nothing is left mounted on {}", h.display());
        assert!(!h.exists(), "the folder made for it is gone again");
        let remembered = netdrive::profile::load().unwrap();
        assert!(remembered.is_empty(), "not reconnected at sign-in either: {remembered:?}");
    }

    /// A session bus that takes connections and never answers: every keyring call waits
    /// its whole bound.
    fn silent_bus(dir: &Path) -> String {
        let path = dir.join("bus");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for s in listener.incoming().flatten() {
                held.push(s);
            }
        });
        format!("unix:path={}", path.display())
    }

    /// A slow server (its answer comes late in the tool's bound) and a keyring that never
    /// answers (its bound spent storing the password): every step stays within its own
    /// bound, so the dialog waits for them all and says it connected, the keyring's
    /// trouble said with it; it once said "not responding" and took the drive away.
    #[test]
    fn a_slow_server_and_a_silent_keyring_still_connect() {
        testbed::ensure_test_user();
        let sshd = testbed::Sshd::start();
        sshd.forget_host_key();
        let dir = testbed::open_tempdir();
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", silent_bus(dir.path()));
        let h = dir.path().join("h");
        let (mut c, a) = to_sshd(&sshd, &h, false);
        c.handle(ConnectEvent::Remember(true));
        let a = Attempt { remember: true, timeout: Duration::from_secs(5), ..a };
        let frozen = sshd.server.freeze();
        let run = std::thread::spawn(move || ConnectWork::Connect(Box::new(a)).run());
        std::thread::sleep(Duration::from_millis(4200));
        drop(frozen);
        let done = run.join().unwrap();
        let _m = testbed::Mount::adopt(&h);
        let ConnectEvent::Done { result: Ok(_), notices, .. } = &done else { panic!("connected: {done:?}") };
        assert!(notices.iter().any(|n| n.contains("keyring")), "{notices:?}");
        assert!(mounted(&h), "the drive is there");
        c.handle(done);
        assert!(c.message().unwrap_or_default().starts_with("Connected."), "{:?}", c.message());
    }

    /// The drive connects but "Reconnect at sign-in" cannot be saved (the profile cannot
    /// be written): the person is told so before the dialog goes, and the drive stays.
    #[test]
    fn a_drive_that_cannot_be_remembered_is_said_to_the_person() {
        testbed::ensure_test_user();
        let sshd = testbed::Sshd::start();
        sshd.forget_host_key();
        let dir = testbed::open_tempdir();
        // A profile that reads as empty and cannot be changed: its lock is a folder.
        let config = dir.path().join("config");
        std::fs::create_dir_all(config.join("netdrive").join(netdrive::profile::LOCK_NAME)).unwrap();
        std::env::set_var("XDG_CONFIG_HOME", &config);
        let h = dir.path().join("h");
        let (mut c, a) = to_sshd(&sshd, &h, true);
        let done = ConnectWork::Connect(Box::new(a)).run();
        let _m = testbed::Mount::adopt(&h);
        assert!(matches!(&done, ConnectEvent::Done { result: Ok(_), .. }), "{done:?}");
        c.handle(done);
        let said = c.message().unwrap_or_default().to_owned();
        assert!(said.contains("is connected, but not remembered for sign-in"), "told: {said:?}");
        assert!(c.outcome().is_none(), "the dialog stays to say it");
        assert!(mounted(&h), "the drive stays connected");
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let a = Attempt {
            id: 1,
            remote: super::super::remote::parse(r"\\h\s").unwrap(),
            folder: r"\\h\s".into(),
            local: "/tmp/x".into(),
            find_free: true,
            user: Some("me".into()),
            password: Some("hunter2".into()),
            reconnect: false,
            remember: false,
            timeout: Duration::from_secs(1),
            recent: None,
        };
        let text = format!("{:?}", ConnectWork::Connect(Box::new(a)));
        assert!(!text.contains("hunter2") && text.contains("<hidden>"), "{text}");
    }
}
