//! Column names: keep what the user wrote, fix empty and duplicate names
//! deterministically, and derive a unique SQL-safe name for each column.

use std::collections::HashSet;

/// Display names: trimmed; empty -> `column_{n}` (1-based position); duplicates -> `name_2`, `name_3`.
pub fn fix_names(raw: &[String]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let base = r.trim();
        let base = if base.is_empty() {
            format!("column_{}", i + 1)
        } else {
            base.to_string()
        };
        out.push(unique(&base, &mut seen, |s| s.to_lowercase()));
    }
    out
}

/// SQL-safe names: lowercase ASCII letters, digits and `_`, not starting with a digit,
/// not a reserved word, unique.
pub fn sql_names(names: &[String]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let mut s = String::with_capacity(n.len());
            for c in n.chars() {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_alphanumeric() {
                    s.push(c);
                } else if !s.ends_with('_') {
                    s.push('_');
                }
            }
            let mut s = s.trim_matches('_').to_string();
            if s.is_empty() {
                s = format!("column_{}", i + 1);
            }
            if s.starts_with(|c: char| c.is_ascii_digit()) {
                s = format!("c_{s}");
            }
            if RESERVED.contains(&s.as_str()) {
                s.push('_');
            }
            unique(&s, &mut seen, |s| s.to_string())
        })
        .collect()
}

fn unique(base: &str, seen: &mut HashSet<String>, key: impl Fn(&str) -> String) -> String {
    let mut candidate = base.to_string();
    let mut n = 2;
    while seen.contains(&key(&candidate)) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    seen.insert(key(&candidate));
    candidate
}

/// Words that cannot be used as bare column names in SQL.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "between",
    "by",
    "case",
    "cast",
    "create",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "default",
    "delete",
    "desc",
    "distinct",
    "drop",
    "else",
    "end",
    "except",
    "exists",
    "false",
    "fetch",
    "for",
    "from",
    "full",
    "group",
    "having",
    "in",
    "inner",
    "insert",
    "intersect",
    "interval",
    "into",
    "is",
    "join",
    "left",
    "like",
    "limit",
    "natural",
    "not",
    "null",
    "offset",
    "on",
    "or",
    "order",
    "outer",
    "over",
    "right",
    "select",
    "set",
    "table",
    "then",
    "to",
    "true",
    "union",
    "update",
    "user",
    "using",
    "values",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn fixes_empty_and_duplicate_names() {
        assert_eq!(
            fix_names(&s(&["name", "", "Name", "name", " x "])),
            s(&["name", "column_2", "Name_2", "name_3", "x"])
        );
    }

    #[test]
    fn sql_safe_names() {
        assert_eq!(
            sql_names(&s(&[
                "Order Date",
                "Revenue ($)",
                "2019",
                "order",
                "order_",
                "é",
                "a-b"
            ])),
            s(&[
                "order_date",
                "revenue",
                "c_2019",
                "order_",
                "order__2",
                "column_6",
                "a_b"
            ])
        );
    }
}
