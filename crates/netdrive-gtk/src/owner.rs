//! The owner window, whatever the display: resolving the host's handle, making a window
//! its dialog, and noticing when it goes. X11 (`x11::OwnerLink`) and Wayland
//! (`wayland::ForeignOwner`) sit behind one trait.

use std::rc::Rc;
use std::time::Duration;

use gtk::glib;
use gtk::prelude::*;
use netdrive::Win32Error;
use netdrive_dialog::{Outcome, Owner};

use crate::wayland::ForeignOwner;
use crate::x11::OwnerLink;

/// An owner window the dialog belongs to.
pub trait OwnerWatch {
    /// Make `window` (built, not yet shown) the owner's dialog and show it over the owner.
    /// An error says why the owner cannot have it.
    fn adopt(&self, window: &gtk::Window) -> Result<(), String>;
    /// True once the owner window is gone. Never blocks.
    fn owner_gone(&self) -> bool;
}

/// The owner, resolved for this display; `None` for no owner.
pub type OwnerRef = Option<Rc<dyn OwnerWatch>>;

/// Resolve the host's owner on this display: an owner of the other kind of display, or
/// one the display does not know, is `ERROR_INVALID_PARAMETER`.
pub fn resolve(owner: &Owner) -> Result<OwnerRef, Outcome> {
    let is_x11 = gtk::gdk::Display::default().is_some_and(|d| d.is::<gdk4_x11::X11Display>());
    let bad = |message: String| Outcome::Failed { code: Win32Error::ERROR_INVALID_PARAMETER, message };
    Ok(match owner {
        Owner::None => None,
        Owner::X11(id) if is_x11 => Some(Rc::new(OwnerLink::connect(*id).map_err(bad)?)),
        Owner::X11(id) => {
            return Err(bad(format!("x11:0x{id:x} is an X11 window, but the display is Wayland")))
        }
        Owner::Wayland(h) if !is_x11 => Some(Rc::new(ForeignOwner::start(h).map_err(bad)?)),
        Owner::Wayland(h) => {
            return Err(bad(format!("wayland:{h} is a Wayland window, but the display is X11")))
        }
    })
}

/// Show `window` as the owner's dialog (or on its own without one); `gone` runs once the
/// owner is destroyed. An owner that refuses the window ends the program with
/// `ERROR_INVALID_PARAMETER`.
pub fn present(window: &gtk::Window, owner: &OwnerRef, gone: impl Fn() + 'static) {
    let Some(owner) = owner else {
        window.present();
        return;
    };
    if let Err(message) = owner.adopt(window) {
        netdrive_dialog::exit_with(Outcome::Failed { code: Win32Error::ERROR_INVALID_PARAMETER, message });
    }
    let owner = owner.clone();
    glib::timeout_add_local(Duration::from_millis(250), move || {
        if owner.owner_gone() {
            gone();
            return glib::ControlFlow::Break;
        }
        glib::ControlFlow::Continue
    });
}
