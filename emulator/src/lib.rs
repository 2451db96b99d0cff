//! A local Auth0-compatible tenant for developing and testing account-link.
//!
//! Like the Firebase Auth emulator, it is a real server with real protocol checks: OIDC
//! discovery and JWKS, `/authorize` with hosted login pages (PKCE S256 required; `query`,
//! `fragment` and `web_message` answers), `/oauth/token`, `/userinfo`, the Management API
//! endpoints for reading, linking and unlinking identities (Auth0's error bodies and rate-limit
//! headers), the deprecated `/authorize?access_token=` and `POST /unlink`, CORS for the configured
//! web origins, a test control API, and a static app server on a second origin.
//! See `emulator/README.md` for flags and endpoints.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod authorize;
pub mod config;
pub mod cors;
pub mod discovery;
pub mod faults;
pub mod keys;
pub mod legacy;
pub mod management;
pub mod pages;
pub mod rate_limit;
pub mod server;
pub mod state;
pub mod static_app;
pub mod store;
pub mod test_control;
pub mod token;

pub use config::Config;
pub use keys::Keys;
pub use server::{start, AppOptions, Options, Running};
pub use static_app::AppSite;
