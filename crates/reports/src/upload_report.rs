//! The upload error report (`ascwds-formats.md` §7.2): one row per message, errors first then
//! warnings, each grouped by code in order of first appearance and in line order within a group.
//!
//! XLSX has the three sheets of ASC-WDS's report (Workplace, Staff Records, Training) with its
//! columns, plus `Code`, `Value` and `Severity`-independent detail; CSV is one table with a `File`
//! column first.

use std::path::Path;

use carecount_ascwds::{FileKind, Message, Severity};

use crate::ReportError;

/// The rows of one file's sheet, in report order.
pub fn report_order(messages: &[Message], file: FileKind) -> Vec<&Message> {
    let mut out = Vec::new();
    for severity in [Severity::Error, Severity::Warning] {
        let mut of_kind: Vec<&Message> = messages
            .iter()
            .filter(|m| m.file == file && m.severity == severity)
            .collect();
        of_kind.sort_by_key(|m| m.line);
        let mut codes: Vec<u32> = Vec::new();
        for m in &of_kind {
            if !codes.contains(&m.code) {
                codes.push(m.code);
            }
        }
        for code in codes {
            out.extend(of_kind.iter().filter(|m| m.code == code));
        }
    }
    out
}

fn type_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
    }
}

const FILES: [(FileKind, &str); 3] = [
    (FileKind::Workplace, "Workplace"),
    (FileKind::Staff, "Staff Records"),
    (FileKind::Training, "Training"),
];

/// Writes the report; the format comes from the extension (`.csv` or `.xlsx`).
pub fn write(messages: &[Message], path: &Path) -> Result<(), ReportError> {
    let shown = path.display().to_string();
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => write_csv(messages, path).map_err(|source| ReportError::Csv {
            path: shown,
            source,
        }),
        Some("xlsx") => write_xlsx(messages, path).map_err(|source| ReportError::Xlsx {
            path: shown,
            source,
        }),
        _ => Err(ReportError::UnknownFormat { path: shown }),
    }
}

fn write_csv(messages: &[Message], path: &Path) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_path(path)?;
    out.write_record([
        "File",
        "Type",
        "Workplace reference (LOCALESTID)",
        "Staff reference (UNIQUEWORKERID)",
        "Column header",
        "Line number",
        "Code",
        "Value",
        "Error message",
    ])?;
    for (file, label) in FILES {
        for m in report_order(messages, file) {
            out.write_record([
                label,
                type_label(m.severity),
                &m.workplace,
                m.worker.as_deref().unwrap_or(""),
                &m.column,
                &m.line.to_string(),
                &m.code.to_string(),
                &m.value,
                &m.message,
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}

fn write_xlsx(messages: &[Message], path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for (file, label) in FILES {
        let sheet = workbook.add_worksheet();
        sheet.set_name(label)?;
        let mut headers = vec!["Type", "Workplace reference (LOCALESTID)"];
        if file != FileKind::Workplace {
            headers.push("Staff reference (UNIQUEWORKERID)");
        }
        headers.extend([
            "Column header",
            "Line number",
            "Error message",
            "Code",
            "Value",
        ]);
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *header, &bold)?;
        }
        for (i, m) in report_order(messages, file).into_iter().enumerate() {
            let row = i as u32 + 1;
            let mut col: u16 = 0;
            let mut next = || {
                col += 1;
                col - 1
            };
            sheet.write_string(row, next(), type_label(m.severity))?;
            sheet.write_string(row, next(), &m.workplace)?;
            if file != FileKind::Workplace {
                sheet.write_string(row, next(), m.worker.as_deref().unwrap_or(""))?;
            }
            sheet.write_string(row, next(), &m.column)?;
            sheet.write_number(row, next(), f64::from(m.line))?;
            sheet.write_string(row, next(), &m.message)?;
            sheet.write_number(row, next(), f64::from(m.code))?;
            sheet.write_string(row, next(), &m.value)?;
        }
        sheet.set_column_width(1, 20)?;
        sheet.autofit();
    }
    workbook.save(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(file: FileKind, line: u32, severity: Severity, code: u32) -> Message {
        Message {
            file,
            line,
            severity,
            code,
            column: "COL".into(),
            value: "v".into(),
            message: format!("m{code}"),
            workplace: "WP1".into(),
            worker: (file != FileKind::Workplace).then(|| "W1".into()),
        }
    }

    #[test]
    fn errors_come_first_grouped_by_code_in_first_line_order() {
        let messages = vec![
            message(FileKind::Staff, 2, Severity::Warning, 3080),
            message(FileKind::Staff, 3, Severity::Error, 1010),
            message(FileKind::Staff, 2, Severity::Error, 1060),
            message(FileKind::Staff, 5, Severity::Error, 1060),
            message(FileKind::Workplace, 9, Severity::Error, 1000),
        ];
        let order: Vec<(u32, u32)> = report_order(&messages, FileKind::Staff)
            .iter()
            .map(|m| (m.code, m.line))
            .collect();
        // Errors: 1060 first appears on line 2, 1010 on line 3 → 1060 (2, 5), 1010 (3); then warnings.
        assert_eq!(order, [(1060, 2), (1060, 5), (1010, 3), (3080, 2)]);
    }

    #[test]
    fn xlsx_and_csv_hold_one_row_per_message() {
        let dir = tempfile::tempdir().expect("temp dir");
        let messages = vec![
            message(FileKind::Workplace, 2, Severity::Error, 1000),
            message(FileKind::Staff, 3, Severity::Warning, 3080),
            message(FileKind::Training, 4, Severity::Error, 1080),
        ];
        let xlsx = dir.path().join("report.xlsx");
        write(&messages, &xlsx).expect("xlsx written");
        use calamine::{Reader, Xlsx, open_workbook};
        let mut book: Xlsx<_> = open_workbook(&xlsx).expect("xlsx opens");
        assert_eq!(
            book.sheet_names(),
            ["Workplace", "Staff Records", "Training"]
        );
        let staff = book.worksheet_range("Staff Records").expect("sheet");
        // Header + one message.
        assert_eq!(staff.height(), 2);
        assert_eq!(
            staff.get_value((1, 0)).map(|v| v.to_string()),
            Some("WARNING".into())
        );
        let csv_path = dir.path().join("report.csv");
        write(&messages, &csv_path).expect("csv written");
        let text = std::fs::read_to_string(&csv_path).expect("csv readable");
        assert_eq!(text.lines().count(), 4);
        assert!(write(&messages, &dir.path().join("report.txt")).is_err());
    }
}
