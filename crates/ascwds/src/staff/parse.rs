//! Small value readers for the staff columns: the patterns §3.2 and §3.4 name, the lenient DOB
//! reading, and date arithmetic. Each is a plain function on text; none can panic.

use time::{Date, Month};

/// JavaScript's `String.length`: UTF-16 code units (the ASC-WDS length limits count these).
pub fn js_length(text: &str) -> usize {
    text.encode_utf16().count()
}

/// JavaScript's `\s` for the patterns we emulate.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// NINUMBER pattern of S16: `^\s*[a-zA-Z]{2}(?:\s*\d\s*){6}[a-zA-Z]?\s*$`.
pub fn is_ni_number(text: &str) -> bool {
    let trimmed = text.trim_matches(is_js_space);
    let mut chars = trimmed.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return false;
    };
    if !first.is_ascii_alphabetic() || !second.is_ascii_alphabetic() {
        return false;
    }
    let mut rest: &str = chars.as_str();
    if let Some(last) = rest.chars().last()
        && last.is_ascii_alphabetic()
    {
        rest = &rest[..rest.len() - last.len_utf8()];
    }
    let mut digits = 0;
    for c in rest.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !is_js_space(c) {
            return false;
        }
    }
    digits == 6
}

/// Staff POSTCODE pattern of S18: `^[A-Za-z]{1,2}[0-9]{1,2}[A-Za-z]?\s[0-9][A-Za-z]{2}$`.
pub fn is_staff_postcode(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let Some(space) = chars.iter().position(|&c| is_js_space(c)) else {
        return false;
    };
    let (outward, inward) = chars.split_at(space);
    let inward = inward.get(1..).unwrap_or(&[]);
    let inward_ok = matches!(inward, [d, a, b] if d.is_ascii_digit() && a.is_ascii_alphabetic() && b.is_ascii_alphabetic());
    if !inward_ok {
        return false;
    }
    let letters = outward
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let after_letters = outward.get(letters..).unwrap_or(&[]);
    let digits = after_letters
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=2).contains(&digits) {
        return false;
    }
    match after_letters.get(digits..).unwrap_or(&[]) {
        [] => true,
        [c] => c.is_ascii_alphabetic(),
        _ => false,
    }
}

/// Whether `text` is one or more ASCII digits.
pub fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Digits to a number, saturating (the callers check ranges afterwards).
fn digits_value(text: &str) -> i64 {
    text.bytes().fold(0i64, |value, b| {
        value.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    })
}

/// The DOB reading of §3.2: `D[D]/M[M]/Y…` with a one-to-four-digit year; a two-digit year YY is
/// 20YY for 00–68 and 19YY for 69–99. `None` when it is not a real date.
pub fn lenient_date(text: &str) -> Option<Date> {
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let sizes_ok = all_digits(day)
        && all_digits(month)
        && all_digits(year)
        && day.len() <= 2
        && month.len() <= 2
        && year.len() <= 4;
    if !sizes_ok {
        return None;
    }
    let mut year_value = digits_value(year);
    if year.len() == 2 {
        year_value += if year_value > 68 { 1900 } else { 2000 };
    }
    make_date(year_value, digits_value(month), digits_value(day))
}

/// The strict STARTDATE reading of S50: `^([0-2]\d|3[01])/(0\d|1[0-2])/\d{4}$`, and a real date.
pub fn strict_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(2) != Some(&b'/') || bytes.get(5) != Some(&b'/') {
        return None;
    }
    let (day, month, year) = (text.get(0..2)?, text.get(3..5)?, text.get(6..10)?);
    if !all_digits(day) || !all_digits(month) || !all_digits(year) {
        return None;
    }
    make_date(digits_value(year), digits_value(month), digits_value(day))
}

fn make_date(year: i64, month: i64, day: i64) -> Option<Date> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

/// `date` moved by `years` whole years; 29 February becomes 28 February in a common year.
pub fn add_years(date: Date, years: i32) -> Option<Date> {
    let year = date.year().checked_add(years)?;
    let day = date.day().min(date.month().length(year));
    Date::from_calendar_date(year, date.month(), day).ok()
}

/// `DD/MM/YYYY`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// HOURLYRATE of S70: `^\d+(\.\d{1,2})?$`, in pence.
pub fn hourly_rate_pence(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if !all_digits(whole) {
        return None;
    }
    let pence = match fraction {
        None => 0,
        Some(f) if all_digits(f) && f.len() == 1 => digits_value(f) * 10,
        Some(f) if all_digits(f) && f.len() == 2 => digits_value(f),
        Some(_) => return None,
    };
    Some(
        digits_value(whole)
            .saturating_mul(100)
            .saturating_add(pence),
    )
}

/// CONTHOURS / AVGHOURS of S80 and S83: `^-?\d+(\.[05])?$`, in half hours.
pub fn hours_halves(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let (whole, half) = match body.split_once('.') {
        Some((whole, "0")) => (whole, 0),
        Some((whole, "5")) => (whole, 1),
        Some(_) => return None,
        None => (body, 0),
    };
    if !all_digits(whole) {
        return None;
    }
    let halves = digits_value(whole).saturating_mul(2).saturating_add(half);
    Some(if negative { -halves } else { halves })
}

/// Whether a qualification year is a plain integer as JavaScript would print it (S102):
/// `2015` yes; `2015a`, `02015`, ` 2015` no.
pub fn plain_integer(text: &str) -> Option<i64> {
    let value = crate::js::parse_int(text)?;
    (value.to_string() == text).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ni_numbers_follow_the_pattern() {
        assert!(is_ni_number("AB123456C"));
        assert!(is_ni_number("AB123456"));
        assert!(is_ni_number(" ab 12 34 56 c "));
        assert!(!is_ni_number("A B123456C"));
        assert!(!is_ni_number("AB12345C"));
        assert!(!is_ni_number("AB1234567"));
        assert!(!is_ni_number("AB123456CD"));
        assert!(!is_ni_number("12345678"));
        assert!(!is_ni_number(""));
    }

    #[test]
    fn staff_postcodes_need_exactly_one_space() {
        assert!(is_staff_postcode("LS1 1AA"));
        assert!(is_staff_postcode("sw1a 2aa"));
        assert!(is_staff_postcode("EC1A 1BB"));
        assert!(is_staff_postcode("M60 1NW"));
        assert!(!is_staff_postcode("LS11AA"));
        assert!(!is_staff_postcode("LS1  1AA"));
        assert!(!is_staff_postcode("LS1 1AAA"));
        assert!(!is_staff_postcode("123 1AA"));
        assert!(!is_staff_postcode("ABC1 1AA"));
    }

    #[test]
    fn dob_is_read_leniently() {
        assert_eq!(lenient_date("06/04/1967"), Some(date!(1967 - 04 - 06)));
        // Two-digit years: 00–68 → 20YY, 69–99 → 19YY.
        assert_eq!(lenient_date("06/04/67"), Some(date!(2067 - 04 - 06)));
        assert_eq!(lenient_date("06/04/69"), Some(date!(1969 - 04 - 06)));
        assert_eq!(lenient_date("6/4/1990"), Some(date!(1990 - 04 - 06)));
        assert_eq!(lenient_date("31/02/1990"), None);
        assert_eq!(lenient_date("1990-01-01"), None);
        assert_eq!(lenient_date("01/01/1990/1"), None);
    }

    #[test]
    fn start_date_is_read_strictly() {
        assert_eq!(strict_date("01/02/2020"), Some(date!(2020 - 02 - 01)));
        assert_eq!(strict_date("1/02/2020"), None);
        assert_eq!(strict_date("31/04/2020"), None);
        assert_eq!(strict_date("01/13/2020"), None);
        assert_eq!(strict_date(" 01/02/2020 "), None);
    }

    #[test]
    fn numbers_in_their_patterns() {
        assert_eq!(hourly_rate_pence("12.5"), Some(1250));
        assert_eq!(hourly_rate_pence("12.05"), Some(1205));
        assert_eq!(hourly_rate_pence("12"), Some(1200));
        assert_eq!(hourly_rate_pence("12.555"), None);
        assert_eq!(hourly_rate_pence("£12"), None);
        assert_eq!(hours_halves("37.5"), Some(75));
        assert_eq!(hours_halves("-2"), Some(-4));
        assert_eq!(hours_halves("37.2"), None);
        assert_eq!(hours_halves("37."), None);
        assert_eq!(plain_integer("2015"), Some(2015));
        assert_eq!(plain_integer("02015"), None);
        assert_eq!(plain_integer("2015a"), None);
    }

    #[test]
    fn years_are_added_with_a_leap_day_clamped() {
        assert_eq!(
            add_years(date!(2012 - 02 - 29), 14),
            Some(date!(2026 - 02 - 28))
        );
        assert_eq!(
            add_years(date!(2026 - 12 - 02), -100),
            Some(date!(1926 - 12 - 02))
        );
        assert_eq!(format_date(date!(1990 - 03 - 05)), "05/03/1990");
    }
}
