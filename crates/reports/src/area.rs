//! The area report (issue 4, modelled on the Rotherham strategy §4): the [`AreaProfile`] of
//! `carecount-metrics` laid out as HTML, XLSX, CSV or JSON. Every figure stands beside the
//! region and England; nothing is computed here, and withheld figures stay withheld.

use std::path::Path;

use carecount_metrics::profile::{BreakdownRow, Comparison, TREND_METRICS};
use carecount_metrics::stats::Summary;
use carecount_metrics::tables::{Distribution, ReasonRow};
use carecount_metrics::{AreaProfile, Figure, MetricValue, SuppressionReason};

use crate::ReportError;
use crate::doc::{
    Block, Chart, ColumnGroup, Definition, Document, Row, Section, Table, definitions, metric_label,
};
use crate::format::{Cell, Format, Unit};

/// Writes the area report for `profile` in `format` to `out`. The JSON is the profile
/// serialised as it is (the object `GET /api/v1/areas/{area}/profile` returns).
pub fn area_report(profile: &AreaProfile, format: Format, out: &Path) -> Result<(), ReportError> {
    match format {
        Format::Json => write_json(profile, out),
        Format::Html => {
            let document = area_document(profile)?;
            write_text(out, &crate::html::render(&document))
        }
        Format::Xlsx => {
            let document = area_document(profile)?;
            crate::xlsx::write(&document, out).map_err(|source| ReportError::Xlsx {
                path: out.display().to_string(),
                source,
            })
        }
        Format::Csv => {
            let document = area_document(profile)?;
            crate::csv_out::write_long(&document, out).map_err(|source| ReportError::Csv {
                path: out.display().to_string(),
                source,
            })
        }
    }
}

/// Writes `value` as pretty JSON.
pub(crate) fn write_json<T: serde::Serialize>(value: &T, out: &Path) -> Result<(), ReportError> {
    let text = serde_json::to_string_pretty(value).map_err(|source| ReportError::Json {
        path: out.display().to_string(),
        source,
    })?;
    write_text(out, &format!("{text}\n"))
}

pub(crate) fn write_text(out: &Path, text: &str) -> Result<(), ReportError> {
    std::fs::write(out, text).map_err(|source| ReportError::Io {
        path: out.display().to_string(),
        source,
    })
}

/// The name of an area code (the ONS name when the code is in the table of councils).
pub(crate) fn area_name(code: &str) -> String {
    carecount_codes::tables()
        .local_authority(code)
        .map_or_else(|| code.to_string(), |authority| authority.name.clone())
}

/// The name of a region code.
pub(crate) fn region_name(code: &str) -> String {
    carecount_codes::tables()
        .region(code)
        .map_or_else(|| code.to_string(), |region| region.name.clone())
}

/// Column names and chart series of the three geographies.
struct Geographies {
    names: Vec<String>,
    /// Disclosure control applies: basis counts from 1 to 4 are shown as "< 5".
    commissioner: bool,
}

impl Geographies {
    /// A count a figure rests on (workplaces, records, not recorded). For commissioners a
    /// count from 1 to 4 is shown as "< 5" like any other count (`metrics.md` §6).
    fn basis(&self, count: Option<u64>, withheld: bool) -> Cell {
        if withheld {
            return Cell::Withheld(SuppressionReason::CountBelow5.display_text());
        }
        match count {
            Some(count)
                if self.commissioner
                    && count > 0
                    && (count as f64) < carecount_metrics::disclosure::MIN_COUNT =>
            {
                Cell::Withheld(SuppressionReason::CountBelow5.display_text())
            }
            other => Cell::count(other),
        }
    }

    fn group(&self, name: &str) -> ColumnGroup {
        ColumnGroup {
            name: name.to_string(),
            columns: self.names.clone(),
        }
    }
}

/// The three cells (area, region, England) of a comparison; no region is blank.
fn three<T>(comparison: &Comparison<T>, cell: impl Fn(&T) -> Cell) -> Vec<Cell> {
    vec![
        cell(&comparison.area),
        comparison.region.as_ref().map_or(Cell::Blank, &cell),
        cell(&comparison.england),
    ]
}

fn metric_cells(comparison: &Comparison<MetricValue>, unit: Unit) -> Vec<Cell> {
    three(comparison, |metric| Cell::metric(metric, unit))
}

/// Builds the laid-out area report.
pub(crate) fn area_document(profile: &AreaProfile) -> Result<Document, ReportError> {
    let definitions = definitions()?;
    let area = area_name(&profile.area);
    let region = profile.region.as_deref().map(region_name);
    let commissioner = profile.audience == "commissioner";
    let geographies = Geographies {
        commissioner,
        names: vec![
            area.clone(),
            region.clone().unwrap_or_else(|| "Region".to_string()),
            "England".to_string(),
        ],
    };
    let area_shown = if area == profile.area {
        area.clone()
    } else {
        format!("{area} ({})", profile.area)
    };
    let mut meta = vec![
        ("Area".to_string(), area_shown),
        (
            "Region".to_string(),
            match (&region, &profile.region) {
                (Some(name), Some(code)) if name != code => format!("{name} ({code})"),
                (Some(name), _) => name.clone(),
                _ => "not known (no region comparison)".to_string(),
            },
        ),
        ("As of".to_string(), profile.as_of.clone()),
        (
            "Audience".to_string(),
            if commissioner {
                "commissioner: disclosure control applied".to_string()
            } else {
                "employer: figures not suppressed".to_string()
            },
        ),
    ];
    let dates: Vec<&str> = profile
        .trends
        .iter()
        .map(|point| point.as_of.as_str())
        .collect();
    if !dates.is_empty() {
        meta.push(("Snapshots".to_string(), dates.join(", ")));
    }
    let mut notes = vec![
        "Every figure is shown beside the same figure for the region and for England. Rates \
         count only the workplaces or records whose answer is known; how many were not recorded \
         is shown beside each headline figure."
            .to_string(),
    ];
    if commissioner {
        notes.push(
            "Disclosure control: a count from 1 to 4 is shown as \"< 5\"; a rate, share, mean \
             or pay figure resting on a denominator under 10, fewer than 10 values or fewer than \
             3 workplaces is shown as \"not enough data\"."
                .to_string(),
        );
    }

    let mut sections = vec![
        headline_section(profile, &geographies, &definitions),
        trends_section(profile, &geographies, &definitions),
    ];
    for (id, title, sheet, heading, rows) in [
        (
            "by_service",
            "By main service",
            "By service",
            "Main service",
            &profile.by_service,
        ),
        (
            "by_service_group",
            "By service group",
            "By service group",
            "Service group",
            &profile.by_service_group,
        ),
        (
            "by_sector",
            "By sector",
            "By sector",
            "Sector",
            &profile.by_sector,
        ),
        (
            "by_role_group",
            "By job role group",
            "By role group",
            "Job role group",
            &profile.by_role_group,
        ),
        (
            "by_job_role",
            "By job role",
            "By job role",
            "Job role",
            &profile.by_job_role,
        ),
    ] {
        sections.push(breakdown_section(
            Names {
                id,
                title,
                sheet,
                heading,
            },
            !matches!(id, "by_role_group" | "by_job_role"),
            rows,
            &geographies,
            &definitions,
        ));
    }
    sections.push(demographics_section(profile, &geographies));
    sections.push(contracts_section(profile, &geographies));
    sections.push(pay_section(profile, &geographies));
    sections.push(rate_by_group_section(
        Names {
            id: "qualifications",
            title: "Qualifications",
            sheet: "Qualifications",
            heading: "Job role group",
        },
        "Care-providing staff only: the share holding a relevant social care qualification at \
         Level 2 or above.",
        &profile.qualifications,
        &geographies,
        &definitions,
    ));
    sections.push(rate_by_group_section(
        Names {
            id: "care_certificate",
            title: "Care Certificate",
            sheet: "Care Certificate",
            heading: "Job role group",
        },
        "Care-providing staff only: the share who completed the Care Certificate.",
        &profile.care_certificate,
        &geographies,
        &definitions,
    ));
    sections.push(leavers_section(profile, &geographies));
    sections.push(coverage_section(profile, &geographies, &definitions));

    Ok(Document {
        title: format!("Adult social care workforce profile: {area}"),
        meta,
        notes,
        sections,
        definitions,
    })
}

/// Picks one distribution out of the demographics.
type DistributionOf = fn(&carecount_metrics::tables::Demographics) -> &Distribution;
/// Picks one statistic out of a summary.
type StatisticOf = fn(&Summary) -> &Figure;
/// Picks one pay form out of a pay row.
type PayFormOf = fn(&carecount_metrics::tables::PayRow) -> &Summary;

struct Names<'n> {
    id: &'n str,
    title: &'n str,
    sheet: &'n str,
    heading: &'n str,
}

fn section(names: &Names<'_>, blocks: Vec<Block>) -> Section {
    Section {
        id: names.id.to_string(),
        title: names.title.to_string(),
        sheet: names.sheet.to_string(),
        blocks,
    }
}

fn headline_section(
    profile: &AreaProfile,
    geographies: &Geographies,
    definitions: &[Definition],
) -> Section {
    let mut rows = Vec::new();
    let mut rate_bars = Vec::new();
    let mut pay_bars = Vec::new();
    for comparison in &profile.headline {
        let (label, unit) = metric_label(definitions, &comparison.area.metric);
        let values = metric_cells(comparison, unit);
        if unit == Unit::Percent {
            rate_bars.push((label.clone(), values.clone()));
        }
        if unit == Unit::HourlyPay {
            pay_bars.push((label.clone(), values.clone()));
        }
        let mut cells = values;
        cells.extend(three(comparison, |metric| {
            geographies.basis(metric.workplaces, metric.withheld_counts.workplaces)
        }));
        cells.extend(three(comparison, |metric| {
            geographies.basis(metric.records, metric.withheld_counts.records)
        }));
        cells.extend(three(comparison, |metric| {
            geographies.basis(metric.unknown, metric.withheld_counts.unknown)
        }));
        rows.push(Row { label, cells });
    }
    let table = Table {
        caption: "Headline figures beside region and England".to_string(),
        key_heading: "Measure".to_string(),
        groups: vec![
            geographies.group("Value"),
            geographies.group("Workplaces"),
            geographies.group("Records"),
            geographies.group("Not recorded (excluded)"),
        ],
        rows,
    };
    let mut blocks = vec![Block::Paragraph(
        "Posts, rates, pay and sickness for the area's workplaces as of the snapshot date. \
         \"Workplaces\" and \"Records\" are what each figure rests on; \"Not recorded\" counts \
         the workplaces or records left out because their answer is unknown."
            .to_string(),
    )];
    if !rate_bars.is_empty() {
        blocks.push(Block::Chart(Chart::Bars {
            title: "Rates and shares beside region and England".to_string(),
            unit: Unit::Percent,
            series: geographies.names.clone(),
            categories: rate_bars,
        }));
    }
    if !pay_bars.is_empty() {
        blocks.push(Block::Chart(Chart::Bars {
            title: "Median hourly pay beside region and England".to_string(),
            unit: Unit::HourlyPay,
            series: geographies.names.clone(),
            categories: pay_bars,
        }));
    }
    blocks.push(Block::Table(table));
    section(
        &Names {
            id: "headline",
            title: "Headline figures",
            sheet: "Headline figures",
            heading: "",
        },
        blocks,
    )
}

fn trends_section(
    profile: &AreaProfile,
    geographies: &Geographies,
    definitions: &[Definition],
) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Headline figures on each snapshot date, oldest first. Counts are drawn for the area \
         alone; rates and pay beside region and England."
            .to_string(),
    )];
    let dates: Vec<String> = profile
        .trends
        .iter()
        .map(|point| point.as_of.clone())
        .collect();
    let mut rows = Vec::new();
    for (index, name) in TREND_METRICS.iter().enumerate() {
        let (label, unit) = metric_label(definitions, name);
        let per_date: Vec<Vec<Cell>> = profile
            .trends
            .iter()
            .map(|point| {
                point.metrics.get(index).map_or_else(
                    || vec![Cell::Blank, Cell::Blank, Cell::Blank],
                    |comparison| metric_cells(comparison, unit),
                )
            })
            .collect();
        let counts = matches!(unit, Unit::Count | Unit::Posts);
        let geography_count = if counts { 1 } else { 3 };
        let series: Vec<(String, Vec<Cell>)> = (0..geography_count)
            .filter(|geo| *geo != 1 || profile.region.is_some())
            .map(|geo| {
                (
                    geographies.names.get(geo).cloned().unwrap_or_default(),
                    per_date
                        .iter()
                        .map(|cells| cells.get(geo).cloned().unwrap_or(Cell::Blank))
                        .collect(),
                )
            })
            .collect();
        blocks.push(Block::Chart(Chart::Lines {
            title: format!("{label} by snapshot"),
            unit,
            points: dates.clone(),
            series,
        }));
        rows.push(Row {
            label,
            cells: per_date.into_iter().flatten().collect(),
        });
    }
    blocks.push(Block::Table(Table {
        caption: "Headline figures by snapshot date".to_string(),
        key_heading: "Measure".to_string(),
        groups: dates.iter().map(|date| geographies.group(date)).collect(),
        rows,
    }));
    section(
        &Names {
            id: "trends",
            title: "Trends across snapshots",
            sheet: "Trends",
            heading: "",
        },
        blocks,
    )
}

fn breakdown_section(
    names: Names<'_>,
    show_workplaces: bool,
    rows: &[BreakdownRow],
    geographies: &Geographies,
    definitions: &[Definition],
) -> Section {
    let metric_names: Vec<String> = rows
        .first()
        .map(|row| {
            row.metrics
                .iter()
                .map(|comparison| comparison.area.metric.clone())
                .collect()
        })
        .unwrap_or_default();
    let labelled: Vec<(String, Unit)> = metric_names
        .iter()
        .map(|name| metric_label(definitions, name))
        .collect();
    let mut blocks = Vec::new();
    if rows.is_empty() {
        blocks.push(Block::Paragraph("No workplaces in the area.".to_string()));
    }
    // Charts: filled posts for the area, then vacancy and turnover rates beside region and
    // England.
    for wanted in ["filled_posts", "turnover_rate", "vacancy_rate"] {
        let Some(position) = metric_names.iter().position(|name| name == wanted) else {
            continue;
        };
        let Some((label, unit)) = labelled.get(position).cloned() else {
            continue;
        };
        let area_only = wanted == "filled_posts";
        let categories: Vec<(String, Vec<Cell>)> = rows
            .iter()
            .filter_map(|row| {
                let comparison = row.metrics.get(position)?;
                let cells = if area_only {
                    vec![Cell::metric(&comparison.area, unit)]
                } else {
                    metric_cells(comparison, unit)
                };
                Some((row.label.clone(), cells))
            })
            .collect();
        if categories.is_empty() {
            continue;
        }
        blocks.push(Block::Chart(Chart::Bars {
            title: if area_only {
                format!(
                    "{label} in {} by {}",
                    geographies_area(geographies),
                    names.heading.to_lowercase()
                )
            } else {
                format!("{label} by {}", names.heading.to_lowercase())
            },
            unit,
            series: if area_only {
                geographies.names.iter().take(1).cloned().collect()
            } else {
                geographies.names.clone()
            },
            categories,
        }));
    }
    // Breakdowns of workplaces (not of roles) also count the workplaces in each row, as the
    // Rotherham profile counts locations by service type: the `workplaces` the first metric
    // (staff records) rests on.
    let table_rows = rows
        .iter()
        .map(|row| {
            let mut cells = Vec::new();
            if show_workplaces {
                cells.extend(row.metrics.first().map_or_else(
                    || vec![Cell::Blank, Cell::Blank, Cell::Blank],
                    |comparison| {
                        three(comparison, |metric| {
                            geographies.basis(metric.workplaces, metric.withheld_counts.workplaces)
                        })
                    },
                ));
            }
            cells.extend(
                row.metrics
                    .iter()
                    .zip(&labelled)
                    .flat_map(|(comparison, (_, unit))| metric_cells(comparison, *unit)),
            );
            Row {
                label: row.label.clone(),
                cells,
            }
        })
        .collect();
    let mut groups = Vec::new();
    if show_workplaces {
        groups.push(geographies.group("Workplaces"));
    }
    groups.extend(labelled.iter().map(|(label, _)| geographies.group(label)));
    blocks.push(Block::Table(Table {
        caption: format!("{} beside region and England", names.title),
        key_heading: names.heading.to_string(),
        groups,
        rows: table_rows,
    }));
    section(&names, blocks)
}

fn geographies_area(geographies: &Geographies) -> String {
    geographies.names.first().cloned().unwrap_or_default()
}

/// A distribution's table (records, share of known, filled posts) and a stacked bar chart of
/// the shares.
fn distribution_blocks(
    title: &str,
    heading: &str,
    comparison: &Comparison<Distribution>,
    geographies: &Geographies,
) -> Vec<Block> {
    let find = |distribution: &Distribution, key: &str| {
        distribution.rows.iter().find(|row| row.key == key).cloned()
    };
    let mut rows = Vec::new();
    let mut segments = Vec::new();
    let mut shares: Vec<Vec<Cell>> = vec![Vec::new(), Vec::new(), Vec::new()];
    for area_row in &comparison.area.rows {
        let region_row = comparison
            .region
            .as_ref()
            .and_then(|distribution| find(distribution, &area_row.key));
        let england_row = find(&comparison.england, &area_row.key);
        let pick = |get: fn(&carecount_metrics::tables::DistributionRow) -> &Figure,
                    unit: Unit|
         -> Vec<Cell> {
            vec![
                Cell::figure(get(area_row), unit),
                Cell::maybe_figure(region_row.as_ref().map(get), unit),
                Cell::maybe_figure(england_row.as_ref().map(get), unit),
            ]
        };
        let records = pick(|row| &row.records, Unit::Count);
        // The not-recorded row has no share (it is outside the known records).
        let share = if area_row.key == "not_recorded" {
            vec![Cell::Blank, Cell::Blank, Cell::Blank]
        } else {
            pick(|row| &row.share, Unit::Percent)
        };
        let posts = pick(|row| &row.filled_posts, Unit::Posts);
        if area_row.key != "not_recorded" {
            segments.push(area_row.label.clone());
            for (column, cell) in shares.iter_mut().zip(&share) {
                column.push(cell.clone());
            }
        }
        let mut cells = records;
        cells.extend(share);
        cells.extend(posts);
        rows.push(Row {
            label: area_row.label.clone(),
            cells,
        });
    }
    let bars: Vec<(String, Vec<Cell>)> = geographies
        .names
        .iter()
        .cloned()
        .zip(shares)
        .enumerate()
        .filter(|(geo, _)| *geo != 1 || comparison.region.is_some())
        .map(|(_, bar)| bar)
        .collect();
    vec![
        Block::Chart(Chart::Stacked {
            title: format!("{title}: share of staff records with a known answer"),
            segments,
            bars,
        }),
        Block::Table(Table {
            caption: title.to_string(),
            key_heading: heading.to_string(),
            groups: vec![
                geographies.group("Staff records"),
                geographies.group("Share of known"),
                geographies.group("Filled posts"),
            ],
            rows,
        }),
    ]
}

fn demographics_section(profile: &AreaProfile, geographies: &Geographies) -> Section {
    let demographics = &profile.demographics;
    let mut blocks = vec![Block::Paragraph(
        "Staff records by gender, age, ethnic group, nationality and disability. Shares are of \
         the records whose answer is known; the not-recorded row shows how many are not."
            .to_string(),
    )];
    let parts: [(&str, &str, DistributionOf); 5] = [
        ("Gender", "Gender", |d| &d.gender),
        ("Age band", "Age band", |d| &d.age_band),
        ("Ethnic group", "Ethnic group", |d| &d.ethnic_group),
        ("Nationality", "Nationality group", |d| &d.nationality_group),
        ("Disability", "Disability", |d| &d.disability),
    ];
    for (title, heading, get) in parts {
        let comparison = Comparison {
            area: get(&demographics.area).clone(),
            region: demographics.region.as_ref().map(|d| get(d).clone()),
            england: get(&demographics.england).clone(),
        };
        blocks.extend(distribution_blocks(
            title,
            heading,
            &comparison,
            geographies,
        ));
    }
    let age = Comparison {
        area: demographics.area.age.clone(),
        region: demographics.region.as_ref().map(|d| d.age.clone()),
        england: demographics.england.age.clone(),
    };
    blocks.push(Block::Table(summary_table(
        "Age in whole years",
        &age,
        Unit::Years,
        geographies,
    )));
    section(
        &Names {
            id: "demographics",
            title: "Demographics",
            sheet: "Demographics",
            heading: "",
        },
        blocks,
    )
}

/// A table of a summary's statistics (median, mean, 10th and 90th percentiles, values).
fn summary_table(
    caption: &str,
    comparison: &Comparison<Summary>,
    unit: Unit,
    geographies: &Geographies,
) -> Table {
    let statistics: [(&str, StatisticOf, Unit); 5] = [
        ("Median", |s| &s.median, unit),
        ("Mean", |s| &s.mean, unit),
        ("10th percentile", |s| &s.p10, unit),
        ("90th percentile", |s| &s.p90, unit),
        ("Values", |s| &s.n, Unit::Count),
    ];
    Table {
        caption: caption.to_string(),
        key_heading: "Statistic".to_string(),
        groups: vec![geographies.group(caption)],
        rows: statistics
            .iter()
            .map(|(label, get, unit)| Row {
                label: (*label).to_string(),
                cells: three(comparison, |summary| Cell::figure(get(summary), *unit)),
            })
            .collect(),
    }
}

fn contracts_section(profile: &AreaProfile, geographies: &Geographies) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Staff records by contract type. Agency and pool/bank staff are not directly employed \
         and are left out of vacancy, turnover, starters, stability and sickness."
            .to_string(),
    )];
    blocks.extend(distribution_blocks(
        "Contract type",
        "Contract",
        &profile.contracts,
        geographies,
    ));
    section(
        &Names {
            id: "contracts",
            title: "Contracts",
            sheet: "Contracts",
            heading: "",
        },
        blocks,
    )
}

fn pay_section(profile: &AreaProfile, geographies: &Geographies) -> Section {
    let mut blocks = vec![Block::Paragraph(
        "Pay by job role, all contract types: hourly rates and annual salaries are kept apart; \
         full-time equivalent salaries are scaled to 37.5 hours a week. Medians and percentiles \
         use the nearest-rank method."
            .to_string(),
    )];
    let hourly_medians: Vec<(String, Vec<Cell>)> = profile
        .pay_by_role
        .iter()
        .map(|row| {
            (
                row.area.label.clone(),
                three(row, |pay| Cell::figure(&pay.hourly.median, Unit::HourlyPay)),
            )
        })
        .collect();
    if !hourly_medians.is_empty() {
        blocks.push(Block::Chart(Chart::Bars {
            title: "Median hourly pay by job role".to_string(),
            unit: Unit::HourlyPay,
            series: geographies.names.clone(),
            categories: hourly_medians,
        }));
    }
    let forms: [(&str, PayFormOf, Unit); 3] = [
        ("Hourly pay", |pay| &pay.hourly, Unit::HourlyPay),
        ("Annual pay as recorded", |pay| &pay.annual, Unit::AnnualPay),
        (
            "Annual pay, full-time equivalent",
            |pay| &pay.annual_fte,
            Unit::AnnualPay,
        ),
    ];
    let statistics: [(&str, StatisticOf, bool); 5] = [
        ("Median", |s| &s.median, false),
        ("Mean", |s| &s.mean, false),
        ("10th percentile", |s| &s.p10, false),
        ("90th percentile", |s| &s.p90, false),
        ("Values", |s| &s.n, true),
    ];
    for (caption, form, unit) in forms {
        let rows = profile
            .pay_by_role
            .iter()
            .map(|row| Row {
                label: row.area.label.clone(),
                cells: statistics
                    .iter()
                    .flat_map(|(_, statistic, is_count)| {
                        let unit = if *is_count { Unit::Count } else { unit };
                        three(row, |pay| Cell::figure(statistic(form(pay)), unit))
                    })
                    .collect(),
            })
            .collect();
        blocks.push(Block::Table(Table {
            caption: caption.to_string(),
            key_heading: "Job role".to_string(),
            groups: statistics
                .iter()
                .map(|(name, _, _)| geographies.group(name))
                .collect(),
            rows,
        }));
    }
    section(
        &Names {
            id: "pay",
            title: "Pay by job role",
            sheet: "Pay by job role",
            heading: "",
        },
        blocks,
    )
}

fn rate_by_group_section(
    names: Names<'_>,
    intro: &str,
    rows: &[BreakdownRow],
    geographies: &Geographies,
    definitions: &[Definition],
) -> Section {
    let mut blocks = vec![Block::Paragraph(intro.to_string())];
    let metric = rows
        .first()
        .and_then(|row| row.metrics.first())
        .map(|comparison| comparison.area.metric.clone())
        .unwrap_or_default();
    let (label, unit) = metric_label(definitions, &metric);
    let categories: Vec<(String, Vec<Cell>)> = rows
        .iter()
        .filter_map(|row| {
            row.metrics
                .first()
                .map(|comparison| (row.label.clone(), metric_cells(comparison, unit)))
        })
        .collect();
    blocks.push(Block::Chart(Chart::Bars {
        title: format!("{label} by job role group"),
        unit,
        series: geographies.names.clone(),
        categories,
    }));
    blocks.push(Block::Table(Table {
        caption: format!("{label} beside region and England"),
        key_heading: names.heading.to_string(),
        groups: vec![
            geographies.group(&label),
            geographies.group("Records"),
            geographies.group("Not recorded (excluded)"),
        ],
        rows: rows
            .iter()
            .filter_map(|row| {
                let comparison = row.metrics.first()?;
                let mut cells = metric_cells(comparison, unit);
                cells.extend(three(comparison, |metric| {
                    geographies.basis(metric.records, metric.withheld_counts.records)
                }));
                cells.extend(three(comparison, |metric| {
                    geographies.basis(metric.unknown, metric.withheld_counts.unknown)
                }));
                Some(Row {
                    label: row.label.clone(),
                    cells,
                })
            })
            .collect(),
    }));
    section(&names, blocks)
}

fn leavers_section(profile: &AreaProfile, geographies: &Geographies) -> Section {
    let reasons = &profile.leavers_reasons;
    let mut codes: Vec<u32> = reasons
        .area
        .iter()
        .chain(reasons.region.iter().flatten())
        .chain(reasons.england.iter())
        .map(|row| row.reason)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let find = |rows: &[ReasonRow], code: u32| rows.iter().find(|row| row.reason == code).cloned();
    let mut table_rows = Vec::new();
    let mut shares: Vec<Vec<Cell>> = vec![Vec::new(), Vec::new(), Vec::new()];
    for code in &codes {
        let found = [
            find(&reasons.area, *code),
            reasons.region.as_ref().and_then(|rows| find(rows, *code)),
            find(&reasons.england, *code),
        ];
        let leavers: Vec<Cell> = found
            .iter()
            .map(|row| Cell::maybe_figure(row.as_ref().map(|row| &row.leavers), Unit::Count))
            .collect();
        let share: Vec<Cell> = found
            .iter()
            .map(|row| Cell::maybe_figure(row.as_ref().map(|row| &row.share), Unit::Percent))
            .collect();
        for (column, cell) in shares.iter_mut().zip(&share) {
            column.push(cell.clone());
        }
        let mut cells = leavers;
        cells.extend(share);
        table_rows.push(Row {
            label: format!("Reason code {code}"),
            cells,
        });
    }
    let mut blocks = vec![Block::Paragraph(
        "Leavers in the last 12 months by the reason code their workplace gave (ASC-WDS \
         enforces no list of reason codes, so codes are shown as given)."
            .to_string(),
    )];
    if codes.is_empty() {
        blocks.push(Block::Paragraph(
            "No workplace gave reasons for leaving.".to_string(),
        ));
    } else {
        let bars = geographies
            .names
            .iter()
            .cloned()
            .zip(shares)
            .enumerate()
            .filter(|(geo, _)| *geo != 1 || reasons.region.is_some())
            .map(|(_, bar)| bar)
            .collect();
        blocks.push(Block::Chart(Chart::Stacked {
            title: "Leavers' reasons: share of leavers with a reason".to_string(),
            segments: codes.iter().map(|code| format!("Reason {code}")).collect(),
            bars,
        }));
    }
    blocks.push(Block::Table(Table {
        caption: "Leavers by reason".to_string(),
        key_heading: "Reason".to_string(),
        groups: vec![geographies.group("Leavers"), geographies.group("Share")],
        rows: table_rows,
    }));
    section(
        &Names {
            id: "leavers_reasons",
            title: "Leavers' reasons",
            sheet: "Leavers reasons",
            heading: "",
        },
        blocks,
    )
}

fn humanise(field: &str) -> String {
    let spaced = field.replace('_', " ");
    let mut characters = spaced.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

fn coverage_section(
    profile: &AreaProfile,
    geographies: &Geographies,
    definitions: &[Definition],
) -> Section {
    let coverage = &profile.coverage;
    let single = |name: &str| ColumnGroup {
        name: name.to_string(),
        columns: vec![name.to_string()],
    };
    let counts = Table {
        caption: "Workplaces in the data set".to_string(),
        key_heading: "Measure".to_string(),
        groups: vec![single("Value")],
        rows: vec![
            Row {
                label: "Workplaces of the area in the data set".to_string(),
                cells: vec![Cell::figure(&coverage.workplaces, Unit::Count)],
            },
            Row {
                label: "Workplaces whose declared total staff disagrees with their records"
                    .to_string(),
                cells: vec![Cell::figure(&coverage.unreconciled_workplaces, Unit::Count)],
            },
            Row {
                label: "Workplaces of the whole data set with no area".to_string(),
                cells: vec![Cell::figure(&coverage.workplaces_without_area, Unit::Count)],
            },
            Row {
                label: "Engagement (workplaces against a reference register)".to_string(),
                cells: vec![match &coverage.engagement {
                    Some(figure) => Cell::figure(figure, Unit::Percent),
                    None => Cell::text("no register loaded"),
                }],
            },
        ],
    };
    let (completion_label, completion_unit) = metric_label(definitions, "record_completion");
    let completion = Table {
        caption: "Record completion beside region and England".to_string(),
        key_heading: "Measure".to_string(),
        groups: vec![geographies.group(&completion_label)],
        rows: vec![Row {
            label: completion_label.clone(),
            cells: metric_cells(&coverage.record_completion, completion_unit),
        }],
    };
    let fields = Table {
        caption: format!(
            "Field completeness of {}'s staff records",
            geographies_area(geographies)
        ),
        key_heading: "Field".to_string(),
        groups: vec![single("Records with the field known"), single("Share")],
        rows: coverage
            .field_completeness
            .iter()
            .map(|field| Row {
                label: humanise(&field.field),
                cells: vec![
                    Cell::figure(&field.known, Unit::Count),
                    Cell::figure(&field.share, Unit::Percent),
                ],
            })
            .collect(),
    };
    let la_return = &coverage.la_return;
    let verdict = if la_return.pass {
        "The local authority sector workplaces of the area meet the local authority return \
         completeness requirements."
            .to_string()
    } else {
        format!(
            "The local authority sector workplaces of the area do not meet the local authority \
             return completeness requirements; failing fields: {}.",
            la_return
                .failing_fields
                .iter()
                .map(|field| humanise(field))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let return_table = Table {
        caption: "Local authority return check".to_string(),
        key_heading: "Field".to_string(),
        groups: vec![single("Required"), single("Share known"), single("Result")],
        rows: la_return
            .fields
            .iter()
            .map(|field| Row {
                label: humanise(&field.field),
                cells: vec![
                    Cell::Number {
                        value: field.required,
                        unit: Unit::Percent,
                    },
                    Cell::figure(&field.share, Unit::Percent),
                    Cell::text(if field.pass { "pass" } else { "fail" }),
                ],
            })
            .collect(),
    };
    section(
        &Names {
            id: "coverage",
            title: "Data coverage and quality",
            sheet: "Data coverage",
            heading: "",
        },
        vec![
            Block::Paragraph(
                "How much of the area the data covers and how complete its records are."
                    .to_string(),
            ),
            Block::Table(counts),
            Block::Table(completion),
            Block::Table(fields),
            Block::Paragraph(verdict),
            Block::Table(return_table),
        ],
    )
}
