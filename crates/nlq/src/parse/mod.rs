//! The semantic parser: tokens + lexicon + links + dates -> a structured [`Plan`] with a
//! confidence. Roles of linked columns come from the words around them.
//!
//! The pipeline is [`parse`]; each phase has its own module:
//! - `comparisons`: "more than 20", "between 1 and 5", bare numbers next to a column;
//! - `filters`: comparisons, dates and values found in the question become filters;
//! - `shape`: what the question asks for, how it groups and orders;
//! - `roles`: what each linked column is for (group, measure, entity, mention);
//! - the intents `count`, `aggregate`, `statistics` and `ranking`, run as the ordered
//!   `STEPS` until one finishes the plan;
//! - `rows`: questions about rows relative to other rows, a query of their own;
//! - `checks` and `confidence`: how sure the parser is (the factors are named in
//!   `confidence`).

use crate::catalog::Catalog;
use crate::error::Error;
use crate::lexicon::{DISTINCT_WORDS, LEXICON_PAIRS};
use crate::link::{link_all, Link, Target};
use crate::plan::Plan;
use crate::text::{tokenize, Token};
use crate::Context;

mod aggregate;
mod answer_column;
mod checks;
mod comparisons;
mod confidence;
mod count;
mod filters;
mod ranking;
mod roles;
mod rows;
mod shape;
mod statistics;

use checks::{sanity, unpicked_either};
use roles::Roles;
use shape::Shape;

/// A plan and how sure the parser is about it.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub plan: Plan,
    pub confidence: f32,
    /// Question words the parser could not explain.
    pub unexplained: Vec<String>,
    /// Phrase for each applied date range ("last quarter").
    pub notes: Vec<String>,
}

/// What each token was used for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Use {
    Free,
    Lexicon,
    Link(usize),
    Date(usize),
    Compare(usize),
}

struct State<'a> {
    toks: Vec<Token>,
    uses: Vec<Use>,
    /// What each link of `Use::Link(k)` points at.
    link_targets: Vec<Target>,
    cat: &'a Catalog<'a>,
    ctx: &'a Context,
    penalty: f32,
}

impl State<'_> {
    fn w(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.norm.as_str()).unwrap_or("")
    }
    fn claim(&mut self, s: usize, e: usize, u: Use) {
        for k in s..e.min(self.uses.len()) {
            self.uses[k] = u;
        }
    }
    fn free(&self) -> Vec<bool> {
        self.uses.iter().map(|u| *u == Use::Free).collect()
    }
}

/// What an intent step did with the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The plan is complete: no later step runs.
    Done,
    /// The plan is not finished (or the step did not apply): the next step runs.
    Continue,
}

/// One intent: reads the roles and the plan so far and fills in what it recognises.
type StepFn = fn(&mut State, &[Link], &Shape, &mut Plan, &mut Roles) -> Result<Step, Error>;

/// The intents, in the order they run; the first that finishes the plan ends the list.
/// The order matters: a correlation or a missing-value count replaces the measures the
/// count and aggregate steps chose, and ranking ranks by the measure they chose.
const STEPS: &[(&str, StepFn)] = &[
    ("superlative concept", ranking::concept),
    ("count", count::count),
    ("explicit aggregations", aggregate::explicit),
    ("implicit aggregation", aggregate::implicit),
    ("listed statistics", statistics::listed),
    ("correlation", statistics::correlation),
    ("missing values", statistics::missing),
    ("ranking", ranking::rank),
    ("grouping", aggregate::group),
];

/// Parse a question into a plan, or say why it cannot be grounded.
pub fn parse(question: &str, cat: &Catalog, ctx: &Context) -> Result<Parsed, Error> {
    let toks = tokenize(strip_enumerator(question));
    if toks.is_empty() {
        return Err(Error::EmptyQuestion);
    }
    let mut st = State {
        uses: vec![Use::Free; toks.len()],
        link_targets: Vec::new(),
        toks,
        cat,
        ctx,
        penalty: 1.0,
    };
    let mut plan = Plan::default();
    let mut notes = Vec::new();

    // 1. Fixed lexicon phrases that must never be read as column names.
    claim_lexicon(&mut st);
    // 2. Comparisons with numbers ("more than 20", "between 1000 and 2000").
    let mut comps = comparisons::comparisons(&mut st);
    // 3. Dates, only when the table has something to filter them on.
    let time_col = cat.time_column();
    let year_col = cat.year_column();
    let date_hits = filters::find_dates(&mut st, time_col, year_col);
    // 4. Columns and values.
    let mut links = link_all(&st.toks, &st.free(), cat);
    roles::drop_aggregation_words_linked_as_columns(&st, &mut links);
    for (k, l) in links.iter().enumerate() {
        st.claim(l.start, l.end, Use::Link(k));
    }
    roles::quoted_column_descriptions(&mut st, &links);
    st.link_targets = links.iter().map(|l| l.target.clone()).collect();
    tracing::debug!(?links, "parse: links");
    // A bare number right next to a column ("has 774 households") is an equality test.
    comparisons::bare_number_filters(&mut st, &links, &mut comps);
    comparisons::attach_comparisons(&st, &links, &mut comps);
    filters::comparison_filters(&mut st, &comps, &mut plan);

    filters::apply_dates(
        &mut st, &date_hits, time_col, year_col, &mut plan, &mut notes,
    );
    filters::value_filters(&st, &links, &mut plan);

    // Questions about rows relative to other rows are a whole query of their own.
    let row_query = rows::read(&mut st, &links, &mut plan);
    let shape = Shape::read(&st, &links);
    if let Some(rq) = row_query {
        plan.rows = Some(rq);
    } else {
        build(&mut st, &links, &shape, &mut plan)?;
        aggregate::first_rows(&st, &shape, &mut plan);
        sanity(&mut st, &mut plan);
    }
    filters::exclude_summary_rows(cat, &mut plan);
    if plan.rows.is_none() && unpicked_either(&st, &links, &plan) {
        // "which team scored more, A or B" answered without choosing between A and B.
        st.penalty *= confidence::UNPICKED_EITHER;
    }

    // Confidence: every content word should be explained by something.
    let (confidence, unexplained) = confidence::score(&mut st, &links, &shape, &mut plan);
    tracing::debug!(confidence, ?unexplained, "parse: confidence");
    Ok(Parsed {
        plan,
        confidence: confidence.clamp(0.0, 1.0),
        unexplained,
        notes,
    })
}

/// Roles of the linked columns, then the intent steps in order until one finishes the plan.
fn build(st: &mut State, links: &[Link], shape: &Shape, plan: &mut Plan) -> Result<(), Error> {
    let mut roles = Roles::read(st, links, shape, plan);
    for &(name, step) in STEPS {
        let outcome = step(st, links, shape, plan, &mut roles)?;
        tracing::trace!(step = name, ?outcome, "parse: step");
        if outcome == Step::Done {
            break;
        }
    }
    Ok(())
}

/// "1. What is ...", "Question 2: Are ..." -> the question itself.
fn strip_enumerator(q: &str) -> &str {
    let t = q.trim_start();
    let t = t
        .strip_prefix("Question")
        .or_else(|| t.strip_prefix("question"))
        .or_else(|| t.strip_prefix('Q'))
        .map(|r| r.trim_start())
        .unwrap_or(t);
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits <= 2 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(['.', ':', ')']) {
            if r.starts_with(' ') {
                return r.trim_start();
            }
        }
    }
    q
}

fn phrase(toks: &[Token], s: usize, e: usize) -> String {
    toks[s..e.min(toks.len())]
        .iter()
        .map(|t| t.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fixed lexicon phrases ("how many", "for each", "broken down") that must never be read
/// as column names.
fn claim_lexicon(st: &mut State) {
    let n = st.toks.len();
    for i in 0..n {
        let (a, b) = (st.w(i).to_string(), st.w(i + 1).to_string());
        let two = LEXICON_PAIRS.contains(&(a.as_str(), b.as_str()));
        if two {
            st.claim(i, i + 2, Use::Lexicon);
            // "how many times", "number of times": a row count, not a column named Time.
            if matches!(b.as_str(), "many" | "of") && st.w(i + 2) == "times" {
                st.claim(i + 2, i + 3, Use::Lexicon);
            }
        }
        if DISTINCT_WORDS.contains(&a.as_str()) {
            st.claim(i, i + 1, Use::Lexicon);
        }
    }
}

/// Tables and partial pipelines for the phase tests of the modules below.
#[cfg(test)]
mod testing {
    use super::comparisons::{self, Comparison};
    use super::roles::{self, Roles};
    use super::shape::Shape;
    use super::{claim_lexicon, filters, Error, State, Step, StepFn, Use, STEPS};
    use crate::catalog::Catalog;
    use crate::link::{link_all, Link};
    use crate::plan::Plan;
    use crate::text::tokenize;
    use crate::{Column, ColumnType, Context, Schema};
    use serde_json::json;

    fn text(name: &str, values: &[(&str, u64)]) -> Column {
        let mut c = Column::new(name, ColumnType::String);
        c.values = values.iter().map(|(v, n)| (v.to_string(), *n)).collect();
        c.distinct_count = Some(values.len() as u64);
        c
    }

    /// 0 order_date, 1 Region, 2 Product Category, 3 Payment, 4 Revenue, 5 units,
    /// 6 unit_price, 7 Customer Name.
    pub(super) fn sales() -> Schema {
        let mut date = Column::new("order_date", ColumnType::Date);
        date.min = Some(json!("2023-01-01"));
        date.max = Some(json!("2024-12-31"));
        Schema {
            table: "data".into(),
            row_count: 5000,
            columns: vec![
                date,
                text(
                    "Region",
                    &[("Europe", 2000), ("Asia", 1800), ("North America", 1200)],
                ),
                text(
                    "Product Category",
                    &[
                        ("Electronics", 2500),
                        ("Furniture", 1500),
                        ("Office Supplies", 1000),
                    ],
                ),
                text("Payment", &[("Cash", 2000), ("Credit card", 3000)]),
                Column::new("Revenue", ColumnType::Float),
                Column::new("units", ColumnType::Integer),
                Column::new("unit_price", ColumnType::Float),
                text("Customer Name", &[]),
            ],
        }
    }

    /// 0 date, 1 precipitation, 2 temp_max, 3 temp_min, 4 weather.
    pub(super) fn weather() -> Schema {
        let mut date = Column::new("date", ColumnType::Date);
        date.min = Some(json!("2012-01-01"));
        date.max = Some(json!("2015-12-31"));
        Schema {
            table: "data".into(),
            row_count: 1461,
            columns: vec![
                date,
                Column::new("precipitation", ColumnType::Float),
                Column::new("temp_max", ColumnType::Float),
                Column::new("temp_min", ColumnType::Float),
                text(
                    "weather",
                    &[("rain", 641), ("sun", 640), ("fog", 101), ("snow", 26)],
                ),
            ],
        }
    }

    pub(super) fn ctx() -> Context {
        Context {
            today: chrono::NaiveDate::from_ymd_opt(2024, 6, 15).unwrap(),
        }
    }

    /// Tokens with the fixed lexicon phrases claimed (phase 1).
    pub(super) fn state<'a>(q: &str, cat: &'a Catalog<'a>, ctx: &'a Context) -> State<'a> {
        let toks = tokenize(q);
        let mut st = State {
            uses: vec![Use::Free; toks.len()],
            link_targets: Vec::new(),
            toks,
            cat,
            ctx,
            penalty: 1.0,
        };
        claim_lexicon(&mut st);
        st
    }

    /// A question read as the pipeline reads it before rows, shape and roles: lexicon,
    /// comparisons, links and the filters they make (dates left out).
    pub(super) struct Reading<'a> {
        pub(super) st: State<'a>,
        pub(super) links: Vec<Link>,
        pub(super) comps: Vec<Comparison>,
        pub(super) plan: Plan,
    }

    impl<'a> Reading<'a> {
        pub(super) fn new(q: &str, cat: &'a Catalog<'a>, ctx: &'a Context) -> Reading<'a> {
            let mut st = state(q, cat, ctx);
            let mut comps = comparisons::comparisons(&mut st);
            let mut links = link_all(&st.toks, &st.free(), cat);
            roles::drop_aggregation_words_linked_as_columns(&st, &mut links);
            for (k, l) in links.iter().enumerate() {
                st.claim(l.start, l.end, Use::Link(k));
            }
            st.link_targets = links.iter().map(|l| l.target.clone()).collect();
            comparisons::bare_number_filters(&mut st, &links, &mut comps);
            comparisons::attach_comparisons(&st, &links, &mut comps);
            let mut plan = Plan::default();
            filters::comparison_filters(&mut st, &comps, &mut plan);
            filters::value_filters(&st, &links, &mut plan);
            Reading {
                st,
                links,
                comps,
                plan,
            }
        }

        pub(super) fn shape(&self) -> Shape {
            Shape::read(&self.st, &self.links)
        }

        pub(super) fn roles(&mut self, shape: &Shape) -> Roles {
            Roles::read(&mut self.st, &self.links, shape, &mut self.plan)
        }

        /// Run one step on roles read just now.
        pub(super) fn step(&mut self, step: StepFn) -> (Result<Step, Error>, Roles) {
            let shape = self.shape();
            let mut roles = self.roles(&shape);
            let out = step(
                &mut self.st,
                &self.links,
                &shape,
                &mut self.plan,
                &mut roles,
            );
            (out, roles)
        }

        /// Run the steps of [`STEPS`] before the one named `name`, then that one; the
        /// outcome of the named step.
        pub(super) fn run_to(&mut self, name: &str) -> Result<Step, Error> {
            let shape = self.shape();
            let mut roles = self.roles(&shape);
            for &(n, step) in STEPS {
                let out = step(
                    &mut self.st,
                    &self.links,
                    &shape,
                    &mut self.plan,
                    &mut roles,
                );
                if n == name {
                    return out;
                }
                assert_eq!(out, Ok(Step::Continue), "step {n} before {name}");
            }
            panic!("no step named {name}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{ctx, sales, Reading};
    use super::{parse, strip_enumerator, Error, Step, STEPS};
    use crate::catalog::Catalog;
    use crate::plan::{Agg, Dim, Measure};

    #[test]
    fn steps_run_intents_in_order_and_grouping_last() {
        let names: Vec<&str> = STEPS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "superlative concept",
                "count",
                "explicit aggregations",
                "implicit aggregation",
                "listed statistics",
                "correlation",
                "missing values",
                "ranking",
                "grouping",
            ]
        );
    }

    #[test]
    fn a_finished_step_ends_the_list() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        // The correlation step finishes: grouping never runs, so no order is set.
        let p = parse("correlation between revenue and units", &cat, &ctx).unwrap();
        assert_eq!(p.plan.correlation, Some((4, 5)));
        assert!(p.plan.measures.is_empty() && p.plan.order.is_none());
        // Nothing finishes early: grouping does, and counts rows per group.
        let mut r = Reading::new("how many orders by region", &cat, &ctx);
        assert_eq!(r.run_to("grouping"), Ok(Step::Done));
        assert_eq!(r.plan.dims, [Dim::Column(1)]);
        assert_eq!(
            r.plan.measures,
            [Measure {
                agg: Agg::Count,
                column: None
            }]
        );
    }

    #[test]
    fn errors_come_from_the_phase_that_gives_up() {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let err = |q: &str| parse(q, &cat, &ctx).err();
        assert_eq!(err("   "), Some(Error::EmptyQuestion));
        assert_eq!(
            err("what is the coldest day"),
            Some(Error::SuperlativeColumn)
        );
        assert_eq!(
            err("correlation of revenue"),
            Some(Error::CorrelationColumns)
        );
        assert_eq!(err("total revenue by region"), None);
    }

    #[test]
    fn enumerators_are_stripped() {
        assert_eq!(strip_enumerator("1. What is X"), "What is X");
        assert_eq!(strip_enumerator("Question 2: Are Y"), "Are Y");
        assert_eq!(strip_enumerator("2024. was good"), "2024. was good");
    }
}
