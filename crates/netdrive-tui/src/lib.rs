//! netdrive-tui: the "Disconnect Network Drives" dialog in a terminal (ratatui).
//!
//! What it is for: `netdrive dialog` without a display (or with `--tui`). It is the same
//! dialog as the GTK window, over the same model (`netdrive_dialog::model`): the list,
//! marking several drives, the open-files confirmation naming the processes, the
//! not-responding choice (Detach, Keep waiting, Cancel), the empty state, and the same
//! [`Outcome`].
//!
//! What it is not: a toolkit-free library: it owns the terminal while it runs. It puts
//! the terminal back on every way out: normal end, error, panic (a hook), and SIGTERM,
//! SIGHUP or SIGINT (turned into a cancel). Every name it draws is escaped first, so no
//! control character or escape sequence from a mount point reaches the terminal.
//!
//! Keys: arrows or j/k move, Space marks, `a` marks all, Enter disconnects, Esc or q
//! cancels, `?` shows help. A mouse click moves to a row. `NO_COLOR` turns colour off.

#![deny(unsafe_op_in_unsafe_fn)]

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use netdrive_dialog::model::{self, Mode, Row, Step, DETACH_EXPLAINED, EMPTY_TEXT};
use netdrive_dialog::{CancelledBy, Disconnected, Outcome};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
    MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row as TableRow, Table, TableState, Wrap};
use ratatui::Terminal;

/// How the terminal dialog runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// How long a server may take to answer a disconnect.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options { timeout: netdrive::DEFAULT_TIMEOUT }
    }
}

/// The controlling terminal. The dialog draws there, not on standard output, so
/// `netdrive dialog --json | jq` works: the answer goes to stdout, the screen to the tty.
fn tty() -> io::Result<File> {
    std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")
}

/// Restores the terminal when dropped, whatever the way out.
struct TerminalGuard;

impl TerminalGuard {
    fn new() -> io::Result<TerminalGuard> {
        enable_raw_mode()?;
        let guard = TerminalGuard;
        execute!(tty()?, EnterAlternateScreen, EnableMouseCapture)?;
        Ok(guard)
    }
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    if let Ok(mut t) = tty() {
        let _ = execute!(t, DisableMouseCapture, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Run the dialog in this terminal until the person ends it.
pub fn run(opts: Options) -> Outcome {
    let screen = match tty() {
        Ok(t) => t,
        Err(e) => return Outcome::extended(format!("no terminal ({e}): use `netdrive disconnect` instead")),
    };
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP, signal_hook::consts::SIGINT] {
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    let outcome = match TerminalGuard::new() {
        Ok(guard) => {
            let o = match Terminal::new(CrosstermBackend::new(screen)) {
                Ok(mut t) => App::new(opts).run(&mut t, &stop),
                Err(e) => Outcome::extended(format!("cannot use the terminal: {e}")),
            };
            drop(guard);
            o
        }
        Err(e) => Outcome::extended(format!("cannot use the terminal: {e}")),
    };
    let _ = std::panic::take_hook();
    outcome
}

/// What the dialog is showing over the list.
enum Overlay {
    None,
    Help,
    /// Files are open on this row: ask.
    Confirm {
        row: usize,
        text: String,
    },
    /// The server of this row does not answer: Detach, Keep waiting, Cancel.
    NotResponding {
        row: usize,
    },
    /// A message to acknowledge.
    Message(String),
}

/// The rows, read off the drawing thread (or why they could not be).
type Loaded = Result<Vec<Row>, String>;

/// What the worker reports.
struct Done {
    row: usize,
    step: Step,
}

struct App {
    opts: Options,
    rows: Vec<Row>,
    table: TableState,
    marked: Vec<bool>,
    overlay: Overlay,
    status: String,
    /// Rows still to do in the current batch, with the mode and time bound for each try.
    queue: Vec<(usize, Mode, Duration)>,
    working: Option<(usize, Instant)>,
    done: Vec<Disconnected>,
    results: (mpsc::Sender<Done>, mpsc::Receiver<Done>),
    loads: (mpsc::Sender<Loaded>, mpsc::Receiver<Loaded>),
    mountinfo: Option<std::fs::File>,
    color: bool,
    table_area: Rect,
}

impl App {
    fn new(opts: Options) -> App {
        App {
            opts,
            rows: Vec::new(),
            table: TableState::default(),
            marked: Vec::new(),
            overlay: Overlay::None,
            status: "Reading the network drives…".into(),
            queue: Vec::new(),
            working: None,
            done: Vec::new(),
            results: mpsc::channel(),
            loads: mpsc::channel(),
            mountinfo: std::fs::File::open("/proc/self/mountinfo").ok(),
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            table_area: Rect::default(),
        }
    }

    fn run(mut self, t: &mut Terminal<CrosstermBackend<File>>, stop: &AtomicBool) -> Outcome {
        self.reload();
        loop {
            if stop.load(Ordering::Relaxed) {
                return self.finish(CancelledBy::Person);
            }
            self.take_results();
            if self.working.is_none()
                && self.queue.is_empty()
                && !self.done.is_empty()
                && matches!(self.overlay, Overlay::None)
            {
                return Outcome::Disconnected(std::mem::take(&mut self.done));
            }
            if self.mount_table_changed() && self.working.is_none() {
                self.reload();
            }
            if let Err(e) = t.draw(|f| self.draw(f)) {
                return Outcome::extended(format!("cannot draw: {e}"));
            }
            match event::poll(Duration::from_millis(100)) {
                Ok(true) => match event::read() {
                    Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                        if let Some(o) = self.key(k) {
                            return o;
                        }
                    }
                    Ok(Event::Mouse(m)) => {
                        if let MouseEventKind::Down(MouseButton::Left) = m.kind {
                            self.click(m.row);
                        }
                    }
                    Ok(_) => {}
                    Err(e) => return Outcome::extended(format!("cannot read the terminal: {e}")),
                },
                Ok(false) => {}
                Err(e) => return Outcome::extended(format!("cannot read the terminal: {e}")),
            }
        }
    }

    /// Cancel, unless something was disconnected already: then that is the outcome.
    fn finish(&mut self, reason: CancelledBy) -> Outcome {
        if self.done.is_empty() {
            Outcome::Cancelled(reason)
        } else {
            Outcome::Disconnected(std::mem::take(&mut self.done))
        }
    }

    fn reload(&mut self) {
        let tx = self.loads.0.clone();
        std::thread::spawn(move || {
            let r = model::load_rows()
                .map(|(mut rows, _)| {
                    model::mark_in_use(&mut rows, Duration::from_secs(1));
                    rows
                })
                .map_err(|e| e.to_string());
            let _ = tx.send(r);
        });
    }

    fn mount_table_changed(&self) -> bool {
        let Some(f) = &self.mountinfo else { return false };
        let mut p = libc::pollfd { fd: f.as_raw_fd(), events: libc::POLLPRI, revents: 0 };
        // SAFETY: one valid pollfd, zero timeout.
        unsafe { libc::poll(&mut p, 1, 0) > 0 && p.revents & libc::POLLPRI != 0 }
    }

    fn take_results(&mut self) {
        while let Ok(loaded) = self.loads.1.try_recv() {
            match loaded {
                Ok(rows) => self.set_rows(rows),
                Err(e) => self.status = e,
            }
        }
        while let Ok(Done { row, step }) = self.results.1.try_recv() {
            self.working = None;
            match step {
                Step::Done(d) => {
                    self.status = format!(
                        "Disconnected {}.",
                        self.rows.get(row).map(|r| r.drive.as_str()).unwrap_or("")
                    );
                    if let Some(r) = self.rows.get_mut(row) {
                        r.status = "disconnected".into();
                        r.working = false;
                    }
                    self.done.push(d);
                }
                Step::OpenFiles(holders) => {
                    let text = model::describe_holders(&holders);
                    self.set_status(row, "in use", false);
                    self.overlay = Overlay::Confirm { row, text };
                }
                Step::NotResponding => {
                    self.set_status(row, "not responding", true);
                    self.overlay = Overlay::NotResponding { row };
                }
                Step::Failed(e) => {
                    self.set_status(row, "failed", false);
                    self.overlay = Overlay::Message(format!("{e} ({})", e.code()));
                }
            }
            self.next();
        }
    }

    fn set_status(&mut self, row: usize, status: &str, working: bool) {
        if let Some(r) = self.rows.get_mut(row) {
            r.status = status.into();
            r.working = working;
        }
    }

    fn set_rows(&mut self, rows: Vec<Row>) {
        let keep: Vec<Option<u64>> = self
            .rows
            .iter()
            .zip(&self.marked)
            .filter(|(_, m)| **m)
            .map(|(r, _)| r.connection.mount_id)
            .collect();
        let at =
            self.table.selected().and_then(|i| self.rows.get(i)).map(|r| r.connection.local_name.clone());
        self.marked = rows
            .iter()
            .map(|r| r.connection.mount_id.is_some() && keep.contains(&r.connection.mount_id))
            .collect();
        let cursor = at.and_then(|l| rows.iter().position(|r| r.connection.local_name == l)).unwrap_or(0);
        self.rows = rows;
        self.table.select(if self.rows.is_empty() { None } else { Some(cursor.min(self.rows.len() - 1)) });
        if self.working.is_none() {
            self.status.clear();
        }
    }

    /// Start the next queued disconnect, if nothing is running and nothing is asked.
    fn next(&mut self) {
        if self.working.is_some() || !matches!(self.overlay, Overlay::None) {
            return;
        }
        let Some((row, mode, timeout)) = (!self.queue.is_empty()).then(|| self.queue.remove(0)) else {
            return;
        };
        let Some(r) = self.rows.get(row) else { return };
        let conn = r.connection.clone();
        self.status = format!("Disconnecting {}…", r.drive);
        self.set_status(row, "disconnecting…", true);
        self.working = Some((row, Instant::now()));
        let tx = self.results.0.clone();
        std::thread::spawn(move || {
            let step = model::disconnect_step(&conn, mode, timeout, false);
            let _ = tx.send(Done { row, step });
        });
    }

    fn key(&mut self, k: KeyEvent) -> Option<Outcome> {
        let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::Help | Overlay::Message(_) => {
                self.next();
                return None;
            }
            Overlay::Confirm { row, text } => {
                match k.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Char('d') => {
                        self.queue.insert(0, (row, Mode::Force, self.opts.timeout));
                    }
                    KeyCode::Char('n')
                    | KeyCode::Char('N')
                    | KeyCode::Esc
                    | KeyCode::Char('c')
                    | KeyCode::Enter => {
                        self.set_status(row, "in use", false);
                    }
                    _ => self.overlay = Overlay::Confirm { row, text },
                }
                self.next();
                return None;
            }
            Overlay::NotResponding { row } => {
                match k.code {
                    KeyCode::Char('d') | KeyCode::Char('D') => {
                        self.queue.insert(0, (row, Mode::Detach, self.opts.timeout))
                    }
                    KeyCode::Char('w') | KeyCode::Char('W') => {
                        self.queue.insert(0, (row, Mode::Normal, self.opts.timeout.saturating_mul(4)))
                    }
                    KeyCode::Char('c') | KeyCode::Char('C') | KeyCode::Esc | KeyCode::Enter => {
                        self.set_status(row, "not responding", false);
                    }
                    _ => self.overlay = Overlay::NotResponding { row },
                }
                self.next();
                return None;
            }
            Overlay::None => {}
        }
        if ctrl_c || matches!(k.code, KeyCode::Esc | KeyCode::Char('q')) {
            return Some(self.finish(CancelledBy::Person));
        }
        if self.working.is_some() {
            return None;
        }
        let n = self.rows.len();
        let at = self.table.selected().unwrap_or(0);
        match k.code {
            KeyCode::Up | KeyCode::Char('k') if n > 0 => self.table.select(Some(at.saturating_sub(1))),
            KeyCode::Down | KeyCode::Char('j') if n > 0 => self.table.select(Some((at + 1).min(n - 1))),
            KeyCode::Home | KeyCode::Char('g') if n > 0 => self.table.select(Some(0)),
            KeyCode::End | KeyCode::Char('G') if n > 0 => self.table.select(Some(n - 1)),
            KeyCode::Char(' ') if n > 0 => {
                self.marked[at] = !self.marked[at];
                self.table.select(Some((at + 1).min(n - 1)));
            }
            KeyCode::Char('a') if n > 0 => {
                let all = self.marked.iter().all(|m| *m);
                self.marked.iter_mut().for_each(|m| *m = !all);
            }
            KeyCode::Char('?') | KeyCode::F(1) => self.overlay = Overlay::Help,
            KeyCode::Enter if n > 0 => {
                let chosen: Vec<usize> = if self.marked.iter().any(|m| *m) {
                    (0..n).filter(|&i| self.marked[i]).collect()
                } else {
                    vec![at]
                };
                self.queue = chosen
                    .into_iter()
                    .filter(|&i| {
                        self.rows[i].connection.connected || self.rows[i].connection.remembered.is_some()
                    })
                    .map(|i| (i, Mode::Normal, self.opts.timeout))
                    .collect();
                self.next();
            }
            _ => {}
        }
        None
    }

    fn click(&mut self, y: u16) {
        // Rows start two lines below the table's top (border and header).
        let first = self.table_area.y + 2;
        if y >= first && !self.rows.is_empty() {
            let i = (y - first) as usize + self.table.offset();
            if i < self.rows.len() {
                self.table.select(Some(i));
            }
        }
    }

    fn style(&self, s: Style) -> Style {
        if self.color {
            s
        } else {
            Style::default().add_modifier(s.add_modifier)
        }
    }

    fn draw(&mut self, f: &mut ratatui::Frame) {
        let [main, status, keys] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(1), Constraint::Length(1)])
                .areas(f.area());
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Line::from(" Disconnect Network Drives ").centered().add_modifier(Modifier::BOLD));
        self.table_area = main;
        if self.rows.is_empty() {
            let text = if self.status.is_empty() { EMPTY_TEXT } else { self.status.as_str() };
            f.render_widget(Paragraph::new(text).block(block).centered(), main);
        } else {
            let spin = ['|', '/', '-', '\\'];
            let tick = self.working.map(|(_, t)| (t.elapsed().as_millis() / 120) as usize % 4).unwrap_or(0);
            let inner = Rect { width: main.width.saturating_sub(2), ..main };
            let w: Vec<usize> = Layout::horizontal(COLUMNS)
                .spacing(1)
                .split(inner)
                .iter()
                .map(|r| r.width as usize)
                .collect();
            let rows: Vec<TableRow> = self
                .rows
                .iter()
                .zip(&self.marked)
                .map(|(r, m)| {
                    let mark = if *m { "[x]" } else { "[ ]" };
                    let status =
                        if r.working { format!("{} {}", spin[tick], r.status) } else { r.status.clone() };
                    TableRow::new(vec![
                        Cell::from(format!("{mark} {}", keep_end(&r.drive, w[0].saturating_sub(4)))),
                        Cell::from(keep_end(&r.network_path, w[1])),
                        Cell::from(r.provider.clone()),
                        Cell::from(status),
                    ])
                })
                .collect();
            let header = TableRow::new(vec!["    Drive", "Network path", "Provider", "Status"]).style(
                self.style(Style::default().add_modifier(Modifier::BOLD).fg(ratatui::style::Color::Cyan)),
            );
            let table = Table::new(rows, COLUMNS)
                .column_spacing(1)
                .header(header)
                .block(block)
                .row_highlight_style(self.style(Style::default().add_modifier(Modifier::REVERSED)));
            f.render_stateful_widget(table, main, &mut self.table);
        }
        f.render_widget(Paragraph::new(self.status.clone()), status);
        let key =
            |k: &'static str| Span::styled(k, self.style(Style::default().add_modifier(Modifier::BOLD)));
        let help = Line::from(vec![
            key("↑↓"),
            " move  ".into(),
            key("Space"),
            " mark  ".into(),
            key("a"),
            " all  ".into(),
            key("Enter"),
            " disconnect  ".into(),
            key("Esc"),
            " cancel  ".into(),
            key("?"),
            " help".into(),
        ]);
        f.render_widget(Paragraph::new(help), keys);

        // The keys to answer with sit on the bottom border: however small the terminal,
        // they stay on screen.
        let popup = |f: &mut ratatui::Frame, title: &str, text: String, keys: &str| {
            let area = centered(f.area(), 80, 14);
            f.render_widget(Clear, area);
            let block = Block::default()
                .borders(Borders::ALL)
                .title(Line::from(format!(" {title} ")).bold())
                .title_bottom(Line::from(format!(" {keys} ")).bold());
            f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), area);
        };
        let drive = |row: &usize| self.rows.get(*row).map(|r| r.drive.clone()).unwrap_or_default();
        match &self.overlay {
            Overlay::None => {}
            Overlay::Help => popup(
                f,
                "Help",
                "↑↓ k j   move       Home End  first, last\n\
                 Space    mark a drive (several go together)\n\
                 a        mark all, or none\n\
                 Enter    disconnect the marked (or this) drive\n\
                 Esc q    cancel\n\n\
                 Drives with open files ask first; a server that does not answer can be detached."
                    .into(),
                "any key closes this help",
            ),
            Overlay::Confirm { row, text } => popup(
                f,
                "Files are open",
                format!(
                    "Files are open on {}:\n{text}\n\nDisconnect anyway? These programs lose access and may lose unsaved work.",
                    drive(row)
                ),
                "[y] Disconnect anyway   [n] Cancel",
            ),
            Overlay::NotResponding { row } => popup(
                f,
                "The server is not responding",
                format!("{} did not answer.\n\n{DETACH_EXPLAINED}", drive(row)),
                "[d] Detach   [w] Keep waiting   [c] Cancel",
            ),
            Overlay::Message(m) => popup(f, "Could not disconnect", m.clone(), "any key to go on"),
        }
    }
}

/// Drive, Network path, Provider, Status.
const COLUMNS: [Constraint; 4] =
    [Constraint::Percentage(31), Constraint::Percentage(28), Constraint::Length(12), Constraint::Min(19)];

/// Fit `text` in `width` columns by dropping its start: the end of a path (the folder's
/// own name) is what tells drives apart.
fn keep_end(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width || width == 0 {
        return text.to_owned();
    }
    let mut kept = Vec::new();
    let mut used = 1; // the ellipsis
    for c in text.chars().rev() {
        let cw = c.width().unwrap_or(0);
        if used + cw > width {
            break;
        }
        used += cw;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

fn centered(area: Rect, width_pct: u16, height: u16) -> Rect {
    let w = (area.width * width_pct / 100).max(40).min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

#[cfg(test)]
mod tests {
    use super::keep_end;

    #[test]
    fn long_names_keep_their_end() {
        assert_eq!(keep_end("/tmp/netdrive-loopback.abc/alpha", 12), "…k.abc/alpha");
        assert_eq!(keep_end("short", 12), "short");
        assert_eq!(keep_end(r"\\127.0.0.1\share", 7), r"…\share");
    }
}
