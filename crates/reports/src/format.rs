//! Output formats and how a figure is written in text.
//!
//! Text rules (HTML and the "display" of every cell): counts with thousands separators
//! (`1,234`); posts the same, with one decimal when not whole (`12.5`); rates and shares as
//! percentages with one decimal (`7.1%`); hourly pay `£12.00`; annual pay `£24,500`; days and
//! years with one decimal (`4.5`). A withheld figure is written `< 5` or `not enough data`
//! (`metrics.md` §6), a figure without a value `no data`.

use carecount_metrics::{Figure, MetricValue, SuppressionReason};

/// A report's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One self-contained HTML file with inline CSS and SVG charts, no JavaScript.
    Html,
    /// The report's object serialised as JSON.
    Json,
    /// One long CSV table.
    Csv,
    /// An Excel workbook, one sheet per section.
    Xlsx,
}

impl Format {
    /// Parses `html|json|csv|xlsx` (case-insensitive).
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "html" => Some(Format::Html),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The lower-case name (`html`, `json`, `csv`, `xlsx`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// How a number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A whole count.
    Count,
    /// Posts (whole, or with one decimal from reconciliation and sharing).
    Posts,
    /// A fraction written as a percentage.
    Percent,
    /// Pounds an hour.
    HourlyPay,
    /// Pounds a year.
    AnnualPay,
    /// Days (one decimal).
    Days,
    /// Years (one decimal).
    Years,
}

impl Unit {
    /// Parses the `unit` column of `definitions.csv`; `None` for terms.
    pub(crate) fn parse(text: &str) -> Option<Unit> {
        match text {
            "count" => Some(Unit::Count),
            "posts" => Some(Unit::Posts),
            "percent" => Some(Unit::Percent),
            "hourly_pay" => Some(Unit::HourlyPay),
            "annual_pay" => Some(Unit::AnnualPay),
            "days" => Some(Unit::Days),
            "years" => Some(Unit::Years),
            _ => None,
        }
    }

    /// The unit's name in the CSV `unit` column (rates stay fractions there).
    pub(crate) fn csv_name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Posts => "posts",
            Unit::Percent => "fraction",
            Unit::HourlyPay => "gbp_per_hour",
            Unit::AnnualPay => "gbp_per_year",
            Unit::Days => "days",
            Unit::Years => "years",
        }
    }

    /// The Excel number format.
    pub(crate) fn excel_format(self) -> &'static str {
        match self {
            Unit::Count => "#,##0",
            Unit::Posts => "#,##0.0",
            Unit::Percent => "0.0%",
            Unit::HourlyPay => "\"£\"#,##0.00",
            Unit::AnnualPay => "\"£\"#,##0",
            Unit::Days | Unit::Years => "0.0",
        }
    }

    /// Writes `value` for people.
    pub(crate) fn display(self, value: f64) -> String {
        match self {
            Unit::Count => grouped(value, 0),
            Unit::Posts => {
                if value.fract() == 0.0 {
                    grouped(value, 0)
                } else {
                    grouped(value, 1)
                }
            }
            Unit::Percent => format!("{}%", grouped(value * 100.0, 1)),
            Unit::HourlyPay => format!("£{}", grouped(value, 2)),
            Unit::AnnualPay => format!("£{}", grouped(value, 0)),
            Unit::Days | Unit::Years => grouped(value, 1),
        }
    }
}

/// `value` rounded to `decimals` places with commas between thousands (`12,345.6`).
pub(crate) fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole.to_string(), Some(fraction.to_string())),
        None => (text.clone(), None),
    };
    let digits: Vec<char> = whole.chars().collect();
    let mut out = String::new();
    for (position, digit) in digits.iter().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(&fraction);
    }
    // "-0.0" would read oddly: only a value that still shows a non-zero digit keeps its sign.
    if value < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// One cell of a report table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// A number with its unit.
    Number { value: f64, unit: Unit },
    /// A figure withheld by disclosure control, with the text shown in its place.
    Withheld(&'static str),
    /// A figure without a value (empty group or no answers).
    NoData,
    /// Text.
    Text(String),
    /// Nothing to show (not applicable, or no region).
    Blank,
}

impl Cell {
    /// A cell from a table figure.
    pub(crate) fn figure(figure: &Figure, unit: Unit) -> Cell {
        cell_of(figure.suppression_reason, figure.value, unit)
    }

    /// A cell from a metric value.
    pub(crate) fn metric(metric: &MetricValue, unit: Unit) -> Cell {
        cell_of(metric.suppression_reason, metric.value, unit)
    }

    /// A cell from an optional figure (`None`, e.g. no region, is blank).
    pub(crate) fn maybe_figure(figure: Option<&Figure>, unit: Unit) -> Cell {
        figure.map_or(Cell::Blank, |figure| Cell::figure(figure, unit))
    }

    /// A cell from an optional whole count (`None` is blank: withheld with its figure, or not
    /// applicable).
    pub(crate) fn count(count: Option<u64>) -> Cell {
        count.map_or(Cell::Blank, |count| Cell::Number {
            value: count as f64,
            unit: Unit::Count,
        })
    }

    pub(crate) fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// The text a person sees.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Number { value, unit } => unit.display(*value),
            Cell::Withheld(text) => (*text).to_string(),
            Cell::NoData => "no data".to_string(),
            Cell::Text(text) => text.clone(),
            Cell::Blank => String::new(),
        }
    }

    /// The number to plot, if any.
    pub(crate) fn value(&self) -> Option<f64> {
        match self {
            Cell::Number { value, .. } => Some(*value),
            _ => None,
        }
    }
}

fn cell_of(reason: Option<SuppressionReason>, value: Option<f64>, unit: Unit) -> Cell {
    match (reason, value) {
        (Some(reason), _) => Cell::Withheld(reason.display_text()),
        (None, Some(value)) if value.is_finite() => Cell::Number { value, unit },
        (None, _) => Cell::NoData,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_documented() {
        assert_eq!(Unit::Count.display(1234.0), "1,234");
        assert_eq!(Unit::Count.display(1234567.0), "1,234,567");
        assert_eq!(Unit::Posts.display(12.5), "12.5");
        assert_eq!(Unit::Posts.display(40.0), "40");
        // 0.0714 × 100 = 7.14 → one decimal: 7.1%.
        assert_eq!(Unit::Percent.display(0.0714), "7.1%");
        assert_eq!(Unit::HourlyPay.display(12.0), "£12.00");
        assert_eq!(Unit::AnnualPay.display(24500.4), "£24,500");
        assert_eq!(Unit::Days.display(4.26), "4.3");
        assert_eq!(grouped(-1500.0, 0), "-1,500");
        assert_eq!(grouped(-0.01, 1), "0.0");
        assert_eq!(grouped(999.96, 1), "1,000.0");
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("HTML"), Some(Format::Html));
        assert_eq!(Format::parse("xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::parse("pdf"), None);
    }
}
