//! Date arithmetic of §1: day arithmetic, `add_months` with the month-end clamp, and the two date
//! formats the inputs use (`YYYY-MM-DD` in carecount files, `DD/MM/YYYY` in ASC-WDS files).

use time::{Date, Duration, Month};

/// `add_months(d, n)` (§1, `ascwds-formats.md` §4.2): keeps the day of the month, clamped to the
/// target month's last day. Saturates at the limits of [`Date`] instead of panicking.
pub fn add_months(date: Date, months: i32) -> Date {
    let month_index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = month_index.div_euclid(12);
    let month_number = u8::try_from(month_index.rem_euclid(12) + 1).unwrap_or(1);
    let Ok(month) = Month::try_from(month_number) else {
        return date;
    };
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(if months >= 0 {
        Date::MAX
    } else {
        Date::MIN
    })
}

/// `d + n` days (§1), saturating.
pub fn add_days(date: Date, days: i64) -> Date {
    date.saturating_add(Duration::days(days))
}

/// `b − a` in days (§1).
pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from(to.to_julian_day()) - i64::from(from.to_julian_day())
}

/// Parses a strict `YYYY-MM-DD` date, the format of every carecount file and flag.
pub fn parse_iso(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let year: i32 = digits(text.get(0..4)?)?;
    let month: u8 = digits(text.get(5..7)?)?;
    let day: u8 = digits(text.get(8..10)?)?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Parses a strict `DD/MM/YYYY` date, the ASC-WDS training file format (§4.2 there).
pub fn parse_dmy(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(2) != Some(&b'/') || bytes.get(5) != Some(&b'/') {
        return None;
    }
    let day: u8 = digits(text.get(0..2)?)?;
    let month: u8 = digits(text.get(3..5)?)?;
    let year: i32 = digits(text.get(6..10)?)?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn add_months_clamps_to_month_end() {
        // 31 Jan 2021 + 1 month: February 2021 has 28 days, so 28 Feb.
        assert_eq!(add_months(date!(2021 - 01 - 31), 1), date!(2021 - 02 - 28));
        // 29 Feb 2024 + 12 months: February 2025 has 28 days.
        assert_eq!(add_months(date!(2024 - 02 - 29), 12), date!(2025 - 02 - 28));
        // 15 Nov 2025 + 3 months crosses a year end: 15 Feb 2026.
        assert_eq!(add_months(date!(2025 - 11 - 15), 3), date!(2026 - 02 - 15));
    }

    #[test]
    fn parses_both_formats_strictly() {
        assert_eq!(parse_iso("2026-02-28"), Some(date!(2026 - 02 - 28)));
        assert_eq!(parse_iso("2026-02-29"), None);
        assert_eq!(parse_iso("2026-2-28"), None);
        assert_eq!(parse_dmy("31/01/2021"), Some(date!(2021 - 01 - 31)));
        assert_eq!(parse_dmy("1/01/2021"), None);
        assert_eq!(format_iso(date!(2026 - 03 - 05)), "2026-03-05");
    }
}
