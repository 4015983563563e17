//! The recent folders (`CONNDLG_USE_MRU`): a small state file next to the profile
//! (`$XDG_CONFIG_HOME/netdrive/recent-folders`, one folder a line, newest first).
//!
//! The configuration folder may itself be on a network drive whose server is gone, so it
//! is read and written on a thread of its own and waited for only within a bound: a dead
//! server costs the dialog its recent list, never its window.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// At most this many folders are kept.
pub const KEEP: usize = 10;
/// The most read from the file.
const LIMIT: u64 = 64 * 1024;
/// How long reading or writing it may take.
pub const BOUND: Duration = Duration::from_secs(1);

/// The state file's path, next to the profile.
pub fn path() -> Option<PathBuf> {
    netdrive::profile::recent_folders_path()
}

/// Run `f` on a thread of its own; `None` when it did not end within `bound` (it is left
/// to end, or not, on its own).
fn bounded<T: Send + 'static>(bound: Duration, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("netdrive-recent".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .ok()?;
    rx.recv_timeout(bound).ok()
}

/// The folders in `text`: one a line, empty and control-character lines dropped, at most
/// [`KEEP`], each once.
pub fn parse(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in text.lines().map(str::trim) {
        if !l.is_empty() && !l.chars().any(char::is_control) && !out.iter().any(|o| o == l) {
            out.push(l.to_owned());
        }
        if out.len() == KEEP {
            break;
        }
    }
    out
}

/// The recent folders in the file at `path`, within `bound`; empty when it is missing,
/// unreadable or slow.
pub fn load(path: &Path, bound: Duration) -> Vec<String> {
    let p = path.to_owned();
    bounded(bound, move || {
        use std::io::Read;
        let mut text = String::new();
        let f = std::fs::File::open(&p).ok()?;
        f.take(LIMIT).read_to_string(&mut text).ok()?;
        Some(parse(&text))
    })
    .flatten()
    .unwrap_or_default()
}

/// `folder` first, then the others (without it), at most [`KEEP`].
pub fn with(recent: &[String], folder: &str) -> Vec<String> {
    let folder = folder.trim();
    std::iter::once(folder.to_owned())
        .chain(recent.iter().filter(|r| r.as_str() != folder).cloned())
        .take(KEEP)
        .collect()
}

/// Put `folder` first in the file at `path`, within `bound` (written whole, then renamed
/// over the old one, so a reader never sees half). Best effort: `false` when it could not.
pub fn add(path: &Path, folder: &str, bound: Duration) -> bool {
    let (p, folder) = (path.to_owned(), folder.to_owned());
    bounded(bound, move || -> std::io::Result<()> {
        let old = std::fs::read_to_string(&p).map(|t| parse(&t)).unwrap_or_default();
        let text: String = with(&old, &folder).iter().map(|f| format!("{f}\n")).collect();
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = p.with_extension(format!("tmp.{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &p)
    })
    .is_some_and(|r| r.is_ok())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn newest_first_each_once_at_most_ten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("recent-folders");
        assert!(load(&p, BOUND).is_empty());
        for i in 0..12 {
            assert!(add(&p, &format!(r"\\s{i}\x"), BOUND));
        }
        assert!(add(&p, r"\\s5\x", BOUND));
        let got = load(&p, BOUND);
        assert_eq!(got.len(), KEEP);
        assert_eq!(got[0], r"\\s5\x");
        assert_eq!(got[1], r"\\s11\x");
        assert_eq!(got.iter().filter(|g| *g == r"\\s5\x").count(), 1);
    }

    #[test]
    fn a_file_that_never_answers_costs_the_bound_only() {
        // A FIFO with no writer blocks its reader as a dead server's file would.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("recent-folders");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &p,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        let start = std::time::Instant::now();
        assert!(load(&p, Duration::from_millis(200)).is_empty());
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn control_characters_and_blank_lines_are_dropped() {
        assert_eq!(parse("a\n\n \x1b[31m\nb\na\n"), vec!["a".to_owned(), "b".to_owned()]);
    }
}
