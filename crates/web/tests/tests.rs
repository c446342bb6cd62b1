//! The integration tests of carecount-web: one binary, modules by subject.

mod common;
mod compliance;
mod matrix;
mod projections;
mod records;
mod server;
mod upload;
