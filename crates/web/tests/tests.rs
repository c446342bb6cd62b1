//! The integration tests of carecount-web: one binary, modules by subject.

mod admin;
mod common;
mod compliance;
mod dashboards;
mod matrix;
mod projections;
mod records;
mod server;
mod upload;
