//! account-link: a "Link with another account" widget for Auth0 tenants, compiled to WebAssembly.
//!
//! It replaces the deprecated Lock linking popup: it shows a dialog, runs the secondary login in a
//! popup (authorization code + PKCE S256) or a redirect, validates the ID token and links it through
//! the Management API. See README.md for the JS API and docs/ARCHITECTURE.md for the module map.
//!
//! This file holds no logic: only the module list and re-exports.

#![warn(missing_docs)]

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
