//! Names in JSON. JSON strings are Unicode and names are bytes: a name that is not UTF-8
//! is given lossily under `key` and exactly under `key_bytes`.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use serde_json::{Map, Value};

/// A name as JSON gives it: its text, and its exact bytes when the text is not exact
/// (for `#[derive(Serialize)]` structs with a `key` and an optional `key_bytes` field).
pub fn text_and_bytes(name: &OsStr) -> (Cow<'_, str>, Option<&[u8]>) {
    (name.to_string_lossy(), name.to_str().is_none().then(|| name.as_bytes()))
}

/// Put `name` into `obj` under `key` (and `key_bytes` when it is not UTF-8).
pub fn put_name(obj: &mut Map<String, Value>, key: &str, name: &OsStr) {
    let (text, bytes) = text_and_bytes(name);
    obj.insert(key.into(), text.into_owned().into());
    if let Some(bytes) = bytes {
        obj.insert(format!("{key}_bytes"), bytes.to_vec().into());
    }
}

/// Read a name written by [`put_name`], exactly.
pub fn get_name(obj: &Value, key: &str) -> Option<OsString> {
    if let Some(bytes) = obj.get(format!("{key}_bytes")).and_then(Value::as_array) {
        return bytes
            .iter()
            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
            .collect::<Option<Vec<u8>>>()
            .map(OsString::from_vec);
    }
    obj.get(key)?.as_str().map(OsString::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_utf8_names_keep_their_bytes() {
        let mut o = Map::new();
        put_name(&mut o, "local_name", OsStr::from_bytes(b"/mnt/\xff"));
        assert_eq!(o["local_name"], "/mnt/\u{fffd}");
        assert_eq!(o["local_name_bytes"], json!([47, 109, 110, 116, 47, 255]));
        let v = Value::Object(o);
        assert_eq!(get_name(&v, "local_name").unwrap().as_bytes(), b"/mnt/\xff");
    }
}
