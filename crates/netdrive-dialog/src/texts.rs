//! Every text a person reads in the disconnect conversation, in one place: the window, the
//! terminal dialog, `WNetDisconnectDialog1`'s questions, the outcome's message, and the
//! words the `netdrive` command shares with them (provider, status, how a process uses a
//! drive). One function or constant a message, so a `gettext`-style catalogue can take
//! this module's place later without touching a front end.
//!
//! Names in these texts come already escaped (see [`netdrive::escape()`]).

use std::ffi::OsStr;

use netdrive::{escape, Connection, Holder, Use};

/// The dialog's title (the window's, the terminal dialog's, and a lone question's).
pub const TITLE: &str = "Disconnect Network Drives";

/// The line over the list; its underscore marks the mnemonic that focuses the list.
pub const HEADING: &str =
    "_Network drives: choose the ones to disconnect (Space or Ctrl+click for several), \
then press Disconnect.";

/// Shown until the first listing arrives (not [`EMPTY`], which would be wrong and read out).
pub const LOADING: &str = "Looking for network drives…";

/// Shown when no drive is there to disconnect.
pub const EMPTY: &str = "No network drives are connected.";

/// `netdrive list --remembered` with nothing remembered.
pub const EMPTY_REMEMBERED: &str = "No network drives are remembered.";

/// The list's columns, in order.
pub const COLUMNS: [&str; 4] = ["Drive", "Network path", "Provider", "Status"];

/// The button (and key) that disconnects the chosen drives.
pub const DISCONNECT: &str = "Disconnect";

/// The button that ends the dialog, and the answer that declines a question.
pub const CANCEL: &str = "Cancel";

/// Said when Disconnect is pressed with no drive chosen.
pub const CHOOSE_FIRST: &str = "Choose a drive first: arrow keys, then Space to choose more.";

/// The status line while a drive is being disconnected.
pub fn disconnecting(drive: &str) -> String {
    format!("Disconnecting {drive}…")
}

/// The status line while files are open on a drive and the person is asked.
pub fn waiting_open_files(drive: &str) -> String {
    format!("Files are open on {drive}: waiting for your answer.")
}

/// The status line while a drive's server does not answer and the person is asked.
pub fn waiting_not_responding(drive: &str) -> String {
    format!("{drive} is not responding: waiting for your answer.")
}

/// A row's status while it is disconnected normally.
pub const ROW_DISCONNECTING: &str = "disconnecting…";
/// A row's status while it is disconnected by force or detached.
pub const ROW_CLOSING: &str = "closing…";
/// A row's status while its server does not answer.
pub const ROW_NOT_RESPONDING: &str = "not responding";
/// A row's status once it is disconnected.
pub const ROW_DISCONNECTED: &str = "disconnected";
/// A row's status when its disconnect failed.
pub const ROW_FAILED: &str = "failed";

/// A row's status when `processes` processes use the drive.
pub fn in_use_by(processes: usize) -> String {
    match processes {
        1 => "in use by 1 process".to_owned(),
        n => format!("in use by {n} processes"),
    }
}

/// The Provider column: the provider, and rclone's backend when known (`rclone (smb)`).
pub fn provider(c: &Connection) -> String {
    match &c.backend {
        Some(b) => format!("{} ({})", c.provider, escape(OsStr::new(b))),
        None => c.provider.to_string(),
    }
}

/// How a process uses a drive, as a table cell (`netdrive who`).
pub fn use_noun(how: &Use) -> String {
    match how {
        Use::File(fd) => format!("file (fd {fd})"),
        Use::Cwd => "working folder".into(),
        Use::Root => "root folder".into(),
        Use::Exe => "program".into(),
        Use::Map => "mapped".into(),
    }
}

/// How a process uses a drive, as the verb of a sentence ("sleep (PID 42) has a file open: ...").
pub fn use_verb(how: &Use) -> &'static str {
    match how {
        Use::File(_) => "has a file open:",
        Use::Cwd => "is working in",
        Use::Root => "has its root in",
        Use::Exe => "runs from",
        Use::Map => "has mapped",
    }
}

/// "sleep (PID 42) has a file open: /mnt/share/report.txt", one line a holder, escaped.
pub fn describe_holders(holders: &[Holder]) -> String {
    holders
        .iter()
        .map(|h| {
            format!(
                "{} (PID {}) {} {}",
                escape(OsStr::new(&h.name)),
                h.pid,
                use_verb(&h.how),
                escape(&h.path)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `netdrive disconnect`'s line under `ERROR_OPEN_FILES`: "vlc (PID 4242, user me) has /mnt/x".
pub fn holder_line(h: &Holder) -> String {
    format!(
        "{} (PID {}, user {}) has {}",
        escape(OsStr::new(&h.name)),
        h.pid,
        escape(OsStr::new(&h.user)),
        escape(&h.path)
    )
}

/// A drive disconnected, as `netdrive dialog` and `netdrive disconnect` report it.
pub fn disconnected(drive: &str, network_path: &str) -> String {
    format!("Disconnected {drive} ({network_path}).")
}

/// The title of the open-files question.
pub const OPEN_FILES_TITLE: &str = "Files are open";

/// The open-files question's first line.
pub fn open_files(drive: &str) -> String {
    format!("Files are open on {drive}")
}

/// The open-files question's detail: who has what open, and what "anyway" costs.
pub fn open_files_detail(holders: &[Holder]) -> String {
    format!(
        "{}\n\nDisconnect anyway? These programs lose access to the drive and may lose unsaved work.",
        describe_holders(holders)
    )
}

/// The answer that disconnects a drive although files are open on it.
pub const DISCONNECT_ANYWAY: &str = "Disconnect anyway";

/// The title of the not-responding question.
pub const NOT_RESPONDING_TITLE: &str = "Server not responding";

/// The not-responding question's first line.
pub const NOT_RESPONDING: &str = "The server is not responding";

/// The one-line explanation of "Detach" shown to people.
pub const DETACH_EXPLAINED: &str =
    "Detach removes the drive now; the connection closes when the programs using it finish.";

/// The not-responding question's detail.
pub fn not_responding_detail(drive: &str, network_path: &str) -> String {
    format!("{drive} ({network_path}) did not answer.\n\n{DETACH_EXPLAINED}")
}

/// The answer that detaches a drive whose server does not answer.
pub const DETACH: &str = "Detach";

/// The answer that gives a server longer to answer.
pub const KEEP_WAITING: &str = "Keep waiting";

/// The title of a failure's message.
pub const FAILED_TITLE: &str = "Could not disconnect";

/// A failure's first line.
pub fn failed(drive: &str) -> String {
    format!("Could not disconnect {drive}")
}

/// A failure's detail: the error and its Win32 code.
pub fn failed_detail(e: &netdrive::Error) -> String {
    format!("{e}\n({})", e.code())
}

/// The answer that acknowledges a message.
pub const CLOSE: &str = "Close";

/// `WNetDisconnectDialog1`'s question's first line.
pub const ASK: &str = "Disconnect network drive?";

/// `WNetDisconnectDialog1`'s question: files are open on `target`, held by `holders`.
pub fn ask_open_files(target: &str, holders: &[Holder]) -> String {
    format!("{}:\n{}", open_files(target), open_files_detail(holders))
}

/// `WNetDisconnectDialog1`'s failure message's first line.
pub const TELL: &str = "Could not disconnect the network drive";

/// The outcome's message when drives were disconnected.
pub fn disconnected_count(n: usize) -> String {
    format!("Disconnected {n} network drive{}.", if n == 1 { "" } else { "s" })
}

/// The outcome's message when the person cancelled.
pub const CANCELLED_BY_PERSON: &str = "Cancelled: nothing was disconnected.";
/// The outcome's message when the owner window went.
pub const CANCELLED_OWNER_GONE: &str = "The owner window closed: nothing was disconnected.";
/// The outcome's message when the host closed the dialog.
pub const CANCELLED_CLOSED: &str = "The dialog was closed by its program.";

/// Neither a display nor a terminal to show the dialog on.
pub const NO_DISPLAY: &str = "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, and there is no \
terminal (use `netdrive disconnect` instead)";

/// The window's helper found no display to open.
pub const WINDOW_NO_DISPLAY: &str =
    "no display: neither DISPLAY nor WAYLAND_DISPLAY is set (use `netdrive disconnect` in a terminal)";

/// The window's helper could not open the display it was given.
pub fn cannot_open_display(display: &str, why: &str) -> String {
    format!("cannot open display {display}: {why}")
}

/// The terminal dialog found no terminal.
pub fn no_terminal(why: &str) -> String {
    format!("no terminal ({why}): use `netdrive disconnect` instead")
}

/// The terminal dialog could not use its terminal.
pub fn cannot_use_terminal(why: &str) -> String {
    format!("cannot use the terminal: {why}")
}

/// The window's helper program is missing.
pub const NO_WINDOW_HELPER: &str = "the dialog program netdrive-dialog-gtk is not installed (install \
netdrive's GTK front end, or set NETDRIVE_DIALOG_HELPER)";

/// The terminal dialog's helper program is missing.
pub const NO_TERMINAL_HELPER: &str = "the terminal dialog netdrive-dialog-tui is not installed (install \
netdrive's terminal front end, or set NETDRIVE_DIALOG_TUI_HELPER)";

/// The terminal dialog's key line: (key, what it does) pairs.
pub const KEYS: [(&str, &str); 6] = [
    ("↑↓", "move"),
    ("Space", "mark"),
    ("a", "all"),
    ("Enter", "disconnect"),
    ("Esc", "cancel"),
    ("?", "help"),
];

/// The terminal dialog's help.
pub const HELP: &str = "↑↓ k j   move       Home End  first, last\n\
Space    mark a drive (several go together)\n\
a        mark all, or none\n\
Enter    disconnect the marked (or this) drive\n\
Esc q    cancel\n\n\
Drives with open files ask first; a server that does not answer can be detached.";

/// The title of the terminal dialog's help.
pub const HELP_TITLE: &str = "Help";

/// How the terminal dialog's help closes.
pub const HELP_CLOSES: &str = "any key closes this help";

/// How a message with nothing to choose is closed in the terminal dialog.
pub const ANY_KEY: &str = "any key to go on";

/// Every text of the Map Network Drive dialog (`WNetConnectionDialog`), in one place as
/// the disconnect dialog's are. [`CANCEL`] is shared.
pub mod connect {
    use netdrive::{Error, Win32Error};

    /// The dialog's title.
    pub const TITLE: &str = "Map Network Drive";

    /// The line over the fields.
    pub const HEADING: &str = "Choose the network folder to connect to, and the folder to see it in.";

    /// The remote's field (its accessible name, as Windows and GNOME call it).
    pub const FOLDER: &str = "Folder";

    /// The forms the Folder field takes, shown under it.
    pub const FOLDER_EXAMPLES: &str = "For example \\\\server\\share, smb://server/share, \
sftp://user@host/path, user@host:/path, https://host/dav, nfs://server/export";

    /// The recent folders' list (`CONNDLG_USE_MRU`).
    pub const RECENT: &str = "Recent servers";

    /// The local folder's field.
    pub const LOCAL: &str = "Local folder";

    /// The check box for a remembered connection (`CONNDLG_PERSIST`).
    pub const RECONNECT: &str = "Reconnect at sign-in";

    /// The check box that shows the user and password fields.
    pub const OTHER_CREDENTIALS: &str = "Connect using different credentials";

    /// The user's field.
    pub const USER: &str = "User name";

    /// The password's field.
    pub const PASSWORD: &str = "Password";

    /// The check box that stores the password in the desktop keyring.
    pub const REMEMBER: &str = "Remember my credentials";

    /// The button that connects.
    pub const CONNECT: &str = "Connect";

    /// The same button once the drive is connected and the dialog says something about it.
    pub const OK: &str = "OK";

    /// Said when the drive connected but something asked for with it could not be done
    /// (the notices are the core's own sentences: the keyring, "Reconnect at sign-in").
    pub fn connected_but(notices: &[String]) -> String {
        format!("Connected.\n{}", notices.join("\n"))
    }

    /// Said when Connect is pressed with no folder typed.
    pub const TYPE_FOLDER_FIRST: &str = "Type the network folder to connect to first.";

    /// Said when Connect is pressed with no local folder.
    pub const CHOOSE_LOCAL_FIRST: &str = "Choose the local folder to connect it to.";

    /// Said when a name does not look like a network folder.
    pub fn not_a_folder(typed: &str) -> String {
        format!("{typed:?} is not a network folder. {FOLDER_EXAMPLES}.")
    }

    /// The status line while connecting (with the seconds so far, once there are some).
    pub fn connecting(remote: &str, seconds: u64) -> String {
        match seconds {
            0 => format!("Connecting to {remote}…"),
            s => format!("Connecting to {remote}… ({s} s)"),
        }
    }

    /// The outcome's message when a drive was connected.
    pub fn connected(local: &str, remote: &str) -> String {
        format!("Connected {local} to {remote}.")
    }

    /// Neither a display nor a terminal to show the dialog on.
    pub const NO_DISPLAY: &str =
        "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, and there is no terminal to show Map Network Drive on";

    /// The connect did not end within its bound.
    pub fn no_answer(seconds: u64) -> String {
        format!("The server did not answer within {seconds} seconds. Check that it is on and reachable, then try again.")
    }

    /// What a failed connect says to a person: the failure in plain words, then the detail
    /// and its Win32 code.
    pub fn failure(e: &Error) -> String {
        if let Error::NotResponding { after, .. } = e {
            return format!("{}\n({})", no_answer(after.as_secs()), e.code());
        }
        let plain = match e.code() {
            Win32Error::ERROR_LOGON_FAILURE | Win32Error::ERROR_INVALID_PASSWORD => {
                "The user name or password is not right. Type them again."
            }
            Win32Error::ERROR_BAD_NET_NAME | Win32Error::ERROR_BAD_NETPATH => {
                "The server or the shared folder was not found. Check the name and that the server is on."
            }
            Win32Error::ERROR_ACCESS_DENIED => {
                "Permission denied: check the user name and password, or ask for access to this folder."
            }
            Win32Error::ERROR_SEM_TIMEOUT => "The server did not answer in time.",
            Win32Error::ERROR_BAD_USERNAME => "That user name cannot be used. Type it again.",
            Win32Error::ERROR_ALREADY_ASSIGNED => "Something is already connected on that local folder.",
            Win32Error::ERROR_NOT_SUPPORTED => "This kind of network folder cannot be connected here.",
            Win32Error::ERROR_BAD_DEVICE => "The local folder cannot be used.",
            _ => "Could not connect the network folder.",
        };
        format!("{plain}\n{e} ({})", e.code())
    }

    /// Whether `e` means "ask for the user and password again", as Windows does: a logon
    /// failure or a wrong password, and access denied (what ssh says of a refused key or
    /// password).
    pub fn wants_password(e: &Error) -> bool {
        matches!(
            e.code(),
            Win32Error::ERROR_LOGON_FAILURE
                | Win32Error::ERROR_INVALID_PASSWORD
                | Win32Error::ERROR_ACCESS_DENIED
        )
    }

    /// The button that shows the network as a tree.
    pub const BROWSE: &str = "Browse…";

    /// The tree's accessible name and title.
    pub const NETWORK: &str = "Network";

    /// Under a node whose children are being listed.
    pub const LOOKING: &str = "Looking…";

    /// Under a node listed without children.
    pub const NOTHING_FOUND: &str = "Nothing found";

    /// The terminal dialog's key line while the tree has the keyboard.
    pub const TREE_KEYS: [(&str, &str); 5] =
        [("↑↓", "move"), ("→", "expand"), ("←", "collapse"), ("Enter", "choose"), ("Esc", "close tree")];

    /// The terminal dialog's key line once the drive is connected and a notice shows.
    pub const TOLD_KEYS: [(&str, &str); 2] = [("Enter", "OK"), ("Esc", "close")];

    /// The terminal dialog's key line.
    pub const KEYS: [(&str, &str); 6] = [
        ("Tab ↑↓", "move"),
        ("Space", "tick"),
        ("←→", "recent"),
        ("F2", "browse"),
        ("Enter", "connect"),
        ("Esc", "cancel"),
    ];
}
