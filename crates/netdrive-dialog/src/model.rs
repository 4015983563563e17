//! The former model's names, for the front ends until they move onto [`crate::Conversation`].
#![allow(missing_docs)]

use std::time::Duration;

use netdrive::{Connection, Holder};

pub use crate::row::{load_rows, Row};
pub use crate::texts::{DETACH_EXPLAINED, EMPTY as EMPTY_TEXT};
pub use crate::work::{Mode, Step};

pub fn mark_in_use(rows: &mut [Row], bound: Duration) {
    for r in rows.iter_mut().filter(|r| r.connection.connected && r.connection.mount_id.is_some()) {
        if let Ok(u) = netdrive::who_uses(&r.connection, bound) {
            if u.process_count() > 0 {
                r.status = crate::texts::in_use_by(u.process_count());
            }
        }
    }
}

pub fn disconnect_step(c: &Connection, mode: Mode, timeout: Duration, _update_profile: bool) -> Step {
    match (crate::work::Work::Disconnect { connection: c.clone(), mode, timeout }).run() {
        crate::Event::Stepped(s) => s,
        _ => Step::Failed(netdrive::Error::InvalidParameter("not a step".into())),
    }
}

pub fn describe_holders(holders: &[Holder]) -> String {
    crate::texts::describe_holders(holders)
}
