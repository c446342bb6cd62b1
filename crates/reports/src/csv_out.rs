//! CSV output.
//!
//! The area profile is one long table, one line per (table row, measure):
//! `section,table,group,measure,unit,area,region,england`. `section` is the section key
//! (`headline`, `by_service`, ...), `table` the table caption, `group` the row (a service, a
//! date, an age band, ...), `measure` the column heading (a metric or statistic). Numbers are
//! unformatted: rates and shares are fractions (`unit` = `fraction`), pay in pounds. A withheld
//! figure is the text `< 5` or `not enough data`, a figure without a value `no data`, and a
//! cell that does not apply (no region, or a table about the area alone) is empty.

use std::path::Path;

use crate::doc::{Block, Document};
use crate::format::Cell;

/// The header of the long CSV.
pub const LONG_HEADER: [&str; 8] = [
    "section", "table", "group", "measure", "unit", "area", "region", "england",
];

/// A cell as CSV text: numbers unformatted.
pub(crate) fn raw(cell: &Cell) -> String {
    match cell {
        Cell::Number { value, .. } => format!("{value}"),
        other => other.display(),
    }
}

/// Writes every table of the document as the long CSV.
pub(crate) fn write_long(document: &Document, path: &Path) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_path(path)?;
    out.write_record(LONG_HEADER)?;
    for section in &document.sections {
        for block in &section.blocks {
            let Block::Table(table) = block else {
                continue;
            };
            for row in &table.rows {
                for (group, cells) in table.grouped_cells(row) {
                    let unit = cells
                        .iter()
                        .find_map(|cell| match cell {
                            Cell::Number { unit, .. } => Some(unit.csv_name()),
                            _ => None,
                        })
                        .unwrap_or("");
                    let mut record = vec![
                        section.id.clone(),
                        table.caption.clone(),
                        row.label.clone(),
                        group.name.clone(),
                        unit.to_string(),
                    ];
                    for index in 0..3 {
                        record.push(cells.get(index).map(raw).unwrap_or_default());
                    }
                    out.write_record(&record)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Writes `rows` under `header` (the workplace report's wide table).
pub(crate) fn write_rows(
    header: &[&str],
    rows: &[Vec<String>],
    path: &Path,
) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_path(path)?;
    out.write_record(header)?;
    for row in rows {
        out.write_record(row)?;
    }
    out.flush()?;
    Ok(())
}
