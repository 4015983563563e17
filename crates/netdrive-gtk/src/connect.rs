//! The Map Network Drive window (`WNetConnectionDialog`): its widgets, what the person
//! does turned into events for `netdrive_dialog::ConnectConversation`, and the
//! conversation drawn back. The flow is the conversation's; this only draws.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use gtk::{gio, glib};
use netdrive_dialog::connect::{ConnectSetup, Field};
use netdrive_dialog::texts::connect as texts;
use netdrive_dialog::texts::CANCEL;
use netdrive_dialog::{
    drive_connect, exit_with, ConnectConversation, ConnectEvent, ConnectFrontEnd, ConnectWork, Outcome,
};

use crate::owner::{self, OwnerRef};

/// The widgets and the conversation.
struct Ui {
    window: gtk::Window,
    folder: gtk::Entry,
    recent: gtk::DropDown,
    recent_row: gtk::Box,
    local: gtk::Entry,
    reconnect: gtk::CheckButton,
    other: gtk::CheckButton,
    credentials: gtk::Box,
    user: gtk::Entry,
    password: gtk::PasswordEntry,
    remember: gtk::CheckButton,
    message: gtk::Label,
    status: gtk::Label,
    spinner: gtk::Spinner,
    connect: gtk::Button,
    conversation: RefCell<ConnectConversation>,
    focused: RefCell<u64>,
    recent_shown: RefCell<Vec<String>>,
}

/// Feed `event`; echoes of our own drawing (a field set from the conversation) are dropped.
fn feed(ui: &Rc<Ui>, event: ConnectEvent) {
    let Ok(mut c) = ui.conversation.try_borrow_mut() else { return };
    drive_connect(&mut c, &mut Front(ui), event);
}

struct Front<'a>(&'a Rc<Ui>);

impl ConnectFrontEnd for Front<'_> {
    fn show(&mut self, c: &ConnectConversation) {
        self.0.show(c);
    }

    fn spawn(&mut self, work: ConnectWork) {
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

/// A label beside `widget` that names it for screen readers (GTK makes the label's
/// mnemonic widget "labelled by" it; no underscore, which GTK 4.8 would read out).
fn labelled(text: &str, widget: &impl IsA<gtk::Widget>) -> gtk::Label {
    gtk::Label::builder().label(text).xalign(0.0).mnemonic_widget(widget).build()
}

/// Open the Map Network Drive window for `owner`.
pub fn open(owner: OwnerRef, setup: ConnectSetup) {
    let folder = gtk::Entry::builder().hexpand(true).activates_default(true).build();
    let folder_label = labelled(texts::FOLDER, &folder);
    let examples = gtk::Label::builder().label(texts::FOLDER_EXAMPLES).xalign(0.0).wrap(true).build();
    examples.add_css_class("dim-label");
    let recent = gtk::DropDown::from_strings(&[]);
    recent.set_hexpand(true);
    let recent_label = labelled(texts::RECENT, &recent);
    let recent_row = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    recent_row.append(&recent_label);
    recent_row.append(&recent);
    recent_row.set_visible(false);
    let local = gtk::Entry::builder().hexpand(true).activates_default(true).build();
    let local_label = labelled(texts::LOCAL, &local);
    let reconnect = gtk::CheckButton::with_label(texts::RECONNECT);
    let other = gtk::CheckButton::with_label(texts::OTHER_CREDENTIALS);
    let user = gtk::Entry::builder().hexpand(true).activates_default(true).build();
    let user_label = labelled(texts::USER, &user);
    let password =
        gtk::PasswordEntry::builder().hexpand(true).activates_default(true).show_peek_icon(true).build();
    let password_label = labelled(texts::PASSWORD, &password);
    let remember = gtk::CheckButton::with_label(texts::REMEMBER);

    let grid = gtk::Grid::builder().row_spacing(6).column_spacing(8).build();
    grid.attach(&folder_label, 0, 0, 1, 1);
    grid.attach(&folder, 1, 0, 1, 1);
    grid.attach(&examples, 1, 1, 1, 1);
    grid.attach(&local_label, 0, 2, 1, 1);
    grid.attach(&local, 1, 2, 1, 1);
    let credentials_grid = gtk::Grid::builder().row_spacing(6).column_spacing(8).margin_start(24).build();
    credentials_grid.attach(&user_label, 0, 0, 1, 1);
    credentials_grid.attach(&user, 1, 0, 1, 1);
    credentials_grid.attach(&password_label, 0, 1, 1, 1);
    credentials_grid.attach(&password, 1, 1, 1, 1);
    credentials_grid.attach(&remember, 1, 2, 1, 1);
    let credentials = gtk::Box::new(gtk::Orientation::Vertical, 0);
    credentials.append(&credentials_grid);
    credentials.set_visible(false);

    let message = gtk::Label::builder().xalign(0.0).wrap(true).selectable(true).build();
    message.add_css_class("error");
    message.set_visible(false);
    let status = gtk::Label::builder().xalign(0.0).hexpand(true).wrap(true).build();
    let spinner = gtk::Spinner::new();
    let connect = gtk::Button::with_label(texts::CONNECT);
    connect.add_css_class("suggested-action");
    let cancel = gtk::Button::with_label(CANCEL);
    let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    buttons.append(&spinner);
    buttons.append(&status);
    buttons.append(&cancel);
    buttons.append(&connect);

    let content = gtk::Box::new(gtk::Orientation::Vertical, 10);
    content.set_margin_top(12);
    content.set_margin_bottom(12);
    content.set_margin_start(12);
    content.set_margin_end(12);
    content.append(&gtk::Label::builder().label(texts::HEADING).xalign(0.0).wrap(true).build());
    content.append(&recent_row);
    content.append(&grid);
    content.append(&reconnect);
    content.append(&other);
    content.append(&credentials);
    content.append(&message);
    content.append(&buttons);

    let window = gtk::Window::builder()
        .title(texts::TITLE)
        .default_width(crate::window::WIDTH * 3 / 4)
        .child(&content)
        .default_widget(&connect)
        .build();

    let ui = Rc::new(Ui {
        window,
        folder,
        recent,
        recent_row,
        local,
        reconnect,
        other,
        credentials,
        user,
        password,
        remember,
        message,
        status,
        spinner,
        connect,
        conversation: RefCell::new(ConnectConversation::new(setup)),
        focused: RefCell::new(0),
        recent_shown: RefCell::default(),
    });
    wire(&ui, &cancel);
    {
        // The first drawing sets the fields; the echoes it makes are not the person's.
        let c = ui.conversation.borrow();
        ui.show(&c);
    }
    feed(&ui, ConnectEvent::Opened);
    glib::timeout_add_local(Duration::from_millis(100), {
        let ui = ui.clone();
        move || {
            feed(&ui, ConnectEvent::Tick);
            glib::ControlFlow::Continue
        }
    });
    // Asked to go (the host's close(), or the host gone): as Cancel, which undoes a connect
    // under way before the program ends.
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        let ui = ui.clone();
        glib_unix::unix_signal_add_local(signal, move || {
            feed(&ui, ConnectEvent::Cancel);
            glib::ControlFlow::Break
        });
    }
    owner::present(&ui.window, &owner, {
        let ui = ui.clone();
        move || feed(&ui, ConnectEvent::OwnerGone)
    });
    // The keyboard starts where there is something to type: the folder, or with a
    // read-only one (CONNDLG_RO_PATH) the local folder.
    if ui.conversation.borrow().folder_editable() {
        ui.folder.grab_focus();
    } else {
        ui.local.grab_focus();
    }
}

/// What the person does, as events.
fn wire(ui: &Rc<Ui>, cancel: &gtk::Button) {
    let text = |ui: &Rc<Ui>, e: &gtk::Entry, f: fn(String) -> ConnectEvent| {
        let ui = ui.clone();
        e.connect_changed(move |e| feed(&ui, f(e.text().into())));
    };
    text(ui, &ui.folder, ConnectEvent::Folder);
    text(ui, &ui.local, ConnectEvent::Local);
    text(ui, &ui.user, ConnectEvent::User);
    ui.password.connect_changed({
        let ui = ui.clone();
        move |p| feed(&ui, ConnectEvent::Password(p.text().into()))
    });
    let check = |ui: &Rc<Ui>, b: &gtk::CheckButton, f: fn(bool) -> ConnectEvent| {
        let ui = ui.clone();
        b.connect_toggled(move |b| feed(&ui, f(b.is_active())));
    };
    check(ui, &ui.reconnect, ConnectEvent::Reconnect);
    check(ui, &ui.other, ConnectEvent::OtherCredentials);
    check(ui, &ui.remember, ConnectEvent::Remember);
    ui.recent.connect_selected_notify({
        let ui = ui.clone();
        move |d| {
            let chosen = ui.recent_shown.borrow().get(d.selected() as usize).cloned();
            if let Some(f) = chosen {
                ui.folder.set_text(&f);
            }
        }
    });
    ui.connect.connect_clicked({
        let ui = ui.clone();
        move |_| feed(&ui, ConnectEvent::Connect)
    });
    cancel.connect_clicked({
        let ui = ui.clone();
        move |_| feed(&ui, ConnectEvent::Cancel)
    });
    ui.window.connect_close_request({
        let ui = ui.clone();
        move |_| {
            feed(&ui, ConnectEvent::Cancel);
            glib::Propagation::Stop
        }
    });
    let keys = gtk::EventControllerKey::new();
    keys.connect_key_pressed({
        let ui = ui.clone();
        move |_, key, _, _| {
            if key == gtk::gdk::Key::Escape {
                feed(&ui, ConnectEvent::Cancel);
                return glib::Propagation::Stop;
            }
            glib::Propagation::Proceed
        }
    });
    ui.window.add_controller(keys);
}

fn set_text(e: &impl IsA<gtk::Editable>, text: &str) {
    if e.text() != text {
        e.set_text(text);
    }
}

impl Ui {
    /// Draw the conversation, changing only what changed.
    fn show(&self, c: &ConnectConversation) {
        set_text(&self.folder, c.folder());
        set_text(&self.local, c.local());
        set_text(&self.user, c.user());
        set_text(&self.password, c.password());
        self.reconnect.set_active(c.reconnect());
        self.reconnect.set_visible(c.reconnect_shown());
        self.other.set_active(c.other_credentials());
        self.credentials.set_visible(c.other_credentials());
        self.remember.set_active(c.remember());
        let editing = !c.connecting();
        self.folder.set_editable(c.folder_editable());
        for w in
            [self.local.upcast_ref::<gtk::Widget>(), self.reconnect.upcast_ref(), self.other.upcast_ref()]
        {
            w.set_sensitive(editing);
        }
        self.credentials.set_sensitive(editing);
        self.recent.set_sensitive(c.folder_editable());
        if *self.recent_shown.borrow() != c.recent() {
            *self.recent_shown.borrow_mut() = c.recent().to_vec();
            let names: Vec<&str> = c.recent().iter().map(String::as_str).collect();
            self.recent.set_model(Some(&gtk::StringList::new(&names)));
            self.recent.set_selected(gtk::INVALID_LIST_POSITION);
            self.recent_row.set_visible(!names.is_empty());
        }
        let message = c.message().unwrap_or("");
        if self.message.text() != message {
            self.message.set_text(message);
            self.message.set_visible(!message.is_empty());
        }
        self.status.set_text(&c.status_line());
        self.spinner.set_spinning(c.connecting());
        self.connect.set_sensitive(c.can_connect());
        let (count, field) = c.focus();
        if *self.focused.borrow() != count {
            *self.focused.borrow_mut() = count;
            match field {
                Field::Folder => self.folder.grab_focus(),
                Field::Local => self.local.grab_focus(),
                Field::Password => self.password.grab_focus(),
            };
        }
    }
}
