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

    /// The parts joined into one `String`, like `[..].concat()` but without `alloc`'s
    /// `join_generic_copy`, whose slice length checks reach core's integer formatting.
    pub(crate) fn concat(parts: &[&str]) -> String {
        let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        for part in parts {
            out.push_str(part);
        }
        out
    }

    /// The index of the first `sep` (an ASCII byte) in `s`: the one byte scan behind
    /// [`next_field`], [`split_byte`] and [`has_byte`] (one loop in the wasm, not one per site).
    #[inline(never)]
    pub(crate) fn find_byte(s: &str, sep: u8) -> Option<usize> {
        s.bytes().position(|b| b == sep)
    }

    /// Whether `s` contains `byte` (an ASCII byte).
    pub(crate) fn has_byte(s: &str, byte: u8) -> bool {
        find_byte(s, byte).is_some()
    }

    /// The part of `rest` before the first `sep` (an ASCII byte), moving `rest` past it; all of
    /// `rest` (and `rest` emptied) when `sep` is absent. For the crate's joined tables and
    /// attribute lists: one non-generic byte scan.
    pub(crate) fn next_field<'a>(rest: &mut &'a str, sep: u8) -> &'a str {
        let s = *rest;
        match find_byte(s, sep) {
            Some(i) => {
                *rest = s.get(i + 1..).unwrap_or_default();
                s.get(..i).unwrap_or_default()
            }
            None => {
                *rest = "";
                s
            }
        }
    }

    /// `s` split around its first `sep` (an ASCII byte), like `split_once` with a `char`, but one
    /// non-generic byte scan instead of core's `CharSearcher` and `memchr`.
    pub(crate) fn split_byte(s: &str, sep: u8) -> Option<(&str, &str)> {
        let i = find_byte(s, sep)?;
        Some((s.get(..i)?, s.get(i + 1..)?))
    }

    /// `core::cell::RefCell` for the crate. In the shipped build (`slim`, no std, wasm32) a
    /// borrow conflict traps directly, as the trapping panic handler would have, instead of
    /// going through `panic_already_borrowed` and core's formatter. The widget never holds a
    /// borrow across an `.await` or a callback (docs/DESIGN.md 3), so the trap is unreachable.
    #[cfg(all(feature = "slim", target_arch = "wasm32", not(feature = "std")))]
    pub(crate) struct RefCell<T>(core::cell::RefCell<T>);

    #[cfg(all(feature = "slim", target_arch = "wasm32", not(feature = "std")))]
    impl<T> RefCell<T> {
        pub(crate) const fn new(value: T) -> Self {
            Self(core::cell::RefCell::new(value))
        }

        #[inline]
        pub(crate) fn borrow(&self) -> core::cell::Ref<'_, T> {
            match self.0.try_borrow() {
                Ok(r) => r,
                Err(_) => core::arch::wasm32::unreachable(),
            }
        }

        #[inline]
        pub(crate) fn borrow_mut(&self) -> core::cell::RefMut<'_, T> {
            match self.0.try_borrow_mut() {
                Ok(r) => r,
                Err(_) => core::arch::wasm32::unreachable(),
            }
        }
    }

    #[cfg(all(feature = "slim", target_arch = "wasm32", not(feature = "std")))]
    impl<T: Default> Default for RefCell<T> {
        fn default() -> Self {
            Self::new(T::default())
        }
    }

    #[cfg(all(feature = "slim", target_arch = "wasm32", not(feature = "std")))]
    impl<T: core::fmt::Debug> core::fmt::Debug for RefCell<T> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            self.0.fmt(f)
        }
    }

    #[cfg(not(all(feature = "slim", target_arch = "wasm32", not(feature = "std"))))]
    pub(crate) use core::cell::RefCell;

    /// `n` in decimal, without `core::fmt` (integer `Display` pulls in the formatter). Only an
    /// HTTP status is written, so a `u16`: no sign, no digit buffer, and each digit appended as
    /// a one-byte slice of a literal rather than by `String::push(char)` (whose UTF-8 encoder
    /// the per-digit loop inlined).
    pub(crate) fn decimal(n: u16) -> String {
        let mut out = String::new();
        push_decimal(&mut out, u32::from(n));
        out
    }

    fn push_decimal(out: &mut String, n: u32) {
        if n >= 10 {
            push_decimal(out, n / 10);
        }
        let d = (n % 10) as usize;
        out.push_str("0123456789".get(d..=d).unwrap_or_default());
    }

    #[cfg(test)]
    #[test]
    fn decimal_writes_every_u16() {
        for (n, text) in [
            (0, "0"),
            (7, "7"),
            (10, "10"),
            (404, "404"),
            (65535, "65535"),
        ] {
            assert_eq!(decimal(n), text);
        }
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
pub mod flow;
pub mod http;
pub mod id_token;
pub mod oauth;
pub mod popup;
pub mod secret;
pub mod task;
pub mod token;
pub mod transaction;
