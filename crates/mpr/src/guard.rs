//! The boundary: every export runs inside [`guard`], so an error becomes its Win32 code
//! (and the thread's last error) and a panic never crosses into C.

use std::panic::AssertUnwindSafe;

use netdrive::{Error, Win32Error};

use crate::types::{DWORD, WAIT_TIMEOUT};

pub(crate) fn invalid(what: &str) -> Error {
    Error::InvalidParameter(what.to_owned())
}

pub(crate) fn bad_handle() -> Error {
    Error::InvalidHandle("not one this library gave out, or already closed".into())
}

/// The text of a code a call returns without an [`Error`].
fn describe(code: Win32Error) -> String {
    let what = match code {
        Win32Error::ERROR_MORE_DATA => "the buffer is too small; the size needed was returned",
        Win32Error::ERROR_NO_MORE_ITEMS => "no more entries",
        Win32Error::ERROR_CONNECTION_UNAVAIL => "the drive is remembered but not connected",
        _ => "",
    };
    format!("{code}{}{what}", if what.is_empty() { "" } else { ": " })
}

/// Run an export: errors become their code (and the thread's last error); a panic becomes
/// `ERROR_EXTENDED_ERROR`. A failure the call reports as a code (`ERROR_MORE_DATA`,
/// `ERROR_NO_MORE_ITEMS`, `ERROR_CONNECTION_UNAVAIL`) is the last error too, as every
/// failing call's is: with the text the call recorded for that code, if it did. A call
/// that succeeds leaves the last error as it was, whatever it recorded on the way.
pub(crate) fn guard(f: impl FnOnce() -> Result<DWORD, Error>) -> DWORD {
    let before = netdrive::last_error();
    netdrive::clear_last_error();
    let out = std::panic::catch_unwind(AssertUnwindSafe(f));
    let recorded = netdrive::last_error();
    match out {
        Ok(Ok(code)) if code == 0 || code == WAIT_TIMEOUT => {
            match before {
                Some(l) => netdrive::set_last_error(l),
                None => netdrive::clear_last_error(),
            }
            code
        }
        Ok(Ok(code)) => {
            if recorded.is_none_or(|l| l.code.0 != code) {
                let code = Win32Error(code);
                netdrive::set_last_error(netdrive::LastError {
                    code,
                    text: describe(code),
                    provider: "netdrive".into(),
                });
            }
            code
        }
        Ok(Err(e)) => e.record().code().0,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Error::Extended { provider: "libmpr".into(), message: format!("internal error: {msg}") }
                .record()
                .code()
                .0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;

    #[test]
    fn a_panic_never_crosses_the_boundary() {
        let code = guard(|| panic!("something impossible"));
        assert_eq!(code, 1208);
        let last = netdrive::last_error().unwrap();
        assert_eq!(last.code.0, 1208);
        assert!(last.text.contains("internal error: something impossible"), "{}", last.text);
        assert_eq!(last.provider, "libmpr");
    }

    #[test]
    fn the_last_error_is_the_failing_calls_and_a_success_keeps_it() {
        // SAFETY: every pointer is NULL or valid for what is passed with it.
        unsafe {
            // The same failure twice keeps its own text, not a generic one.
            for _ in 0..2 {
                assert_eq!(WNetCancelConnection2A(c"/no/such/x".as_ptr(), 0, 0), 2250);
                let last = netdrive::last_error().unwrap();
                assert!(last.code.0 == 2250 && last.text.contains("/no/such/x"), "{}", last.text);
            }
            let mut h = std::ptr::null_mut();
            assert_eq!(WNetOpenEnumA(RESOURCE_CONNECTED, RESOURCETYPE_PRINT, 0, std::ptr::null(), &mut h), 0);
            assert!(netdrive::last_error().unwrap().text.contains("/no/such/x"), "a success keeps it");
            let (mut n, mut size, mut buf) = (1u32, 64u32, [0u8; 64]);
            assert_eq!(WNetEnumResourceA(h, &mut n, buf.as_mut_ptr().cast(), &mut size), 259);
            assert_eq!(netdrive::last_error().unwrap().code.0, 259, "ERROR_NO_MORE_ITEMS is recorded");
            assert_eq!(WNetCloseEnum(h), 0);
        }
    }

    #[test]
    fn bad_handles_and_nulls_are_errors_not_crashes() {
        // SAFETY: every pointer is NULL or valid; handles are made up on purpose.
        unsafe {
            assert_eq!(WNetCloseEnum(0x1234 as HANDLE), 6);
            assert_eq!(WNetDialogClose(std::ptr::null_mut()), 6);
            let mut r = 0;
            assert_eq!(WNetDialogWait(0x4e44_0000 as HANDLE, 0, &mut r), 6);
            assert_eq!(WNetCancelConnection2A(std::ptr::null(), 0, 0), 87);
            assert_eq!(WNetCancelConnection2A(c"/x".as_ptr(), 0x80, 0), 87);
            assert_eq!(WNetOpenEnumA(RESOURCE_CONNECTED, 0, 0, std::ptr::null(), std::ptr::null_mut()), 87);
            let mut code = 0;
            assert_eq!(WNetGetLastErrorA(&mut code, std::ptr::null_mut(), 0, std::ptr::null_mut(), 0), 0);
            assert_eq!(code, 87);
            // An unpaired surrogate is a name (strings.rs), looked up like any other.
            let lone = [0xd800u16, 0];
            assert_eq!(WNetCancelConnection2W(lone.as_ptr(), 0, 0), 2250);
        }
    }
}
