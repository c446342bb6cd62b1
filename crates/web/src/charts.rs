//! Hand-written inline SVG bar charts for the dashboards: no JavaScript, each chart a
//! `<figure>` with a `<figcaption>`, the SVG `role="img"` named by its `<title>`. A withheld or
//! missing figure draws no bar and says why in words, so the chart never shows more than the
//! table beside it.

use maud::{Markup, html};

/// One bar: its label, the value it is drawn to (`None`: withheld or no data) and the text
/// written beside it (the formatted figure or the withheld text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

/// Width of the whole chart (SVG user units).
const WIDTH: f64 = 600.0;
/// Width of the label column.
const LABEL_WIDTH: f64 = 150.0;
/// Width of the room bars may take (the rest holds the figure's text).
const BAR_SPAN: f64 = 330.0;
/// Height of one row.
const ROW_HEIGHT: f64 = 32.0;
/// Height of one bar.
const BAR_HEIGHT: f64 = 20.0;

/// Bar lengths for `values` scaled so that the largest positive value spans `span`; missing,
/// negative or non-finite values get 0, and all values are 0 when none is positive.
pub(crate) fn bar_lengths(values: &[Option<f64>], span: f64) -> Vec<f64> {
    let usable = |value: &Option<f64>| value.filter(|number| number.is_finite() && *number > 0.0);
    let largest = values.iter().filter_map(usable).fold(0.0_f64, f64::max);
    values
        .iter()
        .map(|value| match usable(value) {
            Some(number) if largest > 0.0 => number / largest * span,
            _ => 0.0,
        })
        .collect()
}

/// A horizontal bar chart. `id` must be unique on the page (it names the SVG's title).
pub(crate) fn bar_chart(id: &str, title: &str, caption: &str, bars: &[Bar]) -> Markup {
    let values: Vec<Option<f64>> = bars.iter().map(|bar| bar.value).collect();
    let lengths = bar_lengths(&values, BAR_SPAN);
    let height = ROW_HEIGHT * bars.len() as f64 + 8.0;
    let title_id = format!("{id}-title");
    let description: String = bars
        .iter()
        .map(|bar| format!("{}: {}", bar.label, bar.text))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        figure class="carecount-chart govuk-!-margin-left-0 govuk-!-margin-right-0 govuk-!-margin-bottom-6" id=(id) {
            svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby=(title_id)
                viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" style="max-width: 600px"
                font-family="helvetica, arial, sans-serif" {
                title id=(title_id) { (title) ": " (description) }
                @for (index, (bar, length)) in bars.iter().zip(&lengths).enumerate() {
                    @let top = ROW_HEIGHT * index as f64 + 4.0;
                    @let middle = top + BAR_HEIGHT / 2.0 + 5.0;
                    text x=(LABEL_WIDTH - 8.0) y=(middle) text-anchor="end" font-size="15" fill="#0b0c0c" { (bar.label) }
                    @if *length > 0.0 {
                        rect x=(LABEL_WIDTH) y=(top) width=(format!("{length:.1}")) height=(BAR_HEIGHT)
                            fill=(if index == 0 { "#1d70b8" } else { "#505a5f" }) {}
                    }
                    text x=(format!("{:.1}", LABEL_WIDTH + length + 6.0)) y=(middle) font-size="15" fill="#0b0c0c" { (bar.text) }
                }
            }
            figcaption class="govuk-body-s" { (caption) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_value_spans_the_room_and_others_are_in_proportion() {
        // Largest 0.2 → 300; 0.1 is half of it → 150; 0.05 a quarter → 75.
        let lengths = bar_lengths(&[Some(0.1), Some(0.2), Some(0.05)], 300.0);
        assert_eq!(lengths, vec![150.0, 300.0, 75.0]);
    }

    #[test]
    fn withheld_zero_and_negative_values_draw_no_bar() {
        // Only 4.0 is usable: it spans 100; None, 0, -1 and NaN get 0.
        let lengths = bar_lengths(
            &[None, Some(0.0), Some(-1.0), Some(f64::NAN), Some(4.0)],
            100.0,
        );
        assert_eq!(lengths, vec![0.0, 0.0, 0.0, 0.0, 100.0]);
        // Nothing positive: nothing drawn (never a division by zero).
        assert_eq!(bar_lengths(&[None, Some(0.0)], 100.0), vec![0.0, 0.0]);
    }

    #[test]
    fn a_chart_is_a_named_figure_and_says_withheld_figures_in_words() {
        let bars = [
            Bar {
                label: "Demo LA".to_string(),
                value: None,
                text: "not enough data".to_string(),
            },
            Bar {
                label: "England".to_string(),
                value: Some(0.08),
                text: "8.0%".to_string(),
            },
        ];
        let html = bar_chart(
            "vacancy-chart",
            "Vacancy rate",
            "Vacancy rate by place",
            &bars,
        )
        .into_string();
        assert!(html.contains("<figure"));
        assert!(
            html.contains("<figcaption class=\"govuk-body-s\">Vacancy rate by place</figcaption>")
        );
        assert!(html.contains("role=\"img\""));
        assert!(html.contains("aria-labelledby=\"vacancy-chart-title\""));
        assert!(html.contains(
            "<title id=\"vacancy-chart-title\">Vacancy rate: Demo LA: not enough data; England: 8.0%</title>"
        ));
        // One bar only (England's), spanning the whole room: 330.
        assert_eq!(html.matches("<rect").count(), 1);
        assert!(html.contains("width=\"330.0\""));
        assert!(html.contains(">not enough data</text>"));
        assert!(!html.contains("<script"));
    }
}
