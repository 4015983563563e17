//! The dialog's rows: one a drive, every text already escaped for display.

use std::ffi::OsString;
use std::time::Duration;

use netdrive::{escape, Connection, Error, Scope};

use crate::texts;

/// One row of the dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The drive, as listed.
    pub connection: Connection,
    /// Drive (mount point), escaped.
    pub drive: String,
    /// Network path (UNC), escaped.
    pub network_path: String,
    /// Provider, with rclone's backend.
    pub provider: String,
    /// Status ("connected", "in use by 2 processes", "disconnecting…").
    pub status: String,
    /// Work is under way on this row (show a spinner).
    pub working: bool,
}

/// What tells a row from the others across listings: the mount id with the mount point
/// (a mount id alone is reused once freed; a remembered drive has none).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RowKey {
    mount_id: Option<u64>,
    local_name: OsString,
}

impl Row {
    /// The row of a listed drive.
    pub fn new(c: Connection) -> Row {
        Row {
            drive: escape(&c.local_name),
            network_path: escape(&c.remote_name),
            provider: texts::provider(&c),
            status: c.status().to_owned(),
            working: false,
            connection: c,
        }
    }

    /// This row's identity across listings.
    pub fn key(&self) -> RowKey {
        RowKey { mount_id: self.connection.mount_id, local_name: self.connection.local_name.clone() }
    }

    /// The cells in column order ([`texts::COLUMNS`]).
    pub fn cells(&self) -> [&str; 4] {
        [&self.drive, &self.network_path, &self.provider, &self.status]
    }
}

/// One listing: the rows, and why remembered drives may be missing from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Connected drives, then remembered ones not connected.
    pub rows: Vec<Row>,
    /// A profile or fstab that could not be read (the connected drives are all there).
    pub warning: Option<String>,
}

/// The rows as the dialog lists them: connected drives, then remembered ones not
/// connected. A damaged or unreachable profile still gives the connected drives; its
/// error comes back beside them.
pub fn load_rows() -> Result<(Vec<Row>, Option<Error>), Error> {
    let listing = netdrive::list_with_warnings(Scope::All)?;
    let warning = listing.warnings.into_iter().next();
    Ok((listing.connections.into_iter().map(Row::new).collect(), warning))
}

/// A listing with drives in use marked ("in use by N processes"). Reads `/proc` only, each
/// drive within `bound`. Blocks: run it off the drawing thread.
pub fn listing(bound: Duration) -> Result<Listing, Error> {
    let (mut rows, warning) = load_rows()?;
    for r in rows.iter_mut().filter(|r| r.connection.connected && r.connection.mount_id.is_some()) {
        if let Ok(u) = netdrive::who_uses(&r.connection, bound) {
            if u.process_count() > 0 {
                r.status = texts::in_use_by(u.process_count());
            }
        }
    }
    Ok(Listing { rows, warning: warning.map(|w| w.to_string()) })
}
