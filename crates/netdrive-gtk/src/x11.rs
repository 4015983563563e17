//! The owner window on X11: transient-for, dialog type, modal state, placement over the
//! owner, and noticing when the owner is destroyed. Done over our own X connection with
//! x11rb, because GTK4 has no foreign-window API.

use gtk::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ChangeWindowAttributesAux, ConfigureWindowAux, ConnectionExt, EventMask, PropMode,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

use crate::owner::OwnerWatch;

/// Our own X connection, watching the owner window.
pub struct OwnerLink {
    conn: RustConnection,
    owner: u32,
}

impl OwnerLink {
    /// Connect and check that `owner` exists; watch for its destruction.
    pub fn connect(owner: u32) -> Result<OwnerLink, String> {
        let (conn, _) = x11rb::connect(None).map_err(|e| format!("cannot open the X display: {e}"))?;
        conn.get_geometry(owner)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|_| format!("the owner window 0x{owner:x} does not exist"))?;
        let watch = ChangeWindowAttributesAux::new().event_mask(EventMask::STRUCTURE_NOTIFY);
        conn.change_window_attributes(owner, &watch).map_err(|e| e.to_string())?;
        conn.flush().map_err(|e| e.to_string())?;
        Ok(OwnerLink { conn, owner })
    }

    fn atom(&self, name: &str) -> Option<u32> {
        Some(self.conn.intern_atom(false, name.as_bytes()).ok()?.reply().ok()?.atom)
    }

    /// Make `window` a modal dialog transient for the owner (before it is mapped).
    fn make_transient(&self, window: u32) {
        let _ = self.conn.change_property32(
            PropMode::REPLACE,
            window,
            AtomEnum::WM_TRANSIENT_FOR,
            AtomEnum::WINDOW,
            &[self.owner],
        );
        if let (Some(ty), Some(dialog)) =
            (self.atom("_NET_WM_WINDOW_TYPE"), self.atom("_NET_WM_WINDOW_TYPE_DIALOG"))
        {
            let _ = self.conn.change_property32(PropMode::REPLACE, window, ty, AtomEnum::ATOM, &[dialog]);
        }
        if let (Some(state), Some(modal)) = (self.atom("_NET_WM_STATE"), self.atom("_NET_WM_STATE_MODAL")) {
            let _ = self.conn.change_property32(PropMode::REPLACE, window, state, AtomEnum::ATOM, &[modal]);
        }
        let _ = self.conn.flush();
    }

    /// Centre `window` (of the given size) over the owner.
    fn place_over_owner(&self, window: u32, width: i32, height: i32) {
        if let Some(root) = self.conn.setup().roots.first().map(|s| s.root) {
            centre_over(&self.conn, root, window, (width, height), self.owner);
        }
    }
}

impl OwnerWatch for OwnerLink {
    /// Transient for the owner (set before mapping), modal, and centred over it.
    fn adopt(&self, window: &gtk::Window) -> Result<(), String> {
        WidgetExt::realize(window);
        let xid = window.surface().and_downcast::<gdk4_x11::X11Surface>().map(|s| s.xid() as u32);
        let Some(xid) = xid else {
            window.present();
            return Ok(());
        };
        self.make_transient(xid);
        window.present();
        let (w, h) = window.default_size();
        self.place_over_owner(
            xid,
            if w > 0 { w } else { crate::window::WIDTH },
            if h > 0 { h } else { crate::window::HEIGHT },
        );
        Ok(())
    }

    fn owner_gone(&self) -> bool {
        while let Ok(Some(event)) = self.conn.poll_for_event() {
            if let Event::DestroyNotify(e) = event {
                if e.window == self.owner {
                    return true;
                }
            }
        }
        false
    }
}

/// Centre our own `child` window over our `parent` when no window manager runs (Xvfb, a
/// kiosk): X then leaves every new window at the screen's corner. A window manager
/// places transient windows itself, so then this does nothing.
pub fn centre_when_unmanaged(child: u32, parent: u32) {
    let Ok((conn, screen)) = x11rb::connect(None) else { return };
    let Some(root) = conn.setup().roots.get(screen).map(|s| s.root) else { return };
    let managed = conn
        .intern_atom(false, b"_NET_SUPPORTING_WM_CHECK")
        .ok()
        .and_then(|c| c.reply().ok())
        .and_then(|a| conn.get_property(false, root, a.atom, AtomEnum::WINDOW, 0, 1).ok())
        .and_then(|c| c.reply().ok())
        .is_some_and(|p| p.value_len > 0);
    if managed {
        return;
    }
    if let Some(c) = conn.get_geometry(child).ok().and_then(|c| c.reply().ok()) {
        centre_over(&conn, root, child, (i32::from(c.width), i32::from(c.height)), parent);
    }
}

/// Move `window` (of `size`) so that it is centred over `over`.
fn centre_over(conn: &RustConnection, root: u32, window: u32, size: (i32, i32), over: u32) {
    let Some(geo) = conn.get_geometry(over).ok().and_then(|c| c.reply().ok()) else { return };
    let Some(pos) = conn.translate_coordinates(over, root, 0, 0).ok().and_then(|c| c.reply().ok()) else {
        return;
    };
    let x = i32::from(pos.dst_x) + (i32::from(geo.width) - size.0) / 2;
    let y = i32::from(pos.dst_y) + (i32::from(geo.height) - size.1) / 2;
    let _ = conn.configure_window(window, &ConfigureWindowAux::new().x(x.max(0)).y(y.max(0)));
    let _ = conn.flush();
}
