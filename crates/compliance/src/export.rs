//! Text exports: the matrix CSV (§8) and the alerts iCalendar file (§7, RFC 5545).

use time::Date;

use crate::alerts::Alert;
use crate::date::{add_days, format_iso};
use crate::sha256::hex_digest;
use crate::status::{StaffStatus, Status};

/// The matrix CSV of §8: `localestid,uniqueworkerid,displayid,mainjobrole,startdate,status`, then
/// per topic `<topic>` (status; blank = not required) and `<topic>_date` (`expires_on` or `due_on`).
pub fn matrix_csv(statuses: &[StaffStatus], topics: &[String]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
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
    let mut rows = vec![header];
    for status in statuses {
        let staff = &status.staff;
        let mut row = vec![
            staff.workplace.clone(),
            staff.staff.clone(),
            staff.displayid.clone(),
            staff.job_role.to_string(),
            staff.start_date.map(format_iso).unwrap_or_default(),
            status
                .status()
                .map(|status| status.as_str().to_owned())
                .unwrap_or_default(),
        ];
        for topic in topics {
            match status.pairs.iter().find(|pair| &pair.topic == topic) {
                Some(pair) => {
                    row.push(pair.status.as_str().to_owned());
                    row.push(
                        pair.expires_on
                            .or(pair.due_on)
                            .map(format_iso)
                            .unwrap_or_default(),
                    );
                }
                None => {
                    row.push(String::new());
                    row.push(String::new());
                }
            }
        }
        rows.push(row);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&row);
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
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
