//! SQL generation: renders a [`Plan`] in the DataFusion dialect. Identifiers are always
//! quoted, literals always escaped, and the result is re-parsed with sqlparser as a check.

use crate::plan::{Agg, Dim, Filter, Grain, Lit, Measure, Op, OrderKey, Plan, RowQuery, Side};
use crate::{Error, Schema};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

pub use domain::sql::{quote_ident as ident, quote_literal as string_lit};

pub fn lit(l: &Lit) -> String {
    match l {
        Lit::Str(s) => string_lit(s),
        Lit::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Lit::Num(n) if n.is_finite() => format!("{n}"),
        Lit::Num(_) => "NULL".into(),
        Lit::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Lit::Date(d) => format!("DATE {}", string_lit(&d.to_string())),
    }
}

/// Snake-case output name for a measure ("avg_unit_price", "count").
pub fn measure_alias(m: &Measure, schema: &Schema) -> String {
    let prefix = match m.agg {
        Agg::Sum => "sum",
        Agg::Avg => "avg",
        Agg::Median => "median",
        Agg::Min => "min",
        Agg::Max => "max",
        Agg::Count => "count",
        Agg::CountDistinct => "distinct",
        Agg::Stddev => "stddev",
        Agg::Variance => "variance",
        Agg::CountNull => "missing",
    };
    match m.column {
        None => prefix.to_string(),
        Some(c) => format!("{prefix}_{}", snake(&schema.columns[c].name)),
    }
}

fn snake(s: &str) -> String {
    let parts = crate::text::split_name(s);
    if parts.is_empty() {
        "value".into()
    } else {
        parts.join("_")
    }
}

pub fn dim_alias(d: &Dim, schema: &Schema) -> String {
    match d {
        Dim::Column(c) => schema.columns[*c].name.clone(),
        Dim::Time(_, g) => g.name().to_string(),
    }
}

fn measure_expr(m: &Measure, schema: &Schema) -> String {
    let col = m.column.map(|c| ident(&schema.columns[c].sql_name));
    let col = col.as_deref().unwrap_or("*");
    match m.agg {
        Agg::Sum => format!("SUM({col})"),
        Agg::Avg => format!("AVG({col})"),
        Agg::Median => format!("median({col})"),
        Agg::Min => format!("MIN({col})"),
        Agg::Max => format!("MAX({col})"),
        Agg::Count if m.column.is_none() => "COUNT(*)".into(),
        Agg::Count => format!("COUNT({col})"),
        Agg::CountDistinct => format!("COUNT(DISTINCT {col})"),
        Agg::Stddev => format!("stddev({col})"),
        Agg::Variance => format!("var_samp({col})"),
        Agg::CountNull => format!("(COUNT(*) - COUNT({col}))"),
    }
}

fn dim_expr(d: &Dim, schema: &Schema) -> String {
    match d {
        Dim::Column(c) => ident(&schema.columns[*c].sql_name),
        Dim::Time(c, g) => {
            let col = ident(&schema.columns[*c].sql_name);
            match g {
                Grain::Year => format!("CAST(date_part('year', {col}) AS BIGINT)"),
                _ => format!("CAST(date_trunc('{}', {col}) AS DATE)", g.name()),
            }
        }
    }
}

fn filter_expr(f: &Filter, schema: &Schema) -> String {
    let col = ident(&schema.columns[f.column].sql_name);
    let v: Vec<String> = f.values.iter().map(lit).collect();
    match f.op {
        Op::Between if v.len() == 2 => format!("{col} BETWEEN {} AND {}", v[0], v[1]),
        Op::In => format!("{col} IN ({})", v.join(", ")),
        Op::IsNull => format!("{col} IS NULL"),
        Op::NotNull => format!("{col} IS NOT NULL"),
        // NULL-safe: rows with no value in the column are kept.
        Op::Ne if !v.is_empty() => format!("({col} IS DISTINCT FROM {})", v[0]),
        op if !v.is_empty() => format!("{col} {} {}", op.symbol(), v[0]),
        _ => "TRUE".into(),
    }
}

fn where_clause(plan: &Plan, schema: &Schema) -> String {
    let mut conds: Vec<String> = plan
        .filters
        .iter()
        .map(|f| filter_expr(f, schema))
        .collect();
    if let Some(r) = &plan.date_range {
        let col = ident(&schema.columns[r.column].sql_name);
        if r.start.year_ce().1 > 1 {
            conds.push(format!("{col} >= {}", lit(&Lit::Date(r.start))));
        }
        if let Some(next) = r.end.succ_opt().filter(|d| d.year_ce().1 < 9999) {
            conds.push(format!("{col} < {}", lit(&Lit::Date(next))));
        }
    }
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}

use chrono::Datelike;

/// Render the plan; fails only if the result does not parse (a bug, reported as such).
pub fn render(plan: &Plan, schema: &Schema) -> Result<String, Error> {
    let table = match plan.head {
        // The first or last n rows in file order, under the table's own name.
        Some((n, last)) => {
            let row = ident(ROW);
            let cut = if last {
                format!(
                    "{row} > (SELECT COUNT(*) FROM {t}) - {n}",
                    t = ident(&schema.table)
                )
            } else {
                format!("{row} <= {n}")
            };
            format!(
                "(SELECT * FROM (SELECT *, ROW_NUMBER() OVER () AS {row} FROM {t}) AS \"numbered\" WHERE {cut}) AS {t}",
                t = ident(&schema.table)
            )
        }
        None => ident(&schema.table),
    };
    let wh = where_clause(plan, schema);
    let sql = if let Some(rq) = &plan.rows {
        row_query(rq, plan, schema)
    } else if let Some((a, b)) = plan.correlation {
        let (a, b) = (
            ident(&schema.columns[a].sql_name),
            ident(&schema.columns[b].sql_name),
        );
        format!("SELECT corr({a}, {b}) AS \"correlation\" FROM {table}{wh}")
    } else if !plan.select.is_empty() {
        let mut cols: Vec<String> = Vec::new();
        for &c in &plan.select {
            let id = ident(&schema.columns[c].sql_name);
            if !cols.contains(&id) {
                cols.push(id);
            }
        }
        let order = plan.order.as_ref().and_then(|o| match o.key {
            OrderKey::Column(c) => Some((ident(&schema.columns[c].sql_name), o.desc)),
            _ => None,
        });
        match (order, plan.with_ties) {
            (Some((col, desc)), true) => {
                let dir = if desc { "DESC" } else { "ASC" };
                format!(
                    "SELECT {cols} FROM (SELECT {cols}, RANK() OVER (ORDER BY {col} {dir} NULLS LAST) AS \"rank\" FROM {table}{wh}) AS ranked WHERE \"rank\" = 1",
                    cols = cols.join(", ")
                )
            }
            (order, _) => {
                let distinct = if plan.distinct && order.is_none() {
                    "DISTINCT "
                } else {
                    ""
                };
                let mut s = format!("SELECT {distinct}{} FROM {table}{wh}", cols.join(", "));
                if let Some((col, desc)) = order {
                    s.push_str(&format!(
                        " ORDER BY {col} {} NULLS LAST",
                        if desc { "DESC" } else { "ASC" }
                    ));
                }
                if let Some(l) = plan.limit {
                    s.push_str(&format!(" LIMIT {l}"));
                }
                s
            }
        }
    } else if plan.dims.is_empty() && plan.measures.len() > 1 {
        // Several statistics of the whole table: one row per statistic, so each reads
        // as "name: value" (and types line up as DOUBLE).
        plan.measures
            .iter()
            .map(|m| {
                format!(
                    "SELECT {} AS \"statistic\", CAST({} AS DOUBLE) AS \"value\" FROM {table}{wh}",
                    string_lit(&measure_alias(m, schema)),
                    measure_expr(m, schema)
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ")
    } else {
        let mut items = Vec::new();
        let mut group = Vec::new();
        for d in &plan.dims {
            let e = dim_expr(d, schema);
            items.push(format!("{e} AS {}", ident(&dim_alias(d, schema))));
            group.push(e);
        }
        let mut measure_exprs = Vec::new();
        for m in &plan.measures {
            let e = measure_expr(m, schema);
            items.push(format!("{e} AS {}", ident(&measure_alias(m, schema))));
            measure_exprs.push(e);
        }
        let group_by = if group.is_empty() {
            String::new()
        } else {
            format!(" GROUP BY {}", group.join(", "))
        };
        let order = plan.order.as_ref().map(|o| {
            let e = match o.key {
                OrderKey::Measure(i) => measure_exprs.get(i).cloned().unwrap_or_default(),
                OrderKey::Dim(i) => group.get(i).cloned().unwrap_or_default(),
                OrderKey::Column(c) => ident(&schema.columns[c].sql_name),
            };
            (e, if o.desc { "DESC" } else { "ASC" })
        });
        match (order, plan.with_ties && plan.limit == Some(1)) {
            (Some((e, dir)), true) => {
                let outer: Vec<String> = plan
                    .dims
                    .iter()
                    .map(|d| ident(&dim_alias(d, schema)))
                    .chain(
                        plan.measures
                            .iter()
                            .map(|m| ident(&measure_alias(m, schema))),
                    )
                    .collect();
                format!(
                    "SELECT {} FROM (SELECT {}, RANK() OVER (ORDER BY {e} {dir} NULLS LAST) AS \"rank\" FROM {table}{wh}{group_by}) AS ranked WHERE \"rank\" = 1",
                    outer.join(", "),
                    items.join(", ")
                )
            }
            (order, _) => {
                let mut s = format!("SELECT {} FROM {table}{wh}{group_by}", items.join(", "));
                if let Some((e, dir)) = order {
                    s.push_str(&format!(" ORDER BY {e} {dir} NULLS LAST"));
                }
                if let Some(l) = plan.limit {
                    s.push_str(&format!(" LIMIT {l}"));
                }
                s
            }
        }
    };
    Parser::parse_sql(&PostgreSqlDialect {}, &sql).map_err(|e| Error::InvalidSql(e.to_string()))?;
    Ok(sql)
}

/// Name of the row-position column added by [`numbered`]; the leading underscores keep it
/// apart from real column names.
const ROW: &str = "__row";

/// The table with each row's position in file order. `ROW_NUMBER() OVER ()` numbers rows
/// in scan order, which for an uploaded file is the order the user sees.
fn numbered(schema: &Schema) -> String {
    format!(
        "WITH \"numbered\" AS (SELECT *, ROW_NUMBER() OVER () AS {} FROM {})",
        ident(ROW),
        ident(&schema.table)
    )
}

fn side_expr(side: &Side, schema: &Schema) -> String {
    let value = match side.column {
        Some(c) => format!("SUM({})", ident(&schema.columns[c].sql_name)),
        None => "COUNT(*)".into(),
    };
    let conds: Vec<String> = side
        .filters
        .iter()
        .map(|f| filter_expr(f, schema))
        .collect();
    let wh = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    format!("(SELECT {value} FROM {}{wh})", ident(&schema.table))
}

fn row_query(rq: &RowQuery, plan: &Plan, schema: &Schema) -> String {
    let col = |c: usize| ident(&schema.columns[c].sql_name);
    let row = ident(ROW);
    match rq {
        RowQuery::Neighbor {
            anchor,
            offset,
            select,
        } => format!(
            "{} SELECT {} FROM \"numbered\" WHERE {row} IN (SELECT {row} + ({offset}) FROM \"numbered\" WHERE {}) ORDER BY {row}",
            numbered(schema),
            col(*select),
            filter_expr(anchor, schema)
        ),
        RowQuery::CountBeyond { anchor, after } => {
            let (cmp, pick) = if *after { (">", "MAX") } else { ("<", "MIN") };
            format!(
                "{} SELECT COUNT(*) AS \"count\" FROM \"numbered\" WHERE {row} {cmp} (SELECT {pick}({row}) FROM \"numbered\" WHERE {})",
                numbered(schema),
                filter_expr(anchor, schema)
            )
        }
        RowQuery::Edge { select, last } => {
            let wh = where_clause(plan, schema);
            let dir = if *last { "DESC" } else { "ASC" };
            format!(
                "{} SELECT {} FROM \"numbered\"{wh} ORDER BY {row} {dir} LIMIT 1",
                numbered(schema),
                col(*select)
            )
        }
        RowQuery::Pick {
            among,
            select,
            by,
            desc,
        } => format!(
            "SELECT {}, {} FROM {} WHERE {} AND {} IS NOT NULL ORDER BY {} {} LIMIT 1",
            col(*select),
            col(*by),
            ident(&schema.table),
            filter_expr(among, schema),
            col(*by),
            col(*by),
            if *desc { "DESC" } else { "ASC" }
        ),
        RowQuery::Difference { a, b, abs } => {
            let diff = format!("{} - {}", side_expr(a, schema), side_expr(b, schema));
            if *abs {
                format!("SELECT ABS({diff}) AS \"difference\"")
            } else {
                format!("SELECT {diff} AS \"difference\"")
            }
        }
        RowQuery::SameAs {
            anchor,
            column,
            select,
            count,
        } => {
            let what = if *count {
                "COUNT(*) AS \"count\"".to_string()
            } else {
                col(*select)
            };
            let a = filter_expr(anchor, schema);
            format!(
                "SELECT {what} FROM {table} WHERE {c} IN (SELECT {c} FROM {table} WHERE {a}) AND ({a}) IS NOT TRUE",
                table = ident(&schema.table),
                c = col(*column)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(string_lit("O'Brien"), "'O''Brien'");
        assert_eq!(lit(&Lit::Num(3.0)), "3");
        assert_eq!(lit(&Lit::Num(2.5)), "2.5");
    }
}
