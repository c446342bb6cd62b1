//! The integration tests of `carecount-compliance`: every required test of `compliance.md` §11,
//! catalogue and profile checks, and property tests.

mod util;

mod catalogue;
mod export;
mod figures;
mod import;
mod profile;
mod properties;
mod status;
mod tna;
mod wire;
