//! The structures and values of the calls added for the whole WNet API (universal names,
//! provider information, connection performance, `WNetUseConnection`), laid out as on
//! 64-bit Windows, [`pack`], which writes a structure with its strings into a caller's
//! byte buffer as Win32 does, and [`pack_resources`], which does so for the `NETRESOURCE`
//! entries of `WNetEnumResource`.

// Win32's names for the structures, as C programs know them.
#![allow(non_camel_case_types)]

use std::ffi::OsStr;
use std::os::raw::c_void;

use netdrive::{Error, Win32Error};

use crate::guard::invalid;
use crate::strings::{write_os_str, Enc};
use crate::types::{NetResource, DWORD};

/// `dwInfoLevel`: a `UNIVERSAL_NAME_INFO`.
pub(crate) const UNIVERSAL_NAME_INFO_LEVEL: DWORD = 1;
/// `dwInfoLevel`: a `REMOTE_NAME_INFO`.
pub(crate) const REMOTE_NAME_INFO_LEVEL: DWORD = 2;
pub(crate) use crate::types::{
    RESOURCEDISPLAYTYPE_NETWORK, RESOURCEDISPLAYTYPE_SERVER, RESOURCEDISPLAYTYPE_SHARE,
    RESOURCEUSAGE_CONTAINER,
};
/// `WNetUseConnection` flag: choose a local name.
pub(crate) const CONNECT_REDIRECT: DWORD = 0x80;
/// `WNetUseConnection` result: a local name was used.
pub(crate) const CONNECT_LOCALDRIVE: DWORD = 0x100;
/// `NETCONNECTINFOSTRUCT.dwFlags` values.
pub(crate) const WNCON_FORNETCARD: DWORD = 1;
pub(crate) const WNCON_NOTROUTED: DWORD = 2;

/// Win32 `UNIVERSAL_NAME_INFOA`/`W`.
#[repr(C)]
pub struct UniversalNameInfo<U> {
    /// `\\server\share\path`.
    pub lpUniversalName: *mut U,
}

/// Win32 `REMOTE_NAME_INFOA`/`W`.
#[repr(C)]
pub struct RemoteNameInfo<U> {
    /// `\\server\share\path`.
    pub lpUniversalName: *mut U,
    /// The drive's remote name, without a trailing backslash.
    pub lpConnectionName: *mut U,
    /// The path inside the drive, with a leading backslash.
    pub lpRemainingPath: *mut U,
}

/// `UNIVERSAL_NAME_INFOA`: the name's bytes.
pub type UNIVERSAL_NAME_INFOA = UniversalNameInfo<std::os::raw::c_char>;
/// `UNIVERSAL_NAME_INFOW`: UTF-16, surrogate-escaped.
pub type UNIVERSAL_NAME_INFOW = UniversalNameInfo<u16>;
/// `REMOTE_NAME_INFOA`: the names' bytes.
pub type REMOTE_NAME_INFOA = RemoteNameInfo<std::os::raw::c_char>;
/// `REMOTE_NAME_INFOW`: UTF-16, surrogate-escaped.
pub type REMOTE_NAME_INFOW = RemoteNameInfo<u16>;

/// Win32 `NETINFOSTRUCT`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct NETINFOSTRUCT {
    /// `sizeof(NETINFOSTRUCT)`, set by the caller.
    pub cbStructure: DWORD,
    /// The provider's version.
    pub dwProviderVersion: DWORD,
    /// `NO_ERROR` when the provider can be used now, else `ERROR_NO_NETWORK`.
    pub dwStatus: DWORD,
    /// `NETINFO_*`.
    pub dwCharacteristics: DWORD,
    /// The provider's instance handle on Windows; 0 here.
    pub dwHandle: usize,
    /// The high word of the network type (`WNNC_NET_*`).
    pub wNetType: u16,
    /// Valid printer devices (all).
    pub dwPrinters: DWORD,
    /// Valid drive devices (all).
    pub dwDrives: DWORD,
}

/// Win32 `NETCONNECTINFOSTRUCT`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct NETCONNECTINFOSTRUCT {
    /// `sizeof(NETCONNECTINFOSTRUCT)`, set by the caller.
    pub cbStructure: DWORD,
    /// `WNCON_*`.
    pub dwFlags: DWORD,
    /// Speed of the link, in units of 100 bits per second; 0 when not known.
    pub dwSpeed: DWORD,
    /// One-way delay in milliseconds; 0 when not known.
    pub dwDelay: DWORD,
    /// The size of one request that uses the link well, in bytes; 0 when not known.
    pub dwOptDataSize: DWORD,
}

/// Write into `buf` (`cap` bytes, any alignment): `head` (the fixed part of a structure
/// before its string pointers), one pointer per `fields` entry (NULL for `None`), then the
/// strings of `fields` and of `extra` with their NULs. The strings are names (or ASCII
/// provider names), written as [`Enc::units_os`] makes them so that they round-trip. Returns the bytes used and the
/// address of each `extra` string, or `Err(bytes needed)` when it does not fit (nothing
/// written then).
///
/// # Safety
/// `buf` is NULL or writable for `cap` bytes.
pub(crate) unsafe fn pack<E: Enc>(
    head: &[u8],
    fields: &[Option<&OsStr>],
    extra: &[&OsStr],
    buf: *mut c_void,
    cap: usize,
) -> Result<(usize, Vec<*mut E::Unit>), usize> {
    let unit = size_of::<E::Unit>();
    let ptr = size_of::<*mut E::Unit>();
    let fixed = head.len().next_multiple_of(ptr) + fields.len() * ptr;
    let texts: Vec<Vec<E::Unit>> =
        fields.iter().flatten().chain(extra.iter()).map(|s| E::units_os(s)).collect();
    let needed = fixed + texts.iter().map(|t| (t.len() + 1) * unit).sum::<usize>();
    if buf.is_null() || cap < needed {
        return Err(needed);
    }
    let base = buf.cast::<u8>();
    // SAFETY: `needed <= cap` bytes are written below, each within `buf`.
    unsafe {
        std::ptr::copy_nonoverlapping(head.as_ptr(), base, head.len());
        std::ptr::write_bytes(base.add(head.len()), 0, fixed - fields.len() * ptr - head.len());
    }
    let mut at = fixed;
    let mut addrs = Vec::new();
    for t in &texts {
        // SAFETY: `at + (len + 1) * unit <= needed`.
        let p = unsafe { base.add(at) }.cast::<E::Unit>();
        // SAFETY: as above; bytes have no alignment.
        unsafe {
            std::ptr::copy_nonoverlapping(t.as_ptr().cast::<u8>(), p.cast::<u8>(), t.len() * unit);
            p.add(t.len()).write_unaligned(E::Unit::default());
        }
        addrs.push(p);
        at += (t.len() + 1) * unit;
    }
    let mut next = addrs.iter();
    let slot0 = head.len().next_multiple_of(ptr);
    for (i, f) in fields.iter().enumerate() {
        let p = match f {
            Some(_) => next.next().copied().unwrap_or(std::ptr::null_mut()),
            None => std::ptr::null_mut(),
        };
        // SAFETY: slot `i` lies within the fixed part; written unaligned.
        unsafe { base.add(slot0 + i * ptr).cast::<*mut E::Unit>().write_unaligned(p) };
    }
    let extras = addrs.split_off(addrs.len() - extra.len());
    Ok((needed, extras))
}

/// One `NETRESOURCE` as `WNetEnumResource` gives it out: its numbers and its strings
/// (local, remote, comment, provider), each written as [`Enc::units_os`] makes it; `None`
/// is NULL.
pub(crate) struct EnumEntry<'a> {
    pub(crate) scope: DWORD,
    pub(crate) ty: DWORD,
    pub(crate) display: DWORD,
    pub(crate) usage: DWORD,
    pub(crate) strings: [Option<&'a OsStr>; 4],
}

/// A `WNetEnumResource` call's `lpcCount`, `lpBuffer` and `lpBufferSize`, checked.
pub(crate) struct EnumBuffer {
    count: *mut DWORD,
    buf: *mut c_void,
    size: *mut DWORD,
    /// `*lpcCount`: at most this many entries (`0xFFFFFFFF`: as many as fit).
    want: DWORD,
    /// `*lpBufferSize`, in bytes.
    cap: usize,
}

/// What [`pack_resources`] did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Packed {
    /// This many entries were written, and `*lpcCount` says so.
    Entries(usize),
    /// Not even the first entry fits: `*lpBufferSize` is the size it needs
    /// (`ERROR_MORE_DATA`).
    MoreData,
}

impl Packed {
    /// The code `WNetEnumResource` returns.
    pub(crate) fn code(&self) -> DWORD {
        match self {
            Packed::Entries(_) => 0,
            Packed::MoreData => Win32Error::ERROR_MORE_DATA.0,
        }
    }
}

impl EnumBuffer {
    /// Read `*lpcCount` and `*lpBufferSize`: NULL or a count of 0 is
    /// `ERROR_INVALID_PARAMETER`.
    ///
    /// # Safety
    /// `count` and `size` are NULL or readable (at any alignment); `buf` is NULL or
    /// writable for `*size` bytes.
    pub(crate) unsafe fn new(count: *mut DWORD, buf: *mut c_void, size: *mut DWORD) -> Result<Self, Error> {
        if count.is_null() || size.is_null() {
            return Err(invalid("lpcCount or lpBufferSize is NULL"));
        }
        // SAFETY: checked non-NULL; the caller promises they are readable (at any alignment).
        let (want, cap) = unsafe { (count.read_unaligned(), size.read_unaligned() as usize) };
        if want == 0 {
            return Err(invalid("*lpcCount is 0"));
        }
        Ok(EnumBuffer { count, buf, size, want, cap })
    }
}

/// Write into `out` as many whole `entries` (from the first, at most `*lpcCount`) as fit:
/// their structures first, then their strings with NULs, as Win32 lays them out; any
/// alignment. `entries` is not empty.
///
/// # Safety
/// `out` was made by [`EnumBuffer::new`] under its contract, and its pointers are still
/// valid.
pub(crate) unsafe fn pack_resources<E: Enc>(
    out: &EnumBuffer,
    entries: &[EnumEntry],
) -> Result<Packed, Error> {
    let unit = size_of::<E::Unit>();
    let rec = size_of::<NetResource<E::Unit>>();
    let strings =
        |e: &EnumEntry| e.strings.iter().flatten().map(|s| (E::units_os(s).len() + 1) * unit).sum::<usize>();
    let (mut n, mut total) = (0usize, 0usize);
    for e in entries {
        let more = rec + strings(e);
        if (n as u64) >= u64::from(out.want) || total + more > out.cap {
            break;
        }
        n += 1;
        total += more;
    }
    if n == 0 {
        let needed = entries.first().map_or(rec, |e| rec + strings(e));
        // SAFETY: checked non-NULL by `EnumBuffer::new`; written without assuming alignment.
        unsafe { out.size.write_unaligned(DWORD::try_from(needed).unwrap_or(DWORD::MAX)) };
        return Ok(Packed::MoreData);
    }
    if out.buf.is_null() {
        return Err(invalid("lpBuffer is NULL"));
    }
    let base = out.buf.cast::<u8>();
    let mut text_at = n * rec;
    for (i, e) in entries[..n].iter().enumerate() {
        let mut put = |s: Option<&OsStr>| -> *mut E::Unit {
            let Some(s) = s else { return std::ptr::null_mut() };
            // SAFETY: `text_at` + the string's size stays within `total <= cap` bytes.
            let p = unsafe { base.add(text_at) }.cast::<E::Unit>();
            let len = E::units_os(s).len() + 1;
            // SAFETY: `len` units fit at `p` (counted in `total`).
            let _ = unsafe { write_os_str::<E>(s, p, len) };
            text_at += len * unit;
            p
        };
        let [local, remote, comment, provider] = e.strings;
        let r = NetResource {
            dwScope: e.scope,
            dwType: e.ty,
            dwDisplayType: e.display,
            dwUsage: e.usage,
            lpLocalName: put(local),
            lpRemoteName: put(remote),
            lpComment: put(comment),
            lpProvider: put(provider),
        };
        // SAFETY: entry `i` lies within the first `n * rec` bytes; the caller's buffer may be
        // unaligned, so write without assuming alignment.
        unsafe { base.add(i * rec).cast::<NetResource<E::Unit>>().write_unaligned(r) };
    }
    // SAFETY: checked non-NULL by `EnumBuffer::new`; written without assuming alignment.
    unsafe { out.count.write_unaligned(n as DWORD) };
    Ok(Packed::Entries(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::{A, W};

    #[test]
    fn structures_are_laid_out_as_on_windows_x64() {
        assert_eq!(size_of::<NETINFOSTRUCT>(), 40);
        assert_eq!(std::mem::offset_of!(NETINFOSTRUCT, dwHandle), 16);
        assert_eq!(std::mem::offset_of!(NETINFOSTRUCT, wNetType), 24);
        assert_eq!(std::mem::offset_of!(NETINFOSTRUCT, dwDrives), 32);
        assert_eq!(size_of::<NETCONNECTINFOSTRUCT>(), 20);
        assert_eq!(size_of::<REMOTE_NAME_INFOW>(), 24);
        assert_eq!(size_of::<UNIVERSAL_NAME_INFOA>(), 8);
    }

    #[test]
    fn packs_structure_then_strings_or_says_how_much() {
        let mut buf = vec![0u8; 64];
        // SAFETY: `buf` holds 64 bytes.
        unsafe {
            let os = |s: &'static str| OsStr::new(s);
            let need =
                pack::<W>(&[], &[Some(os("ab")), None], &[os("c")], buf.as_mut_ptr().cast(), 10).unwrap_err();
            assert_eq!(need, 16 + 6 + 4);
            let (used, extra) =
                pack::<A>(&[7, 0, 0, 0], &[Some(os("xy"))], &[os("z")], buf.as_mut_ptr().cast(), 64).unwrap();
            assert_eq!(used, 8 + 8 + 3 + 2);
            assert_eq!(buf[0], 7);
            let p = buf.as_ptr().add(8).cast::<*const u8>().read_unaligned();
            assert_eq!(std::ffi::CStr::from_ptr(p.cast()).to_bytes(), b"xy");
            assert_eq!(std::ffi::CStr::from_ptr(extra[0].cast()).to_bytes(), b"z");
        }
    }

    /// `WNetEnumResource`'s layout: whole entries only, structures first, then their
    /// strings in order; `ERROR_MORE_DATA` with the first entry's size when none fits.
    #[test]
    fn packs_whole_resources_then_their_strings() {
        let os = |s: &'static str| Some(OsStr::new(s));
        let e = |remote| EnumEntry {
            scope: 1,
            ty: 1,
            display: 3,
            usage: 1,
            strings: [os("/m"), remote, None, os("p")],
        };
        let entries = [e(os("\\\\h\\s")), e(os("\\\\h\\t"))];
        let rec = size_of::<NetResource<u16>>();
        let one = rec + (3 + 6 + 2) * 2;
        let mut buf = vec![0u8; 2 * one + 1];
        let (mut count, mut size) = (u32::MAX, (one - 1) as u32);
        // SAFETY: `count`, `size` are valid; `buf` holds `2 * one + 1` bytes and `size` is never more.
        unsafe {
            let out = EnumBuffer::new(&mut count, buf.as_mut_ptr().cast(), &mut size).unwrap();
            assert_eq!(pack_resources::<W>(&out, &entries).unwrap(), Packed::MoreData);
            assert_eq!((size as usize, count), (one, u32::MAX), "the first entry's size; no count");
            size = (2 * one) as u32;
            count = 1;
            let out = EnumBuffer::new(&mut count, buf.as_mut_ptr().add(1).cast(), &mut size).unwrap();
            assert_eq!(
                pack_resources::<W>(&out, &entries).unwrap(),
                Packed::Entries(1),
                "*lpcCount is a bound"
            );
            count = u32::MAX;
            let out = EnumBuffer::new(&mut count, buf.as_mut_ptr().add(1).cast(), &mut size).unwrap();
            assert_eq!(pack_resources::<W>(&out, &entries).unwrap(), Packed::Entries(2));
            assert_eq!(count, 2);
            let r = buf.as_ptr().add(1 + rec).cast::<NetResource<u16>>().read_unaligned();
            assert_eq!((r.dwScope, r.dwDisplayType, r.lpComment), (1, 3, std::ptr::null_mut()));
            let at = |p: *mut u16| p as usize - buf.as_ptr() as usize - 1;
            // Entry 0's strings follow both structures; entry 1's follow entry 0's.
            assert_eq!(at(r.lpLocalName), 2 * rec + (3 + 6 + 2) * 2);
            assert_eq!(crate::strings::W::read(r.lpRemoteName).unwrap().as_deref(), Some("\\\\h\\t"));
            assert_eq!(at(r.lpProvider), 2 * one - 2 * 2);
            count = 0;
            assert!(EnumBuffer::new(&mut count, buf.as_mut_ptr().cast(), &mut size).is_err(), "*lpcCount 0");
            count = 1;
            let out = EnumBuffer::new(&mut count, std::ptr::null_mut(), &mut size).unwrap();
            assert!(pack_resources::<A>(&out, &entries).is_err(), "lpBuffer NULL once one fits");
        }
    }
}
