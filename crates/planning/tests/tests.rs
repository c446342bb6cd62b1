//! The planning crate's one integration-test binary: §13 validation figures and §14 required
//! tests, each with its expected numbers worked from the specification.

mod bad_input;
mod common;
mod gaps;
mod properties;
mod required;
mod smoke;
mod validation;
