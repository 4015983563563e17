//! Showing hostile names safely and unambiguously.
//!
//! Mount points, process names and the other names netdrive shows are arbitrary bytes:
//! newlines, terminal escape sequences, bidi overrides, invisible characters, invalid
//! UTF-8. Every front end shows names through [`escape`], so none of these reach a
//! terminal or a label raw, and two different names never look the same.
//!
//! The rule, in full:
//!
//! - `\u{HEX}` stands for a character that would not show as itself: control characters
//!   (C0, DEL, C1), format characters (Unicode category Cf: bidi controls, zero-width
//!   space and joiners, word joiner, byte order mark, soft hyphen, tag characters
//!   U+E0000–E007F), line and paragraph separators, every space but U+0020 (no-break and
//!   the typographic spaces), private-use and unassigned code points, the other
//!   default-ignorable characters (variation selectors, the combining grapheme joiner,
//!   Hangul fillers), the blank Braille pattern, and a space at the start or the end of a
//!   name. `HEX` is the code point in lowercase, at least two digits: a newline is
//!   `\u{0a}`, ESC `\u{1b}`, a trailing space `\u{20}`.
//! - `\x{HEX}` stands for a byte that is not part of valid UTF-8.
//! - A backslash is shown as itself, except right before `u{` or `x{`, where it is
//!   `\x{5c}` (its byte).
//!
//! So a backslash followed by `u{` or `x{` always starts an escape, and every other
//! backslash is a backslash: a UNC name (`\\server\share`, `\\nas\new`) or a Windows-style
//! path reads exactly as people write it, and a name typed with a backslash and an `n`
//! (`a\nb`) is not a name with a newline (`a\u{0a}b`). Escaping is injective: the tests
//! decode every escaped name back to its exact bytes.
//!
//! What it does not do: letters that look alike (Latin `a` and Cyrillic `а`, or a
//! precomposed `é` and `e` followed by a combining accent) are shown as they are, since
//! escaping them would make names in those scripts unreadable; `--json` gives exact bytes.
//!
//! Messages (whole sentences that already contain escaped names) go through
//! [`escape_text`] instead, which neutralises the same invisible characters but leaves
//! backslashes and spaces alone, so an escaped name inside a message is not escaped twice.

use std::ffi::OsStr;
use std::fmt::Write;
use std::os::unix::ffi::OsStrExt;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Escape a name for display (see the module documentation for the rule).
pub fn escape(name: &OsStr) -> String {
    let bytes = name.as_bytes();
    // Spaces at either end would be invisible, or look like the column gap.
    let lead = bytes.iter().take_while(|&&b| b == b' ').count();
    let trail = if lead == bytes.len() { 0 } else { bytes.iter().rev().take_while(|&&b| b == b' ').count() };
    let mut out = String::with_capacity(bytes.len() + 8 * (lead + trail));
    for _ in 0..lead {
        out.push_str("\\u{20}");
    }
    let middle = &bytes[lead..bytes.len() - trail];
    for chunk in middle.utf8_chunks() {
        let text = chunk.valid();
        for (i, c) in text.char_indices() {
            if c == '\\' {
                // Only `\u{` and `\x{` start an escape. A backslash that ends `text` is
                // followed by an invalid byte or the end, both shown starting with `\`.
                let next = &text.as_bytes()[i + 1..];
                if next.len() >= 2 && matches!(next[0], b'u' | b'x') && next[1] == b'{' {
                    out.push_str("\\x{5c}");
                } else {
                    out.push('\\');
                }
            } else if hidden(c) {
                let _ = write!(out, "\\u{{{:02x}}}", c as u32);
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{{{b:02x}}}");
        }
    }
    for _ in 0..trail {
        out.push_str("\\u{20}");
    }
    out
}

/// [`escape`] for a name already known to be UTF-8.
pub fn escape_str(s: &str) -> String {
    escape(OsStr::new(s))
}

/// Make a message safe to show: every character [`escape`] would hide becomes `\u{HEX}`,
/// except line breaks, which a message may have. Backslashes and spaces are kept, so the
/// escaped names a message already holds stay as they are (this is idempotent on them).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c != '\n' && hidden(c) {
            let _ = write!(out, "\\u{{{:02x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// A character that does not show as itself, or changes how its neighbours show.
fn hidden(c: char) -> bool {
    use GeneralCategory as G;
    match c.general_category() {
        G::Control
        | G::Format
        | G::LineSeparator
        | G::ParagraphSeparator
        | G::PrivateUse
        | G::Surrogate
        | G::Unassigned => true,
        G::SpaceSeparator => c != ' ',
        _ => default_ignorable_beyond_cf(c) || c == '\u{2800}',
    }
}

/// Default-ignorable code points (Unicode's `Default_Ignorable_Code_Point`) that are not
/// of category Cf or Cn (those are caught by category): `Variation_Selector` and
/// `Other_Default_Ignorable_Code_Point`, from DerivedCoreProperties.txt / PropList.txt.
/// unicode-properties has no such property, and this list is short and stable (Unicode
/// keeps `Default_Ignorable_Code_Point` stable for assigned characters).
fn default_ignorable_beyond_cf(c: char) -> bool {
    matches!(c as u32,
        0x034f              // COMBINING GRAPHEME JOINER
        | 0x115f..=0x1160   // HANGUL CHOSEONG / JUNGSEONG FILLER
        | 0x17b4..=0x17b5   // KHMER VOWEL INHERENT AQ, AA
        | 0x180b..=0x180d   // MONGOLIAN FREE VARIATION SELECTORS
        | 0x180f
        | 0x3164            // HANGUL FILLER
        | 0xfe00..=0xfe0f   // VARIATION SELECTORS
        | 0xffa0            // HALFWIDTH HANGUL FILLER
        | 0xe0100..=0xe01ef // VARIATION SELECTORS SUPPLEMENT
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    /// The inverse of [`escape`], as a reader applies the rule: proof that it is injective.
    fn unescape(shown: &str) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = shown;
        while let Some(i) = rest.find('\\') {
            out.extend_from_slice(&rest.as_bytes()[..i]);
            let after = &rest[i + 1..];
            let form =
                after.strip_prefix("u{").map(|r| (true, r)).or(after.strip_prefix("x{").map(|r| (false, r)));
            match form {
                Some((is_char, r)) => {
                    let end = r.find('}')?;
                    let v = u32::from_str_radix(&r[..end], 16).ok()?;
                    if is_char {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(char::from_u32(v)?.encode_utf8(&mut buf).as_bytes());
                    } else {
                        out.push(u8::try_from(v).ok()?);
                    }
                    rest = &r[end + 1..];
                }
                None => {
                    out.push(b'\\');
                    rest = after;
                }
            }
        }
        out.extend_from_slice(rest.as_bytes());
        Some(out)
    }

    fn shown(bytes: &[u8]) -> String {
        escape(OsStr::from_bytes(bytes))
    }

    #[test]
    fn hostile_names_are_shown_escaped() {
        assert_eq!(
            shown(b"/mnt/a b\tc\nd\x1b[31mred\\e\xff\xfe"),
            "/mnt/a b\\u{09}c\\u{0a}d\\u{1b}[31mred\\e\\x{ff}\\x{fe}"
        );
        assert_eq!(escape_str("abc\u{202e}txt.exe"), "abc\\u{202e}txt.exe");
        assert_eq!(escape_str("Müller <b>"), "Müller <b>");
    }

    #[test]
    fn a_typed_backslash_never_looks_like_an_escape() {
        // `a\nb` typed with a backslash, and `a` newline `b`: two names, two displays.
        assert_eq!(shown(b"a\\nb"), "a\\nb");
        assert_eq!(shown(b"a\nb"), "a\\u{0a}b");
        // A backslash that would start an escape is shown as its byte.
        assert_eq!(shown(b"a\\u{0a}b"), "a\\x{5c}u{0a}b");
        assert_eq!(shown(b"\\x{ff}"), "\\x{5c}x{ff}");
        assert_eq!(shown(b"end\\"), "end\\");
        assert_eq!(shown(b"\\\xff"), "\\\\x{ff}");
    }

    #[test]
    fn unc_names_read_as_written() {
        for unc in [r"\\server\share", r"\\nas\new\tmp\reports", r"\\127.0.0.1\export\users", r"\\h@8080\x\u"]
        {
            assert_eq!(escape_str(unc), unc);
        }
    }

    #[test]
    fn invisible_characters_show() {
        for (c, want) in [
            ('\u{ad}', "\\u{ad}"),       // soft hyphen
            ('\u{200b}', "\\u{200b}"),   // zero-width space
            ('\u{200d}', "\\u{200d}"),   // zero-width joiner
            ('\u{2060}', "\\u{2060}"),   // word joiner
            ('\u{feff}', "\\u{feff}"),   // byte order mark
            ('\u{e0041}', "\\u{e0041}"), // tag latin capital A
            ('\u{e007f}', "\\u{e007f}"), // cancel tag
            ('\u{fe0f}', "\\u{fe0f}"),   // variation selector 16
            ('\u{034f}', "\\u{34f}"),    // combining grapheme joiner
            ('\u{3164}', "\\u{3164}"),   // Hangul filler
            ('\u{115f}', "\\u{115f}"),   // Hangul choseong filler
            ('\u{a0}', "\\u{a0}"),       // no-break space
            ('\u{3000}', "\\u{3000}"),   // ideographic space
            ('\u{2028}', "\\u{2028}"),   // line separator
            ('\u{e000}', "\\u{e000}"),   // private use
            ('\u{2800}', "\\u{2800}"),   // Braille blank
            ('\u{85}', "\\u{85}"),       // C1 next line
        ] {
            assert_eq!(escape_str(&format!("a{c}b")), format!("a{want}b"), "U+{:04X}", c as u32);
        }
        // Letters with combining marks, and other scripts, are text.
        assert_eq!(escape_str("Ame\u{301}lie/日本語/हिन्दी"), "Ame\u{301}lie/日本語/हिन्दी");
    }

    #[test]
    fn spaces_at_either_end_show() {
        assert_eq!(escape_str("/mnt/x "), "/mnt/x\\u{20}");
        assert_eq!(escape_str("/mnt/x  "), "/mnt/x\\u{20}\\u{20}");
        assert_eq!(escape_str(" x"), "\\u{20}x");
        assert_eq!(escape_str("a b"), "a b");
        assert_eq!(escape_str("  "), "\\u{20}\\u{20}");
        assert_eq!(escape_str(""), "");
    }

    #[test]
    fn messages_keep_their_escaped_names() {
        let name = shown(b"/mnt/a\\u{0a}\nb ");
        let msg = format!("{name}: files are open\nclose them");
        assert_eq!(escape_text(&msg), msg);
        assert_eq!(escape_text("bad \u{1b}]0;x\u{7} arg"), "bad \\u{1b}]0;x\\u{07} arg");
    }

    proptest::proptest! {
        #[test]
        fn escaped_names_have_no_hidden_characters(bytes: Vec<u8>) {
            let s = shown(&bytes);
            proptest::prop_assert!(!s.chars().any(hidden));
            proptest::prop_assert!(!s.starts_with(' ') && !s.ends_with(' '));
            proptest::prop_assert_eq!(escape_text(&s), s);
        }

        #[test]
        fn escaping_is_injective(bytes: Vec<u8>) {
            // Decoding gives back the exact bytes, so no two names show the same.
            proptest::prop_assert_eq!(unescape(&shown(&bytes)), Some(bytes));
        }

        #[test]
        fn escaping_is_injective_on_backslash_heavy_names(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["\\", "u", "x", "{", "}", "0a", "5c", " ", "\n", "\u{ad}", "\u{fe0f}", "é", "\u{ff}"]),
                0..24,
            ),
            tail in proptest::collection::vec(proptest::num::u8::ANY, 0..3),
        ) {
            let mut bytes = parts.concat().into_bytes();
            bytes.extend(tail);
            proptest::prop_assert_eq!(unescape(&shown(&bytes)), Some(bytes));
        }
    }
}
