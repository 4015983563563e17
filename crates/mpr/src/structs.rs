//! The structures and values of the calls added for the whole WNet API (universal names,
//! provider information, connection performance, `WNetUseConnection`), laid out as on
//! 64-bit Windows, and [`pack`], which writes a structure with its strings into a caller's
//! byte buffer as Win32 does.

// Win32's names for the structures, as C programs know them.
#![allow(non_camel_case_types)]

use std::ffi::OsStr;
use std::os::raw::c_void;

use crate::strings::Enc;
use crate::types::DWORD;

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
}
