//! Distributions, numbers that may be paths by year, and the seeded draws of §9.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

use crate::hash::fnv1a64;

/// The sd of `normal_ci`: (high − low)/3.919928 (§9).
pub const NORMAL_CI_DIVISOR: f64 = 3.919928;

/// A distribution of §9 (scalar ones; Dirichlet is drawn by [`draw_dirichlet`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// `fixed{value}`.
    Fixed(f64),
    /// `normal{mean, sd, min?, max?}`, clamped.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Lower clamp.
        min: Option<f64>,
        /// Upper clamp.
        max: Option<f64>,
    },
    /// `normal_ci{estimate, low, high}` (95% interval).
    NormalCi {
        /// Central estimate.
        estimate: f64,
        /// Lower 95% limit.
        low: f64,
        /// Upper 95% limit.
        high: f64,
    },
    /// `lognormal{median, sigma}`.
    LogNormal {
        /// Median.
        median: f64,
        /// Sigma of the log.
        sigma: f64,
    },
    /// `gamma{shape, rate}`.
    Gamma {
        /// Shape.
        shape: f64,
        /// Rate.
        rate: f64,
    },
    /// `beta{a, b}`.
    Beta {
        /// a.
        a: f64,
        /// b.
        b: f64,
    },
    /// `uniform{min, max}`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// `pert{min, mode, max}` with λ = 4.
    Pert {
        /// Minimum.
        min: f64,
        /// Mode.
        mode: f64,
        /// Maximum.
        max: f64,
    },
}

impl Dist {
    /// The value deterministic runs use: the mean (§9).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(value) => value,
            Dist::Normal { mean, min, max, .. } => clamp(mean, min, max),
            Dist::NormalCi { estimate, .. } => estimate,
            Dist::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
            Dist::Gamma { shape, rate } => shape / rate,
            Dist::Beta { a, b } => a / (a + b),
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
        }
    }

    /// Checks the parameters; returns what is impossible.
    pub fn check(&self) -> Result<(), String> {
        let finite = |values: &[f64]| values.iter().all(|value| value.is_finite());
        match *self {
            Dist::Fixed(value) if !value.is_finite() => Err("value is not finite".into()),
            Dist::Normal { mean, sd, min, max } => {
                if !finite(&[mean, sd]) || sd < 0.0 {
                    Err("normal needs a finite mean and sd ≥ 0".into())
                } else if let (Some(low), Some(high)) = (min, max)
                    && low > high
                {
                    Err("normal min > max".into())
                } else {
                    Ok(())
                }
            }
            Dist::NormalCi {
                estimate,
                low,
                high,
            } if !finite(&[estimate, low, high]) || low > estimate || estimate > high => {
                Err("normal_ci needs low ≤ estimate ≤ high".into())
            }
            Dist::LogNormal { median, sigma }
                if !finite(&[median, sigma]) || median <= 0.0 || sigma < 0.0 =>
            {
                Err("lognormal needs median > 0 and sigma ≥ 0".into())
            }
            Dist::Gamma { shape, rate }
                if !finite(&[shape, rate]) || shape <= 0.0 || rate <= 0.0 =>
            {
                Err("gamma needs shape > 0 and rate > 0".into())
            }
            Dist::Beta { a, b } if !finite(&[a, b]) || a <= 0.0 || b <= 0.0 => {
                Err("beta needs a > 0 and b > 0".into())
            }
            Dist::Uniform { min, max } if !finite(&[min, max]) || min > max => {
                Err("uniform min > max".into())
            }
            Dist::Pert { min, mode, max }
                if !finite(&[min, mode, max]) || min > mode || mode > max || min >= max =>
            {
                Err("pert needs min ≤ mode ≤ max and min < max".into())
            }
            _ => Ok(()),
        }
    }

    /// One draw. Falls back to the mean where the sampler rejects the parameters (never for a
    /// checked distribution).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let mean = self.mean();
        match *self {
            Dist::Fixed(value) => value,
            Dist::Normal { mean, sd, min, max } => {
                let value = rand_distr::Normal::new(mean, sd).map_or(mean, |d| d.sample(rng));
                clamp(value, min, max)
            }
            Dist::NormalCi {
                estimate,
                low,
                high,
            } => {
                let sd = (high - low) / NORMAL_CI_DIVISOR;
                rand_distr::Normal::new(estimate, sd).map_or(estimate, |d| d.sample(rng))
            }
            Dist::LogNormal { median, sigma } => {
                rand_distr::LogNormal::new(median.ln(), sigma).map_or(mean, |d| d.sample(rng))
            }
            Dist::Gamma { shape, rate } => {
                rand_distr::Gamma::new(shape, 1.0 / rate).map_or(mean, |d| d.sample(rng))
            }
            Dist::Beta { a, b } => rand_distr::Beta::new(a, b).map_or(mean, |d| d.sample(rng)),
            Dist::Uniform { min, max } => {
                if max > min {
                    rand_distr::Uniform::new(min, max).map_or(mean, |d| d.sample(rng))
                } else {
                    min
                }
            }
            Dist::Pert { min, mode, max } => rand_distr::Pert::new(min, max)
                .with_mode(mode)
                .map_or(mean, |d| d.sample(rng)),
        }
    }

    /// Whether the distribution is degenerate (always its mean).
    pub fn is_degenerate(&self) -> bool {
        match *self {
            Dist::Fixed(_) => true,
            Dist::Normal { sd, .. } => sd == 0.0,
            Dist::NormalCi { low, high, .. } => low == high,
            Dist::LogNormal { sigma, .. } => sigma == 0.0,
            Dist::Uniform { min, max } => min == max,
            _ => false,
        }
    }
}

fn clamp(value: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let value = min.map_or(value, |low| value.max(low));
    max.map_or(value, |high| value.min(high))
}

/// A scalar: a value or a distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A plain value.
    Value(f64),
    /// A distribution, drawn once per run.
    Dist(Dist),
}

/// A number of §8: a value, a distribution or a path by year.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    /// A scalar.
    Scalar(Scalar),
    /// `{ 2025 = v, 2030 = v }`: linear between keys, flat outside; sorted by year.
    Path(Vec<(i32, Scalar)>),
}

impl Number {
    /// A constant.
    pub fn value(value: f64) -> Number {
        Number::Scalar(Scalar::Value(value))
    }
    /// Resolves to a year function for one run (`run = None`: deterministic means). `key` is the
    /// stable key of §9; path points add `/<year>`.
    pub fn resolve(&self, key: &str, draws: &Draws) -> YearFn {
        match self {
            Number::Scalar(scalar) => YearFn::Constant(draws.scalar(scalar, key)),
            Number::Path(points) => YearFn::Path(
                points
                    .iter()
                    .map(|(year, scalar)| (*year, draws.scalar(scalar, &format!("{key}/{year}"))))
                    .collect(),
            ),
        }
    }
    /// Whether any part is a non-degenerate distribution.
    pub fn is_uncertain(&self) -> bool {
        let uncertain = |scalar: &Scalar| matches!(scalar, Scalar::Dist(d) if !d.is_degenerate());
        match self {
            Number::Scalar(scalar) => uncertain(scalar),
            Number::Path(points) => points.iter().any(|(_, scalar)| uncertain(scalar)),
        }
    }
}

/// A resolved number: a function of the calendar year.
#[derive(Debug, Clone, PartialEq)]
pub enum YearFn {
    /// The same every year.
    Constant(f64),
    /// Linear between the points, flat outside (sorted by year, at least one point).
    Path(Vec<(i32, f64)>),
}

impl YearFn {
    /// Value in a (fractional) year.
    pub fn at(&self, year: f64) -> f64 {
        match self {
            YearFn::Constant(value) => *value,
            YearFn::Path(points) => {
                let (Some(first), Some(last)) = (points.first(), points.last()) else {
                    return 0.0;
                };
                if year <= f64::from(first.0) {
                    return first.1;
                }
                if year >= f64::from(last.0) {
                    return last.1;
                }
                for pair in points.windows(2) {
                    let (y0, v0) = pair[0];
                    let (y1, v1) = pair[1];
                    if year <= f64::from(y1) {
                        let fraction = (year - f64::from(y0)) / f64::from(y1 - y0);
                        return v0 + (v1 - v0) * fraction;
                    }
                }
                last.1
            }
        }
    }
}

/// Where draws come from: the seed and the run (§9). `run = None` is the deterministic run,
/// which uses means.
#[derive(Debug, Clone, Copy)]
pub struct Draws {
    /// The seed.
    pub seed: u64,
    /// The Monte Carlo run, or `None` for the deterministic run.
    pub run: Option<u64>,
}

impl Draws {
    /// The deterministic run.
    pub fn deterministic() -> Draws {
        Draws { seed: 0, run: None }
    }

    /// The generator for a key in this run: `ChaCha8Rng::seed_from_u64(seed ^ fnv1a64(key))`
    /// then `set_stream(run)` (§9).
    pub fn rng(&self, key: &str) -> Option<ChaCha8Rng> {
        let run = self.run?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed ^ fnv1a64(key));
        rng.set_stream(run);
        Some(rng)
    }

    /// Value of a distribution under a key: its mean when deterministic.
    pub fn dist(&self, dist: &Dist, key: &str) -> f64 {
        match self.rng(key) {
            Some(mut rng) if !dist.is_degenerate() => dist.sample(&mut rng),
            _ => dist.mean(),
        }
    }

    /// Value of a scalar under a key.
    pub fn scalar(&self, scalar: &Scalar, key: &str) -> f64 {
        match scalar {
            Scalar::Value(value) => *value,
            Scalar::Dist(dist) => self.dist(dist, key),
        }
    }
}

/// Draws shares from Dirichlet(counts + ½) (§9), or returns the normalised counts when
/// deterministic. Empty or all-zero counts give equal shares.
pub fn draw_dirichlet(counts: &[f64], draws: &Draws, key: &str) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    if counts.is_empty() {
        return Vec::new();
    }
    let normalised: Vec<f64> = if total > 0.0 {
        counts.iter().map(|count| count / total).collect()
    } else {
        vec![1.0 / counts.len() as f64; counts.len()]
    };
    let Some(mut rng) = draws.rng(key) else {
        return normalised;
    };
    let gammas: Vec<f64> = counts
        .iter()
        .map(|count| rand_distr::Gamma::new(count + 0.5, 1.0).map_or(0.0, |d| d.sample(&mut rng)))
        .collect();
    let sum: f64 = gammas.iter().sum();
    if sum > 0.0 {
        gammas.iter().map(|gamma| gamma / sum).collect()
    } else {
        normalised
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_interpolates_and_is_flat_outside() {
        // §14 test 16: {2025 = 1.0, 2030 = 0.5}: 2027 → 1.0 − 0.5·2/5 = 0.8.
        let path = YearFn::Path(vec![(2025, 1.0), (2030, 0.5)]);
        assert!((path.at(2027.0) - 0.8).abs() < 1e-12);
        assert_eq!(path.at(2024.0), 1.0);
        assert_eq!(path.at(2035.0), 0.5);
    }

    #[test]
    fn means_follow_section_9() {
        // pert (1 + 4·2 + 6)/6 = 2.5; lognormal 2·e^{0.5²/2} = 2·e^{0.125}.
        let pert = Dist::Pert {
            min: 1.0,
            mode: 2.0,
            max: 6.0,
        };
        assert!((pert.mean() - 2.5).abs() < 1e-12);
        let lognormal = Dist::LogNormal {
            median: 2.0,
            sigma: 0.5,
        };
        assert!((lognormal.mean() - 2.0 * 0.125f64.exp()).abs() < 1e-12);
        assert!(
            Dist::Pert {
                min: 3.0,
                mode: 2.0,
                max: 6.0
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn draws_depend_on_key_and_run_only() {
        let dist = Dist::Uniform { min: 0.0, max: 1.0 };
        let a = Draws {
            seed: 7,
            run: Some(3),
        };
        let b = Draws {
            seed: 7,
            run: Some(4),
        };
        let first = a.dist(&dist, "lever/x");
        assert_eq!(first, a.dist(&dist, "lever/x"));
        assert_ne!(first, b.dist(&dist, "lever/x"));
        assert_ne!(first, a.dist(&dist, "lever/y"));
    }
}
