//! The workplace report: a workplace's own figures with their benchmarks (`metrics.md` §7) —
//! the comparison group's value, which geography it came from, the quartiles of the other
//! workplaces' own values and the workplace's rank — as HTML, XLSX, CSV or JSON.
//!
//! CSV: one line per benchmarked metric, columns `metric,label,unit,own,comparison,
//! comparison_level,comparison_code,comparison_workplaces,q1,median,q3,rank,ranked_of,better`,
//! numbers unformatted (rates as fractions), withheld figures as `< 5` / `not enough data`,
//! figures without a value as `no data`.

use std::path::Path;

use carecount_metrics::benchmark::BenchmarkRow;
use carecount_metrics::{Benchmark, ComparisonLevel};

use crate::ReportError;
use crate::area::{area_name, region_name, write_json, write_text};
use crate::csv_out::{raw, write_rows};
use crate::doc::{Block, Chart, ColumnGroup, Definition, Document, Row, Section, Table};
use crate::doc::{definitions, metric_label};
use crate::format::{Cell, Format, Unit};

/// The header of the workplace CSV.
pub const CSV_HEADER: [&str; 14] = [
    "metric",
    "label",
    "unit",
    "own",
    "comparison",
    "comparison_level",
    "comparison_code",
    "comparison_workplaces",
    "q1",
    "median",
    "q3",
    "rank",
    "ranked_of",
    "better",
];

/// Writes the workplace report of `benchmark` (figures as of `as_of`, `YYYY-MM-DD`) in `format`
/// to `out`. The JSON is the benchmark serialised as it is.
pub fn workplace_report(
    benchmark: &Benchmark,
    as_of: &str,
    format: Format,
    out: &Path,
) -> Result<(), ReportError> {
    match format {
        Format::Json => write_json(benchmark, out),
        Format::Html => {
            let document = workplace_document(benchmark, as_of)?;
            write_text(out, &crate::html::render(&document))
        }
        Format::Xlsx => {
            let document = workplace_document(benchmark, as_of)?;
            crate::xlsx::write(&document, out).map_err(|source| ReportError::Xlsx {
                path: out.display().to_string(),
                source,
            })
        }
        Format::Csv => {
            let definitions = definitions()?;
            let rows: Vec<Vec<String>> = benchmark
                .rows
                .iter()
                .map(|row| csv_row(row, &definitions))
                .collect();
            write_rows(&CSV_HEADER, &rows, out).map_err(|source| ReportError::Csv {
                path: out.display().to_string(),
                source,
            })
        }
    }
}

fn level_name(level: ComparisonLevel) -> &'static str {
    match level {
        ComparisonLevel::LocalAuthority => "local_authority",
        ComparisonLevel::Region => "region",
        ComparisonLevel::England => "england",
    }
}

/// Where the comparison group came from, for people.
fn geography(row: &BenchmarkRow) -> String {
    match (row.level, &row.level_code) {
        (ComparisonLevel::LocalAuthority, Some(code)) => {
            format!("local authority: {}", area_name(code))
        }
        (ComparisonLevel::Region, Some(code)) => format!("region: {}", region_name(code)),
        (ComparisonLevel::LocalAuthority, None) => "local authority".to_string(),
        (ComparisonLevel::Region, None) => "region".to_string(),
        (ComparisonLevel::England, _) => "England".to_string(),
    }
}

/// The cells of one row: own, comparison, geography, other workplaces, q1, median, q3, rank,
/// ranked of, better.
fn cells(row: &BenchmarkRow, unit: Unit) -> Vec<Cell> {
    let rank = |value: Option<u64>| {
        value.map_or(Cell::Blank, |value| Cell::Number {
            value: value as f64,
            unit: Unit::Count,
        })
    };
    vec![
        Cell::metric(&row.own, unit),
        Cell::metric(&row.comparison, unit),
        Cell::text(geography(row)),
        Cell::Number {
            value: row.comparison_workplaces as f64,
            unit: Unit::Count,
        },
        Cell::figure(&row.quartiles.q1, unit),
        Cell::figure(&row.quartiles.median, unit),
        Cell::figure(&row.quartiles.q3, unit),
        rank(row.rank),
        rank(row.ranked_of),
        row.better
            .as_deref()
            .map_or(Cell::text("not ranked"), |better| {
                Cell::text(format!("{better} is better"))
            }),
    ]
}

fn csv_row(row: &BenchmarkRow, definitions: &[Definition]) -> Vec<String> {
    let (label, unit) = metric_label(definitions, &row.metric);
    let shown = cells(row, unit);
    let at = |index: usize| shown.get(index).map(raw).unwrap_or_default();
    vec![
        row.metric.clone(),
        label,
        unit.csv_name().to_string(),
        at(0),
        at(1),
        level_name(row.level).to_string(),
        row.level_code.clone().unwrap_or_default(),
        at(3),
        at(4),
        at(5),
        at(6),
        at(7),
        at(8),
        row.better.clone().unwrap_or_default(),
    ]
}

pub(crate) fn workplace_document(
    benchmark: &Benchmark,
    as_of: &str,
) -> Result<Document, ReportError> {
    let definitions = definitions()?;
    let service = carecount_codes::tables()
        .services
        .name_of(benchmark.main_service)
        .map_or_else(
            || benchmark.main_service.to_string(),
            |name| format!("{name} ({})", benchmark.main_service),
        );
    let meta = vec![
        ("Organisation".to_string(), benchmark.org.clone()),
        (
            "Workplace (LOCALESTID)".to_string(),
            benchmark.workplace.clone(),
        ),
        ("Main service".to_string(), service),
        ("As of".to_string(), as_of.to_string()),
    ];
    let notes = vec![
        "Each figure of the workplace is set beside a comparison group: the other workplaces with \
         the same main service in the same local authority, widened to the region and then \
         England when fewer than 5 (the geography used is shown). Quartiles are of the other \
         workplaces' own values; rank 1 is best."
            .to_string(),
    ];
    let mut rows = Vec::new();
    let mut rate_bars = Vec::new();
    let mut pay_bars = Vec::new();
    for row in &benchmark.rows {
        let (label, unit) = metric_label(&definitions, &row.metric);
        let shown = cells(row, unit);
        let pair: Vec<Cell> = shown.iter().take(2).cloned().collect();
        match unit {
            Unit::Percent => rate_bars.push((label.clone(), pair)),
            Unit::HourlyPay => pay_bars.push((label.clone(), pair)),
            _ => {}
        }
        rows.push(Row {
            label,
            cells: shown,
        });
    }
    let series = vec!["This workplace".to_string(), "Comparison group".to_string()];
    let mut blocks = Vec::new();
    if !rate_bars.is_empty() {
        blocks.push(Block::Chart(Chart::Bars {
            title: "Rates and shares: this workplace and its comparison group".to_string(),
            unit: Unit::Percent,
            series: series.clone(),
            categories: rate_bars,
        }));
    }
    if !pay_bars.is_empty() {
        blocks.push(Block::Chart(Chart::Bars {
            title: "Median hourly pay: this workplace and its comparison group".to_string(),
            unit: Unit::HourlyPay,
            series,
            categories: pay_bars,
        }));
    }
    let group = |name: &str, columns: &[&str]| ColumnGroup {
        name: name.to_string(),
        columns: columns.iter().map(|column| (*column).to_string()).collect(),
    };
    blocks.push(Block::Table(Table {
        caption: "Benchmarks".to_string(),
        key_heading: "Measure".to_string(),
        groups: vec![
            group("This workplace", &["This workplace"]),
            group(
                "Comparison group",
                &["Value", "Geography", "Other workplaces"],
            ),
            group(
                "Other workplaces' values",
                &["Lower quartile", "Median", "Upper quartile"],
            ),
            group("Rank", &["Rank", "Of", "Direction"]),
        ],
        rows,
    }));
    Ok(Document {
        title: format!(
            "Workplace benchmarks: {} / {}",
            benchmark.org, benchmark.workplace
        ),
        meta,
        notes,
        sections: vec![Section {
            id: "benchmarks".to_string(),
            title: "Benchmarks".to_string(),
            sheet: "Benchmarks".to_string(),
            blocks,
        }],
        definitions,
    })
}
