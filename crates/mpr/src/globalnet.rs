//! Browsing the network: `WNetOpenEnum(RESOURCE_GLOBALNET, …)` and the `WNetEnumResource`
//! calls on its handle, over `netdrive::browse`.
//!
//! `lpNetResource` NULL lists the providers (`RESOURCEDISPLAYTYPE_NETWORK`, containers);
//! a provider's entry lists its servers (`RESOURCEDISPLAYTYPE_SERVER`, containers); a
//! server's lists its shares (`RESOURCEDISPLAYTYPE_SHARE`, connectable). An entry that is
//! not a container is `ERROR_NOT_CONTAINER`. The children are asked for at
//! `WNetOpenEnum` and stream in: `WNetEnumResource` returns what has arrived, waiting
//! (within the level's bound) only when nothing has yet. A server that does not answer
//! makes the first `WNetEnumResource` fail with `ERROR_SEM_TIMEOUT` (or the listing's
//! own error), as Windows' enumeration of an unreachable server does.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::os::raw::c_void;
use std::sync::{Arc, Mutex};

use netdrive::browse::{self, Browse, Display, Event, Options, Resource};
use netdrive::{Error, Win32Error};

use crate::guard::invalid;
use crate::registry::{register, registry, Entry};
use crate::strings::Enc;
use crate::structs::{pack_resources, EnumBuffer, EnumEntry, Packed};
use crate::types::{
    NetResource, DWORD, HANDLE, RESOURCETYPE_ANY, RESOURCETYPE_DISK, RESOURCETYPE_PRINT, RESOURCEUSAGE_ALL,
    RESOURCEUSAGE_CONTAINER, RESOURCE_GLOBALNET,
};

/// An open browse: the children still coming, and those not yet read.
pub(crate) struct BrowseEnum(Arc<Mutex<State>>);

struct State {
    browse: Option<Browse>,
    ready: VecDeque<Resource>,
    /// A failure to hand out before anything else.
    failed: Option<Error>,
    usage: DWORD,
    ty: DWORD,
}

impl State {
    fn wanted(&self, r: &Resource) -> bool {
        let usage = usage_of(r);
        let usage_ok =
            self.usage == 0 || self.usage & RESOURCEUSAGE_ALL == RESOURCEUSAGE_ALL || self.usage & usage != 0;
        let type_ok = self.ty != RESOURCETYPE_PRINT;
        usage_ok && type_ok
    }

    /// Take in what the browse has said; with `wait`, block until something usable
    /// arrived or the browse ended.
    fn pump(&mut self, wait: bool) {
        loop {
            let Some(b) = self.browse.as_ref() else { return };
            let got = if wait && self.ready.is_empty() && self.failed.is_none() {
                b.next_timeout(std::time::Duration::from_secs(3600))
            } else {
                b.try_next()
            };
            match got {
                Ok(Some(Event::Found(r))) => {
                    if self.wanted(&r) {
                        self.ready.push_back(r);
                    }
                }
                Ok(Some(Event::Failed { error, .. })) => {
                    if self.ready.is_empty() {
                        self.failed = Some(error);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => return,
                Err(()) => {
                    self.browse = None;
                    return;
                }
            }
        }
    }
}

fn usage_of(r: &Resource) -> DWORD {
    r.usage()
}

/// `WNetOpenEnum` for `RESOURCE_GLOBALNET`: start listing `start`'s children.
///
/// # Safety
/// `start` is NULL or a readable `NETRESOURCE` whose strings are NULL or NUL-terminated;
/// `out` is NULL or writable.
pub(crate) unsafe fn open<E: Enc>(
    ty: DWORD,
    usage: DWORD,
    start: *const NetResource<E::Unit>,
    out: *mut HANDLE,
) -> Result<DWORD, Error> {
    if out.is_null() {
        return Err(invalid("lphEnum is NULL"));
    }
    if !matches!(ty, RESOURCETYPE_ANY | RESOURCETYPE_DISK | RESOURCETYPE_PRINT) {
        return Err(invalid("unknown dwType"));
    }
    if usage & !(RESOURCEUSAGE_ALL | 0x8000_0000) != 0 {
        return Err(invalid("unknown dwUsage"));
    }
    let parent = if start.is_null() {
        None
    } else {
        // SAFETY: non-NULL, readable as the caller promises, at any alignment.
        let r = unsafe { start.read_unaligned() };
        // SAFETY: NULL or NUL-terminated, as promised.
        let (remote, provider) = unsafe { (E::read(r.lpRemoteName)?, E::read(r.lpProvider)?) };
        let node = browse::parse(provider.as_deref(), remote.as_deref())?;
        if !node.container || (r.dwUsage != 0 && r.dwUsage & RESOURCEUSAGE_CONTAINER == 0) {
            return Err(Error::NotContainer(format!("{}: not a container", node.remote_name)));
        }
        Some(node)
    };
    let b = browse::children(parent.as_ref(), &Options::default())?;
    let st = State { browse: Some(b), ready: VecDeque::new(), failed: None, usage, ty };
    let h = register(Entry::Browse(BrowseEnum(Arc::new(Mutex::new(st)))));
    // SAFETY: checked non-NULL; the caller promises it is writable (at any alignment).
    unsafe { out.write_unaligned(h) };
    Ok(0)
}

/// `WNetEnumResource` on a `RESOURCE_GLOBALNET` handle; `None` for any other handle (the
/// caller goes on with its own).
///
/// # Safety
/// As for `WNetEnumResource`: `count` and `size` NULL or valid, `buf` writable for `*size`.
pub(crate) unsafe fn enum_resource<E: Enc>(
    h: HANDLE,
    count: *mut DWORD,
    buf: *mut c_void,
    size: *mut DWORD,
) -> Option<Result<DWORD, Error>> {
    let state = match registry().as_ref().and_then(|r| r.get(&(h as usize))) {
        Some(Entry::Browse(BrowseEnum(s))) => Arc::clone(s),
        _ => return None,
    };
    // SAFETY: passed on under the same contract.
    Some(unsafe { enum_locked::<E>(&state, count, buf, size) })
}

unsafe fn enum_locked<E: Enc>(
    state: &Mutex<State>,
    count: *mut DWORD,
    buf: *mut c_void,
    size: *mut DWORD,
) -> Result<DWORD, Error> {
    // SAFETY: passed on under this function's contract.
    let out = unsafe { EnumBuffer::new(count, buf, size)? };
    // Not the registry's lock: another thread's calls go on while this one waits.
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.pump(true);
    if st.ready.is_empty() {
        if let Some(e) = st.failed.take() {
            return Err(e);
        }
        return Ok(Win32Error::ERROR_NO_MORE_ITEMS.0);
    }
    let entries: Vec<EnumEntry> = st.ready.iter().map(entry).collect();
    // SAFETY: `out` was just made under this function's contract.
    let packed = unsafe { pack_resources::<E>(&out, &entries)? };
    if let Packed::Entries(n) = packed {
        st.ready.drain(..n);
    }
    Ok(packed.code())
}

/// `r` as `WNetEnumResource` gives it out: no local name.
fn entry(r: &Resource) -> EnumEntry<'_> {
    EnumEntry {
        scope: RESOURCE_GLOBALNET,
        ty: if r.display == Display::Share { RESOURCETYPE_DISK } else { RESOURCETYPE_ANY },
        display: r.display.code(),
        usage: usage_of(r),
        strings: [
            None,
            Some(OsStr::new(&r.remote_name)),
            Some(OsStr::new(&r.comment)),
            Some(OsStr::new(r.provider.name())),
        ],
    }
}

/// Whether `h` is a browse handle (for `WNetCloseEnum`).
pub(crate) fn is_browse(e: &Entry) -> bool {
    matches!(e, Entry::Browse(_))
}
