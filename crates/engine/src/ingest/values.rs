//! Parsers for single text values as business files write them: null markers,
//! booleans, numbers with currency/percent/separators, and many date and time formats.

/// True for values that mean "no value" in typed columns: empty, `NA`, `N/A`, `null`, `-`, ...
pub fn is_null_marker(s: &str) -> bool {
    let t = s.trim();
    if t.len() > 4 {
        return false;
    }
    const MARKERS: [&str; 10] = [
        "", "na", "n/a", "null", "nan", "-", "--", "#n/a", "nil", "none",
    ];
    MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m))
}

/// True for values that mean "no value" even in text columns (where `NA` or `-` may be data).
pub fn is_text_null(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || matches!(t, "null" | "NULL" | "Null" | "N/A" | "n/a" | "#N/A")
}

/// `Some((value, is_word))`: `true/false/yes/no/t/f/y/n` are words, `1/0` are not.
pub fn parse_bool(s: &str) -> Option<(bool, bool)> {
    let t = s.trim();
    if t.len() > 5 {
        return None;
    }
    const TRUE: [&str; 4] = ["true", "yes", "t", "y"];
    const FALSE: [&str; 4] = ["false", "no", "f", "n"];
    match t {
        "1" => Some((true, false)),
        "0" => Some((false, false)),
        _ if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) => Some((true, true)),
        _ if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) => Some((false, true)),
        _ => None,
    }
}

/// A parsed number and how it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    /// Set when the text is a whole number that fits an i64 (no decimal mark, no exponent).
    pub int: Option<i64>,
    pub currency: Option<char>,
    pub percent: bool,
    pub thousands: bool,
    pub parens: bool,
}

const CURRENCIES: [char; 6] = ['$', '€', '£', '¥', '₹', '₩'];

/// Parse `1,234.5`, `$1,234.50`, `(1,234)`, `12.5%`, `-3e5`, and with `decimal_comma`
/// `1.234,5`. Leading zeros (`007`) are refused so codes stay text.
pub fn parse_number(s: &str, decimal_comma: bool) -> Option<Number> {
    // `1.234` means 1234 when the decimal mark is a comma, so only integers take the fast path then.
    if let Some(n) = parse_plain_number(s).filter(|n| !decimal_comma || n.int.is_some()) {
        return Some(n);
    }
    let mut t = s.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let mut neg = false;
    let mut parens = false;
    if t.starts_with('(') && t.ends_with(')') {
        parens = true;
        neg = true;
        t = t[1..t.len() - 1].trim();
    }
    let sign = |t: &mut &str, neg: &mut bool| {
        if let Some(r) = t.strip_prefix('-') {
            *neg = !*neg;
            *t = r.trim_start();
            true
        } else if let Some(r) = t.strip_prefix('+') {
            *t = r.trim_start();
            true
        } else {
            false
        }
    };
    let signed = sign(&mut t, &mut neg);
    let mut currency = None;
    if let Some(c) = t.chars().next().filter(|c| CURRENCIES.contains(c)) {
        currency = Some(c);
        t = t[c.len_utf8()..].trim_start();
        if !signed && !parens {
            sign(&mut t, &mut neg);
        }
    }
    let mut percent = false;
    if let Some(r) = t.strip_suffix('%') {
        percent = true;
        t = r.trim_end();
    }
    if currency.is_none() {
        if let Some(c) = t.chars().last().filter(|c| CURRENCIES.contains(c)) {
            currency = Some(c);
            t = t[..t.len() - c.len_utf8()].trim_end();
        }
    }
    if t.is_empty() || (currency.is_some() && percent) {
        return None;
    }
    let (thousand_sep, decimal_mark) = if decimal_comma {
        (b'.', b',')
    } else {
        (b',', b'.')
    };
    let bytes = t.as_bytes();
    // Split off an exponent (only for plain numbers).
    let (mantissa, exponent) = match bytes.iter().position(|&b| b == b'e' || b == b'E') {
        Some(p) => (&bytes[..p], Some(&bytes[p + 1..])),
        None => (bytes, None),
    };
    let (int_part, frac_part) = match mantissa.iter().position(|&b| b == decimal_mark) {
        Some(p) => (&mantissa[..p], Some(&mantissa[p + 1..])),
        None => (mantissa, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(|f| f.is_empty()) {
        return None;
    }
    let mut thousands = false;
    let mut digits = String::with_capacity(t.len() + 2);
    if neg {
        digits.push('-');
    }
    if int_part.contains(&thousand_sep) {
        thousands = true;
        if exponent.is_some() {
            return None;
        }
        for (i, group) in int_part.split(|&b| b == thousand_sep).enumerate() {
            let ok = if i == 0 {
                (1..=3).contains(&group.len())
            } else {
                group.len() == 3
            };
            if !ok || !group.iter().all(u8::is_ascii_digit) {
                return None;
            }
            digits.extend(group.iter().map(|&b| b as char));
        }
    } else {
        if !int_part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.extend(int_part.iter().map(|&b| b as char));
    }
    if int_part.len() > 1 && int_part[0] == b'0' {
        return None;
    }
    if let Some(f) = frac_part {
        if !f.iter().all(u8::is_ascii_digit) || (f.is_empty() && int_part.is_empty()) {
            return None;
        }
        digits.push('.');
        digits.extend(f.iter().map(|&b| b as char));
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(b"-").or(e.strip_prefix(b"+")).unwrap_or(e);
        if e.is_empty() || !e.iter().all(u8::is_ascii_digit) || currency.is_some() {
            return None;
        }
        digits.push('e');
        digits.push_str(std::str::from_utf8(&mantissa_exp(bytes)).ok()?);
    }
    let value: f64 = digits.parse().ok()?;
    let int = if frac_part.is_none() && exponent.is_none() {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    Some(Number {
        value,
        int,
        currency,
        percent,
        thousands,
        parens,
    })
}

/// Fast path for the common case: `-?digits(.digits)?` with no leading zero, no separators.
fn parse_plain_number(s: &str) -> Option<Number> {
    let b = s.as_bytes();
    let body = b.strip_prefix(b"-").unwrap_or(b);
    if body.is_empty() || body.len() > 18 {
        return None;
    }
    let mut dot = None;
    for (i, &c) in body.iter().enumerate() {
        match c {
            b'0'..=b'9' => {}
            b'.' if dot.is_none() => dot = Some(i),
            _ => return None,
        }
    }
    let int_len = dot.unwrap_or(body.len());
    if int_len == 0 || (int_len > 1 && body[0] == b'0') || dot == Some(body.len() - 1) {
        return None;
    }
    let plain = |value: f64, int| Number {
        value,
        int,
        currency: None,
        percent: false,
        thousands: false,
        parens: false,
    };
    if dot.is_none() {
        let v: i64 = s.parse().ok()?;
        Some(plain(v as f64, Some(v)))
    } else {
        Some(plain(s.parse().ok()?, None))
    }
}

fn mantissa_exp(bytes: &[u8]) -> Vec<u8> {
    let p = bytes
        .iter()
        .position(|&b| b == b'e' || b == b'E')
        .unwrap_or(bytes.len());
    bytes[(p + 1).min(bytes.len())..].to_vec()
}

/// The date part of a temporal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    /// Year, month and day are certain (ISO, or a month name).
    Exact { y: i32, m: u32, d: u32 },
    /// `a/b/y`: month-first or day-first depending on the column.
    Ambiguous {
        a: u32,
        b: u32,
        y: i32,
        dotted: bool,
    },
}

/// A parsed date or date-time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Temporal {
    pub date: DatePart,
    /// Seconds since midnight plus microseconds, when a time was present.
    pub time: Option<(u32, u32)>,
    /// Offset east of UTC in seconds, when given (`Z`, `+02:00`).
    pub offset: Option<i32>,
}

impl Temporal {
    /// Month-first is possible for this value.
    pub fn mdy_ok(&self) -> bool {
        match self.date {
            DatePart::Exact { .. } => true,
            DatePart::Ambiguous { a, b, y, .. } => valid_ymd(y, a, b),
        }
    }
    /// Day-first is possible for this value.
    pub fn dmy_ok(&self) -> bool {
        match self.date {
            DatePart::Exact { .. } => true,
            DatePart::Ambiguous { a, b, y, .. } => valid_ymd(y, b, a),
        }
    }
    /// The calendar date under the given order.
    pub fn ymd(&self, day_first: bool) -> Option<(i32, u32, u32)> {
        let (y, m, d) = match self.date {
            DatePart::Exact { y, m, d } => (y, m, d),
            DatePart::Ambiguous { a, b, y, .. } if day_first => (y, b, a),
            DatePart::Ambiguous { a, b, y, .. } => (y, a, b),
        };
        valid_ymd(y, m, d).then_some((y, m, d))
    }
}

fn valid_ymd(y: i32, m: u32, d: u32) -> bool {
    chrono::NaiveDate::from_ymd_opt(y, m, d).is_some()
}

fn year_of(digits: &str) -> Option<i32> {
    let v: i32 = digits.parse().ok()?;
    match digits.len() {
        4 => Some(v),
        // Two-digit years: 00-69 -> 2000s, 70-99 -> 1900s.
        2 => Some(if v < 70 { 2000 + v } else { 1900 + v }),
        _ => None,
    }
}

/// Split leading run of ASCII digits.
fn take_digits(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.split_at(n)
}

fn take_alpha(s: &str) -> (&str, &str) {
    let n = s
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'.')
        .count();
    s.split_at(n)
}

/// Parse a date, or a date and time, in any of the supported formats.
pub fn parse_temporal(s: &str) -> Option<Temporal> {
    let t = s.trim();
    if t.len() < 6 || t.len() > 40 {
        return None;
    }
    let first = t.as_bytes()[0];
    let (date, rest) = if first.is_ascii_digit() {
        parse_numeric_date(t)?
    } else if first.is_ascii_alphabetic() {
        parse_month_first_name(t)?
    } else {
        return None;
    };
    let rest_trim = rest.trim_start_matches([' ', 'T']);
    if rest_trim.is_empty() {
        return Some(Temporal {
            date,
            time: None,
            offset: None,
        });
    }
    if rest.len() == rest_trim.len() {
        return None; // no separator between date and time
    }
    let (time, offset) = parse_time(rest_trim)?;
    Some(Temporal {
        date,
        time: Some(time),
        offset,
    })
}

fn parse_numeric_date(t: &str) -> Option<(DatePart, &str)> {
    let (p1, r) = take_digits(t);
    let sep = r.chars().next()?;
    if !matches!(sep, '-' | '/' | '.' | ' ') {
        return None;
    }
    let r = &r[1..];
    // `1 Jan 2000` / `01-Jan-2000`
    if r.as_bytes().first()?.is_ascii_alphabetic() {
        if p1.len() > 2 {
            return None;
        }
        let (name, r) = take_alpha(r);
        let m = domain::months::month_number(name)?;
        let r = r.strip_prefix([sep, ' '])?;
        let (py, r) = take_digits(r);
        let y = year_of(py)?;
        let d: u32 = p1.parse().ok()?;
        return valid_ymd(y, m, d).then_some((DatePart::Exact { y, m, d }, r));
    }
    if sep == ' ' {
        return None;
    }
    let (p2, r) = take_digits(r);
    let r = r.strip_prefix(sep)?;
    let (p3, r) = take_digits(r);
    if p2.is_empty() || p2.len() > 2 || p3.is_empty() {
        return None;
    }
    if p1.len() == 4 {
        // ISO-like: yyyy-mm-dd, yyyy/mm/dd, yyyy.mm.dd
        if p3.len() > 2 {
            return None;
        }
        let (y, m, d) = (p1.parse().ok()?, p2.parse().ok()?, p3.parse().ok()?);
        return valid_ymd(y, m, d).then_some((DatePart::Exact { y, m, d }, r));
    }
    if p1.len() > 2 {
        return None;
    }
    let y = year_of(p3)?;
    let (a, b) = (p1.parse().ok()?, p2.parse().ok()?);
    let date = DatePart::Ambiguous {
        a,
        b,
        y,
        dotted: sep == '.',
    };
    let probe = Temporal {
        date,
        time: None,
        offset: None,
    };
    (probe.mdy_ok() || probe.dmy_ok()).then_some((date, r))
}

/// `Jan 1 2000`, `Jan 1, 2000`, `January 01, 2000`
fn parse_month_first_name(t: &str) -> Option<(DatePart, &str)> {
    let (name, r) = take_alpha(t);
    let m = domain::months::month_number(name)?;
    let r = r.strip_prefix([' ', '-'])?;
    let (pd, r) = take_digits(r);
    if pd.is_empty() || pd.len() > 2 {
        return None;
    }
    let r = r.strip_prefix(',').unwrap_or(r);
    let r = r.strip_prefix([' ', '-'])?;
    let (py, r) = take_digits(r);
    let y = year_of(py)?;
    let d = pd.parse().ok()?;
    valid_ymd(y, m, d).then_some((DatePart::Exact { y, m, d }, r))
}

/// `HH:MM[:SS[.ffffff]][ ][AM|PM][Z|+HH[:]MM|-HH[:]MM]`
fn parse_time(t: &str) -> Option<((u32, u32), Option<i32>)> {
    let (ph, r) = take_digits(t);
    let r = r.strip_prefix(':')?;
    let (pm, mut r) = take_digits(r);
    if ph.is_empty() || ph.len() > 2 || pm.len() != 2 {
        return None;
    }
    let mut h: u32 = ph.parse().ok()?;
    let m: u32 = pm.parse().ok()?;
    let mut sec = 0u32;
    let mut micros = 0u32;
    if let Some(rr) = r.strip_prefix(':') {
        let (ps, rr) = take_digits(rr);
        if ps.len() != 2 {
            return None;
        }
        sec = ps.parse().ok()?;
        r = rr;
        if let Some(rr) = r.strip_prefix(['.', ',']) {
            let (pf, rr) = take_digits(rr);
            if pf.is_empty() {
                return None;
            }
            let mut f: String = pf.chars().take(6).collect();
            while f.len() < 6 {
                f.push('0');
            }
            micros = f.parse().ok()?;
            r = rr;
        }
    }
    let r = r.trim_start();
    let (ampm, r) = take_alpha(r);
    match ampm.to_ascii_lowercase().as_str() {
        "" => {}
        "am" | "a.m." if (1..=12).contains(&h) => h %= 12,
        "pm" | "p.m." if (1..=12).contains(&h) => h = h % 12 + 12,
        "z" | "utc" | "gmt" if r.trim().is_empty() => {
            return valid_hms(h, m, sec).then_some(((h * 3600 + m * 60 + sec, micros), Some(0)))
        }
        _ => return None,
    }
    let r = r.trim_start();
    let offset = if r.is_empty() {
        None
    } else if r.eq_ignore_ascii_case("z") || r.eq_ignore_ascii_case("utc") {
        Some(0)
    } else {
        let (neg, rr) = match r.as_bytes()[0] {
            b'+' => (false, &r[1..]),
            b'-' => (true, &r[1..]),
            _ => return None,
        };
        let (p, rr2) = take_digits(rr);
        let (oh, om) = match (p.len(), rr2.strip_prefix(':')) {
            (2, Some(rest)) => {
                let (pm2, tail) = take_digits(rest);
                if pm2.len() != 2 || !tail.is_empty() {
                    return None;
                }
                (p.parse::<i32>().ok()?, pm2.parse::<i32>().ok()?)
            }
            (2, None) if rr2.is_empty() => (p.parse().ok()?, 0),
            (4, None) if rr2.is_empty() => (p[..2].parse().ok()?, p[2..].parse().ok()?),
            _ => return None,
        };
        if oh > 14 || om > 59 {
            return None;
        }
        let secs = oh * 3600 + om * 60;
        Some(if neg { -secs } else { secs })
    };
    valid_hms(h, m, sec).then_some(((h * 3600 + m * 60 + sec, micros), offset))
}

fn valid_hms(h: u32, m: u32, s: u32) -> bool {
    h < 24 && m < 60 && s < 61
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<f64> {
        parse_number(s, false).map(|n| n.value)
    }

    #[test]
    fn nulls() {
        for s in ["", "  ", "NA", "N/A", "null", "NULL", "-", "#N/A", "nan"] {
            assert!(is_null_marker(s), "{s}");
        }
        assert!(!is_null_marker("Nanaimo"));
        assert!(is_text_null("N/A") && !is_text_null("NA") && !is_text_null("-"));
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("Yes"), Some((true, true)));
        assert_eq!(parse_bool("F"), Some((false, true)));
        assert_eq!(parse_bool("1"), Some((true, false)));
        assert_eq!(parse_bool("2"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(num("1,234,567"), Some(1_234_567.0));
        assert_eq!(
            parse_number("1,234,567", false).unwrap().int,
            Some(1_234_567)
        );
        assert_eq!(num("$1,234.50"), Some(1234.5));
        assert_eq!(num("€12"), Some(12.0));
        assert_eq!(num("12 €"), Some(12.0));
        assert_eq!(num("(1,234)"), Some(-1234.0));
        assert!(parse_number("(1,234)", false).unwrap().parens);
        assert_eq!(num("-$5.25"), Some(-5.25));
        assert_eq!(num("$-5.25"), Some(-5.25));
        assert_eq!(num("12.5%"), Some(12.5));
        assert!(parse_number("12.5%", false).unwrap().percent);
        assert_eq!(num("1e3"), Some(1000.0));
        assert_eq!(num("-0.5"), Some(-0.5));
        assert_eq!(num(".5"), Some(0.5));
        assert_eq!(num("007"), None);
        assert_eq!(num("1,23"), None);
        assert_eq!(num("12,345.6.7"), None);
        assert_eq!(num("abc"), None);
        assert_eq!(num("1.5.2024"), None);
        assert_eq!(parse_number("1.234,5", true).unwrap().value, 1234.5);
        assert_eq!(parse_number("12,5", true).unwrap().value, 12.5);
        assert_eq!(parse_number("1.234", true).unwrap().int, Some(1234));
        assert_eq!(parse_number("1,234.5", true), None);
        assert_eq!(
            parse_number("99999999999999999999", false).unwrap().int,
            None
        );
    }

    fn ymd(s: &str, day_first: bool) -> Option<(i32, u32, u32)> {
        parse_temporal(s)?.ymd(day_first)
    }

    #[test]
    fn dates() {
        assert_eq!(ymd("2024-07-01", false), Some((2024, 7, 1)));
        assert_eq!(ymd("2024/7/1", false), Some((2024, 7, 1)));
        assert_eq!(ymd("07/01/2024", false), Some((2024, 7, 1)));
        assert_eq!(ymd("07/01/2024", true), Some((2024, 1, 7)));
        assert_eq!(ymd("1/5/2019", false), Some((2019, 1, 5)));
        assert_eq!(ymd("01.07.2024", true), Some((2024, 7, 1)));
        assert_eq!(ymd("Jan 1 2000", false), Some((2000, 1, 1)));
        assert_eq!(ymd("Jan 1, 2000", false), Some((2000, 1, 1)));
        assert_eq!(ymd("January 15, 2000", false), Some((2000, 1, 15)));
        assert_eq!(ymd("1 Jan 2000", false), Some((2000, 1, 1)));
        assert_eq!(ymd("01-Jan-19", false), Some((2019, 1, 1)));
        assert_eq!(ymd("1/5/19", false), Some((2019, 1, 5)));
        assert_eq!(ymd("1/5/85", false), Some((1985, 1, 5)));
        let t = parse_temporal("25/12/2024").unwrap();
        assert!(!t.mdy_ok() && t.dmy_ok());
        assert!(parse_temporal("2024-02-30").is_none());
        assert!(parse_temporal("13/13/2024").is_none());
        assert!(parse_temporal("12345678").is_none());
        assert!(parse_temporal("hello world").is_none());
    }

    #[test]
    fn times() {
        let t = parse_temporal("2001/01/01 01:10").unwrap();
        assert_eq!(t.time, Some((3600 + 600, 0)));
        let t = parse_temporal("2024-07-01T12:30:45.5+02:00").unwrap();
        assert_eq!(t.time, Some((12 * 3600 + 30 * 60 + 45, 500_000)));
        assert_eq!(t.offset, Some(7200));
        let t = parse_temporal("2024-07-01T12:30:45Z").unwrap();
        assert_eq!(t.offset, Some(0));
        let t = parse_temporal("2024-07-01 12:30:45-0530").unwrap();
        assert_eq!(t.offset, Some(-(5 * 3600 + 30 * 60)));
        let t = parse_temporal("7/1/2024 3:05 PM").unwrap();
        assert_eq!(t.time, Some((15 * 3600 + 5 * 60, 0)));
        assert!(parse_temporal("2024-07-01 25:00").is_none());
        assert!(parse_temporal("2024-07-01x").is_none());
    }
}
