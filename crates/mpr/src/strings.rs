//! The two string kinds of the WNet API: "A" (`char`) and "W" (UTF-16 `WCHAR`,
//! `unsigned short`), read from and written to caller memory with Win32 buffer rules.
//!
//! Names round-trip (`read_os`, `units_os`, [`write_os_str`]): the "ANSI code page" of
//! Linux is bytes, so A functions take and return the bytes a file name has, UTF-8 or not.
//! W functions decode UTF-8 and map each byte that does not decode to the lone surrogate
//! U+DC80..U+DCFF (the surrogate-escape convention of Python's `os.fsdecode`), and back;
//! any other unpaired surrogate a caller passes is accepted and stored the WTF-8 way (its
//! three-byte form), so a W caller can name what the docs allow. Every drive an
//! enumeration returns can thus be queried and cancelled by the name it returned.
//! Texts for people (messages, provider names) are `str` ([`Enc::read`], [`Enc::units`]).
//!
//! A caller's `WCHAR *` may be at an odd address (packed structures, byte buffers, as
//! Windows programs do), so units are only ever read and written unaligned, never through a
//! `&[u16]` or `*p`.

use std::ffi::{OsStr, OsString};
use std::os::raw::c_char;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use netdrive::{Error, Win32Error};

use crate::types::DWORD;
use crate::universal::fail;

/// One of the two string kinds.
pub(crate) trait Enc {
    /// The C character type.
    type Unit: Copy + Default + 'static;

    /// Read a NUL-terminated text; `None` for NULL. Invalid text (not UTF-8, unpaired
    /// surrogates) is `ERROR_INVALID_PARAMETER`: for texts, not names (see [`Enc::read_os`]).
    ///
    /// # Safety
    /// `p` is NULL or points to a NUL-terminated string of `Unit`s.
    unsafe fn read(p: *const Self::Unit) -> Result<Option<String>, Error>;

    /// Read a NUL-terminated name as the file system's bytes; `None` for NULL. Never
    /// fails on content (see the module's text).
    ///
    /// # Safety
    /// `p` is NULL or points to a NUL-terminated string of `Unit`s.
    unsafe fn read_os(p: *const Self::Unit) -> Result<Option<OsString>, Error>;

    /// The units of `s` without the terminating NUL.
    fn units(s: &str) -> Vec<Self::Unit>;

    /// The units of the name `s` without the terminating NUL; the inverse of
    /// [`Enc::read_os`].
    fn units_os(s: &OsStr) -> Vec<Self::Unit>;

    /// Where a text of `units` may be cut to keep at most `max` units: never inside a
    /// character (a UTF-8 sequence, a surrogate pair).
    fn boundary(units: &[Self::Unit], max: usize) -> usize;
}

/// "A": bytes (UTF-8 for texts).
pub(crate) struct A;
/// "W": UTF-16 code units.
pub(crate) struct W;

/// The longest string read from a caller (in units): a bound for unterminated input.
const MAX_UNITS: usize = 1 << 20;

fn too_long() -> Error {
    Error::InvalidParameter("a string is longer than 1M characters".into())
}

impl A {
    /// The bytes of a NUL-terminated string.
    ///
    /// # Safety
    /// `p` points to a NUL-terminated string.
    unsafe fn bytes<'a>(p: *const c_char) -> Result<&'a [u8], Error> {
        // SAFETY: the caller promises a NUL-terminated string.
        let bytes = unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes();
        if bytes.len() > MAX_UNITS {
            return Err(too_long());
        }
        Ok(bytes)
    }
}

impl Enc for A {
    type Unit = c_char;

    unsafe fn read(p: *const c_char) -> Result<Option<String>, Error> {
        if p.is_null() {
            return Ok(None);
        }
        // SAFETY: passed on under the same contract.
        let bytes = unsafe { A::bytes(p)? };
        std::str::from_utf8(bytes)
            .map(|s| Some(s.to_owned()))
            .map_err(|_| Error::InvalidParameter("a string is not valid UTF-8".into()))
    }

    unsafe fn read_os(p: *const c_char) -> Result<Option<OsString>, Error> {
        if p.is_null() {
            return Ok(None);
        }
        // SAFETY: passed on under the same contract.
        Ok(Some(OsStr::from_bytes(unsafe { A::bytes(p)? }).to_owned()))
    }

    fn units(s: &str) -> Vec<c_char> {
        s.bytes().map(|b| b as c_char).collect()
    }

    fn units_os(s: &OsStr) -> Vec<c_char> {
        s.as_bytes().iter().map(|&b| b as c_char).collect()
    }

    fn boundary(units: &[c_char], max: usize) -> usize {
        let mut n = max.min(units.len());
        // Back over continuation bytes (10xxxxxx) to the start of the cut character.
        while n > 0 && n < units.len() && (units[n] as u8) & 0xC0 == 0x80 {
            n -= 1;
        }
        n
    }
}

impl W {
    /// The units of a NUL-terminated string.
    ///
    /// # Safety
    /// `p` points to a NUL-terminated string.
    unsafe fn read_units(p: *const u16) -> Result<Vec<u16>, Error> {
        let mut units = Vec::new();
        loop {
            // SAFETY: the caller promises a NUL-terminated string; we stop at the NUL.
            let u = unsafe { p.add(units.len()).read_unaligned() };
            if u == 0 {
                return Ok(units);
            }
            if units.len() == MAX_UNITS {
                return Err(too_long());
            }
            units.push(u);
        }
    }
}

/// The surrogate a byte that does not decode becomes (U+DC80..U+DCFF).
const ESCAPE: u16 = 0xDC00;

impl Enc for W {
    type Unit = u16;

    unsafe fn read(p: *const u16) -> Result<Option<String>, Error> {
        if p.is_null() {
            return Ok(None);
        }
        // SAFETY: passed on under the same contract.
        let units = unsafe { W::read_units(p)? };
        String::from_utf16(&units)
            .map(Some)
            .map_err(|_| Error::InvalidParameter("a string is not valid UTF-16".into()))
    }

    unsafe fn read_os(p: *const u16) -> Result<Option<OsString>, Error> {
        if p.is_null() {
            return Ok(None);
        }
        // SAFETY: passed on under the same contract.
        let units = unsafe { W::read_units(p)? };
        let mut bytes = Vec::with_capacity(units.len());
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                Err(e) => {
                    let u = e.unpaired_surrogate();
                    match u.checked_sub(ESCAPE) {
                        // An escaped byte: the byte itself.
                        Some(b @ 0x80..=0xFF) => bytes.push(b as u8),
                        // Any other unpaired surrogate: its three-byte (WTF-8) form.
                        _ => bytes.extend_from_slice(&[
                            0xE0 | (u >> 12) as u8,
                            0x80 | ((u >> 6) & 0x3F) as u8,
                            0x80 | (u & 0x3F) as u8,
                        ]),
                    }
                }
            }
        }
        Ok(Some(OsString::from_vec(bytes)))
    }

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn units_os(s: &OsStr) -> Vec<u16> {
        let mut out = Vec::with_capacity(s.len());
        for chunk in s.as_bytes().utf8_chunks() {
            out.extend(chunk.valid().encode_utf16());
            out.extend(chunk.invalid().iter().map(|&b| ESCAPE | u16::from(b)));
        }
        out
    }

    fn boundary(units: &[u16], max: usize) -> usize {
        let n = max.min(units.len());
        // Never keep the high half of a pair whose low half is cut off.
        if n > 0 && n < units.len() && (0xD800..0xDC00).contains(&units[n - 1]) {
            n - 1
        } else {
            n
        }
    }
}

/// Copy the text `s` (a user or provider name; names of drives use [`write_os_str`]) and a
/// NUL into `buf` of `cap` units. `Err(needed)` (units, NUL included) when
/// it does not fit; nothing is written then.
///
/// # Safety
/// `buf` is NULL or valid for writing `cap` units.
pub(crate) unsafe fn write_str<E: Enc>(s: &str, buf: *mut E::Unit, cap: usize) -> Result<(), usize> {
    // SAFETY: passed on under the same contract.
    unsafe { write_units::<E>(&E::units(s), buf, cap) }
}

/// [`write_str`] into a buffer of `*len` units, as the calls that count characters answer
/// (`WNetGetUser`, `WNetGetProviderName`): too small is `ERROR_MORE_DATA`, with `*len` set
/// to the size needed (NUL included) and a last error that names `len_name`.
///
/// # Safety
/// `len` is valid (at any alignment); `buf` is NULL or valid for writing `*len` units.
pub(crate) unsafe fn write_str_counted<E: Enc>(
    s: &str,
    buf: *mut E::Unit,
    len: *mut DWORD,
    len_name: &str,
) -> Result<DWORD, Error> {
    // SAFETY: valid per the caller; any alignment.
    let cap = unsafe { len.read_unaligned() } as usize;
    // SAFETY: `buf` is NULL or writable for `cap` units per the caller.
    match unsafe { write_str::<E>(s, buf, cap) } {
        Ok(()) => Ok(0),
        Err(needed) => {
            // SAFETY: valid per the caller.
            unsafe { len.write_unaligned(needed as DWORD) };
            fail(
                Win32Error::ERROR_MORE_DATA,
                &format!("the buffer is too small; *{len_name} is the size needed"),
            )
        }
    }
}

/// [`write_str`] for a name: its units as [`Enc::units_os`] makes them.
///
/// # Safety
/// `buf` is NULL or valid for writing `cap` units.
pub(crate) unsafe fn write_os_str<E: Enc>(s: &OsStr, buf: *mut E::Unit, cap: usize) -> Result<(), usize> {
    // SAFETY: passed on under the same contract.
    unsafe { write_units::<E>(&E::units_os(s), buf, cap) }
}

/// # Safety
/// `buf` is NULL or valid for writing `cap` units.
unsafe fn write_units<E: Enc>(units: &[E::Unit], buf: *mut E::Unit, cap: usize) -> Result<(), usize> {
    let needed = units.len() + 1;
    if buf.is_null() || cap < needed {
        return Err(needed);
    }
    // SAFETY: `buf` holds at least `needed` units (checked above).
    unsafe { put::<E>(units, buf) };
    Ok(())
}

/// Copy as much of `s` as fits with a NUL (for error texts, which Win32 truncates), cut
/// between characters, never inside one.
///
/// # Safety
/// `buf` is NULL or valid for writing `cap` units.
pub(crate) unsafe fn write_truncated<E: Enc>(s: &str, buf: *mut E::Unit, cap: usize) {
    if buf.is_null() || cap == 0 {
        return;
    }
    let units = E::units(s);
    let n = E::boundary(&units, cap - 1);
    // SAFETY: `n + 1 <= cap` units are written.
    unsafe { put::<E>(&units[..n], buf) };
}

/// Write `units` and a NUL at `buf`, which may be unaligned.
///
/// # Safety
/// `buf` is valid for writing `units.len() + 1` units.
unsafe fn put<E: Enc>(units: &[E::Unit], buf: *mut E::Unit) {
    // SAFETY: as promised by the caller; bytes have no alignment.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr().cast::<u8>(), buf.cast::<u8>(), size_of_val(units));
        buf.add(units.len()).write_unaligned(E::Unit::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn w_strings_at_an_odd_address() {
        let mut buf = [0u8; 64];
        let odd = usize::from((buf.as_ptr() as usize).is_multiple_of(2));
        let p = buf.as_mut_ptr().wrapping_add(odd).cast::<u16>();
        // SAFETY: `p` has at least 31 units of `buf` behind it; 20 are used.
        unsafe {
            assert_eq!(write_str::<W>("Zürich €", p, 20), Ok(()));
            assert_eq!(W::read(p).unwrap().as_deref(), Some("Zürich €"));
            assert_eq!(write_str::<W>("Zürich €", p, 8), Err(9));
            write_truncated::<W>("Zürich", p, 3);
            assert_eq!(W::read(p).unwrap().as_deref(), Some("Zü"));
        }
    }

    /// `WNetGetLastError` (learn.microsoft.com, WNetGetLastErrorA/W): the text is
    /// truncated to the buffer; cut between characters, never inside one.
    #[test]
    fn truncation_never_splits_a_character() {
        let mut a = [0 as c_char; 8];
        let mut w = [0u16; 8];
        // SAFETY: each buffer has 8 units; at most `cap` are written.
        unsafe {
            write_truncated::<A>("Zü€", a.as_mut_ptr(), 3);
            assert_eq!(std::ffi::CStr::from_ptr(a.as_ptr()).to_bytes(), b"Z", "ü is two bytes");
            write_truncated::<A>("Zü€", a.as_mut_ptr(), 6);
            assert_eq!(std::ffi::CStr::from_ptr(a.as_ptr()).to_bytes(), "Zü".as_bytes());
            write_truncated::<W>("a😀b", w.as_mut_ptr(), 3);
            assert_eq!(W::read(w.as_ptr()).unwrap().as_deref(), Some("a"), "no half surrogate pair");
            write_truncated::<W>("a😀b", w.as_mut_ptr(), 4);
            assert_eq!(W::read(w.as_ptr()).unwrap().as_deref(), Some("a😀"));
        }
    }

    fn w_name(units: &[u16]) -> OsString {
        let mut z = units.to_vec();
        z.push(0);
        // SAFETY: NUL-terminated.
        unsafe { W::read_os(z.as_ptr()) }.unwrap().unwrap()
    }

    #[test]
    fn names_round_trip_through_both_kinds() {
        for bytes in
            [&b"/mnt/caf\xe9"[..], b"/mnt/\xff\xfe", b"/mnt/\xed\xa0\x80", b"/mnt/Z\xc3\xbcrich", b"\xc3"]
        {
            let name = OsStr::from_bytes(bytes);
            let w = W::units_os(name);
            assert_eq!(w_name(&w), name, "{bytes:?} through W");
            let mut a = A::units_os(name);
            a.push(0);
            // SAFETY: NUL-terminated.
            assert_eq!(unsafe { A::read_os(a.as_ptr()) }.unwrap().unwrap(), name, "{bytes:?} through A");
        }
        // Undecodable bytes are U+DC80..U+DCFF; text decodes as text.
        assert_eq!(W::units_os(OsStr::from_bytes(b"\xe9\xc3\xa9")), [0xDCE9, 0xE9]);
        // Unpaired surrogates a caller passes are accepted: an escaped byte is the byte,
        // any other is stored in its three-byte form; either way the name it comes back as
        // names the same file again.
        assert_eq!(w_name(&[0xDC80]), OsStr::from_bytes(b"\x80"));
        assert_eq!(w_name(&[0x2F, 0xD800]), OsStr::from_bytes(b"/\xed\xa0\x80"));
        for units in [&[0x2F, 0xD800][..], &[0xDC00, 0x41], &[0xDFFF], &[0xDC80]] {
            let name = w_name(units);
            assert_eq!(w_name(&W::units_os(&name)), name, "{units:x?}");
        }
        assert_eq!(w_name(&[0xD83D, 0xDE00]), "😀");
    }
}
