//! The window a dialog belongs to.

use raw_window_handle::{HasDisplayHandle, HasWindowHandle, RawDisplayHandle, RawWindowHandle};

use netdrive::Error;

/// The owner ("parent") window of a dialog: the dialog is transient for it, placed over
/// it, and closes when it is destroyed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Owner {
    /// No owner: a normal top-level window.
    #[default]
    None,
    /// An X11 window id (Win32 `HWND` in the C library is this id cast to a pointer).
    X11(u32),
    /// A Wayland toplevel exported with `xdg_foreign` (the handle string).
    Wayland(String),
}

impl Owner {
    /// Parse a portal-style handle: `x11:HEX` (with or without `0x`) or `wayland:HANDLE`;
    /// the empty string is no owner.
    pub fn parse(s: &str) -> Result<Owner, Error> {
        let bad =
            || Error::InvalidParameter(format!("{s:?} is not a window handle (x11:0xHEX or wayland:HANDLE)"));
        if s.is_empty() {
            return Ok(Owner::None);
        }
        if let Some(hex) = s.strip_prefix("x11:") {
            let hex = hex.trim_start_matches("0x").trim_start_matches("0X");
            let id = u32::from_str_radix(hex, 16).map_err(|_| bad())?;
            return Ok(if id == 0 { Owner::None } else { Owner::X11(id) });
        }
        if let Some(h) = s.strip_prefix("wayland:") {
            if !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()) {
                return Ok(Owner::Wayland(h.to_owned()));
            }
        }
        Err(bad())
    }

    /// The owner of any window that implements `raw-window-handle` 0.6 (winit, egui,
    /// iced, slint, ...). Xlib and XCB windows are used directly. A Wayland surface
    /// cannot be shared with another process without the caller exporting it through
    /// `xdg_foreign`: pass [`Owner::Wayland`] with the exported handle instead; here it
    /// gives no owner.
    pub fn from_window(w: &(impl HasWindowHandle + HasDisplayHandle)) -> Result<Owner, Error> {
        let window = w.window_handle().map_err(|e| Error::InvalidParameter(format!("window handle: {e}")))?;
        let display =
            w.display_handle().map_err(|e| Error::InvalidParameter(format!("display handle: {e}")))?;
        Ok(match (window.as_raw(), display.as_raw()) {
            (RawWindowHandle::Xlib(h), RawDisplayHandle::Xlib(_)) => {
                u32::try_from(h.window).map(Owner::X11).unwrap_or(Owner::None)
            }
            (RawWindowHandle::Xcb(h), RawDisplayHandle::Xcb(_)) => Owner::X11(h.window.get()),
            _ => Owner::None,
        })
    }

    /// The portal-style string form (`x11:0x...`), empty for none.
    pub fn to_handle_string(&self) -> String {
        match self {
            Owner::None => String::new(),
            Owner::X11(id) => format!("x11:0x{id:x}"),
            Owner::Wayland(h) => format!("wayland:{h}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Window(RawWindowHandle, RawDisplayHandle);

    impl HasWindowHandle for Window {
        fn window_handle(
            &self,
        ) -> Result<raw_window_handle::WindowHandle<'_>, raw_window_handle::HandleError> {
            // SAFETY: the handle is plain data that outlives the borrow; no window is used.
            Ok(unsafe { raw_window_handle::WindowHandle::borrow_raw(self.0) })
        }
    }

    impl HasDisplayHandle for Window {
        fn display_handle(
            &self,
        ) -> Result<raw_window_handle::DisplayHandle<'_>, raw_window_handle::HandleError> {
            // SAFETY: as above.
            Ok(unsafe { raw_window_handle::DisplayHandle::borrow_raw(self.1) })
        }
    }

    #[test]
    fn takes_raw_window_handles_as_rfd_does() {
        use raw_window_handle::{XcbDisplayHandle, XcbWindowHandle, XlibDisplayHandle, XlibWindowHandle};
        let xlib = Window(
            RawWindowHandle::Xlib(XlibWindowHandle::new(0x3a00007)),
            RawDisplayHandle::Xlib(XlibDisplayHandle::new(None, 0)),
        );
        assert_eq!(Owner::from_window(&xlib).unwrap(), Owner::X11(0x3a00007));
        let id = std::num::NonZeroU32::new(0x4c00002).unwrap();
        let xcb = Window(
            RawWindowHandle::Xcb(XcbWindowHandle::new(id)),
            RawDisplayHandle::Xcb(XcbDisplayHandle::new(None, 0)),
        );
        assert_eq!(Owner::from_window(&xcb).unwrap(), Owner::X11(0x4c00002));
    }

    #[test]
    fn parses_portal_handles() {
        assert_eq!(Owner::parse("x11:0x3a00007").unwrap(), Owner::X11(0x3a00007));
        assert_eq!(Owner::parse("x11:3a00007").unwrap(), Owner::X11(0x3a00007));
        assert_eq!(Owner::parse("").unwrap(), Owner::None);
        assert_eq!(Owner::parse("wayland:abc-123").unwrap(), Owner::Wayland("abc-123".into()));
        assert_eq!(Owner::parse("x11:zz").unwrap_err().code().0, 87);
        assert_eq!(Owner::parse("wayland:a b").unwrap_err().code().0, 87);
        assert_eq!(Owner::X11(0x3a00007).to_handle_string(), "x11:0x3a00007");
    }
}
