//! Small DOM helpers for the dialog: element creation and an RAII event listener guard.

#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, EventTarget, Node};

/// Creates `<tag>` with attributes and appends it to `parent`.
pub(crate) fn el(doc: &Document, parent: &Node, tag: &str, attrs: &[(&str, &str)]) -> Element {
    let element = doc.create_element(tag).unwrap_throw();
    for (name, value) in attrs {
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
    attrs: &[(&str, &str)],
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
