//! File exports: the matrix CSV and XLSX (§8), the alerts CSV and iCalendar file (§7, RFC 5545).

use time::Date;

use crate::alerts::Alert;
use crate::date::{add_days, format_iso};
use crate::sha256::hex_digest;
use crate::status::{StaffStatus, Status};
use crate::tna::UnitCosts;
use crate::wire::{TnaJson, TnaRowJson};

/// One matrix cell: text, a whole number, a date, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum MatrixCell {
    Text(String),
    Number(u16),
    Date(Date),
    Blank,
}

impl MatrixCell {
    /// The CSV form: dates as YYYY-MM-DD, blanks empty.
    pub fn csv(&self) -> String {
        match self {
            MatrixCell::Text(text) => text.clone(),
            MatrixCell::Number(number) => number.to_string(),
            MatrixCell::Date(date) => format_iso(*date),
            MatrixCell::Blank => String::new(),
        }
    }
}

/// The matrix header of §8: `localestid,uniqueworkerid,displayid,mainjobrole,startdate,status`,
/// then per topic `<topic>` and `<topic>_date`.
pub fn matrix_header(topics: &[String]) -> Vec<String> {
    let mut header: Vec<String> = [
        "localestid",
        "uniqueworkerid",
        "displayid",
        "mainjobrole",
        "startdate",
        "status",
    ]
    .map(str::to_owned)
    .to_vec();
    for topic in topics {
        header.push(topic.clone());
        header.push(format!("{topic}_date"));
    }
    header
}

/// The matrix rows under [`matrix_header`]: per topic the status (blank = not required) and the
/// date (`expires_on`, else `due_on`).
pub fn matrix_rows(statuses: &[StaffStatus], topics: &[String]) -> Vec<Vec<MatrixCell>> {
    let text = |text: &str| MatrixCell::Text(text.to_owned());
    statuses
        .iter()
        .map(|status| {
            let staff = &status.staff;
            let mut row = vec![
                text(&staff.workplace),
                text(&staff.staff),
                text(&staff.displayid),
                MatrixCell::Number(staff.job_role),
                staff.start_date.map_or(MatrixCell::Blank, MatrixCell::Date),
                status
                    .status()
                    .map_or(MatrixCell::Blank, |status| text(status.as_str())),
            ];
            for topic in topics {
                match status.pairs.iter().find(|pair| &pair.topic == topic) {
                    Some(pair) => {
                        row.push(text(pair.status.as_str()));
                        row.push(
                            pair.expires_on
                                .or(pair.due_on)
                                .map_or(MatrixCell::Blank, MatrixCell::Date),
                        );
                    }
                    None => {
                        row.push(MatrixCell::Blank);
                        row.push(MatrixCell::Blank);
                    }
                }
            }
            row
        })
        .collect()
}

/// The matrix CSV of §8: [`matrix_header`], then [`matrix_rows`].
pub fn matrix_csv(statuses: &[StaffStatus], topics: &[String]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(matrix_header(topics));
    for row in matrix_rows(statuses, topics) {
        let _ = writer.write_record(row.iter().map(MatrixCell::csv));
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// Writing a workbook failed (only on a library fault: the cells are always writable).
#[derive(Debug, thiserror::Error)]
#[error("writing the workbook: {0}")]
pub struct XlsxError(String);

impl From<rust_xlsxwriter::XlsxError> for XlsxError {
    fn from(error: rust_xlsxwriter::XlsxError) -> XlsxError {
        XlsxError(error.to_string())
    }
}

/// The matrix as an XLSX workbook with one sheet, `Training matrix`: a bold header row with the
/// CSV's columns, job roles as numbers, dates as dates (`yyyy-mm-dd`), blanks empty.
pub fn matrix_xlsx(statuses: &[StaffStatus], topics: &[String]) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Training matrix")?;
    for (column, heading) in (0u16..).zip(matrix_header(topics)) {
        sheet.write_string_with_format(0, column, heading, &bold)?;
    }
    for (row, cells) in (1u32..).zip(matrix_rows(statuses, topics)) {
        for (column, cell) in (0u16..).zip(cells) {
            match cell {
                MatrixCell::Text(text) => {
                    sheet.write_string(row, column, text)?;
                }
                MatrixCell::Number(number) => {
                    sheet.write_number(row, column, f64::from(number))?;
                }
                MatrixCell::Date(date) => {
                    let when = ExcelDateTime::from_ymd(
                        u16::try_from(date.year()).unwrap_or_default(),
                        u8::from(date.month()),
                        date.day(),
                    )?;
                    sheet.write_datetime_with_format(row, column, &when, &date_format)?;
                }
                MatrixCell::Blank => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}

/// The columns of the TNA's `Places`, `By service` and `By role group` sheets after the group
/// (§6's columns, as the JSON rows).
pub const TNA_COLUMNS: [&str; 15] = [
    "topic",
    "level",
    "class",
    "delivery",
    "missing",
    "expired",
    "due_new",
    "expiring_in_horizon",
    "starters",
    "in_progress",
    "places",
    "cohorts",
    "cost",
    "hours",
    "suppression",
];

/// A TNA cell: text, a number, or a figure withheld (§5.1: written as text, "< 5" or "withheld").
enum TnaCell {
    Text(String),
    Number(f64),
    Withheld(&'static str),
    Blank,
}

fn tna_cells(row: &TnaRowJson, label: &str) -> Vec<TnaCell> {
    let withheld = |field: &str| match row.suppression.get(field).map(String::as_str) {
        Some("count_below_5") => TnaCell::Withheld("< 5"),
        Some(_) => TnaCell::Withheld("withheld"),
        None => TnaCell::Blank,
    };
    let count = |field: &str, value: Option<u64>| {
        value.map_or_else(|| withheld(field), |value| TnaCell::Number(value as f64))
    };
    let amount =
        |field: &str, value: Option<f64>| value.map_or_else(|| withheld(field), TnaCell::Number);
    let text = |value: &Option<String>| TnaCell::Text(value.clone().unwrap_or_default());
    // Cost and hours are withheld wherever places are (§6).
    let places_withheld = row.places.is_none() && row.suppression.contains_key("places");
    let money = |field: &str, value: Option<f64>| {
        if value.is_none() && places_withheld {
            withheld("places")
        } else {
            amount(field, value)
        }
    };
    vec![
        TnaCell::Text(row.topic.clone().unwrap_or_else(|| label.to_owned())),
        text(&row.level),
        text(&row.class),
        text(&row.delivery),
        count("missing", row.missing),
        count("expired", row.expired),
        count("due_new", row.due_new),
        count("expiring_in_horizon", row.expiring_in_horizon),
        count("starters", row.starters),
        count("in_progress", row.in_progress),
        count("places", row.places),
        count("cohorts", row.cohorts),
        money("cost", row.cost),
        money("hours", row.hours),
        TnaCell::Text(
            row.suppression
                .iter()
                .map(|(field, reason)| format!("{field}:{reason}"))
                .collect::<Vec<_>>()
                .join(";"),
        ),
    ]
}

/// The TNA workbook of §6: sheets `Summary`, `Places` (the rows in the answer's order —
/// statutory first, then by cost — and the total), `By service`, `By role group`, `Unit costs`
/// and `Assumptions`; numbers as numbers, withheld cells as text.
pub fn tna_xlsx(
    answer: &TnaJson,
    unit_costs: &UnitCosts,
    illustrative: bool,
) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::{Format, Workbook, Worksheet};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("£#,##0");
    let write_row = |sheet: &mut Worksheet,
                     row: u32,
                     first: u16,
                     cells: Vec<TnaCell>|
     -> Result<(), XlsxError> {
        for (column, cell) in (first..).zip(cells) {
            match cell {
                TnaCell::Text(text) => {
                    sheet.write_string(row, column, text)?;
                }
                TnaCell::Number(value) if column == first + 12 => {
                    sheet.write_number_with_format(row, column, value, &money)?;
                }
                TnaCell::Number(value) => {
                    sheet.write_number(row, column, value)?;
                }
                TnaCell::Withheld(text) => {
                    sheet.write_string(row, column, text)?;
                }
                TnaCell::Blank => {}
            }
        }
        Ok(())
    };

    let summary = workbook.add_worksheet();
    summary.set_name("Summary")?;
    let mut line = 0u32;
    let mut pair = |sheet: &mut Worksheet, label: &str, value: TnaCell| -> Result<(), XlsxError> {
        sheet.write_string_with_format(line, 0, label, &bold)?;
        match value {
            TnaCell::Text(text) => {
                sheet.write_string(line, 1, text)?;
            }
            TnaCell::Withheld(text) => {
                sheet.write_string(line, 1, text)?;
            }
            TnaCell::Number(value) => {
                sheet.write_number(line, 1, value)?;
            }
            TnaCell::Blank => {}
        }
        line += 1;
        Ok(())
    };
    let text = |value: &str| TnaCell::Text(value.to_owned());
    pair(summary, "Training needs analysis", text(&answer.area))?;
    if illustrative {
        pair(
            summary,
            "Notice",
            text(
                "Illustrative unit costs were used: replace them with local prices before buying.",
            ),
        )?;
    }
    pair(summary, "As of", text(&answer.as_of))?;
    pair(
        summary,
        "Horizon (months)",
        TnaCell::Number(f64::from(answer.horizon_months)),
    )?;
    pair(
        summary,
        "Horizon end (exclusive)",
        text(&answer.horizon_end),
    )?;
    pair(summary, "Audience", text(&answer.audience))?;
    let totals = tna_cells(&answer.totals, "total");
    for (name, cell) in TNA_COLUMNS.iter().zip(totals) {
        if matches!(
            *name,
            "missing"
                | "expired"
                | "due_new"
                | "expiring_in_horizon"
                | "starters"
                | "in_progress"
                | "places"
                | "cohorts"
                | "cost"
                | "hours"
        ) {
            pair(summary, &format!("Total {}", name.replace('_', " ")), cell)?;
        }
    }
    summary.set_column_width(0, 28)?;

    let sheets: [(&str, &str, Vec<&TnaRowJson>); 3] = [
        (
            "Places",
            "",
            answer
                .rows
                .iter()
                .chain(std::iter::once(&answer.totals))
                .collect(),
        ),
        (
            "By service",
            "service_group",
            answer.by_service_group.iter().collect(),
        ),
        (
            "By role group",
            "role_group",
            answer.by_role_group.iter().collect(),
        ),
    ];
    for (name, key, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let first = u16::from(!key.is_empty());
        if !key.is_empty() {
            sheet.write_string_with_format(0, 0, key, &bold)?;
        }
        for (column, heading) in (first..).zip(TNA_COLUMNS) {
            sheet.write_string_with_format(0, column, heading, &bold)?;
        }
        for (row, found) in (1u32..).zip(rows) {
            if !key.is_empty() {
                let group = found
                    .service_group
                    .clone()
                    .or_else(|| found.role_group.clone())
                    .unwrap_or_default();
                sheet.write_string(row, 0, group)?;
            }
            write_row(sheet, row, first, tna_cells(found, "total"))?;
        }
        sheet.set_freeze_panes(1, 0)?;
    }

    let costs = workbook.add_worksheet();
    costs.set_name("Unit costs")?;
    let headings = [
        "topic",
        "level",
        "delivery",
        "cost_per_place",
        "cohort_size",
        "cost_per_cohort",
        "learner_hours",
        "source",
        "status",
        "origin",
    ];
    for (column, heading) in (0u16..).zip(headings) {
        costs.write_string_with_format(0, column, heading, &bold)?;
    }
    for (row, cost) in (1u32..).zip(unit_costs.rows()) {
        costs.write_string(row, 0, &cost.topic)?;
        costs.write_string(row, 1, cost.level.clone().unwrap_or_default())?;
        costs.write_string(row, 2, &cost.delivery)?;
        costs.write_number_with_format(row, 3, cost.cost_per_place, &money)?;
        if let Some(size) = cost.cohort_size {
            costs.write_number(row, 4, f64::from(size))?;
        }
        costs.write_number_with_format(row, 5, cost.cost_per_cohort, &money)?;
        if let Some(hours) = cost.learner_hours {
            costs.write_number(row, 6, hours)?;
        }
        costs.write_string(row, 7, &cost.source)?;
        costs.write_string(row, 8, cost.status.as_str())?;
        costs.write_string(row, 9, cost.origin.as_str())?;
    }

    let assumptions = workbook.add_worksheet();
    assumptions.set_name("Assumptions")?;
    let mut notes: Vec<(String, String)> = vec![
        (
            "Places".to_owned(),
            "missing + expired + due_new + expiring_in_horizon + starters; in_progress is reported, not counted".to_owned(),
        ),
        (
            "Staff counted".to_owned(),
            "every contract type but agency, at the area's workplaces".to_owned(),
        ),
        (
            "Starters source".to_owned(),
            answer.starters_source.kind.clone(),
        ),
    ];
    if let Some(run) = &answer.starters_source.run {
        notes.push(("Projection run".to_owned(), run.clone()));
    }
    for (group, rate) in answer.starters_source.rates.iter().flatten() {
        notes.push((
            format!("Starters rate, {group}"),
            format!("{} (from the {})", rate.value, rate.from),
        ));
    }
    notes.push((
        "Cost".to_owned(),
        "places × cost_per_place + cohorts × cost_per_cohort; cohorts = ⌈places ÷ cohort_size⌉"
            .to_owned(),
    ));
    notes.push((
        "Disclosure".to_owned(),
        "counts 1–4 show “< 5”; figures that would reveal them show “withheld”".to_owned(),
    ));
    for warning in &answer.warnings {
        notes.push(("Warning".to_owned(), warning.clone()));
    }
    for (row, (label, value)) in (0u32..).zip(notes) {
        assumptions.write_string_with_format(row, 0, label, &bold)?;
        assumptions.write_string(row, 1, value)?;
    }
    assumptions.set_column_width(0, 28)?;
    Ok(workbook.save_to_buffer()?)
}

/// The alerts CSV (§7): the JSON item's scalar keys, one row per alert, `rows` `;`-separated.
pub fn alerts_csv(alerts: &[Alert<'_>]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "workplace",
        "staff",
        "displayid",
        "job_role",
        "topic",
        "level",
        "class",
        "status",
        "detail",
        "expires_on",
        "days_left",
        "due_on",
        "rows",
        "deciding_row",
        "kind",
        "rag",
        "raised_on",
    ];
    let _ = writer.write_record(header);
    let date = |date: Option<Date>| date.map(format_iso).unwrap_or_default();
    for alert in alerts {
        let (staff, pair) = (&alert.item.staff.staff, alert.item.pair);
        let row = [
            staff.workplace.clone(),
            staff.staff.clone(),
            staff.displayid.clone(),
            staff.job_role.to_string(),
            pair.topic.clone(),
            pair.level.clone().unwrap_or_default(),
            pair.class.as_str().to_owned(),
            pair.status.as_str().to_owned(),
            pair.detail
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            date(pair.expires_on),
            pair.days_left
                .map(|days| days.to_string())
                .unwrap_or_default(),
            date(alert.due_on),
            pair.rows.join(";"),
            pair.deciding_row.clone().unwrap_or_default(),
            alert.kind.as_str().to_owned(),
            alert.rag.as_str().to_owned(),
            date(alert.raised_on),
        ];
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&row);
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut octets = 0;
    for character in line.chars() {
        let width = character.len_utf8();
        if octets + width > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(character);
        octets += width;
    }
    out.push_str("\r\n");
    out
}

/// One VEVENT, ordered by date, workplace, staff reference, topic.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct CalendarEvent {
    date: Date,
    workplace: String,
    staff: String,
    topic: String,
    uid: String,
    summary: String,
}

fn compact(date: Date) -> String {
    format_iso(date).replace('-', "")
}

/// The alerts calendar (§7): one all-day VEVENT per pair dated in D … D + `days` (`expires_on`
/// when valid or expiring, `due_on` when not yet due). UID = hex SHA-256 of organisation,
/// workplace, staff reference, topic and date, each followed by a line feed, then `@carecount`.
pub fn alerts_ics(organisation: &str, statuses: &[StaffStatus], as_of: Date, days: u16) -> String {
    let end = add_days(as_of, i64::from(days));
    let mut events: Vec<CalendarEvent> = Vec::new();
    for status in statuses {
        for pair in &status.pairs {
            let date = match pair.status {
                Status::Valid | Status::Expiring => pair.expires_on,
                Status::NotYetDue => pair.due_on,
                _ => None,
            };
            let Some(date) = date.filter(|date| as_of <= *date && *date <= end) else {
                continue;
            };
            let level = pair
                .level
                .as_deref()
                .map(|level| format!(" ({level})"))
                .unwrap_or_default();
            let key = format!(
                "{organisation}\n{}\n{}\n{}\n{}\n",
                status.staff.workplace,
                status.staff.staff,
                pair.topic,
                format_iso(date)
            );
            events.push(CalendarEvent {
                date,
                workplace: status.staff.workplace.clone(),
                staff: status.staff.staff.clone(),
                topic: pair.topic.clone(),
                uid: hex_digest(key.as_bytes()),
                summary: format!("{}{}: {}", pair.topic, level, status.staff.displayid),
            });
        }
    }
    events.sort();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//carecount//compliance alerts//EN",
        "CALSCALE:GREGORIAN",
    ] {
        out.push_str(&fold(line));
    }
    for CalendarEvent {
        date, uid, summary, ..
    } in events
    {
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:{uid}@carecount")));
        out.push_str(&fold(&format!("DTSTAMP:{}T000000Z", compact(as_of))));
        out.push_str(&fold(&format!("DTSTART;VALUE=DATE:{}", compact(date))));
        out.push_str(&fold(&format!(
            "DTEND;VALUE=DATE:{}",
            compact(add_days(date, 1))
        )));
        out.push_str(&fold(&format!("SUMMARY:{}", escape_text(&summary))));
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_at_75_octets() {
        let line = "X".repeat(80);
        let folded = fold(&line);
        // 75 octets, CRLF, a space and the remaining 5, CRLF.
        assert_eq!(
            folded,
            format!("{}\r\n {}\r\n", "X".repeat(75), "X".repeat(5))
        );
    }
}
