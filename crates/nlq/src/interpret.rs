//! The readable side of a plan: a structured [`Interpretation`] (measures, dimensions,
//! filters, resolved date range, order, limit) and a one-sentence summary.

use crate::parse::Parsed;
use crate::plan::{Agg, Dim, Filter, Lit, Op, OrderKey, RowQuery, Side};
use crate::sql::{dim_alias, measure_alias};
use crate::Schema;
pub use domain::interpretation::{
    DateRangeDesc, DimensionDesc, FilterDesc, Interpretation, MeasureDesc, OrderDesc,
};

fn lit_json(l: &Lit) -> serde_json::Value {
    match l {
        Lit::Str(s) => serde_json::Value::String(s.clone()),
        Lit::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => serde_json::json!(*n as i64),
        Lit::Num(n) => serde_json::json!(n),
        Lit::Bool(b) => serde_json::json!(b),
        Lit::Date(d) => serde_json::Value::String(d.to_string()),
    }
}

pub fn describe(parsed: &Parsed, schema: &Schema) -> Interpretation {
    let plan = &parsed.plan;
    let name = |c: usize| schema.columns[c].name.clone();
    let mut measures: Vec<MeasureDesc> = plan
        .measures
        .iter()
        .map(|m| MeasureDesc {
            column: m.column.map(name),
            aggregation: format!("{:?}", m.agg).to_lowercase(),
            alias: measure_alias(m, schema),
        })
        .collect();
    if let Some((a, b)) = plan.correlation {
        measures.push(MeasureDesc {
            column: Some(format!("{}, {}", name(a), name(b))),
            aggregation: "correlation".into(),
            alias: "correlation".into(),
        });
    }
    let dimensions: Vec<DimensionDesc> = plan
        .dims
        .iter()
        .map(|d| DimensionDesc {
            column: name(d.column()),
            grain: match d {
                Dim::Time(_, g) => Some(g.name().to_string()),
                Dim::Column(_) => None,
            },
            alias: dim_alias(d, schema),
        })
        .collect();
    let filters: Vec<FilterDesc> = plan
        .filters
        .iter()
        .filter(|f| !(f.op == Op::NotNull && f.phrase.is_empty()))
        .map(|f| FilterDesc {
            column: name(f.column),
            op: f.op.symbol().to_string(),
            values: f.values.iter().map(lit_json).collect(),
            phrase: f.phrase.clone(),
        })
        .collect();
    let date_range = plan.date_range.as_ref().map(|r| DateRangeDesc {
        column: name(r.column),
        phrase: r.phrase.clone(),
        start: r.start.to_string(),
        end: r.end.to_string(),
        text: format!("{} = {} .. {}", r.phrase, r.start, r.end),
    });
    let order = plan.order.as_ref().map(|o| OrderDesc {
        by: match o.key {
            OrderKey::Measure(i) => measures.get(i).map(|m| m.alias.clone()).unwrap_or_default(),
            OrderKey::Dim(i) => dimensions
                .get(i)
                .map(|d| d.alias.clone())
                .unwrap_or_default(),
            OrderKey::Column(c) => name(c),
        },
        descending: o.desc,
    });
    let grain = plan.dims.iter().find_map(|d| match d {
        Dim::Time(_, g) => Some(g.name().to_string()),
        _ => None,
    });
    let mut interp = Interpretation {
        measures,
        dimensions,
        columns: plan.select.iter().map(|&c| name(c)).collect(),
        filters,
        date_range,
        grain,
        order,
        limit: plan.limit,
        ignored_words: parsed.unexplained.clone(),
        summary: String::new(),
    };
    interp.summary = summary(&interp, parsed, schema);
    interp
}

/// "Country is Japan" for an anchor or side filter.
fn filter_text(f: &Filter, schema: &Schema) -> String {
    let vals: Vec<String> = f
        .values
        .iter()
        .map(|v| match lit_json(v) {
            serde_json::Value::String(s) => s,
            v => v.to_string(),
        })
        .collect();
    let col = &schema.columns[f.column].name;
    match f.op {
        Op::Eq => format!("{col} is {}", vals.join("")),
        op => format!("{col} {} {}", op.symbol(), vals.join(", ")),
    }
}

fn side_text(side: &Side, schema: &Schema) -> String {
    let what = match side.column {
        Some(c) => schema.columns[c].name.clone(),
        None => "the number of rows".into(),
    };
    let conds: Vec<String> = side
        .filters
        .iter()
        .map(|f| filter_text(f, schema))
        .collect();
    if conds.is_empty() {
        what
    } else {
        format!("{what} where {}", conds.join(" and "))
    }
}

/// One sentence for a row-relative question.
fn row_summary(rq: &RowQuery, schema: &Schema) -> String {
    let name = |c: usize| schema.columns[c].name.clone();
    match rq {
        RowQuery::Neighbor {
            anchor,
            offset,
            select,
        } => format!(
            "{} of the row {} the one where {} (table order)",
            name(*select),
            if *offset > 0 { "after" } else { "before" },
            filter_text(anchor, schema)
        ),
        RowQuery::CountBeyond { anchor, after } => format!(
            "Number of rows {} the one where {} (table order)",
            if *after { "after" } else { "before" },
            filter_text(anchor, schema)
        ),
        RowQuery::Edge { select, last } => format!(
            "{} of the {} row as listed",
            name(*select),
            if *last { "last" } else { "first" }
        ),
        RowQuery::Pick {
            among,
            select,
            by,
            desc,
        } => format!(
            "{} with the {} {} where {}",
            name(*select),
            if *desc { "highest" } else { "lowest" },
            name(*by),
            filter_text(among, schema)
        ),
        RowQuery::Difference { a, b, abs } => format!(
            "{} between {} and {}",
            if *abs {
                "Difference"
            } else {
                "Signed difference"
            },
            side_text(a, schema),
            side_text(b, schema)
        ),
        RowQuery::SameAs {
            anchor,
            column,
            select,
            count,
        } => format!(
            "{} of the other rows with the same {} as the row where {}",
            if *count {
                "Number".to_string()
            } else {
                name(*select)
            },
            name(*column),
            filter_text(anchor, schema)
        ),
    }
}

fn summary(i: &Interpretation, parsed: &Parsed, schema: &Schema) -> String {
    let plan = &parsed.plan;
    if let Some(rq) = &plan.rows {
        return row_summary(rq, schema);
    }
    let mut s = if let Some((_, _)) = plan.correlation {
        format!(
            "Correlation of {}",
            i.measures
                .last()
                .and_then(|m| m.column.clone())
                .unwrap_or_default()
        )
    } else if !i.columns.is_empty() {
        format!("{} of the matching rows", i.columns.join(", "))
    } else {
        i.measures
            .iter()
            .zip(&plan.measures)
            .map(|(d, m)| match (&d.column, m.agg) {
                (None, _) => "Number of rows".to_string(),
                (Some(c), Agg::CountNull) => format!("Missing values of {c}"),
                (Some(c), a) => format!("{} of {c}", a.label()),
            })
            .collect::<Vec<_>>()
            .join(" and ")
    };
    if !i.dimensions.is_empty() {
        let ds: Vec<String> = i
            .dimensions
            .iter()
            .map(|d| match &d.grain {
                Some(g) => format!("{} ({g})", d.column),
                None => d.column.clone(),
            })
            .collect();
        s.push_str(&format!(" by {}", ds.join(" and ")));
    }
    let mut conds: Vec<String> = i
        .filters
        .iter()
        .map(|f| {
            let vals: Vec<String> = f
                .values
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    v => v.to_string(),
                })
                .collect();
            match f.op.as_str() {
                "=" => format!("{} is {}", f.column, vals.join("")),
                "between" => format!("{} is between {}", f.column, vals.join(" and ")),
                "in" => format!("{} is one of {}", f.column, vals.join(", ")),
                op => format!("{} {op} {}", f.column, vals.join(", ")),
            }
        })
        .collect();
    if let Some(r) = &i.date_range {
        conds.push(format!(
            "{} is in {} .. {} ({})",
            r.column, r.start, r.end, r.phrase
        ));
    }
    if !conds.is_empty() {
        s.push_str(&format!(" where {}", conds.join(" and ")));
    }
    if let Some(o) = &i.order {
        let dir = if o.descending { "highest" } else { "lowest" };
        match i.limit {
            Some(1) => s.push_str(&format!(", keeping the {dir} by {}", o.by)),
            Some(n) => s.push_str(&format!(", {dir} {n} by {}", o.by)),
            None if !i.dimensions.is_empty() && !i.dimensions.iter().any(|d| d.grain.is_some()) => {
                s.push_str(&format!(", sorted by {}", o.by))
            }
            None => {}
        }
    }
    s
}
