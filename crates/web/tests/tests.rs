//! The integration tests of carecount-web: one binary, modules by subject.

mod common;
mod matrix;
mod records;
mod server;
mod upload;
