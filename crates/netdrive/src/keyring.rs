//! Passwords of network drives in the desktop keyring (the Secret Service,
//! `org.freedesktop.secrets`: GNOME Keyring, KeePassXC, KWallet's bridge), never in a file.
//!
//! Items use the attributes GNOME's own tools use for the same server (libsecret's schema
//! `org.gnome.keyring.NetworkPassword`, as gvfs stores them): `user`, `domain`, `server`,
//! `object`, `protocol` (`smb`, `sftp`, `dav`, `davs`, `nfs`) and `port` (only when not the
//! protocol's default). A lookup matches on `protocol`, `server`, and `user` and `port`
//! when known, so a password GNOME Files saved for `smb://nas/...` is found, and one saved
//! here is found by GNOME Files and by `secret-tool lookup protocol smb server nas`.
//!
//! The keyring is reached over the session bus through the `secret-service` crate (its
//! blocking API, on a worker thread): every call has a [`BOUND`]; without a session bus
//! nothing is tried at all, so no call can hang a connect or a restore. A locked keyring
//! is never unlocked here (that would prompt): its items count as not found.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// How long a lookup may take (D-Bus activation of the keyring included): connecting
/// waits for it, restoring at sign-in waits for it once per drive.
pub const BOUND: Duration = Duration::from_secs(3);

/// How long storing a password may take: the person asked for it and the drive is
/// connected already, and a keyring's first store (making its collection's key, under
/// load) takes longer than a lookup.
pub const STORE_BOUND: Duration = Duration::from_secs(10);

/// The libsecret schema name gvfs and GNOME use for network passwords.
pub const SCHEMA: &str = "org.gnome.keyring.NetworkPassword";

/// Which password: the attributes of a keyring item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Key {
    /// `smb`, `sftp`, `dav`, `davs`, `nfs`.
    pub protocol: String,
    /// The server's name as given.
    pub server: String,
    /// The port, when not the protocol's default.
    pub port: Option<u16>,
    /// The user; `None` finds any user's password for the server.
    pub user: Option<String>,
    /// The SMB domain (workgroup), when given.
    pub domain: Option<String>,
    /// What on the server (the share); stored, but not matched on, as gvfs stores none.
    pub object: Option<String>,
}

/// A password found in the keyring, with the user it is for.
#[derive(Clone, PartialEq, Eq)]
pub struct Found {
    /// The user stored with it.
    pub user: Option<String>,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Found").field("user", &self.user).field("password", &"…").finish()
    }
}

/// Why the keyring could not be used. Connecting goes on without it (asking for the
/// password each time); [`Unavailable::first_notice`] says so once per process.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the desktop keyring is not available ({0}): passwords are asked for each time and not saved")]
pub struct Unavailable(pub String);

static NOTICED: AtomicBool = AtomicBool::new(false);

impl Unavailable {
    /// The message, the first time any caller in this process asks; `None` after.
    pub fn first_notice(&self) -> Option<String> {
        (!NOTICED.swap(true, Ordering::Relaxed)).then(|| self.to_string())
    }
}

impl Key {
    fn match_attributes(&self) -> Vec<(&'static str, String)> {
        let mut a = vec![("protocol", self.protocol.clone()), ("server", self.server.clone())];
        if let Some(u) = &self.user {
            a.push(("user", u.clone()));
        }
        if let Some(p) = self.port {
            a.push(("port", p.to_string()));
        }
        a
    }

    fn store_attributes(&self) -> Vec<(&'static str, String)> {
        let mut a = self.match_attributes();
        a.push(("xdg:schema", SCHEMA.to_owned()));
        if let Some(d) = &self.domain {
            a.push(("domain", d.clone()));
        }
        if let Some(o) = &self.object {
            a.push(("object", o.clone()));
        }
        a
    }

    /// The item's label, as the keyring's own tools show it.
    fn label(&self) -> String {
        let user = self.user.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        let object = self.object.as_deref().map(|o| format!("/{o}")).unwrap_or_default();
        format!("{user}{}{port}{object} ({}, netdrive)", self.server, self.protocol)
    }
}

/// Is there a session bus to ask? Without one, nothing is tried (and nothing can wait).
fn bus_present() -> Result<(), Unavailable> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty()) {
        return Ok(());
    }
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty());
    // The runtime folder is local (tmpfs): looking at it cannot wait on a server.
    match runtime.map(|d| std::path::Path::new(&d).join("bus")) {
        Some(bus) if std::fs::symlink_metadata(&bus).is_ok() => Ok(()),
        _ => Err(Unavailable("no session bus".into())),
    }
}

/// Run `work` with the keyring on a worker thread, for at most `bound`. A call that
/// does not end in time is left to finish on its own; its result is dropped.
fn bounded<T: Send + 'static>(
    bound: Duration,
    work: impl FnOnce(&secret_service::blocking::SecretService) -> Result<T, secret_service::Error>
        + Send
        + 'static,
) -> Result<T, Unavailable> {
    bus_present()?;
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("netdrive-keyring".into())
        .spawn(move || {
            let r = secret_service::blocking::SecretService::connect(secret_service::EncryptionType::Dh)
                .and_then(|ss| work(&ss));
            let _ = tx.send(r);
        })
        .map_err(|e| Unavailable(format!("cannot start a worker: {e}")))?;
    match rx.recv_timeout(bound) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Unavailable(describe(&e))),
        Err(_) => Err(Unavailable(format!("no answer within {} s", bound.as_secs()))),
    }
}

fn describe(e: &secret_service::Error) -> String {
    match e {
        secret_service::Error::Unavailable => {
            "no Secret Service (org.freedesktop.secrets) on the session bus".into()
        }
        secret_service::Error::Locked => "the keyring is locked".into(),
        secret_service::Error::Zbus(z) => {
            let text = z.to_string();
            if text.contains("ServiceUnknown") || text.contains("org.freedesktop.secrets") {
                "no Secret Service (org.freedesktop.secrets) on the session bus".into()
            } else {
                text
            }
        }
        other => other.to_string(),
    }
}

/// The password stored for `key`, if any (unlocked items only: a lookup never prompts).
/// Of several (one per share, gvfs's own), the newest of the key's domain: a password
/// belongs to the account, not the share, so after a change the one saved last is right.
pub fn lookup(key: &Key) -> Result<Option<Found>, Unavailable> {
    let attrs = key.match_attributes();
    let domain = key.domain.clone();
    bounded(BOUND, move |ss| {
        let map: HashMap<&str, &str> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let found = ss.search_items(map)?;
        let mut candidates = Vec::with_capacity(found.unlocked.len());
        for item in &found.unlocked {
            candidates.push((item.get_attributes()?, item.get_modified()?));
        }
        let Some(i) = newest(&candidates, domain.as_deref()) else { return Ok(None) };
        let Ok(password) = String::from_utf8(found.unlocked[i].get_secret()?) else { return Ok(None) };
        let user = candidates[i].0.get("user").cloned();
        Ok(Some(Found { user, password }))
    })
}

/// Which of the items found (attributes, modification time) to use: one of `domain` (or
/// with none) before one of another domain, then the newest.
fn newest(items: &[(HashMap<String, String>, u64)], domain: Option<&str>) -> Option<usize> {
    let fits = |a: &HashMap<String, String>| match (a.get("domain"), domain) {
        (Some(d), Some(want)) => d.eq_ignore_ascii_case(want),
        _ => true,
    };
    (0..items.len()).max_by_key(|&i| (fits(&items[i].0), items[i].1))
}

/// Store (or replace) the password for `key` in the default collection. A locked
/// collection is not unlocked here: it is an error.
pub fn store(key: &Key, password: &str) -> Result<(), Unavailable> {
    let attrs = key.store_attributes();
    let label = key.label();
    let secret = password.as_bytes().to_vec();
    bounded(STORE_BOUND, move |ss| {
        let coll = ss.get_default_collection()?;
        if coll.is_locked()? {
            return Err(secret_service::Error::Locked);
        }
        let map: HashMap<&str, &str> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        coll.create_item(&label, map, &secret, true, "text/plain")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_password_of_the_account_is_used() {
        let item = |domain: Option<&str>, object: &str, modified: u64| {
            let mut a: HashMap<String, String> = [("object".to_owned(), object.to_owned())].into();
            if let Some(d) = domain {
                a.insert("domain".into(), d.into());
            }
            (a, modified)
        };
        // Saved for share1, then the password changed and was saved for share2.
        let items = [item(None, "share1", 100), item(None, "share2", 200), item(None, "", 50)];
        assert_eq!(newest(&items, None), Some(1));
        let items = [item(Some("OTHER"), "s", 300), item(Some("WORK"), "s", 100)];
        assert_eq!(newest(&items, Some("work")), Some(1));
        assert_eq!(newest(&[], None), None);
    }

    #[test]
    fn attributes_follow_gvfs() {
        let k = Key {
            protocol: "smb".into(),
            server: "nas".into(),
            port: None,
            user: Some("me".into()),
            domain: Some("WORK".into()),
            object: Some("media".into()),
        };
        let m: Vec<&str> = k.match_attributes().iter().map(|(a, _)| *a).collect();
        assert_eq!(m, ["protocol", "server", "user"]);
        let s: HashMap<_, _> = k.store_attributes().into_iter().collect();
        assert_eq!(s["xdg:schema"], SCHEMA);
        assert_eq!((s["domain"].as_str(), s["object"].as_str()), ("WORK", "media"));
        assert!(!s.contains_key("port"));
    }

    #[test]
    fn the_notice_is_given_once() {
        let u = Unavailable("no session bus".into());
        let first = u.first_notice();
        assert!(first.is_some_and(|m| m.contains("asked for each time")));
        assert_eq!(u.first_notice(), None);
    }
}
