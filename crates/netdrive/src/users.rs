//! User names for uids, through the system's name service (`getpwuid_r`).

/// The user name for `uid`, or the uid as text when it has none.
pub fn user_name(uid: u32) -> String {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: `passwd` is plain data that getpwuid_r fills in; all-zero is a valid value.
        let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call, `buf` for `buf.len()` bytes.
        let rc = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pw.pw_name.is_null() {
            return uid.to_string();
        }
        // SAFETY: on success pw_name points to a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(pw.pw_name) };
        return name.to_string_lossy().into_owned();
    }
}

/// The name of the user this process runs as (its effective uid).
pub fn current_user_name() -> String {
    user_name(rustix::process::geteuid().as_raw())
}

/// The uid of the user called `name`, if there is one.
pub fn uid_of(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: `passwd` is plain data that getpwnam_r fills in; all-zero is a valid value.
        let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call, `buf` for `buf.len()` bytes.
        let rc = unsafe {
            libc::getpwnam_r(name.as_ptr(), &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut result)
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        return (rc == 0 && !result.is_null()).then_some(pw.pw_uid);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_has_a_name_and_unknown_uids_show_as_numbers() {
        assert_eq!(super::uid_of("root"), Some(0));
        assert_eq!(super::uid_of("netdrive-no-such-user"), None);
        assert_eq!(super::user_name(0), "root");
        assert_eq!(super::user_name(3_999_999_999), "3999999999");
    }
}
