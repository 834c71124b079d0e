//! The semantic parser: tokens + lexicon + links + dates -> a structured [`Plan`] with a
//! confidence. Roles of linked columns come from the words around them.

use crate::catalog::{Catalog, Role};
use crate::dates::{self, DateHit};
use crate::lexicon::{
    agg_word, grain_word, is_group_word, is_stopword, superlative_concept, UNITS,
};
use crate::link::{link_all, Link, Target};
use crate::plan::{Agg, DateRange, Dim, Filter, Grain, Lit, Measure, Op, Order, OrderKey, Plan};
use crate::text::{tokenize, Kind, Token};
use crate::{Context, DataType};
use chrono::Datelike;

mod answer_column;
mod checks;
mod rows;

use answer_column::{asked_noun, label_column, names_people, person_column, total_column};
use checks::{counts_a_quantity, is_past_verb, sanity, unpicked_either};

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

#[derive(Debug, Clone)]
struct Comparison {
    start: usize,
    end: usize,
    op: Op,
    values: Vec<f64>,
    column: Option<usize>,
    /// Attached to the only numeric column in the question, not one named next to it.
    guessed: bool,
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

/// Words that ask about order between rows, differences or exclusions.
const HARD: &[&str] = &[
    "consecutive",
    "previous",
    "preceding",
    "next",
    "following",
    "after",
    "before",
    "above",
    "below",
    "same",
    "difference",
    "differ",
    "than",
    "besides",
    "except",
    "another",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "streak",
    "earlier",
    "later",
    "respectively",
    "first",
    "last",
    "prior",
    "behind",
    "ahead",
    "between",
    "previously",
    "again",
    "consecutively",
];

const FILLER: &[&str] = &[
    "not",
    "no",
    "more",
    "less",
    "most",
    "least",
    "top",
    "bottom",
    "first",
    "last",
    "highest",
    "lowest",
    "largest",
    "smallest",
    "common",
    "frequent",
    "popular",
    "often",
    "distinct",
    "unique",
    "different",
    "trend",
    "breakdown",
    "broken",
    "down",
    "compare",
    "versus",
    "vs",
    "along",
    "including",
    "included",
    "based",
    "sold",
    "bought",
    "paid",
    "live",
    "lived",
    "made",
    "took",
    "place",
    "occurred",
    "happened",
    "total",
    "did",
    "does",
    "ever",
    "single",
    "within",
    // "Is there a correlation ...? If yes, what is it?": the answer covers both.
    "if",
    "yes",
    "so",
    // Relations between rows and the values named ("played against X", "during 1990").
    "against",
    "during",
    // "according to this table".
    "according",
];

/// Parse a question into a plan, or say why it cannot be grounded.
pub fn parse(question: &str, cat: &Catalog, ctx: &Context) -> Result<Parsed, String> {
    let toks = tokenize(strip_enumerator(question));
    if toks.is_empty() {
        return Err("The question is empty.".into());
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
    let mut comps = comparisons(&mut st);
    // 3. Dates, only when the table has something to filter them on.
    let time_col = cat.time_column();
    let year_col = cat.year_column();
    let date_hits = if time_col.is_some() || year_col.is_some() {
        let data_year = time_col
            .and_then(|c| json_year(&cat.col(c).max))
            .or_else(|| year_col.and_then(|c| cat.col(c).max.as_ref()?.as_f64().map(|v| v as i32)))
            .unwrap_or(st.ctx.today.year());
        let h = dates::find(&st.toks, &st.free(), st.ctx.today, data_year);
        for (k, d) in h.iter().enumerate() {
            st.claim(d.start, d.end, Use::Date(k));
        }
        h
    } else {
        Vec::new()
    };
    // 4. Columns and values.
    let mut links = link_all(&st.toks, &st.free(), cat);
    drop_aggregation_words_linked_as_columns(&st, &mut links);
    for (k, l) in links.iter().enumerate() {
        st.claim(l.start, l.end, Use::Link(k));
    }
    quoted_column_descriptions(&mut st, &links);
    st.link_targets = links.iter().map(|l| l.target.clone()).collect();
    if std::env::var_os("NLQ_DEBUG").is_some() {
        eprintln!("links: {links:?}");
    }
    // A bare number right next to a column ("has 774 households") is an equality test.
    bare_number_filters(&mut st, &links, &mut comps);
    attach_comparisons(&st, &links, &mut comps);

    for c in &comps {
        if c.guessed {
            st.penalty *= 0.7;
        }
        let Some(col) = c.column else {
            st.penalty *= 0.3;
            continue;
        };
        let ty = cat.col(col).data_type;
        if ty.is_temporal() {
            // A number compared with a date column means a year.
            let years: Vec<Lit> = c
                .values
                .iter()
                .map(|y| Lit::Date(chrono::NaiveDate::from_ymd_opt(*y as i32, 1, 1).unwrap()))
                .collect();
            plan.filters.push(Filter {
                column: col,
                op: c.op,
                values: years,
                phrase: phrase(&st.toks, c.start, c.end),
            });
            continue;
        }
        plan.filters.push(Filter {
            column: col,
            op: c.op,
            values: c.values.iter().map(|v| Lit::Num(*v)).collect(),
            phrase: phrase(&st.toks, c.start, c.end),
        });
    }

    apply_dates(
        &mut st, &date_hits, time_col, year_col, &mut plan, &mut notes,
    );
    value_filters(&st, &links, &mut plan);

    // Questions about rows relative to other rows are a whole query of their own.
    let row_query = rows::read(&mut st, &links, &mut plan);
    let shape = Shape::read(&st, &links);
    if let Some(rq) = row_query {
        plan.rows = Some(rq);
    } else {
        build(&mut st, &links, &shape, &mut plan)?;
        first_rows(&st, &shape, &mut plan);
        sanity(&mut st, &mut plan);
    }
    exclude_summary_rows(cat, &mut plan);
    if plan.rows.is_none() && unpicked_either(&st, &links, &plan) {
        // "which team scored more, A or B" answered without choosing between A and B.
        st.penalty *= 0.3;
    }

    // Confidence: every content word should be explained by something.
    let mut unexplained = Vec::new();
    for (i, t) in st.toks.iter().enumerate() {
        if st.uses[i] != Use::Free {
            continue;
        }
        let top_word =
            shape.top.is_some_and(|(k, _, _)| k == i || k + 1 == i) || shape.time_order == Some(i);
        // The words that asked for a correlation are explained by it.
        let correlation_word = plan.correlation.is_some()
            && (t.stem.starts_with("correl")
                || t.stem.starts_with("coeffici")
                || matches!(t.norm.as_str(), "between" | "relationship"));
        if correlation_word {
            continue;
        }
        if HARD.contains(&t.norm.as_str()) && !top_word {
            // Order, sequence and comparison between rows: beyond what the plan expresses.
            st.penalty *= 0.35;
            unexplained.push(t.raw.clone());
            continue;
        }
        if matches!(t.kind, Kind::Number { .. } | Kind::Quoted) && !top_word {
            // A number or quoted text that constrains nothing is a constraint we dropped.
            st.penalty *= 0.45;
            unexplained.push(t.raw.clone());
            continue;
        }
        if t.kind != Kind::Word {
            continue;
        }
        if is_stopword(&t.norm)
            || FILLER.contains(&t.norm.as_str())
            || UNITS.contains(&t.norm.as_str())
            || shape.entity_word == Some(i)
        {
            continue;
        }
        if agg_word(&t.norm).is_some() || grain_word(&t.norm).is_some() {
            continue;
        }
        unexplained.push(t.raw.clone());
    }
    let mut confidence = st.penalty;
    // Questions pinned to a value found in the question ("how many games were aired on
    // NBC", "who completed the race in the same time as X"): a verb saying how the rows
    // relate to the value changes little.
    let counts_value = links.iter().any(|l| matches!(l.target, Target::Value(..)))
        || plan.date_range.is_some()
        || plan
            .filters
            .iter()
            .any(|f| f.phrase != SUMMARY_PHRASE && !f.phrase.is_empty());
    for w in &unexplained {
        if !HARD.contains(&w.to_lowercase().as_str()) && w.chars().any(|c| c.is_alphabetic()) {
            confidence *= if counts_value && is_past_verb(&w.to_lowercase()) {
                0.85
            } else {
                0.7
            };
        }
    }
    // Counting rows after pinning a near-unique column ("how many medals did Norway win")
    // answers 1: the question meant a value of that row, which we did not find.
    let count_rows = plan.measures.len() == 1 && plan.measures[0].agg == Agg::Count;
    let count_distinct = match plan.measures.as_slice() {
        [Measure {
            agg: Agg::CountDistinct,
            column: Some(c),
        }] => Some(*c),
        _ => None,
    };
    if (count_rows || count_distinct.is_some()) && plan.dims.is_empty() && cat.schema.row_count > 5
    {
        let pinned = plan.filters.iter().any(|f| {
            f.op == Op::Eq
                && f.values.iter().all(|v| match v {
                    Lit::Str(text) => cat.columns[f.column]
                        .values
                        .iter()
                        .any(|e| e.text == *text && e.count == 1),
                    _ => false,
                })
        });
        let total = total_column(cat);
        let numeric_named: Vec<usize> = links
            .iter()
            .filter_map(|l| match l.target {
                Target::Column(c) if cat.col(c).data_type.is_numeric() && Some(c) != total => {
                    Some(c)
                }
                _ => None,
            })
            .collect();
        let named_numeric = !numeric_named.is_empty();
        match total {
            // "the number of cylinders the Standard 8 has": that row's value of the column.
            _ if pinned && count_distinct.is_some() => {
                plan.measures.clear();
                plan.select = count_distinct.into_iter().collect();
            }
            _ if count_distinct.is_some() => {}
            // "how many in-favour votes did Rutgers give": the one numeric column named.
            _ if pinned && numeric_named.len() == 1 => {
                plan.measures = vec![Measure {
                    agg: Agg::Sum,
                    column: Some(numeric_named[0]),
                }];
            }
            // "how many medals did Norway win": the table keeps that count in its Total column.
            Some(t) if pinned && !named_numeric => {
                plan.measures = vec![Measure {
                    agg: Agg::Sum,
                    column: Some(t),
                }];
            }
            _ if pinned => confidence *= 0.3,
            _ => {}
        }
    }
    if counts_a_quantity(&st, &shape, &plan) {
        // "how many points did they score": points are a number in a cell, not rows.
        confidence *= 0.4;
    }
    for l in &links {
        if l.fuzzy {
            confidence *= 0.92;
        }
    }
    Ok(Parsed {
        plan,
        confidence: confidence.clamp(0.0, 1.0),
        unexplained,
        notes,
    })
}

/// "the average losses of the first three on the list": an aggregate over the first (or
/// last) n rows as listed, not a ranking.
fn first_rows(st: &State, shape: &Shape, plan: &mut Plan) {
    let Some((i, n, _)) = shape.top else { return };
    let last = match st.w(i) {
        "first" => false,
        "last" => true,
        _ => return,
    };
    let aggregate = !plan.measures.is_empty()
        && plan.dims.iter().all(|d| matches!(d, Dim::Column(_)))
        && plan.select.is_empty();
    if aggregate && n > 1 {
        plan.head = Some((n, last));
        plan.dims.clear();
        plan.limit = None;
        plan.order = None;
        plan.with_ties = false;
    }
}

const SUMMARY_PHRASE: &str = "(summary row excluded)";

/// Spreadsheet tables often carry a "Total" row; it must not be counted or ranked.
fn exclude_summary_rows(cat: &Catalog, plan: &mut Plan) {
    for c in &cat.columns {
        if plan.filters.iter().any(|f| f.column == c.index) {
            continue;
        }
        for v in &c.values {
            let t = v.text.trim().to_lowercase();
            let summary = matches!(t.as_str(), "total" | "totals" | "grand total" | "overall")
                || (v.count == 1 && (t.starts_with("total ") || t.ends_with(" total")));
            if summary && v.count == 1 {
                plan.filters.push(Filter {
                    column: c.index,
                    op: Op::Ne,
                    values: vec![Lit::Str(v.text.clone())],
                    phrase: SUMMARY_PHRASE.into(),
                });
            }
        }
    }
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

fn json_year(v: &Option<serde_json::Value>) -> Option<i32> {
    let s = v.as_ref()?.as_str()?;
    s.get(..4)?.parse().ok()
}

fn phrase(toks: &[Token], s: usize, e: usize) -> String {
    toks[s..e.min(toks.len())]
        .iter()
        .map(|t| t.raw.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

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

/// "more than 20", "at least 5", "between 1000 and 2000", "5 or more", "not above 3".
fn comparisons(st: &mut State) -> Vec<Comparison> {
    let mut out = Vec::new();
    let n = st.toks.len();
    let mut i = 0;
    while i < n {
        let w = st.w(i).to_string();
        let w2 = st.w(i + 1).to_string();
        let (op, len) = match (w.as_str(), w2.as_str()) {
            ("more" | "greater" | "higher" | "larger" | "bigger" | "longer" | "older", "than") => {
                (Some(Op::Gt), 2)
            }
            ("less" | "fewer" | "lower" | "smaller" | "shorter" | "younger", "than") => {
                (Some(Op::Lt), 2)
            }
            ("at", "least") | ("no", "less") | ("minimum", "of") => (Some(Op::Ge), 2),
            ("at", "most") | ("no", "more") | ("maximum", "of") => (Some(Op::Le), 2),
            ("over" | "above" | "exceeding" | "exceeds" | "exceed" | "beyond", _) => {
                (Some(Op::Gt), 1)
            }
            ("under" | "below", _) => (Some(Op::Lt), 1),
            ("equal", "to") | ("equals", _) | ("exactly", _) => {
                (Some(Op::Eq), if w == "equal" { 2 } else { 1 })
            }
            ("between", _) => (Some(Op::Between), 1),
            _ => (None, 0),
        };
        let Some(mut op) = op else {
            i += 1;
            continue;
        };
        // "no less than" / "no more than"
        let mut j = i + len;
        if matches!(w.as_str(), "no") && st.w(j) == "than" {
            j += 1;
        }
        let negated = i > 0 && st.w(i - 1) == "not";
        let Some(v1) = st.toks.get(j).and_then(num_for_compare) else {
            i += 1;
            continue;
        };
        let mut values = vec![v1];
        let mut end = j + 1;
        if op == Op::Between {
            if st.w(end) == "and" || st.w(end) == "to" {
                if let Some(v2) = st.toks.get(end + 1).and_then(num_for_compare) {
                    values.push(v2);
                    end += 2;
                }
            }
            if values.len() != 2 {
                i += 1;
                continue;
            }
        }
        if negated {
            op = match op {
                Op::Gt => Op::Le,
                Op::Lt => Op::Ge,
                Op::Ge => Op::Lt,
                Op::Le => Op::Gt,
                o => o,
            };
        }
        let start = if negated { i - 1 } else { i };
        st.claim(start, end, Use::Compare(out.len()));
        out.push(Comparison {
            start,
            end,
            op,
            values,
            column: None,
            guessed: false,
        });
        i = end;
    }
    // Postfix forms: "5 or more", "10 or less".
    for i in 0..n.saturating_sub(2) {
        if st.uses[i] != Use::Free || st.w(i + 1) != "or" {
            continue;
        }
        let op = match st.w(i + 2) {
            "more" | "greater" | "higher" | "above" => Op::Ge,
            "less" | "fewer" | "lower" | "below" => Op::Le,
            _ => continue,
        };
        if let Some(v) = st.toks.get(i).and_then(num_for_compare) {
            st.claim(i, i + 3, Use::Compare(out.len()));
            out.push(Comparison {
                start: i,
                end: i + 3,
                op,
                values: vec![v],
                column: None,
                guessed: false,
            });
        }
    }
    out
}

fn num_for_compare(t: &Token) -> Option<f64> {
    match t.kind {
        Kind::Number {
            value,
            ordinal: false,
            ..
        } => Some(value),
        _ => None,
    }
}

/// `the "compound" sentiment score column`: words between a quoted column name and the
/// word "column" describe that column; they ask for nothing more.
fn quoted_column_descriptions(st: &mut State, links: &[Link]) {
    for l in links {
        if !matches!(l.target, Target::Column(_)) || st.toks[l.start].kind != Kind::Quoted {
            continue;
        }
        let end = (l.end..st.toks.len().min(l.end + 4))
            .find(|&k| matches!(st.w(k), "column" | "field" | "variable" | "feature"));
        if let Some(end) = end {
            if (l.end..end).all(|k| st.uses[k] == Use::Free) {
                st.claim(l.end, end + 1, Use::Lexicon);
            }
        }
    }
}

/// "total sales" should read as SUM(sales) when "total" alone linked to a column named
/// "Total" and the next words name another column.
fn drop_aggregation_words_linked_as_columns(st: &State, links: &mut Vec<Link>) {
    let snapshot = links.clone();
    links.retain(|l| {
        if l.end - l.start != 1 || agg_word(st.w(l.start)).is_none() {
            return true;
        }
        let Target::Column(c) = l.target else {
            return true;
        };
        let next = snapshot.iter().find(|m| m.start == l.end);
        !matches!(next, Some(m) if matches!(m.target, Target::Column(d) if d != c))
    });
}

fn bare_number_filters(st: &mut State, links: &[Link], comps: &mut Vec<Comparison>) {
    // "had no gold medals": a numeric column equal to zero.
    for l in links {
        let Target::Column(c) = l.target else {
            continue;
        };
        if l.start == 0 || !st.cat.col(c).data_type.is_numeric() {
            continue;
        }
        let k = l.start - 1;
        if st.uses[k] == Use::Free && matches!(st.w(k), "no" | "zero") {
            st.claim(k, k + 1, Use::Compare(comps.len()));
            comps.push(Comparison {
                start: k,
                end: l.end,
                op: Op::Eq,
                values: vec![0.0],
                column: Some(c),
                guessed: false,
            });
        }
    }
    for i in 0..st.toks.len() {
        if st.uses[i] != Use::Free {
            continue;
        }
        let Some(v) = st.toks[i].number() else {
            continue;
        };
        if matches!(st.toks[i].kind, Kind::Number { digits: false, .. }) {
            continue;
        }
        if i > 0 && matches!(st.w(i - 1), "top" | "bottom" | "first" | "last") {
            continue;
        }
        // Column named just before ("rating of 5", "with 774 households").
        // Column named just after ("8 episodes", "12 in composition", "14 for color").
        let after = links.iter().find(|l| {
            l.start == i + 1 || (l.start == i + 2 && matches!(st.w(i + 1), "in" | "for"))
        });
        let before = links.iter().find(|l| {
            l.end == i || (l.end + 1 == i && matches!(st.w(i - 1), "of" | "is" | "was" | "="))
        });
        let col = [after, before]
            .into_iter()
            .flatten()
            .find_map(|l| match l.target {
                Target::Column(c) if st.cat.col(c).data_type.is_numeric() => Some(c),
                _ => None,
            });
        if let Some(c) = col {
            st.claim(i, i + 1, Use::Compare(comps.len()));
            comps.push(Comparison {
                start: i,
                end: i + 1,
                op: Op::Eq,
                values: vec![v],
                column: Some(c),
                guessed: false,
            });
        }
    }
}

/// Give each comparison the column it talks about: named just before the comparison
/// ("a total above 1000") or just after the number ("over 2 carats", "20 mm of rain").
fn attach_comparisons(st: &State, links: &[Link], comps: &mut [Comparison]) {
    let numeric = |l: &Link| match l.target {
        Target::Column(c)
            if st.cat.col(c).data_type.is_numeric() || st.cat.col(c).data_type.is_temporal() =>
        {
            Some(c)
        }
        _ => None,
    };
    for c in comps.iter_mut() {
        if c.column.is_some() {
            continue;
        }
        let after = links
            .iter()
            .filter(|l| l.start >= c.end && l.start <= c.end + 3)
            .filter(|l| {
                (c.end..l.start).all(|k| {
                    st.uses[k] == Use::Free && !matches!(st.w(k), "and" | "or" | "by" | "per")
                })
            })
            .find_map(numeric);
        let before = links
            .iter()
            .rev()
            .filter(|l| l.end <= c.start && l.end + 3 >= c.start)
            .filter(|l| (l.end..c.start).all(|k| st.uses[k] == Use::Free))
            .find_map(numeric);
        c.column = after.or(before).or_else(|| {
            // Only one numeric column named anywhere: probably the one compared.
            let mut nums = links.iter().filter_map(numeric);
            let first = nums.next();
            if nums.next().is_none() && first.is_some() {
                c.guessed = true;
                first
            } else {
                None
            }
        });
    }
}

fn apply_dates(
    st: &mut State,
    hits: &[DateHit],
    time_col: Option<usize>,
    year_col: Option<usize>,
    plan: &mut Plan,
    notes: &mut Vec<String>,
) {
    let Some(h) = hits.first() else { return };
    // Several phrases: take the widest span of them all ("from 2013 to 2014" is one already).
    let from = hits.iter().map(|h| h.from).min().unwrap_or(h.from);
    let to = hits.iter().map(|h| h.to).max().unwrap_or(h.to);
    let phrase = hits
        .iter()
        .map(|h| h.phrase.clone())
        .collect::<Vec<_>>()
        .join(", ");
    if hits.len() > 1 {
        st.penalty *= 0.8;
    }
    if let Some(c) = time_col {
        notes.push(format!("{phrase} = {from} .. {to}"));
        plan.date_range = Some(DateRange {
            column: c,
            phrase,
            start: from,
            end: to,
        });
    } else if let Some(c) = year_col {
        if !hits.iter().all(|h| h.whole_years) {
            st.penalty *= 0.3;
            return;
        }
        let (a, b) = (from.year() as f64, to.year() as f64);
        let (op, values) = if a == b {
            (Op::Eq, vec![Lit::Num(a)])
        } else if to.year() >= 9999 {
            (Op::Ge, vec![Lit::Num(a)])
        } else if from.year() <= 1 {
            (Op::Le, vec![Lit::Num(b)])
        } else {
            (Op::Between, vec![Lit::Num(a), Lit::Num(b)])
        };
        plan.filters.push(Filter {
            column: c,
            op,
            values,
            phrase,
        });
    }
}

/// Values found in the question become equality filters (several of one column: IN).
fn value_filters(st: &State, links: &[Link], plan: &mut Plan) {
    let mut by_col: Vec<(usize, Vec<String>, String, bool)> = Vec::new();
    for l in links {
        if let Target::Value(c, v) = &l.target {
            let negated = l.start > 0
                && matches!(
                    st.w(l.start - 1),
                    "not" | "non" | "except" | "excluding" | "besides" | "other"
                );
            match by_col
                .iter_mut()
                .find(|(cc, _, _, n)| cc == c && *n == negated)
            {
                Some(e) => e.1.push(v.clone()),
                None => by_col.push((
                    *c,
                    vec![v.clone()],
                    phrase(&st.toks, l.start, l.end),
                    negated,
                )),
            }
        }
    }
    for (c, vals, ph, negated) in by_col {
        let lits: Vec<Lit> = vals.iter().map(|v| typed_value(st, c, v)).collect();
        let op = match (lits.len(), negated) {
            (1, false) => Op::Eq,
            (1, true) => Op::Ne,
            _ => Op::In,
        };
        plan.filters.push(Filter {
            column: c,
            op,
            values: lits,
            phrase: ph,
        });
    }
}

fn typed_value(st: &State, c: usize, v: &str) -> Lit {
    match st.cat.col(c).data_type {
        DataType::Integer | DataType::Float => {
            v.parse().map(Lit::Num).unwrap_or(Lit::Str(v.to_string()))
        }
        DataType::Boolean => Lit::Bool(v.eq_ignore_ascii_case("true")),
        _ => Lit::Str(v.to_string()),
    }
}

/// The question's shape: what is asked for, how it is grouped and ordered.
#[derive(Debug, Default)]
struct Shape {
    count: bool,
    distinct: bool,
    /// Explicit aggregation and the token it sits on.
    aggs: Vec<(usize, Agg)>,
    /// Superlative direction and where ("highest", "most", "coldest").
    superlative: Option<(usize, bool)>,
    /// Concept of a superlative adjective ("coldest" -> temperature).
    concept: Option<(&'static [&'static str], bool)>,
    most_common: Option<bool>,
    top: Option<(usize, u64, bool)>,
    grain: Option<Grain>,
    asks_entity: bool,
    /// The noun a count or superlative is about when it names no column ("penguins").
    entity_word: Option<usize>,
    rate: bool,
    /// "who scored more points, A or B": a comparison between named rows.
    comparative: Option<bool>,
    /// Token of "first"/"last" read as order in time.
    time_order: Option<usize>,
}

const TIME_WORDS: &[&str] = &[
    "date",
    "year",
    "season",
    "time",
    "day",
    "founded",
    "established",
];

impl Shape {
    fn read(st: &State, links: &[Link]) -> Shape {
        let mut s = Shape::default();
        let n = st.toks.len();
        let linked = |i: usize| matches!(st.uses.get(i), Some(Use::Link(_)));
        for i in 0..n {
            let w = st.w(i);
            let free = st.uses[i] == Use::Free || st.uses[i] == Use::Lexicon;
            match w {
                "how" if matches!(st.w(i + 1), "many" | "often") => {
                    s.count = true;
                    s.entity_word = next_entity(st, i + 2);
                }
                "how" if st.w(i + 1) == "much" => {}
                "number" if st.w(i + 1) == "of" && free => {
                    s.count = true;
                    s.entity_word = next_entity(st, i + 2);
                }
                "count" if free => {
                    s.count = true;
                    s.entity_word = next_entity(st, i + 1);
                }
                "distinct" | "unique" | "different" => s.distinct = true,
                "which" | "what" | "who" | "whose" | "name" | "list" | "when" | "where" => {
                    s.asks_entity = true
                }
                "rate" | "percentage" | "proportion" | "share" | "ratio" if free => s.rate = true,
                "common" | "frequent" | "popular" | "often" | "frequently"
                    if i > 0 && matches!(st.w(i - 1), "most" | "least") =>
                {
                    s.most_common = Some(st.w(i - 1) == "most");
                }
                // "which month is listed the least", "appears most often".
                "most" | "least"
                    if i > 1
                        && matches!(
                            st.w(i - 1),
                            "the" | "listed" | "appears" | "appear" | "occurs" | "mentioned"
                        )
                        && matches!(
                            st.w(i - 2),
                            "listed" | "appears" | "appear" | "occurs" | "mentioned" | "is" | "was"
                        )
                        // "what is the most wins" names what is maximized.
                        && !linked(i + 1) =>
                {
                    s.most_common = Some(w == "most");
                }
                "more" | "higher" | "greater" | "larger" | "bigger" | "better" | "longer"
                    if st.w(i + 1) != "than" =>
                {
                    s.comparative = Some(true);
                }
                "less" | "fewer" | "lower" | "smaller" | "worse" | "shorter"
                    if st.w(i + 1) != "than" =>
                {
                    s.comparative = Some(false);
                }
                _ => {}
            }
            if !free {
                continue;
            }
            if let Some(g) = grain_word(w).and_then(Grain::parse) {
                let prev = if i > 0 { st.w(i - 1) } else { "" };
                let adjective = matches!(
                    w,
                    "daily" | "weekly" | "monthly" | "quarterly" | "yearly" | "annual" | "annually"
                );
                let grouped = is_group_word(prev)
                    || matches!(prev, "the" | "every") && i > 1 && is_group_word(st.w(i - 2));
                if adjective
                    || grouped
                    || (w == "years" && prev == "the" && st.w(i.saturating_sub(2)) == "over")
                {
                    s.grain = Some(g);
                }
            }
            if w == "time" && i > 0 && st.w(i - 1) == "over" || w == "trend" {
                s.grain = s.grain.or(Some(Grain::Month));
            }
            // "top 5", "bottom 3", "5 highest", "first 10".
            if matches!(
                w,
                "top" | "bottom" | "first" | "last" | "highest" | "lowest" | "best" | "worst"
            ) {
                if let Some(k) = st.toks.get(i + 1).and_then(|t| t.number()) {
                    let desc = matches!(w, "top" | "first" | "highest" | "best");
                    s.top = Some((i, k.max(1.0) as u64, desc));
                    continue;
                }
            }
            if let Some(k) = st.toks[i].number() {
                if matches!(
                    st.w(i + 1),
                    "highest" | "largest" | "lowest" | "smallest" | "biggest" | "most" | "least"
                ) && i > 0
                    && st.w(i - 1) != "than"
                {
                    let desc = matches!(st.w(i + 1), "highest" | "largest" | "biggest" | "most");
                    s.top = Some((i, k.max(1.0) as u64, desc));
                }
            }
            if let Some(concept) = superlative_concept(w) {
                s.concept = Some(concept);
                s.superlative = Some((i, concept.1));
                continue;
            }
            // "the last season", "the first game", "earliest film": order by the table's time.
            let has_time = st.cat.time_column().is_some() || st.cat.year_column().is_some();
            let chrono = matches!(
                w,
                "first" | "last" | "earliest" | "latest" | "newest" | "recent"
            );
            if chrono && has_time && s.top.is_none_or(|t| t.0 != i) && s.concept.is_none() {
                let desc = matches!(w, "last" | "latest" | "newest" | "recent");
                s.concept = Some((TIME_WORDS, desc));
                s.superlative = Some((i, desc));
                s.time_order = Some(i);
                continue;
            }
            if let Some(a) = agg_word(w) {
                // "top" alone means the maximum; "most"/"least" are handled below.
                if matches!(a, Agg::Max | Agg::Min) {
                    s.superlative = s.superlative.or(Some((i, a == Agg::Max)));
                }
                s.aggs.push((i, a));
            }
            if matches!(w, "most" | "least" | "fewest") && s.most_common.is_none() {
                let desc = w == "most";
                s.superlative = s.superlative.or(Some((i, desc)));
                if !linked(i + 1) && st.toks.get(i + 1).is_some_and(|t| t.kind == Kind::Word) {
                    // "the most penguins": a count of the entity.
                    let nxt = next_entity(st, i + 1);
                    if nxt.is_some() && superlative_concept(st.w(i + 1)).is_none() {
                        s.entity_word = nxt;
                        s.most_common = Some(desc);
                    } else if let Some(c) = superlative_concept(st.w(i + 1)) {
                        s.concept = Some((c.0, if desc { c.1 } else { !c.1 }));
                        s.superlative = Some((i, if desc { c.1 } else { !c.1 }));
                    }
                }
            }
        }
        let _ = links;
        s
    }
}

/// The next free content word (the thing counted: "penguins", "invoices").
fn next_entity(st: &State, from: usize) -> Option<usize> {
    // "how many times was the game aired": the rows counted are named after the verb.
    let from = if st.w(from) == "times" {
        from + 1
    } else {
        from
    };
    (from..st.toks.len().min(from + 3)).find(|&k| {
        st.uses[k] == Use::Free
            && st.toks[k].kind == Kind::Word
            && !is_stopword(st.w(k))
            && !matches!(st.w(k), "distinct" | "unique" | "different" | "total")
    })
}

/// Role words before a link: group marker, aggregation, interrogative.
fn preceded_by(st: &State, start: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
    let mut k = start;
    let mut hops = 0;
    while k > 0 && hops < 4 {
        k -= 1;
        let w = st.w(k);
        if pred(w) {
            return Some(k);
        }
        if !(matches!(
            w,
            "the"
                | "a"
                | "an"
                | "of"
                | "each"
                | "every"
                | "for"
                | "all"
                | "is"
                | "was"
                | "are"
                | "were"
                | "only"
        ) || matches!(st.uses[k], Use::Lexicon))
        {
            return None;
        }
        hops += 1;
    }
    None
}

fn build(st: &mut State, links: &[Link], shape: &Shape, plan: &mut Plan) -> Result<(), String> {
    let cat = st.cat;
    let col_links: Vec<(usize, &Link)> = links
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.target, Target::Column(_)))
        .collect();
    let filtered_cols: Vec<usize> = plan.filters.iter().map(|f| f.column).collect();

    let mut dims: Vec<Dim> = Vec::new();
    let mut measures: Vec<(usize, Option<Agg>)> = Vec::new(); // (column, explicit agg)
    let mut entity: Option<usize> = None;
    let mut mentions: Vec<usize> = Vec::new();
    let mut by_measure: Option<usize> = None;
    let mut last_was_dim = false;

    for &(_, l) in &col_links {
        let Target::Column(c) = l.target else {
            continue;
        };
        let mut c = c;
        if !l.ties.is_empty() {
            // Resolve ties with the question's direction ("highest temperature" -> temp_max).
            let dir = shape.superlative.map(|s| s.1).or_else(|| {
                shape.aggs.iter().find_map(|(_, a)| match a {
                    Agg::Max => Some(true),
                    Agg::Min => Some(false),
                    _ => None,
                })
            });
            let all: Vec<usize> = std::iter::once(c).chain(l.ties.iter().copied()).collect();
            let want = match dir {
                Some(true) => ["max", "maximum", "high", "highest"],
                Some(false) => ["min", "minimum", "low", "lowest"],
                None => ["", "", "", ""],
            };
            let pick = all.iter().copied().find(|&k| {
                cat.columns[k]
                    .words
                    .iter()
                    .any(|w| want.contains(&w.word.as_str()))
            });
            match pick {
                Some(p) => c = p,
                None => st.penalty *= 0.55,
            }
        }
        let info = &cat.columns[c];
        let prev = if l.start > 0 { st.w(l.start - 1) } else { "" };
        let over_time = (prev == "over"
            || (prev == "the" && l.start > 1 && st.w(l.start - 2) == "over"))
            && (info.year_like || cat.col(c).data_type.is_temporal());
        // "by sex and smoker": a column joined by "and" to a grouping column groups too.
        let and_dim = matches!(prev, "and" | "or") && last_was_dim;
        let is_group = preceded_by(st, l.start, is_group_word).is_some()
            || matches!(prev, "each" | "every")
            || over_time
            || and_dim;
        last_was_dim = false;
        let agg = preceded_by(st, l.start, |w| {
            agg_word(w).is_some()
                || (matches!(w, "most" | "least" | "fewest") && cat.col(c).data_type.is_numeric())
        })
        .map(|k| match st.w(k) {
            "most" => Agg::Max,
            "least" | "fewest" => Agg::Min,
            w => agg_word(w).unwrap_or(Agg::Sum),
        })
        .or_else(|| {
            // "which song has the most in US R&B": the superlative applies to the column.
            let k = l.start.checked_sub(2)?;
            let numeric = cat.col(c).data_type.is_numeric();
            (numeric && st.w(k + 1) == "in").then_some(())?;
            match st.w(k) {
                "most" | "highest" => Some(Agg::Max),
                "least" | "lowest" | "fewest" => Some(Agg::Min),
                _ => None,
            }
        });
        let interrogative = preceded_by(st, l.start, |w| {
            matches!(w, "which" | "what" | "who" | "whose" | "name" | "list")
        })
        .is_some()
            || l.start == 0;
        let numeric = cat.col(c).data_type.is_numeric();
        if filtered_cols.contains(&c) && !is_group && agg.is_none() {
            // Named only as part of a filter ("on Dream island", "a total above 1000").
            if !(interrogative && shape.asks_entity) {
                continue;
            }
        }
        if is_group {
            // "top 5 countries by population": after a ranked entity, "by" names the measure.
            if numeric
                && info.role == Role::Measure
                && (shape.top.is_some() || entity.is_some() || !dims.is_empty())
            {
                by_measure = Some(c);
                continue;
            }
            if cat.col(c).data_type.is_temporal() {
                dims.push(Dim::Time(c, shape.grain.unwrap_or(Grain::Day)));
            } else {
                dims.push(Dim::Column(c));
            }
            last_was_dim = true;
            continue;
        }
        if let Some(a) = agg {
            measures.push((c, Some(a)));
            continue;
        }
        if (interrogative || shape.top.is_some_and(|t| t.0 < l.start))
            && entity.is_none()
            && (!numeric
                || info.role != Role::Measure
                || shape
                    .top
                    .is_some_and(|t| t.0 < l.start && t.0 + 3 >= l.start))
        {
            entity = Some(c);
            continue;
        }
        // "the last game released": the date column orders the rows, it is not the answer.
        let orders_time = shape.time_order.is_some() && cat.col(c).data_type.is_temporal();
        if shape.concept.is_some()
            && entity.is_none()
            && (!numeric || info.role != Role::Measure)
            && !(orders_time && asked_noun(st).is_some())
        {
            // "the coldest day": the thing that is coldest.
            entity = Some(c);
            continue;
        }
        mentions.push(c);
    }
    // "the total number of players": "total" qualifies the count, not a text column.
    if shape.count {
        measures.retain(|&(c, a)| a != Some(Agg::Sum) || cat.col(c).data_type.is_numeric());
    }
    // "who scored the most points": the person is the table's name column.
    let asks_who = st
        .toks
        .iter()
        .any(|t| matches!(t.norm.as_str(), "who" | "whose"));
    if asks_who && entity.is_none() {
        entity = person_column(cat, &plan.filters);
    }
    // "which country has the most X" where no column is called country: the thing ranked
    // is a row, named by the table's label column.
    // "which communes have a population above 30,000": the same for a lookup.
    let lookup = !shape.count
        && shape.aggs.is_empty()
        && (!plan.filters.is_empty() || plan.date_range.is_some());
    if entity.is_none() && (shape.superlative.is_some() || shape.concept.is_some() || lookup) {
        // A time word ("what year ...") asks for a date, not a row label.
        let noun = asked_noun(st).filter(|&k| grain_word(st.w(k)).is_none() && st.w(k) != "date");
        if let Some(k) = noun {
            if let Some(e) = label_column(cat, &plan.filters) {
                entity = Some(e);
                st.claim(k, k + 1, Use::Lexicon);
            }
        }
    }
    // "the most common payment method": the thing counted is the text column named.
    if shape.most_common.is_some() && entity.is_none() {
        if let Some(pos) = mentions
            .iter()
            .position(|&c| !cat.col(c).data_type.is_numeric())
        {
            entity = Some(mentions.remove(pos));
        }
    }
    // A numeric column asked with "what is the X" and an aggregation elsewhere is a measure.
    if let Some(e) = entity {
        let numeric = cat.col(e).data_type.is_numeric() && cat.columns[e].role == Role::Measure;
        if numeric
            && (shape.superlative.is_some() || !shape.aggs.is_empty())
            && measures.is_empty()
            && mentions.is_empty()
            && shape.concept.is_none()
        {
            entity = None;
            mentions.insert(0, e);
        }
    }

    // Time grain as a dimension ("monthly", "per month", "over time").
    if let Some(g) = shape.grain {
        if !dims.iter().any(|d| matches!(d, Dim::Time(..))) {
            if let Some(tc) = cat.time_column() {
                dims.push(Dim::Time(tc, g));
            } else if let (Grain::Year, Some(yc)) = (g, cat.year_column()) {
                if !dims.contains(&Dim::Column(yc)) {
                    dims.push(Dim::Column(yc));
                }
            }
        }
    }
    // Binary columns named without another role are filters: "passengers survived", "smokers".
    let mut rest = Vec::new();
    for c in mentions {
        if let Some(t) = cat.columns[c].truthy.clone() {
            if !shape.rate && !plan.filters.iter().any(|f| f.column == c) {
                plan.filters.push(Filter {
                    column: c,
                    op: Op::Eq,
                    values: vec![t],
                    phrase: cat.col(c).name.clone(),
                });
                continue;
            }
            if shape.rate {
                measures.push((c, Some(Agg::Avg)));
                continue;
            }
        }
        rest.push(c);
    }
    let mut mentions = rest;

    // Superlative concepts ("coldest") pick their measure column.
    let mut order_desc = shape.superlative.map(|s| s.1).unwrap_or(true);
    let mut concept_col = None;
    if let Some((words, desc)) = shape.concept {
        order_desc = desc;
        let cands: Vec<usize> = cat
            .columns
            .iter()
            .filter(|c| {
                cat.col(c.index).data_type.is_numeric() || cat.col(c.index).data_type.is_temporal()
            })
            .filter(|c| {
                c.words.iter().any(|w| {
                    words.iter().any(|x| {
                        w.word == *x
                            || w.expansion.as_deref() == Some(crate::text::stem(x).as_str())
                    })
                })
            })
            .map(|c| c.index)
            .collect();
        let want = if desc {
            ["max", "high"]
        } else {
            ["min", "low"]
        };
        concept_col = cands
            .iter()
            .copied()
            .find(|&k| {
                cat.columns[k]
                    .words
                    .iter()
                    .any(|w| want.contains(&w.word.as_str()))
            })
            .or(cands.first().copied());
        if concept_col.is_none() {
            return Err("I could not tell which column that superlative refers to.".into());
        }
    }

    // Count intent.
    // "how many gold medals did India win": a count stored in a column is summed.
    let stored_count = entity_after_count(st, links, shape).filter(|&c| {
        let info = &cat.columns[c];
        // "the greatest number of gold medals": the explicit aggregation wins.
        let explicit = measures.iter().any(|&(m, a)| m == c && a.is_some());
        !explicit
            && shape.most_common.is_none()
            && cat.col(c).data_type.is_numeric()
            && info.role == Role::Measure
            && info.additive
            && links
                .iter()
                .any(|l| l.target == Target::Column(c) && l.exact)
    });
    if let Some(c) = stored_count {
        plan.measures.push(Measure {
            agg: Agg::Sum,
            column: Some(c),
        });
        mentions.retain(|&m| m != c);
    } else if shape.count || shape.most_common.is_some() {
        let counted = entity_after_count(st, links, shape);
        match counted {
            // "the number of painters who ...": one painter per row, so count the rows.
            Some(c)
                if entity == Some(c)
                    && shape.most_common.is_none()
                    && cat.columns[c].uniqueness >= 0.9
                    && !shape.distinct =>
            {
                entity = None;
            }
            Some(c)
                if countable(cat, c, &dims)
                    && (shape.most_common.is_none() || entity.is_some())
                    && (shape.distinct || cat.columns[c].uniqueness < 0.9) =>
            {
                if shape.most_common.is_some() {
                    entity = entity.or(Some(c));
                } else {
                    plan.measures.push(Measure {
                        agg: Agg::CountDistinct,
                        column: Some(c),
                    });
                    if entity == Some(c) {
                        entity = None;
                    }
                }
            }
            _ => {}
        }
        if shape.most_common.is_some() || plan.measures.is_empty() && measures.is_empty() {
            if shape.distinct {
                if let Some(c) = entity.filter(|_| shape.most_common.is_none()) {
                    plan.measures.push(Measure {
                        agg: Agg::CountDistinct,
                        column: Some(c),
                    });
                    entity = None;
                }
            }
            if plan.measures.is_empty() {
                plan.measures.push(Measure {
                    agg: Agg::Count,
                    column: None,
                });
            }
        }
    }

    // Explicit aggregations.
    for (c, a) in &measures {
        let agg = match a {
            Some(Agg::Count) if cat.col(*c).data_type.is_numeric() => Agg::Count,
            Some(a) => *a,
            None => default_agg(cat, *c),
        };
        let column = if agg == Agg::Count { None } else { Some(*c) };
        if agg == Agg::Count && shape.distinct {
            plan.measures.push(Measure {
                agg: Agg::CountDistinct,
                column: Some(*c),
            });
        } else {
            plan.measures.push(Measure { agg, column });
        }
    }
    // Aggregation words with no column after them apply to the first plain mention.
    if plan.measures.is_empty() {
        let numeric_mentions: Vec<usize> = mentions
            .iter()
            .copied()
            .filter(|&c| cat.col(c).data_type.is_numeric())
            .collect();
        if let Some(&c) = numeric_mentions.first().or(by_measure.as_ref()) {
            let explicit = shape
                .aggs
                .iter()
                .map(|(_, a)| *a)
                .find(|a| !matches!(a, Agg::Count) || shape.count)
                .or_else(|| {
                    // "the most expensive": the extreme of the column itself.
                    let dir = shape
                        .concept
                        .map(|c| c.1)
                        .or(shape.superlative.map(|s| s.1));
                    dir.filter(|_| entity.is_none())
                        .map(|d| if d { Agg::Max } else { Agg::Min })
                });
            if entity.is_none() || shape.superlative.is_none() && shape.top.is_none() {
                let agg = explicit.unwrap_or_else(|| {
                    st.penalty *= 0.95;
                    default_agg(cat, c)
                });
                plan.measures.push(Measure {
                    agg,
                    column: Some(c),
                });
                mentions.retain(|&m| m != c);
                if by_measure == Some(c) {
                    by_measure = None;
                }
            }
        }
    }
    // "mean, median and standard deviation of X": every listed aggregation applies to X.
    if plan.measures.len() == 1 && plan.dims.is_empty() && dims.is_empty() {
        if let Some(col) = plan.measures[0].column {
            let first = plan.measures[0].agg;
            let listed: Vec<Agg> = shape
                .aggs
                .iter()
                .map(|(_, a)| *a)
                .filter(|a| *a != first && !matches!(a, Agg::Count))
                .collect();
            let joined = st.toks.iter().any(|t| t.norm == "and");
            if joined && !listed.is_empty() && shape.superlative.is_none_or(|_| listed.len() > 1) {
                for a in listed {
                    if !plan.measures.iter().any(|m| m.agg == a) {
                        plan.measures.push(Measure {
                            agg: a,
                            column: Some(col),
                        });
                    }
                }
                // Keep the order the question listed them in.
                let order: Vec<Agg> = shape.aggs.iter().map(|(_, a)| *a).collect();
                plan.measures
                    .sort_by_key(|m| order.iter().position(|a| *a == m.agg).unwrap_or(99));
            }
        }
    }
    // Two numeric mentions and "correlation" -> corr().
    if st.toks.iter().any(|t| t.stem.starts_with("correl")) {
        // The two numeric columns named, in the order written.
        let mut nums: Vec<usize> = Vec::new();
        for l in links {
            if let Target::Column(c) = l.target {
                if cat.col(c).data_type.is_numeric() && !nums.contains(&c) {
                    nums.push(c);
                }
            }
        }
        if nums.len() >= 2 {
            plan.correlation = Some((nums[0], nums[1]));
            plan.measures.clear();
            plan.dims.clear();
            plan.filters
                .retain(|f| f.column != nums[0] && f.column != nums[1]);
            return Ok(());
        }
        return Err("A correlation needs two numeric columns.".into());
    }
    // Missing values.
    if st.toks.iter().any(|t| {
        matches!(
            t.norm.as_str(),
            "missing" | "null" | "nulls" | "blank" | "empty"
        )
    }) {
        // A column the question quotes ("null values in the "min_p" column") comes first.
        let quoted = links.iter().find_map(|l| match l.target {
            Target::Column(c) if st.toks[l.start].kind == Kind::Quoted => Some(c),
            _ => None,
        });
        let target = quoted
            .or(plan.measures.iter().filter_map(|m| m.column).next())
            .or(entity)
            .or(mentions.first().copied());
        if let Some(c) = target {
            plan.measures = vec![Measure {
                agg: Agg::CountNull,
                column: Some(c),
            }];
            plan.filters.clear();
            return Ok(());
        }
    }

    // Superlative over an entity: "which X has the highest Y", "the coldest day".
    let measure_col = plan
        .measures
        .first()
        .and_then(|m| m.column)
        .or(concept_col)
        .or(by_measure);
    // "A or B, which has more X": rank the named rows.
    let mut comparative = false;
    if entity.is_none() {
        if let Some(dir) = shape.comparative {
            let named = plan
                .filters
                .iter()
                .find(|f| f.op == Op::In && cat.col(f.column).data_type == DataType::String);
            if let (Some(f), Some(_)) = (named, measure_col) {
                entity = Some(f.column);
                order_desc = dir;
                comparative = true;
            }
        }
    }
    let ranked = shape.superlative.is_some()
        || comparative
        || shape.top.is_some()
        || shape.most_common.is_some()
        || concept_col.is_some();
    if let Some(e) = entity {
        if let Some((_, k, desc)) = shape.top {
            order_desc = desc;
            plan.limit = Some(k);
        } else if ranked {
            plan.limit = Some(1);
            plan.with_ties = true;
        }
        let count_measure = plan.measures.first().is_some_and(|m| m.agg == Agg::Count);
        if ranked && (count_measure || shape.most_common.is_some()) {
            let desc = shape.most_common.unwrap_or(order_desc);
            plan.dims = vec![Dim::Column(e)];
            plan.dims
                .extend(dims.into_iter().filter(|d| d.column() != e));
            plan.measures = vec![Measure {
                agg: Agg::Count,
                column: None,
            }];
            plan.order = Some(Order {
                key: OrderKey::Measure(0),
                desc,
            });
            return Ok(());
        }
        if let (true, Some(m)) = (ranked, measure_col) {
            let explicit = plan.measures.first().map(|m| m.agg).filter(|_| {
                shape
                    .aggs
                    .iter()
                    .any(|(_, a)| !matches!(a, Agg::Max | Agg::Min))
            });
            let unique = cat.columns[e].uniqueness >= 0.9 || cat.columns[e].role == Role::Time;
            if unique && explicit.is_none() {
                plan.measures.clear();
                plan.select = vec![e, m];
                plan.order = Some(Order {
                    key: OrderKey::Column(m),
                    desc: order_desc,
                });
                plan.filters.push(Filter {
                    column: m,
                    op: Op::NotNull,
                    values: vec![],
                    phrase: String::new(),
                });
                return Ok(());
            }
            let agg = explicit.unwrap_or(if cat.columns[m].additive {
                Agg::Sum
            } else if order_desc {
                Agg::Max
            } else {
                Agg::Min
            });
            plan.dims = vec![Dim::Column(e)];
            plan.measures = vec![Measure {
                agg,
                column: Some(m),
            }];
            plan.order = Some(Order {
                key: OrderKey::Measure(0),
                desc: order_desc,
            });
            return Ok(());
        }
        if !ranked && plan.measures.is_empty() {
            // Lookup: "which county has 774 households", "who was in office in 1990".
            if plan.filters.is_empty() && plan.date_range.is_none() {
                return Err("I could not tell which rows you mean.".into());
            }
            plan.select = std::iter::once(e)
                .chain(mentions.iter().copied().filter(|&m| m != e))
                .collect();
            plan.distinct = true;
            return Ok(());
        }
        if !plan.measures.is_empty() && !dims.iter().any(|d| d.column() == e) {
            // "what is the average X of the Y" with Y a category: group by it.
            if !ranked && cat.col(e).data_type.is_numeric() {
                plan.measures.insert(
                    0,
                    Measure {
                        agg: default_agg(cat, e),
                        column: Some(e),
                    },
                );
            } else {
                dims.insert(0, Dim::Column(e));
            }
        }
    } else if let Some((_, k, desc)) = shape.top {
        plan.limit = Some(k);
        order_desc = desc;
        if let Some(m) = measure_col {
            if plan.measures.is_empty() {
                plan.select = vec![m];
                plan.order = Some(Order {
                    key: OrderKey::Column(m),
                    desc,
                });
                return Ok(());
            }
        }
    } else if let Some(cc) = concept_col {
        if plan.measures.is_empty() {
            plan.measures.push(Measure {
                agg: if order_desc { Agg::Max } else { Agg::Min },
                column: Some(cc),
            });
        }
    }
    if plan.measures.is_empty() {
        if !dims.is_empty() {
            plan.measures.push(Measure {
                agg: Agg::Count,
                column: None,
            });
            st.penalty *= 0.7;
        } else {
            return Err("I could not find what to measure in this question.".into());
        }
    }
    plan.dims = dims;
    if let Some(bm) = by_measure {
        if !plan.measures.iter().any(|m| m.column == Some(bm)) {
            plan.measures.push(Measure {
                agg: default_agg(cat, bm),
                column: Some(bm),
            });
        }
    }
    if !plan.dims.is_empty() {
        if plan.limit.is_some()
            || shape.superlative.is_some() && plan.dims.iter().all(|d| matches!(d, Dim::Column(_)))
        {
            let key = if by_measure.is_some() {
                plan.measures.len() - 1
            } else {
                0
            };
            plan.order = Some(Order {
                key: OrderKey::Measure(key),
                desc: order_desc,
            });
        } else if let Some(i) = plan.dims.iter().position(|d| matches!(d, Dim::Time(..))) {
            plan.order = Some(Order {
                key: OrderKey::Dim(i),
                desc: false,
            });
        }
    }
    Ok(())
}

/// A text column not already grouped by: "how many countries" counts its distinct values.
fn countable(cat: &Catalog, c: usize, dims: &[Dim]) -> bool {
    cat.col(c).data_type == DataType::String && !dims.iter().any(|d| d.column() == c)
}

/// The column named right after "how many" / "number of" / "count".
fn entity_after_count(st: &State, links: &[Link], shape: &Shape) -> Option<usize> {
    let _ = shape;
    for i in 0..st.toks.len() {
        let starts = (st.w(i) == "how" && st.w(i + 1) == "many")
            || (st.w(i) == "number" && st.w(i + 1) == "of")
            || (st.w(i) == "count" && st.w(i + 1) == "of");
        if !starts {
            continue;
        }
        let mut k = i + 2;
        while k < st.toks.len()
            && matches!(
                st.w(k),
                "distinct" | "unique" | "different" | "the" | "total"
            )
        {
            k += 1;
        }
        return links
            .iter()
            .find(|l| l.start == k)
            .and_then(|l| match l.target {
                Target::Column(c) => Some(c),
                _ => None,
            });
    }
    None
}

/// Averages for rates, prices and other non-additive measures; sums otherwise.
fn default_agg(cat: &Catalog, c: usize) -> Agg {
    if cat.columns[c].year_like {
        // Summing or averaging years is never what was meant.
        return Agg::Max;
    }
    if cat.columns[c].additive {
        Agg::Sum
    } else {
        Agg::Avg
    }
}
