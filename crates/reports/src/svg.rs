//! Small hand-written SVG charts: horizontal bars, 100% stacked bars and trend lines. Each is a
//! `<figure>` with an accessible `<svg role="img">` (a `<title>` and a `<desc>` listing the
//! figures) and a `<figcaption>`. Withheld figures are never drawn: their place shows the
//! withheld text. Colours are dark enough for white text and distinct in greyscale print.

use crate::doc::Chart;
use crate::format::{Cell, Unit};
use crate::html::escape;

const WIDTH: f64 = 680.0;
const TEXT: &str = "#1a1a1a";
const MUTED: &str = "#4a4a4a";
const GRID: &str = "#c8c8c8";
/// Series colours (area, region, England first).
const PALETTE: [&str; 8] = [
    "#1f4e79", "#a33b00", "#595959", "#37672a", "#6b2c91", "#7a5c00", "#005a70", "#8b1c3a",
];

fn colour(index: usize) -> &'static str {
    PALETTE.get(index % PALETTE.len()).copied().unwrap_or(TEXT)
}

/// Renders a chart as a `<figure>`; `id` must be unique in the document.
pub(crate) fn figure(chart: &Chart, id: &str) -> String {
    let (title, description, height, body) = match chart {
        Chart::Bars {
            title,
            unit,
            series,
            categories,
        } => {
            let (height, body) = bars(*unit, series, categories);
            (title, describe(categories, series), height, body)
        }
        Chart::Stacked {
            title,
            segments,
            bars,
        } => {
            let (height, body) = stacked(segments, bars);
            (title, describe(bars, segments), height, body)
        }
        Chart::Lines {
            title,
            unit,
            points,
            series,
        } => {
            let (height, body) = lines(*unit, points, series);
            (title, describe(series, points), height, body)
        }
    };
    let id = escape(id);
    format!(
        "<figure>\n<svg viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" style=\"max-width:{WIDTH}px\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <title id=\"{id}-t\">{title}</title>\n<desc id=\"{id}-d\">{description}</desc>\n{body}</svg>\n\
         <figcaption>{title}. The figures are also in the table below.</figcaption>\n</figure>\n",
        title = escape(title),
        description = escape(&description),
    )
}

/// "Row: column value, column value; ..." for a chart's `<desc>`.
fn describe(rows: &[(String, Vec<Cell>)], columns: &[String]) -> String {
    rows.iter()
        .map(|(label, cells)| {
            let values: Vec<String> = columns
                .iter()
                .zip(cells)
                .filter(|(_, cell)| **cell != Cell::Blank)
                .map(|(column, cell)| format!("{column} {}", cell.display()))
                .collect();
            format!("{label}: {}", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn text(x: f64, y: f64, anchor: &str, fill: &str, content: &str) -> String {
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>\n",
        escape(content)
    )
}

fn rect(x: f64, y: f64, width: f64, height: f64, fill: &str) -> String {
    format!(
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" fill=\"{fill}\"/>\n"
    )
}

/// Shortens a label to `max` characters with an ellipsis.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let kept: String = label.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

/// A legend row of coloured squares; returns (height, svg).
fn legend(names: &[String]) -> (f64, String) {
    let mut out = String::new();
    let mut x = 0.0;
    let mut y = 4.0;
    for (index, name) in names.iter().enumerate() {
        let width = 24.0 + 6.5 * name.chars().count() as f64;
        if x > 0.0 && x + width > WIDTH {
            x = 0.0;
            y += 18.0;
        }
        out.push_str(&rect(x, y, 10.0, 10.0, colour(index)));
        out.push_str(&text(x + 14.0, y + 9.5, "start", TEXT, name));
        x += width + 12.0;
    }
    (y + 20.0, out)
}

fn max_value<'c>(cells: impl Iterator<Item = &'c Cell>) -> f64 {
    let max = cells.filter_map(Cell::value).fold(0.0_f64, f64::max);
    if max > 0.0 { max } else { 1.0 }
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `raw` (axis steps).
fn nice_step(raw: f64) -> f64 {
    if !(raw > 0.0 && raw.is_finite()) {
        return 0.25;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

fn bars(unit: Unit, series: &[String], categories: &[(String, Vec<Cell>)]) -> (f64, String) {
    const LABEL: f64 = 250.0;
    const BAR: f64 = 13.0;
    let plot = WIDTH - LABEL - 110.0;
    let (mut y, mut out) = if series.len() > 1 {
        legend(series)
    } else {
        (0.0, String::new())
    };
    let max = max_value(categories.iter().flat_map(|(_, cells)| cells.iter()));
    for (label, cells) in categories {
        let block = BAR * cells.len() as f64;
        out.push_str(&text(
            LABEL - 8.0,
            y + block / 2.0 + 4.0,
            "end",
            TEXT,
            &shorten(label, 40),
        ));
        for (index, cell) in cells.iter().enumerate() {
            let top = y + BAR * index as f64;
            match cell.value() {
                Some(value) => {
                    let width = (value.max(0.0) / max) * plot;
                    out.push_str(&rect(LABEL, top + 1.0, width, BAR - 2.0, colour(index)));
                    out.push_str(&text(
                        LABEL + width + 4.0,
                        top + BAR - 3.0,
                        "start",
                        TEXT,
                        &unit.display(value),
                    ));
                }
                None => out.push_str(&text(
                    LABEL + 4.0,
                    top + BAR - 3.0,
                    "start",
                    MUTED,
                    &cell.display(),
                )),
            }
        }
        y += block + 8.0;
    }
    out.push_str(&format!(
        "<line x1=\"{LABEL}\" y1=\"0\" x2=\"{LABEL}\" y2=\"{y:.1}\" stroke=\"{MUTED}\"/>\n"
    ));
    (y + 4.0, out)
}

fn stacked(segments: &[String], bars: &[(String, Vec<Cell>)]) -> (f64, String) {
    const LABEL: f64 = 175.0;
    const BAR: f64 = 22.0;
    let plot = WIDTH - LABEL - 10.0;
    let (mut y, mut out) = legend(segments);
    y += 4.0;
    for (label, cells) in bars {
        out.push_str(&text(
            LABEL - 8.0,
            y + 15.0,
            "end",
            TEXT,
            &shorten(label, 25),
        ));
        let mut x = LABEL;
        let mut withheld = Vec::new();
        for (index, (segment, cell)) in segments.iter().zip(cells).enumerate() {
            match cell.value() {
                Some(share) => {
                    let width = share.clamp(0.0, 1.0) * plot;
                    out.push_str(&rect(x, y, width, BAR, colour(index)));
                    if width >= 40.0 {
                        out.push_str(&text(
                            x + width / 2.0,
                            y + 15.0,
                            "middle",
                            "#ffffff",
                            &Unit::Percent.display(share),
                        ));
                    }
                    x += width;
                }
                None if matches!(cell, Cell::Withheld(_)) => {
                    withheld.push(format!("{segment} {}", cell.display()));
                }
                None => {}
            }
        }
        y += BAR + 4.0;
        if !withheld.is_empty() {
            out.push_str(&text(
                LABEL,
                y + 10.0,
                "start",
                MUTED,
                &format!("Withheld: {}", withheld.join(", ")),
            ));
            y += 14.0;
        }
        y += 8.0;
    }
    (y, out)
}

fn lines(unit: Unit, points: &[String], series: &[(String, Vec<Cell>)]) -> (f64, String) {
    const LEFT: f64 = 80.0;
    const RIGHT: f64 = 170.0;
    const PLOT_HEIGHT: f64 = 180.0;
    let names: Vec<String> = series.iter().map(|(name, _)| name.clone()).collect();
    let (top, mut out) = legend(&names);
    let top = top + 6.0;
    let bottom = top + PLOT_HEIGHT;
    let step = nice_step(max_value(series.iter().flat_map(|(_, cells)| cells.iter())) / 4.0);
    let max = step * 4.0;
    let plot_width = WIDTH - LEFT - RIGHT;
    let x_of = |index: usize| {
        if points.len() <= 1 {
            LEFT + plot_width / 2.0
        } else {
            LEFT + plot_width * index as f64 / (points.len() - 1) as f64
        }
    };
    let y_of = |value: f64| bottom - (value.max(0.0) / max) * PLOT_HEIGHT;
    for tick in 0..=4 {
        let value = step * f64::from(tick);
        let y = y_of(value);
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\"/>\n",
            WIDTH - RIGHT
        ));
        out.push_str(&text(
            LEFT - 6.0,
            y + 4.0,
            "end",
            MUTED,
            &unit.display(value),
        ));
    }
    for (index, point) in points.iter().enumerate() {
        out.push_str(&text(x_of(index), bottom + 18.0, "middle", TEXT, point));
    }
    for (series_index, (name, cells)) in series.iter().enumerate() {
        let colour = colour(series_index);
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut last: Option<f64> = None;
        let flush = |run: &mut Vec<(f64, f64)>, out: &mut String| {
            if run.len() > 1 {
                let path: Vec<String> = run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                out.push_str(&format!(
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n",
                    path.join(" ")
                ));
            }
            run.clear();
        };
        for (index, cell) in cells.iter().enumerate() {
            match cell.value() {
                Some(value) => {
                    let (x, y) = (x_of(index), y_of(value));
                    run.push((x, y));
                    out.push_str(&format!(
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{colour}\"/>\n"
                    ));
                    last = Some(value);
                }
                None => flush(&mut run, &mut out),
            }
        }
        flush(&mut run, &mut out);
        // The latest value of each series, listed beside the plot in series order.
        if let Some(value) = last {
            out.push_str(&text(
                WIDTH - RIGHT + 10.0,
                top + 10.0 + 16.0 * series_index as f64,
                "start",
                colour,
                &format!("{}: {}", shorten(name, 14), unit.display(value)),
            ));
        }
    }
    (bottom + 28.0, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_round() {
        // 0.098 / 4 = 0.0245 → 0.025 (2.5% steps up to 10%); 1,234 / 4 = 308.5 → 500.
        assert!((nice_step(0.0245) - 0.025).abs() < 1e-12);
        assert!((nice_step(308.5) - 500.0).abs() < 1e-9);
        assert!((nice_step(3.0) - 5.0).abs() < 1e-12);
        assert!((nice_step(0.0) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn withheld_bars_are_not_drawn_but_named() {
        let chart = Chart::Bars {
            title: "Vacancy <rate>".to_string(),
            unit: Unit::Percent,
            series: vec!["Area".to_string(), "England".to_string()],
            categories: vec![(
                "Care worker".to_string(),
                vec![
                    Cell::Withheld("not enough data"),
                    Cell::Number {
                        value: 0.07,
                        unit: Unit::Percent,
                    },
                ],
            )],
        };
        let svg = figure(&chart, "c1");
        assert!(svg.contains("<title id=\"c1-t\">Vacancy &lt;rate&gt;</title>"));
        assert!(svg.contains("role=\"img\""));
        // Legend squares (2) and one bar for England only.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(">not enough data</text>"));
        assert!(svg.contains(">7.0%</text>"));
    }
}
