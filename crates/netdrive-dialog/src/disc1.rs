//! `WNetDisconnectDialog1`: disconnect one named drive, asking the person only when
//! files are open and the caller said `DISC_NO_FORCE`.

use std::ffi::OsString;

use netdrive::{CancelOptions, Error};

use crate::outcome::Outcome;
use crate::owner::Owner;
use crate::request::Request;
use crate::runner::{start, Surface};
use crate::texts;

/// Win32 `DISC_UPDATE_PROFILE`: also forget the remembered connection.
pub const DISC_UPDATE_PROFILE: u32 = 0x1;
/// Win32 `DISC_NO_FORCE`: do not close open files without asking.
pub const DISC_NO_FORCE: u32 = 0x40;

/// Win32 `DISCDLGSTRUCT`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiscDlg {
    /// The window the questions belong to.
    pub owner: Owner,
    /// The drive's local name (mount point); may be empty when `remote_name` is given.
    pub local_name: Option<OsString>,
    /// `\\server\share`; may be empty when `local_name` is given.
    pub remote_name: Option<OsString>,
    /// [`DISC_UPDATE_PROFILE`], [`DISC_NO_FORCE`].
    pub flags: u32,
}

/// `WNetDisconnectDialog1`. Without `DISC_NO_FORCE` it disconnects with force. With it,
/// open files make it ask the person (naming process, PID and file): "yes" retries with
/// force, "no" is `ERROR_CANCELLED`. Failures are shown to the person and returned.
pub fn disconnect_dialog1(d: &DiscDlg) -> Result<(), Error> {
    run(d).map_err(|e| {
        if e.code() != netdrive::Win32Error::ERROR_CANCELLED
            && e.code() != netdrive::Win32Error::ERROR_INVALID_PARAMETER
        {
            let _ = tell(&d.owner, &e.to_string(), false);
        }
        e.record()
    })
}

fn run(d: &DiscDlg) -> Result<(), Error> {
    if d.flags & !(DISC_UPDATE_PROFILE | DISC_NO_FORCE) != 0 {
        return Err(Error::InvalidParameter(format!("unknown flags 0x{:x}", d.flags)));
    }
    let target = [&d.local_name, &d.remote_name]
        .into_iter()
        .flatten()
        .find(|n| !n.is_empty())
        .ok_or_else(|| Error::InvalidParameter("neither a local nor a remote name".into()))?;
    let mut opts = CancelOptions {
        force: d.flags & DISC_NO_FORCE == 0,
        update_profile: d.flags & DISC_UPDATE_PROFILE != 0,
        ..CancelOptions::default()
    };
    match netdrive::cancel(target, &opts) {
        Ok(_) => Ok(()),
        Err(Error::OpenFiles { target, holders, .. }) => {
            let question = texts::ask_open_files(&target.to_string(), &holders);
            if tell(&d.owner, &question, true)? {
                opts.force = true;
                netdrive::cancel(target.as_ref(), &opts).map(drop)
            } else {
                Err(Error::Cancelled)
            }
        }
        Err(e) => Err(e),
    }
}

/// Show `text` to the person through the helper: a question (true for "yes") or a message.
fn tell(owner: &Owner, text: &str, ask: bool) -> Result<bool, Error> {
    let mut request = Request::dialog(owner.clone(), CancelOptions::default().timeout);
    *if ask { &mut request.ask } else { &mut request.message } = Some(text.to_owned());
    let h = start(request, Surface::Auto)?;
    match h.wait() {
        Outcome::Disconnected(_) | Outcome::Connected(_) => Ok(true),
        Outcome::Cancelled(_) => Ok(false),
        Outcome::Failed { message, .. } => {
            Err(Error::Extended { provider: "netdrive".into(), message: format!("cannot ask: {message}") })
        }
    }
}
