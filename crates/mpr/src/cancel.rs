//! Cancelling a connection: `WNetCancelConnection2` and `WNetCancelConnection`.

use std::os::raw::c_char;

use std::time::Duration;

use netdrive::{CancelOptions, Error, Waiting, Win32Error};

use crate::guard::{guard, invalid};
use crate::strings::{Enc, A, W};
use crate::types::{BOOL, CONNECT_UPDATE_PROFILE, DWORD};

unsafe fn cancel2<E: Enc>(name: *const E::Unit, flags: DWORD, force: BOOL) -> DWORD {
    guard(|| {
        if flags & !CONNECT_UPDATE_PROFILE != 0 {
            return Err(invalid("unknown flags"));
        }
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let name = unsafe { E::read_os(name)? }.ok_or_else(|| invalid("lpName is NULL"))?;
        let opts = CancelOptions {
            force: force != 0,
            update_profile: flags & CONNECT_UPDATE_PROFILE != 0,
            ..CancelOptions::default()
        };
        match netdrive::cancel_device_or_deviceless(&name, &opts) {
            Ok(_) => Ok(0),
            Err(Error::NotResponding { target, after, waiting }) => {
                Ok(not_responding(&target, after, waiting, opts.force))
            }
            Err(e) => {
                let (code, provider) = (e.code(), e.provider().unwrap_or("netdrive").to_owned());
                netdrive::set_last_error(netdrive::LastError {
                    code,
                    text: in_c_terms(&e.to_string()),
                    provider,
                });
                Ok(code.0)
            }
        }
    })
}

/// netdrive's messages name the command line's options where they say what to do next;
/// a C caller is told the call and argument instead.
fn in_c_terms(text: &str) -> String {
    const AGAIN: &str = "call WNetCancelConnection2 again with fForce = TRUE";
    [
        ("disconnect with --force (or --detach)", AGAIN),
        ("disconnect it with --force or --detach", AGAIN),
        ("--forget forgets it", "WNetCancelConnection2 with CONNECT_UPDATE_PROFILE forgets it"),
    ]
    .iter()
    .fold(text.to_owned(), |t, (cli, c)| t.replace(cli, c))
}

/// A server that did not answer within the bound, said in a C caller's terms: the code
/// stays `ERROR_SEM_TIMEOUT` (winnetwk.h documents it for this), the text says what call
/// to make next.
fn not_responding(target: &netdrive::Name, after: Duration, waiting: Waiting, forced: bool) -> DWORD {
    let mut text =
        format!("{target}: the server is not responding (no answer within {}s)", after.as_secs_f32());
    text.push_str(match waiting {
        Waiting::Unmount => {
            "; the disconnect may still finish when the server answers: \
                              call WNetGetConnection later to see"
        }
        Waiting::EarlierAttempt => "; an earlier disconnect of it is still waiting for the server",
        _ => "; the drive is still connected",
    });
    if !forced {
        text.push_str(
            "; call WNetCancelConnection2 again with fForce = TRUE to take the drive away now \
             (it leaves the folder tree at once; programs with files open on it get errors)",
        );
    }
    let code = Win32Error::ERROR_SEM_TIMEOUT;
    netdrive::set_last_error(netdrive::LastError { code, text, provider: "netdrive".into() });
    code.0
}

/// `WNetCancelConnection2A(lpName, dwFlags, fForce)`: disconnect the drive whose local
/// name (mount point; a GVfs drive's URI) is `lpName`; or, as Windows does for a remote name
/// (`\\server\share`), every connection to it without a local device (GVfs drives): a
/// mounted drive is not disconnected by its remote name (`ERROR_NOT_CONNECTED`).
/// `CONNECT_UPDATE_PROFILE` also forgets it. Open files without `fForce`:
/// `ERROR_OPEN_FILES`, the processes named in the last error. A server that does not
/// answer: `ERROR_SEM_TIMEOUT`; with `fForce` the drive is taken away regardless.
///
/// # Safety
/// `lpName` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnection2A(
    lpName: *const c_char,
    dwFlags: DWORD,
    fForce: BOOL,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<A>(lpName, dwFlags, fForce) }
}

/// `WNetCancelConnection2W`: as [`WNetCancelConnection2A`], with UTF-16.
///
/// # Safety
/// As for [`WNetCancelConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnection2W(lpName: *const u16, dwFlags: DWORD, fForce: BOOL) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<W>(lpName, dwFlags, fForce) }
}

/// `WNetCancelConnectionA(lpName, fForce)`: as Win32, the same as
/// `WNetCancelConnection2A(lpName, CONNECT_UPDATE_PROFILE, fForce)`.
///
/// # Safety
/// As for [`WNetCancelConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnectionA(lpName: *const c_char, fForce: BOOL) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<A>(lpName, CONNECT_UPDATE_PROFILE, fForce) }
}

/// `WNetCancelConnectionW`: as [`WNetCancelConnectionA`], with UTF-16.
///
/// # Safety
/// As for [`WNetCancelConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnectionW(lpName: *const u16, fForce: BOOL) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<W>(lpName, CONNECT_UPDATE_PROFILE, fForce) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What netdrive tells a person to type is told to a C caller as a call to make.
    #[test]
    fn messages_name_calls_not_command_line_options() {
        let errors = [
            Error::OpenFiles { target: "/mnt/a".into(), holders: Vec::new(), uninspectable: 0 },
            Error::RememberedNotConnected { target: "/mnt/a".into() },
        ];
        for e in errors {
            let text = in_c_terms(&e.to_string());
            assert!(!text.contains("--"), "{text}");
            assert!(text.contains("WNetCancelConnection2"), "{text}");
        }
        let code = not_responding(&"/mnt/a".into(), Duration::from_secs(3), Waiting::Nothing, false);
        assert_eq!(code, 121);
        let last = netdrive::last_error().unwrap();
        assert!(last.text.contains("fForce = TRUE") && !last.text.contains("--"), "{}", last.text);
    }
}
