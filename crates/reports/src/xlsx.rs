//! The workbook: an "About" sheet (title, area, date, audience, notes), one sheet per section
//! with its tables (bold two-row headers, numbers as numbers with a number format — rates are
//! fractions formatted `0.0%`), and a "Definitions" sheet. Withheld figures are the text
//! `< 5` or `not enough data`, figures without a value the text `no data`. Charts are not
//! repeated: their figures are in the tables.

use std::path::Path;

use rust_xlsxwriter::{Format as XlsxFormat, Workbook, Worksheet, XlsxError};

use crate::doc::{Block, Document, Table};
use crate::format::{Cell, Unit};

/// Writes the document as an XLSX workbook.
pub(crate) fn write(document: &Document, path: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    let bold = XlsxFormat::new().set_bold();
    let title = XlsxFormat::new().set_bold().set_font_size(14);
    let italic = XlsxFormat::new().set_italic();

    let about = workbook.add_worksheet();
    about.set_name("About")?;
    about.write_string_with_format(0, 0, &document.title, &title)?;
    let mut row: u32 = 2;
    for (label, value) in &document.meta {
        about.write_string_with_format(row, 0, label, &bold)?;
        about.write_string(row, 1, value)?;
        row += 1;
    }
    row += 1;
    for note in &document.notes {
        about.write_string(row, 0, note)?;
        row += 1;
    }
    about.set_column_width(0, 24)?;
    about.set_column_width(1, 60)?;

    for section in &document.sections {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&section.sheet)?;
        sheet.write_string_with_format(0, 0, &section.title, &title)?;
        let mut row: u32 = 2;
        let mut widest = 1;
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => {
                    sheet.write_string_with_format(row, 0, text, &italic)?;
                    row += 2;
                }
                Block::Table(table) => {
                    row = write_table(sheet, table, row, &bold)? + 1;
                    widest = widest.max(table.groups.iter().map(|g| g.columns.len()).sum());
                }
                Block::Chart(_) => {}
            }
        }
        sheet.set_column_width(0, 40)?;
        for column in 1..=widest {
            sheet.set_column_width(col(column), 14)?;
        }
    }

    let definitions = workbook.add_worksheet();
    definitions.set_name("Definitions")?;
    for (column, heading) in ["Name", "Term", "Definition"].iter().enumerate() {
        definitions.write_string_with_format(0, col(column), *heading, &bold)?;
    }
    for (index, definition) in document.definitions.iter().enumerate() {
        let row = row_number(index + 1);
        definitions.write_string(row, 0, &definition.name)?;
        definitions.write_string(row, 1, &definition.label)?;
        definitions.write_string(row, 2, &definition.definition)?;
    }
    definitions.set_column_width(0, 24)?;
    definitions.set_column_width(1, 34)?;
    definitions.set_column_width(2, 110)?;

    workbook.save(path)
}

fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn row_number(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Writes a table from `row`: caption, one or two header rows, the data rows. Returns the
/// next free row.
fn write_table(
    sheet: &mut Worksheet,
    table: &Table,
    mut row: u32,
    bold: &XlsxFormat,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(row, 0, &table.caption, bold)?;
    row += 1;
    let two_rows = table.groups.iter().any(|group| group.columns.len() > 1);
    sheet.write_string_with_format(row, 0, &table.key_heading, bold)?;
    let mut column = 1;
    for group in &table.groups {
        let width = group.columns.len();
        if two_rows {
            if width > 1 {
                sheet.merge_range(
                    row,
                    col(column),
                    row,
                    col(column + width - 1),
                    &group.name,
                    bold,
                )?;
                for (offset, name) in group.columns.iter().enumerate() {
                    sheet.write_string_with_format(row + 1, col(column + offset), name, bold)?;
                }
            } else {
                sheet.write_string_with_format(row, col(column), &group.name, bold)?;
            }
        } else {
            sheet.write_string_with_format(row, col(column), &group.name, bold)?;
        }
        column += width;
    }
    row += if two_rows { 2 } else { 1 };
    let formats: Vec<(Unit, XlsxFormat)> = [
        Unit::Count,
        Unit::Posts,
        Unit::Percent,
        Unit::HourlyPay,
        Unit::AnnualPay,
        Unit::Days,
        Unit::Years,
    ]
    .into_iter()
    .map(|unit| (unit, XlsxFormat::new().set_num_format(unit.excel_format())))
    .collect();
    for data in &table.rows {
        sheet.write_string(row, 0, &data.label)?;
        for (index, cell) in data.cells.iter().enumerate() {
            let column = col(index + 1);
            match cell {
                Cell::Number { value, unit } => {
                    match formats.iter().find(|(candidate, _)| candidate == unit) {
                        Some((_, format)) => {
                            sheet.write_number_with_format(row, column, *value, format)?
                        }
                        None => sheet.write_number(row, column, *value)?,
                    };
                }
                Cell::Blank => {}
                other => {
                    sheet.write_string(row, column, other.display())?;
                }
            }
        }
        row += 1;
    }
    Ok(row)
}
