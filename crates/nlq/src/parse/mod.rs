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
        let two = matches!(
            (a.as_str(), b.as_str()),
            ("how", "many")
                | ("how", "much")
                | ("number", "of")
                | ("count", "of")
                | ("over", "time")
                | ("most", "common")
                | ("most", "frequent")
                | ("least", "common")
                | ("for", "each")
                | ("of", "each")
                | ("broken", "down")
                | ("how", "often")
        );
        if two {
            st.claim(i, i + 2, Use::Lexicon);
            // "how many times", "number of times": a row count, not a column named Time.
            if matches!(b.as_str(), "many" | "of") && st.w(i + 2) == "times" {
                st.claim(i + 2, i + 3, Use::Lexicon);
            }
        }
        if matches!(a.as_str(), "distinct" | "unique" | "different") {
            st.claim(i, i + 1, Use::Lexicon);
        }
    }
}
