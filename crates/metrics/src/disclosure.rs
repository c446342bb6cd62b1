//! Disclosure control (`metrics.md` §6), a layer applied to computed figures by audience.
//! Computation never suppresses; outputs call [`disclose`] (or [`Disclose::disclose`] on a
//! table or profile) before a figure leaves the server.

use crate::value::{Figure, FigureKind, MetricValue, SuppressionReason};

/// Who will see a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// Holds the store or sees only its own workplaces: figures unsuppressed.
    #[default]
    Employer,
    /// Cannot see the underlying staff records (commissioners, public): §6 applies.
    Commissioner,
}

impl Audience {
    /// Parses `employer|commissioner`.
    pub fn parse(text: &str) -> Option<Audience> {
        match text {
            "employer" => Some(Audience::Employer),
            "commissioner" => Some(Audience::Commissioner),
            _ => None,
        }
    }
}

/// Smallest count shown (§6: 1 to 4 are withheld).
pub const MIN_COUNT: f64 = 5.0;
/// Smallest denominator of a rate, share or mean shown.
pub const MIN_DENOMINATOR: f64 = 10.0;
/// Smallest number of workplaces a rate or statistic may rest on.
pub const MIN_WORKPLACES: u64 = 3;
/// Smallest number of values a pay or age statistic may rest on.
pub const MIN_VALUES: u64 = 10;

/// The reason a figure must be withheld, or `None` when it may be shown. A figure without a
/// value ("no data") is never suppressed.
fn reason(
    kind: FigureKind,
    value: Option<f64>,
    denominator: f64,
    values: u64,
    workplaces: u64,
) -> Option<SuppressionReason> {
    let value = value?;
    match kind {
        FigureKind::Count => {
            (value > 0.0 && value < MIN_COUNT).then_some(SuppressionReason::CountBelow5)
        }
        FigureKind::Ratio => {
            if denominator < MIN_DENOMINATOR {
                Some(SuppressionReason::DenominatorBelow10)
            } else if workplaces < MIN_WORKPLACES {
                Some(SuppressionReason::FewerThan3Workplaces)
            } else {
                None
            }
        }
        FigureKind::Statistic => {
            if values < MIN_VALUES {
                Some(SuppressionReason::FewerThan10Values)
            } else if workplaces < MIN_WORKPLACES {
                Some(SuppressionReason::FewerThan3Workplaces)
            } else {
                None
            }
        }
    }
}

/// Applies §6 to one metric for `audience`. A withheld figure loses its value, numerator,
/// denominator, workplaces, records and unknown count.
pub fn disclose(mut metric: MetricValue, audience: Audience) -> MetricValue {
    if audience == Audience::Employer {
        return metric;
    }
    let denominator = metric.denominator.unwrap_or(0.0);
    let values = metric.records.unwrap_or(0);
    if let Some(why) = reason(
        metric.kind,
        metric.value,
        denominator,
        values,
        metric.basis_workplaces,
    ) {
        metric.value = None;
        metric.numerator = None;
        metric.denominator = None;
        metric.workplaces = None;
        metric.records = None;
        metric.unknown = None;
        metric.suppressed = true;
        metric.suppression_reason = Some(why);
        metric.basis_workplaces = 0;
    } else {
        // A shown (or "no data") figure must not carry a count that would itself be withheld:
        // the records, workplaces or unknowns it rests on, when 1 to 4 (§6, "no … other count that
        // would let it be worked out"; decision in docs/decisions/metrics.md).
        let small = |count: Option<u64>| count.is_some_and(|c| (1..=4).contains(&c));
        metric.withheld_counts = crate::value::WithheldCounts {
            records: small(metric.records),
            workplaces: small(metric.workplaces),
            unknown: small(metric.unknown),
        };
        if metric.withheld_counts.records {
            metric.records = None;
        }
        if metric.withheld_counts.workplaces {
            metric.workplaces = None;
        }
        if metric.withheld_counts.unknown {
            metric.unknown = None;
        }
    }
    metric
}

/// Anything holding figures that disclosure control must pass over.
pub trait Disclose {
    /// Applies §6 to every figure for `audience`.
    fn disclose(&mut self, audience: Audience);
}

impl Figure {
    /// Withholds the figure for `why` (used when another figure would reveal it). A figure
    /// already without a value is left as "no data" unless it was shown as zero.
    pub fn withhold(&mut self, why: SuppressionReason) {
        if self.suppressed {
            return;
        }
        self.value = None;
        self.suppressed = true;
        self.suppression_reason = Some(why);
        self.basis_denominator = 0.0;
        self.basis_values = 0;
        self.basis_workplaces = 0;
    }
}

impl Disclose for Figure {
    fn disclose(&mut self, audience: Audience) {
        if audience == Audience::Employer {
            return;
        }
        if let Some(why) = reason(
            self.kind,
            self.value,
            self.basis_denominator,
            self.basis_values,
            self.basis_workplaces,
        ) {
            self.withhold(why);
        }
    }
}

impl Disclose for MetricValue {
    fn disclose(&mut self, audience: Audience) {
        *self = disclose(self.clone(), audience);
    }
}

impl<T: Disclose> Disclose for Vec<T> {
    fn disclose(&mut self, audience: Audience) {
        for item in self {
            item.disclose(audience);
        }
    }
}

impl<T: Disclose> Disclose for Option<T> {
    fn disclose(&mut self, audience: Audience) {
        if let Some(item) = self {
            item.disclose(audience);
        }
    }
}
