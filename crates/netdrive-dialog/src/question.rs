//! What the conversation asks a person, and the answers it offers: one shape for every
//! question, so a front end draws any of them the same way.

use netdrive::{Error, Holder};

use crate::texts;

/// An answer a person can give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Disconnect although files are open (by force).
    DisconnectAnyway,
    /// Detach the drive whose server does not answer.
    Detach,
    /// Give the server four times as long again.
    KeepWaiting,
    /// Leave this drive as it is.
    Cancel,
    /// Seen (a message).
    Close,
}

/// What a question is about: it decides what each answer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Files are open on the drive.
    OpenFiles,
    /// The drive's server does not answer.
    NotResponding,
    /// The disconnect failed.
    Failed,
    /// `WNetDisconnectDialog1`: disconnect anyway? (asked on its own, without the list)
    Ask,
    /// `WNetDisconnectDialog1`: a failure (told on its own, without the list).
    Tell,
}

/// How a question looks: the icon a window gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A choice to make before going on.
    Question,
    /// A choice with a risk.
    Warning,
    /// Something failed.
    Error,
}

/// One answer on offer: what it is, its label, and the keys that give it in a terminal
/// (the first is shown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The answer.
    pub answer: Answer,
    /// Its button label.
    pub label: &'static str,
    /// Its keys in the terminal dialog (either case).
    pub keys: &'static str,
}

/// A question to the person. The choices come most affirmative first; the safe one
/// ([`Question::safe`]) is what Escape, Enter in a terminal, or closing the question gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// What it is about.
    pub topic: Topic,
    /// Window title.
    pub title: String,
    /// First line.
    pub text: String,
    /// The rest.
    pub detail: String,
    /// How it looks.
    pub tone: Tone,
    /// The answers on offer.
    pub choices: &'static [Choice],
}

const ANYWAY: Choice =
    Choice { answer: Answer::DisconnectAnyway, label: texts::DISCONNECT_ANYWAY, keys: "yd" };
const CANCEL: Choice = Choice { answer: Answer::Cancel, label: texts::CANCEL, keys: "nc" };
const DETACH: Choice = Choice { answer: Answer::Detach, label: texts::DETACH, keys: "d" };
const WAIT: Choice = Choice { answer: Answer::KeepWaiting, label: texts::KEEP_WAITING, keys: "w" };
const STOP: Choice = Choice { answer: Answer::Cancel, label: texts::CANCEL, keys: "c" };
const CLOSE: Choice = Choice { answer: Answer::Close, label: texts::CLOSE, keys: "" };

impl Question {
    /// Files are open on `drive`: disconnect anyway?
    pub fn open_files(drive: &str, holders: &[Holder]) -> Question {
        Question {
            topic: Topic::OpenFiles,
            title: texts::OPEN_FILES_TITLE.into(),
            text: texts::open_files(drive),
            detail: texts::open_files_detail(holders),
            tone: Tone::Warning,
            choices: &[ANYWAY, CANCEL],
        }
    }

    /// The server of `drive` does not answer: detach, keep waiting, or leave it?
    pub fn not_responding(drive: &str, network_path: &str) -> Question {
        Question {
            topic: Topic::NotResponding,
            title: texts::NOT_RESPONDING_TITLE.into(),
            text: texts::NOT_RESPONDING.into(),
            detail: texts::not_responding_detail(drive, network_path),
            tone: Tone::Warning,
            choices: &[DETACH, WAIT, STOP],
        }
    }

    /// Disconnecting `drive` failed.
    pub fn failed(drive: &str, e: &Error) -> Question {
        Question {
            topic: Topic::Failed,
            title: texts::FAILED_TITLE.into(),
            text: texts::failed(drive),
            detail: texts::failed_detail(e),
            tone: Tone::Error,
            choices: &[CLOSE],
        }
    }

    /// `WNetDisconnectDialog1`'s question, on its own: `detail` says what is at stake.
    pub fn ask(detail: &str) -> Question {
        Question {
            topic: Topic::Ask,
            title: texts::TITLE.into(),
            text: texts::ASK.into(),
            detail: detail.into(),
            tone: Tone::Question,
            choices: &[ANYWAY, CANCEL],
        }
    }

    /// `WNetDisconnectDialog1`'s failure message, on its own.
    pub fn tell(detail: &str) -> Question {
        Question {
            topic: Topic::Tell,
            title: texts::TITLE.into(),
            text: texts::TELL.into(),
            detail: detail.into(),
            tone: Tone::Error,
            choices: &[CLOSE],
        }
    }

    /// The safe answer: leave things as they are (the last choice).
    pub fn safe(&self) -> Answer {
        self.choices.last().map_or(Answer::Close, |c| c.answer)
    }

    /// Whether `answer` is one on offer.
    pub fn offers(&self, answer: Answer) -> bool {
        self.choices.iter().any(|c| c.answer == answer)
    }

    /// The answer a key gives in a terminal: a choice's key, or the safe answer for Escape
    /// and Enter; any key closes a message.
    pub fn answer_for_key(&self, key: char) -> Option<Answer> {
        if self.choices.len() == 1 {
            return Some(self.safe());
        }
        let key = key.to_ascii_lowercase();
        self.choices.iter().find(|c| c.keys.contains(key)).map(|c| c.answer)
    }

    /// The whole text, for a front end that shows it in one piece (the terminal).
    pub fn body(&self) -> String {
        format!("{}\n\n{}", self.text, self.detail)
    }

    /// The terminal's line of keys: `[d] Detach   [w] Keep waiting   [c] Cancel`.
    pub fn key_line(&self) -> String {
        if self.choices.len() == 1 {
            return texts::ANY_KEY.into();
        }
        self.choices
            .iter()
            .map(|c| format!("[{}] {}", c.keys.chars().next().unwrap_or(' '), c.label))
            .collect::<Vec<_>>()
            .join("   ")
    }
}
