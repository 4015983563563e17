//! Servers from DNS-SD: through the system's Avahi daemon over D-Bus when it runs (it
//! already watches the network, so its cache answers at once and it says when the first
//! burst is complete: `AllForNow`), else with a built-in mDNS client (`mdns-sd`), which
//! must wait a fixed window for answers.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use zbus::proxy::{CacheProperties, MethodFlags};
use zbus::wire::OwnedObjectPath;

use super::{server_resource, Ctx, Endpoint, Event, Origin, Resource};
use crate::provider::Provider;

/// How servers are found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discovery {
    /// Avahi when it answers on the system bus, else [`Discovery::Mdns`].
    Auto,
    /// The system's Avahi daemon, over D-Bus.
    Avahi,
    /// netdrive's own mDNS queries (the `mdns-sd` crate).
    Mdns,
    /// No discovery: only servers of connected and remembered drives.
    None,
}

impl Discovery {
    /// `auto`, `avahi`, `mdns`, `none`.
    pub fn name(self) -> &'static str {
        match self {
            Discovery::Auto => "auto",
            Discovery::Avahi => "avahi",
            Discovery::Mdns => "mdns",
            Discovery::None => "none",
        }
    }

    /// Parse a [`Discovery::name`].
    pub fn from_name(s: &str) -> Option<Discovery> {
        [Discovery::Auto, Discovery::Avahi, Discovery::Mdns, Discovery::None]
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(s))
    }
}

/// The DNS-SD service types a provider's servers announce, with TLS and the usual port.
fn service_types(p: Provider) -> &'static [(&'static str, bool, u16)] {
    match p {
        Provider::Smb => &[("_smb._tcp", false, 445)],
        Provider::Nfs => &[("_nfs._tcp", false, 2049)],
        Provider::Sshfs => &[("_sftp-ssh._tcp", false, 22)],
        Provider::WebDav => &[("_webdav._tcp", false, 80), ("_webdavs._tcp", true, 443)],
        _ => &[],
    }
}

fn provider_of(ty: &str) -> Option<(Provider, bool, u16)> {
    let ty = ty.trim_end_matches('.').trim_end_matches(".local");
    super::PROVIDERS
        .iter()
        .find_map(|&p| service_types(p).iter().find(|(t, ..)| *t == ty).map(|&(_, tls, port)| (p, tls, port)))
}

/// An answer: instance, type, host, address, port, TXT `path`.
struct Answer {
    instance: String,
    ty: String,
    host: String,
    addresses: Vec<IpAddr>,
    port: u16,
    path: Option<String>,
}

impl Answer {
    fn into_resource(self) -> Option<Resource> {
        let (provider, tls, usual) = provider_of(&self.ty)?;
        let host = self.host.trim_end_matches('.').to_owned();
        if host.is_empty() {
            return None;
        }
        let mut name = host.clone();
        if tls {
            name.push_str("@SSL");
        }
        let port = (self.port != usual && self.port != 0).then_some(self.port);
        if let Some(p) = port {
            name.push_str(&format!("@{p}"));
        }
        let endpoint = Endpoint { host, port, addresses: self.addresses, path: self.path, tls };
        Some(server_resource(provider, format!("\\\\{name}"), Some(endpoint), Origin::DnsSd(self.instance)))
    }
}

/// Look for servers of `providers` until the bound, cancellation, or (Avahi) the first
/// complete answer; each found server goes to `out` as it resolves.
pub(super) fn discover(ctx: &Ctx, providers: &[Provider], out: &Sender<Resource>) {
    let types: Vec<String> =
        providers.iter().flat_map(|&p| service_types(p).iter().map(|(t, ..)| (*t).to_owned())).collect();
    let deadline = Instant::now() + ctx.opts.timeout;
    let wanted = match (ctx.opts.discovery, std::env::var("NETDRIVE_DISCOVERY").ok()) {
        (Discovery::Auto, Some(env)) => Discovery::from_name(&env).unwrap_or(Discovery::Auto),
        (d, _) => d,
    };
    let send = |a: Answer| {
        if let Some(r) = a.into_resource() {
            let _ = out.send(r);
        }
    };
    let use_avahi = match wanted {
        Discovery::None => {
            ctx.send(Event::Discovering(Discovery::None));
            return;
        }
        Discovery::Mdns => false,
        Discovery::Avahi => true,
        Discovery::Auto => avahi_present(deadline),
    };
    if use_avahi {
        ctx.send(Event::Discovering(Discovery::Avahi));
        avahi(ctx, &types, deadline, &send);
    } else {
        ctx.send(Event::Discovering(Discovery::Mdns));
        mdns(ctx, &types, deadline, &send);
    }
}

const AVAHI: &str = "org.freedesktop.Avahi";
/// How long Auto waits to learn whether Avahi is there: the bus answers at once either way.
const PROBE: Duration = Duration::from_millis(500);
/// The mDNS client's listening window, from when its searches have started ([`Listen`]):
/// responders answer within 20–120 ms of a query (RFC 6762 §6), and the client asks again
/// after 1 s.
const MDNS_WINDOW: Duration = Duration::from_millis(1500);

fn system_bus_configured() -> bool {
    std::env::var_os("DBUS_SYSTEM_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::path::Path::new("/run/dbus/system_bus_socket").exists()
}

/// Run `work` on the system bus within `deadline` (its own runtime on this thread).
fn on_system_bus<T>(
    deadline: Instant,
    work: impl AsyncFnOnce(zbus::Connection) -> zbus::Result<T>,
) -> Option<zbus::Result<T>> {
    let bound = deadline.saturating_duration_since(Instant::now());
    zruntime::block_on(async move {
        let runtime = zruntime::SharedRuntime::current().ok()?;
        let exchange = async move { work(zbus::Connection::system().await?).await };
        runtime.timeout(bound, exchange).await.ok()
    })
}

async fn avahi_server(conn: &zbus::Connection) -> zbus::Result<zbus::Proxy<'static>> {
    zbus::proxy::Builder::new(conn)
        .destination(AVAHI)
        .path("/")
        .interface("org.freedesktop.Avahi.Server")
        .cache_properties(CacheProperties::No)
        .build()
        .await
}

/// Whether Avahi answers on the system bus (never starting it).
fn avahi_present(deadline: Instant) -> bool {
    if !system_bus_configured() {
        return false;
    }
    let probe = deadline.min(Instant::now() + PROBE);
    let asked = on_system_bus(probe, async |conn| {
        let server = avahi_server(&conn).await?;
        let v: Option<String> =
            server.call_with_flags("GetVersionString", MethodFlags::NO_AUTO_START, &()).await?;
        Ok(v.is_some())
    });
    matches!(asked, Some(Ok(true)))
}

/// Avahi's `ItemNew` signal: interface, protocol, name, type, domain, flags.
type ItemNew = (i32, i32, String, String, String, u32);
/// Avahi's resolver `Found`: interface, protocol, name, type, domain, host, aprotocol,
/// address, port, TXT, flags.
type Found = (i32, i32, String, String, String, String, i32, String, u16, Vec<Vec<u8>>, u32);

fn avahi(ctx: &Ctx, types: &[String], deadline: Instant, send: &dyn Fn(Answer)) {
    let ctx2 = ctx.clone();
    let types = types.to_vec();
    let _ = on_system_bus(deadline, async move |conn| {
        let server = avahi_server(&conn).await?;
        // Subscribed before any browser exists: Avahi may signal the moment one is made.
        let rule = format!("type='signal',sender='{AVAHI}'");
        let mut stream = zbus::MessageStream::for_match_rule(rule.as_str(), &conn, None).await?;
        let runtime = zruntime::SharedRuntime::current().map_err(|e| zbus::Error::Failure(e.to_string()))?;
        let mut browsers: HashSet<String> = HashSet::new();
        for t in &types {
            // Interface and protocol unspecified (-1): every interface, IPv4 and IPv6.
            let path: OwnedObjectPath = server
                .call_with_flags(
                    "ServiceBrowserNew",
                    MethodFlags::NO_AUTO_START,
                    &(-1i32, -1i32, t, "local", 0u32),
                )
                .await?
                .ok_or_else(|| zbus::Error::Failure("no browser".into()))?;
            browsers.insert(path.as_str().to_owned());
        }
        let mut browsing: HashSet<String> = browsers.clone();
        let mut resolvers: HashMap<String, bool> = HashMap::new();
        let mut asked: HashSet<(String, String, i32)> = HashSet::new();
        while !ctx2.cancel.cancelled() {
            if browsing.is_empty() && resolvers.values().all(|done| *done) {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let msg = match runtime.timeout(left.min(Duration::from_millis(100)), stream.next()).await {
                Ok(Some(Ok(m))) => m,
                Ok(None) => break,
                Ok(Some(Err(_))) | Err(_) => continue,
            };
            let header = msg.header();
            let (Some(path), Some(member)) = (header.path(), header.member()) else { continue };
            let path = path.as_str().to_owned();
            match member.as_str() {
                "ItemNew" if browsers.contains(&path) => {
                    let Ok((iface, proto, name, ty, domain, _)) = msg.body().deserialize::<ItemNew>() else {
                        continue;
                    };
                    if !asked.insert((name.clone(), ty.clone(), proto)) {
                        continue;
                    }
                    let made: zbus::Result<Option<OwnedObjectPath>> = server
                        .call_with_flags(
                            "ServiceResolverNew",
                            MethodFlags::NO_AUTO_START,
                            &(iface, proto, &name, &ty, &domain, proto, 0u32),
                        )
                        .await;
                    if let Ok(Some(p)) = made {
                        resolvers.insert(p.as_str().to_owned(), false);
                    }
                }
                "AllForNow" | "Failure" if browsers.contains(&path) => {
                    browsing.remove(&path);
                }
                "Found" if resolvers.contains_key(&path) => {
                    resolvers.insert(path, true);
                    let Ok(f) = msg.body().deserialize::<Found>() else { continue };
                    let (_, _, instance, ty, _, host, _, address, port, txt, _) = f;
                    send(Answer {
                        instance,
                        ty,
                        host,
                        addresses: address.parse().into_iter().collect(),
                        port,
                        path: txt_path(txt.iter().map(Vec::as_slice)),
                    });
                }
                "Failure" if resolvers.contains_key(&path) => {
                    resolvers.insert(path, true);
                }
                _ => {}
            }
        }
        Ok(())
    });
}

/// DNS-SD's `path=` TXT key (RFC 6763 §6; WebDAV and NFS use it for the root).
fn txt_path<'a>(txt: impl Iterator<Item = &'a [u8]>) -> Option<String> {
    txt.filter_map(|e| e.strip_prefix(b"path=")).map(|v| String::from_utf8_lossy(v).into_owned()).next()
}

fn mdns(ctx: &Ctx, types: &[String], deadline: Instant, send: &dyn Fn(Answer)) {
    let Ok(daemon) = mdns_sd::ServiceDaemon::new() else { return };
    let receivers: Vec<_> = types.iter().filter_map(|t| daemon.browse(&format!("{t}.local.")).ok()).collect();
    let mut listen = Listen::new(receivers.len(), deadline);
    let mut seen = HashSet::new();
    while listen.goes_on(Instant::now()) && !ctx.cancel.cancelled() {
        let mut idle = true;
        for (i, rx) in receivers.iter().enumerate() {
            while let Ok(ev) = rx.try_recv() {
                idle = false;
                let now = Instant::now();
                match ev {
                    mdns_sd::ServiceEvent::SearchStarted(_) => listen.started(i, now),
                    mdns_sd::ServiceEvent::ServiceFound(_, name) => listen.found(name, now),
                    mdns_sd::ServiceEvent::ServiceResolved(s) => {
                        listen.resolved(&s.fullname, now);
                        if !seen.insert(s.fullname.clone()) {
                            continue;
                        }
                        let instance = s
                            .fullname
                            .strip_suffix(s.ty_domain.as_str())
                            .unwrap_or(&s.fullname)
                            .trim_end_matches('.')
                            .to_owned();
                        let mut addresses: Vec<IpAddr> = s.addresses.iter().map(|a| a.to_ip_addr()).collect();
                        // IPv4 first: reachable without an interface scope.
                        addresses.sort_by_key(|a| (a.is_ipv6(), *a));
                        send(Answer {
                            instance,
                            ty: s.ty_domain.clone(),
                            host: s.host.clone(),
                            addresses,
                            port: s.port,
                            path: s.txt_properties.get_property_val_str("path").map(str::to_owned),
                        });
                    }
                    _ => {}
                }
            }
        }
        if idle {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let _ = daemon.shutdown();
}

/// How long the built-in client listens. A fixed window from the call was too short on
/// a loaded machine: the daemon's thread, its sockets and its first query may start late,
/// and a found service needs more answers (SRV, TXT, address) before it resolves. So the
/// window runs from when every type's search has started (the daemon is up and asking),
/// and goes on while a found service is not resolved yet or answers are still arriving;
/// never past the deadline.
struct Listen {
    deadline: Instant,
    waiting_start: usize,
    started: HashSet<usize>,
    window_from: Option<Instant>,
    last_answer: Option<Instant>,
    unresolved: HashSet<String>,
    resolved: HashSet<String>,
}

/// After the last answer, how long more may still come (a responder's delay is 20–120 ms,
/// RFC 6762 §6; a burst of them, and a loaded machine's scheduling, take longer).
const MDNS_QUIET: Duration = Duration::from_millis(400);

impl Listen {
    fn new(types: usize, deadline: Instant) -> Listen {
        Listen {
            deadline,
            waiting_start: types,
            started: HashSet::new(),
            window_from: None,
            last_answer: None,
            unresolved: HashSet::new(),
            resolved: HashSet::new(),
        }
    }

    fn started(&mut self, receiver: usize, now: Instant) {
        if self.started.insert(receiver) && self.started.len() >= self.waiting_start {
            self.window_from.get_or_insert(now);
        }
    }

    /// Only news counts: the client's repeated queries bring the same answers again.
    fn found(&mut self, name: String, now: Instant) {
        if !self.resolved.contains(&name) && self.unresolved.insert(name) {
            self.last_answer = Some(now);
        }
    }

    fn resolved(&mut self, name: &str, now: Instant) {
        self.unresolved.remove(name);
        if self.resolved.insert(name.to_owned()) {
            self.last_answer = Some(now);
        }
    }

    fn goes_on(&self, now: Instant) -> bool {
        if now >= self.deadline {
            return false;
        }
        let Some(from) = self.window_from else { return true };
        now < from + MDNS_WINDOW
            || !self.unresolved.is_empty()
            || self.last_answer.is_some_and(|t| now < t + MDNS_QUIET)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_mdns_window_runs_from_the_search_and_waits_for_what_is_found() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut l = Listen::new(2, ms(5000));
        // A daemon that starts late: the window has not begun.
        assert!(l.goes_on(ms(2000)));
        l.started(0, ms(2000));
        l.started(0, ms(2100));
        assert!(l.goes_on(ms(4000)), "one type of two is being asked");
        l.started(1, ms(2500));
        assert!(l.goes_on(ms(3900)) && !l.goes_on(ms(4000)), "1.5 s from when both are asked");
        // Found and not resolved: on, to the deadline if need be.
        l.found("Files._smb._tcp.local.".into(), ms(3800));
        assert!(l.goes_on(ms(4500)) && !l.goes_on(ms(5000)));
        l.resolved("Files._smb._tcp.local.", ms(4500));
        assert!(l.goes_on(ms(4800)) && !l.goes_on(ms(4900)), "a moment more after the last answer");
        // The same answers again (the client asks again every second) are no news.
        l.found("Files._smb._tcp.local.".into(), ms(4850));
        l.resolved("Files._smb._tcp.local.", ms(4850));
        assert!(!l.goes_on(ms(4900)));
        // Quiet from the start: the plain window.
        let mut quiet = Listen::new(1, ms(5000));
        quiet.started(0, ms(10));
        assert!(quiet.goes_on(ms(1500)) && !quiet.goes_on(ms(1510)));
    }

    #[test]
    fn answers_become_servers_named_as_windows_does() {
        let a = |ty: &str, port, path: Option<&str>| Answer {
            instance: "Office".into(),
            ty: ty.into(),
            host: "nas.local.".into(),
            addresses: vec!["10.0.0.5".parse().unwrap()],
            port,
            path: path.map(str::to_owned),
        };
        let smb = a("_smb._tcp", 445, None).into_resource().unwrap();
        assert_eq!(
            (smb.provider, smb.remote_name.as_str(), smb.comment.as_str()),
            (Provider::Smb, r"\\nas.local", "Office")
        );
        let ssh = a("_sftp-ssh._tcp.local.", 2222, None).into_resource().unwrap();
        assert_eq!((ssh.provider, ssh.remote_name.as_str()), (Provider::Sshfs, r"\\nas.local@2222"));
        let dav = a("_webdavs._tcp", 8443, Some("/dav")).into_resource().unwrap();
        assert_eq!(dav.remote_name, r"\\nas.local@SSL@8443");
        assert!(a("_ipp._tcp", 631, None).into_resource().is_none());
        assert_eq!(txt_path([&b"u=me"[..], b"path=/srv"].into_iter()).as_deref(), Some("/srv"));
    }
}
