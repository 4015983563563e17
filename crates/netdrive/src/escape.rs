//! Showing hostile names safely.
//!
//! Mount points are arbitrary bytes: newlines, terminal escape sequences, bidi overrides,
//! invalid UTF-8. Every front end shows names through [`escape`], so none of these reach
//! a terminal or a label raw, and the result is still readable and unambiguous.

use std::ffi::OsStr;
use std::fmt::Write;
use std::os::unix::ffi::OsStrExt;

/// Escape a name for display: `\n`, `\t`, `\r`, `\e` and `\xNN` for other control bytes
/// and invalid UTF-8, `\u{NNNN}` for bidi controls and other invisible format
/// characters. Printable text, including non-ASCII and backslashes, is kept: UNC names
/// (`\\server\share`) must read as people write them.
pub fn escape(name: &OsStr) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(&mut out, c);
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// [`escape`] for text already known to be UTF-8.
pub fn escape_str(s: &str) -> String {
    escape(OsStr::new(s))
}

fn push_char(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\x1b' => out.push_str("\\e"),
        c if (c as u32) < 0x20 || c == '\x7f' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_invisible(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// C1 controls, bidi embedding/override/isolate marks and zero-width characters: they
/// change how the rest of a line is shown, so they are never passed through.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x80..=0x9f
        | 0x061c
        | 0x200b..=0x200f
        | 0x2028..=0x202e
        | 0x2060..=0x2069
        | 0xfeff
        | 0xfff9..=0xfffb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn hostile_names_are_shown_escaped() {
        let name = OsStr::from_bytes(b"/mnt/a b\tc\nd\x1b[31mred\\e\xff\xfe");
        assert_eq!(escape(name), "/mnt/a b\\tc\\nd\\e[31mred\\e\\xff\\xfe");
        assert_eq!(escape_str("abc\u{202e}txt.exe"), "abc\\u{202e}txt.exe");
        assert_eq!(escape_str("Müller <b>"), "Müller <b>");
    }

    proptest::proptest! {
        #[test]
        fn escaped_names_have_no_control_characters(bytes: Vec<u8>) {
            let shown = escape(OsStr::from_bytes(&bytes));
            proptest::prop_assert!(!shown.chars().any(|c| c.is_control() || is_invisible(c)));
        }
    }
}
