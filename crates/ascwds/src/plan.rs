//! What a validated upload changes (§6.3 "what will change", §6.4 completion semantics).

/// Placeholder until the lead writes it.
#[derive(Debug, Clone, Default)]
pub struct Plan;
#[derive(Debug, Clone)]
pub enum Change {}
#[derive(Debug, Clone, Default)]
pub struct ChangeCounts;
