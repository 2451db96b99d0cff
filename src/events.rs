//! Widget events and their listener registry.
//!
//! `on` returns an unsubscribe function; `off` removes a callback; `emit` calls every listener of
//! an event with one payload. A listener that throws is reported with `console.error` and does not
//! stop the others. [`Events::clear`] (called by `destroy`) drops every listener.

use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::Cell;
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// The events a widget fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The dialog was shown. No payload.
    Show,
    /// The dialog was hidden. No payload.
    Hide,
    /// A connection button was clicked: `{ connection }`.
    Connection,
    /// An account was linked: `{ identity, identities }`.
    Linked,
    /// An account was unlinked: `{ provider, userId, identities }`.
    Unlinked,
    /// The primary sign-in finished: `{ profile, expiresAt }`.
    Authenticated,
    /// Something failed: the `LinkWidgetError`.
    Error,
}

impl EventKind {
    /// Every event name, in declaration order.
    pub const NAMES: [&'static str; 7] = [
        "show",
        "hide",
        "connection",
        "linked",
        "unlinked",
        "authenticated",
        "error",
    ];

    /// The JS name of the event.
    pub fn name(self) -> &'static str {
        EventKind::NAMES[self as usize]
    }

    /// Parses an event name; unknown names are `invalid_options` listing the known ones.
    pub fn parse(name: &str) -> Result<EventKind> {
        const ALL: [EventKind; 7] = [
            EventKind::Show,
            EventKind::Hide,
            EventKind::Connection,
            EventKind::Linked,
            EventKind::Unlinked,
            EventKind::Authenticated,
            EventKind::Error,
        ];
        EventKind::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| ALL[i])
            .ok_or_else(|| {
                Error::invalid_options(
                    "unknown event '".to_owned()
                        + name
                        + "'; use one of show, hide, connection, linked, unlinked, authenticated, error",
                )
            })
    }
}

struct Entry {
    id: u64,
    kind: EventKind,
    callback: Function,
}

#[derive(Default)]
struct Registry {
    /// The last id given out; ids only grow (a u64 never wraps in practice), which `emit` relies on.
    next_id: Cell<u64>,
    entries: RefCell<Vec<Entry>>,
}

impl Registry {
    fn remove_id(&self, id: u64) {
        self.entries.borrow_mut().retain(|e| e.id != id);
    }
}

/// The listener registry of one widget.
#[derive(Default)]
pub struct Events {
    registry: Rc<Registry>,
}

impl Events {
    /// An empty registry.
    pub fn new() -> Events {
        Events::default()
    }

    /// Adds a listener and returns the JS function that removes it (idempotent; a no-op after
    /// [`Events::clear`] or once the registry is gone).
    ///
    /// The unsubscribe function is owned by the caller (the JS GC frees it with its Rust part): it
    /// holds only a weak reference to the registry and the listener's id, so it keeps nothing alive.
    pub fn on(&self, kind: EventKind, callback: Function) -> Function {
        let id = self.registry.next_id.get().wrapping_add(1);
        self.registry.next_id.set(id);
        self.registry
            .entries
            .borrow_mut()
            .push(Entry { id, kind, callback });
        let weak: Weak<Registry> = Rc::downgrade(&self.registry);
        Closure::<dyn FnMut()>::new(move || {
            if let Some(registry) = weak.upgrade() {
                registry.remove_id(id);
            }
        })
        .into_js_value()
        .unchecked_into()
    }

    /// Removes every registration of `callback` for `kind`. Returns whether any was removed.
    pub fn off(&self, kind: EventKind, callback: &JsValue) -> bool {
        let mut entries = self.registry.entries.borrow_mut();
        let before = entries.len();
        entries.retain(|e| !(e.kind == kind && JsValue::from(&e.callback) == *callback));
        entries.len() != before
    }

    /// The number of listeners for `kind`.
    pub fn count(&self, kind: EventKind) -> usize {
        self.registry
            .entries
            .borrow()
            .iter()
            .filter(|e| e.kind == kind)
            .count()
    }

    /// Calls every listener of `kind` with `payload`, in the order they were added.
    ///
    /// Listeners added during the emit are not called for it; listeners removed during it are
    /// skipped. No borrow is held while a listener runs, so listeners may call `on`/`off`/`destroy`.
    pub fn emit(&self, kind: EventKind, payload: &JsValue) {
        // No snapshot `Vec`: ids grow in the order listeners are added, so each step calls the
        // first listener of `kind` after the one called last, up to the last id given out before
        // the emit. A listener removed meanwhile is not found; one added meanwhile is past `last`.
        let last = self.registry.next_id.get();
        let mut after = 0;
        loop {
            let next = self
                .registry
                .entries
                .borrow()
                .iter()
                .find(|e| e.kind == kind && e.id > after && e.id <= last)
                .map(|e| (e.id, e.callback.clone()));
            let Some((id, callback)) = next else {
                return;
            };
            after = id;
            if let Err(thrown) = callback.call1(&JsValue::UNDEFINED, payload) {
                let message = concat(&["account-link: a '", kind.name(), "' listener threw"]);
                web_sys::console::error_2(&JsValue::from_str(&message), &thrown);
            }
        }
    }

    /// Drops every listener (on destroy).
    pub fn clear(&self) {
        self.registry.entries.borrow_mut().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_round_trip() {
        for name in EventKind::NAMES {
            assert_eq!(EventKind::parse(name).unwrap().name(), name);
        }
        let err = EventKind::parse("click").unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::InvalidOptions);
        assert!(
            err.message.contains("show, hide, connection"),
            "{}",
            err.message
        );
    }
}
