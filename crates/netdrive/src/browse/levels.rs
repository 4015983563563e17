//! The levels below the root: servers (DNS-SD, known and recent drives) and a server's
//! shares, each found by workers that stream what they find, and the short cache of
//! complete levels and servers' endpoints.

use std::collections::HashMap;
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use super::{dnssd, endpoint_of_name, server_resource, shares, spawn};
use super::{Ctx, Endpoint, Event, Origin, Resource, CACHE_TTL};
use crate::provider::Provider;

struct Cached {
    at: Instant,
    children: Vec<Resource>,
}

/// Complete levels by container key, and servers' endpoints by key.
static CACHE: Mutex<Option<HashMap<(Provider, String), Cached>>> = Mutex::new(None);
static SERVERS: Mutex<Option<HashMap<(Provider, String), Resource>>> = Mutex::new(None);

pub(super) fn cached(key: &(Provider, String)) -> Option<Vec<Resource>> {
    let g = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    g.as_ref()?.get(key).filter(|c| c.at.elapsed() < CACHE_TTL).map(|c| c.children.clone())
}

pub(super) fn store(key: (Provider, String), children: Vec<Resource>) {
    let mut g = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    g.get_or_insert_with(HashMap::new).insert(key, Cached { at: Instant::now(), children });
}

/// Forget every cached answer (a "Refresh" button; tests).
pub fn clear_cache() {
    *CACHE.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

fn remember_server(r: &Resource) {
    let mut g = SERVERS.lock().unwrap_or_else(|p| p.into_inner());
    let map = g.get_or_insert_with(HashMap::new);
    // An address from DNS-SD is worth more than a name from a drive.
    let keep = map.get(&r.key()).is_some_and(|old| {
        old.endpoint.as_ref().is_some_and(|e| !e.addresses.is_empty())
            && r.endpoint.as_ref().is_none_or(|e| e.addresses.is_empty())
    });
    if !keep {
        map.insert(r.key(), r.clone());
    }
}

pub(super) fn known_resource(provider: Provider, remote: &str) -> Option<Resource> {
    let g = SERVERS.lock().unwrap_or_else(|p| p.into_inner());
    g.as_ref()?.get(&(provider, remote.to_lowercase())).cloned()
}

pub(super) fn known_server(provider: Provider, remote: &str) -> Option<Endpoint> {
    known_resource(provider, remote)?.endpoint
}

// ---- servers ----

/// The servers of `providers`: known ones at once, then DNS-SD's as they answer. With
/// `deep`, each server's shares are listed as soon as it is found.
pub(super) fn list_servers(ctx: &Ctx, providers: &[Provider], deep: bool) {
    let fresh: Vec<(Provider, Option<Vec<Resource>>)> = providers
        .iter()
        .map(|&p| (p, ctx.opts.use_cache.then(|| cached(&Resource::network(p).key())).flatten()))
        .collect();
    let mut seen: HashMap<(Provider, String), ()> = HashMap::new();
    let mut found: HashMap<Provider, Vec<Resource>> = HashMap::new();
    let emit = |r: Resource, seen: &mut HashMap<(Provider, String), ()>, found: &mut HashMap<_, Vec<_>>| {
        if seen.insert(r.key(), ()).is_some() {
            return;
        }
        remember_server(&r);
        found.entry(r.provider).or_default().push(r.clone());
        ctx.send(Event::Found(r.clone()));
        if deep {
            let c = ctx.clone();
            if spawn(move || list_shares(&c, &r)).is_err() {
                // No thread: that server's shares stay unlisted; its siblings go on.
            }
        }
    };
    for (p, cached) in &fresh {
        if let Some(list) = cached {
            for r in list {
                emit(r.clone(), &mut seen, &mut found);
            }
            ctx.send(Event::Complete(Resource::network(*p)));
        }
    }
    let wanted: Vec<Provider> = fresh.iter().filter(|(_, c)| c.is_none()).map(|(p, _)| *p).collect();
    if wanted.is_empty() || ctx.cancel.cancelled() {
        return;
    }
    for r in known_servers(&wanted) {
        emit(r, &mut seen, &mut found);
    }
    let (tx, rx) = mpsc::channel();
    let c = ctx.clone();
    let w = wanted.clone();
    let looking = spawn(move || dnssd::discover(&c, &w, &tx));
    if looking.is_ok() {
        for r in rx {
            emit(r, &mut seen, &mut found);
        }
    }
    if ctx.cancel.cancelled() {
        return;
    }
    for p in wanted {
        let list = found.remove(&p).unwrap_or_default();
        store(Resource::network(p).key(), list);
        ctx.send(Event::Complete(Resource::network(p)));
    }
}

/// Servers of connected and remembered drives, by provider.
pub(super) fn known_servers(providers: &[Provider]) -> Vec<Resource> {
    let Ok(listing) = crate::list::list_with_warnings(crate::list::Scope::All) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in listing.connections {
        let backend = c.backend.as_deref().unwrap_or("");
        let provider = match (c.provider, backend) {
            (Provider::Smb | Provider::SmbNetFs, _) | (Provider::Rclone | Provider::Gvfs, "smb") => {
                Provider::Smb
            }
            (Provider::Nfs, _) | (Provider::Gvfs, "nfs") => Provider::Nfs,
            (Provider::Sshfs, _) | (Provider::Rclone, "sftp") | (Provider::Gvfs, "sftp" | "ssh") => {
                Provider::Sshfs
            }
            (Provider::WebDav, _) | (Provider::Rclone, "webdav") | (Provider::Gvfs, "dav" | "davs") => {
                Provider::WebDav
            }
            _ => continue,
        };
        if !providers.contains(&provider) {
            continue;
        }
        let Some(remote) = c.remote_name.to_str() else { continue };
        let Some(server) = remote.strip_prefix("\\\\").and_then(|r| r.split('\\').next()) else { continue };
        if server.is_empty() {
            continue;
        }
        let origin = if c.connected { Origin::Connected } else { Origin::Remembered };
        out.push(server_resource(provider, format!("\\\\{server}"), Some(endpoint_of_name(server)), origin));
    }
    out.extend(recent_servers(providers));
    out
}

/// Servers of the connect dialog's recent folders, by provider (after the drives' own, so
/// a server both connected and recent is said to be connected).
fn recent_servers(providers: &[Provider]) -> Vec<Resource> {
    let mut out = Vec::new();
    for folder in crate::profile::recent_folders(Duration::from_secs(1)) {
        let Ok(target) = crate::connect::target::parse(&folder, None) else { continue };
        let provider = target.provider();
        let Some(host) = target.host().filter(|h| !h.is_empty()) else { continue };
        if providers.contains(&provider) {
            out.push(server_resource(
                provider,
                format!("\\\\{host}"),
                Some(endpoint_of_name(host)),
                Origin::Recent,
            ));
        }
    }
    out
}

// ---- shares ----

pub(super) fn list_shares(ctx: &Ctx, server: &Resource) {
    if ctx.cancel.cancelled() {
        return;
    }
    let key = server.key();
    if let Some(list) = ctx.opts.use_cache.then(|| cached(&key)).flatten() {
        for r in list {
            ctx.send(Event::Found(r));
        }
        ctx.send(Event::Complete(server.clone()));
        return;
    }
    // A server named by hand may have been discovered: use its address.
    let mut server = server.clone();
    if let Some(e) = known_server(server.provider, &server.remote_name) {
        if !e.addresses.is_empty() {
            server.endpoint = Some(e);
        }
    }
    // A `.local` name the system resolver may not know: ask DNS-SD for that server.
    let unresolved =
        server.endpoint.as_ref().is_some_and(|e| e.addresses.is_empty() && e.host.ends_with(".local"));
    if unresolved && server.provider != Provider::Sshfs && server.provider != Provider::WebDav {
        let (tx, rx) = mpsc::channel();
        dnssd::discover(ctx, &[server.provider], &tx);
        drop(tx);
        if let Some(found) = rx.into_iter().find(|r| r.key() == server.key()) {
            remember_server(&found);
            server.endpoint = found.endpoint;
        }
    }
    match shares::list(ctx, &server) {
        Ok(list) => {
            for r in &list {
                ctx.send(Event::Found(r.clone()));
            }
            if !ctx.cancel.cancelled() {
                store(key, list);
                ctx.send(Event::Complete(server));
            }
        }
        Err(error) => ctx.send(Event::Failed { resource: server, error }),
    }
}
