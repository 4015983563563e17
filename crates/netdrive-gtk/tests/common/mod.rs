//! Choosing a row as a person does: by the drive's name, never "the first row", which on a
//! machine with network drives of its own may be someone else's.
#![allow(dead_code)]

use std::path::Path;

/// The keys that put the dialog's cursor on the row of `drive`: Home, then Down to it.
/// The dialog lists its rows as `netdrive_dialog::load_rows` gives them, so their order is known.
pub fn keys_to(drive: &Path) -> Vec<&'static str> {
    let (rows, _) = netdrive_dialog::load_rows().expect("list the drives");
    let at = rows
        .iter()
        .position(|r| r.connection.local_name == drive.as_os_str())
        .unwrap_or_else(|| panic!("{} is not among the rows: {rows:?}", drive.display()));
    std::iter::once("Home").chain(std::iter::repeat_n("Down", at)).collect()
}

/// [`keys_to`] `drive`, then `then`.
pub fn keys_on(drive: &Path, then: &[&'static str]) -> Vec<&'static str> {
    let mut keys = keys_to(drive);
    keys.extend_from_slice(then);
    keys
}
