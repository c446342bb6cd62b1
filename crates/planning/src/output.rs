//! Output writers (§10): JSON (keys in order, no timestamps, shortest round-trip floats, so the
//! same inputs and seed give the same bytes), CSV (a line per row and measure) and a
//! self-contained HTML page with SVG fan charts. These are the projection's wire shapes, so
//! `Serialize` is derived here and nowhere else in the crate.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::dims::{DESTINATIONS, ROLE_GROUPS, SOURCES};
use crate::montecarlo::{MEASURES, Projection, ProjectionRow, Stat, value_names};

struct StatJson<'a>(&'a Stat);

impl Serialize for StatJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + self.0.percentiles.len()))?;
        map.serialize_entry("det", &self.0.det)?;
        map.serialize_entry("mean", &self.0.mean)?;
        for (p, value) in &self.0.percentiles {
            map.serialize_entry(&format!("p{p}"), value)?;
        }
        map.end()
    }
}

struct StatMap<'a> {
    names: Vec<&'a str>,
    stats: &'a [Stat],
    percentiles: &'a [u32],
}

impl Serialize for StatMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.names.len()))?;
        for (index, name) in self.names.iter().enumerate() {
            match self.stats.get(index) {
                Some(stat) => map.serialize_entry(name, &StatJson(stat))?,
                None => map.serialize_entry(name, &StatNull(self.percentiles))?,
            }
        }
        map.end()
    }
}

struct StatNull<'a>(&'a [u32]);

impl Serialize for StatNull<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2 + self.0.len()))?;
        map.serialize_entry("det", &None::<f64>)?;
        map.serialize_entry("mean", &None::<f64>)?;
        for p in self.0 {
            map.serialize_entry(&format!("p{p}"), &None::<f64>)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct ScenarioJson<'a> {
    name: &'a str,
    file: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct InputJson<'a> {
    table: &'a str,
    origin: &'a str,
    vintage: &'a str,
    sha256: &'a str,
    status: Option<&'a str>,
}

#[derive(Serialize)]
struct CalibrationJson<'a> {
    area: &'a str,
    role_group: &'a str,
    leavers_reported: f64,
    leavers_model_k1: f64,
    k: f64,
    workplaces: Option<f64>,
}

#[derive(Serialize)]
struct RowJson<'a> {
    scenario: &'a str,
    area: &'a str,
    year: i32,
    period: &'a str,
    role_group: &'a str,
    setting: &'a str,
    sector: &'a str,
    suppressed: bool,
    coverage: Option<f64>,
    measures: StatMap<'a>,
    starters_by_source: StatMap<'a>,
    leavers_by_destination: StatMap<'a>,
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    variant: &'a str,
    area: &'a str,
    year: i32,
    role_group: &'a str,
    setting: &'a str,
    sector: &'a str,
    gap_change: StatJson<'a>,
    pv_total_change: StatJson<'a>,
    cost_per_gap_post_closed: StatJson<'a>,
}

#[derive(Serialize)]
struct RiskJson<'a> {
    scenario: &'a str,
    area: &'a str,
    year: i32,
    role_group: &'a str,
    p_gap_over_threshold: f64,
    likelihood: u32,
    impact: u32,
    score: u32,
}

#[derive(Serialize)]
struct SimpleJson {
    year: i32,
    base_posts: f64,
    ratio: f64,
    target_posts: f64,
    extra_posts: f64,
}

#[derive(Serialize)]
struct SurvivalJson<'a> {
    role_group: &'a str,
    setting: &'a str,
    months: u32,
    s: f64,
    low: f64,
    high: f64,
}

#[derive(Serialize)]
struct WarningJson<'a> {
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct ProjectionJson<'a> {
    schema: &'a str,
    model_version: u32,
    carecount_version: &'a str,
    scenario: ScenarioJson<'a>,
    as_of: &'a str,
    base_year: i32,
    horizon_years: u32,
    step: &'a str,
    engine: &'a str,
    runs: u32,
    seed: u64,
    percentiles: &'a [u32],
    price_base_year: i32,
    audience: &'a str,
    inputs: Vec<InputJson<'a>>,
    calibration: Vec<CalibrationJson<'a>>,
    rows: Vec<RowJson<'a>>,
    comparisons: Vec<ComparisonJson<'a>>,
    risks: Vec<RiskJson<'a>>,
    simple: Option<Vec<SimpleJson>>,
    survival: Vec<SurvivalJson<'a>>,
    warnings: Vec<WarningJson<'a>>,
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn row_json<'a>(row: &'a ProjectionRow, percentiles: &'a [u32]) -> RowJson<'a> {
    let (role_group, setting, sector) = row.key.names();
    let empty: &[Stat] = &[];
    let (measures, sources, destinations) = if row.values.len() >= 35 {
        (&row.values[..23], &row.values[23..31], &row.values[31..35])
    } else {
        (empty, empty, empty)
    };
    RowJson {
        scenario: &row.scenario,
        area: &row.area,
        year: row.year,
        period: &row.period,
        role_group,
        setting,
        sector,
        suppressed: row.suppressed,
        coverage: if row.suppressed {
            None
        } else {
            finite(row.coverage)
        },
        measures: StatMap {
            names: MEASURES.to_vec(),
            stats: measures,
            percentiles,
        },
        starters_by_source: StatMap {
            names: SOURCES.to_vec(),
            stats: sources,
            percentiles,
        },
        leavers_by_destination: StatMap {
            names: DESTINATIONS.to_vec(),
            stats: destinations,
            percentiles,
        },
    }
}

/// The projection as JSON text (compact, with a final newline).
pub fn to_json(projection: &Projection) -> Result<String, serde_json::Error> {
    let p = projection;
    let percentiles = &p.percentiles[..];
    let document = ProjectionJson {
        schema: "carecount.projection.v1",
        model_version: crate::MODEL_VERSION,
        carecount_version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioJson {
            name: &p.scenario_name,
            file: &p.scenario_file,
            sha256: &p.scenario_sha256,
        },
        as_of: &p.as_of,
        base_year: p.base_year,
        horizon_years: p.horizon_years,
        step: &p.step,
        engine: &p.engine,
        runs: p.runs,
        seed: p.seed,
        percentiles,
        price_base_year: p.price_base_year,
        audience: p.audience.name(),
        inputs: p
            .inputs
            .inputs
            .iter()
            .map(|info| InputJson {
                table: &info.table,
                origin: &info.origin,
                vintage: &info.vintage,
                sha256: &info.sha256,
                status: (!info.status.is_empty()).then_some(info.status.as_str()),
            })
            .collect(),
        calibration: p
            .inputs
            .calibration
            .iter()
            .map(|(g, reported, k1, k, workplaces, area)| CalibrationJson {
                area,
                role_group: ROLE_GROUPS.get(*g).copied().unwrap_or("all"),
                leavers_reported: *reported,
                leavers_model_k1: *k1,
                k: *k,
                workplaces: finite(*workplaces),
            })
            .collect(),
        // Rows are spliced in below, serialised in parallel (the bulk of a national run).
        rows: Vec::new(),
        comparisons: p
            .comparisons
            .iter()
            .map(|c| {
                let (role_group, setting, sector) = c.key.names();
                ComparisonJson {
                    variant: &c.variant,
                    area: &c.area,
                    year: c.year,
                    role_group,
                    setting,
                    sector,
                    gap_change: StatJson(&c.gap_change),
                    pv_total_change: StatJson(&c.pv_total_change),
                    cost_per_gap_post_closed: StatJson(&c.cost_per_gap_post_closed),
                }
            })
            .collect(),
        risks: p
            .risks
            .iter()
            .map(|r| RiskJson {
                scenario: &r.scenario,
                area: &r.area,
                year: r.year,
                role_group: r
                    .role_group
                    .and_then(|g| ROLE_GROUPS.get(g).copied())
                    .unwrap_or("all"),
                p_gap_over_threshold: r.p_gap_over_threshold,
                likelihood: r.likelihood,
                impact: r.impact,
                score: r.score,
            })
            .collect(),
        simple: p.simple.as_ref().map(|rows| {
            rows.iter()
                .map(|r| SimpleJson {
                    year: r.year,
                    base_posts: r.base_posts,
                    ratio: r.ratio,
                    target_posts: r.target_posts,
                    extra_posts: r.extra_posts,
                })
                .collect()
        }),
        survival: p
            .inputs
            .survival
            .iter()
            .map(|(g, s, months, value, low, high)| SurvivalJson {
                role_group: g,
                setting: s,
                months: *months,
                s: *value,
                low: *low,
                high: *high,
            })
            .collect(),
        warnings: p
            .warnings
            .iter()
            .map(|w| WarningJson {
                code: &w.code,
                message: &w.message,
            })
            .collect(),
    };
    let text = serde_json::to_string(&document)?;
    // `,"rows":[]` cannot occur earlier: string values escape their quotes.
    let marker = ",\"rows\":[]";
    let at = text
        .find(marker)
        .ok_or_else(|| <serde_json::Error as serde::ser::Error>::custom("rows marker missing"))?;
    let (head, tail) = text.split_at(at + marker.len() - 1);
    let parts = row_parts(&p.rows, percentiles)?;
    let body: usize = parts.iter().map(|part| part.len() + 1).sum();
    let mut out = String::with_capacity(head.len() + body + tail.len() + 1);
    out.push_str(head);
    let mut first = true;
    for part in &parts {
        if part.is_empty() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(
            std::str::from_utf8(part).map_err(|_| {
                <serde_json::Error as serde::ser::Error>::custom("rows are not UTF-8")
            })?,
        );
    }
    out.push_str(tail);
    out.push('\n');
    Ok(out)
}

/// The rows serialised in consecutive chunks (compact, comma-separated inside a chunk), on up to
/// 8 threads when there are many. Joined with commas inside `[` `]` they are byte-identical to
/// serialising the whole `Vec` at once.
fn row_parts(
    rows: &[ProjectionRow],
    percentiles: &[u32],
) -> Result<Vec<Vec<u8>>, serde_json::Error> {
    let chunk_text = |chunk: &[ProjectionRow]| -> Result<Vec<u8>, serde_json::Error> {
        let mut out = Vec::new();
        for (index, row) in chunk.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            } else {
                serde_json::to_writer(&mut out, &row_json(row, percentiles))?;
                // Rows are alike in size: reserve for the chunk once.
                out.reserve((out.len() + 1) * chunk.len().saturating_sub(1) * 9 / 8);
                continue;
            }
            serde_json::to_writer(&mut out, &row_json(row, percentiles))?;
        }
        Ok(out)
    };
    let threads = if rows.len() < 4096 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    let size = rows.len().div_ceil(threads).max(1);
    if threads == 1 {
        return Ok(vec![chunk_text(rows)?]);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(size)
            .map(|chunk| scope.spawn(move || chunk_text(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(<serde_json::Error as serde::ser::Error>::custom(
                        "a serialising thread failed",
                    ))
                })
            })
            .collect()
    })
}

/// The rows as one JSON array (tests compare it with a single `serde_json` pass).
#[cfg(test)]
fn rows_text(rows: &[ProjectionRow], percentiles: &[u32]) -> Result<String, serde_json::Error> {
    let parts: Vec<String> = row_parts(rows, percentiles)?
        .into_iter()
        .filter(|part| !part.is_empty())
        .map(|part| String::from_utf8(part).unwrap_or_default())
        .collect();
    Ok(format!("[{}]", parts.join(",")))
}

fn csv_number(value: Option<f64>) -> String {
    value.map_or(String::new(), |v| format!("{v}"))
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The projection as CSV: `scenario,area,year,period,role_group,setting,sector,measure,det,mean,`
/// then a column per percentile; a line per row and measure. Suppressed rows have empty values.
pub fn to_csv(projection: &Projection) -> String {
    let mut out =
        String::from("scenario,area,year,period,role_group,setting,sector,measure,det,mean");
    for p in &projection.percentiles {
        out.push_str(&format!(",p{p}"));
    }
    out.push('\n');
    let names = value_names();
    for row in &projection.rows {
        let (role_group, setting, sector) = row.key.names();
        for (index, name) in names.iter().enumerate() {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{}",
                csv_field(&row.scenario),
                csv_field(&row.area),
                row.year,
                row.period,
                role_group,
                setting,
                sector,
                name
            ));
            match row.values.get(index) {
                Some(stat) => {
                    out.push_str(&format!(
                        ",{},{}",
                        csv_number(stat.det),
                        csv_number(stat.mean)
                    ));
                    for (_, value) in &stat.percentiles {
                        out.push_str(&format!(",{}", csv_number(*value)));
                    }
                }
                None => {
                    for _ in 0..(2 + projection.percentiles.len()) {
                        out.push(',');
                    }
                }
            }
            out.push('\n');
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn format_number(value: Option<f64>) -> String {
    match value {
        None => "not enough data".to_string(),
        Some(v) if v.abs() >= 100.0 => format!("{:.0}", v),
        Some(v) => format!("{:.3}", v),
    }
}

/// A fan chart: P10–P90 band and P50 line over the years, as inline SVG.
pub fn fan_chart(
    title: &str,
    years: &[i32],
    series: &[(Option<f64>, Option<f64>, Option<f64>)],
) -> String {
    let (width, height, margin) = (360.0f64, 200.0f64, 40.0f64);
    let values: Vec<f64> = series
        .iter()
        .flat_map(|(a, b, c)| [*a, *b, *c])
        .flatten()
        .collect();
    if values.is_empty() || years.len() < 2 {
        return format!(
            "<figure><figcaption>{}</figcaption><p>not enough data</p></figure>",
            escape(title)
        );
    }
    let mut low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if low > 0.0 {
        low = 0.0;
    }
    if high <= low {
        high = low + 1.0;
    }
    let x = |i: usize| margin + (width - 2.0 * margin) * i as f64 / (years.len() - 1) as f64;
    let y = |v: f64| height - margin - (height - 2.0 * margin) * (v - low) / (high - low);
    let mut band_top = Vec::new();
    let mut band_bottom = Vec::new();
    let mut line = Vec::new();
    for (i, (p10, p50, p90)) in series.iter().enumerate() {
        if let (Some(p10), Some(p90)) = (p10, p90) {
            band_top.push(format!("{:.1},{:.1}", x(i), y(*p90)));
            band_bottom.push(format!("{:.1},{:.1}", x(i), y(*p10)));
        }
        if let Some(p50) = p50 {
            line.push(format!("{:.1},{:.1}", x(i), y(*p50)));
        }
    }
    band_bottom.reverse();
    let band: Vec<String> = band_top.into_iter().chain(band_bottom).collect();
    let zero = if low < 0.0 && high > 0.0 {
        format!(
            "<line x1=\"{m}\" x2=\"{w}\" y1=\"{z:.1}\" y2=\"{z:.1}\" stroke=\"#999\" stroke-dasharray=\"3\"/>",
            m = margin,
            w = width - margin,
            z = y(0.0)
        )
    } else {
        String::new()
    };
    format!(
        "<figure><figcaption>{title}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{title}\">\
<polygon points=\"{band}\" fill=\"#9ecae1\" fill-opacity=\"0.6\"/>{zero}\
<polyline points=\"{line}\" fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\"/>\
<text x=\"{m}\" y=\"{yb}\" font-size=\"10\">{first}</text><text x=\"{xe}\" y=\"{yb}\" font-size=\"10\" text-anchor=\"end\">{last}</text>\
<text x=\"2\" y=\"{yt}\" font-size=\"10\">{top}</text><text x=\"2\" y=\"{ybot}\" font-size=\"10\">{bottom}</text></svg></figure>",
        title = escape(title),
        band = band.join(" "),
        line = line.join(" "),
        m = margin,
        xe = width - margin,
        yb = height - 10.0,
        first = years.first().copied().unwrap_or_default(),
        last = years.last().copied().unwrap_or_default(),
        yt = margin,
        ybot = height - margin,
        top = format_number(Some(high)),
        bottom = format_number(Some(low)),
    )
}

/// The projection as a self-contained HTML page: fan charts of demand, supply and gap for the
/// baseline's margin rows, the variant comparison table at the horizon, and the risk matrix.
pub fn to_html(projection: &Projection) -> String {
    let p = projection;
    let mut html = String::new();
    html.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html.push_str(&escape(&format!(
        "carecount projection: {}",
        p.scenario_name
    )));
    html.push_str("</title><style>body{font-family:sans-serif;margin:2em;max-width:80em}figure{display:inline-block;margin:0.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:0.2em 0.5em;text-align:right}th{background:#eee}.r1{background:#e5f5e0}.r2{background:#fff7bc}.r3{background:#fdd0a2}.r4{background:#fc9272}</style></head><body>");
    html.push_str(&format!(
        "<h1>Workforce projection: {}</h1><p>Area {} · base date {} · {} years · {} runs · seed {} · model version {}. A projection under stated assumptions, not a forecast. Bands show P10–P90 across runs, lines P50.</p>",
        escape(&p.scenario_name),
        escape(&p.inputs.area_name),
        escape(&p.as_of),
        p.horizon_years,
        p.runs,
        p.seed,
        crate::MODEL_VERSION
    ));
    let years: Vec<i32> = (0..=p.horizon_years as i32)
        .map(|k| p.base_year + k)
        .collect();
    let measure = |name: &str| MEASURES.iter().position(|m| *m == name).unwrap_or(0);
    let margin_rows: Vec<&ProjectionRow> = p
        .rows
        .iter()
        .filter(|row| row.scenario == "baseline" && row.year == p.base_year)
        .filter(|row| row.key.role_group.is_none() || row.key.setting.is_none())
        .collect();
    html.push_str("<h2>Demand, supply and gap (baseline)</h2>");
    for first in margin_rows {
        let (g, s, e) = first.key.names();
        let series_rows: Vec<&ProjectionRow> = p
            .rows
            .iter()
            .filter(|row| row.scenario == "baseline" && row.key == first.key)
            .collect();
        html.push_str(&format!(
            "<h3>role group {g} · setting {s} · sector {e}</h3>"
        ));
        if first.suppressed {
            html.push_str("<p>not enough data (suppressed)</p>");
            continue;
        }
        for (label, name) in [
            ("Demand (posts)", "demand_posts"),
            ("Supply: filled posts", "filled_posts"),
            ("Gap (posts)", "gap_posts"),
        ] {
            let index = measure(name);
            let series: Vec<(Option<f64>, Option<f64>, Option<f64>)> = series_rows
                .iter()
                .map(|row| {
                    row.values.get(index).map_or((None, None, None), |stat| {
                        (stat.p(10), stat.p(50), stat.p(90))
                    })
                })
                .collect();
            html.push_str(&fan_chart(label, &years, &series));
        }
    }
    let horizon_year = p.base_year + p.horizon_years as i32;
    html.push_str(&format!("<h2>Variants compared with the baseline, {horizon_year} (all role groups and settings)</h2>"));
    html.push_str("<table><tr><th>variant</th><th>gap change P50 (P10–P90)</th><th>PV cost change P50 (P10–P90), £</th><th>cost per gap post closed P50, £</th></tr>");
    for c in p.comparisons.iter().filter(|c| {
        c.year == horizon_year
            && c.key.role_group.is_none()
            && c.key.setting.is_none()
            && c.key.sector.is_none()
    }) {
        html.push_str(&format!(
            "<tr><td style=\"text-align:left\">{}</td><td>{} ({} – {})</td><td>{} ({} – {})</td><td>{}</td></tr>",
            escape(&c.variant),
            format_number(c.gap_change.p(50)),
            format_number(c.gap_change.p(10)),
            format_number(c.gap_change.p(90)),
            format_number(c.pv_total_change.p(50)),
            format_number(c.pv_total_change.p(10)),
            format_number(c.pv_total_change.p(90)),
            c.cost_per_gap_post_closed.p(50).map_or("—".to_string(), |v| format_number(Some(v))),
        ));
    }
    html.push_str("</table>");
    html.push_str(&format!("<h2>Risk matrix, {horizon_year}</h2><p>Score = impact (P50 gap rate) × likelihood (share of runs with a gap rate over the threshold).</p>"));
    html.push_str("<table><tr><th>scenario</th><th>role group</th><th>p(gap rate over threshold)</th><th>likelihood</th><th>impact</th><th>score</th></tr>");
    for r in p.risks.iter().filter(|r| r.year == horizon_year) {
        let class = match r.score {
            0..=4 => "r1",
            5..=9 => "r2",
            10..=15 => "r3",
            _ => "r4",
        };
        html.push_str(&format!(
            "<tr class=\"{class}\"><td style=\"text-align:left\">{}</td><td style=\"text-align:left\">{}</td><td>{:.3}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.scenario),
            r.role_group.and_then(|g| ROLE_GROUPS.get(g).copied()).unwrap_or("all"),
            r.p_gap_over_threshold,
            r.likelihood,
            r.impact,
            r.score
        ));
    }
    html.push_str(
        "</table><h2>Baseline table (all role groups and settings)</h2><table><tr><th>year</th>",
    );
    let shown = [
        "demand_posts",
        "filled_posts",
        "gap_posts",
        "gap_rate",
        "starters",
        "leavers",
        "cost_total",
        "pv_total",
    ];
    for name in shown {
        html.push_str(&format!("<th>{name} P50</th>"));
    }
    html.push_str("</tr>");
    for row in p.rows.iter().filter(|row| {
        row.scenario == "baseline"
            && row.key.role_group.is_none()
            && row.key.setting.is_none()
            && row.key.sector.is_none()
    }) {
        html.push_str(&format!("<tr><td>{}</td>", escape(&row.period)));
        for name in shown {
            let value = row.values.get(measure(name)).and_then(|stat| stat.p(50));
            html.push_str(&format!("<td>{}</td>", format_number(value)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table><h2>Warnings</h2><ul>");
    for w in &p.warnings {
        html.push_str(&format!(
            "<li><code>{}</code>: {}</li>",
            escape(&w.code),
            escape(&w.message)
        ));
    }
    html.push_str("</ul><h2>Inputs</h2><table><tr><th>table</th><th>origin</th><th>vintage</th><th>status</th><th>sha256</th></tr>");
    for i in &p.inputs.inputs {
        html.push_str(&format!(
            "<tr><td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            escape(&i.table),
            escape(&i.origin),
            escape(&i.vintage),
            escape(&i.status),
            escape(&i.sha256)
        ));
    }
    html.push_str("</table></body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::{RowKey, Stat};

    #[test]
    fn rows_in_parallel_chunks_are_the_same_bytes_as_one_vec() {
        // 5,001 rows (over the 4,096 threshold, not a multiple of the chunk count), values
        // varying per row, one null stat and a suppressed row.
        let rows: Vec<ProjectionRow> = (0..5_001)
            .map(|i| ProjectionRow {
                scenario: "baseline".to_string(),
                area: format!("E{:08}", i % 7),
                year: 2025 + (i % 16) as i32,
                period: "2025/26".to_string(),
                key: RowKey {
                    role_group: (i % 5 < 4).then_some(i % 5),
                    setting: Some(i % 7),
                    sector: None,
                },
                suppressed: i % 11 == 0,
                coverage: 1.0,
                values: (0..35)
                    .map(|v| Stat {
                        det: (v != 3).then_some(i as f64 * 0.1 + v as f64),
                        mean: Some(v as f64 / 3.0),
                        percentiles: vec![(10, Some(1.5)), (50, None), (90, Some(-2.25))],
                    })
                    .collect(),
            })
            .collect();
        let percentiles = [10, 50, 90];
        let whole: Vec<RowJson> = rows.iter().map(|r| row_json(r, &percentiles)).collect();
        let expected = serde_json::to_string(&whole).unwrap_or_default();
        let got = rows_text(&rows, &percentiles).unwrap_or_default();
        assert!(expected.len() > 1_000_000);
        assert_eq!(got, expected);
        // Empty and small inputs too.
        assert_eq!(rows_text(&[], &percentiles).unwrap_or_default(), "[]");
        let one: Vec<RowJson> = rows[..1]
            .iter()
            .map(|r| row_json(r, &percentiles))
            .collect();
        assert_eq!(
            rows_text(&rows[..1], &percentiles).unwrap_or_default(),
            serde_json::to_string(&one).unwrap_or_default()
        );
    }
}
