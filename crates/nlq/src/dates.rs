//! Date phrases: absolute (2024, March 2024, Q3 2024, 2024-07-01, between Jan and March)
//! and relative (last quarter, last 30 days, year to date, since January) -> inclusive ranges.

use crate::text::{Kind, Token};
use chrono::{Datelike, Duration, NaiveDate};

#[derive(Debug, Clone, PartialEq)]
pub struct DateHit {
    pub start: usize,
    pub end: usize,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The words that produced it ("last quarter").
    pub phrase: String,
    /// Whole calendar years (can filter an integer year column).
    pub whole_years: bool,
}

fn year_of(t: &Token) -> Option<i32> {
    match t.kind {
        Kind::Number {
            value,
            percent: false,
            money: false,
            ordinal: false,
            digits: true,
        } if value.fract() == 0.0 && (1800.0..=2200.0).contains(&value) && t.raw.len() == 4 => {
            Some(value as i32)
        }
        _ => None,
    }
}

fn last_day(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).unwrap() - Duration::days(1)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    ymd(d.year(), (d.month0() / 3) * 3 + 1, 1)
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + n;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let day = d.day().min(last_day(y, m).day());
    ymd(y, m, day)
}

fn period(unit: &str, today: NaiveDate, offset: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some(match unit {
        "day" => {
            let d = today + Duration::days(offset as i64);
            (d, d)
        }
        "week" => {
            let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
            let s = monday + Duration::weeks(offset as i64);
            (s, s + Duration::days(6))
        }
        "month" => {
            let s = add_months(ymd(today.year(), today.month(), 1), offset);
            (s, last_day(s.year(), s.month()))
        }
        "quarter" => {
            let s = add_months(quarter_start(today), 3 * offset);
            (s, add_months(s, 3) - Duration::days(1))
        }
        "year" => {
            let y = today.year() + offset;
            (ymd(y, 1, 1), ymd(y, 12, 31))
        }
        _ => return None,
    })
}

fn unit(w: &str) -> Option<&'static str> {
    Some(match w {
        "day" | "days" => "day",
        "week" | "weeks" => "week",
        "month" | "months" => "month",
        "quarter" | "quarters" => "quarter",
        "year" | "years" => "year",
        _ => return None,
    })
}

/// A month, optionally followed by a year; `default_year` when none is written.
fn month_at(tokens: &[Token], i: usize, default_year: i32) -> Option<(u32, i32, usize)> {
    let t = tokens.get(i)?;
    if t.kind != Kind::Word {
        return None;
    }
    let m = domain::months::month_number(&t.norm)?;
    if let Some(y) = tokens.get(i + 1).and_then(year_of) {
        return Some((m, y, i + 2));
    }
    // "may" and "march" are also verbs: alone they need "in"/"since"/"from" before them.
    if matches!(t.norm.as_str(), "may" | "march" | "mar") {
        let prev = i.checked_sub(1).map(|p| tokens[p].norm.as_str());
        if !matches!(
            prev,
            Some("in" | "since" | "from" | "between" | "and" | "to" | "of" | "until" | "through")
        ) {
            return None;
        }
    }
    Some((m, default_year, i + 1))
}

/// Find date phrases among the tokens not yet claimed (`free`).
/// `data_year` is the latest year of the data, used when a month has no year.
pub fn find(tokens: &[Token], free: &[bool], today: NaiveDate, data_year: i32) -> Vec<DateHit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !free[i] {
            i += 1;
            continue;
        }
        let hit = one(tokens, i, today, data_year);
        match hit {
            Some(h) if (h.start..h.end).all(|k| free[k]) => {
                i = h.end;
                hits.push(h);
            }
            _ => i += 1,
        }
    }
    hits
}

fn phrase(tokens: &[Token], s: usize, e: usize) -> String {
    tokens[s..e]
        .iter()
        .map(|t| t.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn hit(tokens: &[Token], s: usize, e: usize, from: NaiveDate, to: NaiveDate) -> DateHit {
    DateHit {
        start: s,
        end: e,
        from,
        to,
        phrase: phrase(tokens, s, e),
        whole_years: from.month() == 1 && from.day() == 1 && to.month() == 12 && to.day() == 31,
    }
}

/// A single point-ish expression at i: ISO date, month [year], quarter [year], year.
fn simple(tokens: &[Token], i: usize, data_year: i32) -> Option<(NaiveDate, NaiveDate, usize)> {
    let t = tokens.get(i)?;
    if let Kind::Date(d) = t.kind {
        return Some((d, d, i + 1));
    }
    if let Some((m, y, e)) = month_at(tokens, i, data_year) {
        return Some((ymd(y, m, 1), last_day(y, m), e));
    }
    // q1..q4 [year] / "first quarter [of] 2019"
    let q = match t.norm.as_str() {
        "q1" => Some(1),
        "q2" => Some(2),
        "q3" => Some(3),
        "q4" => Some(4),
        _ => None,
    };
    if let Some(q) = q {
        let (y, e) = match tokens.get(i + 1).and_then(year_of) {
            Some(y) => (y, i + 2),
            None => (data_year, i + 1),
        };
        let s = ymd(y, (q - 1) * 3 + 1, 1);
        return Some((s, add_months(s, 3) - Duration::days(1), e));
    }
    if let Some(y) = year_of(t) {
        return Some((ymd(y, 1, 1), ymd(y, 12, 31), i + 1));
    }
    if t.raw.len() == 5 && t.raw.ends_with('s') {
        if let Ok(y) = t.raw[..4].parse::<i32>() {
            if y % 10 == 0 && (1800..2200).contains(&y) {
                return Some((ymd(y, 1, 1), ymd(y + 9, 12, 31), i + 1));
            }
        }
    }
    None
}

fn one(tokens: &[Token], i: usize, today: NaiveDate, data_year: i32) -> Option<DateHit> {
    let n = |k: usize| tokens.get(k).map(|t| t.norm.as_str()).unwrap_or("");
    let cur = n(i);
    // Ranges: "between X and Y", "from X to Y", "X to Y", "X - Y".
    if matches!(cur, "between" | "from") {
        if let Some((a, _, e1)) = simple(tokens, i + 1, data_year) {
            if matches!(n(e1), "and" | "to" | "through" | "until" | "till") {
                // "between Jan and March 2024": the year written last applies to both.
                let later = simple(tokens, e1 + 1, data_year);
                if let Some((_, b, e2)) = later {
                    let a = if month_at(tokens, i + 1, data_year).is_some()
                        && tokens.get(i + 2).and_then(year_of).is_none()
                    {
                        ymd(b.year(), a.month(), 1)
                    } else {
                        a
                    };
                    return Some(hit(tokens, i, e2, a, b));
                }
            }
            if cur == "from" {
                // "from 2019" = since 2019.
                return Some(hit(tokens, i, e1, a, today.max(a)));
            }
        }
    }
    if let Some((a, b, e)) = simple(tokens, i, data_year) {
        if matches!(n(e), "to" | "through" | "until" | "till") {
            if let Some((_, b2, e2)) = simple(tokens, e + 1, data_year) {
                return Some(hit(tokens, i, e2, a, b2));
            }
        }
        return Some(hit(tokens, i, e, a, b));
    }
    match cur {
        "today" => return Some(hit(tokens, i, i + 1, today, today)),
        "yesterday" => {
            let d = today - Duration::days(1);
            return Some(hit(tokens, i, i + 1, d, d));
        }
        "ytd" => return Some(hit(tokens, i, i + 1, ymd(today.year(), 1, 1), today)),
        "mtd" => {
            return Some(hit(
                tokens,
                i,
                i + 1,
                ymd(today.year(), today.month(), 1),
                today,
            ))
        }
        "since" | "after" | "before" | "until" => {
            // "after the year 1950": the year is the date meant.
            let at = if n(i + 1) == "the" && n(i + 2) == "year" {
                i + 3
            } else {
                i + 1
            };
            let (a, b, e) = simple(tokens, at, data_year)?;
            let (from, to) = match cur {
                "since" => (a, today.max(a)),
                "after" => (b + Duration::days(1), ymd(9999, 12, 31)),
                _ if cur == "until" => (ymd(1, 1, 1), b),
                _ => (ymd(1, 1, 1), a - Duration::days(1)),
            };
            return Some(hit(tokens, i, e, from, to));
        }
        _ => {}
    }
    // "year to date", "month to date", "quarter to date"
    if n(i + 1) == "to" && n(i + 2) == "date" {
        let s = match cur {
            "year" => ymd(today.year(), 1, 1),
            "month" => ymd(today.year(), today.month(), 1),
            "quarter" => quarter_start(today),
            _ => return None,
        };
        return Some(hit(tokens, i, i + 3, s, today));
    }
    let offset = match cur {
        "this" | "current" => Some(0),
        "last" | "previous" | "past" | "prior" => Some(-1),
        "next" => Some(1),
        _ => None,
    }?;
    // "the last 30 days", "past 6 months": rolling window ending today.
    if let Some(count) = tokens.get(i + 1).and_then(|t| t.number()) {
        let u = unit(n(i + 2))?;
        if offset != -1 || count < 1.0 {
            return None;
        }
        let k = count as i64;
        let from = match u {
            "day" => today - Duration::days(k - 1),
            "week" => today - Duration::days(7 * k - 1),
            "month" => add_months(today, -(k as i32)) + Duration::days(1),
            "quarter" => add_months(today, -3 * k as i32) + Duration::days(1),
            _ => ymd(today.year() - k as i32, today.month(), today.day()) + Duration::days(1),
        };
        return Some(hit(tokens, i, i + 3, from, today));
    }
    let u = unit(n(i + 1))?;
    let (from, to) = period(u, today, offset)?;
    Some(hit(tokens, i, i + 2, from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn one_hit(q: &str, today: &str) -> (String, String) {
        let t = tokenize(q);
        let free = vec![true; t.len()];
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        let h = find(&t, &free, today, 2024);
        assert_eq!(h.len(), 1, "{q}: {h:?}");
        (h[0].from.to_string(), h[0].to.to_string())
    }

    #[test]
    fn relative() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            one_hit("sales last quarter", "2024-10-15"),
            s("2024-07-01", "2024-09-30")
        );
        assert_eq!(
            one_hit("sales last month", "2024-01-15"),
            s("2023-12-01", "2023-12-31")
        );
        assert_eq!(
            one_hit("last 30 days", "2024-03-31"),
            s("2024-03-02", "2024-03-31")
        );
        assert_eq!(
            one_hit("year to date", "2019-02-15"),
            s("2019-01-01", "2019-02-15")
        );
        assert_eq!(
            one_hit("this year", "2019-02-15"),
            s("2019-01-01", "2019-12-31")
        );
        assert_eq!(
            one_hit("yesterday", "2019-03-01"),
            s("2019-02-28", "2019-02-28")
        );
    }

    #[test]
    fn absolute() {
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            one_hit("in February 2019", "2020-01-01"),
            s("2019-02-01", "2019-02-28")
        );
        assert_eq!(
            one_hit("revenue in Q3 2024", "2025-01-01"),
            s("2024-07-01", "2024-09-30")
        );
        assert_eq!(
            one_hit("from 2013 to 2014", "2020-01-01"),
            s("2013-01-01", "2014-12-31")
        );
        assert_eq!(
            one_hit("still in service after the year 1950", "2020-01-01"),
            s("1951-01-01", "9999-12-31")
        );
        assert_eq!(
            one_hit("published in the 1830's", "2020-01-01"),
            s("1830-01-01", "1839-12-31")
        );
        assert_eq!(
            one_hit("between Jan and March 2023", "2024-01-01"),
            s("2023-01-01", "2023-03-31")
        );
        assert_eq!(
            one_hit("on 2024-07-01", "2025-01-01"),
            s("2024-07-01", "2024-07-01")
        );
    }
}
