//! The JSON shapes of the commands' `--json` output, as serde derives: drives (`list`),
//! processes (`who`), and disconnect results. Serialized straight from borrowed fields (a
//! table can hold thousands of drives, `who` tens of thousands of open files). Names that
//! are not UTF-8 also come exactly, as `*_bytes`.

use std::borrow::Cow;
use std::ffi::OsStr;

use netdrive::json::text_and_bytes;
use netdrive::{Connection, Error, Holder, How, Upload, Use};

/// A drive.
#[derive(serde::Serialize)]
pub struct ConnectionJson<'a> {
    local_name: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_name_bytes: Option<&'a [u8]>,
    remote_name: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote_name_bytes: Option<&'a [u8]>,
    source: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_bytes: Option<&'a [u8]>,
    provider: &'static str,
    backend: Option<&'a str>,
    fstype: &'a str,
    mount_id: Option<u64>,
    owner_uid: Option<u32>,
    options: Cow<'a, str>,
    connected: bool,
    remembered: Option<netdrive::Remembered>,
    status: &'static str,
}

impl<'a> From<&'a Connection> for ConnectionJson<'a> {
    fn from(c: &'a Connection) -> ConnectionJson<'a> {
        let (local_name, local_name_bytes) = text_and_bytes(&c.local_name);
        let (remote_name, remote_name_bytes) = text_and_bytes(&c.remote_name);
        let (source, source_bytes) = text_and_bytes(&c.source);
        ConnectionJson {
            local_name,
            local_name_bytes,
            remote_name,
            remote_name_bytes,
            source,
            source_bytes,
            provider: c.provider.name(),
            backend: c.backend.as_deref(),
            fstype: &c.fstype,
            mount_id: c.mount_id,
            owner_uid: c.owner_uid,
            options: c.options.to_string_lossy(),
            connected: c.connected,
            remembered: c.remembered,
            status: c.status(),
        }
    }
}

/// A process using a drive.
#[derive(serde::Serialize)]
pub struct HolderJson<'a> {
    pid: u32,
    name: &'a str,
    user: &'a str,
    uid: Option<u32>,
    path: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<&'a [u8]>,
    #[serde(rename = "use")]
    how: &'static str,
    fd: Option<u32>,
}

impl<'a> From<&'a Holder> for HolderJson<'a> {
    fn from(h: &'a Holder) -> HolderJson<'a> {
        let (how, fd) = match h.how {
            Use::File(fd) => ("file", Some(fd)),
            Use::Cwd => ("cwd", None),
            Use::Root => ("root", None),
            Use::Exe => ("exe", None),
            Use::Map => ("map", None),
        };
        let (path, path_bytes) = text_and_bytes(&h.path);
        HolderJson { pid: h.pid, name: &h.name, user: &h.user, uid: h.uid, path, path_bytes, how, fd }
    }
}

/// One target of `disconnect --json`. Its fields are in the order the text has always had
/// (alphabetical).
#[derive(serde::Serialize)]
pub struct ResultJson<'a> {
    code: u32,
    error: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    forgotten: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holders: Option<Vec<HolderJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    how: Option<How>,
    message: String,
    target: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_bytes: Option<&'a [u8]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upload: Option<Upload>,
}

impl<'a> ResultJson<'a> {
    /// The result of disconnecting `target`; `message` says a success for people.
    pub fn new(
        target: &'a OsStr,
        r: &'a Result<netdrive::Disconnected, Error>,
        message: fn(&netdrive::Disconnected) -> String,
    ) -> ResultJson<'a> {
        let (target, target_bytes) = text_and_bytes(target);
        let mut j = ResultJson {
            code: 0,
            error: "NO_ERROR",
            forgotten: None,
            holders: None,
            how: None,
            message: String::new(),
            target,
            target_bytes,
            upload: None,
        };
        match r {
            Ok(done) => {
                j.message = message(done);
                j.how = Some(done.how);
                j.forgotten = Some(done.forgotten);
                j.upload = done.upload.clone();
            }
            Err(e) => {
                j.code = e.code().0;
                j.error = e.code().name().unwrap_or("ERROR");
                j.message = e.to_string();
                if let Error::OpenFiles { holders, .. } = e {
                    j.holders = Some(holders.iter().map(HolderJson::from).collect());
                }
            }
        }
        j
    }
}

#[cfg(test)]
mod golden {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::output::done_message;
    use netdrive::{Connection, Error, Use};
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    fn conn() -> Connection {
        let line = b"41 1 0:41 / /mnt/\\377x rw shared:1 - fuse.sshfs me@host:/srv rw,user_id=0";
        Connection::from_mount(&netdrive::mountinfo::parse_line(line).unwrap()).unwrap()
    }

    /// `disconnect --json`'s objects: these exact bytes, however they are made.
    #[test]
    fn disconnect_json_text_is_exactly_as_before() {
        let target = OsStr::from_bytes(b"/mnt/\xffx");
        let ok = netdrive::Disconnected {
            connection: conn(),
            how: netdrive::How::Detached,
            forgotten: true,
            upload: Some(netdrive::Upload::StillRunning { pid: 7 }),
        };
        let plain = netdrive::Disconnected {
            upload: None,
            forgotten: false,
            how: netdrive::How::Unmounted,
            ..ok.clone()
        };
        let busy = Error::OpenFiles {
            target: target.into(),
            holders: vec![netdrive::Holder {
                pid: 42,
                name: "vlc".into(),
                uid: Some(1000),
                user: "me".into(),
                path: OsStr::from_bytes(b"/mnt/\xffx/f").into(),
                how: Use::File(23),
            }],
            uninspectable: 0,
        };
        let cases = [
            (
                Ok(ok),
                r#"{"code":0,"error":"NO_ERROR","forgotten":true,"how":"detached","message":"Detached /mnt/\\x{ff}x (\\\\host\\srv); the connection stays open until the programs using it close their files. Its cached changes are still being uploaded (mount.davfs, PID 7); keep the computer on until that process ends. It is no longer remembered.","target":"/mnt/�x","target_bytes":[47,109,110,116,47,255,120],"upload":{"still_running":{"pid":7}}}"#,
            ),
            (
                Ok(plain),
                r#"{"code":0,"error":"NO_ERROR","forgotten":false,"how":"unmounted","message":"Disconnected /mnt/\\x{ff}x (\\\\host\\srv).","target":"/mnt/�x","target_bytes":[47,109,110,116,47,255,120]}"#,
            ),
            (
                Err(Error::InvalidParameter("empty name".into())),
                r#"{"code":87,"error":"ERROR_INVALID_PARAMETER","message":"invalid parameter: empty name","target":"/mnt/�x","target_bytes":[47,109,110,116,47,255,120]}"#,
            ),
            (Err(busy), ""),
        ];
        for (r, want) in cases {
            let got = serde_json::to_string(&ResultJson::new(target, &r, done_message)).unwrap();
            if want.is_empty() {
                // The holders' fields come in `who --json`'s order now; names and values as before.
                let before = r#"{"code":2401,"error":"ERROR_OPEN_FILES","holders":[{"fd":23,"name":"vlc","path":"/mnt/�x/f","path_bytes":[47,109,110,116,47,255,120,47,102],"pid":42,"uid":1000,"use":"file","user":"me"}],"message":"/mnt/\\x{ff}x: files are open by vlc (PID 42); close them, or disconnect with --force (or --detach)","target":"/mnt/�x","target_bytes":[47,109,110,116,47,255,120]}"#;
                assert_eq!(
                    serde_json::from_str::<serde_json::Value>(&got).unwrap(),
                    serde_json::from_str::<serde_json::Value>(before).unwrap()
                );
            } else {
                assert_eq!(got, want);
            }
        }
    }
}
