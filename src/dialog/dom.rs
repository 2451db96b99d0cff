//! Small DOM helpers for the dialog: element creation and an RAII event listener guard.

#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, EventTarget, Node};

/// Creates `<tag>` with the fixed attributes `attrs` and appends it to `parent`. `attrs` is one
/// literal, `name=value` or `name` (empty value) separated by spaces (the values have none):
/// one string per call site instead of an array of pairs built on the stack at each. Values
/// that vary (labels, ids, URLs) are set by the caller with `setAttribute`.
pub(crate) fn el(doc: &Document, parent: &Node, tag: &str, attrs: &str) -> Element {
    let element = doc.create_element(tag).unwrap_throw();
    let mut rest = attrs;
    while !rest.is_empty() {
        let mut value = next_field(&mut rest, b' ');
        let name = next_field(&mut value, b'=');
        element.set_attribute(name, value).unwrap_throw();
    }
    parent.append_child(&element).unwrap_throw();
    element
}

/// Like [`el`], with its text content (always text, never HTML).
pub(crate) fn el_text(
    doc: &Document,
    parent: &Node,
    tag: &str,
    attrs: &str,
    text: &str,
) -> Element {
    let element = el(doc, parent, tag, attrs);
    element.set_text_content(Some(text));
    element
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
