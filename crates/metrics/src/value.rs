//! Figures as they leave the crate: [`MetricValue`] (the `interfaces.md` `metric` JSON) and the
//! table cell [`Figure`], each carrying what disclosure control needs to judge it.

use serde::{Serialize, Serializer};

use crate::group::GroupDescription;

/// Why a figure was withheld (`metrics.md` §6); serialised in snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// A count from 1 to 4.
    #[serde(rename = "count_below_5")]
    CountBelow5,
    /// A rate, share or mean whose denominator is under 10.
    #[serde(rename = "denominator_below_10")]
    DenominatorBelow10,
    /// A rate, share, mean or statistic resting on fewer than 3 workplaces.
    #[serde(rename = "fewer_than_3_workplaces")]
    FewerThan3Workplaces,
    /// A pay or age statistic resting on fewer than 10 values.
    #[serde(rename = "fewer_than_10_values")]
    FewerThan10Values,
}

impl SuppressionReason {
    /// The text that replaces a withheld figure in text, HTML, CSV and XLSX (`metrics.md` §6).
    pub fn display_text(self) -> &'static str {
        match self {
            SuppressionReason::CountBelow5 => "< 5",
            _ => "not enough data",
        }
    }
}

/// What kind of figure a value is, which decides the disclosure rule that applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// A count of records, posts, workplaces or people.
    Count,
    /// A rate, share or mean: judged on its denominator and workplaces.
    Ratio,
    /// A pay or age statistic (median, percentile, mean of pay): judged on values and workplaces.
    Statistic,
}

/// One metric for one group: the `interfaces.md` `metric` JSON. Every key is always present;
/// a key that does not apply is `null`. Rates are fractions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricValue {
    /// The metric's name (`metrics.md`).
    pub metric: String,
    /// The figure; `null` for "no data" (empty denominator) or when suppressed.
    #[serde(serialize_with = "serialize_number")]
    pub value: Option<f64>,
    /// Numerator of a rate or mean; `null` for counts and medians, or when suppressed.
    #[serde(serialize_with = "serialize_number")]
    pub numerator: Option<f64>,
    /// Denominator of a rate or mean; `null` for counts and medians, or when suppressed.
    #[serde(serialize_with = "serialize_number")]
    pub denominator: Option<f64>,
    /// Workplaces the figure rests on (§3); `null` when suppressed.
    pub workplaces: Option<u64>,
    /// Records the figure rests on (§3); `null` when suppressed.
    pub records: Option<u64>,
    /// Workplaces or records excluded as unknown (§3); `null` when suppressed or not applicable.
    pub unknown: Option<u64>,
    /// Whether disclosure control withheld the figure.
    pub suppressed: bool,
    /// Why, when suppressed.
    pub suppression_reason: Option<SuppressionReason>,
    /// The group the figure describes.
    pub group: GroupDescription,
    /// The kind of figure (decides its disclosure rule). Not part of the JSON.
    #[serde(skip)]
    pub kind: FigureKind,
    /// Workplaces contributing to the denominator (or values), used by disclosure control;
    /// differs from `workplaces` for record-based rates with unknowns. Not part of the JSON.
    #[serde(skip)]
    pub(crate) basis_workplaces: u64,
    /// Which of `records`, `workplaces`, `unknown` disclosure control withheld (set to `null`)
    /// as counts from 1 to 4 on a figure it did not suppress, so that reports can show "< 5"
    /// there rather than a blank. Not part of the JSON.
    #[serde(skip)]
    pub withheld_counts: WithheldCounts,
}

/// See [`MetricValue::withheld_counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WithheldCounts {
    pub records: bool,
    pub workplaces: bool,
    pub unknown: bool,
}

impl MetricValue {
    /// The figure as a table cell (the same value and suppression state).
    pub fn to_figure(&self) -> Figure {
        Figure {
            value: self.value,
            suppressed: self.suppressed,
            suppression_reason: self.suppression_reason,
            kind: self.kind,
            basis_denominator: self.denominator.unwrap_or(0.0),
            basis_workplaces: self.basis_workplaces,
            basis_values: self.records.unwrap_or(0),
        }
    }
}

/// One cell of a table: a value with its suppression state. The basis fields are what disclosure
/// control judges; they are never serialised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    /// The value; `null` for no data or when suppressed.
    #[serde(serialize_with = "serialize_number")]
    pub value: Option<f64>,
    /// Whether disclosure control withheld it.
    pub suppressed: bool,
    /// Why, when suppressed.
    pub suppression_reason: Option<SuppressionReason>,
    #[serde(skip)]
    pub(crate) kind: FigureKind,
    #[serde(skip)]
    pub(crate) basis_denominator: f64,
    #[serde(skip)]
    pub(crate) basis_workplaces: u64,
    #[serde(skip)]
    pub(crate) basis_values: u64,
}

impl Figure {
    /// A count.
    pub fn count(value: f64) -> Figure {
        Figure {
            value: Some(value),
            suppressed: false,
            suppression_reason: None,
            kind: FigureKind::Count,
            basis_denominator: 0.0,
            basis_workplaces: 0,
            basis_values: 0,
        }
    }

    /// A ratio `numerator / denominator` (no value when the denominator is 0), resting on
    /// `workplaces` workplaces.
    pub fn ratio(numerator: f64, denominator: f64, workplaces: u64) -> Figure {
        Figure {
            value: ratio(numerator, denominator),
            suppressed: false,
            suppression_reason: None,
            kind: FigureKind::Ratio,
            basis_denominator: denominator,
            basis_workplaces: workplaces,
            basis_values: 0,
        }
    }

    /// A statistic over `values` values from `workplaces` workplaces.
    pub fn statistic(value: Option<f64>, values: u64, workplaces: u64) -> Figure {
        Figure {
            value,
            suppressed: false,
            suppression_reason: None,
            kind: FigureKind::Statistic,
            basis_denominator: 0.0,
            basis_workplaces: workplaces,
            basis_values: values,
        }
    }

    /// The text a person sees: the withheld text, "no data", or the value.
    pub fn display(&self) -> String {
        match (self.suppression_reason, self.value) {
            (Some(reason), _) => reason.display_text().to_string(),
            (None, None) => "no data".to_string(),
            (None, Some(value)) => format!("{value}"),
        }
    }
}

/// `numerator / denominator`, or `None` when the denominator is 0 ("no data", never NaN).
pub(crate) fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    if denominator > 0.0 {
        Some(numerator / denominator)
    } else {
        None
    }
}

/// Writes whole numbers as JSON integers (`57`, not `57.0`) and others as floats.
pub(crate) fn serialize_number<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        None => serializer.serialize_none(),
        Some(number) if !number.is_finite() => serializer.serialize_none(),
        Some(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => {
            // The guard keeps the value within i64 and exactly representable.
            #[allow(clippy::cast_possible_truncation)]
            serializer.serialize_i64(*number as i64)
        }
        Some(number) => serializer.serialize_f64(*number),
    }
}
