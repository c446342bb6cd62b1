//! carecount-planning: the workforce projection model of `planning.md` (model version 1).
//!
//! What it is: for an area and each of the next years, demand for posts (§3), the supply a
//! quarterly cohort stock-flow of today's workforce and its flows will give (§4), the gap,
//! starters needed and risk (§6), costs (§7), for a baseline and variants read from a scenario
//! file (§8), with seeded Monte Carlo uncertainty (§9), written as JSON, CSV or HTML (§10). Rates
//! come from shipped or user reference tables (§11) or are estimated from a data set (§5).
//!
//! What it is NOT: it opens no files, sockets or databases (the binary reads files and passes
//! text; the store fills [`estimate::DataSet`]), it sees no personal field (only counts, ages and
//! durations), and it is a projection under stated assumptions, not a forecast.
//!
//! Main entry points: [`scenario::parse_scenario`], [`tables::TableSet`], [`project`] and the
//! writers in [`output`].

// The equations index several arrays by the same dimension (role group, setting, band), which
// reads closer to planning.md than zipped iterators.
#![allow(clippy::needless_range_loop)]

pub mod demand;
pub mod dims;
pub mod dist;
pub mod engine;
pub mod error;
pub mod estimate;
pub mod hash;
pub mod load;
pub mod model;
pub mod montecarlo;
pub mod output;
pub mod scenario;
pub mod tables;

pub use error::{InputError, PlanningError};
pub use estimate::DataSet;
pub use montecarlo::{Projection, project};

/// Model version (§1): any change to an equation, default or definition increments it.
pub const MODEL_VERSION: u32 = 1;
