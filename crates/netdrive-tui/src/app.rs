//! The terminal dialog's loop: keys and clicks become [`Event`]s for the conversation,
//! work runs on threads, and every turn draws what the conversation says.

use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use netdrive_dialog::{
    drive, outcome_of_answer, Conversation, Event, FrontEnd, Outcome, Question, Request, Show, TableWatch,
    Work,
};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::event::{MouseButton, MouseEventKind};
use ratatui::Terminal;

use crate::draw;

/// How often the spinner turns.
const TICK: Duration = Duration::from_millis(120);

/// What the conversation asks of this front end: work on threads, the end kept for the loop.
struct Front {
    results: mpsc::Sender<Event>,
    outcome: Option<Outcome>,
}

impl FrontEnd for Front {
    /// Drawn every turn of the loop instead (ratatui draws whole frames).
    fn show(&mut self, _: &Conversation) {}

    fn spawn(&mut self, work: Work) {
        let tx = self.results.clone();
        std::thread::spawn(move || {
            let _ = tx.send(work.run());
        });
    }

    fn end(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }
}

/// What is shown: the dialog, or (for `WNetDisconnectDialog1`) one question alone.
enum Mode {
    Dialog,
    Alone(Question),
}

/// The terminal dialog's state beyond the conversation: only how it is drawn.
pub struct App {
    conversation: Conversation,
    front: Front,
    results: mpsc::Receiver<Event>,
    mode: Mode,
    look: draw::Look,
}

impl App {
    /// The dialog, or the lone question, that `request` asks for.
    pub fn new(request: &Request) -> App {
        let (tx, rx) = mpsc::channel();
        App {
            conversation: Conversation::new(request.timeout),
            front: Front { results: tx, outcome: None },
            results: rx,
            mode: match request.show() {
                // The Map Network Drive dialog has its own loop (`connect`).
                Show::Dialog | Show::Connect(_) => Mode::Dialog,
                Show::Ask(q) | Show::Tell(q) => Mode::Alone(q),
            },
            look: draw::Look::default(),
        }
    }

    fn feed(&mut self, e: Event) {
        drive(&mut self.conversation, &mut self.front, e);
    }

    /// Until the conversation ends (or `stop` is raised: a cancel).
    pub fn run(mut self, t: &mut Terminal<CrosstermBackend<File>>, stop: &AtomicBool) -> Outcome {
        let watch = TableWatch::open();
        if matches!(self.mode, Mode::Dialog) {
            self.feed(Event::Opened);
        }
        let mut ticked = Instant::now();
        loop {
            if stop.load(Ordering::Relaxed) {
                self.feed(Event::Cancel);
            }
            while let Ok(e) = self.results.try_recv() {
                self.feed(e);
            }
            if watch.as_ref().is_some_and(TableWatch::changed) {
                self.feed(Event::TableChanged);
            }
            if ticked.elapsed() >= TICK {
                ticked = Instant::now();
                self.feed(Event::Tick);
            }
            if let Some(o) = self.front.outcome.take() {
                return o;
            }
            if let Err(e) = t.draw(|f| self.draw(f)) {
                return Outcome::extended(format!("cannot draw: {e}"));
            }
            match event::poll(Duration::from_millis(100))
                .and_then(|ready| ready.then(event::read).transpose())
            {
                Ok(Some(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => self.key(k),
                Ok(Some(TermEvent::Mouse(m))) if m.kind == MouseEventKind::Down(MouseButton::Left) => {
                    self.click(m.row)
                }
                Ok(_) => {}
                Err(e) => return Outcome::extended(format!("cannot read the terminal: {e}")),
            }
        }
    }

    fn draw(&mut self, f: &mut ratatui::Frame) {
        match &self.mode {
            Mode::Dialog => self.look.dialog(f, &self.conversation),
            Mode::Alone(q) => self.look.question(f, q),
        }
    }

    fn key(&mut self, k: KeyEvent) {
        let question = match &self.mode {
            Mode::Alone(q) => Some(q),
            Mode::Dialog => self.conversation.question(),
        };
        if let Some(q) = question {
            let answer = match k.code {
                KeyCode::Esc | KeyCode::Enter => Some(q.safe()),
                KeyCode::Char(c) => q.answer_for_key(c),
                _ if q.choices.len() == 1 => Some(q.safe()),
                _ => None,
            };
            match (answer, &self.mode) {
                (Some(a), Mode::Alone(_)) => self.front.outcome = Some(outcome_of_answer(a)),
                (Some(a), Mode::Dialog) => self.feed(Event::Answer(a)),
                (None, _) => {}
            }
            return;
        }
        if std::mem::take(&mut self.look.help) {
            return;
        }
        let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.conversation.rows().len();
        let at = self.conversation.cursor().unwrap_or(0);
        let event = match k.code {
            _ if ctrl_c => Event::Cancel,
            KeyCode::Esc | KeyCode::Char('q') => Event::Cancel,
            KeyCode::Up | KeyCode::Char('k') => Event::Cursor(at.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => Event::Cursor(at + 1),
            KeyCode::Home | KeyCode::Char('g') => Event::Cursor(0),
            KeyCode::End | KeyCode::Char('G') => Event::Cursor(n.saturating_sub(1)),
            KeyCode::Char(' ') if n > 0 => {
                self.feed(Event::Toggle(at));
                Event::Cursor(at + 1)
            }
            KeyCode::Char('a') => Event::ToggleAll,
            KeyCode::Char('?') | KeyCode::F(1) => {
                self.look.help = true;
                return;
            }
            KeyCode::Enter => Event::Disconnect,
            _ => return,
        };
        self.feed(event);
    }

    fn click(&mut self, y: u16) {
        // Rows start two lines below the table's top (border and header).
        let first = self.look.table_area.y + 2;
        if y >= first && !self.conversation.rows().is_empty() && matches!(self.mode, Mode::Dialog) {
            let i = (y - first) as usize + self.look.table.offset();
            if i < self.conversation.rows().len() {
                self.feed(Event::Cursor(i));
            }
        }
    }
}
