//! Handles: opaque numbers checked against a registry, never dereferenced, so a wrong,
//! stale or closed handle is `ERROR_INVALID_HANDLE` rather than a crash.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use netdrive_dialog::DialogHandle;

use crate::enumerate::EnumState;
use crate::types::HANDLE;

/// What a handle stands for.
pub(crate) enum Entry {
    Enum(EnumState),
    Dialog(DialogHandle),
    Browse(crate::globalnet::BrowseEnum),
}

static REGISTRY: Mutex<Option<HashMap<usize, Entry>>> = Mutex::new(None);
static NEXT_HANDLE: AtomicUsize = AtomicUsize::new(0x4e44_0000);

pub(crate) fn registry() -> std::sync::MutexGuard<'static, Option<HashMap<usize, Entry>>> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn register(e: Entry) -> HANDLE {
    let id = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    registry().get_or_insert_with(HashMap::new).insert(id, e);
    id as HANDLE
}
