//! The owner window on Wayland: noticing that it is unknown or gone. GTK imports the
//! owner's `xdg_foreign` handle to make the dialog its child, but does not say when the
//! import fails or the owner goes away; a second import over our own connection does,
//! through `zxdg_imported_v2.destroyed` (sent for an unknown handle, and when the owner
//! or its export is destroyed).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use gtk::prelude::*;
use wayland_client::globals::{registry_queue_init, GlobalListContents};
use wayland_client::protocol::wl_registry::WlRegistry;
use wayland_client::{Connection, Dispatch, QueueHandle};
use wayland_protocols::xdg::foreign::zv2::client::zxdg_imported_v2::{self, ZxdgImportedV2};
use wayland_protocols::xdg::foreign::zv2::client::zxdg_importer_v2::ZxdgImporterV2;

use crate::owner::OwnerWatch;

/// Our own import of the owner's exported toplevel, watched on a thread.
pub struct ForeignOwner {
    handle: String,
    gone: Arc<AtomicBool>,
}

struct State {
    gone: Arc<AtomicBool>,
}

impl Dispatch<WlRegistry, GlobalListContents> for State {
    fn event(
        _: &mut Self,
        _: &WlRegistry,
        _: <WlRegistry as wayland_client::Proxy>::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<ZxdgImporterV2, ()> for State {
    fn event(
        _: &mut Self,
        _: &ZxdgImporterV2,
        _: <ZxdgImporterV2 as wayland_client::Proxy>::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<ZxdgImportedV2, ()> for State {
    fn event(
        state: &mut Self,
        _: &ZxdgImportedV2,
        event: zxdg_imported_v2::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let zxdg_imported_v2::Event::Destroyed = event {
            state.gone.store(true, Ordering::SeqCst);
        }
    }
}

impl ForeignOwner {
    /// Import `handle` and check that the compositor knows it; then watch it on a thread.
    pub fn start(handle: &str) -> Result<ForeignOwner, String> {
        let conn =
            Connection::connect_to_env().map_err(|e| format!("cannot open the Wayland display: {e}"))?;
        let (globals, mut queue) =
            registry_queue_init::<State>(&conn).map_err(|e| format!("Wayland display: {e}"))?;
        let qh = queue.handle();
        let importer: ZxdgImporterV2 = globals.bind(&qh, 1..=1, ()).map_err(|_| {
            "the compositor cannot parent windows across programs (no xdg-foreign)".to_owned()
        })?;
        let imported = importer.import_toplevel(handle.to_owned(), &qh, ());
        let gone = Arc::new(AtomicBool::new(false));
        let mut state = State { gone: Arc::clone(&gone) };
        queue.roundtrip(&mut state).map_err(|e| format!("Wayland display: {e}"))?;
        if gone.load(Ordering::SeqCst) {
            return Err(format!("the compositor does not know the window wayland:{handle}"));
        }
        std::thread::Builder::new()
            .name("owner-watch".into())
            .spawn(move || {
                let _kept = (importer, imported, conn);
                while !state.gone.load(Ordering::SeqCst) {
                    if queue.blocking_dispatch(&mut state).is_err() {
                        // The compositor went away: so did the owner.
                        state.gone.store(true, Ordering::SeqCst);
                    }
                }
            })
            .map_err(|e| format!("cannot watch the owner window: {e}"))?;
        Ok(ForeignOwner { handle: handle.to_owned(), gone })
    }
}

impl OwnerWatch for ForeignOwner {
    /// GTK's own import makes the window the owner's child; the compositor places it.
    fn adopt(&self, window: &gtk::Window) -> Result<(), String> {
        WidgetExt::realize(window);
        let toplevel = window.surface().and_then(|s| s.downcast::<gdk4_wayland::WaylandToplevel>().ok());
        if !toplevel.is_some_and(|t| t.set_transient_for_exported(&self.handle)) {
            return Err(format!("the compositor does not know the window wayland:{}", self.handle));
        }
        window.present();
        Ok(())
    }

    fn owner_gone(&self) -> bool {
        self.gone.load(Ordering::SeqCst)
    }
}
