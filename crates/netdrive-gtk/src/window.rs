//! The dialog window: its widgets, what the person does turned into events for the
//! conversation, and the conversation drawn back (`FrontEnd`).

use std::cell::RefCell;
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use gtk::{gio, glib};
use netdrive_dialog::{drive, exit_with, texts, Conversation, Event, FrontEnd, Outcome, TableWatch, Work};

use crate::list::List;
use crate::messages;
use crate::owner::{self, OwnerRef};

/// The window's default width.
pub const WIDTH: i32 = 720;
/// The window's default height.
pub const HEIGHT: i32 = 360;

/// The window's widgets and its conversation.
struct Ui {
    window: gtk::Window,
    list: List,
    stack: gtk::Stack,
    status: gtk::Label,
    spinner: gtk::Spinner,
    disconnect: gtk::Button,
    cancel: gtk::Button,
    conversation: RefCell<Conversation>,
    shown: RefCell<Shown>,
}

/// What is on screen already, to change only what the conversation changed.
#[derive(Default)]
struct Shown {
    generation: u64,
    busy: bool,
    asked: u64,
    message: Option<gtk::MessageDialog>,
}

/// Feed `event` to the conversation. While the window is being drawn, widgets report our
/// own changes back (a selection set from the conversation): those echoes are dropped.
fn feed(ui: &Rc<Ui>, event: Event) {
    let Ok(mut c) = ui.conversation.try_borrow_mut() else { return };
    drive(&mut c, &mut Front(ui), event);
}

struct Front<'a>(&'a Rc<Ui>);

impl FrontEnd for Front<'_> {
    fn show(&mut self, c: &Conversation) {
        Ui::show(self.0, c);
    }

    fn spawn(&mut self, work: Work) {
        let ui = self.0.clone();
        glib::spawn_future_local(async move {
            let lost = work.lost("the worker failed");
            let event = gio::spawn_blocking(move || work.run()).await.unwrap_or(lost);
            feed(&ui, event);
        });
    }

    fn end(&mut self, outcome: Outcome) {
        exit_with(outcome);
    }
}

/// Open the dialog for `owner`, giving each server `timeout`.
pub fn open(owner: OwnerRef, timeout: Duration) {
    let list = List::new();
    let scroller = gtk::ScrolledWindow::builder().child(&list.view).vexpand(true).build();

    let empty = gtk::Label::new(None);
    // Until the first listing arrives: "no drives" would be read out, and be wrong.
    let loading = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    loading.set_halign(gtk::Align::Center);
    loading.set_valign(gtk::Align::Center);
    let looking = gtk::Spinner::new();
    looking.start();
    loading.append(&looking);
    // It holds the keyboard meanwhile: Escape works, and a screen reader reads it.
    let looking_text = gtk::Label::new(Some(texts::LOADING));
    looking_text.set_focusable(true);
    loading.append(&looking_text);
    let stack = gtk::Stack::new();
    stack.add_named(&loading, Some("loading"));
    stack.add_named(&scroller, Some("list"));
    stack.add_named(&empty, Some("empty"));
    stack.set_visible_child_name("loading");

    // The heading names the list for screen readers (its mnemonic widget).
    let heading = gtk::Label::builder()
        .label(texts::HEADING)
        .use_underline(true)
        .mnemonic_widget(&list.view)
        .xalign(0.0)
        .wrap(true)
        .build();
    let status = gtk::Label::builder().xalign(0.0).hexpand(true).wrap(true).build();
    let spinner = gtk::Spinner::new();
    let disconnect = gtk::Button::with_label(texts::DISCONNECT);
    disconnect.add_css_class("suggested-action");
    disconnect.set_sensitive(false);
    let cancel = gtk::Button::with_label(texts::CANCEL);
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
        .title(texts::TITLE)
        .default_width(WIDTH)
        .default_height(HEIGHT)
        .child(&content)
        .default_widget(&disconnect)
        .build();

    let ui = Rc::new(Ui {
        window,
        list,
        stack,
        status,
        spinner,
        disconnect,
        cancel,
        conversation: RefCell::new(Conversation::new(timeout)),
        shown: RefCell::default(),
    });
    connect(&ui);
    watch_mount_table(&ui);
    feed(&ui, Event::Opened);
    owner::present(&ui.window, &owner, {
        let ui = ui.clone();
        move || feed(&ui, Event::OwnerGone)
    });
    looking_text.grab_focus();
}

/// What the person does, as events.
fn connect(ui: &Rc<Ui>) {
    ui.list.connect_chosen({
        let ui = ui.clone();
        move || feed(&ui, Event::Select(ui.list.chosen()))
    });
    ui.disconnect.connect_clicked({
        let ui = ui.clone();
        move |_| feed(&ui, Event::Disconnect)
    });
    ui.list.view.connect_activate({
        let ui = ui.clone();
        move |_, _| feed(&ui, Event::Disconnect)
    });
    wire_cancel(&ui.window, &ui.cancel, {
        let ui = ui.clone();
        move || feed(&ui, Event::Cancel)
    });
}

/// The three ways a person ends a dialog, all as one `cancel`: the Cancel button, closing
/// the window (which stays until the conversation ends it) and Escape. Shared by the
/// disconnect and the connect windows.
pub(crate) fn wire_cancel(window: &gtk::Window, button: &gtk::Button, cancel: impl Fn() + 'static) {
    let cancel = Rc::new(cancel);
    button.connect_clicked({
        let cancel = cancel.clone();
        move |_| cancel()
    });
    window.connect_close_request({
        let cancel = cancel.clone();
        move |_| {
            cancel();
            glib::Propagation::Stop
        }
    });
    let keys = gtk::EventControllerKey::new();
    keys.connect_key_pressed(move |_, key, _, _| {
        if key == gtk::gdk::Key::Escape {
            cancel();
            return glib::Propagation::Stop;
        }
        glib::Propagation::Proceed
    });
    window.add_controller(keys);
}

/// The kernel flags `/proc/self/mountinfo` with POLLPRI when the mount table changes: the
/// main loop waits for it with the rest, so nothing polls.
fn watch_mount_table(ui: &Rc<Ui>) {
    let Some(watch) = TableWatch::open() else { return };
    let ui = ui.clone();
    glib_unix::unix_fd_add_local(watch.as_raw_fd(), glib::IOCondition::PRI, move |_, _| {
        let _open = &watch;
        feed(&ui, Event::TableChanged);
        glib::ControlFlow::Continue
    });
}

impl Ui {
    /// Draw the conversation, changing only what changed.
    fn show(self: &Rc<Self>, c: &Conversation) {
        let mut shown = self.shown.borrow_mut();
        let relist = c.generation() != shown.generation;
        shown.generation = c.generation();
        self.list.show(c, relist);
        if c.listed() {
            let was_hidden = self.stack.visible_child_name().as_deref() != Some("list");
            let empty = c.rows().is_empty();
            self.stack.set_visible_child_name(if empty { "empty" } else { "list" });
            if let Some(loading) = self.stack.child_by_name("loading") {
                // Listed once: "looking" is over, for good (also for screen readers).
                self.stack.remove(&loading);
                if empty {
                    self.cancel.grab_focus();
                }
            }
            if let Some(label) = self.stack.child_by_name("empty").and_downcast::<gtk::Label>() {
                // Said only when true: a hidden page is still read by screen readers.
                label.set_text(c.empty_text().unwrap_or(""));
            }
            if was_hidden && !empty && !c.busy() {
                // The list was hidden, so the keyboard was elsewhere: bring it to the drives.
                self.list.view.grab_focus();
            }
        }
        self.status.set_text(c.status_line());
        self.spinner.set_spinning(c.busy());
        self.disconnect.set_sensitive(c.can_disconnect());
        match c.question() {
            Some(q) if c.asked() != shown.asked => {
                shown.asked = c.asked();
                if let Some(old) = shown.message.take() {
                    old.close();
                }
                let (ui, asked) = (self.clone(), c.asked());
                let d = messages::ask(q, Some(&self.window), move |a| {
                    // Only for this question: a box closed late must not answer the next.
                    if ui.conversation.try_borrow().is_ok_and(|c| c.asked() == asked) {
                        feed(&ui, Event::Answer(a));
                    }
                });
                d.present();
                shown.message = Some(d);
            }
            Some(_) => {}
            None => {
                if let Some(old) = shown.message.take() {
                    old.close();
                }
            }
        }
        if shown.busy && !c.busy() {
            // Back to the list, so the keyboard goes on where the person left it (a closed
            // question can leave no window focused at all when there is no window manager).
            self.window.present();
            self.list.view.grab_focus();
        }
        shown.busy = c.busy();
    }
}
