//! Drawing the conversation in a terminal: the list, the status and key lines, and
//! questions as pop-ups with their answer keys on the border (so they stay on screen in
//! any size).

use netdrive_dialog::{texts, Conversation, Question};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row as TableRow, Table, TableState, Wrap};
use ratatui::Frame;

/// Drive, Network path, Provider, Status.
const COLUMNS: [Constraint; 4] =
    [Constraint::Percentage(31), Constraint::Percentage(28), Constraint::Length(12), Constraint::Min(19)];

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

/// How the dialog is drawn: what only the terminal keeps.
pub struct Look {
    /// The help is showing.
    pub help: bool,
    /// The list's scrolling.
    pub table: TableState,
    /// Where the list was drawn (for mouse clicks).
    pub table_area: Rect,
    /// Colours are on (`NO_COLOR` turns them off).
    color: bool,
}

impl Default for Look {
    fn default() -> Look {
        Look {
            help: false,
            table: TableState::default(),
            table_area: Rect::default(),
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

impl Look {
    fn style(&self, s: Style) -> Style {
        if self.color {
            s
        } else {
            Style::default().add_modifier(s.add_modifier)
        }
    }

    /// The whole dialog.
    pub fn dialog(&mut self, f: &mut Frame, c: &Conversation) {
        let [main, status, keys] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(1), Constraint::Length(1)])
                .areas(f.area());
        let block = Block::default()
            .borders(Borders::ALL)
            .title(Line::from(format!(" {} ", texts::TITLE)).centered().add_modifier(Modifier::BOLD));
        self.table_area = main;
        if c.rows().is_empty() {
            let text = c.empty_text().unwrap_or(if c.listed() { "" } else { texts::LOADING });
            f.render_widget(Paragraph::new(text).block(block).centered(), main);
        } else {
            self.list(f, c, main, block);
        }
        f.render_widget(Paragraph::new(c.status_line().to_owned()), status);
        let mut help: Vec<Span> = Vec::new();
        for (i, (key, what)) in texts::KEYS.iter().enumerate() {
            help.push(Span::styled(*key, self.style(Style::default().add_modifier(Modifier::BOLD))));
            help.push(format!(" {what}{}", if i + 1 < texts::KEYS.len() { "  " } else { "" }).into());
        }
        f.render_widget(Paragraph::new(Line::from(help)), keys);
        if self.help {
            popup(f, texts::HELP_TITLE, texts::HELP.into(), texts::HELP_CLOSES);
        } else if let Some(q) = c.question() {
            self.question(f, q);
        }
    }

    fn list(&mut self, f: &mut Frame, c: &Conversation, area: Rect, block: Block) {
        let spin = SPINNER[(c.ticks() % 4) as usize];
        let inner = Rect { width: area.width.saturating_sub(2), ..area };
        let w: Vec<usize> =
            Layout::horizontal(COLUMNS).spacing(1).split(inner).iter().map(|r| r.width as usize).collect();
        let rows: Vec<TableRow> = c
            .rows()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mark = if c.is_chosen(i) { "[x]" } else { "[ ]" };
                let status = if r.working { format!("{spin} {}", r.status) } else { r.status.clone() };
                TableRow::new(vec![
                    Cell::from(format!("{mark} {}", keep_end(&r.drive, w[0].saturating_sub(4)))),
                    Cell::from(keep_end(&r.network_path, w[1])),
                    Cell::from(r.provider.clone()),
                    Cell::from(status),
                ])
            })
            .collect();
        let [drive, path, provider, status] = texts::COLUMNS;
        let header = TableRow::new(vec![format!("    {drive}"), path.into(), provider.into(), status.into()])
            .style(self.style(Style::default().add_modifier(Modifier::BOLD).fg(ratatui::style::Color::Cyan)));
        let table = Table::new(rows, COLUMNS)
            .column_spacing(1)
            .header(header)
            .block(block)
            .row_highlight_style(self.style(Style::default().add_modifier(Modifier::REVERSED)));
        self.table.select(c.cursor());
        f.render_stateful_widget(table, area, &mut self.table);
    }

    /// A question, over whatever is drawn.
    pub fn question(&self, f: &mut Frame, q: &Question) {
        popup(f, &q.title, q.body(), &q.key_line());
    }
}

/// A pop-up in the middle, its keys on the bottom border.
fn popup(f: &mut Frame, title: &str, text: String, keys: &str) {
    let area = centered(f.area(), 80, 14);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(format!(" {title} ")).bold())
        .title_bottom(Line::from(format!(" {keys} ")).bold());
    f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(block), area);
}

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
