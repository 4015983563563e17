//! `netdrive-dialog-gtk`: the "Disconnect Network Drives" window (GTK4).
//!
//! What it is for: the helper process that `netdrive_dialog::disconnect_dialog` starts.
//! It shows the dialog (or, with `--ask`/`--message`, one question or message for
//! `WNetDisconnectDialog1`), transient for `--owner`, and prints one JSON line with the
//! outcome. Exit status: 0 disconnected ("yes"), 1 cancelled ("no"), 3 error.
//!
//! What it is not: a library. All logic lives in `netdrive` and `netdrive-dialog`; every
//! blocking step runs off the GUI thread (`gio::spawn_blocking`).

#![deny(unsafe_op_in_unsafe_fn)]

mod wayland;
mod x11;

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::time::Duration;

use clap::Parser;
use gtk::prelude::*;
use gtk::{gio, glib};
use netdrive::{Error, Holder, Win32Error};
use netdrive_dialog::model::{self, Mode, Row, Step, DETACH_EXPLAINED, EMPTY_TEXT};
use netdrive_dialog::{CancelledBy, Disconnected, Outcome, Owner};

use wayland::OwnerWatch;
use x11::OwnerLink;

const TITLE: &str = "Disconnect Network Drives";
/// Shown, with a spinner, until the first listing arrives.
const LOADING_TEXT: &str = "Looking for network drives…";
const WIDTH: i32 = 720;
const HEIGHT: i32 = 360;

#[derive(Parser)]
#[command(name = "netdrive-dialog-gtk", about = "The Disconnect Network Drives window (started by netdrive)")]
struct Args {
    /// Owner window: x11:0xHEX, wayland:HANDLE, or empty
    #[arg(long, default_value = "")]
    owner: String,
    /// Ask this yes/no question instead (exit 0 yes, 1 no)
    #[arg(long, conflicts_with = "message")]
    ask: Option<String>,
    /// Show this message instead
    #[arg(long)]
    message: Option<String>,
    /// Seconds a server may take to answer a disconnect
    #[arg(long, default_value = "3", value_parser = seconds)]
    timeout: Duration,
}

/// A number of seconds, as `netdrive --timeout` takes it (never NaN or infinite).
fn seconds(s: &str) -> Result<Duration, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.05..=3600.0).contains(&v) {
        return Err("give between 0.05 and 3600 seconds".into());
    }
    Ok(Duration::from_secs_f64(v))
}

/// Print the outcome line and exit.
fn finish(o: Outcome) -> ! {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", o.to_json());
    let _ = out.flush();
    std::process::exit(match o {
        Outcome::Disconnected(_) => 0,
        Outcome::Cancelled(_) => 1,
        Outcome::Failed { .. } => 3,
    })
}

/// When started by a host, our standard input is its pipe: its end means the host is
/// gone, and so must the dialog be. (A person starting us from a terminal has a tty.)
fn die_with_host() {
    // SAFETY: fstat on fd 0 with a valid out-pointer.
    let is_pipe = unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        libc::fstat(0, &mut st) == 0 && (st.st_mode & libc::S_IFMT) == libc::S_IFIFO
    };
    if is_pipe {
        std::thread::spawn(|| {
            let mut buf = [0u8; 64];
            // SAFETY: reading into a local buffer of the given size.
            while unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
            // SAFETY: _exit ends the process at once, without running GTK's handlers.
            unsafe { libc::_exit(1) };
        });
    }
}

fn main() {
    // A list dialog needs no GPU: GTK's software renderer starts as fast and uses a fifth
    // of the memory (31 MB, not 162 MB, measured by bench/run). Only when the person has
    // not chosen otherwise; set before any thread starts.
    for (var, value) in [("GSK_RENDERER", "cairo"), ("GDK_DEBUG", "gl-disable")] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
    let args = Args::parse();
    die_with_host();
    let owner = match Owner::parse(&args.owner) {
        Ok(o) => o,
        Err(e) => finish(Outcome::Failed { code: e.code(), message: e.to_string() }),
    };
    // GTK 4.8 reads a mnemonic's underscore into buttons' accessible names ("_Cancel
    // Cancel"), so buttons here have plain labels: Enter, Escape and Tab reach them all.
    // GTK names the application (for screen readers, and WM_CLASS) after the program name.
    glib::set_prgname(Some("netdrive"));
    glib::set_application_name(TITLE);
    if let Err(e) = gtk::init() {
        let display =
            std::env::var("DISPLAY").or_else(|_| std::env::var("WAYLAND_DISPLAY")).unwrap_or_default();
        finish(Outcome::extended(if display.is_empty() {
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set (use `netdrive disconnect` in a terminal)"
                .to_owned()
        } else {
            format!("cannot open display {display}: {e}")
        }));
    }
    let is_x11 = gtk::gdk::Display::default().is_some_and(|d| d.is::<gdk4_x11::X11Display>());
    let bad_owner =
        |m: String| finish(Outcome::Failed { code: Win32Error::ERROR_INVALID_PARAMETER, message: m });
    let owner = match owner {
        Owner::X11(id) if is_x11 => match OwnerLink::connect(id) {
            Ok(l) => OwnerWindow::X11(Rc::new(l)),
            Err(m) => bad_owner(m),
        },
        Owner::X11(id) => bad_owner(format!("x11:0x{id:x} is an X11 window, but the display is Wayland")),
        Owner::Wayland(h) if !is_x11 => match OwnerWatch::start(&h) {
            Ok(w) => OwnerWindow::Wayland(h, Rc::new(w)),
            Err(m) => bad_owner(m),
        },
        Owner::Wayland(h) => bad_owner(format!("wayland:{h} is a Wayland window, but the display is X11")),
        Owner::None => OwnerWindow::None,
    };
    let main_loop = glib::MainLoop::new(None, false);
    if let Some(q) = args.ask {
        question(owner, &q, true);
    } else if let Some(m) = args.message {
        question(owner, &m, false);
    } else {
        dialog(owner, args.timeout);
    }
    main_loop.run();
}

/// The owner, resolved for this display.
#[derive(Clone)]
enum OwnerWindow {
    None,
    X11(Rc<OwnerLink>),
    /// An `xdg_foreign` handle the owner's program exported, and our watch on it.
    Wayland(String, Rc<OwnerWatch>),
}

/// Give a freshly built window its owner (before mapping), show it, and place it.
fn present_owned(window: &gtk::Window, owner: &OwnerWindow) {
    WidgetExt::realize(window);
    let surface = window.surface();
    match owner {
        OwnerWindow::X11(link) => {
            let xid = surface.and_then(|s| s.downcast::<gdk4_x11::X11Surface>().ok()).map(|s| s.xid() as u32);
            if let Some(xid) = xid {
                link.make_transient(xid);
                window.present();
                link.place_over_owner(xid, WIDTH, HEIGHT);
                let link = link.clone();
                glib::timeout_add_local(Duration::from_millis(250), move || {
                    if link.owner_gone() {
                        finish(Outcome::Cancelled(CancelledBy::OwnerGone));
                    }
                    glib::ControlFlow::Continue
                });
                return;
            }
        }
        OwnerWindow::Wayland(handle, watch) => {
            // The compositor places and stacks it over the owner.
            let toplevel = surface.and_then(|s| s.downcast::<gdk4_wayland::WaylandToplevel>().ok());
            if !toplevel.is_some_and(|t| t.set_transient_for_exported(handle)) {
                finish(Outcome::Failed {
                    code: Win32Error::ERROR_INVALID_PARAMETER,
                    message: format!("the compositor does not know the window wayland:{handle}"),
                });
            }
            let watch = watch.clone();
            glib::timeout_add_local(Duration::from_millis(250), move || {
                if watch.owner_gone() {
                    finish(Outcome::Cancelled(CancelledBy::OwnerGone));
                }
                glib::ControlFlow::Continue
            });
        }
        OwnerWindow::None => {}
    }
    window.present();
}

/// `--ask` / `--message`: one message box; "yes" is reported as NO_ERROR.
fn question(owner: OwnerWindow, text: &str, ask: bool) {
    let d = gtk::MessageDialog::builder()
        .title(TITLE)
        .modal(true)
        .message_type(if ask { gtk::MessageType::Question } else { gtk::MessageType::Error })
        .text(if ask { "Disconnect network drive?" } else { "Could not disconnect the network drive" })
        .secondary_text(text)
        .build();
    if ask {
        d.add_button("Cancel", gtk::ResponseType::No);
        d.add_button("Disconnect anyway", gtk::ResponseType::Yes);
        d.set_default_response(gtk::ResponseType::No);
    } else {
        d.add_button("Close", gtk::ResponseType::Close);
    }
    d.connect_response(move |_, r| {
        finish(if r == gtk::ResponseType::Yes {
            Outcome::Disconnected(Vec::new())
        } else {
            Outcome::Cancelled(CancelledBy::Person)
        })
    });
    present_owned(d.upcast_ref(), &owner);
}

struct Ui {
    window: gtk::Window,
    view: gtk::ColumnView,
    store: gio::ListStore,
    selection: gtk::MultiSelection,
    stack: gtk::Stack,
    status: gtk::Label,
    spinner: gtk::Spinner,
    disconnect: gtk::Button,
    cancel: gtk::Button,
    busy: Cell<bool>,
    done: RefCell<Vec<Disconnected>>,
    timeout: Duration,
}

fn row_of(obj: &glib::Object) -> Option<Row> {
    obj.downcast_ref::<glib::BoxedAnyObject>().map(|b| b.borrow::<Row>().clone())
}

fn column(view: &gtk::ColumnView, title: &str, text: fn(&Row) -> String, expand: bool) {
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(|_, item| {
        if let Some(item) = item.downcast_ref::<gtk::ListItem>() {
            let label = gtk::Label::builder().xalign(0.0).use_markup(false).build();
            label.set_ellipsize(gtk::pango::EllipsizeMode::Middle);
            item.set_child(Some(&label));
        }
    });
    factory.connect_bind(move |_, item| {
        let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
        let (Some(label), Some(row)) =
            (item.child().and_downcast::<gtk::Label>(), item.item().as_ref().and_then(row_of))
        else {
            return;
        };
        label.set_text(&text(&row));
        label.set_tooltip_text(Some(&text(&row)));
    });
    let col = gtk::ColumnViewColumn::new(Some(title), Some(factory));
    col.set_expand(expand);
    col.set_resizable(true);
    view.append_column(&col);
}

/// Status, with a spinner on a row whose drive is being worked on.
fn status_column(view: &gtk::ColumnView) {
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(|_, item| {
        if let Some(item) = item.downcast_ref::<gtk::ListItem>() {
            let cell = gtk::Box::new(gtk::Orientation::Horizontal, 6);
            cell.append(&gtk::Spinner::new());
            cell.append(&gtk::Label::builder().xalign(0.0).use_markup(false).build());
            item.set_child(Some(&cell));
        }
    });
    factory.connect_bind(|_, item| {
        let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
        let (Some(cell), Some(row)) = (item.child(), item.item().as_ref().and_then(row_of)) else { return };
        let spinner = cell.first_child().and_downcast::<gtk::Spinner>();
        let label = cell.last_child().and_downcast::<gtk::Label>();
        if let (Some(spinner), Some(label)) = (spinner, label) {
            spinner.set_visible(row.working);
            spinner.set_spinning(row.working);
            label.set_text(&row.status);
        }
    });
    let col = gtk::ColumnViewColumn::new(Some("Status"), Some(factory));
    col.set_resizable(true);
    view.append_column(&col);
}

/// Show new status text (and spinner) on the row of this connection.
fn set_row(ui: &Ui, c: &netdrive::Connection, status: &str, working: bool) {
    for i in 0..ui.store.n_items() {
        let Some(mut row) = ui.store.item(i).as_ref().and_then(row_of) else { continue };
        if row.connection.mount_id == c.mount_id && row.connection.local_name == c.local_name {
            let selected = ui.selection.is_selected(i);
            row.status = status.to_owned();
            row.working = working;
            ui.store.splice(i, 1, &[glib::BoxedAnyObject::new(row)]);
            if selected {
                ui.selection.select_item(i, false);
            }
            return;
        }
    }
}

fn dialog(owner: OwnerWindow, timeout: Duration) {
    let store = gio::ListStore::new::<glib::BoxedAnyObject>();
    let selection = gtk::MultiSelection::new(Some(store.clone()));
    let view = gtk::ColumnView::new(Some(selection.clone()));
    view.set_show_row_separators(true);
    column(&view, "Drive", |r| r.drive.clone(), true);
    column(&view, "Network path", |r| r.network_path.clone(), true);
    column(&view, "Provider", |r| r.provider.clone(), false);
    status_column(&view);
    let scroller = gtk::ScrolledWindow::builder().child(&view).vexpand(true).build();

    let empty = gtk::Label::new(None);
    // Until the first listing arrives: "no drives" would be read out, and be wrong.
    let loading = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    loading.set_halign(gtk::Align::Center);
    loading.set_valign(gtk::Align::Center);
    let looking = gtk::Spinner::new();
    looking.start();
    loading.append(&looking);
    // It holds the keyboard meanwhile: Escape works, and a screen reader reads it.
    let looking_text = gtk::Label::new(Some(LOADING_TEXT));
    looking_text.set_focusable(true);
    loading.append(&looking_text);
    let stack = gtk::Stack::new();
    stack.add_named(&loading, Some("loading"));
    stack.add_named(&scroller, Some("list"));
    stack.add_named(&empty, Some("empty"));
    stack.set_visible_child_name("loading");

    // The heading names the list for screen readers (its mnemonic widget).
    let heading = gtk::Label::builder()
        .label("_Network drives: choose the ones to disconnect (Space or Ctrl+click for several), then press Disconnect.")
        .use_underline(true)
        .mnemonic_widget(&view)
        .xalign(0.0)
        .wrap(true)
        .build();
    let status = gtk::Label::builder().xalign(0.0).hexpand(true).wrap(true).build();
    let spinner = gtk::Spinner::new();
    let disconnect = gtk::Button::with_label("Disconnect");
    disconnect.add_css_class("suggested-action");
    disconnect.set_sensitive(false);
    let cancel = gtk::Button::with_label("Cancel");
    let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    buttons.append(&spinner);
    buttons.append(&status);
    buttons.append(&cancel);
    buttons.append(&disconnect);

    let content = gtk::Box::new(gtk::Orientation::Vertical, 10);
    content.set_margin_top(12);
    content.set_margin_bottom(12);
    content.set_margin_start(12);
    content.set_margin_end(12);
    content.append(&heading);
    content.append(&stack);
    content.append(&buttons);

    let window = gtk::Window::builder()
        .title(TITLE)
        .default_width(WIDTH)
        .default_height(HEIGHT)
        .child(&content)
        .default_widget(&disconnect)
        .build();

    let ui = Rc::new(Ui {
        window,
        view: view.clone(),
        store,
        selection,
        stack,
        status,
        spinner,
        disconnect,
        cancel: cancel.clone(),
        busy: Cell::new(false),
        done: RefCell::new(Vec::new()),
        timeout,
    });

    ui.selection.connect_selection_changed({
        let ui = ui.clone();
        move |_, _, _| ui.disconnect.set_sensitive(!ui.busy.get() && !selected(&ui).is_empty())
    });
    ui.disconnect.connect_clicked({
        let ui = ui.clone();
        move |_| start_disconnect(&ui)
    });
    view.connect_activate({
        let ui = ui.clone();
        move |_, _| start_disconnect(&ui)
    });
    cancel.connect_clicked({
        let ui = ui.clone();
        move |_| end(&ui, CancelledBy::Person)
    });
    ui.window.connect_close_request({
        let ui = ui.clone();
        move |_| {
            end(&ui, CancelledBy::Person);
            glib::Propagation::Stop
        }
    });
    let keys = gtk::EventControllerKey::new();
    keys.connect_key_pressed({
        let ui = ui.clone();
        move |_, key, _, _| {
            if key == gtk::gdk::Key::Escape {
                end(&ui, CancelledBy::Person);
                return glib::Propagation::Stop;
            }
            glib::Propagation::Proceed
        }
    });
    ui.window.add_controller(keys);

    watch_mount_table(&ui);
    refresh(&ui);
    present_owned(&ui.window, &owner);
    looking_text.grab_focus();
}

/// Cancel, unless something was disconnected already: then that is the outcome.
fn end(ui: &Ui, reason: CancelledBy) {
    let done = ui.done.borrow().clone();
    if done.is_empty() {
        finish(Outcome::Cancelled(reason));
    }
    finish(Outcome::Disconnected(done));
}

fn selected(ui: &Ui) -> Vec<Row> {
    (0..ui.store.n_items())
        .filter(|&i| ui.selection.is_selected(i))
        .filter_map(|i| ui.store.item(i).as_ref().and_then(row_of))
        .collect()
}

/// Re-read the list off the GUI thread and show it, keeping the selection.
fn refresh(ui: &Rc<Ui>) {
    let ui = ui.clone();
    glib::spawn_future_local(async move {
        let first = ui.stack.visible_child_name().as_deref() == Some("loading");
        let loaded = gio::spawn_blocking(move || {
            if first {
                test_hook_delay_first_listing();
            }
            model::load_rows().map(|(mut rows, warning)| {
                model::mark_in_use(&mut rows, Duration::from_secs(1));
                (rows, warning.map(|w| w.to_string()))
            })
        })
        .await;
        let (rows, warning) = match loaded {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => finish(Outcome::Failed { code: e.code(), message: e.to_string() }),
            Err(_) => finish(Outcome::extended("listing the drives failed")),
        };
        let keep: Vec<Option<u64>> = selected(&ui).iter().map(|r| r.connection.mount_id).collect();
        ui.store.remove_all();
        for (i, r) in rows.into_iter().enumerate() {
            let reselect = r.connection.mount_id.is_some() && keep.contains(&r.connection.mount_id);
            ui.store.append(&glib::BoxedAnyObject::new(r));
            if reselect {
                ui.selection.select_item(i as u32, false);
            }
        }
        let was_hidden = ui.stack.visible_child_name().as_deref() != Some("list");
        ui.stack.set_visible_child_name(if ui.store.n_items() == 0 { "empty" } else { "list" });
        if let Some(loading) = ui.stack.child_by_name("loading") {
            // Listed once: "looking" is over, for good (also for screen readers).
            ui.stack.remove(&loading);
            if ui.store.n_items() == 0 {
                ui.cancel.grab_focus();
            }
        }
        if let Some(empty) = ui.stack.child_by_name("empty").and_downcast::<gtk::Label>() {
            // Said only when true: a hidden page is still read by screen readers.
            empty.set_text(if ui.store.n_items() == 0 { EMPTY_TEXT } else { "" });
        }
        if was_hidden && ui.store.n_items() > 0 && !ui.busy.get() {
            // The list was hidden, so the keyboard was elsewhere: bring it to the drives.
            ui.view.grab_focus();
        }
        if !ui.busy.get() {
            ui.status.set_text(warning.as_deref().unwrap_or(""));
        }
    });
}

/// Tests only: `NETDRIVE_TEST_FIRST_LIST_DELAY_MS` holds the first listing back, so a test
/// can read the window as it is before the list arrives (a slow listing, made certain).
fn test_hook_delay_first_listing() {
    if let Some(ms) = std::env::var("NETDRIVE_TEST_FIRST_LIST_DELAY_MS").ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// Refresh when the mount table changes: the kernel flags `/proc/self/mountinfo` with
/// POLLPRI. Checked with a zero-timeout poll from a timer, so the GUI never blocks.
fn watch_mount_table(ui: &Rc<Ui>) {
    let Ok(file) = std::fs::File::open("/proc/self/mountinfo") else { return };
    let ui = ui.clone();
    glib::timeout_add_local(Duration::from_millis(250), move || {
        let mut p = libc::pollfd { fd: file.as_raw_fd(), events: libc::POLLPRI, revents: 0 };
        // SAFETY: one valid pollfd, zero timeout.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        if n > 0 && p.revents & libc::POLLPRI != 0 && !ui.busy.get() {
            refresh(&ui);
        }
        glib::ControlFlow::Continue
    });
}

fn set_busy(ui: &Ui, busy: bool, text: &str) {
    ui.busy.set(busy);
    ui.spinner.set_spinning(busy);
    ui.status.set_text(text);
    ui.disconnect.set_sensitive(!busy && !selected(ui).is_empty());
    if !busy {
        // Back to the list, so the keyboard goes on where the person left it (a closed
        // confirmation can leave no window focused at all when there is no window manager).
        ui.window.present();
        ui.view.grab_focus();
    }
}

fn start_disconnect(ui: &Rc<Ui>) {
    if ui.busy.get() {
        return;
    }
    let rows = selected(ui);
    if rows.is_empty() {
        ui.status.set_text("Choose a drive first: arrow keys, then Space to choose more.");
        return;
    }
    let ui = ui.clone();
    glib::spawn_future_local(async move {
        for row in rows {
            disconnect_one(&ui, &row).await;
        }
        if !ui.done.borrow().is_empty() {
            end(&ui, CancelledBy::Person);
        }
        set_busy(&ui, false, "");
        refresh(&ui);
    });
}

async fn disconnect_one(ui: &Rc<Ui>, row: &Row) {
    let mut mode = Mode::Normal;
    let mut timeout = ui.timeout;
    loop {
        set_busy(ui, true, &format!("Disconnecting {}…", row.drive));
        set_row(ui, &row.connection, if mode == Mode::Normal { "disconnecting…" } else { "closing…" }, true);
        let c = row.connection.clone();
        let step = gio::spawn_blocking(move || model::disconnect_step(&c, mode, timeout, false)).await;
        match step {
            Ok(Step::Done(d)) => {
                ui.done.borrow_mut().push(d);
                return;
            }
            Ok(Step::OpenFiles(holders)) => {
                set_row(ui, &row.connection, &format!("in use by {}", holders_count(&holders)), false);
                ui.status.set_text(&format!("Files are open on {}: waiting for your answer.", row.drive));
                if confirm_open_files(ui, row, &holders).await {
                    mode = Mode::Force;
                    continue;
                }
                return;
            }
            Ok(Step::NotResponding) => {
                ui.status.set_text(&format!("{} is not responding: waiting for your answer.", row.drive));
                set_row(ui, &row.connection, "not responding", true);
                match ask_not_responding(ui, row).await {
                    gtk::ResponseType::Other(1) => mode = Mode::Detach,
                    gtk::ResponseType::Other(2) => timeout = timeout.saturating_mul(4),
                    _ => return,
                }
            }
            Ok(Step::Failed(e)) => {
                show_error(ui, row, &e).await;
                return;
            }
            Err(_) => return,
        }
    }
}

fn holders_count(holders: &[Holder]) -> String {
    let mut pids: Vec<u32> = holders.iter().map(|h| h.pid).collect();
    pids.sort_unstable();
    pids.dedup();
    match pids.len() {
        1 => "1 process".to_owned(),
        n => format!("{n} processes"),
    }
}

fn message(ui: &Ui, kind: gtk::MessageType, text: &str, detail: &str) -> gtk::MessageDialog {
    let title = match kind {
        gtk::MessageType::Error => "Could not disconnect",
        _ if text.starts_with("Files are open") => "Files are open",
        _ => "Server not responding",
    };
    let d = gtk::MessageDialog::builder()
        .title(title)
        .transient_for(&ui.window)
        .modal(true)
        .message_type(kind)
        .text(text)
        .secondary_text(detail)
        .build();
    // GTK moves a window back to where it thinks it is when it resizes it after mapping,
    // so the place is set again after each new size (`layout`), not only once.
    let parent = ui.window.clone();
    d.connect_realize(move |d| {
        let xid =
            |w: &gtk::Window| w.surface().and_downcast::<gdk4_x11::X11Surface>().map(|s| s.xid() as u32);
        let (Some(surface), Some(child), Some(parent)) = (d.surface(), xid(d.upcast_ref()), xid(&parent))
        else {
            return;
        };
        surface.connect_layout(move |_, _, _| x11::centre_when_unmanaged(child, parent));
    });
    d
}

async fn confirm_open_files(ui: &Ui, row: &Row, holders: &[Holder]) -> bool {
    let d = message(
        ui,
        gtk::MessageType::Warning,
        &format!("Files are open on {}", row.drive),
        &format!(
            "{}\n\nDisconnect anyway? These programs lose access to the drive and may lose unsaved work.",
            model::describe_holders(holders)
        ),
    );
    d.add_button("Cancel", gtk::ResponseType::Cancel);
    d.add_button("Disconnect anyway", gtk::ResponseType::Accept);
    d.set_default_response(gtk::ResponseType::Cancel);
    let r = d.run_future().await;
    d.close();
    r == gtk::ResponseType::Accept
}

async fn ask_not_responding(ui: &Ui, row: &Row) -> gtk::ResponseType {
    let d = message(
        ui,
        gtk::MessageType::Warning,
        "The server is not responding",
        &format!("{} ({}) did not answer.\n\n{DETACH_EXPLAINED}", row.drive, row.network_path),
    );
    d.add_button("Cancel", gtk::ResponseType::Cancel);
    d.add_button("Keep waiting", gtk::ResponseType::Other(2));
    d.add_button("Detach", gtk::ResponseType::Other(1));
    d.set_default_response(gtk::ResponseType::Cancel);
    let r = d.run_future().await;
    d.close();
    r
}

async fn show_error(ui: &Ui, row: &Row, e: &Error) {
    let d = message(
        ui,
        gtk::MessageType::Error,
        &format!("Could not disconnect {}", row.drive),
        &format!("{e}\n({})", e.code()),
    );
    d.add_button("Close", gtk::ResponseType::Close);
    d.run_future().await;
    d.close();
}
