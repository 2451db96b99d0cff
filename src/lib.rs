//! account-link: a "Link with another account" widget for Auth0 tenants, compiled to WebAssembly.
//!
//! It replaces the deprecated Lock linking popup: it shows a dialog, runs the secondary login in a
//! popup (authorization code + PKCE S256) or a redirect, validates the ID token and links it through
//! the Management API. See README.md for the JS API and docs/ARCHITECTURE.md for the module map.
//!
//! This file holds no logic: only the module list and re-exports.

#![warn(missing_docs)]
// Without the `std` feature (what `npm run build` ships: `--no-default-features --features slim`)
// the crate is `no_std` + `alloc`: std's panic machinery and core's formatting leave the wasm
// (see bench/README.md). The default `std` feature is for tests and tools.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

/// `alloc` names that std's prelude would give; every module imports this.
#[allow(unused_imports)]
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::string::String;
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;

    /// `n` in decimal, without `core::fmt` (integer `Display` pulls in the formatter).
    pub(crate) fn decimal(n: i64) -> String {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let mut out = String::with_capacity(21);
        if n < 0 {
            out.push('-');
        }
        for &d in digits.get(i..).unwrap_or_default() {
            out.push(char::from(d));
        }
        out
    }
}

/// The shipped wasm runtime (feature `slim`, wasm32 only): talc as the global allocator instead
/// of std's dlmalloc, and, without std, a panic handler that traps. A trap surfaces in JS as a
/// `RuntimeError: unreachable` exception, as a panic does with `panic = "abort"`; no panic
/// message is formatted (none was shown to users either).
#[cfg(all(
    feature = "slim",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
mod slim {
    // talc 5: maintained, MIT, no_std, made for single-threaded wasm; grows linear memory with
    // `memory.grow` like dlmalloc, in a fraction of its code (bench/README.md).
    #[global_allocator]
    static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

    #[cfg(not(feature = "std"))]
    #[panic_handler]
    fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
        core::arch::wasm32::unreachable()
    }
}

pub mod dialog;
pub mod error;
pub mod events;
pub mod options;
#[cfg(target_arch = "wasm32")]
pub mod widget;

pub use error::{Error, ErrorCode};
#[cfg(target_arch = "wasm32")]
pub use widget::LinkWidget;

// Flow modules: plain functions and types the widget facade calls (see docs/ARCHITECTURE.md).
pub mod api;
pub mod base64url;
pub mod flow;
pub mod http;
pub mod id_token;
pub mod oauth;
pub mod popup;
pub mod secret;
pub mod token;
pub mod transaction;
