//! Integration tests of carecount-generate: one binary, one module per concern.

mod support;

mod counts;
mod coverage;
mod rules;
mod shares;
