//! Per-column type inference over every value of a file, and the final decision:
//! which type, which number format, which day/month order.

use crate::ingest::values::{self, Number};
use crate::types::{ColumnType, DateOrder, NumberFormat};

/// How to read the text of one column when converting it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPlan {
    pub column_type: ColumnType,
    pub decimal_comma: bool,
    pub day_first: bool,
    pub date_order: Option<DateOrder>,
    pub number_format: Option<NumberFormat>,
}

/// Running evidence about one column.
#[derive(Debug, Clone)]
pub struct ColumnInference {
    allow_decimal_comma: bool,
    non_null: u64,
    bool_ok: bool,
    bool_word: bool,
    int_ok: bool,
    num_ok: bool,
    int_comma_ok: bool,
    num_comma_ok: bool,
    fmt: NumberFormat,
    fmt_comma: NumberFormat,
    date_ok: bool,
    mdy_ok: bool,
    dmy_ok: bool,
    ambiguous: bool,
    dotted: bool,
    has_time: bool,
}

impl ColumnInference {
    /// `allow_decimal_comma`: the file uses `;` or tab, so `1.234,5` may be a number.
    pub fn new(allow_decimal_comma: bool) -> Self {
        ColumnInference {
            allow_decimal_comma,
            non_null: 0,
            bool_ok: true,
            bool_word: false,
            int_ok: true,
            num_ok: true,
            int_comma_ok: allow_decimal_comma,
            num_comma_ok: allow_decimal_comma,
            fmt: NumberFormat::default(),
            fmt_comma: NumberFormat::default(),
            date_ok: true,
            mdy_ok: true,
            dmy_ok: true,
            ambiguous: false,
            dotted: false,
            has_time: false,
        }
    }

    /// True once only `string` remains possible; callers may stop feeding values.
    pub fn is_settled_string(&self) -> bool {
        !self.bool_ok && !self.num_ok && !self.num_comma_ok && !self.date_ok
    }

    pub fn observe(&mut self, raw: &str) {
        self.observe_parsed(raw, None);
    }

    /// [`ColumnInference::observe`] for a value the caller has already checked not
    /// to be a null marker and parsed with `parse_number(raw, false)` (`number`),
    /// so converting a numeric column parses each value once.
    pub fn observe_parsed(&mut self, raw: &str, number: Option<Option<Number>>) {
        if self.is_settled_string() || (number.is_none() && values::is_null_marker(raw)) {
            return;
        }
        self.non_null += 1;
        if self.bool_ok {
            match values::parse_bool(raw) {
                Some((_, word)) => self.bool_word |= word,
                None => self.bool_ok = false,
            }
        }
        if self.num_ok {
            match number.unwrap_or_else(|| values::parse_number(raw, false)) {
                Some(n) => {
                    self.int_ok &= n.int.is_some();
                    note_format(&mut self.fmt, &n);
                }
                None => {
                    self.num_ok = false;
                    self.int_ok = false;
                }
            }
        }
        if self.num_comma_ok {
            match values::parse_number(raw, true) {
                Some(n) => {
                    self.int_comma_ok &= n.int.is_some();
                    note_format(&mut self.fmt_comma, &n);
                }
                None => {
                    self.num_comma_ok = false;
                    self.int_comma_ok = false;
                }
            }
        }
        if self.date_ok {
            match values::parse_temporal(raw) {
                Some(t) => {
                    self.has_time |= t.time.is_some();
                    if let values::DatePart::Ambiguous { dotted, .. } = t.date {
                        self.ambiguous = true;
                        self.dotted |= dotted;
                        self.mdy_ok &= t.mdy_ok();
                        self.dmy_ok &= t.dmy_ok();
                        if !self.mdy_ok && !self.dmy_ok {
                            self.date_ok = false;
                        }
                    }
                }
                None => self.date_ok = false,
            }
        }
    }

    /// Fold in the evidence of the rows that follow this column's rows in the file
    /// (read by another thread). Every flag only ever turns off, so the merged
    /// evidence decides exactly as one pass over all values would; the first
    /// currency symbol stays the one of the earliest rows.
    pub fn merge(&mut self, later: &ColumnInference) {
        self.non_null += later.non_null;
        self.bool_ok &= later.bool_ok;
        self.bool_word |= later.bool_word;
        self.int_ok &= later.int_ok;
        self.num_ok &= later.num_ok;
        self.int_comma_ok &= later.int_comma_ok;
        self.num_comma_ok &= later.num_comma_ok;
        merge_format(&mut self.fmt, &later.fmt);
        merge_format(&mut self.fmt_comma, &later.fmt_comma);
        self.date_ok &= later.date_ok;
        self.mdy_ok &= later.mdy_ok;
        self.dmy_ok &= later.dmy_ok;
        self.ambiguous |= later.ambiguous;
        self.dotted |= later.dotted;
        self.has_time |= later.has_time;
        if self.ambiguous && !self.mdy_ok && !self.dmy_ok {
            self.date_ok = false;
        }
    }

    /// Could `raw` be a value of the type inferred so far (used for header detection)?
    pub fn decide(&self) -> ColumnPlan {
        let plan = |column_type, decimal_comma, number_format: Option<NumberFormat>| ColumnPlan {
            column_type,
            decimal_comma,
            day_first: false,
            date_order: None,
            number_format: number_format.filter(|f| !f.is_plain()),
        };
        if self.non_null == 0 {
            return plan(ColumnType::String, false, None);
        }
        // 0/1 alone stays integer; booleans need at least one word such as `yes` or `true`.
        if self.bool_ok && self.bool_word {
            return plan(ColumnType::Boolean, false, None);
        }
        if self.int_ok {
            return plan(ColumnType::Integer, false, Some(self.fmt.clone()));
        }
        if self.num_ok {
            return plan(ColumnType::Float, false, Some(self.fmt.clone()));
        }
        if self.allow_decimal_comma {
            let mut f = self.fmt_comma.clone();
            f.decimal_comma = true;
            if self.int_comma_ok {
                return plan(ColumnType::Integer, true, Some(f));
            }
            if self.num_comma_ok {
                return plan(ColumnType::Float, true, Some(f));
            }
        }
        if self.date_ok {
            let column_type = if self.has_time {
                ColumnType::Datetime
            } else {
                ColumnType::Date
            };
            // Dotted dates (01.07.2024) are day-first by convention; slashes month-first,
            // unless a value such as 25/12/2024 proves otherwise.
            let day_first = match (self.mdy_ok, self.dmy_ok) {
                (true, true) => self.dotted,
                (false, true) => true,
                _ => false,
            };
            return ColumnPlan {
                column_type,
                decimal_comma: false,
                day_first,
                date_order: self.ambiguous.then_some(if day_first {
                    DateOrder::DayFirst
                } else {
                    DateOrder::MonthFirst
                }),
                number_format: None,
            };
        }
        plan(ColumnType::String, false, None)
    }
}

fn note_format(f: &mut NumberFormat, n: &Number) {
    if f.currency.is_none() {
        f.currency = n.currency.map(String::from);
    }
    f.percent |= n.percent;
    f.thousands_separator |= n.thousands;
    f.parentheses_negative |= n.parens;
}

fn merge_format(f: &mut NumberFormat, later: &NumberFormat) {
    if f.currency.is_none() {
        f.currency.clone_from(&later.currency);
    }
    f.percent |= later.percent;
    f.thousands_separator |= later.thousands_separator;
    f.parentheses_negative |= later.parentheses_negative;
}

/// Does `raw` parse as a value of `plan`'s type? Null markers count as fitting.
pub fn fits(plan: &ColumnPlan, raw: &str) -> bool {
    if values::is_null_marker(raw) {
        return true;
    }
    match plan.column_type {
        ColumnType::String => true,
        ColumnType::Boolean => values::parse_bool(raw).is_some(),
        // A header is never a number, so any number counts as data here.
        ColumnType::Integer | ColumnType::Float => {
            values::parse_number(raw, plan.decimal_comma).is_some()
        }
        ColumnType::Date | ColumnType::Datetime => values::parse_temporal(raw)
            .and_then(|t| t.ymd(plan.day_first))
            .is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(vals: &[&str], comma: bool) -> ColumnPlan {
        let mut c = ColumnInference::new(comma);
        for v in vals {
            c.observe(v);
        }
        c.decide()
    }

    #[test]
    fn types() {
        assert_eq!(
            infer(&["1", "2", "NA", ""], false).column_type,
            ColumnType::Integer
        );
        assert_eq!(infer(&["1", "2.5"], false).column_type, ColumnType::Float);
        assert_eq!(
            infer(&["1", "0", "1"], false).column_type,
            ColumnType::Integer
        );
        assert_eq!(
            infer(&["yes", "no", "1"], false).column_type,
            ColumnType::Boolean
        );
        assert_eq!(
            infer(&["true", "FALSE"], false).column_type,
            ColumnType::Boolean
        );
        assert_eq!(infer(&["a", "1"], false).column_type, ColumnType::String);
        assert_eq!(infer(&["", "NA"], false).column_type, ColumnType::String);
        assert_eq!(
            infer(&["007", "008"], false).column_type,
            ColumnType::String
        );
    }

    #[test]
    fn number_formats() {
        let p = infer(&["$1,234.50", "$12", "(1,000)"], false);
        assert_eq!(p.column_type, ColumnType::Float);
        let f = p.number_format.unwrap();
        assert_eq!(f.currency.as_deref(), Some("$"));
        assert!(f.thousands_separator && f.parentheses_negative);
        let p = infer(&["12.5%", "3%"], false);
        assert!(p.number_format.unwrap().percent);
        let p = infer(&["1.234,5", "12,25", "3"], true);
        assert_eq!(p.column_type, ColumnType::Float);
        assert!(p.decimal_comma);
        // In a comma-separated file `1,5` is not a number.
        assert_eq!(infer(&["1,5"], false).column_type, ColumnType::String);
        // Both readings work: the decimal point wins.
        let p = infer(&["1.5", "2.25"], true);
        assert!(!p.decimal_comma);
    }

    /// Inferring parts separately and merging decides as one pass over every value.
    #[test]
    fn merged_parts_decide_like_one_pass() {
        let columns: &[&[&str]] = &[
            &["1", "2", "x", "3"],
            &["1", "2.5", "NA", "4"],
            &["07/01/2024", "08/02/2024", "25/02/2024", ""],
            &["$1,234.50", "12", "(1,000)", "€3"],
            &["yes", "no", "1", "0"],
            &["1.234,5", "12,25", "3", "4"],
            &["13/01/2024", "01/02/2024", "01/13/2024", "02/02/2024"],
            &["", "NA", "", ""],
        ];
        for values in columns {
            for comma in [false, true] {
                let whole = infer(values, comma);
                for cut in 0..=values.len() {
                    let mut first = ColumnInference::new(comma);
                    values[..cut].iter().for_each(|v| first.observe(v));
                    let mut second = ColumnInference::new(comma);
                    values[cut..].iter().for_each(|v| second.observe(v));
                    first.merge(&second);
                    assert_eq!(first.decide(), whole, "{values:?} cut at {cut}");
                }
            }
        }
    }

    #[test]
    fn date_order() {
        let p = infer(&["07/01/2024", "08/02/2024"], false);
        assert_eq!(p.column_type, ColumnType::Date);
        assert_eq!(p.date_order, Some(DateOrder::MonthFirst));
        let p = infer(&["07/01/2024", "25/02/2024"], false);
        assert_eq!(p.date_order, Some(DateOrder::DayFirst));
        assert!(p.day_first);
        let p = infer(&["01.07.2024"], false);
        assert_eq!(p.date_order, Some(DateOrder::DayFirst));
        let p = infer(&["2024-07-01", "2024-07-02"], false);
        assert_eq!(p.date_order, None);
        let p = infer(&["13/01/2024", "01/13/2024"], false);
        assert_eq!(p.column_type, ColumnType::String);
        let p = infer(&["2024-07-01", "2024-07-01T10:00:00+02:00"], false);
        assert_eq!(p.column_type, ColumnType::Datetime);
    }
}
