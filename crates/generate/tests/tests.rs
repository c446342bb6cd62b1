//! Integration tests of carecount-generate: one binary, one module per concern.

mod support;

mod counts;
mod coverage;
mod demo;
mod evolve;
mod rules;
mod shares;
