//! Widget events and their listener registry.
//!
//! `on` returns an unsubscribe function; `off` removes a callback; `emit` calls every listener of
//! an event with one payload. A listener that throws is reported with `console.error` and does not
//! stop the others. [`Events::clear`] (called by `destroy`) drops every listener.

use crate::error::{Error, Result};
#[allow(unused_imports)]
use crate::prelude::*;
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

    /// Every kind, in declaration order (the index of [`EventKind::NAMES`] and of js/error.js's
    /// `EVENTS`).
    const ALL: [EventKind; 7] = [
        EventKind::Show,
        EventKind::Hide,
        EventKind::Connection,
        EventKind::Linked,
        EventKind::Unlinked,
        EventKind::Authenticated,
        EventKind::Error,
    ];

    /// Parses an event name; unknown names are `invalid_options` listing the known ones.
    pub fn parse(name: &str) -> Result<EventKind> {
        EventKind::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| EventKind::ALL[i])
            .ok_or_else(|| unknown_event(name))
    }

    /// [`EventKind::parse`] of a JS value as `on`/`off` get it (a non-string is an unknown
    /// event), matched by js/error.js's `eventIndex`: the name is read into the wasm only for
    /// the error message, and no string is compared here.
    // Only the wasm widget parses `on`/`off` arguments (src/widget.rs is wasm32-only).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn from_js(name: &JsValue) -> Result<EventKind> {
        EventKind::ALL
            .get(event_index(name) as usize)
            .copied()
            .ok_or_else(|| unknown_event(&name.as_string().unwrap_or_default()))
    }
}

/// `invalid_options` for the event `name`, listing the known ones.
fn unknown_event(name: &str) -> Error {
    Error::invalid_options(
        "unknown event '".to_owned()
            + name
            + "'; use one of show, hide, connection, linked, unlinked, authenticated, error",
    )
}

// The registry itself is JS (js/error.js, the module the wasm already imports for
// `LinkWidgetError`): keeping `[event, listener]` pairs, calling them and catching what they throw
// is plumbing that cost about 1.5 KB of wasm (an id per entry, a `RefCell<Vec<_>>`, the
// unsubscribe `Closure`); when to emit what stays in Rust.
#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    /// A new, empty list of `[event, listener]` pairs.
    #[wasm_bindgen(js_name = listeners)]
    fn listeners() -> JsValue;
    /// The index of the event name `name` in js/error.js's `EVENTS` (the order of
    /// [`EventKind::NAMES`]), or -1 for anything else, a non-string too.
    #[wasm_bindgen(js_name = eventIndex)]
    fn event_index(name: &JsValue) -> i32;
    /// Appends `[event, listener]`; returns the function that removes that pair. Events are
    /// passed by index (`kind as u32`) rather than as name strings: no string crosses over.
    #[wasm_bindgen(js_name = listen)]
    fn listen(list: &JsValue, event: u32, listener: &Function) -> Function;
    /// Removes every `[event, listener]` pair.
    #[wasm_bindgen(js_name = unlisten)]
    fn unlisten(list: &JsValue, event: u32, listener: &JsValue);
    /// Calls the listeners of `event` with `payload` (see [`Events::emit`]).
    #[wasm_bindgen(js_name = fire)]
    fn fire(list: &JsValue, event: u32, payload: &JsValue);
    /// Empties the list in place.
    #[wasm_bindgen(js_name = unlistenAll)]
    fn unlisten_all(list: &JsValue);
}

/// The listener registry of one widget.
pub struct Events {
    list: JsValue,
}

impl Default for Events {
    fn default() -> Events {
        Events { list: listeners() }
    }
}

impl Events {
    /// An empty registry.
    pub fn new() -> Events {
        Events::default()
    }

    /// Adds a listener and returns the JS function that removes it (idempotent; a no-op after
    /// [`Events::clear`]). The unsubscribe function belongs to the caller and holds only the
    /// list, which `clear` empties.
    pub fn on(&self, kind: EventKind, callback: Function) -> Function {
        listen(&self.list, kind as u32, &callback)
    }

    /// Removes every registration of `callback` for `kind`.
    pub fn off(&self, kind: EventKind, callback: &JsValue) {
        unlisten(&self.list, kind as u32, callback);
    }

    /// Calls every listener of `kind` with `payload`, in the order they were added.
    ///
    /// Listeners added during the emit are not called for it; listeners removed during it
    /// (including by `destroy`) are skipped. A listener that throws is reported with
    /// `console.error` (`account-link: a 'show' listener threw`) and the others still run. No
    /// borrow is held while a listener runs, so listeners may call `on`/`off`/`destroy`.
    pub fn emit(&self, kind: EventKind, payload: &JsValue) {
        fire(&self.list, kind as u32, payload);
    }

    /// Drops every listener (on destroy).
    pub fn clear(&self) {
        unlisten_all(&self.list);
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
