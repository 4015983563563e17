//! Browsing the network (Win32 `RESOURCE_GLOBALNET`): a tree of providers, their servers
//! and the servers' shares, as Windows' "Network" and the Map Network Drive dialog's
//! Browse… show it.
//!
//! | level | `Display` | found by |
//! |---|---|---|
//! | providers | [`Display::Network`] | fixed: SMB, NFS, SSHFS (SFTP), WebDAV |
//! | servers | [`Display::Server`] | DNS-SD (`_smb._tcp`, `_nfs._tcp`, `_sftp-ssh._tcp`, `_webdav._tcp`, `_webdavs._tcp`) through Avahi over D-Bus when it runs, else a built-in mDNS client (`mdns-sd`); plus the servers of connected and remembered drives |
//! | shares | [`Display::Share`] | SMB: `smbclient -L`; NFS: `showmount -e`; SFTP and WebDAV: the server itself |
//!
//! Every level is bounded ([`Options::timeout`]: a silent server costs at most that, and
//! only its own branch), cancellable ([`Browse::cancel`], or dropping the [`Browse`]),
//! streamed (each [`Event`] as it arrives) and cached for [`CACHE_TTL`]. Nothing is
//! mounted, and no password reaches a command line or an environment (`smbclient` reads
//! an authentication file on its standard input).
//!
//! [`children`] lists one level, [`walk`] everything below a node (the whole tree from the
//! root), [`parent_of`] goes up, [`parse`] turns a provider and remote name (a
//! `NETRESOURCE`'s) back into a node.

mod dnssd;
mod levels;
mod shares;

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::provider::Provider;

pub use dnssd::Discovery;
pub use levels::clear_cache;
use levels::{known_resource, known_server, list_servers, list_shares};

/// The bound of one level when none is given: a silent server costs this much.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a level's complete answer is reused.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// The providers that can be browsed, in the order they are shown.
pub const PROVIDERS: [Provider; 4] = [Provider::Smb, Provider::Nfs, Provider::Sshfs, Provider::WebDav];

/// What a node is (Win32 `dwDisplayType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Display {
    /// A provider's network (`RESOURCEDISPLAYTYPE_NETWORK`, 6).
    Network,
    /// A server (`RESOURCEDISPLAYTYPE_SERVER`, 2).
    Server,
    /// A share, export or the server itself as one resource (`RESOURCEDISPLAYTYPE_SHARE`, 3).
    Share,
}

impl Display {
    /// The Win32 `RESOURCEDISPLAYTYPE_*` value.
    pub fn code(self) -> u32 {
        match self {
            Display::Network => 6,
            Display::Server => 2,
            Display::Share => 3,
        }
    }

    /// `network`, `server` or `share` (JSON, messages).
    pub fn name(self) -> &'static str {
        match self {
            Display::Network => "network",
            Display::Server => "server",
            Display::Share => "share",
        }
    }
}

/// Where a server answers, as discovery or a drive told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// Its host name (`nas.local`) or address.
    pub host: String,
    /// The port, when it is not the protocol's usual one.
    pub port: Option<u16>,
    /// Addresses DNS-SD resolved it to (used to reach it: `.local` names need mDNS to
    /// resolve, which the system resolver may not do).
    pub addresses: Vec<IpAddr>,
    /// WebDAV: the path of its root (DNS-SD `path=`); `/` when none.
    pub path: Option<String>,
    /// WebDAV over TLS (`_webdavs._tcp`).
    pub tls: bool,
}

/// How a node became known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// One of the fixed providers.
    Provider,
    /// A DNS-SD announcement; the instance name it has there (`Office NAS`).
    DnsSd(String),
    /// A connected drive's server.
    Connected,
    /// A remembered drive's server.
    Remembered,
    /// A server of a folder connected to recently (the connect dialog's recent list).
    Recent,
    /// Given by name (`netdrive browse \\server`, a `NETRESOURCE`).
    Named,
    /// Listed by its server (a share or export).
    Server,
}

/// One node of the tree: a provider's network, a server or a share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// What it is.
    pub display: Display,
    /// Whose: SMB, NFS, SSHFS (SFTP), WebDAV.
    pub provider: Provider,
    /// The provider's name for a network; `\\server` (`\\server@port` on an unusual
    /// port); `\\server\share`.
    pub remote_name: String,
    /// The server's comment for a share; the DNS-SD instance name for a server.
    pub comment: String,
    /// It has children (`RESOURCEUSAGE_CONTAINER`).
    pub container: bool,
    /// It can be connected (`RESOURCEUSAGE_CONNECTABLE`).
    pub connectable: bool,
    /// Where its server answers (servers and shares).
    pub endpoint: Option<Endpoint>,
    /// How it became known.
    pub origin: Origin,
}

impl Resource {
    /// The provider's network node.
    pub fn network(provider: Provider) -> Resource {
        Resource {
            display: Display::Network,
            provider,
            remote_name: provider.name().to_owned(),
            comment: network_comment(provider).to_owned(),
            container: true,
            connectable: false,
            endpoint: None,
            origin: Origin::Provider,
        }
    }

    /// What identifies it in the tree: provider and remote name (case-insensitive, as
    /// Windows compares them).
    pub fn key(&self) -> (Provider, String) {
        (self.provider, self.remote_name.to_lowercase())
    }

    /// The Win32 `dwUsage` bits: `RESOURCEUSAGE_CONNECTABLE` (1), `RESOURCEUSAGE_CONTAINER` (2).
    pub fn usage(&self) -> u32 {
        u32::from(self.connectable) | (u32::from(self.container) << 1)
    }

    /// The server's name without the leading `\\` (`nas.local`, `nas.local@8080`).
    pub fn server_name(&self) -> Option<&str> {
        let rest = self.remote_name.strip_prefix("\\\\")?;
        Some(rest.split('\\').next().unwrap_or(rest))
    }
}

fn network_comment(p: Provider) -> &'static str {
    match p {
        Provider::Smb => "Windows and Samba file sharing",
        Provider::Nfs => "NFS exports",
        Provider::Sshfs => "SFTP (SSH) servers",
        Provider::WebDav => "WebDAV servers",
        _ => "",
    }
}

/// The providers (the root's children), at once.
pub fn providers() -> Vec<Resource> {
    PROVIDERS.iter().map(|&p| Resource::network(p)).collect()
}

/// The node a provider name and remote name denote (a `NETRESOURCE`'s `lpProvider` and
/// `lpRemoteName`): `"SMB"` (or the provider alone) is that provider's network,
/// `\\server` a server, `\\server\share\...` a share. No provider means SMB for a UNC name,
/// as on Windows. A server browsed recently keeps the address discovery found.
pub fn parse(provider: Option<&str>, remote_name: Option<&str>) -> Result<Resource> {
    let named = |s: &str| {
        Provider::from_name(s.trim())
            .filter(|p| PROVIDERS.contains(p))
            .ok_or_else(|| Error::BadProvider(format!("{s:?} is not a provider that can be browsed")))
    };
    let provider = provider.filter(|p| !p.is_empty()).map(named).transpose()?;
    let remote = remote_name.map(str::trim).filter(|r| !r.is_empty());
    let Some(remote) = remote else {
        return provider
            .map(Resource::network)
            .ok_or_else(|| Error::InvalidParameter("neither a provider nor a remote name".into()));
    };
    let norm = remote.replace('/', "\\");
    let Some(rest) = norm.strip_prefix("\\\\") else {
        // A provider's network by its name.
        let p = named(remote)?;
        if provider.is_some_and(|q| q != p) {
            return Err(Error::BadProvider(format!("{remote:?} is not that provider's network")));
        }
        return Ok(Resource::network(p));
    };
    let provider = provider.unwrap_or(Provider::Smb);
    let mut parts = rest.split('\\').filter(|s| !s.is_empty());
    let server = parts.next().ok_or_else(|| Error::BadNetName(format!("{remote:?} names no server")))?;
    let path: Vec<&str> = parts.collect();
    let server_remote = format!("\\\\{server}");
    let known = known_server(provider, &server_remote);
    let endpoint = known.clone().or_else(|| Some(endpoint_of_name(server)));
    if path.is_empty() {
        let mut r = server_resource(provider, server_remote, endpoint, Origin::Named);
        if let Some(k) = known_resource(provider, &r.remote_name) {
            r.comment = k.comment;
        }
        return Ok(r);
    }
    Ok(Resource {
        display: Display::Share,
        provider,
        remote_name: format!("{server_remote}\\{}", path.join("\\")),
        comment: String::new(),
        container: false,
        connectable: true,
        endpoint,
        origin: Origin::Named,
    })
}

/// `host[@SSL][@port]` into an endpoint.
pub(super) fn endpoint_of_name(server: &str) -> Endpoint {
    let mut parts = server.split('@');
    let host = parts.next().unwrap_or(server).to_owned();
    let mut e = Endpoint { host, ..Endpoint::default() };
    for p in parts {
        if p.eq_ignore_ascii_case("SSL") {
            e.tls = true;
        } else if let Ok(port) = p.parse() {
            e.port = Some(port);
        }
    }
    e
}

pub(crate) fn server_resource(
    provider: Provider,
    remote_name: String,
    endpoint: Option<Endpoint>,
    origin: Origin,
) -> Resource {
    let comment = match &origin {
        Origin::DnsSd(instance) => instance.clone(),
        _ => String::new(),
    };
    Resource {
        display: Display::Server,
        provider,
        remote_name,
        comment,
        container: true,
        connectable: false,
        endpoint,
        origin,
    }
}

/// The node above `r`: a share's server, a server's provider network; `None` for a
/// provider's network (its parent is the root).
pub fn parent_of(r: &Resource) -> Option<Resource> {
    match r.display {
        Display::Network => None,
        Display::Server => Some(Resource::network(r.provider)),
        Display::Share => {
            let server = format!("\\\\{}", r.server_name()?);
            let mut s = server_resource(r.provider, server, r.endpoint.clone(), Origin::Named);
            if let Some(k) = known_resource(r.provider, &s.remote_name) {
                s = k;
            }
            Some(s)
        }
    }
}

/// How to browse. (Its `Debug` hides the password.)
#[derive(Clone)]
pub struct Options {
    /// The bound of each level: discovery of servers, and each server's share listing.
    pub timeout: Duration,
    /// Avahi, the built-in mDNS client, or the first that works ([`Discovery::Auto`];
    /// `NETDRIVE_DISCOVERY=avahi|mdns` chooses too).
    pub discovery: Discovery,
    /// Reuse answers younger than [`CACHE_TTL`].
    pub use_cache: bool,
    /// The user to list SMB shares as (none: as a guest).
    pub user: Option<String>,
    /// Its password (given to `smbclient` on its standard input, never on a command line or
    /// in an environment).
    pub password: Option<String>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("timeout", &self.timeout)
            .field("discovery", &self.discovery)
            .field("use_cache", &self.use_cache)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: DEFAULT_TIMEOUT,
            discovery: Discovery::Auto,
            use_cache: true,
            user: None,
            password: None,
        }
    }
}

/// What a browse reports, as it happens.
#[derive(Debug)]
pub enum Event {
    /// A node; its parent is [`parent_of`] it (or the root for a network).
    Found(Resource),
    /// Listing a container's children failed (`resource` is the container): a server that
    /// does not answer within the bound is `ERROR_SEM_TIMEOUT`, a refused login
    /// `ERROR_LOGON_FAILURE` or `ERROR_ACCESS_DENIED`, an unknown host `ERROR_BAD_NETPATH`.
    Failed {
        /// The container.
        resource: Resource,
        /// Why.
        error: Error,
    },
    /// A container's children are all listed (streamed before, or from the cache).
    Complete(Resource),
    /// Servers are being looked for this way (once per browse that looks for servers).
    Discovering(Discovery),
}

/// Cancels a running browse from any thread.
#[derive(Clone, Debug)]
pub struct Canceller(Arc<AtomicBool>);

impl Canceller {
    /// Stop: children and servers still being asked are left, their programs killed.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub(crate) fn cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A running browse: an iterator of [`Event`]s that ends when every level asked for has
/// answered, failed or reached its bound. Dropping it cancels what is still running.
pub struct Browse {
    events: mpsc::Receiver<Event>,
    cancel: Canceller,
}

impl Browse {
    /// A handle to cancel it from another thread (a dialog's Cancel, a closed expander).
    pub fn canceller(&self) -> Canceller {
        self.cancel.clone()
    }

    /// Stop now; the iterator then ends soon.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The next event within `wait`: `Ok(None)` when none came in that time (still
    /// running), `Err(())` when the browse has ended. For event loops that must not block.
    #[allow(clippy::result_unit_err)]
    pub fn next_timeout(&self, wait: Duration) -> std::result::Result<Option<Event>, ()> {
        match self.events.recv_timeout(wait) {
            Ok(e) => Ok(Some(e)),
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(()),
        }
    }

    /// The next event if one is there now, for polling from a UI's idle handler.
    #[allow(clippy::result_unit_err)]
    pub fn try_next(&self) -> std::result::Result<Option<Event>, ()> {
        self.next_timeout(Duration::ZERO)
    }
}

impl Iterator for Browse {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        self.events.recv().ok()
    }
}

impl Drop for Browse {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The children of `parent` (`None`: the root, whose children are the providers), streamed.
/// A share is not a container: `ERROR_NOT_CONTAINER`.
pub fn children(parent: Option<&Resource>, opts: &Options) -> Result<Browse> {
    start(parent, opts, false)
}

/// Everything below `from` (`None`: the whole tree), streamed: each server's shares are
/// asked for as soon as the server is found, all at once.
pub fn walk(from: Option<&Resource>, opts: &Options) -> Result<Browse> {
    start(from, opts, true)
}

fn start(parent: Option<&Resource>, opts: &Options, deep: bool) -> Result<Browse> {
    if let Some(p) = parent.filter(|p| !p.container) {
        return Err(Error::NotContainer(format!("{} is a share, not a container", p.remote_name)));
    }
    let (tx, rx) = mpsc::channel();
    let cancel = Canceller(Arc::new(AtomicBool::new(false)));
    let ctx = Ctx { tx, cancel: cancel.clone(), opts: opts.clone() };
    let parent = parent.cloned();
    spawn(move || match parent {
        None => {
            let nets = providers();
            for n in &nets {
                ctx.send(Event::Found(n.clone()));
            }
            ctx.send(Event::Complete(root_marker()));
            if deep {
                list_servers(&ctx, &PROVIDERS, true);
            }
        }
        Some(p) if p.display == Display::Network => list_servers(&ctx, &[p.provider], deep),
        Some(p) => list_shares(&ctx, &p),
    })?;
    Ok(Browse { events: rx, cancel })
}

/// The root, for [`Event::Complete`] of the providers' level: a network with no provider name.
fn root_marker() -> Resource {
    Resource {
        display: Display::Network,
        provider: Provider::Smb,
        remote_name: String::new(),
        comment: String::new(),
        container: true,
        connectable: false,
        endpoint: None,
        origin: Origin::Provider,
    }
}

impl Event {
    /// Whether this [`Event::Complete`] is the root's (the providers are all listed).
    pub fn is_root_complete(&self) -> bool {
        matches!(self, Event::Complete(r) if r.remote_name.is_empty())
    }
}

pub(super) fn spawn(work: impl FnOnce() + Send + 'static) -> Result<()> {
    std::thread::Builder::new()
        .name("netdrive-browse".into())
        .spawn(work)
        .map(|_| ())
        .map_err(|e| Error::NotEnoughMemory(format!("no browse thread: {e}")))
}

/// What every worker of one browse shares.
#[derive(Clone)]
pub(crate) struct Ctx {
    tx: mpsc::Sender<Event>,
    pub(crate) cancel: Canceller,
    pub(crate) opts: Options,
}

impl Ctx {
    pub(crate) fn send(&self, e: Event) {
        if !self.cancel.cancelled() {
            let _ = self.tx.send(e);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::levels::{cached, known_servers};
    use super::*;
    use std::time::Instant;

    /// The connect dialog's recent folders name servers too (`CONNDLG_USE_MRU`).
    #[test]
    fn servers_of_recent_folders_are_known() {
        let cfg = tempfile::tempdir().unwrap();
        std::env::set_var("XDG_CONFIG_HOME", cfg.path());
        std::fs::create_dir_all(cfg.path().join("netdrive")).unwrap();
        std::fs::write(
            cfg.path().join("netdrive/recent-folders"),
            "smb://nas.example/media\nsftp://me@box.example/srv\n",
        )
        .unwrap();
        let found = known_servers(&[Provider::Smb]);
        assert!(
            found.iter().any(|r| r.remote_name == r"\\nas.example" && r.origin == Origin::Recent),
            "{found:?}"
        );
        assert!(!found.iter().any(|r| r.remote_name.contains("box.example")), "only the providers asked for");
    }

    #[test]
    fn names_parse_into_nodes_and_back_up() {
        let smb = parse(None, Some("SMB")).unwrap();
        assert_eq!((smb.display, smb.provider, smb.container), (Display::Network, Provider::Smb, true));
        assert_eq!(parse(Some("nfs"), None).unwrap().remote_name, "NFS");
        let server = parse(None, Some(r"\\nas.local")).unwrap();
        assert_eq!(
            (server.display, server.provider, server.container),
            (Display::Server, Provider::Smb, true)
        );
        let share = parse(Some("SSHFS"), Some("//nas.local@2222/~")).unwrap();
        assert_eq!(share.remote_name, r"\\nas.local@2222\~");
        assert_eq!((share.display, share.connectable, share.container), (Display::Share, true, false));
        assert_eq!(share.endpoint.as_ref().unwrap().port, Some(2222));
        let up = parent_of(&share).unwrap();
        assert_eq!((up.display, up.remote_name.as_str()), (Display::Server, r"\\nas.local@2222"));
        let top = parent_of(&up).unwrap();
        assert_eq!(
            (top.display, top.remote_name.as_str(), top.provider),
            (Display::Network, "SSHFS", Provider::Sshfs)
        );
        assert_eq!(parent_of(&top), None);
        assert_eq!(parse(Some("rclone"), Some(r"\\x")).unwrap_err().code().0, 1204);
        assert_eq!(parse(Some("NFS"), Some("SMB")).unwrap_err().code().0, 1204);
        assert_eq!(parse(None, None).unwrap_err().code().0, 87);
    }

    /// A server that accepts connections and never answers, on 127.0.0.1.
    fn silent_server() -> Resource {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for c in l.incoming().flatten() {
                held.push(c);
            }
        });
        parse(Some("SMB"), Some(&format!(r"\\127.0.0.1@{port}"))).unwrap()
    }

    fn smbclients_of_this_process() -> usize {
        let mut n = 0;
        for task in std::fs::read_dir("/proc/self/task").unwrap() {
            let kids = std::fs::read_to_string(task.unwrap().path().join("children")).unwrap_or_default();
            for pid in kids.split_whitespace() {
                let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                // A killed child not reaped yet is a zombie: gone for this purpose.
                if comm.trim() == "smbclient" && !state.contains(") Z ") {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn a_silent_server_costs_its_bound_and_a_cancel_ends_at_once() {
        let server = silent_server();
        let opts = Options { timeout: Duration::from_secs(1), use_cache: false, ..Options::default() };
        let start = Instant::now();
        let got: Vec<Event> = children(Some(&server), &opts).unwrap().collect();
        assert!(start.elapsed() < Duration::from_millis(2500), "{:?}", start.elapsed());
        match got.as_slice() {
            [Event::Failed { resource, error }] => {
                assert_eq!(
                    (resource.remote_name.as_str(), error.code().0),
                    (server.remote_name.as_str(), 121)
                );
            }
            other => panic!("{other:?}"),
        }
        // Cancelled long before its bound: the listing program is killed, the events end.
        let opts = Options { timeout: Duration::from_secs(30), ..opts };
        let b = children(Some(&server), &opts).unwrap();
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(smbclients_of_this_process(), 1, "smbclient is asking the server");
        let start = Instant::now();
        b.cancel();
        assert_eq!(b.count(), 0, "nothing is reported after a cancel");
        assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(smbclients_of_this_process(), 0, "smbclient was stopped");
    }

    #[test]
    fn a_complete_level_is_reused_from_the_cache() {
        // SFTP servers list themselves: no network, so the cache is seen alone.
        let server = parse(Some("SSHFS"), Some(r"\\cache-test.invalid")).unwrap();
        let first: Vec<Event> = children(Some(&server), &Options::default()).unwrap().collect();
        assert!(
            matches!(&first[..], [Event::Found(r), Event::Complete(_)] if r.remote_name == r"\\cache-test.invalid\~")
        );
        assert!(cached(&server.key()).is_some());
        clear_cache();
        assert!(cached(&server.key()).is_none());
    }

    #[test]
    fn a_share_is_not_a_container_and_the_root_lists_the_providers_at_once() {
        let share = parse(None, Some(r"\\nas\media")).unwrap();
        assert_eq!(children(Some(&share), &Options::default()).err().unwrap().code().0, 1207);
        let start = Instant::now();
        let got: Vec<Event> = children(None, &Options::default()).unwrap().collect();
        assert!(start.elapsed() < Duration::from_secs(1));
        let names: Vec<&str> = got
            .iter()
            .filter_map(|e| match e {
                Event::Found(r) => Some(r.remote_name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["SMB", "NFS", "SSHFS", "WebDAV"]);
        assert!(got.last().unwrap().is_root_complete());
    }
}
