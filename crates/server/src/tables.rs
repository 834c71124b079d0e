//! The SQL table names of a user's data sources: what each source is called in
//! the SQL editor (it is also `data` when it is the query's source).

use domain::DataSourceId;
use std::collections::HashSet;
use store::SourceTable;

/// SQL table names for a user's sources: the name made SQL-safe, unique per
/// user (oldest source keeps the plain name).
pub fn table_names(sources: &[SourceTable]) -> Vec<(DataSourceId, String)> {
    let mut ordered: Vec<&SourceTable> = sources.iter().collect();
    ordered.sort_by_key(|s| (s.created_at, s.id));
    let mut taken: HashSet<String> = HashSet::from(["data".to_string()]);
    ordered
        .into_iter()
        .map(|s| {
            let base = sql_identifier(&s.name);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            (s.id, name)
        })
        .collect()
}

/// Lowercase ASCII letters, digits and `_`, not starting with a digit.
pub fn sql_identifier(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        None => "table".to_string(),
        Some(c) if c.is_ascii_digit() => format!("t_{out}"),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_sql_safe() {
        assert_eq!(
            sql_identifier("Supermarket Sales (2019)"),
            "supermarket_sales_2019"
        );
        assert_eq!(sql_identifier("2024 orders"), "t_2024_orders");
        assert_eq!(sql_identifier("  ***  "), "table");
        assert_eq!(sql_identifier("Ventes d'été"), "ventes_d_t");
    }
}
