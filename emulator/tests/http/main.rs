//! Host tests of the emulator over real HTTP on loopback (each test starts its own in-memory
//! tenant on a free port).

mod common;
mod control;
mod legacy;
mod management;
mod oidc;
mod persistence;
mod static_app;
