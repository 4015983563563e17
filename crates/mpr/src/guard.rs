//! The boundary: every export runs inside [`guard`], so an error becomes its Win32 code
//! (and the thread's last error) and a panic never crosses into C.

use std::panic::AssertUnwindSafe;

use netdrive::Error;

use crate::types::DWORD;

pub(crate) fn invalid(what: &str) -> Error {
    Error::InvalidParameter(what.to_owned())
}

pub(crate) fn bad_handle() -> Error {
    Error::InvalidHandle("not one this library gave out, or already closed".into())
}

/// Run an export: errors become their code (and the thread's last error); a panic becomes
/// `ERROR_EXTENDED_ERROR`.
pub(crate) fn guard(f: impl FnOnce() -> Result<DWORD, Error>) -> DWORD {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(code)) => code,
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
            let bad = [0xd800u16, 0];
            assert_eq!(WNetCancelConnection2W(bad.as_ptr(), 0, 0), 87);
        }
    }
}
