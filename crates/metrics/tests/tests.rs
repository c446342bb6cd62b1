//! The crate's single integration-test binary.

mod common;

mod benchmarks;
mod disclosure;
mod distributions;
mod posts;
mod profile;
mod properties;
mod rates;
