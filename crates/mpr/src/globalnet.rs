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
use std::os::raw::c_void;
use std::sync::{Arc, Mutex};

use netdrive::browse::{self, Browse, Display, Event, Options, Resource};
use netdrive::{Error, Win32Error};

use crate::guard::invalid;
use crate::registry::{register, registry, Entry};
use crate::strings::{write_str, Enc};
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
    if count.is_null() || size.is_null() {
        return Err(invalid("lpcCount or lpBufferSize is NULL"));
    }
    // SAFETY: checked non-NULL; the caller promises they are readable (at any alignment).
    let (want, cap) = unsafe { (count.read_unaligned(), size.read_unaligned() as usize) };
    if want == 0 {
        return Err(invalid("*lpcCount is 0"));
    }
    // Not the registry's lock: another thread's calls go on while this one waits.
    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
    st.pump(true);
    if st.ready.is_empty() {
        if let Some(e) = st.failed.take() {
            return Err(e);
        }
        return Ok(Win32Error::ERROR_NO_MORE_ITEMS.0);
    }
    let unit = std::mem::size_of::<E::Unit>();
    let rec = std::mem::size_of::<NetResource<E::Unit>>();
    let strings = |r: &Resource| {
        (E::units(&r.remote_name).len() + E::units(&r.comment).len() + E::units(r.provider.name()).len() + 3)
            * unit
    };
    let (mut n, mut total) = (0usize, 0usize);
    for r in &st.ready {
        let more = rec + strings(r);
        if (n as u64) >= u64::from(want) || total + more > cap {
            break;
        }
        n += 1;
        total += more;
    }
    if n == 0 {
        let needed = st.ready.front().map_or(rec, |r| rec + strings(r));
        // SAFETY: checked non-NULL; written without assuming alignment.
        unsafe { size.write_unaligned(DWORD::try_from(needed).unwrap_or(DWORD::MAX)) };
        return Ok(Win32Error::ERROR_MORE_DATA.0);
    }
    if buf.is_null() {
        return Err(invalid("lpBuffer is NULL"));
    }
    let base = buf.cast::<u8>();
    let mut text_at = n * rec;
    for (i, r) in st.ready.drain(..n).enumerate() {
        let mut put = |s: &str| -> *mut E::Unit {
            // SAFETY: `text_at` + the string's size stays within `total <= cap` bytes.
            let p = unsafe { base.add(text_at) }.cast::<E::Unit>();
            let len = E::units(s).len() + 1;
            // SAFETY: `len` units fit at `p` (counted in `total`).
            let _ = unsafe { write_str::<E>(s, p, len) };
            text_at += len * unit;
            p
        };
        let entry = NetResource {
            dwScope: RESOURCE_GLOBALNET,
            dwType: if r.display == Display::Share { RESOURCETYPE_DISK } else { RESOURCETYPE_ANY },
            dwDisplayType: r.display.code(),
            dwUsage: usage_of(&r),
            lpLocalName: std::ptr::null_mut(),
            lpRemoteName: put(&r.remote_name),
            lpComment: put(&r.comment),
            lpProvider: put(r.provider.name()),
        };
        // SAFETY: entry `i` lies within the first `n * rec` bytes; unaligned write.
        unsafe { base.add(i * rec).cast::<NetResource<E::Unit>>().write_unaligned(entry) };
    }
    // SAFETY: checked non-NULL; written without assuming alignment.
    unsafe { count.write_unaligned(n as DWORD) };
    Ok(0)
}

/// Whether `h` is a browse handle (for `WNetCloseEnum`).
pub(crate) fn is_browse(e: &Entry) -> bool {
    matches!(e, Entry::Browse(_))
}
