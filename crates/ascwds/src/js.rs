//! JavaScript's `parseInt` / `parseFloat`, which ASC-WDS uses for most numbers (§1.1): a numeric
//! *prefix* is read (`"12abc"` → 12, `" 7"` → 7, `"3.9"` → 3 for integers); no digits → `None` (NaN).

/// `parseInt(text, 10)`. Values beyond `i64` saturate.
pub fn parse_int(text: &str) -> Option<i64> {
    let s = text.trim_start();
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut value: i64 = 0;
    let mut any = false;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        any = true;
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if !any {
        return None;
    }
    Some(if negative { -value } else { value })
}

/// `parseFloat(text)` for plain decimals (sign, digits, optional fraction, optional exponent).
pub fn parse_float(text: &str) -> Option<f64> {
    let s = text.trim_start();
    let bytes = s.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        end = 1;
    }
    let int_start = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let mut digits = end - int_start;
    if end < bytes.len() && bytes[end] == b'.' {
        let frac_start = end + 1;
        let mut frac_end = frac_start;
        while frac_end < bytes.len() && bytes[frac_end].is_ascii_digit() {
            frac_end += 1;
        }
        digits += frac_end - frac_start;
        if digits > 0 {
            end = frac_end;
        }
    }
    if digits == 0 {
        return None;
    }
    if end < bytes.len() && (bytes[end] == b'e' || bytes[end] == b'E') {
        let mut exp_end = end + 1;
        if matches!(bytes.get(exp_end), Some(b'-' | b'+')) {
            exp_end += 1;
        }
        let exp_digits_start = exp_end;
        while exp_end < bytes.len() && bytes[exp_end].is_ascii_digit() {
            exp_end += 1;
        }
        if exp_end > exp_digits_start {
            end = exp_end;
        }
    }
    s.get(..end)?.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_reads_a_prefix() {
        assert_eq!(parse_int("12abc"), Some(12));
        assert_eq!(parse_int(" 7"), Some(7));
        assert_eq!(parse_int("3.9"), Some(3));
        assert_eq!(parse_int("-4"), Some(-4));
        assert_eq!(parse_int("abc"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("-"), None);
        assert_eq!(parse_int("99999999999999999999999"), Some(i64::MAX));
    }

    #[test]
    fn parse_float_reads_a_prefix() {
        assert_eq!(parse_float("12.5x"), Some(12.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("5."), Some(5.0));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("1e"), Some(1.0));
        assert_eq!(parse_float("."), None);
        assert_eq!(parse_float("x1"), None);
    }
}
