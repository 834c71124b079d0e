//! Roles of the columns named in the question: what each link is for (a grouping, a
//! measure with or without an aggregation, the entity asked about, or a plain mention),
//! read from the words around it. Also the clean-up of links before roles are read.

use super::answer_column::{asked_noun, label_column, person_column};
use super::confidence::UNRESOLVED_TIE;
use super::shape::Shape;
use super::{State, Use};
use crate::catalog::Role;
use crate::lexicon::{
    agg_word, grain_word, is_group_word, ASKING_WORDS, COLUMN_WORDS, CONNECTIVES,
};
use crate::link::{Link, Target};
use crate::plan::{Agg, Dim, Filter, Grain, Op, Plan};
use crate::text::Kind;

/// What each column named in the question is for, before any intent reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Roles {
    /// Grouping columns ("by region", "per month", "over time").
    pub(super) dims: Vec<Dim>,
    /// Columns with the aggregation written before them, if any ("average price").
    pub(super) measures: Vec<(usize, Option<Agg>)>,
    /// The column asked about or ranked ("which region", "the coldest day").
    pub(super) entity: Option<usize>,
    /// Columns named without another role.
    pub(super) mentions: Vec<usize>,
    /// The measure named by "by" after a ranked entity ("top 5 countries by population").
    pub(super) by_measure: Option<usize>,
    /// Ranking direction: the superlative's, until a concept or comparative says otherwise.
    pub(super) order_desc: bool,
    /// The column a superlative concept picked ("coldest" -> temp_min); set by ranking.
    pub(super) concept_col: Option<usize>,
}

impl Roles {
    /// Give every linked column its role; binary columns named alone become filters.
    pub(super) fn read(st: &mut State, links: &[Link], shape: &Shape, plan: &mut Plan) -> Roles {
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
                    None => st.penalty *= UNRESOLVED_TIE,
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
                    || (matches!(w, "most" | "least" | "fewest")
                        && cat.col(c).data_type.is_numeric())
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
            let interrogative =
                preceded_by(st, l.start, |w| ASKING_WORDS.contains(&w)).is_some() || l.start == 0;
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
            let noun =
                asked_noun(st).filter(|&k| grain_word(st.w(k)).is_none() && st.w(k) != "date");
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
        let mentions = rest;

        let order_desc = shape.superlative.map(|s| s.1).unwrap_or(true);
        Roles {
            dims,
            measures,
            entity,
            mentions,
            by_measure,
            order_desc,
            concept_col: None,
        }
    }
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
        if !(CONNECTIVES.contains(&w) || matches!(st.uses[k], Use::Lexicon)) {
            return None;
        }
        hops += 1;
    }
    None
}

/// `the "compound" sentiment score column`: words between a quoted column name and the
/// word "column" describe that column; they ask for nothing more.
pub(super) fn quoted_column_descriptions(st: &mut State, links: &[Link]) {
    for l in links {
        if !matches!(l.target, Target::Column(_)) || st.toks[l.start].kind != Kind::Quoted {
            continue;
        }
        let end = (l.end..st.toks.len().min(l.end + 4)).find(|&k| COLUMN_WORDS.contains(&st.w(k)));
        if let Some(end) = end {
            if (l.end..end).all(|k| st.uses[k] == Use::Free) {
                st.claim(l.end, end + 1, Use::Lexicon);
            }
        }
    }
}

/// "total sales" should read as SUM(sales) when "total" alone linked to a column named
/// "Total" and the next words name another column.
pub(super) fn drop_aggregation_words_linked_as_columns(st: &State, links: &mut Vec<Link>) {
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

#[cfg(test)]
mod tests {
    use super::super::testing::{ctx, sales, Reading};
    use super::Roles;
    use crate::catalog::Catalog;
    use crate::plan::{Agg, Dim};

    fn roles_of(q: &str) -> Roles {
        let (schema, ctx) = (sales(), ctx());
        let cat = Catalog::new(&schema);
        let mut r = Reading::new(q, &cat, &ctx);
        let shape = r.shape();
        r.roles(&shape)
    }

    #[test]
    fn grouping_columns_and_plain_mentions() {
        let r = roles_of("revenue by region");
        assert_eq!(r.dims, [Dim::Column(1)]);
        assert_eq!(r.mentions, [4]);
        assert!(r.measures.is_empty() && r.entity.is_none());
        // "and" after a grouping column groups too.
        assert_eq!(
            roles_of("revenue by region and payment").dims,
            [Dim::Column(1), Dim::Column(3)]
        );
        // A date column grouped by gets a grain.
        assert!(matches!(
            roles_of("revenue by order date").dims[..],
            [Dim::Time(0, _)]
        ));
    }

    #[test]
    fn aggregation_words_make_measures() {
        assert_eq!(roles_of("average revenue").measures, [(4, Some(Agg::Avg))]);
        assert_eq!(roles_of("total units").measures, [(5, Some(Agg::Sum))]);
    }

    #[test]
    fn the_entity_asked_about() {
        let r = roles_of("which region has the highest revenue");
        assert_eq!(r.entity, Some(1));
        assert!(r.order_desc);
        assert_eq!(r.concept_col, None);
        // "top 5 regions by revenue": "by" names the measure after a ranked entity.
        let r = roles_of("top 5 regions by revenue");
        assert_eq!((r.entity, r.by_measure), (Some(1), Some(4)));
    }
}
