//! Questions as message boxes: any [`Question`] of the conversation, its choices as
//! buttons (the safe one focused, as Escape gives it), over the dialog or alone over the
//! owner (`WNetDisconnectDialog1`).

use gtk::prelude::*;
use netdrive_dialog::{exit_with, outcome_of_answer, Answer, CancelledBy, Outcome, Question, Tone};

use crate::owner::{self, OwnerRef};
use crate::x11;

/// A message box for `q` over `parent`; `answered` gets the person's answer.
pub fn ask(
    q: &Question,
    parent: Option<&gtk::Window>,
    answered: impl Fn(Answer) + 'static,
) -> gtk::MessageDialog {
    let d = gtk::MessageDialog::builder()
        .title(q.title.as_str())
        .modal(true)
        .message_type(match q.tone {
            Tone::Question => gtk::MessageType::Question,
            Tone::Warning => gtk::MessageType::Warning,
            Tone::Error => gtk::MessageType::Error,
        })
        .text(q.text.as_str())
        .secondary_text(q.detail.as_str())
        .build();
    d.set_transient_for(parent);
    // The choices come most affirmative first; buttons read safest first (Cancel on the
    // left), and Tab goes from the focused safe one towards the others.
    let id = |i: usize| gtk::ResponseType::Other(u16::try_from(i).unwrap_or(u16::MAX));
    for (i, c) in q.choices.iter().enumerate().rev() {
        d.add_button(c.label, id(i));
        if c.answer == q.safe() {
            d.set_default_response(id(i));
        }
    }
    let (choices, safe) = (q.choices, q.safe());
    d.connect_response(move |_, r| {
        let chosen = match r {
            gtk::ResponseType::Other(i) => choices.get(usize::from(i)).map(|c| c.answer),
            _ => None,
        };
        answered(chosen.unwrap_or(safe));
    });
    if let Some(parent) = parent {
        centre_over(&d, parent);
    }
    d
}

/// `WNetDisconnectDialog1`'s question or message, alone over the owner: the answer is the
/// program's outcome.
pub fn alone(owner: OwnerRef, q: &Question) {
    let d = ask(q, None, |a| exit_with(outcome_of_answer(a)));
    owner::present(d.upcast_ref(), &owner, || exit_with(Outcome::Cancelled(CancelledBy::OwnerGone)));
}

/// Keep `d` centred over `parent` when no window manager places it. GTK moves a window
/// back to where it thinks it is when it resizes it after mapping, so the place is set
/// again after each new size (`layout`), not only once.
fn centre_over(d: &gtk::MessageDialog, parent: &gtk::Window) {
    let parent = parent.clone();
    d.connect_realize(move |d| {
        let xid =
            |w: &gtk::Window| w.surface().and_downcast::<gdk4_x11::X11Surface>().map(|s| s.xid() as u32);
        let (Some(surface), Some(child), Some(parent)) = (d.surface(), xid(d.upcast_ref()), xid(&parent))
        else {
            return;
        };
        surface.connect_layout(move |_, _, _| x11::centre_when_unmanaged(child, parent));
        // On a loaded machine GTK's own move can land after the last new size, with no
        // layout to follow it: place it again a few times once it is shown.
        d.connect_map(move |_| {
            for ms in [50, 250, 1000] {
                gtk::glib::timeout_add_local_once(std::time::Duration::from_millis(ms), move || {
                    x11::centre_when_unmanaged(child, parent)
                });
            }
        });
    });
}
