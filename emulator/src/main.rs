//! Local Auth0-compatible tenant (placeholder until the emulator lands).
fn main() {}
