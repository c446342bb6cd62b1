//! The crate's single integration-test binary.

mod common;

mod benchmarks;
mod cache;
mod disclosure;
mod distributions;
mod posts;
mod profile;
mod properties;
mod rates;
mod results;
