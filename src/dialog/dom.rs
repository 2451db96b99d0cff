//! Small DOM helpers for the dialog: a boolean attribute toggle and an RAII event listener
//! guard. Elements are created by js/wasm/dialog.js (see the imports in the parent module).

#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, EventTarget};

/// Sets or removes the boolean attribute `name`.
pub(crate) fn toggle(element: &Element, name: &str, on: bool) {
    let _ = element.toggle_attribute_with_force(name, on);
}

/// An event listener removed from its target when dropped (gloo-style guard).
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Adds `callback` for `kind` events on `target`.
    pub(crate) fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(Event) + 'static,
    ) -> Listener {
        let closure = Closure::<dyn FnMut(Event)>::new(callback);
        target
            .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
            .unwrap_throw();
        Listener {
            target: target.clone(),
            kind,
            closure,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}
