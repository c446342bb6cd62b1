//! Writing CSV text by hand: one quoting rule, LF line ends, `DD/MM/YYYY` dates.

use std::fmt::Write as _;

use time::{Date, Month};

/// Whether a value must be quoted: it holds a delimiter, a quote or a line break, or it has
/// surrounding spaces, which ASC-WDS would trim from an unquoted value (`ascwds-formats.md` §1.1).
pub(crate) fn needs_quotes(value: &str) -> bool {
    value.contains([',', '"', '\r', '\n'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace)
}

/// Appends one field, quoted (with inner quotes doubled) only when [`needs_quotes`] says so.
pub(crate) fn push_field(out: &mut String, value: &str) {
    if needs_quotes(value) {
        out.push('"');
        for character in value.chars() {
            if character == '"' {
                out.push('"');
            }
            out.push(character);
        }
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Builds one record: fields joined by commas, ended by LF.
pub(crate) struct Row<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Row<'a> {
    pub(crate) fn new(out: &'a mut String) -> Row<'a> {
        Row { out, first: true }
    }

    fn separator(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.out.push(',');
        }
    }

    /// A text field, quoted if needed.
    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.separator();
        push_field(self.out, value);
        self
    }

    /// A field that is known to need no quoting (codes, numbers, lists of numbers).
    pub(crate) fn raw(&mut self, value: &str) -> &mut Self {
        self.separator();
        debug_assert!(!needs_quotes(value), "raw field needs quotes: {value:?}");
        self.out.push_str(value);
        self
    }

    /// A blank field.
    pub(crate) fn blank(&mut self) -> &mut Self {
        self.separator();
        self
    }

    /// An unsigned number.
    pub(crate) fn num(&mut self, value: u64) -> &mut Self {
        self.separator();
        let _ = write!(self.out, "{value}");
        self
    }

    /// A code or small number.
    pub(crate) fn code(&mut self, value: u32) -> &mut Self {
        self.num(u64::from(value))
    }

    /// An optional code: blank when absent.
    pub(crate) fn opt_code(&mut self, value: Option<u32>) -> &mut Self {
        self.opt_num(value.map(u64::from))
    }

    /// An optional number: blank when absent.
    pub(crate) fn opt_num(&mut self, value: Option<u64>) -> &mut Self {
        match value {
            Some(value) => self.num(value),
            None => self.blank(),
        }
    }

    /// A date as `DD/MM/YYYY`.
    pub(crate) fn date(&mut self, value: Date) -> &mut Self {
        self.separator();
        push_date(self.out, value);
        self
    }

    /// An optional date: blank when absent.
    pub(crate) fn opt_date(&mut self, value: Option<Date>) -> &mut Self {
        match value {
            Some(value) => self.date(value),
            None => self.blank(),
        }
    }

    /// Ends the record with LF.
    pub(crate) fn end(&mut self) {
        self.out.push('\n');
    }
}

/// Appends a date as `DD/MM/YYYY` (two-digit day and month, four-digit year).
pub(crate) fn push_date(out: &mut String, date: Date) {
    let _ = write!(
        out,
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    );
}

/// `date` plus `months` calendar months, the day clamped to the last day of the target month
/// (`ascwds-formats.md` §4.2: 31/01/2021 + 1 month = 28/02/2021).
pub(crate) fn add_months(date: Date, months: u32) -> Option<Date> {
    let month_index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let year = i32::try_from(month_index.div_euclid(12)).ok()?;
    let month_number = u8::try_from(month_index.rem_euclid(12) + 1).ok()?;
    let month = Month::try_from(month_number).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// The same calendar day `years` years earlier, 29 February becoming 28 February.
pub(crate) fn years_before(date: Date, years: i32) -> Option<Date> {
    let year = date.year().checked_sub(years)?;
    let day = date.day().min(date.month().length(year));
    Date::from_calendar_date(year, date.month(), day).ok()
}

/// The same calendar day `years` years later, 29 February becoming 28 February.
pub(crate) fn years_after(date: Date, years: i32) -> Option<Date> {
    let year = date.year().checked_add(years)?;
    let day = date.day().min(date.month().length(year));
    Date::from_calendar_date(year, date.month(), day).ok()
}

/// A date `days` days away (negative for earlier).
pub(crate) fn shift_days(date: Date, days: i64) -> Option<Date> {
    let julian = i64::from(date.to_julian_day()).checked_add(days)?;
    Date::from_julian_day(i32::try_from(julian).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn quoting_follows_the_rule() {
        let mut out = String::new();
        Row::new(&mut out)
            .text("plain")
            .text("a,b")
            .text("say \"hi\"")
            .text(" padded")
            .text("two\nlines")
            .blank()
            .end();
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\" padded\",\"two\nlines\",\n"
        );
    }

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        // §4.2's worked example: 31/01/2021 + 1 month = 28/02/2021.
        assert_eq!(
            add_months(date!(2021 - 01 - 31), 1),
            Some(date!(2021 - 02 - 28))
        );
        // 2024 is a leap year: 31/01/2024 + 1 month = 29/02/2024.
        assert_eq!(
            add_months(date!(2024 - 01 - 31), 1),
            Some(date!(2024 - 02 - 29))
        );
        // 15/11/2023 + 14 months = 15/01/2025 (crosses two year ends).
        assert_eq!(
            add_months(date!(2023 - 11 - 15), 14),
            Some(date!(2025 - 01 - 15))
        );
    }

    #[test]
    fn dates_are_written_day_first_with_two_digits() {
        let mut out = String::new();
        push_date(&mut out, date!(2025 - 03 - 07));
        assert_eq!(out, "07/03/2025");
    }

    #[test]
    fn leap_day_moves_to_28_february() {
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 30),
            Some(date!(1994 - 02 - 28))
        );
        assert_eq!(
            years_after(date!(2000 - 02 - 29), 16),
            Some(date!(2016 - 02 - 29))
        );
        assert_eq!(
            years_after(date!(2000 - 02 - 29), 17),
            Some(date!(2017 - 02 - 28))
        );
    }
}
