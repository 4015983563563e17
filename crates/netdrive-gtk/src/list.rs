//! The list of drives: a column view over the conversation's rows, with a spinner on a
//! row being worked on. Texts are set as text, never markup.

use gtk::prelude::*;
use gtk::{gio, glib};
use netdrive_dialog::{texts, Conversation, Row};

/// The list's widgets.
pub struct List {
    /// The view (it takes the keyboard).
    pub view: gtk::ColumnView,
    store: gio::ListStore,
    selection: gtk::MultiSelection,
}

fn row_of(obj: &glib::Object) -> Option<Row> {
    obj.downcast_ref::<glib::BoxedAnyObject>().map(|b| b.borrow::<Row>().clone())
}

impl List {
    /// An empty list with its columns.
    pub fn new() -> List {
        let store = gio::ListStore::new::<glib::BoxedAnyObject>();
        let selection = gtk::MultiSelection::new(Some(store.clone()));
        let view = gtk::ColumnView::new(Some(selection.clone()));
        view.set_show_row_separators(true);
        let [drive, path, provider, status] = texts::COLUMNS;
        text_column(&view, drive, |r| r.drive.clone(), true);
        text_column(&view, path, |r| r.network_path.clone(), true);
        text_column(&view, provider, |r| r.provider.clone(), false);
        status_column(&view, status);
        List { view, store, selection }
    }

    /// The rows the person has chosen.
    pub fn chosen(&self) -> Vec<usize> {
        (0..self.store.n_items()).filter(|&i| self.selection.is_selected(i)).map(|i| i as usize).collect()
    }

    /// Call `f` when the person changes which rows are chosen.
    pub fn connect_chosen(&self, f: impl Fn() + 'static) {
        self.selection.connect_selection_changed(move |_, _, _| f());
    }

    /// Show the conversation's rows: all anew after a new listing (`relist`), else only
    /// the rows that changed, so the keyboard stays where it is.
    pub fn show(&self, c: &Conversation, relist: bool) {
        let rows = c.rows();
        if relist {
            let items: Vec<glib::BoxedAnyObject> =
                rows.iter().cloned().map(glib::BoxedAnyObject::new).collect();
            self.store.splice(0, self.store.n_items(), &items);
        } else {
            for (i, row) in rows.iter().enumerate() {
                let i = i as u32;
                if self.store.item(i).as_ref().and_then(row_of).as_ref() != Some(row) {
                    self.store.splice(i, 1, &[glib::BoxedAnyObject::new(row.clone())]);
                }
            }
        }
        for i in 0..rows.len() {
            let (at, chosen) = (i as u32, c.is_chosen(i));
            if self.selection.is_selected(at) != chosen {
                if chosen {
                    self.selection.select_item(at, false);
                } else {
                    self.selection.unselect_item(at);
                }
            }
        }
    }
}

fn text_column(view: &gtk::ColumnView, title: &str, text: fn(&Row) -> String, expand: bool) {
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
fn status_column(view: &gtk::ColumnView, title: &str) {
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
    let col = gtk::ColumnViewColumn::new(Some(title), Some(factory));
    col.set_resizable(true);
    view.append_column(&col);
}
