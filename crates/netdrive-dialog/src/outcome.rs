//! What a dialog ends with, its JSON form (the helper's answer line, and what
//! `netdrive dialog --json` prints) and its exit status: the one mapping every front end
//! and the command use.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use netdrive::json::text_and_bytes;
use netdrive::{Error, Win32Error};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::texts;

/// A drive the person disconnected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disconnected {
    /// Its mount point.
    pub local_name: OsString,
    /// Its UNC name.
    pub remote_name: OsString,
}

/// The drive the person connected in the Map Network Drive dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connected {
    /// The folder it is mounted on (the dialog's chosen local name).
    pub local_name: OsString,
    /// Its network name, as the mount table gives it (UNC).
    pub remote_name: OsString,
}

/// Why a dialog ended without disconnecting anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// `NO_ERROR` from the Map Network Drive dialog: this drive was connected.
    Connected(Connected),
    /// `-1` (`0xFFFFFFFF`), as Win32 returns when the person cancels.
    Cancelled(CancelledBy),
    /// A Win32 error code with its message (also the thread's last error after `wait`).
    Failed {
        /// The Win32 error.
        code: Win32Error,
        /// What went wrong, for people.
        message: String,
    },
}

/// The Win32 return value for a cancelled dialog.
pub const CANCELLED: u32 = u32::MAX;

/// The JSON form. Its fields are in the order the text has always had (alphabetical).
#[derive(Serialize, Deserialize)]
struct Json {
    code: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    connected: Option<DriveJson>,
    disconnected: Vec<DriveJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    message: String,
    outcome: Word,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<CancelledBy>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Word {
    Connected,
    Disconnected,
    Cancelled,
    Error,
}

/// A name is given as text, and also as its exact bytes when it is not UTF-8.
#[derive(Serialize, Deserialize)]
struct DriveJson {
    local_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    local_name_bytes: Option<Vec<u8>>,
    remote_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remote_name_bytes: Option<Vec<u8>>,
}

impl From<&Disconnected> for DriveJson {
    fn from(d: &Disconnected) -> DriveJson {
        let (local_name, local_name_bytes) = text_and_bytes(&d.local_name);
        let (remote_name, remote_name_bytes) = text_and_bytes(&d.remote_name);
        DriveJson {
            local_name: local_name.into_owned(),
            local_name_bytes: local_name_bytes.map(<[u8]>::to_vec),
            remote_name: remote_name.into_owned(),
            remote_name_bytes: remote_name_bytes.map(<[u8]>::to_vec),
        }
    }
}

impl From<&Connected> for DriveJson {
    fn from(c: &Connected) -> DriveJson {
        DriveJson::from(&Disconnected {
            local_name: c.local_name.clone(),
            remote_name: c.remote_name.clone(),
        })
    }
}

impl From<DriveJson> for Disconnected {
    fn from(d: DriveJson) -> Disconnected {
        let name =
            |text: String, bytes: Option<Vec<u8>>| bytes.map_or_else(|| text.into(), OsString::from_vec);
        Disconnected {
            local_name: name(d.local_name, d.local_name_bytes),
            remote_name: name(d.remote_name, d.remote_name_bytes),
        }
    }
}

impl From<DriveJson> for Connected {
    fn from(d: DriveJson) -> Connected {
        let d = Disconnected::from(d);
        Connected { local_name: d.local_name, remote_name: d.remote_name }
    }
}

impl From<&Outcome> for Json {
    fn from(o: &Outcome) -> Json {
        let (outcome, code, message) = match o {
            Outcome::Disconnected(d) => (Word::Disconnected, 0, texts::disconnected_count(d.len())),
            Outcome::Connected(c) => (
                Word::Connected,
                0,
                texts::connect::connected(
                    &netdrive::escape(&c.local_name),
                    &netdrive::escape(&c.remote_name),
                ),
            ),
            Outcome::Cancelled(by) => (Word::Cancelled, -1, by.message().to_owned()),
            Outcome::Failed { code, message } => (Word::Error, i64::from(code.0), message.clone()),
        };
        Json {
            code,
            connected: match o {
                Outcome::Connected(c) => Some(DriveJson::from(c)),
                _ => None,
            },
            disconnected: match o {
                Outcome::Disconnected(d) => d.iter().map(DriveJson::from).collect(),
                _ => Vec::new(),
            },
            error: match o {
                Outcome::Failed { code, .. } => code.name().map(str::to_owned),
                _ => None,
            },
            message,
            outcome,
            reason: match o {
                Outcome::Cancelled(by) => Some(*by),
                _ => None,
            },
        }
    }
}

impl TryFrom<Json> for Outcome {
    type Error = ();

    fn try_from(j: Json) -> Result<Outcome, ()> {
        Ok(match j.outcome {
            Word::Disconnected => Outcome::Disconnected(j.disconnected.into_iter().map(Into::into).collect()),
            Word::Connected => Outcome::Connected(j.connected.ok_or(())?.into()),
            Word::Cancelled => Outcome::Cancelled(j.reason.unwrap_or(CancelledBy::Person)),
            Word::Error => {
                Outcome::Failed { code: Win32Error(u32::try_from(j.code).map_err(drop)?), message: j.message }
            }
        })
    }
}

impl Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Json::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
        Outcome::try_from(Json::deserialize(d)?)
            .map_err(|()| serde::de::Error::custom("an error code out of range"))
    }
}

impl CancelledBy {
    /// What the outcome says to people.
    pub fn message(self) -> &'static str {
        match self {
            CancelledBy::Person => texts::CANCELLED_BY_PERSON,
            CancelledBy::OwnerGone => texts::CANCELLED_OWNER_GONE,
            CancelledBy::Closed => texts::CANCELLED_CLOSED,
        }
    }
}

impl Outcome {
    /// The value `WNetDisconnectDialog` (or `WNetConnectionDialog`) would return: 0,
    /// `0xFFFFFFFF` (-1), or an error.
    pub fn code(&self) -> u32 {
        match self {
            Outcome::Disconnected(_) | Outcome::Connected(_) => 0,
            Outcome::Cancelled(_) => CANCELLED,
            Outcome::Failed { code, .. } => code.0,
        }
    }

    /// The exit status of a dialog program: 0 disconnected (or connected), 1 cancelled (as
    /// zenity), 3 error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Disconnected(_) | Outcome::Connected(_) => 0,
            Outcome::Cancelled(_) => 1,
            Outcome::Failed { .. } => 3,
        }
    }

    /// An extended error (`ERROR_EXTENDED_ERROR`) with this message.
    pub fn extended(message: impl Into<String>) -> Outcome {
        Outcome::Failed { code: Win32Error::ERROR_EXTENDED_ERROR, message: message.into() }
    }

    /// The outcome of an error: its code and message.
    pub fn failed(e: &Error) -> Outcome {
        Outcome::Failed { code: e.code(), message: e.to_string() }
    }

    /// `{"code": N, "disconnected": [...], "error": ..., "message": ..., "outcome": "disconnected"|"cancelled"|"error", "reason": ...}`
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Read the JSON form back; `None` when it is not one.
    pub fn from_json(v: &Value) -> Option<Outcome> {
        Outcome::deserialize(v).ok()
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
            Outcome::Connected(Connected {
                local_name: std::ffi::OsStr::from_bytes(b"/home/me/Network/h \xff").into(),
                remote_name: r"\\h\s".into(),
            }),
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
                Outcome::Connected(Connected {
                    local_name: "/home/me/Network/h s".into(),
                    remote_name: r"\\h\s".into(),
                }),
                r#"{"code":0,"connected":{"local_name":"/home/me/Network/h s","remote_name":"\\\\h\\s"},"disconnected":[],"message":"Connected /home/me/Network/h s to \\\\h\\s.","outcome":"connected"}"#,
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
