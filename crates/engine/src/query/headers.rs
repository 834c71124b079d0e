//! Column names as the file wrote them. Snapshots name columns in snake_case
//! (`unit_price`), while people write the headers they see (`"Unit Price"`,
//! `Market`). Before planning, identifiers that name no SQL column but match a
//! header are rewritten to the column's SQL name; a column selected by its
//! header keeps the header as its result name.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{
    visit_expressions_mut, visit_relations, Expr, Ident, ObjectNamePart, Query, SelectItem,
    SetExpr, Statement, TableFactor, Visit, Visitor,
};
use domain::ColumnName;

use super::TableRef;

/// The columns of every table a query may read, by the name SQL uses for the
/// table (the default table also as `data`).
#[derive(Debug, Default)]
pub(crate) struct Headers {
    tables: HashMap<String, Arc<[ColumnName]>>,
}

impl Headers {
    /// The known columns of the tables in `tables` that `statement` reads.
    pub(crate) fn read_by(
        statement: &DFStatement,
        tables: &[TableRef],
        default_table: Option<&str>,
    ) -> Headers {
        let DFStatement::Statement(inner) = statement else {
            return Headers::default();
        };
        let mut read = HashSet::new();
        let _ = visit_relations(inner.as_ref(), |relation| {
            if let Some(ObjectNamePart::Identifier(ident)) = relation.0.last() {
                read.insert(normalized(ident));
            }
            ControlFlow::<()>::Continue(())
        });
        let mut by_name = HashMap::new();
        for table in tables.iter().filter(|t| !t.columns.is_empty()) {
            let is_default = default_table == Some(table.name.as_str());
            if read.contains(&table.name) || (is_default && read.contains("data")) {
                by_name.insert(table.name.clone(), table.columns.clone());
            }
        }
        Headers { tables: by_name }
    }

    fn columns(&self) -> impl Iterator<Item = &ColumnName> {
        self.tables.values().flat_map(|columns| columns.iter())
    }

    /// How to show `sql_name` to the person who wrote the query: the header
    /// (quoted when SQL needs it), or the name itself when no header is known.
    pub(crate) fn as_seen(&self, sql_name: &str) -> String {
        self.columns()
            .find(|c| c.sql_name == sql_name)
            .map(|c| written(&c.name))
            .unwrap_or_else(|| sql_name.to_string())
    }

    /// Suggestions for an unknown column, among the headers and the names
    /// DataFusion offered, shown as the person sees them.
    pub(crate) fn suggestions(&self, wanted: &str, offered: &[String]) -> Vec<String> {
        let mut candidates: Vec<String> = offered.iter().map(|s| self.as_seen(s)).collect();
        candidates.extend(self.columns().map(|c| written(&c.name)));
        let bare: Vec<String> = candidates
            .iter()
            .map(|c| c.trim_matches('"').replace("\"\"", "\""))
            .collect();
        super::errors::closest(wanted, &bare)
            .into_iter()
            .filter_map(|pick| {
                bare.iter()
                    .position(|b| *b == pick)
                    .map(|i| candidates[i].clone())
            })
            .collect()
    }
}

/// Rewrite the identifiers of `statement` that name a column by its header to
/// the column's SQL name. Identifiers that are SQL names, or names the query
/// defines itself (aliases), are left alone; so is anything ambiguous.
pub(crate) fn resolve_headers(statement: &mut DFStatement, headers: &Headers) {
    if headers.tables.is_empty() {
        return;
    }
    let DFStatement::Statement(inner) = statement else {
        return;
    };
    let columns: Vec<&ColumnName> = headers.columns().collect();
    if columns.iter().all(|c| c.name == c.sql_name) {
        return;
    }
    let mut defined = DefinedNames::default();
    let _ = inner.visit(&mut defined);
    let resolver = Resolver {
        columns,
        defined: defined.0,
    };
    if let Statement::Query(query) = inner.as_mut() {
        resolver.name_selected_headers(query);
    }
    let _ = visit_expressions_mut(inner.as_mut(), |expr| {
        match expr {
            Expr::Identifier(ident) => resolver.rewrite(ident),
            Expr::CompoundIdentifier(parts) => {
                if let Some(last) = parts.last_mut() {
                    resolver.rewrite(last);
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
}

struct Resolver<'a> {
    columns: Vec<&'a ColumnName>,
    /// Names the query itself defines (select aliases, derived-table columns), normalized.
    defined: HashSet<String>,
}

impl Resolver<'_> {
    /// The column `ident` names, by SQL name first, then by header: exactly,
    /// then ignoring case. `None` when it names none, one of the query's own
    /// names, or more than one column.
    fn column(&self, ident: &Ident) -> Option<&ColumnName> {
        let wanted = normalized(ident);
        if let Some(column) = self.columns.iter().find(|c| c.sql_name == wanted) {
            return Some(column);
        }
        if self.defined.contains(&wanted) {
            return None;
        }
        let columns = || self.columns.iter().copied();
        if let Some(exact) = unique(columns().filter(|c| c.name == ident.value)).ok()? {
            return Some(exact);
        }
        let lower = ident.value.to_lowercase();
        unique(columns().filter(|c| c.name.to_lowercase() == lower))
            .ok()
            .flatten()
    }

    fn rewrite(&self, ident: &mut Ident) {
        if let Some(column) = self.column(ident) {
            if normalized(ident) != column.sql_name {
                *ident = Ident::with_quote_and_span('"', ident.span, column.sql_name.clone());
            }
        }
    }

    /// In the outermost SELECT, a column written as its header (not as its SQL
    /// name) is returned under that header: `SELECT "Unit Price"` answers with a
    /// column named `Unit Price`, not `unit_price`.
    fn name_selected_headers(&self, query: &mut Query) {
        let SetExpr::Select(select) = query.body.as_mut() else {
            return;
        };
        for item in &mut select.projection {
            let SelectItem::UnnamedExpr(expr) = item else {
                continue;
            };
            let ident = match expr {
                Expr::Identifier(ident) => ident,
                Expr::CompoundIdentifier(parts) => match parts.last() {
                    Some(last) => last,
                    None => continue,
                },
                _ => continue,
            };
            let Some(column) = self.column(ident) else {
                continue;
            };
            let as_header = ident.value != column.sql_name
                && ident.value.to_lowercase() == column.name.to_lowercase();
            if as_header {
                *item = SelectItem::ExprWithAlias {
                    alias: Ident::with_quote('"', column.name.clone()),
                    expr: expr.clone(),
                };
            }
        }
    }
}

/// The only item, `Ok(None)` when there is none, `Err(())` when there are several.
fn unique<'a>(
    mut items: impl Iterator<Item = &'a ColumnName>,
) -> Result<Option<&'a ColumnName>, ()> {
    match (items.next(), items.next()) {
        (None, _) => Ok(None),
        (Some(one), None) => Ok(Some(one)),
        (Some(_), Some(_)) => Err(()),
    }
}

/// Names the query defines for itself, which a header must not shadow.
#[derive(Default)]
struct DefinedNames(HashSet<String>);

impl Visitor for DefinedNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.0
                    .extend(cte.alias.columns.iter().map(|c| normalized(&c.name)));
            }
        }
        collect_aliases(&query.body, &mut self.0);
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Derived {
            alias: Some(alias), ..
        } = factor
        {
            self.0
                .extend(alias.columns.iter().map(|c| normalized(&c.name)));
        }
        ControlFlow::Continue(())
    }
}

fn collect_aliases(body: &SetExpr, names: &mut HashSet<String>) {
    match body {
        SetExpr::Select(select) => {
            for item in &select.projection {
                if let SelectItem::ExprWithAlias { alias, .. } = item {
                    names.insert(normalized(alias));
                }
            }
        }
        SetExpr::SetOperation { left, right, .. } => {
            collect_aliases(left, names);
            collect_aliases(right, names);
        }
        _ => {}
    }
}

/// The name DataFusion resolves `ident` to: unquoted names are lowercased.
fn normalized(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// A header as SQL must write it: bare when it is a plain identifier, quoted otherwise.
fn written(header: &str) -> String {
    let plain = header
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && header
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        header.to_string()
    } else {
        domain::sql::quote_ident(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::guard::parse_single_query;

    fn table() -> TableRef {
        let columns: Vec<ColumnName> = [
            ("Market", "market"),
            ("Unit Price", "unit_price"),
            ("Café", "cafe"),
            ("2020 Sales", "_2020_sales"),
            ("Order", "order"),
            ("Total", "total"),
            ("TOTAL", "total_2"),
        ]
        .into_iter()
        .map(|(name, sql_name)| ColumnName {
            name: name.into(),
            sql_name: sql_name.into(),
        })
        .collect();
        TableRef::new("orders", "/nowhere.parquet").with_columns(columns)
    }

    fn resolved(sql: &str) -> String {
        let mut statement = parse_single_query(sql).unwrap();
        let headers = Headers::read_by(&statement, &[table()], Some("orders"));
        resolve_headers(&mut statement, &headers);
        statement.to_string()
    }

    #[test]
    fn headers_become_sql_names_and_name_the_result() {
        assert_eq!(
            resolved(r#"SELECT "Market", SUM("Unit Price") FROM data GROUP BY "Market""#),
            r#"SELECT "market" AS "Market", SUM("unit_price") FROM data GROUP BY "market""#
        );
        assert_eq!(
            resolved(r#"SELECT "2020 Sales", café FROM orders WHERE "CAFÉ" > 1"#),
            r#"SELECT "_2020_sales" AS "2020 Sales", "cafe" AS "Café" FROM orders WHERE "cafe" > 1"#
        );
    }

    #[test]
    fn sql_names_and_the_querys_own_names_are_left_alone() {
        let sql = r#"SELECT market, "order", unit_price AS "Market" FROM data ORDER BY "Market""#;
        assert_eq!(resolved(sql), sql);
        // Unquoted `Market` already is the SQL name once lowercased; the result
        // still takes the header, as written.
        assert_eq!(
            resolved("SELECT Market FROM data"),
            r#"SELECT Market AS "Market" FROM data"#
        );
    }

    #[test]
    fn an_ambiguous_header_or_an_unread_table_is_not_guessed() {
        assert_eq!(
            resolved(r#"SELECT "TOTAL", "total", Total FROM data"#),
            r#"SELECT "total_2" AS "TOTAL", "total", Total AS "Total" FROM data"#
        );
        let sql = r#"SELECT "ToTaL" FROM data"#;
        assert_eq!(resolved(sql), sql);
        let other = r#"SELECT "Market" FROM other_table"#;
        assert_eq!(resolved(other), other);
    }

    #[test]
    fn suggestions_show_headers() {
        let statement = parse_single_query("SELECT 1 FROM data").unwrap();
        let headers = Headers::read_by(&statement, &[table()], Some("orders"));
        let picks = headers.suggestions("Unit Prise", &["unit_price".into(), "market".into()]);
        assert_eq!(picks.first().map(String::as_str), Some(r#""Unit Price""#));
        assert_eq!(headers.as_seen("market"), "Market");
        assert_eq!(headers.as_seen("unknown"), "unknown");
    }
}
