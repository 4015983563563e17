//! `WNetConnectionDialog` and `WNetConnectionDialog1`: the Map Network Drive dialog for a
//! program, run as the disconnect dialog is (a helper process owned by a worker thread,
//! the window with a display, else the terminal dialog).

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use netdrive::Error;

use crate::handle::DialogHandle;
use crate::outcome::Outcome;
use crate::owner::Owner;
use crate::request::Request;
use crate::runner::{start, DialogOptions, RESOURCETYPE_DISK};

/// Win32 `CONNDLG_RO_PATH`: show the given remote read-only (it must be given).
pub const CONNDLG_RO_PATH: u32 = 0x1;
/// Win32 `CONNDLG_CONN_POINT`. Windows calls it internal. Here, for folders: the caller's
/// `lpLocalName` is the folder to offer, and (from C) a buffer of `MAX_PATH` characters
/// that receives the folder chosen. See `WNetConnectionDialog1W` in libmpr.
pub const CONNDLG_CONN_POINT: u32 = 0x2;
/// Win32 `CONNDLG_USE_MRU`: offer the recently used folders.
pub const CONNDLG_USE_MRU: u32 = 0x4;
/// Win32 `CONNDLG_HIDE_BOX`: do not show "Reconnect at sign-in".
pub const CONNDLG_HIDE_BOX: u32 = 0x8;
/// Win32 `CONNDLG_PERSIST`: "Reconnect at sign-in" ticked (the connection is remembered).
pub const CONNDLG_PERSIST: u32 = 0x10;
/// Win32 `CONNDLG_NOT_PERSIST`: "Reconnect at sign-in" not ticked.
pub const CONNDLG_NOT_PERSIST: u32 = 0x20;

const ALL_FLAGS: u32 = CONNDLG_RO_PATH
    | CONNDLG_CONN_POINT
    | CONNDLG_USE_MRU
    | CONNDLG_HIDE_BOX
    | CONNDLG_PERSIST
    | CONNDLG_NOT_PERSIST;

/// How long a connect may take before the dialog says the server did not answer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// The part of Win32 `NETRESOURCE` the dialog reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetResource {
    /// `dwType`: [`RESOURCETYPE_DISK`].
    pub resource_type: u32,
    /// `lpLocalName`: the folder to offer (`None`: suggest one under `~/Network`).
    pub local_name: Option<OsString>,
    /// `lpRemoteName`: the network folder to offer (fixed with [`CONNDLG_RO_PATH`]).
    pub remote_name: Option<OsString>,
}

impl Default for NetResource {
    fn default() -> Self {
        NetResource { resource_type: RESOURCETYPE_DISK, local_name: None, remote_name: None }
    }
}

/// Win32 `CONNECTDLGSTRUCT`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectDlg {
    /// The window the dialog belongs to.
    pub owner: Owner,
    /// What to offer.
    pub net_resource: NetResource,
    /// `CONNDLG_*`.
    pub flags: u32,
}

/// What the connect conversation starts from: the helper's side of a [`ConnectDlg`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectSetup {
    /// The folder to offer.
    pub remote: Option<String>,
    /// The local folder to offer.
    pub local: Option<String>,
    /// `CONNDLG_*`.
    pub flags: u32,
    /// How long a connect may take.
    pub timeout: Duration,
    /// Where suggested local folders go (`~/Network`); `None` without a home.
    pub network_base: Option<PathBuf>,
}

impl ConnectSetup {
    /// A setup from the helper's request; the base from `$HOME` (no file is looked at).
    pub fn new(remote: Option<String>, local: Option<String>, flags: u32, timeout: Duration) -> ConnectSetup {
        let network_base =
            std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join("Network"));
        ConnectSetup { remote, local, flags, timeout, network_base }
    }

    pub(crate) fn use_mru(&self) -> bool {
        self.flags & CONNDLG_USE_MRU != 0
    }

    pub(crate) fn read_only_path(&self) -> bool {
        self.flags & CONNDLG_RO_PATH != 0 && self.remote.as_deref().is_some_and(|r| !r.is_empty())
    }

    pub(crate) fn hide_box(&self) -> bool {
        self.flags & CONNDLG_HIDE_BOX != 0
    }

    /// "Reconnect at sign-in" at first: ticked unless `CONNDLG_NOT_PERSIST`, or hidden
    /// without `CONNDLG_PERSIST` (nothing the person did not see is remembered).
    pub(crate) fn reconnect_default(&self) -> bool {
        if self.flags & CONNDLG_NOT_PERSIST != 0 {
            return false;
        }
        self.flags & CONNDLG_PERSIST != 0 || !self.hide_box()
    }
}

/// `WNetConnectionDialog`: open the Map Network Drive dialog for `owner` and return at
/// once, with the recent folders offered. `resource_type` must be [`RESOURCETYPE_DISK`]
/// (`ERROR_INVALID_PARAMETER` otherwise). The handle's outcome is
/// [`Outcome::Connected`] (`NO_ERROR`, with the local folder chosen), cancelled (-1), or
/// the error.
pub fn connect_dialog(owner: Owner, resource_type: u32) -> Result<DialogHandle, Error> {
    let d = ConnectDlg {
        owner,
        net_resource: NetResource { resource_type, ..NetResource::default() },
        flags: CONNDLG_USE_MRU,
    };
    connect_dialog1_with(&d, &DialogOptions { timeout: CONNECT_TIMEOUT, ..DialogOptions::default() })
}

/// `WNetConnectionDialog1`, the `Ex` form: check `d`, open the dialog, return at once.
/// `options.timeout` bounds each connect. Checks: a disk resource, known flags,
/// [`CONNDLG_PERSIST`] and [`CONNDLG_NOT_PERSIST`] not both, [`CONNDLG_RO_PATH`] with a
/// remote name; names in UTF-8 (`ERROR_INVALID_PARAMETER` for each).
pub fn connect_dialog1_with(d: &ConnectDlg, options: &DialogOptions) -> Result<DialogHandle, Error> {
    let bad = |m: &str| Err(Error::InvalidParameter(m.into()).record());
    if d.net_resource.resource_type != RESOURCETYPE_DISK {
        return bad("the Map Network Drive dialog takes RESOURCETYPE_DISK (1) only");
    }
    if d.flags & !ALL_FLAGS != 0 {
        return bad(&format!("unknown CONNDLG flags 0x{:x}", d.flags & !ALL_FLAGS));
    }
    if d.flags & CONNDLG_PERSIST != 0 && d.flags & CONNDLG_NOT_PERSIST != 0 {
        return bad("CONNDLG_PERSIST and CONNDLG_NOT_PERSIST together");
    }
    let text = |n: &Option<OsString>, what: &str| -> Result<Option<String>, Error> {
        match n {
            None => Ok(None),
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => s
                .to_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| Error::InvalidParameter(format!("{what} is not UTF-8")).record()),
        }
    };
    let remote = text(&d.net_resource.remote_name, "lpRemoteName")?;
    let local = text(&d.net_resource.local_name, "lpLocalName")?;
    if d.flags & CONNDLG_RO_PATH != 0 && remote.is_none() {
        return bad("CONNDLG_RO_PATH needs lpRemoteName");
    }
    let request = Request::connect(d.owner.clone(), options.timeout, remote, local, d.flags);
    start(request, options.surface)
}

/// `WNetConnectionDialog1`: show the dialog and wait. [`Outcome::Connected`] (`NO_ERROR`:
/// its `local_name` is the folder chosen), [`Outcome::Cancelled`] (-1), or
/// [`Outcome::Failed`] with its Win32 code (also the thread's last error).
pub fn connect_dialog1(d: &ConnectDlg) -> Outcome {
    match connect_dialog1_with(d, &DialogOptions { timeout: CONNECT_TIMEOUT, ..DialogOptions::default() }) {
        Ok(h) => h.wait(),
        Err(e) => Outcome::failed(&e),
    }
}
