//! The two string kinds of the WNet API: "A" (UTF-8 `char`) and "W" (UTF-16 `WCHAR`,
//! `unsigned short`), read from and written to caller memory with Win32 buffer rules.
//!
//! A caller's `WCHAR *` may be at an odd address (packed structures, byte buffers, as
//! Windows programs do), so units are only ever read and written unaligned, never through a
//! `&[u16]` or `*p`.

use std::os::raw::c_char;

use netdrive::Error;

/// One of the two string kinds.
pub(crate) trait Enc {
    /// The C character type.
    type Unit: Copy + Default + 'static;

    /// Read a NUL-terminated string; `None` for NULL. Invalid text is
    /// `ERROR_INVALID_PARAMETER`.
    ///
    /// # Safety
    /// `p` is NULL or points to a NUL-terminated string of `Unit`s.
    unsafe fn read(p: *const Self::Unit) -> Result<Option<String>, Error>;

    /// The units of `s` without the terminating NUL.
    fn units(s: &str) -> Vec<Self::Unit>;
}

/// "A": UTF-8 bytes.
pub(crate) struct A;
/// "W": UTF-16 code units.
pub(crate) struct W;

impl Enc for A {
    type Unit = c_char;

    unsafe fn read(p: *const c_char) -> Result<Option<String>, Error> {
        if p.is_null() {
            return Ok(None);
        }
        // SAFETY: the caller promises a NUL-terminated string.
        let bytes = unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes();
        std::str::from_utf8(bytes)
            .map(|s| Some(s.to_owned()))
            .map_err(|_| Error::InvalidParameter("a string is not valid UTF-8".into()))
    }

    fn units(s: &str) -> Vec<c_char> {
        s.bytes().map(|b| b as c_char).collect()
    }
}

/// The longest string read from a caller (in units): a bound for unterminated input.
const MAX_UNITS: usize = 1 << 20;

impl Enc for W {
    type Unit = u16;

    unsafe fn read(p: *const u16) -> Result<Option<String>, Error> {
        if p.is_null() {
            return Ok(None);
        }
        let mut units = Vec::new();
        loop {
            // SAFETY: the caller promises a NUL-terminated string; we stop at the NUL.
            let u = unsafe { p.add(units.len()).read_unaligned() };
            if u == 0 {
                break;
            }
            if units.len() == MAX_UNITS {
                return Err(Error::InvalidParameter("a string is longer than 1M characters".into()));
            }
            units.push(u);
        }
        String::from_utf16(&units)
            .map(Some)
            .map_err(|_| Error::InvalidParameter("a string is not valid UTF-16".into()))
    }

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }
}

/// Copy `s` and a NUL into `buf` of `cap` units. `Err(needed)` (units, NUL included) when
/// it does not fit; nothing is written then.
///
/// # Safety
/// `buf` is NULL or valid for writing `cap` units.
pub(crate) unsafe fn write_str<E: Enc>(s: &str, buf: *mut E::Unit, cap: usize) -> Result<(), usize> {
    let units = E::units(s);
    let needed = units.len() + 1;
    if buf.is_null() || cap < needed {
        return Err(needed);
    }
    // SAFETY: `buf` holds at least `needed` units (checked above).
    unsafe { put::<E>(&units, buf) };
    Ok(())
}

/// Copy as much of `s` as fits with a NUL (for error texts, which Win32 truncates).
///
/// # Safety
/// `buf` is NULL or valid for writing `cap` units.
pub(crate) unsafe fn write_truncated<E: Enc>(s: &str, buf: *mut E::Unit, cap: usize) {
    if buf.is_null() || cap == 0 {
        return;
    }
    let units = E::units(s);
    let n = units.len().min(cap - 1);
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
}
