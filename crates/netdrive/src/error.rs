//! Errors that carry their Win32 code, and the per-thread "last extended error".
//!
//! Every failure maps to exactly one Win32 code so the C library (`libmpr`) and the
//! dialogs can report what Windows would; the message is for people.

use std::cell::RefCell;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::escape::escape;
use crate::procfs::Holder;

/// A Win32 error code (`DWORD`) with its symbolic name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Win32Error(pub u32);

macro_rules! codes {
    ($($name:ident = $value:expr,)*) => {
        impl Win32Error {
            $(#[allow(missing_docs)] pub const $name: Win32Error = Win32Error($value);)*

            /// The symbolic name, e.g. `ERROR_OPEN_FILES`; `None` for codes netdrive never returns.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($name)),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    NO_ERROR = 0,
    ERROR_ACCESS_DENIED = 5,
    ERROR_INVALID_HANDLE = 6,
    ERROR_NOT_ENOUGH_MEMORY = 8,
    ERROR_NOT_SUPPORTED = 50,
    ERROR_BAD_NETPATH = 53,
    ERROR_BAD_DEV_TYPE = 66,
    ERROR_BAD_NET_NAME = 67,
    ERROR_ALREADY_ASSIGNED = 85,
    ERROR_INVALID_PASSWORD = 86,
    ERROR_INVALID_PARAMETER = 87,
    ERROR_SEM_TIMEOUT = 121,
    ERROR_INVALID_LEVEL = 124,
    ERROR_BUSY = 170,
    ERROR_MORE_DATA = 234,
    ERROR_NO_MORE_ITEMS = 259,
    ERROR_BAD_DEVICE = 1200,
    ERROR_CONNECTION_UNAVAIL = 1201,
    ERROR_DEVICE_ALREADY_REMEMBERED = 1202,
    ERROR_NO_NET_OR_BAD_PATH = 1203,
    ERROR_BAD_PROVIDER = 1204,
    ERROR_CANNOT_OPEN_PROFILE = 1205,
    ERROR_BAD_PROFILE = 1206,
    ERROR_NOT_CONTAINER = 1207,
    ERROR_EXTENDED_ERROR = 1208,
    ERROR_SESSION_CREDENTIAL_CONFLICT = 1219,
    ERROR_NO_NETWORK = 1222,
    ERROR_CANCELLED = 1223,
    ERROR_LOGON_FAILURE = 1326,
    ERROR_BAD_USERNAME = 2202,
    ERROR_NOT_CONNECTED = 2250,
    ERROR_OPEN_FILES = 2401,
    ERROR_DEVICE_IN_USE = 2404,
}

impl fmt::Display for Win32Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "error {}", self.0),
        }
    }
}

/// A name as the system has it (a mount point, a UNC name, a source): raw bytes, kept
/// exactly, so a caller can act on it again (retry, look it up). It is escaped only when
/// shown ([`fmt::Display`] goes through [`escape`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Name(OsString);

impl Name {
    /// The name exactly, to pass back to the system or to netdrive.
    pub fn as_os_str(&self) -> &OsStr {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.0))
    }
}

impl AsRef<OsStr> for Name {
    fn as_ref(&self) -> &OsStr {
        &self.0
    }
}

impl From<&OsStr> for Name {
    fn from(s: &OsStr) -> Self {
        Name(s.to_owned())
    }
}

impl From<OsString> for Name {
    fn from(s: OsString) -> Self {
        Name(s)
    }
}

impl From<&OsString> for Name {
    fn from(s: &OsString) -> Self {
        Name(s.clone())
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(s.into())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(s.into())
    }
}

/// Everything that can go wrong, each with its Win32 code ([`Error::code`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `ERROR_NOT_CONNECTED`: nothing by that name is connected or remembered.
    #[error("{target}: not a network connection (nothing by that name is connected or remembered)")]
    NotConnected {
        /// The name asked for.
        target: Name,
    },

    /// `ERROR_NOT_CONNECTED`: remembered, but not connected now.
    #[error("{target}: remembered but not connected; --forget forgets it")]
    RememberedNotConnected {
        /// The drive's local name.
        target: Name,
    },

    /// `ERROR_NOT_CONNECTED`: an automount point whose drive is not mounted now.
    #[error(
        "{target}: an automount point that is not connected now (the system connects it when it is \
         opened)"
    )]
    AutomountNotConnected {
        /// The automount point.
        target: Name,
    },

    /// `ERROR_NOT_CONNECTED`: the drive is not the one that was listed any more.
    #[error("{target}: changed since it was listed ({what}); list the drives again and choose anew")]
    ChangedSinceListed {
        /// The drive as listed.
        target: Name,
        /// What is there now.
        what: String,
    },

    /// `ERROR_OPEN_FILES`: processes have files open on the drive.
    #[error("{target}: {}", open_files_message(holders, *uninspectable))]
    OpenFiles {
        /// The drive.
        target: Name,
        /// The processes and what they hold (empty when the provider does not say).
        holders: Vec<Holder>,
        /// Processes that could not be inspected.
        uninspectable: usize,
    },

    /// `ERROR_DEVICE_IN_USE`: other drives are mounted inside it or over it.
    #[error("{target}: in use: {reason}")]
    DeviceInUse {
        /// The drive.
        target: Name,
        /// What is in the way.
        reason: String,
    },

    /// `ERROR_ACCESS_DENIED`: not the caller's drive, or a read-only remembered one.
    #[error("{target}: access denied: {reason}")]
    AccessDenied {
        /// The drive.
        target: Name,
        /// Who may do it instead, or why not.
        reason: String,
    },

    /// `ERROR_SEM_TIMEOUT`: the server did not answer within the bound.
    #[error("{target}: the server is not responding (no answer within {}s){}; \
             you can detach the drive instead (--detach)", .after.as_secs_f32(), waiting_note(*.waiting))]
    NotResponding {
        /// The drive.
        target: Name,
        /// The bound it was given.
        after: Duration,
        /// What is still waiting for the server.
        waiting: Waiting,
    },

    /// `ERROR_INVALID_PARAMETER`: an empty or ambiguous name, a bad flag.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),

    /// `ERROR_NOT_ENOUGH_MEMORY`: a worker thread or process could not start.
    #[error("not enough memory: {0}")]
    NotEnoughMemory(String),

    /// `ERROR_CANNOT_OPEN_PROFILE`: the profile cannot be read or written.
    #[error("cannot open the profile {}: {source}", escape(path.as_os_str()))]
    CannotOpenProfile {
        /// The profile's path.
        path: PathBuf,
        /// Why (not answering, not a regular file, too large, ...).
        source: std::io::Error,
    },

    /// `ERROR_BAD_PROFILE`: the profile does not parse; it is never overwritten.
    #[error("the profile {} is damaged at line {line}: {message}; fix or move the file, netdrive will not overwrite it", escape(path.as_os_str()))]
    BadProfile {
        /// The profile's path.
        path: PathBuf,
        /// The line the parser stopped at.
        line: usize,
        /// The parser's message.
        message: String,
    },

    /// `ERROR_NO_NETWORK`: the mount table cannot be read.
    #[error("no network provider could be read: {0}")]
    NoNetwork(String),

    /// `ERROR_BAD_DEVICE`: the local name cannot be mounted on.
    #[error("{0}")]
    BadDevice(String),

    /// `ERROR_ALREADY_ASSIGNED`: something is mounted at the local name.
    #[error("{local}: already in use (something is mounted there); choose another folder")]
    AlreadyAssigned {
        /// The local name.
        local: Name,
    },

    /// `ERROR_BAD_NET_NAME`: the remote name is not one the provider takes.
    #[error("{0}")]
    BadNetName(String),

    /// `ERROR_NOT_SUPPORTED`: the provider or its kernel module is missing.
    #[error("{0}")]
    NotSupported(String),

    /// `ERROR_INVALID_HANDLE`: a handle that is not (or no longer) one.
    #[error("invalid handle: {0}")]
    InvalidHandle(String),

    /// `ERROR_BAD_NETPATH`: the server cannot be found (unknown host, nothing listening).
    #[error("{0}")]
    BadNetPath(String),

    /// `ERROR_BAD_DEV_TYPE`: the resource type does not fit the local name (a printer
    /// asked for on a folder).
    #[error("{0}")]
    BadDevType(String),

    /// `ERROR_INVALID_PASSWORD`: the server refused the password given.
    #[error("{0}")]
    InvalidPassword(String),

    /// `ERROR_INVALID_LEVEL`: an information level the call does not have.
    #[error("{0}")]
    InvalidLevel(String),

    /// `ERROR_DEVICE_ALREADY_REMEMBERED`: the local name is remembered for another remote.
    #[error("{local}: already remembered for {remote}; forget it first")]
    DeviceAlreadyRemembered {
        /// The local name.
        local: Name,
        /// The remote it is remembered for.
        remote: Name,
    },

    /// `ERROR_NO_NET_OR_BAD_PATH`: no provider takes the name, or the network is down.
    #[error("{0}")]
    NoNetOrBadPath(String),

    /// `ERROR_BAD_PROVIDER`: a provider name netdrive does not know.
    #[error("{0}")]
    BadProvider(String),

    /// `ERROR_NOT_CONTAINER`: enumeration asked of a resource that holds nothing.
    #[error("{0}")]
    NotContainer(String),

    /// `ERROR_SESSION_CREDENTIAL_CONFLICT`: already connected to that server as another user.
    #[error("{0}")]
    SessionCredentialConflict(String),

    /// `ERROR_BAD_USERNAME`: a user name that cannot be passed to a tool as a user name
    /// (one that reads as an option, or holds a separator a tool splits at).
    #[error("{0}")]
    BadUsername(String),

    /// `ERROR_LOGON_FAILURE`: unknown user name or bad password.
    #[error("{0}")]
    LogonFailure(String),

    /// `ERROR_CANCELLED`: the person said no.
    #[error("cancelled")]
    Cancelled,

    /// `ERROR_EXTENDED_ERROR`: a provider's own failure.
    #[error("{provider}: {message}")]
    Extended {
        /// The provider that failed (`SSHFS`, `FUSE`, `GVfs`, `netdrive`).
        provider: String,
        /// Its message.
        message: String,
    },
}

/// What is left waiting for a server that does not answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// Nothing that could still change the drive.
    Nothing,
    /// The unmount call itself had started: the system may still finish it.
    Unmount,
    /// An earlier disconnect of the drive is still waiting for the server.
    EarlierAttempt,
}

fn waiting_note(w: Waiting) -> &'static str {
    match w {
        Waiting::Nothing => "",
        Waiting::Unmount => {
            "; the system may still finish the disconnect when the server answers: list the drives again to see"
        }
        Waiting::EarlierAttempt => "; an earlier disconnect of it is still waiting for the server",
    }
}

fn open_files_message(holders: &[Holder], uninspectable: usize) -> String {
    let mut s = String::from("files are open");
    if !holders.is_empty() {
        let mut who: Vec<String> =
            holders.iter().map(|h| format!("{} (PID {})", escape(&OsString::from(&h.name)), h.pid)).collect();
        who.dedup();
        s.push_str(" by ");
        s.push_str(&who.join(", "));
    }
    if uninspectable > 0 {
        let hint = if rustix::process::geteuid().is_root() {
            "permission denied"
        } else {
            "run as root to see them"
        };
        s.push_str(&format!("; {uninspectable} process(es) could not be inspected ({hint})"));
    }
    s.push_str("; close them, or disconnect with --force (or --detach)");
    s
}

impl Error {
    /// The Win32 code Windows would return for this failure.
    pub fn code(&self) -> Win32Error {
        match self {
            Error::NotConnected { .. }
            | Error::RememberedNotConnected { .. }
            | Error::AutomountNotConnected { .. }
            | Error::ChangedSinceListed { .. } => Win32Error::ERROR_NOT_CONNECTED,
            Error::OpenFiles { .. } => Win32Error::ERROR_OPEN_FILES,
            Error::DeviceInUse { .. } => Win32Error::ERROR_DEVICE_IN_USE,
            Error::AccessDenied { .. } => Win32Error::ERROR_ACCESS_DENIED,
            Error::NotResponding { .. } => Win32Error::ERROR_SEM_TIMEOUT,
            Error::InvalidParameter(_) => Win32Error::ERROR_INVALID_PARAMETER,
            Error::NotEnoughMemory(_) => Win32Error::ERROR_NOT_ENOUGH_MEMORY,
            Error::CannotOpenProfile { .. } => Win32Error::ERROR_CANNOT_OPEN_PROFILE,
            Error::BadProfile { .. } => Win32Error::ERROR_BAD_PROFILE,
            Error::NoNetwork(_) => Win32Error::ERROR_NO_NETWORK,
            Error::BadDevice(_) => Win32Error::ERROR_BAD_DEVICE,
            Error::AlreadyAssigned { .. } => Win32Error::ERROR_ALREADY_ASSIGNED,
            Error::BadNetName(_) => Win32Error::ERROR_BAD_NET_NAME,
            Error::NotSupported(_) => Win32Error::ERROR_NOT_SUPPORTED,
            Error::InvalidHandle(_) => Win32Error::ERROR_INVALID_HANDLE,
            Error::BadNetPath(_) => Win32Error::ERROR_BAD_NETPATH,
            Error::BadDevType(_) => Win32Error::ERROR_BAD_DEV_TYPE,
            Error::InvalidPassword(_) => Win32Error::ERROR_INVALID_PASSWORD,
            Error::InvalidLevel(_) => Win32Error::ERROR_INVALID_LEVEL,
            Error::DeviceAlreadyRemembered { .. } => Win32Error::ERROR_DEVICE_ALREADY_REMEMBERED,
            Error::NoNetOrBadPath(_) => Win32Error::ERROR_NO_NET_OR_BAD_PATH,
            Error::BadProvider(_) => Win32Error::ERROR_BAD_PROVIDER,
            Error::NotContainer(_) => Win32Error::ERROR_NOT_CONTAINER,
            Error::SessionCredentialConflict(_) => Win32Error::ERROR_SESSION_CREDENTIAL_CONFLICT,
            Error::LogonFailure(_) => Win32Error::ERROR_LOGON_FAILURE,
            Error::BadUsername(_) => Win32Error::ERROR_BAD_USERNAME,
            Error::Cancelled => Win32Error::ERROR_CANCELLED,
            Error::Extended { .. } => Win32Error::ERROR_EXTENDED_ERROR,
        }
    }

    /// The server wants credentials: none were given (`ERROR_LOGON_FAILURE`) or those
    /// given were refused (`ERROR_INVALID_PASSWORD`). A dialog asks for them and tries again.
    pub fn needs_credentials(&self) -> bool {
        matches!(self, Error::InvalidPassword(_) | Error::LogonFailure(_))
    }

    /// The provider that produced an extended error, if any.
    pub fn provider(&self) -> Option<&str> {
        match self {
            Error::Extended { provider, .. } => Some(provider),
            _ => None,
        }
    }

    /// Record this error as the calling thread's last error (what `WNetGetLastError` reads).
    pub fn record(self) -> Self {
        set_last_error(LastError {
            code: self.code(),
            text: self.to_string(),
            provider: self.provider().unwrap_or("netdrive").to_owned(),
        });
        self
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The last error of a thread, as `WNetGetLastError` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastError {
    /// The error's code.
    pub code: Win32Error,
    /// The message for people.
    pub text: String,
    /// The provider that reported it (`netdrive` for netdrive's own errors).
    pub provider: String,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Set the calling thread's last error.
pub fn set_last_error(e: LastError) {
    LAST_ERROR.with(|l| *l.borrow_mut() = Some(e));
}

/// The calling thread's last error, if one was recorded.
pub fn last_error() -> Option<LastError> {
    LAST_ERROR.with(|l| l.borrow().clone())
}

/// Forget the calling thread's last error.
pub fn clear_last_error() {
    LAST_ERROR.with(|l| *l.borrow_mut() = None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_win32_values_and_names() {
        assert_eq!(Win32Error::ERROR_OPEN_FILES.0, 2401);
        assert_eq!(Win32Error::ERROR_NOT_CONNECTED.to_string(), "ERROR_NOT_CONNECTED (2250)");
        assert_eq!(Win32Error(4242).name(), None);
        let e = Error::NotConnected { target: "/mnt/x".into() };
        assert_eq!(e.code(), Win32Error::ERROR_NOT_CONNECTED);
    }

    #[test]
    fn last_error_is_per_thread() {
        let _ = Error::Cancelled.record();
        assert_eq!(last_error().map(|l| l.code), Some(Win32Error::ERROR_CANCELLED));
        let other = std::thread::spawn(last_error).join().ok().flatten();
        assert_eq!(other, None);
        clear_last_error();
        assert_eq!(last_error(), None);
    }
}
