//! `WNetGetLastError`: this thread's last error, as netdrive recorded it.

use std::os::raw::c_char;

use crate::guard::guard;
use crate::strings::{write_truncated, Enc, A, W};
use crate::types::{DWORD, ERROR_INVALID_ADDRESS};

unsafe fn get_last_error<E: Enc>(
    code: *mut DWORD,
    err_buf: *mut E::Unit,
    err_len: DWORD,
    name_buf: *mut E::Unit,
    name_len: DWORD,
) -> DWORD {
    // learn.microsoft.com, WNetGetLastErrorA/W, Return value: "If the caller supplies an
    // invalid buffer, the return value is ERROR_INVALID_ADDRESS." The last error is kept
    // (not replaced by this one), so the caller can ask again with good buffers.
    if code.is_null() || (err_buf.is_null() && err_len > 0) || (name_buf.is_null() && name_len > 0) {
        return ERROR_INVALID_ADDRESS;
    }
    // Read before `guard`, which sets the last error aside while the call runs.
    let last = netdrive::last_error();
    guard(|| {
        let (c, text, provider) = match &last {
            Some(l) => (l.code.0, l.text.as_str(), l.provider.as_str()),
            None => (0, "", ""),
        };
        // SAFETY: pointers checked above; sizes are the caller's; any alignment.
        unsafe {
            code.write_unaligned(c);
            write_truncated::<E>(text, err_buf, err_len as usize);
            write_truncated::<E>(provider, name_buf, name_len as usize);
        }
        Ok(0)
    })
}

/// `WNetGetLastErrorA(&code, errbuf, errlen, namebuf, namelen)`: this thread's last error,
/// its text and the provider's name, each truncated to its buffer (with a NUL) between
/// characters. `lpError` NULL, or a NULL buffer with a size: `ERROR_INVALID_ADDRESS`, and
/// the last error stays as it was.
///
/// # Safety
/// `lpError` is NULL or writable; each buffer is NULL with size 0, or writable for its size.
#[no_mangle]
pub unsafe extern "C" fn WNetGetLastErrorA(
    lpError: *mut DWORD,
    lpErrorBuf: *mut c_char,
    nErrorBufSize: DWORD,
    lpNameBuf: *mut c_char,
    nNameBufSize: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_last_error::<A>(lpError, lpErrorBuf, nErrorBufSize, lpNameBuf, nNameBufSize) }
}

/// `WNetGetLastErrorW`: as [`WNetGetLastErrorA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetLastErrorA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetLastErrorW(
    lpError: *mut DWORD,
    lpErrorBuf: *mut u16,
    nErrorBufSize: DWORD,
    lpNameBuf: *mut u16,
    nNameBufSize: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_last_error::<W>(lpError, lpErrorBuf, nErrorBufSize, lpNameBuf, nNameBufSize) }
}
