//! The dialog's event listeners and their RAII guard. Elements are created by js/wasm/dialog.js
//! (see the imports in the parent module).

#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

#[wasm_bindgen(module = "/js/wasm/dialog.js")]
extern "C" {
    /// js/wasm/dialog.js `listen`: adds the dialog's click and keydown listeners to `root`,
    /// both forwarding to `handler` as `(code, value)`: the number of what was clicked or
    /// pressed (backdrop, connection, one of five actions, Escape, Tab; see the snippet) and
    /// what Rust needs of it; anything else is not forwarded. Returns `stop`.
    #[wasm_bindgen(js_name = listen)]
    fn listen(root: &ShadowRoot, handler: &Closure<dyn Fn(u32, JsValue)>) -> Function;
}

/// The dialog's event listeners (click and keydown on its shadow root, both forwarded to one
/// closure), removed when dropped (gloo-style guard); then the closure, which nothing can call
/// any more, is freed.
pub(crate) struct Listener {
    stop: Function,
    _handler: Closure<dyn Fn(u32, JsValue)>,
}

impl Listener {
    /// Forwards the clicks and keydowns in `root` to `handler` (see `listen`).
    pub(crate) fn new(root: &ShadowRoot, handler: impl Fn(u32, JsValue) + 'static) -> Listener {
        let handler = Closure::<dyn Fn(u32, JsValue)>::new(handler);
        Listener {
            stop: listen(root, &handler),
            _handler: handler,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::UNDEFINED);
    }
}
