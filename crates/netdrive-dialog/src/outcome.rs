//! What a dialog ends with, and its JSON form (the helper's answer, and what
//! `netdrive dialog --json` prints).

use std::ffi::OsString;

use netdrive::json::{get_name, put_name};
use netdrive::Win32Error;
use serde_json::{Map, Value};

/// A drive the person disconnected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disconnected {
    pub local_name: OsString,
    pub remote_name: OsString,
}

/// Why a dialog ended without disconnecting anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelledBy {
    /// The person pressed Cancel or Escape, or closed the window.
    Person,
    /// The owner window was destroyed.
    OwnerGone,
    /// The host called [`crate::DialogHandle::close`].
    Closed,
}

/// How a dialog ended, as `WNetDisconnectDialog` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `NO_ERROR`: at least one drive was disconnected.
    Disconnected(Vec<Disconnected>),
    /// `-1` (`0xFFFFFFFF`), as Win32 returns when the person cancels.
    Cancelled(CancelledBy),
    /// A Win32 error code with its message (also the thread's last error after `wait`).
    Failed { code: Win32Error, message: String },
}

/// The Win32 return value for a cancelled dialog.
pub const CANCELLED: u32 = u32::MAX;

impl Outcome {
    /// The value `WNetDisconnectDialog` would return: 0, `0xFFFFFFFF` (-1), or an error.
    pub fn code(&self) -> u32 {
        match self {
            Outcome::Disconnected(_) => 0,
            Outcome::Cancelled(_) => CANCELLED,
            Outcome::Failed { code, .. } => code.0,
        }
    }

    /// An extended error (`ERROR_EXTENDED_ERROR`) with this message.
    pub fn extended(message: impl Into<String>) -> Outcome {
        Outcome::Failed { code: Win32Error::ERROR_EXTENDED_ERROR, message: message.into() }
    }

    /// `{"outcome": "disconnected"|"cancelled"|"error", "code": N, "disconnected": [...], "message": ...}`
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        let (word, code, message, reason) = match self {
            Outcome::Disconnected(d) => {
                let n = d.len();
                (
                    "disconnected",
                    0i64,
                    format!("Disconnected {n} network drive{}.", if n == 1 { "" } else { "s" }),
                    None,
                )
            }
            Outcome::Cancelled(r) => {
                let (reason, msg) = match r {
                    CancelledBy::Person => ("person", "Cancelled: nothing was disconnected."),
                    CancelledBy::OwnerGone => {
                        ("owner_gone", "The owner window closed: nothing was disconnected.")
                    }
                    CancelledBy::Closed => ("closed", "The dialog was closed by its program."),
                };
                ("cancelled", -1, msg.to_owned(), Some(reason))
            }
            Outcome::Failed { code, message } => ("error", i64::from(code.0), message.clone(), None),
        };
        o.insert("outcome".into(), word.into());
        o.insert("code".into(), code.into());
        if let Some(e) = match self {
            Outcome::Failed { code, .. } => code.name(),
            _ => None,
        } {
            o.insert("error".into(), e.into());
        }
        if let Some(r) = reason {
            o.insert("reason".into(), r.into());
        }
        let list = match self {
            Outcome::Disconnected(d) => d
                .iter()
                .map(|d| {
                    let mut e = Map::new();
                    put_name(&mut e, "local_name", &d.local_name);
                    put_name(&mut e, "remote_name", &d.remote_name);
                    Value::Object(e)
                })
                .collect(),
            _ => Vec::new(),
        };
        o.insert("disconnected".into(), Value::Array(list));
        o.insert("message".into(), message.into());
        Value::Object(o)
    }

    /// Read the JSON form back; `None` when it is not one.
    pub fn from_json(v: &Value) -> Option<Outcome> {
        match v.get("outcome")?.as_str()? {
            "disconnected" => Some(Outcome::Disconnected(
                v.get("disconnected")?
                    .as_array()?
                    .iter()
                    .map(|d| {
                        Some(Disconnected {
                            local_name: get_name(d, "local_name")?,
                            remote_name: get_name(d, "remote_name")?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
            )),
            "cancelled" => Some(Outcome::Cancelled(match v.get("reason").and_then(Value::as_str) {
                Some("owner_gone") => CancelledBy::OwnerGone,
                Some("closed") => CancelledBy::Closed,
                _ => CancelledBy::Person,
            })),
            "error" => Some(Outcome::Failed {
                code: Win32Error(u32::try_from(v.get("code")?.as_i64()?).ok()?),
                message: v.get("message").and_then(Value::as_str).unwrap_or_default().to_owned(),
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn json_round_trips() {
        let all = [
            Outcome::Disconnected(vec![Disconnected {
                local_name: std::ffi::OsStr::from_bytes(b"/mnt/\xff").into(),
                remote_name: r"\\h\s".into(),
            }]),
            Outcome::Cancelled(CancelledBy::Person),
            Outcome::Cancelled(CancelledBy::OwnerGone),
            Outcome::Failed { code: Win32Error::ERROR_NO_NETWORK, message: "no".into() },
        ];
        for o in all {
            assert_eq!(Outcome::from_json(&o.to_json()), Some(o.clone()));
        }
        assert_eq!(Outcome::Cancelled(CancelledBy::Person).code(), 0xFFFF_FFFF);
        assert_eq!(Outcome::Cancelled(CancelledBy::Person).to_json()["code"], -1);
    }
}

#[cfg(test)]
mod golden {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    /// The JSON text scripts read (`netdrive dialog --json`, the helper's answer line):
    /// these exact bytes, so a change of how it is made changes nothing a reader sees.
    #[test]
    fn json_text_is_exactly_as_before() {
        let cases = [
            (
                Outcome::Disconnected(vec![Disconnected {
                    local_name: std::ffi::OsStr::from_bytes(b"/mnt/\xff").into(),
                    remote_name: r"\\h\s".into(),
                }]),
                r#"{"code":0,"disconnected":[{"local_name":"/mnt/�","local_name_bytes":[47,109,110,116,47,255],"remote_name":"\\\\h\\s"}],"message":"Disconnected 1 network drive.","outcome":"disconnected"}"#,
            ),
            (
                Outcome::Cancelled(CancelledBy::OwnerGone),
                r#"{"code":-1,"disconnected":[],"message":"The owner window closed: nothing was disconnected.","outcome":"cancelled","reason":"owner_gone"}"#,
            ),
            (
                Outcome::Failed { code: Win32Error::ERROR_NO_NETWORK, message: "no".into() },
                r#"{"code":1222,"disconnected":[],"error":"ERROR_NO_NETWORK","message":"no","outcome":"error"}"#,
            ),
            (
                Outcome::Failed { code: Win32Error(4242), message: "odd".into() },
                r#"{"code":4242,"disconnected":[],"message":"odd","outcome":"error"}"#,
            ),
        ];
        for (o, want) in cases {
            assert_eq!(serde_json::to_string(&o.to_json()).unwrap(), want);
        }
    }
}
