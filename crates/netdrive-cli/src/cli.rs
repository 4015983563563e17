//! The command line, as clap sees it.

use std::ffi::OsString;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use netdrive_dialog::parse_seconds;

#[derive(Parser)]
#[command(
    name = "netdrive",
    version,
    about = "List, inspect and disconnect network drives (SMB, NFS, SSHFS, rclone, WebDAV, ...)",
    long_about = "List, inspect and disconnect network drives: mounts of network filesystems \
(kernel cifs/smb3, nfs, ceph, 9p, afs; FUSE sshfs, rclone, davfs2, smbnetfs, s3fs, curlftpfs, \
glusterfs; GNOME gvfs). A drive is named by its mount point, its UNC name (\\\\server\\share) \
or its source (//server/share, user@host:/path).\n\n\
netdrive never touches a network filesystem to list it or to find who uses it, so a server \
that does not answer cannot hang it; a disconnect waits for the server at most --timeout seconds.",
    after_help = "Examples:\n  \
netdrive list                         connected network drives\n  \
netdrive list --all --json            connected and remembered, for scripts\n  \
netdrive who ~/work                   which processes keep ~/work busy\n  \
netdrive disconnect ~/work            unmount it (refused while files are open)\n  \
netdrive disconnect '\\\\nas\\media' --force   disconnect even with open files\n  \
netdrive disconnect ~/work --forget   also forget the remembered connection\n\n\
Exit status: 0 success, 2 bad usage, 3 an operation failed (the message names the Win32 \
error, e.g. ERROR_OPEN_FILES (2401))."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// List network drives (connected by default)
    #[command(
        after_help = "Examples:\n  netdrive list\n  netdrive list --remembered\n  netdrive list --all --json | jq -r '.[].local_name'"
    )]
    List(ListArgs),
    /// Show the processes that use a drive (open files, working folders, programs, maps)
    #[command(
        after_help = "Examples:\n  netdrive who /mnt/share\n  netdrive who '\\\\server\\share' --json"
    )]
    Who(WhoArgs),
    /// Disconnect network drives
    #[command(after_help = "Without --force or --detach, a drive with open files is left alone and the \
processes are named (ERROR_OPEN_FILES).\n\n\
--force aborts the connection: programs with files open on the drive get I/O errors.\n\
--detach removes the drive at once but keeps the connection to the server until the last \
program using it closes its files (a lazy unmount): use it when the server is not responding.\n\n\
Examples:\n  netdrive disconnect /mnt/share\n  netdrive disconnect /mnt/a /mnt/b --json\n  \
netdrive disconnect /mnt/share --detach")]
    Disconnect(DisconnectArgs),
    /// Open the Disconnect Network Drives dialog
    #[command(
        after_help = "Exit status: 0 a drive was disconnected, 1 cancelled (as zenity), 3 an error.\n\n\
Examples:\n  netdrive dialog\n  netdrive dialog --owner x11:0x3a00007 --json"
    )]
    Dialog(DialogArgs),
    /// Open the Map Network Drive dialog (WNetConnectionDialog)
    #[command(
        name = "connect-dialog",
        after_help = "Folder takes \\\\server\\share, smb://server/share, sftp://user@host/path, \
user@host:/path, https://host/dav (WebDAV) or nfs://server/export; the local folder defaults to a \
free one under ~/Network. \"Reconnect at sign-in\" remembers the drive.\n\n\
Exit status: 0 a drive was connected (its folder is printed), 1 cancelled, 3 an error.\n\n\
Examples:\n  netdrive connect-dialog\n  netdrive connect-dialog --remote sftp://me@nas/srv --json\n  \
netdrive dialog --connect --tui"
    )]
    ConnectDialog(DialogArgs),
    /// Start throwaway servers on 127.0.0.1, mount three network drives from them, and open the dialog
    #[command(after_help = "Needs root. Starts OpenSSH, Samba and a WebDAV server on 127.0.0.1 under a \
temporary folder, mounts an sshfs, an rclone (SMB) and a davfs2 drive, keeps one busy, and opens \
the Disconnect Network Drives dialog (the window, or the terminal dialog without a display). \
On exit, Ctrl-C or SIGTERM it unmounts and stops everything it started.\n\n\
Examples:\n  sudo netdrive demo\n  sudo netdrive demo --tui\n  sudo netdrive demo --no-dialog   # keep the drives until Ctrl-C")]
    Demo(DemoArgs),
    /// Remember a connected drive in your profile (listed by `list --remembered`)
    Remember(RememberArgs),
    /// Browse the network: providers, servers (DNS-SD, known drives) and their shares
    #[command(after_help = "Servers come from DNS-SD announcements (Avahi over D-Bus when it runs, else \
netdrive's own mDNS queries) and from connected and remembered drives; shares from the server \
(smbclient -L, showmount -e). Each level waits at most --timeout seconds: a server that does not \
answer is reported and the rest of the tree still comes. Nothing is mounted.\n\n\
Examples:\n  netdrive browse\n  netdrive browse '\\\\nas.local'\n  netdrive browse SMB --json\n  \
netdrive browse '\\\\files.local' --provider NFS")]
    Browse(BrowseArgs),
    /// Connect a network drive (WNetAddConnection2): SMB, SSHFS, WebDAV, NFS or rclone
    #[command(
        after_help = "The provider comes from the remote's form: \\\\server\\share and smb://[user@]server/share are SMB (rclone's SMB backend for any user; kernel cifs as root where the kernel has it), sftp://[user@]host/path and user@host:/path SSHFS, https://[user@]host/path WebDAV (rclone), nfs://server/export NFS (root, or an /etc/fstab entry with the `user` option).\n\n\
Without --password-stdin the desktop keyring's password is used, if it has one. The password \
never appears on a command line or in an environment.\n\n\
Exit status: 0 connected, 3 failed: ERROR_LOGON_FAILURE (1326) a password is needed, \
ERROR_INVALID_PASSWORD (86) it was refused, ERROR_BAD_NETPATH (53) no such server, \
ERROR_BAD_NET_NAME (67) no such share, ERROR_ACCESS_DENIED (5).\n\n\
Examples:\n  netdrive connect smb://me@nas/media ~/Network/media --password-stdin --save-password --remember\n  \
netdrive connect me@host:/srv ~/srv\n  netdrive connect https://dav.example/remote.php/dav ~/dav --user me --interactive"
    )]
    Connect(ConnectArgs),
    /// Reconnect remembered drives, as at sign-in (keyring passwords; asks nobody unless --interactive)
    #[command(after_help = "Every drive your profile remembers and that is not connected is connected \
again, all at once, each within --timeout seconds: a dead server delays no other drive. Passwords \
come from the desktop keyring. Network entries of /etc/fstab that the system mounts at boot (no \
noauto, no automount) and that are not mounted -- a server or network that came up late -- are \
mounted too, with the fstab's options, where you may mount them (root, or the user option). When some drives cannot be restored, a desktop notification says \
so (where a notification service runs) and a line goes to standard error (the journal, under \
systemd). Shipped as the systemd user unit netdrive-restore.service and an XDG autostart entry.\n\n\
Exit status: 0 all restored, 3 some could not be.\n\n\
Examples:\n  netdrive restore\n  netdrive restore --json\n  netdrive restore --interactive")]
    Restore(RestoreArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Example:\n  netdrive completions bash > ~/.local/share/bash-completion/completions/netdrive"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    #[command(after_help = "Example:\n  netdrive man | man -l -")]
    Man,
    /// `netdrive restore`'s notification, shown and waited on by a process of its own
    #[command(hide = true)]
    RestoreNotice {
        /// The notification's text
        body: String,
    },
}

#[derive(Args)]
pub struct ListArgs {
    /// Print JSON: an array of objects
    #[arg(long)]
    pub json: bool,
    /// List remembered connections (your profile, network entries of /etc/fstab, automount points)
    #[arg(long, conflicts_with = "all")]
    pub remembered: bool,
    /// List connected drives and remembered ones that are not connected
    #[arg(long)]
    pub all: bool,
}

#[derive(Args)]
pub struct WhoArgs {
    /// Mount point, \\server\share, or source
    pub target: OsString,
    /// Print JSON: an array of {pid, name, user, path, use}
    #[arg(long)]
    pub json: bool,
    /// Stop looking after this many seconds
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    pub timeout: Duration,
}

#[derive(Args)]
pub struct DisconnectArgs {
    /// Mount points, \\server\share names, or sources
    #[arg(required = true)]
    pub targets: Vec<OsString>,
    /// Disconnect even when files are open: the connection is aborted
    #[arg(long)]
    pub force: bool,
    /// Lazy unmount: remove now, keep the connection until its users close their files
    #[arg(long)]
    pub detach: bool,
    /// Also forget the remembered connection (Win32 CONNECT_UPDATE_PROFILE)
    #[arg(long)]
    pub forget: bool,
    /// Print JSON: an array of {target, code, error, message}
    #[arg(long)]
    pub json: bool,
    /// How long the server may take to answer, in seconds
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    pub timeout: Duration,
}

#[derive(Args)]
pub struct DialogArgs {
    /// The window to stay over: x11:0xHEX (an X11 window id) or wayland:HANDLE (xdg-foreign)
    #[arg(long, default_value = "")]
    pub owner: String,
    /// Print the outcome as JSON: {outcome, code, disconnected, message}
    #[arg(long)]
    pub json: bool,
    /// Use the terminal dialog even when a display is available (it is used anyway without one)
    #[arg(long)]
    pub tui: bool,
    /// How long a server may take to answer, in seconds (default 3 to disconnect, 20 to connect)
    #[arg(long, value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
    /// Open the Map Network Drive dialog instead (as `netdrive connect-dialog`)
    #[arg(long)]
    pub connect: bool,
    /// Map Network Drive: the network folder to offer (\\server\share, smb://, sftp://, user@host:/path, https://, nfs://)
    #[arg(long, value_name = "FOLDER")]
    pub remote: Option<String>,
    /// Map Network Drive: the local folder to mount on (default: a free one under ~/Network)
    #[arg(long, value_name = "FOLDER")]
    pub local: Option<String>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Install missing packages with apt-get (as root)
    #[arg(long)]
    pub install: bool,
    /// Use the terminal dialog even when a display is available
    #[arg(long)]
    pub tui: bool,
    /// Print the dialog's outcome as JSON
    #[arg(long)]
    pub json: bool,
    /// Do not open the dialog: keep the drives until Ctrl-C or SIGTERM
    #[arg(long, conflicts_with_all = ["tui", "json"])]
    pub no_dialog: bool,
}

#[derive(Args)]
pub struct BrowseArgs {
    /// What to browse: a provider (SMB, NFS, SSHFS, WebDAV) or \\server; none for the whole network
    pub target: Option<String>,
    /// The provider of a \\server name (default SMB, as on Windows)
    #[arg(long)]
    pub provider: Option<String>,
    /// Print JSON: the tree, once complete
    #[arg(long)]
    pub json: bool,
    /// How long each level (discovery, each server's shares) may take, in seconds
    #[arg(long, default_value = "3", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// How to find servers: auto (Avahi if it runs, else mDNS), avahi, mdns, none
    #[arg(long, default_value = "auto")]
    pub discovery: String,
    /// List SMB shares as this user (DOMAIN\user too)
    #[arg(long)]
    pub user: Option<String>,
    /// With --user: read the password from the first line of standard input
    #[arg(long, requires = "user")]
    pub password_stdin: bool,
}

#[derive(Args)]
pub struct ConnectArgs {
    /// The remote: \\server\share, smb://, sftp://, user@host:/path, https://, nfs://
    pub remote: OsString,
    /// The folder to mount on (it must exist)
    pub local: OsString,
    /// SMB, SSHFS, WebDAV, NFS or rclone (default: from the remote's form)
    #[arg(long)]
    pub provider: Option<String>,
    /// The user to log in as (for SMB also DOMAIN\user)
    #[arg(long)]
    pub user: Option<String>,
    /// Read the password from the first line of standard input
    #[arg(long)]
    pub password_stdin: bool,
    /// Ask for the password on the terminal when the server wants one
    #[arg(long)]
    pub interactive: bool,
    /// Save the password in the desktop keyring once it worked (CONNECT_CMD_SAVECRED)
    #[arg(long)]
    pub save_password: bool,
    /// Remember the connection, to restore at sign-in (CONNECT_UPDATE_PROFILE)
    #[arg(long)]
    pub remember: bool,
    /// Print JSON: {local_name, remote_name, code, error, message, ...}
    #[arg(long)]
    pub json: bool,
    /// How long the server may take, in seconds
    #[arg(long, default_value = "30", value_parser = parse_seconds)]
    pub timeout: Duration,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// Print JSON: an array of {local_name, remote_name, provider, outcome, code, error, message}
    #[arg(long)]
    pub json: bool,
    /// Ask on the terminal for passwords the keyring does not have
    #[arg(long)]
    pub interactive: bool,
    /// How long each drive may take, in seconds (all are tried at once)
    #[arg(long, default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Do not show a desktop notification when some drives cannot be restored
    #[arg(long)]
    pub no_notify: bool,
}

#[derive(Args)]
pub struct RememberArgs {
    /// Mount point, \\server\share, or source of a connected drive
    pub target: OsString,
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_is_well_formed() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
