//! Small DOM helpers for the dialog: element creation and an RAII event listener guard.

#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, EventTarget, Node};

#[wasm_bindgen(module = "/js/wasm/dialog.js")]
extern "C" {
    /// js/wasm/dialog.js `el`: see [`el`] and [`el_text`] (`text` empty: none, a new element has
    /// no text anyway). One import call per element instead
    /// of `createElement`, one `setAttribute` per attribute, `textContent` and `appendChild`.
    #[wasm_bindgen(js_name = el)]
    fn make(parent: &Node, tag: &str, attrs: &str, text: &str) -> Element;
}

/// Creates `<tag>` (in the page's document) with the fixed attributes `attrs` and appends it to
/// `parent`. `attrs` is one literal, `name=value` or `name` (empty value) separated by spaces
/// (the values have none): one string per call site instead of an array of pairs built on the
/// stack at each. Values that vary (labels, ids, URLs) are set by the caller with
/// `setAttribute`.
pub(crate) fn el(parent: &Node, tag: &str, attrs: &str) -> Element {
    make(parent, tag, attrs, "")
}

/// Like [`el`], with its text content (always text, never HTML: `textContent`).
pub(crate) fn el_text(parent: &Node, tag: &str, attrs: &str, text: &str) -> Element {
    make(parent, tag, attrs, text)
}

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
