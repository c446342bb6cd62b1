//! Distribution statistics (`metrics.md` §4): nearest-rank percentiles and means.

use serde::Serialize;

use crate::value::Figure;

/// The p-th percentile of `sorted` (ascending) by the nearest-rank method: the value at rank
/// ⌈p/100 × n⌉ (rank 1 for p = 0). `None` for no values. `p` is clamped to 100.
pub fn nearest_rank(sorted: &[f64], p: u32) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let p = p.min(100) as usize;
    // ⌈p × n / 100⌉ in integers, so 50 % of 4 is exactly rank 2.
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The median by nearest rank (the 50th percentile).
pub fn median(sorted: &[f64]) -> Option<f64> {
    nearest_rank(sorted, 50)
}

/// The arithmetic mean, `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// The p-th nearest-rank percentile of unsorted values, reordering them in place (linear time).
pub fn nearest_rank_unsorted(values: &mut [f64], p: u32) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let p = p.min(100) as usize;
    let rank = (p * n).div_ceil(100).max(1);
    let (_, value, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    Some(*value)
}

/// Sorts values ascending (NaN never arrives from the facts; `total_cmp` orders it anyway).
pub(crate) fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

/// Summary of a distribution of values from some workplaces: the figures `metrics.md` §4 asks
/// for pay (median, mean, 10th and 90th percentiles, n).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Nearest-rank median.
    pub median: Figure,
    /// Mean.
    pub mean: Figure,
    /// Nearest-rank 10th percentile.
    pub p10: Figure,
    /// Nearest-rank 90th percentile.
    pub p90: Figure,
    /// Number of values.
    pub n: Figure,
}

impl Summary {
    /// Summarises `values` drawn from `workplaces` workplaces.
    pub fn of(mut values: Vec<f64>, workplaces: u64) -> Summary {
        let n = values.len() as u64;
        Summary {
            mean: Figure::statistic(mean(&values), n, workplaces),
            median: Figure::statistic(nearest_rank_unsorted(&mut values, 50), n, workplaces),
            p10: Figure::statistic(nearest_rank_unsorted(&mut values, 10), n, workplaces),
            p90: Figure::statistic(nearest_rank_unsorted(&mut values, 90), n, workplaces),
            n: Figure::count(n as f64),
        }
    }
}
