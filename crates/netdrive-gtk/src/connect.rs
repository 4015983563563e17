//! The Map Network Drive window (`WNetConnectionDialog`): its widgets, what the person
//! does turned into events for `netdrive_dialog::ConnectConversation`, and the
//! conversation drawn back. The flow is the conversation's; this only draws.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use gtk::{gio, glib};
use netdrive_dialog::connect::browse::{Listing, Listings, NodeId, RowKind, TreeRow};
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
    browse: gtk::Button,
    tree_pane: gtk::ScrolledWindow,
    tree_view: gtk::ListView,
    /// The top level of the tree, and each expanded node's children, as GTK holds them.
    levels: RefCell<HashMap<Option<NodeId>, glib::WeakRef<gio::ListStore>>>,
    top: gio::ListStore,
    listings: RefCell<Listings>,
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

    fn list(&mut self, listing: Listing) {
        let failed = self.0.listings.borrow_mut().start(listing);
        if let Some(e) = failed {
            let ui = self.0.clone();
            glib::idle_add_local_once(move || feed(&ui, e));
        }
    }

    fn stop_listing(&mut self) {
        self.0.listings.borrow_mut().stop();
    }

    fn end(&mut self, outcome: Outcome) {
        self.0.listings.borrow_mut().stop();
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
    let browse = gtk::Button::with_label(texts::BROWSE);
    accessible_label(&browse, "Browse");
    let folder_row = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    folder_row.append(&folder);
    folder_row.append(&browse);
    let top = gio::ListStore::new::<glib::BoxedAnyObject>();
    let tree_view = tree_view();
    let tree_pane = gtk::ScrolledWindow::builder()
        .child(&tree_view)
        .min_content_height(220)
        .vexpand(true)
        .visible(false)
        .build();
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
    grid.attach(&folder_row, 1, 0, 1, 1);
    grid.attach(&examples, 1, 1, 1, 1);
    grid.attach(&tree_pane, 1, 2, 1, 1);
    grid.attach(&local_label, 0, 3, 1, 1);
    grid.attach(&local, 1, 3, 1, 1);
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
        browse,
        tree_pane,
        tree_view,
        levels: RefCell::new(HashMap::from([(None, top.downgrade())])),
        top,
        listings: RefCell::default(),
        conversation: RefCell::new(ConnectConversation::new(setup)),
        focused: RefCell::new(0),
        recent_shown: RefCell::default(),
    });
    wire(&ui, &cancel);
    wire_tree(&ui);
    {
        // The first drawing sets the fields; the echoes it makes are not the person's.
        let c = ui.conversation.borrow();
        ui.show(&c);
    }
    feed(&ui, ConnectEvent::Opened);
    glib::timeout_add_local(Duration::from_millis(100), {
        let ui = ui.clone();
        move || {
            // What the listings found since: drawn as it arrives, never waited for.
            let found = ui.listings.borrow_mut().poll();
            for e in found {
                feed(&ui, e);
            }
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
    ui.browse.connect_clicked({
        let ui = ui.clone();
        move |_| {
            let open = ui.conversation.borrow().tree().is_open();
            feed(&ui, if open { ConnectEvent::CloseBrowse } else { ConnectEvent::Browse });
        }
    });
    ui.connect.connect_clicked({
        let ui = ui.clone();
        move |_| feed(&ui, ConnectEvent::Connect)
    });
    crate::window::wire_cancel(&ui.window, cancel, {
        let ui = ui.clone();
        move || feed(&ui, ConnectEvent::Cancel)
    });
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
        let editing = c.editing();
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
        if self.connect.label().as_deref() != Some(c.connect_label()) {
            self.connect.set_label(c.connect_label());
        }
        self.browse.set_sensitive(c.can_browse());
        let open = c.tree().is_open();
        if self.tree_pane.is_visible() != open {
            self.tree_pane.set_visible(open);
            if open {
                // Once it is mapped: a widget just shown cannot take the keyboard yet.
                let view = self.tree_view.clone();
                glib::idle_add_local_once(move || {
                    view.grab_focus();
                });
            }
        }
        if open {
            self.sync_tree(c);
        }
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

// Since GTK 4.0, though the bindings offer it only from their 4.10 feature on.
unsafe extern "C" {
    fn gtk_accessible_update_property_value(
        accessible: *mut gtk::ffi::GtkAccessible,
        n_properties: std::ffi::c_int,
        properties: *mut gtk::ffi::GtkAccessibleProperty,
        values: *const glib::gobject_ffi::GValue,
    );
}

/// Name `widget` for screen readers (what GTK 4.8 would read from its label otherwise).
fn accessible_label(widget: &impl IsA<gtk::Widget>, label: &str) {
    use glib::translate::ToGlibPtr;
    let value = label.to_value();
    let mut property = [gtk::ffi::GTK_ACCESSIBLE_PROPERTY_LABEL];
    let w: *mut gtk::ffi::GtkWidget = widget.upcast_ref::<gtk::Widget>().to_glib_none().0;
    // SAFETY: every GtkWidget implements GtkAccessible (same object pointer); one property
    // and one value, as the count says, both alive across the call; LABEL takes a string
    // GValue, and GTK copies what it keeps.
    unsafe {
        gtk_accessible_update_property_value(
            w.cast(),
            1,
            property.as_mut_ptr(),
            ToGlibPtr::<*const glib::gobject_ffi::GValue>::to_glib_none(&value).0,
        );
    }
}

/// The rows of a level, as GTK's list items.
fn row_of(item: &glib::Object) -> Option<TreeRow> {
    let boxed = item.downcast_ref::<glib::BoxedAnyObject>()?;
    let row = boxed.try_borrow::<TreeRow>().ok()?;
    Some(row.clone())
}

/// The node of a tree row (`gtk::TreeListRow`), if it is a node and not a note.
fn node_of_row(row: &gtk::TreeListRow) -> Option<TreeRow> {
    row.item().as_ref().and_then(row_of).filter(|r| matches!(r.kind, RowKind::Node { .. }))
}

/// The tree's view: rows with an expander, the name, and the comment. A row's expander
/// opened or closed (by the keyboard or a click) is told to `expanded`, once per row.
fn tree_factory(expanded: impl Fn(NodeId, bool) + Clone + 'static) -> gtk::SignalListItemFactory {
    let wired: Rc<RefCell<HashMap<NodeId, glib::WeakRef<gtk::TreeListRow>>>> = Rc::default();
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(|_, item| {
        let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
        let name = gtk::Label::builder().xalign(0.0).build();
        let comment = gtk::Label::builder().xalign(0.0).hexpand(true).build();
        comment.add_css_class("dim-label");
        let line = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        line.append(&name);
        line.append(&comment);
        let expander = gtk::TreeExpander::new();
        expander.set_child(Some(&line));
        item.set_child(Some(&expander));
    });
    factory.connect_bind(move |_, item| {
        let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
        let Some(expander) = item.child().and_downcast::<gtk::TreeExpander>() else { return };
        let Some(tree_row) = item.item().and_downcast::<gtk::TreeListRow>() else { return };
        expander.set_list_row(Some(&tree_row));
        let Some(row) = tree_row.item().as_ref().and_then(row_of) else { return };
        if matches!(row.kind, RowKind::Node { expandable: true, .. })
            && wired.borrow().get(&row.node).and_then(|w| w.upgrade()).as_ref() != Some(&tree_row)
        {
            let node = row.node;
            let expanded = expanded.clone();
            tree_row.connect_expanded_notify(move |r| expanded(node, r.is_expanded()));
            wired.borrow_mut().insert(node, tree_row.downgrade());
        }
        let Some(line) = expander.child().and_downcast::<gtk::Box>() else { return };
        let (Some(name), Some(comment)) =
            (line.first_child().and_downcast::<gtk::Label>(), line.last_child().and_downcast::<gtk::Label>())
        else {
            return;
        };
        name.set_text(&row.name);
        comment.set_text(&row.comment);
        if row.kind == RowKind::Error {
            name.add_css_class("error");
        } else {
            name.remove_css_class("error");
        }
        let tip =
            if row.comment.is_empty() { row.name.clone() } else { format!("{}, {}", row.name, row.comment) };
        item.set_activatable(matches!(row.kind, RowKind::Node { .. }));
        accessible_label(&expander, &tip);
    });
    factory
}

/// The tree's view, named for screen readers; its model and rows come from `wire_tree`.
fn tree_view() -> gtk::ListView {
    let view = gtk::ListView::new(None::<gtk::SingleSelection>, None::<gtk::SignalListItemFactory>);
    accessible_label(&view, texts::NETWORK);
    view
}

/// The tree's model: a `TreeListModel` over the top level, each expandable node's level
/// made when GTK wants it (to draw its expander, too); opening a row asks for its
/// children, which fill its level as they come. Enter or a double click on a share
/// chooses it; → and ← expand and collapse.
fn wire_tree(ui: &Rc<Ui>) {
    let weak = Rc::downgrade(ui);
    let make_children = move |item: &glib::Object| -> Option<gio::ListModel> {
        let ui = weak.upgrade()?;
        let row = row_of(item)?;
        if !matches!(row.kind, RowKind::Node { expandable: true, .. }) {
            return None;
        }
        let store = gio::ListStore::new::<glib::BoxedAnyObject>();
        if let Ok(c) = ui.conversation.try_borrow() {
            let rows: Vec<glib::BoxedAnyObject> =
                c.tree().level(Some(row.node)).into_iter().map(glib::BoxedAnyObject::new).collect();
            store.extend_from_slice(&rows);
        }
        ui.levels.borrow_mut().insert(Some(row.node), store.downgrade());
        Some(store.upcast())
    };
    let weak = Rc::downgrade(ui);
    let expanded = move |node: NodeId, open: bool| {
        let Some(ui) = weak.upgrade() else { return };
        // Told from inside GTK's own change: the question goes out just after.
        glib::idle_add_local_once(move || {
            feed(&ui, if open { ConnectEvent::Expand(node) } else { ConnectEvent::Collapse(node) })
        });
    };
    ui.tree_view.set_factory(Some(&tree_factory(expanded)));
    let tree = gtk::TreeListModel::new(ui.top.clone(), false, false, make_children);
    let selection = gtk::SingleSelection::new(Some(tree.clone()));
    ui.tree_view.set_model(Some(&selection));
    ui.tree_view.connect_activate({
        let ui = ui.clone();
        move |view, position| {
            let Some(row) = view.model().and_then(|m| m.item(position)).and_downcast::<gtk::TreeListRow>()
            else {
                return;
            };
            let Some(r) = node_of_row(&row) else { return };
            match r.kind {
                RowKind::Node { connectable: true, .. } => feed(&ui, ConnectEvent::Pick(r.node)),
                RowKind::Node { expandable: true, .. } => row.set_expanded(!row.is_expanded()),
                _ => {}
            }
        }
    });
    let keys = gtk::EventControllerKey::new();
    keys.set_propagation_phase(gtk::PropagationPhase::Capture);
    keys.connect_key_pressed({
        let selection = selection.clone();
        move |_, key, _, _| {
            let Some(row) = selection.selected_item().and_downcast::<gtk::TreeListRow>() else {
                return glib::Propagation::Proceed;
            };
            match key {
                gtk::gdk::Key::Right | gtk::gdk::Key::KP_Right if row.is_expandable() => {
                    row.set_expanded(true);
                    glib::Propagation::Stop
                }
                gtk::gdk::Key::Left | gtk::gdk::Key::KP_Left => {
                    if row.is_expanded() {
                        row.set_expanded(false);
                    } else if let Some(parent) = row.parent() {
                        selection.set_selected(parent.position());
                    }
                    glib::Propagation::Stop
                }
                _ => glib::Propagation::Proceed,
            }
        }
    });
    ui.tree_view.add_controller(keys);
}

impl Ui {
    /// Bring every level GTK holds up to the conversation's tree: new rows appended, a
    /// note replaced, rows already there (and their expanded state) kept.
    fn sync_tree(&self, c: &ConnectConversation) {
        // Taken out first: a change below can make GTK create a level (and register it).
        let levels: Vec<(Option<NodeId>, gio::ListStore)> = {
            let mut l = self.levels.borrow_mut();
            l.retain(|_, w| w.upgrade().is_some());
            l.iter().filter_map(|(n, w)| Some((*n, w.upgrade()?))).collect()
        };
        for (node, store) in levels {
            let want = c.tree().level(node);
            let have: Vec<TreeRow> =
                (0..store.n_items()).filter_map(|i| store.item(i)).filter_map(|o| row_of(&o)).collect();
            // Whether a row is open is GTK's to show (its `TreeListRow`): a row is the same
            // row while it says the same.
            let alike =
                |a: &TreeRow, b: &TreeRow| a.key() == b.key() && a.name == b.name && a.comment == b.comment;
            let same = have.iter().zip(&want).take_while(|(a, b)| alike(a, b)).count();
            if same == have.len() && same == want.len() {
                continue;
            }
            let fresh: Vec<glib::BoxedAnyObject> =
                want[same..].iter().map(|r| glib::BoxedAnyObject::new(r.clone())).collect();
            store.splice(same as u32, (have.len() - same) as u32, &fresh);
        }
    }
}
