//! The laid-out report every format renders: sections of paragraphs, tables and charts. Area
//! and workplace reports build one [`Document`]; `html`, `xlsx` and `csv_out` write it, so the
//! formats cannot disagree about a figure.

use crate::format::{Cell, Unit};

/// A whole report.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    /// The report's title.
    pub title: String,
    /// Label/value lines under the title (area, as-of date, audience, ...).
    pub meta: Vec<(String, String)>,
    /// Paragraphs under the title.
    pub notes: Vec<String>,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// One-line definitions, shown last.
    pub definitions: Vec<Definition>,
}

/// One section: a heading, and blocks in order. In XLSX a section is one sheet.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// Anchor id (HTML) and CSV section key.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Sheet name (at most 31 characters, unique).
    pub sheet: String,
    /// Content.
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub(crate) enum Block {
    Paragraph(String),
    Table(Table),
    Chart(Chart),
}

/// A table whose columns come in groups under a shared heading (for comparisons: one group per
/// measure with the area, region and England beneath).
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// Caption.
    pub caption: String,
    /// Heading of the row-label column.
    pub key_heading: String,
    /// Column groups; every row has one cell per column of every group, in order.
    pub groups: Vec<ColumnGroup>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub(crate) struct ColumnGroup {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub label: String,
    pub cells: Vec<Cell>,
}

impl Table {
    /// The cells of `row` for each group, paired with the group.
    pub(crate) fn grouped_cells<'t>(
        &'t self,
        row: &'t Row,
    ) -> impl Iterator<Item = (&'t ColumnGroup, &'t [Cell])> + 't {
        let mut start = 0;
        self.groups.iter().map(move |group| {
            let end = start + group.columns.len();
            let cells = row.cells.get(start..end).unwrap_or(&[]);
            start = end;
            (group, cells)
        })
    }
}

/// A chart drawn as inline SVG in HTML (the same figures are always in a table too).
#[derive(Debug, Clone)]
pub(crate) enum Chart {
    /// Horizontal bars, one bar per series within each category.
    Bars {
        title: String,
        unit: Unit,
        series: Vec<String>,
        /// (category label, one cell per series)
        categories: Vec<(String, Vec<Cell>)>,
    },
    /// Horizontal 100% bars (one per bar label) made of shares of segments.
    Stacked {
        title: String,
        segments: Vec<String>,
        /// (bar label, one share cell per segment)
        bars: Vec<(String, Vec<Cell>)>,
    },
    /// Lines across dates, one per series.
    Lines {
        title: String,
        unit: Unit,
        points: Vec<String>,
        /// (series label, one cell per point)
        series: Vec<(String, Vec<Cell>)>,
    },
}

/// A term or metric with its one-line definition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub(crate) struct Definition {
    pub name: String,
    pub label: String,
    pub unit: String,
    pub definition: String,
}

/// The definitions of `data/definitions.csv` (one line per metric of `metrics.md` and per term
/// the reports use).
pub(crate) fn definitions() -> Result<Vec<Definition>, crate::ReportError> {
    let mut reader = csv::Reader::from_reader(include_str!("data/definitions.csv").as_bytes());
    reader
        .deserialize()
        .collect::<Result<Vec<Definition>, csv::Error>>()
        .map_err(|source| crate::ReportError::EmbeddedData {
            file: "definitions.csv".to_string(),
            message: source.to_string(),
        })
}

/// Label and unit of a metric, from the definitions; the name itself and a count when absent.
pub(crate) fn metric_label(definitions: &[Definition], metric: &str) -> (String, Unit) {
    definitions
        .iter()
        .find(|definition| definition.name == metric)
        .map_or_else(
            || (metric.to_string(), Unit::Count),
            |definition| {
                (
                    definition.label.clone(),
                    Unit::parse(&definition.unit).unwrap_or(Unit::Count),
                )
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_a_definition_with_a_unit() {
        let definitions = definitions().unwrap();
        for name in carecount_metrics::metric_names() {
            let definition = definitions
                .iter()
                .find(|definition| definition.name == *name)
                .unwrap_or_else(|| panic!("no definition for {name}"));
            assert!(Unit::parse(&definition.unit).is_some(), "{name}");
            assert!(!definition.definition.is_empty());
        }
    }
}
