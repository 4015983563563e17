//! The disconnect conversation, whole and toolkit-free: the rows and which are chosen, the
//! batch of drives being disconnected, the questions (open files; a server that does not
//! answer; a failure), and how it ends.
//!
//! It does no I/O and reads no clock. A front end feeds it [`Event`]s (what the person
//! did, what a piece of [`Work`] came to, the mount table changing, a tick) and gets back
//! [`Effect`]s (work to run off the drawing thread; the end), then draws what the
//! accessors say. So every front end behaves alike, and the flow is tested without one.

use std::collections::VecDeque;
use std::time::Duration;

use netdrive::{Connection, Error};

use crate::outcome::{CancelledBy, Disconnected, Outcome};
use crate::question::{Answer, Question, Topic};
use crate::row::{Listing, Row, RowKey};
use crate::texts;
use crate::work::{Mode, Step, Work};

/// Something that happened, for the conversation to act on.
#[derive(Debug)]
pub enum Event {
    /// The dialog is up: list the drives.
    Opened,
    /// A [`Work::List`] is done.
    Listed(Result<Listing, Error>),
    /// A [`Work::Disconnect`] is done.
    Stepped(Step),
    /// The mount table changed (`/proc/self/mountinfo` flagged it).
    TableChanged,
    /// The person chose exactly these rows.
    Select(Vec<usize>),
    /// The person marked or unmarked this row.
    Toggle(usize),
    /// The person marked every row, or none if all were marked.
    ToggleAll,
    /// The cursor is on this row (a front end that keeps a cursor of its own need not say).
    Cursor(usize),
    /// Disconnect the chosen rows; with none chosen, the row under the cursor.
    Disconnect,
    /// The person answered the question.
    Answer(Answer),
    /// Time passed (spinners turn).
    Tick,
    /// The person ended the dialog (Cancel, Escape, closing the window, a signal).
    Cancel,
    /// The owner window is gone.
    OwnerGone,
}

/// What the conversation needs a front end to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Run this off the drawing thread ([`Work::run`]) and feed back the event it gives.
    Run(Work),
    /// The conversation is over: answer the host with this and take the dialog away.
    End(Outcome),
}

/// One drive of the batch being disconnected.
#[derive(Debug)]
struct Task {
    key: RowKey,
    connection: Connection,
    drive: String,
    network_path: String,
    mode: Mode,
    timeout: Duration,
    /// Its row's status while it is worked on or asked about, kept across listings.
    shown: Option<(String, bool)>,
    /// Its [`Work::Disconnect`] is out, and its [`Event::Stepped`] awaited.
    running: bool,
}

/// The conversation's state. See the module documentation.
#[derive(Debug)]
pub struct Conversation {
    timeout: Duration,
    rows: Vec<Row>,
    chosen: Vec<bool>,
    cursor: Option<usize>,
    listed: bool,
    generation: u64,
    listing: bool,
    stale: bool,
    batch: VecDeque<Task>,
    task: Option<Task>,
    question: Option<Question>,
    asked: u64,
    done: Vec<Disconnected>,
    status: Option<String>,
    warning: Option<String>,
    ticks: u64,
    outcome: Option<Outcome>,
}

impl Conversation {
    /// A conversation that gives each server `timeout` to answer a disconnect before asking.
    pub fn new(timeout: Duration) -> Conversation {
        Conversation {
            timeout,
            rows: Vec::new(),
            chosen: Vec::new(),
            cursor: None,
            listed: false,
            generation: 0,
            listing: false,
            stale: false,
            batch: VecDeque::new(),
            task: None,
            question: None,
            asked: 0,
            done: Vec::new(),
            status: None,
            warning: None,
            ticks: 0,
            outcome: None,
        }
    }

    /// Act on `event`; what a front end must do now. Nothing once it has ended.
    pub fn handle(&mut self, event: Event) -> Vec<Effect> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        match event {
            Event::Opened => self.list(),
            Event::Listed(r) => self.take_listing(r),
            Event::Stepped(step) => self.stepped(step),
            Event::TableChanged if self.busy() => {
                self.stale = true;
                Vec::new()
            }
            Event::TableChanged => self.list(),
            Event::Select(rows) => {
                self.chosen = vec![false; self.rows.len()];
                for i in rows.into_iter().filter(|&i| i < self.rows.len()) {
                    self.chosen[i] = true;
                }
                Vec::new()
            }
            Event::Toggle(i) => {
                if let Some(c) = self.chosen.get_mut(i) {
                    *c = !*c;
                }
                Vec::new()
            }
            Event::ToggleAll => {
                let all = self.chosen.iter().all(|c| *c);
                self.chosen.iter_mut().for_each(|c| *c = !all);
                Vec::new()
            }
            Event::Cursor(i) => {
                self.cursor = (!self.rows.is_empty()).then(|| i.min(self.rows.len() - 1));
                Vec::new()
            }
            Event::Disconnect => self.start_batch(),
            Event::Answer(a) => self.answer(a),
            Event::Tick => {
                self.ticks = self.ticks.wrapping_add(1);
                Vec::new()
            }
            Event::Cancel => self.end(CancelledBy::Person),
            Event::OwnerGone => self.end(CancelledBy::OwnerGone),
        }
    }

    fn list(&mut self) -> Vec<Effect> {
        if self.listing {
            // The listing under way may predate the change: list again when it is in.
            self.stale = true;
            return Vec::new();
        }
        self.listing = true;
        self.stale = false;
        vec![Effect::Run(Work::List { first: !self.listed })]
    }

    fn take_listing(&mut self, r: Result<Listing, Error>) -> Vec<Effect> {
        self.listing = false;
        let listing = match r {
            Ok(l) => l,
            // Nothing to show at all: that is the answer.
            Err(e) if !self.listed => return self.finish(Outcome::failed(&e)),
            // The rows shown stay; the person learns why they may be old.
            Err(e) => {
                self.warning = Some(e.to_string());
                return Vec::new();
            }
        };
        let chosen: Vec<RowKey> =
            self.rows.iter().zip(&self.chosen).filter(|(_, c)| **c).map(|(r, _)| r.key()).collect();
        let at = self.cursor.and_then(|i| self.rows.get(i)).map(Row::key);
        self.rows = listing.rows;
        self.chosen = self.rows.iter().map(|r| chosen.contains(&r.key())).collect();
        self.cursor = match (at.and_then(|k| self.rows.iter().position(|r| r.key() == k)), self.cursor) {
            _ if self.rows.is_empty() => None,
            (Some(i), _) => Some(i),
            (None, old) => Some(old.unwrap_or(0).min(self.rows.len() - 1)),
        };
        self.warning = listing.warning;
        self.listed = true;
        self.generation += 1;
        if let Some(t) = &self.task {
            if let (Some((status, working)), Some(row)) =
                (&t.shown, self.rows.iter_mut().find(|r| r.key() == t.key))
            {
                row.status.clone_from(status);
                row.working = *working;
            }
        }
        if self.stale && !self.busy() {
            return self.list();
        }
        Vec::new()
    }

    fn start_batch(&mut self) -> Vec<Effect> {
        if self.busy() {
            return Vec::new();
        }
        let mut rows: Vec<usize> = (0..self.rows.len()).filter(|&i| self.chosen[i]).collect();
        if rows.is_empty() {
            rows.extend(self.cursor);
        }
        if rows.is_empty() {
            self.status = Some(texts::CHOOSE_FIRST.into());
            return Vec::new();
        }
        self.batch = rows
            .into_iter()
            .map(|i| {
                let r = &self.rows[i];
                Task {
                    key: r.key(),
                    connection: r.connection.clone(),
                    drive: r.drive.clone(),
                    network_path: r.network_path.clone(),
                    mode: Mode::Normal,
                    timeout: self.timeout,
                    shown: None,
                    running: false,
                }
            })
            .collect();
        self.next()
    }

    /// Start the batch's next drive; at its end, finish or list again.
    fn next(&mut self) -> Vec<Effect> {
        match self.batch.pop_front() {
            Some(task) => {
                self.task = Some(task);
                self.run_task()
            }
            None if !self.done.is_empty() => self.end(CancelledBy::Person),
            None => {
                self.status = None;
                // The rows' statuses ("in use by 2 processes") may have changed.
                self.list()
            }
        }
    }

    fn run_task(&mut self) -> Vec<Effect> {
        let Some(t) = &mut self.task else { return Vec::new() };
        t.running = true;
        let work = Work::Disconnect { connection: t.connection.clone(), mode: t.mode, timeout: t.timeout };
        self.status = Some(texts::disconnecting(&t.drive));
        let shown = if t.mode == Mode::Normal { texts::ROW_DISCONNECTING } else { texts::ROW_CLOSING };
        self.show_on_row(shown.into(), true);
        vec![Effect::Run(work)]
    }

    /// Show `status` on the row of the drive being worked on.
    fn show_on_row(&mut self, status: String, working: bool) {
        let Some(t) = &mut self.task else { return };
        if let Some(row) = self.rows.iter_mut().find(|r| r.key() == t.key) {
            row.status.clone_from(&status);
            row.working = working;
        }
        t.shown = Some((status, working));
    }

    fn stepped(&mut self, step: Step) -> Vec<Effect> {
        let Some(t) = self.task.as_mut().filter(|t| t.running) else { return Vec::new() };
        t.running = false;
        let (drive, network_path) = (t.drive.clone(), t.network_path.clone());
        let question = match step {
            Step::Done(d) => {
                self.done.push(d);
                self.show_on_row(texts::ROW_DISCONNECTED.into(), false);
                self.task = None;
                return self.next();
            }
            Step::OpenFiles(holders) => {
                self.show_on_row(texts::in_use_by(processes(&holders)), false);
                self.status = Some(texts::waiting_open_files(&drive));
                Question::open_files(&drive, &holders)
            }
            Step::NotResponding => {
                self.show_on_row(texts::ROW_NOT_RESPONDING.into(), true);
                self.status = Some(texts::waiting_not_responding(&drive));
                Question::not_responding(&drive, &network_path)
            }
            Step::Failed(e) => {
                self.show_on_row(texts::ROW_FAILED.into(), false);
                Question::failed(&drive, &e)
            }
        };
        self.question = Some(question);
        self.asked += 1;
        Vec::new()
    }

    fn answer(&mut self, a: Answer) -> Vec<Effect> {
        let Some(q) = self.question.take_if(|q| q.offers(a)) else { return Vec::new() };
        match (q.topic, a, &mut self.task) {
            (Topic::OpenFiles, Answer::DisconnectAnyway, Some(t)) => {
                t.mode = Mode::Force;
                self.run_task()
            }
            (Topic::NotResponding, Answer::Detach, Some(t)) => {
                t.mode = Mode::Detach;
                self.run_task()
            }
            (Topic::NotResponding, Answer::KeepWaiting, Some(t)) => {
                t.timeout = t.timeout.saturating_mul(4);
                self.run_task()
            }
            (Topic::NotResponding, _, _) => {
                self.show_on_row(texts::ROW_NOT_RESPONDING.into(), false);
                self.task = None;
                self.next()
            }
            _ => {
                self.task = None;
                self.next()
            }
        }
    }

    /// End: disconnected if anything was, else cancelled for `reason`.
    fn end(&mut self, reason: CancelledBy) -> Vec<Effect> {
        let o = if self.done.is_empty() {
            Outcome::Cancelled(reason)
        } else {
            Outcome::Disconnected(std::mem::take(&mut self.done))
        };
        self.finish(o)
    }

    fn finish(&mut self, o: Outcome) -> Vec<Effect> {
        self.outcome = Some(o.clone());
        self.question = None;
        vec![Effect::End(o)]
    }

    /// The rows, in order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Whether row `i` is chosen.
    pub fn is_chosen(&self, i: usize) -> bool {
        self.chosen.get(i).copied().unwrap_or(false)
    }

    /// The chosen rows' indices.
    pub fn chosen(&self) -> impl Iterator<Item = usize> + '_ {
        self.chosen.iter().enumerate().filter(|(_, c)| **c).map(|(i, _)| i)
    }

    /// The cursor's row, if there are rows.
    pub fn cursor(&self) -> Option<usize> {
        self.cursor
    }

    /// Whether the first listing has arrived (until then, say [`texts::LOADING`]).
    pub fn listed(&self) -> bool {
        self.listed
    }

    /// Counts listings: it changes exactly when [`rows`](Self::rows) were listed anew
    /// (a front end rebuilds its list then, and otherwise updates rows in place).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The text for an empty list: `None` until the first listing, or when there are rows.
    pub fn empty_text(&self) -> Option<&'static str> {
        (self.listed && self.rows.is_empty()).then_some(texts::EMPTY)
    }

    /// The status line: what is under way, or a warning about the listing, or nothing.
    pub fn status_line(&self) -> &str {
        self.status.as_deref().or(self.warning.as_deref()).unwrap_or("")
    }

    /// Whether a batch of disconnects is under way (including a question about one).
    pub fn busy(&self) -> bool {
        self.task.is_some() || !self.batch.is_empty()
    }

    /// Whether Disconnect would start anything now.
    pub fn can_disconnect(&self) -> bool {
        !self.busy() && (self.chosen.iter().any(|c| *c) || self.cursor.is_some())
    }

    /// The question the person is asked now.
    pub fn question(&self) -> Option<&Question> {
        self.question.as_ref()
    }

    /// Counts questions: it changes exactly when a new question is asked (a front end
    /// shows a new message box then, even if it reads like the last).
    pub fn asked(&self) -> u64 {
        self.asked
    }

    /// How many ticks have passed (a spinner's frame).
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// How it ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }
}

/// How many processes hold files, counting each once.
fn processes(holders: &[netdrive::Holder]) -> usize {
    let mut pids: Vec<u32> = holders.iter().map(|h| h.pid).collect();
    pids.sort_unstable();
    pids.dedup();
    pids.len()
}

#[cfg(test)]
mod tests;
