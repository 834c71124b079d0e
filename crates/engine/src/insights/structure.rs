//! Columns that are (near-)exact linear functions of another measure — a tax that is 5%
//! of a subtotal, a total that is the subtotal plus that tax — say how the file was
//! built, not what happened. They are found before anything else, described in one
//! `data_structure` note, and left out of every other analysis, so their r = 1
//! correlations and echoed trends never reach the report.

use std::collections::BTreeMap;

use domain::ChartType;
use serde_json::json;

use super::context::Ctx;
use super::profile::{ColumnProfile, Profile};
use super::text::{capitalise, chart, fmt_num, num};
use super::{Insight, InsightKind};
use crate::error::Result;

/// Most measures compared (pairs grow quadratically).
const MAX_MEASURES: usize = 16;
/// |r| at and above which one column is taken as computed from another.
pub const MIN_DERIVED_R: f64 = 0.999;
/// Relative size of an intercept (or of slope − 1) still read as zero.
const TOLERANCE: f64 = 1e-3;

/// What [`find`] learnt: the columns to leave out of the other analyses and the note
/// that says why.
pub struct Structure {
    /// SQL names of the derived columns (every member of a linked group but its base).
    pub derived: Vec<String>,
    pub note: Option<Insight>,
}

/// How a derived column follows its base: `column = slope × base + intercept`.
struct Relation<'a> {
    column: &'a ColumnProfile,
    base: &'a ColumnProfile,
    slope: f64,
    intercept: f64,
    r: f64,
    /// Mean absolute value of the column, the scale its intercept is judged against.
    scale: f64,
}

impl Relation<'_> {
    fn zero_intercept(&self) -> bool {
        self.intercept.abs() <= TOLERANCE * self.scale.max(f64::MIN_POSITIVE)
    }

    fn unit_slope(&self) -> bool {
        (self.slope - 1.0).abs() <= TOLERANCE
    }

    /// Same line as `other` (the two columns are equal to each other).
    fn same_as(&self, other: &Relation) -> bool {
        let close =
            |a: f64, b: f64, scale: f64| (a - b).abs() <= TOLERANCE * scale.max(f64::MIN_POSITIVE);
        close(self.slope, other.slope, self.slope.abs())
            && close(self.intercept, other.intercept, self.scale)
    }

    fn kind(&self) -> &'static str {
        match (self.unit_slope(), self.zero_intercept()) {
            (true, true) => "equal",
            (false, true) => "ratio",
            (true, false) => "offset",
            (false, false) => "linear",
        }
    }

    /// "Tax is 5% of Total", "Total equals Subtotal", "Net is Gross minus 2.5".
    fn sentence(&self) -> String {
        let (c, b) = (capitalise(&self.column.column.name), &self.base.column.name);
        let rel = match self.kind() {
            "equal" => format!("equals {b}"),
            "ratio" if self.slope > 0.0 && self.slope < 1.0 => {
                format!("is {}% of {b}", fmt_num(self.slope * 100.0))
            }
            "ratio" => format!("is {} × {b}", fmt_num(self.slope)),
            "offset" => format!(
                "is {b} {} {}",
                if self.intercept >= 0.0 {
                    "plus"
                } else {
                    "minus"
                },
                fmt_num(self.intercept.abs())
            ),
            _ => format!(
                "is {} × {b} {} {}",
                fmt_num(self.slope),
                if self.intercept >= 0.0 { "+" } else { "−" },
                fmt_num(self.intercept.abs())
            ),
        };
        let almost = if self.r.abs() < 0.999_99 {
            " (almost exactly)"
        } else {
            ""
        };
        format!("{c} {rel}{almost}")
    }
}

pub async fn find(ctx: &mut Ctx<'_>, profile: &Profile) -> Result<Structure> {
    let none = Structure {
        derived: Vec::new(),
        note: None,
    };
    let measures: Vec<&ColumnProfile> = profile.measures().into_iter().take(MAX_MEASURES).collect();
    if measures.len() < 2 {
        return Ok(none);
    }
    let x = |m: &ColumnProfile| format!("CAST({} AS DOUBLE)", m.sql());
    let mut select = Vec::new();
    for (i, m) in measures.iter().enumerate() {
        select.push(format!("AVG(ABS({})) AS m{i}", x(m)));
    }
    for a in 0..measures.len() {
        for b in a + 1..measures.len() {
            select.push(format!(
                "CORR({}, {}) AS c_{a}_{b}",
                x(measures[a]),
                x(measures[b])
            ));
        }
    }
    let r = ctx
        .query(&format!("SELECT {} FROM data", select.join(", ")))
        .await?;
    let scale: Vec<f64> = (0..measures.len())
        .map(|i| r.f64(0, &format!("m{i}")).unwrap_or(0.0))
        .collect();

    // Groups of columns linked by |r| ≥ MIN_DERIVED_R (union-find by smallest index).
    let mut parent: Vec<usize> = (0..measures.len()).collect();
    fn root(parent: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut linked = false;
    for a in 0..measures.len() {
        for b in a + 1..measures.len() {
            let c = r.f64(0, &format!("c_{a}_{b}")).unwrap_or(0.0);
            if c.is_finite() && c.abs() >= MIN_DERIVED_R {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra.max(rb)] = ra.min(rb);
                linked = true;
            }
        }
    }
    if !linked {
        return Ok(none);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..measures.len() {
        let g = root(&mut parent, i);
        groups.entry(g).or_default().push(i);
    }
    // The base of a group is its largest column (the total the parts are taken from);
    // ties go to the earlier column.
    let mut pairs = Vec::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let base = *members
            .iter()
            .max_by(|&&a, &&b| scale[a].total_cmp(&scale[b]).then(b.cmp(&a)))
            .expect("a group has members");
        pairs.extend(members.iter().filter(|&&m| m != base).map(|&m| (m, base)));
    }
    let mut fit = Vec::new();
    for (k, &(d, b)) in pairs.iter().enumerate() {
        let (xd, xb) = (x(measures[d]), x(measures[b]));
        fit.push(format!("REGR_SLOPE({xd}, {xb}) AS s{k}"));
        fit.push(format!("REGR_INTERCEPT({xd}, {xb}) AS i{k}"));
        fit.push(format!("CORR({xd}, {xb}) AS r{k}"));
    }
    let f = ctx
        .query(&format!("SELECT {} FROM data", fit.join(", ")))
        .await?;
    let relations: Vec<Relation> = pairs
        .iter()
        .enumerate()
        .filter_map(|(k, &(d, b))| {
            Some(Relation {
                column: measures[d],
                base: measures[b],
                slope: f.f64(0, &format!("s{k}")).filter(|v| v.is_finite())?,
                intercept: f.f64(0, &format!("i{k}")).filter(|v| v.is_finite())?,
                r: f.f64(0, &format!("r{k}")).unwrap_or(1.0),
                scale: scale[d],
            })
        })
        .collect();
    if relations.is_empty() {
        return Ok(none);
    }

    // A column on the same line as an earlier derived column is said to equal it.
    let mut sentences = Vec::new();
    let mut described = Vec::new();
    for (i, rel) in relations.iter().enumerate() {
        let twin = relations[..i]
            .iter()
            .find(|earlier| earlier.base.sql() == rel.base.sql() && earlier.same_as(rel));
        let (sentence, of, kind) = match twin {
            Some(t) => (
                format!(
                    "{} equals {}",
                    capitalise(&rel.column.column.name),
                    t.column.column.name
                ),
                &t.column.column.name,
                "equal",
            ),
            None => (rel.sentence(), &rel.base.column.name, rel.kind()),
        };
        sentences.push(sentence);
        described.push(json!({
            "column": rel.column.column.name,
            "of": of,
            "relation": kind,
            "slope": num(rel.slope),
            "intercept": num(rel.intercept),
            "r": num(rel.r),
        }));
    }
    let derived: Vec<String> = relations
        .iter()
        .map(|r| r.column.column.sql_name.clone())
        .collect();
    let first = &relations[0];
    let shown: Vec<&Relation> = relations
        .iter()
        .filter(|r| r.base.sql() == first.base.sql())
        .take(3)
        .collect();
    let y_keys: Vec<&str> = shown
        .iter()
        .map(|r| r.column.column.sql_name.as_str())
        .collect();
    let columns = std::iter::once(first.base.sql())
        .chain(shown.iter().map(|r| r.column.sql()))
        .collect::<Vec<_>>()
        .join(", ");
    let n = relations.len();
    let note = Insight {
        kind: InsightKind::DataStructure,
        title: format!(
            "{n} {} computed from other columns",
            if n == 1 { "column is" } else { "columns are" }
        ),
        explanation: format!(
            "{}. {} left out of the other findings, which would only repeat {}.",
            sentences.join("; "),
            if n == 1 { "It is" } else { "They are" },
            if n == 1 {
                "its base column"
            } else {
                "their base columns"
            }
        ),
        score: 0.3,
        numbers: json!({ "derived": described }),
        sql: format!(
            "SELECT {columns} FROM data WHERE {} IS NOT NULL",
            first.base.sql()
        ),
        chart: chart(
            ChartType::Scatter,
            &format!("Columns computed from {}", first.base.column.name),
            &first.base.column.sql_name,
            // A scatter draws one y column; the SQL carries the others for the table.
            &y_keys[..1],
        ),
        question: format!("{} compared with {}", first.base.column.name, {
            let names: Vec<&str> = shown
                .iter()
                .map(|r| r.column.column.name.as_str())
                .collect();
            names.join(" and ")
        }),
        result: None,
    };
    Ok(Structure {
        derived,
        note: Some(note),
    })
}
