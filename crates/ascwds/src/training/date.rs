//! The training file's dates: the strict `DD/MM/YYYY` reading of DATECOMPLETED and EXPIRYDATE
//! (§4.2, T05/T07), the VALIDITY expiry derivation with its month-end clamp (§4.2, T19) and the
//! 14-whole-years test of XT3.

use time::{Date, Month};

/// Reads a strict `DD/MM/YYYY` date: exactly two-digit day and month, four-digit year, a real
/// calendar date. Anything else (padding, one-digit parts, `31/02/2020`) is `None`.
pub fn parse(text: &str) -> Option<Date> {
    let [d1, d2, b'/', m1, m2, b'/', y1, y2, y3, y4] = *text.as_bytes() else {
        return None;
    };
    let day = two_digits(d1, d2)?;
    let month = two_digits(m1, m2)?;
    let year = i32::from(two_digits(y1, y2)?) * 100 + i32::from(two_digits(y3, y4)?);
    let month = Month::try_from(month).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

fn two_digits(tens: u8, units: u8) -> Option<u8> {
    if tens.is_ascii_digit() && units.is_ascii_digit() {
        Some((tens - b'0') * 10 + (units - b'0'))
    } else {
        None
    }
}

/// `DD/MM/YYYY`, the writer's form (years outside 0–9999 cannot be read back; none are produced).
pub fn format(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// `date` plus `months` calendar months, keeping the day of the month clamped to the last day of
/// the target month (31/01/2021 + 1 → 28/02/2021). `None` beyond the supported calendar.
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    let index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// The EXPIRYDATE ASC-WDS derives from VALIDITY: DATECOMPLETED + N months − 1 day (§4.2).
pub fn derived_expiry(completed: Date, months: u32) -> Option<Date> {
    add_months(completed, months)?.previous_day()
}

/// Whether `later` is at least `years` whole years after `earlier` (29 February counts its
/// anniversary on 28 February in a common year, as adding months does).
pub fn whole_years_between_at_least(earlier: Date, later: Date, years: u32) -> bool {
    match add_months(earlier, years.saturating_mul(12)) {
        Some(anniversary) => later >= anniversary,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn strict_dates_only() {
        assert_eq!(parse("31/01/2021"), Some(date!(2021 - 01 - 31)));
        assert_eq!(parse("29/02/2024"), Some(date!(2024 - 02 - 29)));
        // 2023 is not a leap year; 31 April does not exist; month 13 does not exist.
        assert_eq!(parse("29/02/2023"), None);
        assert_eq!(parse("31/04/2021"), None);
        assert_eq!(parse("01/13/2021"), None);
        // Two-digit day and month, four-digit year, nothing around it.
        assert_eq!(parse("1/02/2021"), None);
        assert_eq!(parse("01/2/2021"), None);
        assert_eq!(parse("01/02/21"), None);
        assert_eq!(parse(" 01/02/2021"), None);
        assert_eq!(parse("01/02/2021 "), None);
        assert_eq!(parse("01-02-2021"), None);
        assert_eq!(parse("00/02/2021"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("ab/cd/efgh"), None);
        // Multi-byte text of ten bytes is not a date either.
        assert_eq!(parse("é1/02/202"), None);
    }

    #[test]
    fn format_is_the_inverse_of_parse() {
        assert_eq!(format(date!(2021 - 02 - 07)), "07/02/2021");
        assert_eq!(format(date!(0999 - 12 - 31)), "31/12/0999");
        assert_eq!(
            parse(&format(date!(0999 - 12 - 31))),
            Some(date!(0999 - 12 - 31))
        );
    }

    #[test]
    fn months_clamp_to_the_end_of_the_target_month() {
        // 31/01/2021 + 1 month: February 2021 has 28 days → 28/02/2021; minus a day → 27/02/2021.
        assert_eq!(
            add_months(date!(2021 - 01 - 31), 1),
            Some(date!(2021 - 02 - 28))
        );
        assert_eq!(
            derived_expiry(date!(2021 - 01 - 31), 1),
            Some(date!(2021 - 02 - 27))
        );
        // 15/03/2023 + 36 months = 15/03/2026; minus a day = 14/03/2026.
        assert_eq!(
            derived_expiry(date!(2023 - 03 - 15), 36),
            Some(date!(2026 - 03 - 14))
        );
        // 29/02/2024 + 12 months → 28/02/2025 (clamped); minus a day → 27/02/2025.
        assert_eq!(
            derived_expiry(date!(2024 - 02 - 29), 12),
            Some(date!(2025 - 02 - 27))
        );
        // 30/11/2020 + 3 months → 30/02/2021 clamped to 28/02/2021 → 27/02/2021.
        assert_eq!(
            derived_expiry(date!(2020 - 11 - 30), 3),
            Some(date!(2021 - 02 - 27))
        );
        // Across the year end: 01/12/2020 + 1 = 01/01/2021, minus a day = 31/12/2020.
        assert_eq!(
            derived_expiry(date!(2020 - 12 - 01), 1),
            Some(date!(2020 - 12 - 31))
        );
        // 999 months = 83 years 3 months: 01/01/2000 → 01/04/2083 → 31/03/2083.
        assert_eq!(
            derived_expiry(date!(2000 - 01 - 01), 999),
            Some(date!(2083 - 03 - 31))
        );
        // Beyond the calendar the time crate supports: no date, no panic.
        assert_eq!(derived_expiry(date!(9999 - 06 - 01), 999), None);
    }

    #[test]
    fn whole_years() {
        // Born 10/05/2000: 14 whole years on 10/05/2014, not on 09/05/2014.
        assert!(whole_years_between_at_least(
            date!(2000 - 05 - 10),
            date!(2014 - 05 - 10),
            14
        ));
        assert!(!whole_years_between_at_least(
            date!(2000 - 05 - 10),
            date!(2014 - 05 - 09),
            14
        ));
        // Born 29/02/2008: 2022 has no 29 February; the anniversary counts on 28/02/2022.
        assert!(whole_years_between_at_least(
            date!(2008 - 02 - 29),
            date!(2022 - 02 - 28),
            14
        ));
        assert!(!whole_years_between_at_least(
            date!(2008 - 02 - 29),
            date!(2022 - 02 - 27),
            14
        ));
    }
}
