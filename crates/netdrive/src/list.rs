//! Listing network connections (`WNetOpenEnum`): connected ones from the mount table and
//! GVfs, remembered ones from the user's profile, the fstab and the automounter's maps
//! (for the automount points the mount table has), merged.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::automount::{self, MapEntry, Trigger};
use crate::connection::{connected_in, network_table, normalize, resolve, Connection, Remembered};
use crate::error::{Error, Result};
use crate::gvfs;
use crate::mountinfo::MountEntry;
use crate::profile::{self, FstabEntry, RememberedEntry};
use crate::provider::{self, Provider};

/// Which connections to list (Win32 `RESOURCE_CONNECTED` / `RESOURCE_REMEMBERED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Mounted now (`RESOURCE_CONNECTED`).
    Connected,
    /// In the user's profile, the fstab, or an automount map (`RESOURCE_REMEMBERED`).
    Remembered,
    /// Connected ones, then remembered ones that are not connected.
    All,
}

/// List network connections. Reads the mount table once; never touches a network mount.
/// On failure the error is also the thread's last error ([`crate::last_error`]).
///
/// The user's profile and the fstab are read by bounded workers at the same time (see
/// [`list_with_warnings`]). For [`Scope::Connected`] a problem with them only leaves
/// drives unmarked as remembered; for the other scopes it is the error, as the list of
/// remembered drives would be incomplete.
pub fn list(scope: Scope) -> Result<Vec<Connection>> {
    list_now(scope).and_then(|l| l.strict(scope)).map_err(Error::record)
}

/// A listing, and what could not be read for it.
#[derive(Debug, Default)]
pub struct Listing {
    /// The drives, connected first.
    pub connections: Vec<Connection>,
    /// Why some remembered connections are missing: the user's profile or the fstab
    /// could not be read (`ERROR_CANNOT_OPEN_PROFILE`: on a network drive that does not
    /// answer, not a regular file, too large; `ERROR_BAD_PROFILE`: damaged). Connected
    /// drives are all listed regardless; they are just not marked remembered by it.
    pub warnings: Vec<Error>,
}

impl Listing {
    /// The connections; for a scope with remembered ones, the first warning as the error.
    fn strict(self, scope: Scope) -> Result<Vec<Connection>> {
        match self.warnings.into_iter().next() {
            Some(w) if scope != Scope::Connected => Err(w),
            _ => Ok(self.connections),
        }
    }
}

/// [`list`], but what can be listed is listed: connected drives always, remembered ones
/// from whichever of the profile and fstab could be read, and the reasons for the rest
/// in [`Listing::warnings`]. With the profile on a network drive whose server stopped,
/// this returns within the bound (3 s) and names that drive. On failure (the mount table
/// cannot be read) the error is also the thread's last error.
pub fn list_with_warnings(scope: Scope) -> Result<Listing> {
    list_now(scope).map_err(Error::record)
}

/// The connected drive `target` names (its mount point, source or UNC name), as
/// [`resolve`] finds it in [`list`]`(Scope::Connected)`. Quicker for a mount point: the
/// other drives are not looked at, so no process is read to name rclone drives' hosts
/// (a tenth of `netdrive who` with 2,000 processes). On failure the error is also the
/// thread's last error.
pub fn find_connected(target: &OsStr) -> Result<Connection> {
    let find = || {
        let local = normalize(target);
        let loading = profile::start_loading();
        let table = network_table()?;
        let mine: Vec<MountEntry> = table.iter().filter(|e| e.mount_point == local).cloned().collect();
        let conns = if mine.is_empty() {
            list_from(Scope::Connected, &table, loading).connections
        } else {
            listing(Scope::Connected, &mine, loading).connections
        };
        match resolve(&conns, target) {
            // Not "nothing by that name": the system connects it when it is opened.
            Err(Error::NotConnected { target })
                if automount::is_triggered_by(&local, &automount::triggers(&table)) =>
            {
                Err(Error::AutomountNotConnected { target })
            }
            r => r.cloned(),
        }
    };
    find().map_err(Error::record)
}

/// The drive connected at the local name `local` (a mount point; for GVfs, the drive's
/// URI), from the mount table (and GVfs) alone: the profile and fstab are not read, so a
/// damaged profile, or one on a server that stopped, cannot fail or delay it (Win32
/// `WNetGetConnection` on a connected drive). `None` when nothing is connected there. On
/// failure the error is also the thread's last error.
pub fn connected_drive(local: &OsStr) -> Result<Option<Connection>> {
    let find = || {
        let want = normalize(local);
        let table = network_table()?;
        let mine: Vec<MountEntry> = table.into_iter().filter(|e| e.mount_point == want).collect();
        if !mine.is_empty() {
            // The last one in the table is the one on top, the one a path there reaches.
            return Ok(connected_in(&mine).pop());
        }
        // GVfs drives are named by their URI, never by a path.
        if !local.as_bytes().windows(3).any(|w| w == b"://") {
            return Ok(None);
        }
        Ok(gvfs::mounts(gvfs::LIST_BOUND)
            .iter()
            .filter_map(Connection::from_gvfs)
            .find(|c| c.local_name == local))
    };
    find().map_err(Error::record)
}

fn list_now(scope: Scope) -> Result<Listing> {
    // The profile and fstab workers start first and run while the table is read.
    let loading = profile::start_loading();
    let table = match scope {
        // Only the automount triggers: whether a remembered drive is connected is not
        // asked here.
        Scope::Remembered => {
            let mut t = network_table().unwrap_or_default();
            t.retain(|e| e.fstype.as_bytes() == automount::AUTOFS);
            t
        }
        _ => network_table()?,
    };
    Ok(list_from(scope, &table, loading))
}

/// [`listing`] plus GVfs's drives, which are not in the mount table.
fn list_from(scope: Scope, table: &[MountEntry], loading: profile::Loading) -> Listing {
    let mut l = listing(scope, table, loading);
    if scope != Scope::Remembered {
        l.connections.extend(gvfs::mounts(gvfs::LIST_BOUND).iter().filter_map(Connection::from_gvfs));
    }
    l
}

fn listing(scope: Scope, table: &[MountEntry], loading: profile::Loading) -> Listing {
    // The maps of the automount points are read while the rest is done.
    let triggers = automount::triggers(table);
    let maps = automount::start_reading(triggers.clone());
    let mut connected = connected_in(table);
    let mut warnings = Vec::new();
    let (user, system) = loading.finish();
    let user = user.unwrap_or_else(|e| {
        warnings.push(e);
        Vec::new()
    });
    let system = system.unwrap_or_else(|e| {
        warnings.push(e);
        Vec::new()
    });
    let auto = maps.finish();
    let mut remembered: Vec<Connection> = user
        .iter()
        .map(from_profile)
        .chain(system.iter().map(|f| from_fstab(f, &triggers)))
        .chain(auto.iter().map(from_map))
        .collect();
    // One entry per local name; the user's profile comes first and wins over fstab,
    // which wins over the automount maps.
    let mut seen = std::collections::HashSet::new();
    remembered.retain(|r| seen.insert(r.local_name.clone()));
    for c in connected.iter_mut() {
        c.remembered = remembered.iter().find(|r| r.local_name == c.local_name).and_then(|r| r.remembered);
    }
    for r in remembered.iter_mut() {
        r.connected = connected.iter().any(|c| c.local_name == r.local_name);
    }
    let connections = match scope {
        Scope::Connected => connected,
        Scope::Remembered => remembered,
        Scope::All => {
            connected.extend(remembered.into_iter().filter(|r| !r.connected));
            connected
        }
    };
    Listing { connections, warnings }
}

/// A drive the user's profile remembers.
fn from_profile(r: &RememberedEntry) -> Connection {
    let provider = Provider::from_name(&r.provider).unwrap_or(Provider::Sshfs);
    Connection {
        options: r.options.clone().into(),
        remembered: Some(Remembered::User),
        ..Connection::new(
            r.local_name.clone().into(),
            r.remote_name.clone().into(),
            r.source.clone().into(),
            provider,
            r.fstype.clone(),
        )
    }
}

/// A network drive the fstab names; an automount point when the kernel has a trigger
/// there (systemd's, for `x-systemd.automount`).
fn from_fstab(f: &FstabEntry, triggers: &[Trigger]) -> Connection {
    let remote_name = provider::remote_name(f.provider, &f.source, None);
    let by = if automount::is_triggered_by(&f.mount_point, triggers) {
        Remembered::Automount
    } else {
        Remembered::System
    };
    Connection {
        options: f.options.clone(),
        remembered: Some(by),
        ..Connection::new(f.mount_point.clone(), remote_name, f.source.clone(), f.provider, f.fstype.clone())
    }
}

/// A network drive an automount map names for a trigger the kernel has.
fn from_map(m: &MapEntry) -> Connection {
    let remote_name = provider::remote_name(m.provider, &m.source, None);
    Connection {
        options: m.options.clone(),
        remembered: Some(Remembered::Automount),
        ..Connection::new(m.mount_point.clone(), remote_name, m.source.clone(), m.provider, m.fstype.clone())
    }
}
