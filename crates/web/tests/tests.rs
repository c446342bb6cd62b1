//! The integration tests of carecount-web: one binary, modules by subject.

mod admin;
mod admin_areas;
mod common;
mod compliance;
mod compliance_api;
mod dashboards;
mod matrix;
mod projections;
mod records;
mod server;
mod staff_list;
mod upload;
