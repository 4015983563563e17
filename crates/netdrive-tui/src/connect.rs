//! The Map Network Drive dialog in a terminal: the connect conversation's fields as lines
//! the keyboard moves through, drawn from `netdrive_dialog::ConnectConversation`; the flow
//! is the conversation's.
//!
//! Keys: Tab / Shift+Tab or ↑↓ move between fields, typing edits a text field, Space ticks
//! a box, ←→ on "Recent servers" go through the recent folders, F2 (or Enter on
//! "Browse…") shows the network as a tree, Enter connects, Esc cancels (also while
//! connecting: at once). In the tree: ↑↓ move, → expands, ← collapses (or goes up),
//! Enter chooses a share for Folder, Esc closes the tree.

use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use netdrive_dialog::connect::browse::{Listing, Listings, RowKind};
use netdrive_dialog::connect::{ConnectSetup, Field as Focus};
use netdrive_dialog::texts::connect as texts;
use netdrive_dialog::{
    drive_connect, ConnectConversation, ConnectEvent, ConnectFrontEnd, ConnectWork, Outcome,
};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::{Frame, Terminal};

const TICK: Duration = Duration::from_millis(100);
const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

/// The fields, in the order Tab visits them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Recent,
    Folder,
    Browse,
    Local,
    Reconnect,
    Other,
    User,
    Password,
    Remember,
}

struct Front {
    results: mpsc::Sender<ConnectEvent>,
    listings: Listings,
    outcome: Option<Outcome>,
}

impl ConnectFrontEnd for Front {
    fn show(&mut self, _: &ConnectConversation) {}

    fn spawn(&mut self, work: ConnectWork) {
        let tx = self.results.clone();
        std::thread::spawn(move || {
            let _ = tx.send(work.run());
        });
    }

    fn list(&mut self, listing: Listing) {
        if let Some(e) = self.listings.start(listing) {
            let _ = self.results.send(e);
        }
    }

    fn stop_listing(&mut self) {
        self.listings.stop();
    }

    fn end(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }
}

/// The terminal's side of the dialog: the conversation, and which field has the keyboard.
pub struct ConnectApp {
    c: ConnectConversation,
    front: Front,
    results: mpsc::Receiver<ConnectEvent>,
    at: Field,
    recent_at: Option<usize>,
    focused: u64,
}

impl ConnectApp {
    /// The dialog for `setup`.
    pub fn new(setup: ConnectSetup) -> ConnectApp {
        let (tx, rx) = mpsc::channel();
        ConnectApp {
            c: ConnectConversation::new(setup),
            front: Front { results: tx, listings: Listings::default(), outcome: None },
            results: rx,
            at: Field::Folder,
            recent_at: None,
            focused: 0,
        }
    }

    fn feed(&mut self, e: ConnectEvent) {
        drive_connect(&mut self.c, &mut self.front, e);
        let (n, f) = self.c.focus();
        if n != self.focused {
            self.focused = n;
            self.at = match f {
                Focus::Folder => Field::Folder,
                Focus::Local => Field::Local,
                Focus::Password => Field::Password,
            };
        }
    }

    fn fields(&self) -> Vec<Field> {
        let mut v = Vec::new();
        if !self.c.recent().is_empty() && self.c.folder_editable() {
            v.push(Field::Recent);
        }
        v.push(Field::Folder);
        if self.c.can_browse() {
            v.push(Field::Browse);
        }
        v.push(Field::Local);
        if self.c.reconnect_shown() {
            v.push(Field::Reconnect);
        }
        v.push(Field::Other);
        if self.c.other_credentials() {
            v.extend([Field::User, Field::Password, Field::Remember]);
        }
        v
    }

    /// Until the conversation ends (or `stop` is raised: a cancel).
    pub fn run(mut self, t: &mut Terminal<CrosstermBackend<File>>, stop: &AtomicBool) -> Outcome {
        self.feed(ConnectEvent::Opened);
        let mut ticked = Instant::now();
        loop {
            if stop.load(Ordering::Relaxed) {
                self.feed(ConnectEvent::Cancel);
            }
            while let Ok(e) = self.results.try_recv() {
                self.feed(e);
            }
            for e in self.front.listings.poll() {
                self.feed(e);
            }
            if ticked.elapsed() >= TICK {
                ticked = Instant::now();
                self.feed(ConnectEvent::Tick);
            }
            if let Some(o) = self.front.outcome.take() {
                return o;
            }
            if let Err(e) = t.draw(|f| self.draw(f)) {
                return Outcome::extended(format!("cannot draw: {e}"));
            }
            match event::poll(TICK).and_then(|ready| ready.then(event::read).transpose()) {
                Ok(Some(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => self.key(k),
                Ok(_) => {}
                Err(e) => return Outcome::extended(format!("cannot read the terminal: {e}")),
            }
        }
    }

    fn key(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if k.code == KeyCode::Esc || ctrl && k.code == KeyCode::Char('c') {
            return self.feed(ConnectEvent::Cancel);
        }
        if self.c.connecting() {
            return;
        }
        if self.c.connected_with_notice() {
            // Connected: Enter (OK) closes, after the notice was read.
            if k.code == KeyCode::Enter {
                self.feed(ConnectEvent::Connect);
            }
            return;
        }
        if self.c.tree().is_open() {
            return self.tree_key(k.code);
        }
        if k.code == KeyCode::F(2) {
            return self.feed(ConnectEvent::Browse);
        }
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.at).unwrap_or(0);
        match k.code {
            KeyCode::Enter if self.at == Field::Browse => self.feed(ConnectEvent::Browse),
            KeyCode::Enter => self.feed(ConnectEvent::Connect),
            KeyCode::Tab | KeyCode::Down => self.at = fields[(i + 1) % fields.len()],
            KeyCode::BackTab | KeyCode::Up => self.at = fields[(i + fields.len() - 1) % fields.len()],
            KeyCode::Left | KeyCode::Right if self.at == Field::Recent => {
                let n = self.c.recent().len();
                let next = match (self.recent_at, k.code) {
                    (None, KeyCode::Left) => n - 1,
                    (None, _) => 0,
                    (Some(j), KeyCode::Left) => (j + n - 1) % n,
                    (Some(j), _) => (j + 1) % n,
                };
                self.recent_at = Some(next);
                let f = self.c.recent()[next].clone();
                self.feed(ConnectEvent::Folder(f));
            }
            KeyCode::Char(' ') if matches!(self.at, Field::Reconnect | Field::Other | Field::Remember) => {
                let e = match self.at {
                    Field::Reconnect => ConnectEvent::Reconnect(!self.c.reconnect()),
                    Field::Other => ConnectEvent::OtherCredentials(!self.c.other_credentials()),
                    _ => ConnectEvent::Remember(!self.c.remember()),
                };
                self.feed(e);
            }
            KeyCode::Char(ch) if !ctrl => self.edit(|s| s.push(ch)),
            KeyCode::Backspace => self.edit(|s| {
                s.pop();
            }),
            _ => {}
        }
    }

    /// A key while the tree has the keyboard.
    fn tree_key(&mut self, code: KeyCode) {
        let tree = self.c.tree();
        let nodes: Vec<_> =
            tree.rows().into_iter().filter(|r| matches!(r.kind, RowKind::Node { .. })).collect();
        let Some(at) = tree.selected().or_else(|| nodes.first().map(|r| r.node)) else {
            if code == KeyCode::Esc {
                self.feed(ConnectEvent::CloseBrowse);
            }
            return;
        };
        let i = nodes.iter().position(|r| r.node == at).unwrap_or(0);
        let expanded = matches!(nodes.get(i).map(|r| &r.kind), Some(RowKind::Node { expanded: true, .. }));
        let e = match code {
            KeyCode::Esc => ConnectEvent::CloseBrowse,
            KeyCode::Down => ConnectEvent::Select(nodes[(i + 1).min(nodes.len() - 1)].node),
            KeyCode::Up => ConnectEvent::Select(nodes[i.saturating_sub(1)].node),
            KeyCode::Right => ConnectEvent::Expand(at),
            KeyCode::Left if expanded => ConnectEvent::Collapse(at),
            KeyCode::Left => match tree.parent_of(at) {
                Some(p) => ConnectEvent::Select(p),
                None => return,
            },
            KeyCode::Enter => ConnectEvent::Pick(at),
            _ => return,
        };
        self.feed(e);
    }

    /// Change the text of the field with the keyboard, if it is a text field.
    fn edit(&mut self, f: impl FnOnce(&mut String)) {
        let (mut text, make): (String, fn(String) -> ConnectEvent) = match self.at {
            Field::Folder if self.c.folder_editable() => (self.c.folder().into(), ConnectEvent::Folder),
            Field::Local => (self.c.local().into(), ConnectEvent::Local),
            Field::User => (self.c.user().into(), ConnectEvent::User),
            Field::Password => (self.c.password().into(), ConnectEvent::Password),
            _ => return,
        };
        f(&mut text);
        self.feed(make(text));
    }

    fn draw(&self, f: &mut Frame) {
        let tree_open = self.c.tree().is_open();
        let [main, tree, status, keys] = Layout::vertical([
            Constraint::Min(8),
            Constraint::Percentage(if tree_open { 50 } else { 0 }),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(f.area());
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Line::from(format!(" {} ", texts::TITLE)).centered().add_modifier(Modifier::BOLD));
        let mut lines = vec![Line::from(texts::HEADING), Line::from("")];
        let mark = |on: bool| if on { "[x]" } else { "[ ]" };
        for field in self.fields() {
            let (label, value) = match field {
                Field::Recent => (
                    texts::RECENT,
                    format!(
                        "‹ {} ›",
                        self.recent_at.map_or("choose with ←→", |j| self.c.recent()[j].as_str())
                    ),
                ),
                Field::Folder => (texts::FOLDER, self.c.folder().to_owned()),
                Field::Browse => ("", format!("[ {} ]  (F2)", texts::BROWSE)),
                Field::Local => (texts::LOCAL, self.c.local().to_owned()),
                Field::Reconnect => ("", format!("{} {}", mark(self.c.reconnect()), texts::RECONNECT)),
                Field::Other => {
                    ("", format!("{} {}", mark(self.c.other_credentials()), texts::OTHER_CREDENTIALS))
                }
                Field::User => (texts::USER, self.c.user().to_owned()),
                Field::Password => (texts::PASSWORD, "•".repeat(self.c.password().chars().count())),
                Field::Remember => ("", format!("{} {}", mark(self.c.remember()), texts::REMEMBER)),
            };
            let here = field == self.at && self.c.editing() && !tree_open;
            let cursor = if here && !label.is_empty() { "▏" } else { "" };
            let style =
                if here { Style::default().add_modifier(Modifier::REVERSED) } else { Style::default() };
            let label = if label.is_empty() { String::new() } else { format!("{label}: ") };
            lines.push(Line::from(vec![
                Span::raw(if here { "> " } else { "  " }),
                Span::raw(format!("{label:<16}")),
                Span::styled(format!("{value}{cursor}"), style),
            ]));
            if field == Field::Folder {
                lines.push(Line::from(Span::raw(format!("  {:16}{}", "", texts::FOLDER_EXAMPLES)).dim()));
            }
        }
        if let Some(m) = self.c.message() {
            lines.push(Line::from(""));
            lines.extend(m.lines().map(|l| Line::from(Span::raw(l.to_owned()).bold())));
        }
        f.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), main);
        let line = if self.c.connecting() {
            format!("{} {}", SPINNER[(self.c.ticks() % 4) as usize], self.c.status_line())
        } else {
            String::new()
        };
        f.render_widget(Paragraph::new(line), status);
        if tree_open {
            self.draw_tree(f, tree);
        }
        let keys_line: Vec<Span> = if self.c.connected_with_notice() {
            &texts::TOLD_KEYS[..]
        } else if tree_open {
            &texts::TREE_KEYS[..]
        } else {
            &texts::KEYS[..]
        }
        .iter()
        .flat_map(|(k, what)| [Span::raw(*k).bold(), Span::raw(format!(" {what}  "))])
        .collect();
        f.render_widget(Paragraph::new(Line::from(keys_line)), keys);
    }

    /// The Browse… tree: expanders, names and comments, a failing server's error under it.
    fn draw_tree(&self, f: &mut Frame, area: ratatui::layout::Rect) {
        let tree = self.c.tree();
        let rows = tree.rows();
        let items: Vec<ListItem> = rows
            .iter()
            .map(|r| {
                let indent = "  ".repeat(r.depth);
                let line = match r.kind {
                    RowKind::Node { expandable, expanded, .. } => {
                        let mark = match (expandable, expanded) {
                            (true, true) => "▾ ",
                            (true, false) => "▸ ",
                            _ => "  ",
                        };
                        let mut spans = vec![Span::raw(format!("{indent}{mark}{}", r.name))];
                        if !r.comment.is_empty() {
                            spans.push(Span::raw(format!("  {}", r.comment)).dim());
                        }
                        Line::from(spans)
                    }
                    RowKind::Error => Line::from(Span::raw(format!("{indent}  ! {}", r.name)).bold()),
                    RowKind::Looking | RowKind::Empty => {
                        Line::from(Span::raw(format!("{indent}  {}", r.name)).dim())
                    }
                };
                ListItem::new(line)
            })
            .collect();
        let selected = tree
            .selected()
            .and_then(|n| rows.iter().position(|r| r.node == n && matches!(r.kind, RowKind::Node { .. })));
        let mut state = ListState::default().with_selected(selected);
        let list = List::new(items)
            .block(Block::default().borders(Borders::ALL).title(format!(" {} ", texts::NETWORK)))
            .highlight_style(Style::default().add_modifier(Modifier::REVERSED))
            .highlight_symbol("> ");
        f.render_stateful_widget(list, area, &mut state);
    }
}
