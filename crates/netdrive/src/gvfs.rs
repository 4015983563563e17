//! GNOME GVfs network mounts, listed and disconnected over D-Bus.
//!
//! GVfs keeps its mounts in the session's `gvfsd`, behind one FUSE container at
//! `/run/user/UID/gvfs` that is not itself a drive, so they are not in the mount table. They
//! are asked of gvfsd's mount tracker (`org.gtk.vfs.MountTracker.ListMounts2` on
//! `org.gtk.vfs.Daemon`), only when a session bus is present, and the way `gio mount -l`
//! names them: their local name is their URI (a "deviceless" connection, in Windows terms).
//!
//! Every call carries `NO_AUTO_START`, so a session whose desktop does not run gvfsd (KDE,
//! Xfce, an SSH login with a bus) is never made to start one, and the bus answers at once
//! that nobody owns the name. The whole exchange (connect, authenticate, call) runs on a
//! worker thread under a deadline: a bus or gvfsd that does not answer costs at most the
//! bound, never a hang, and a listing then has no GVfs drives.
//!
//! A mount is disconnected through its own backend (`org.gtk.vfs.Mount.Unmount` on the
//! backend's bus name and object path, as GIO does), found again by its URI right before.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::future::Future;
use std::sync::mpsc;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use zbus::proxy::{CacheProperties, MethodFlags};
use zbus::wire::{OwnedObjectPath, OwnedVariant};

use crate::error::{Error, Name, Result};
use crate::escape::escape_text;

/// How long a listing waits for the bus and gvfsd together. gvfsd answers from memory in
/// about a millisecond; a bus without gvfsd answers at once.
pub const LIST_BOUND: Duration = Duration::from_millis(300);

const DAEMON: &str = "org.gtk.vfs.Daemon";
const TRACKER_PATH: &str = "/org/gtk/vfs/mounttracker";
const TRACKER: &str = "org.gtk.vfs.MountTracker";
const MOUNT: &str = "org.gtk.vfs.Mount";
/// `G_MOUNT_UNMOUNT_FORCE`: unmount even while gvfs clients have files open.
const UNMOUNT_FORCE: u32 = 1;

/// URI schemes of network filesystems (as `gio mount -l` shows them).
const SCHEMES: [&str; 11] =
    ["smb", "sftp", "ssh", "ftp", "ftps", "ftpis", "dav", "davs", "nfs", "afp", "afc"];

/// One mount as the tracker describes it: `(sossssssbay(aya{sv})ay)`, that is dbus_id,
/// object path, display name, stable name, x-content types, icon, symbolic icon, filename
/// encoding, user visible, FUSE mount point, mount spec (prefix, keys), default location.
type RawMount = (
    String,
    OwnedObjectPath,
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    Vec<u8>,
    (Vec<u8>, HashMap<String, OwnedVariant>),
    Vec<u8>,
);

/// A GVfs mount: where its backend answers, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The backend's unique bus name (`:1.42`).
    pub dbus_id: String,
    /// The mount's object in the backend.
    pub object_path: String,
    pub display_name: String,
    /// The mount's folder under gvfsd-fuse (`/run/user/UID/gvfs/sftp:host=...`), if it runs.
    pub fuse_mount_point: Option<OsString>,
    pub spec: Spec,
}

/// A GVfs mount spec: what identifies a mount (`type`, `host`, `user`, `port`, `share`, ...)
/// and the path its root is at on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    pub prefix: Vec<u8>,
    pub keys: BTreeMap<String, Vec<u8>>,
}

impl Mount {
    fn from_raw(raw: RawMount) -> Mount {
        let (dbus_id, path, display_name, _, _, _, _, _, _, fuse, (prefix, items), _) = raw;
        let keys = items
            .into_iter()
            .filter_map(|(k, v)| Vec::<u8>::try_from(v).ok().map(|v| (k, bytestring(v))))
            .collect();
        let fuse = bytestring(fuse);
        Mount {
            dbus_id,
            object_path: path.as_str().to_owned(),
            display_name,
            fuse_mount_point: (!fuse.is_empty())
                .then(|| OsString::from(String::from_utf8_lossy(&fuse).into_owned())),
            spec: Spec { prefix: bytestring(prefix), keys },
        }
    }

    /// The URI of the mount's root, as GIO writes it (`gio mount -l`).
    pub fn uri(&self) -> Option<String> {
        self.spec.uri()
    }

    /// The URI of a network mount and its scheme (`sftp`, `smb`, ...); `None` for local
    /// ones (trash, recent, MTP...).
    pub(crate) fn network_uri(&self) -> Option<(String, String)> {
        let uri = self.uri()?;
        let scheme = uri.split_once("://")?.0.to_owned();
        SCHEMES.contains(&scheme.as_str()).then_some((uri, scheme))
    }
}

/// GVariant bytestrings (`^ay`) end in a NUL.
fn bytestring(mut v: Vec<u8>) -> Vec<u8> {
    if v.last() == Some(&0) {
        v.pop();
    }
    v
}

// GLib's `G_URI_RESERVED_CHARS_*`: what `g_string_append_uri_escaped` leaves as it is.
// Unreserved characters (letters, digits, `-._~`) are never escaped.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
const SUB_DELIMS: &AsciiSet = &UNRESERVED
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');
const IN_USERINFO: &AsciiSet = &SUB_DELIMS.remove(b':');
const IN_HOST: &AsciiSet = &SUB_DELIMS.remove(b':').remove(b'[').remove(b']');
const IN_PATH: &AsciiSet = &SUB_DELIMS.remove(b':').remove(b'@').remove(b'/');

impl Spec {
    fn get(&self, key: &str) -> Option<String> {
        self.keys.get(key).map(|v| String::from_utf8_lossy(v).into_owned())
    }

    fn root(&self) -> String {
        let p = String::from_utf8_lossy(&self.prefix);
        if p.is_empty() {
            "/".into()
        } else {
            p.into_owned()
        }
    }

    /// The URI of the mount's root: GVfs's URI mappers (`client/smburi.c`, `afpuri.c`,
    /// `httpuri.c`) for the types that have one, else `type://user@host:port/prefix`.
    pub fn uri(&self) -> Option<String> {
        let kind = self.get("type")?;
        let under = |first: Option<String>| {
            let root = self.root();
            match first {
                Some(f) if root.starts_with('/') => format!("/{f}{root}"),
                Some(f) => format!("/{f}/{root}"),
                None => root,
            }
        };
        let (scheme, user, path) = match kind.as_str() {
            "smb-share" => {
                let user = match (self.get("domain"), self.get("user")) {
                    (Some(d), Some(u)) => Some(format!("{d};{u}")),
                    (None, u) => u,
                    (Some(_), None) => None,
                };
                ("smb".to_owned(), user, under(Some(self.get("share")?)))
            }
            "smb-server" => ("smb".to_owned(), None, "/".to_owned()),
            "afp-volume" => ("afp".to_owned(), self.get("user"), under(Some(self.get("volume")?))),
            "afp-server" => ("afp".to_owned(), self.get("user"), "/".to_owned()),
            "dav" => {
                let ssl = self.get("ssl").as_deref() == Some("true");
                ((if ssl { "davs" } else { "dav" }).to_owned(), self.get("user"), under(None))
            }
            "http" => return self.get("uri"),
            other => (other.to_owned(), self.get("user"), under(None)),
        };
        let host = self.get(if kind.starts_with("smb-") { "server" } else { "host" });
        let mut uri = format!("{scheme}://");
        if let Some(host) = host {
            if let Some(user) = user {
                uri.extend(utf8_percent_encode(&user, IN_USERINFO));
                uri.push('@');
            }
            if host.contains(':') && !host.starts_with('[') {
                uri.push('[');
                uri.extend(utf8_percent_encode(&host, IN_HOST));
                uri.push(']');
            } else {
                uri.extend(utf8_percent_encode(&host, IN_HOST));
            }
            if let Some(port) = self.get("port").and_then(|p| p.parse::<u16>().ok()).filter(|&p| p != 0) {
                uri.push_str(&format!(":{port}"));
            }
        }
        uri.extend(utf8_percent_encode(&path, IN_PATH));
        Some(uri)
    }
}

/// Why a D-Bus exchange gave no answer.
#[derive(Debug)]
enum Failure {
    /// No answer within the bound.
    TimedOut,
    /// The bus or gvfsd said no (no such name, access denied, a method error).
    Bus(zbus::Error),
    /// No worker thread could start.
    NoThread(std::io::Error),
}

/// Run `work` against the session bus on a worker thread, for at most `bound`. The worker
/// gives up at the bound itself (its socket is dropped), and the caller stops waiting
/// shortly after even if the worker is stuck in a system call.
fn on_session_bus<T, F, Fut>(bound: Duration, work: F) -> std::result::Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(zbus::Connection) -> Fut + Send + 'static,
    Fut: Future<Output = zbus::Result<T>>,
{
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("netdrive-gvfs".into())
        .spawn(move || {
            let outcome = zruntime::block_on(async move {
                let runtime = zruntime::SharedRuntime::current().map_err(|e| Failure::Bus(e.into()))?;
                let exchange = async move { work(zbus::Connection::session().await?).await };
                match runtime.timeout(bound, exchange).await {
                    Ok(done) => done.map_err(Failure::Bus),
                    Err(_) => Err(Failure::TimedOut),
                }
            });
            let _ = tx.send(outcome);
        })
        .map_err(Failure::NoThread)?;
    rx.recv_timeout(bound + Duration::from_millis(100)).unwrap_or(Err(Failure::TimedOut))
}

/// A proxy that never loads properties (that would be a call without `NO_AUTO_START`).
async fn proxy(
    conn: &zbus::Connection,
    dest: String,
    path: String,
    iface: &'static str,
) -> zbus::Result<zbus::Proxy<'static>> {
    zbus::proxy::Builder::new(conn)
        .destination(dest)
        .path(path)
        .interface(iface)
        .cache_properties(CacheProperties::No)
        .build()
        .await
}

/// The user-visible mounts gvfsd tracks, as `gio mount -l` lists them.
async fn tracked_mounts(conn: &zbus::Connection) -> zbus::Result<Vec<Mount>> {
    let tracker = proxy(conn, DAEMON.into(), TRACKER_PATH.into(), TRACKER).await?;
    let raw: Option<Vec<RawMount>> =
        tracker.call_with_flags("ListMounts2", MethodFlags::NO_AUTO_START, &(true,)).await?;
    Ok(raw.unwrap_or_default().into_iter().map(Mount::from_raw).collect())
}

fn has_session_bus() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
}

/// GVfs's mounts in this session; none without a session bus, without gvfsd, or when either
/// does not answer within `bound`.
pub fn mounts(bound: Duration) -> Vec<Mount> {
    if !has_session_bus() {
        return Vec::new();
    }
    on_session_bus(bound, |conn| async move { tracked_mounts(&conn).await }).unwrap_or_default()
}

/// Unmount a GVfs mount by URI. The mount is looked up again right before (it must still be
/// there under that URI), then its backend is asked to unmount; `force` unmounts even while
/// gvfs clients have files open. The whole exchange takes at most `bound`.
pub fn unmount(uri: &str, force: bool, bound: Duration) -> Result<()> {
    let target = Name::from(uri);
    if !has_session_bus() {
        return Err(Error::NotConnected { target });
    }
    let wanted = uri.to_owned();
    let flags = if force { UNMOUNT_FORCE } else { 0 };
    let outcome = on_session_bus(bound, move |conn| async move {
        let Some(mount) =
            tracked_mounts(&conn).await?.into_iter().find(|m| m.uri().as_deref() == Some(&wanted))
        else {
            return Ok(false);
        };
        let backend = proxy(&conn, mount.dbus_id, mount.object_path, MOUNT).await?;
        // No mount operation to ask questions through: GVfs's "dummy" source (empty name,
        // root path), so a busy mount fails with G_IO_ERROR_BUSY instead of asking.
        let no_operation = zbus::wire::ObjectPath::try_from("/")?;
        let _: Option<()> = backend
            .call_with_flags("Unmount", MethodFlags::NO_AUTO_START, &("", no_operation, flags))
            .await?;
        Ok(true)
    });
    match outcome {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::NotConnected { target }),
        Err(Failure::TimedOut) => {
            Err(Error::NotResponding { target, after: bound, waiting: crate::error::Waiting::Nothing })
        }
        Err(Failure::NoThread(e)) => Err(Error::NotEnoughMemory(format!("no worker thread: {e}"))),
        Err(Failure::Bus(e)) => Err(bus_error(target, &e)),
    }
}

/// A D-Bus failure of an unmount, as a Win32 error.
fn bus_error(target: Name, e: &zbus::Error) -> Error {
    match e {
        // gvfsd went away, or never ran: nothing is mounted through it.
        zbus::Error::FDO(f)
            if matches!(**f, zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_)) =>
        {
            Error::NotConnected { target }
        }
        // GIO's errors cross D-Bus unmapped: G_IO_ERROR_BUSY is code 26.
        zbus::Error::MethodError(name, _, _) if name.as_str().ends_with("_g_2dio_2derror_2dquark.Code26") => {
            Error::OpenFiles { target, holders: Vec::new(), uninspectable: 0 }
        }
        zbus::Error::MethodError(_, Some(detail), _) => {
            Error::Extended { provider: "GVfs".into(), message: format!("{target}: {}", escape_text(detail)) }
        }
        other => Error::Extended {
            provider: "GVfs".into(),
            message: format!("{target}: {}", escape_text(&other.to_string())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: &str, prefix: &str, keys: &[(&str, &str)]) -> Spec {
        let mut k: BTreeMap<String, Vec<u8>> =
            keys.iter().map(|(a, b)| ((*a).to_owned(), b.as_bytes().to_vec())).collect();
        k.insert("type".into(), kind.as_bytes().to_vec());
        Spec { prefix: prefix.as_bytes().to_vec(), keys: k }
    }

    /// URIs as `gio mount -l` printed them for the same mounts (GLib 2.74, GVfs 1.50).
    #[test]
    fn uris_are_gios() {
        let sftp = spec("sftp", "/", &[("host", "127.0.0.1"), ("user", "root"), ("port", "39501")]);
        assert_eq!(sftp.uri().as_deref(), Some("sftp://root@127.0.0.1:39501/"));
        let smb = spec("smb-share", "/", &[("server", "192.168.1.20"), ("share", "share")]);
        assert_eq!(smb.uri().as_deref(), Some("smb://192.168.1.20/share/"));
        let smb = spec(
            "smb-share",
            "/",
            &[("server", "nas"), ("share", "my files"), ("user", "me"), ("domain", "WG")],
        );
        assert_eq!(smb.uri().as_deref(), Some("smb://WG;me@nas/my%20files/"));
        let dav = spec("dav", "/dav/x", &[("host", "files"), ("ssl", "true"), ("port", "8443")]);
        assert_eq!(dav.uri().as_deref(), Some("davs://files:8443/dav/x"));
        let ftp = spec("ftp", "", &[("host", "fd00::5")]);
        assert_eq!(ftp.uri().as_deref(), Some("ftp://[fd00::5]/"));
        let trash = spec("trash", "/", &[]);
        assert_eq!(trash.uri().as_deref(), Some("trash:///"));
    }

    #[test]
    fn bytestrings_lose_their_nul() {
        assert_eq!(bytestring(b"/run/user/0/gvfs\0".to_vec()), b"/run/user/0/gvfs");
        assert_eq!(bytestring(Vec::new()), b"");
    }
}
