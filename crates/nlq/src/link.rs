//! Schema linking: scores spans of question tokens against column names and the value
//! index, then keeps the best non-overlapping links.

use crate::catalog::{Catalog, ColumnInfo, NameWord};
use crate::lexicon::{agg_word, is_stopword};
use crate::text::{Kind, Token};
use strsim::levenshtein;

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Column(usize),
    /// A value of a column (exact stored text).
    Value(usize, String),
}

#[derive(Debug, Clone)]
pub struct Link {
    pub start: usize,
    pub end: usize,
    pub target: Target,
    pub score: f32,
    /// Other columns that matched the same span equally well.
    pub ties: Vec<usize>,
    /// Matched by spelling tolerance rather than exactly.
    pub fuzzy: bool,
    /// Every word matched the column's own name (no synonym, abbreviation or typo).
    pub exact: bool,
}

/// How well a question token matches one word of a column name (0 = not at all).
fn word_score(t: &Token, w: &NameWord) -> (f32, bool) {
    if t.kind != Kind::Word && t.kind != Kind::Quoted {
        // Numbers only match numeric name parts ("Tax 5%").
        return ((t.norm == w.word) as u8 as f32, false);
    }
    if t.norm == w.word || t.stem == w.stem {
        return (1.0, false);
    }
    if w.expansion.as_deref() == Some(t.stem.as_str()) {
        return (0.95, false);
    }
    if w.word.len() >= 3 && t.norm.len() > w.word.len() + 1 && t.norm.starts_with(&w.word) {
        // Abbreviation in the column name: "temp" for "temperature", "exp" for "expectancy".
        return (0.8, false);
    }
    if w.synonyms.contains(&t.stem) {
        return (0.7, false);
    }
    let (a, b) = (t.norm.as_str(), w.word.as_str());
    let min_len = a.len().min(b.len());
    if min_len >= 5 {
        let d = levenshtein(a, b);
        if d == 1 || (d == 2 && min_len >= 8) {
            return (0.75, true);
        }
    }
    (0.0, false)
}

/// Best link of each column starting at token `i`.
fn column_spans(tokens: &[Token], free: &[bool], i: usize, c: &ColumnInfo) -> Option<Link> {
    if !free[i] {
        return None;
    }
    if tokens[i].kind == Kind::Quoted {
        let q = tokens[i].norm.replace(['_', ' '], "");
        let name = c.compact.clone();
        if q == name {
            return Some(link(i, i + 1, c.index, 3.0, false));
        }
        return None;
    }
    // The whole name written as one word ("MedianHouseValue", "abs_diffsel"): as good as
    // every word of it, so a column sharing only a prefix ("MedInc") cannot win.
    let t = &tokens[i];
    if t.kind == Kind::Word
        && c.words.len() > 1
        && c.compact.len() >= 6
        && t.norm.replace('_', "") == c.compact
    {
        let mut l = link(i, i + 1, c.index, 1.05 * c.words.len() as f32, false);
        l.exact = true;
        return Some(l);
    }
    let content: Vec<&NameWord> = c.words.iter().filter(|w| !w.is_unit).collect();
    let mut covered = vec![false; c.words.len()];
    let mut total = 0.0f32;
    let mut min_q = 1.0f32;
    let mut fuzzy = false;
    let mut end = i;
    let mut j = i;
    while j < tokens.len() && free[j] {
        let t = &tokens[j];
        let best = c
            .words
            .iter()
            .enumerate()
            .filter(|(k, _)| !covered[*k])
            .map(|(k, w)| (k, word_score(t, w)))
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0));
        match best {
            Some((k, (s, f))) if s > 0.0 => {
                covered[k] = true;
                total += s;
                min_q = min_q.min(s);
                fuzzy |= f;
                j += 1;
                end = j;
            }
            // Small connecting words inside a name: "executions in effigie".
            _ if matches!(
                t.norm.as_str(),
                "of" | "per" | "in" | "and" | "the" | "for" | "to" | "at"
            ) && end > i =>
            {
                j += 1
            }
            _ => break,
        }
    }
    // The whole name written without spaces ("windspeed") or as a prefix ("gdppercapita").
    if end == i {
        let t = &tokens[i];
        if t.kind == Kind::Word && c.compact.len() >= 4 {
            let joined: String = tokens[i..tokens.len().min(i + 3)]
                .iter()
                .map(|t| t.norm.as_str())
                .collect();
            if t.norm == c.compact || (joined.starts_with(&c.compact) && t.norm.len() >= 3) {
                let mut n = 0;
                let mut acc = String::new();
                while acc.len() < c.compact.len() && i + n < tokens.len() {
                    acc.push_str(&tokens[i + n].norm);
                    n += 1;
                }
                if acc.starts_with(&c.compact) && (i..i + n).all(|k| free[k]) {
                    return Some(link(i, i + n, c.index, 0.9 * n as f32, false));
                }
            }
        }
        return user_phrase(tokens, free, i, c);
    }
    let n_content = content.len().max(1) as f32;
    let covered_content = c
        .words
        .iter()
        .zip(&covered)
        .filter(|(w, cov)| **cov && !w.is_unit)
        .count() as f32;
    let coverage = (covered_content / n_content).min(1.0);
    let single_stop = end - i == 1 && is_stopword(&tokens[i].norm);
    if single_stop && coverage < 1.0 {
        return None;
    }
    let mut score = total * (0.6 + 0.4 * coverage);
    if single_stop {
        score *= 0.6;
    }
    let phrase = user_phrase(tokens, free, i, c);
    match phrase {
        Some(p) if p.score > score => Some(p),
        _ => {
            let mut l = link(i, end, c.index, score, fuzzy);
            l.fuzzy = fuzzy;
            l.exact = min_q >= 1.0 && !fuzzy;
            Some(l)
        }
    }
}

/// User-given synonyms and short descriptions, matched as whole stem sequences.
fn user_phrase(tokens: &[Token], free: &[bool], i: usize, c: &ColumnInfo) -> Option<Link> {
    c.phrases
        .iter()
        .filter(|p| {
            i + p.len() <= tokens.len()
                && p.iter()
                    .enumerate()
                    .all(|(k, s)| free[i + k] && tokens[i + k].stem == *s)
        })
        .max_by_key(|p| p.len())
        .map(|p| link(i, i + p.len(), c.index, 1.2 * p.len() as f32, false))
}

fn link(start: usize, end: usize, col: usize, score: f32, fuzzy: bool) -> Link {
    Link {
        start,
        end,
        target: Target::Column(col),
        score,
        ties: Vec::new(),
        fuzzy,
        exact: false,
    }
}

/// Words so common in questions that a value spelled this way needs its column named
/// next to it ("first class", "branch A").
fn weak_value(words: &[String]) -> bool {
    words.len() == 1 && {
        let w = words[0].as_str();
        w.len() <= 2
            || is_stopword(w)
            || agg_word(w).is_some()
            || w.chars().all(|c| c.is_ascii_digit())
            || matches!(
                w,
                "first"
                    | "last"
                    | "yes"
                    | "no"
                    | "none"
                    | "other"
                    | "true"
                    | "false"
                    | "new"
                    | "old"
                    | "high"
                    | "low"
                    | "top"
                    | "best"
                    | "most"
                    | "more"
                    | "less"
                    | "year"
                    | "day"
                    | "month"
                    | "week"
            )
    }
}

fn token_value_match(t: &Token, word: &str, stem: &str, allow_fuzzy: bool) -> Option<bool> {
    if t.norm == word || (t.kind == Kind::Word && t.stem == stem) {
        return Some(false);
    }
    if let Kind::Number { value, .. } = t.kind {
        if word.parse::<f64>().ok() == Some(value) {
            return Some(false);
        }
        return None;
    }
    if !allow_fuzzy || t.kind != Kind::Word {
        return None;
    }
    // Adjective of a noun value: "sunny" -> "sun", "rainy" -> "rain", "snowy" -> "snow".
    if word.len() >= 3 && t.norm.starts_with(word) {
        let rest = &t.norm[word.len()..];
        if matches!(rest, "y" | "ny" | "ly" | "s" | "es") {
            return Some(true);
        }
    }
    let min_len = t.norm.len().min(word.len());
    if min_len >= 5 {
        let d = levenshtein(&t.norm, word);
        if d == 1 || (d == 2 && min_len >= 8) {
            return Some(true);
        }
    }
    None
}

fn value_links(tokens: &[Token], free: &[bool], cat: &Catalog, out: &mut Vec<Link>) {
    for c in &cat.columns {
        for v in &c.values {
            let k = v.words.len();
            if k == 0 || k > tokens.len() {
                continue;
            }
            let weak = weak_value(&v.words);
            for i in 0..=tokens.len() - k {
                if !(i..i + k).all(|j| free[j]) {
                    continue;
                }
                if tokens[i].kind == Kind::Quoted {
                    if k == 1 && tokens[i].norm == v.text.to_lowercase() {
                        out.push(value_link(i, i + 1, c.index, &v.text, 3.0, false));
                    }
                    continue;
                }
                let mut fuzzy = false;
                let ok = (0..k).all(|j| {
                    let allow = k == 1 || v.words[j].len() >= 5;
                    match token_value_match(&tokens[i + j], &v.words[j], &v.stems[j], allow) {
                        Some(f) => {
                            fuzzy |= f;
                            true
                        }
                        None => false,
                    }
                });
                if !ok {
                    continue;
                }
                let mut score = 1.1 * k as f32;
                if fuzzy {
                    score *= 0.7;
                }
                if weak {
                    // Only with its column named right next to it.
                    let before = i > 0 && names_column(&tokens[i - 1], c);
                    let after = i + k < tokens.len() && names_column(&tokens[i + k], c);
                    // "scored 12 in composition", "a mark of 14 for color".
                    let after_joined = i + k + 1 < tokens.len()
                        && matches!(tokens[i + k].norm.as_str(), "in" | "for")
                        && names_column(&tokens[i + k + 1], c);
                    if !(before || after || after_joined) {
                        continue;
                    }
                    let (s, e) = if before {
                        (i - 1, i + k)
                    } else if after {
                        (i, i + k + 1)
                    } else {
                        (i, i + k + 2)
                    };
                    out.push(value_link(s, e, c.index, &v.text, score + 1.0, fuzzy));
                    continue;
                }
                out.push(value_link(i, i + k, c.index, &v.text, score, fuzzy));
            }
        }
    }
}

fn names_column(t: &Token, c: &ColumnInfo) -> bool {
    c.words
        .iter()
        .any(|w| !w.is_unit && word_score(t, w).0 >= 0.95)
}

fn value_link(start: usize, end: usize, col: usize, v: &str, score: f32, fuzzy: bool) -> Link {
    Link {
        start,
        end,
        target: Target::Value(col, v.to_string()),
        score,
        ties: Vec::new(),
        fuzzy,
        exact: false,
    }
}

/// Link the question. `free[i]` is false for tokens the lexicon already claimed.
pub fn link_all(tokens: &[Token], free: &[bool], cat: &Catalog) -> Vec<Link> {
    let mut cands: Vec<Link> = Vec::new();
    for i in 0..tokens.len() {
        for c in &cat.columns {
            if let Some(l) = column_spans(tokens, free, i, c) {
                cands.push(l);
            }
        }
    }
    value_links(tokens, free, cat, &mut cands);
    // Value spans that also name their own column ("Dream island") absorb the name.
    let mut extended = Vec::new();
    for l in &cands {
        if let Target::Value(c, v) = &l.target {
            let info = &cat.columns[*c];
            if l.end < tokens.len() && free[l.end] && names_column(&tokens[l.end], info) {
                let mut e = value_link(l.start, l.end + 1, *c, v, l.score + 0.5, l.fuzzy);
                e.ties = l.ties.clone();
                extended.push(e);
            } else if l.start > 0 && free[l.start - 1] && names_column(&tokens[l.start - 1], info) {
                let mut e = value_link(l.start - 1, l.end, *c, v, l.score + 0.5, l.fuzzy);
                e.ties = l.ties.clone();
                extended.push(e);
            }
        }
    }
    cands.extend(extended);
    // Greedy: highest score first; equal spans with equal scores become ties.
    cands.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut taken = vec![false; tokens.len()];
    let mut chosen: Vec<Link> = Vec::new();
    for l in &cands {
        if (l.start..l.end).any(|k| taken[k]) {
            // Same span, same score, another column: remember the tie.
            if let (Target::Column(c), Some(prev)) = (
                &l.target,
                chosen
                    .iter_mut()
                    .find(|p| p.start == l.start && p.end == l.end),
            ) {
                if (prev.score - l.score).abs() < 1e-4
                    && matches!(prev.target, Target::Column(pc) if pc != *c)
                    && !prev.ties.contains(c)
                {
                    prev.ties.push(*c);
                }
            }
            continue;
        }
        taken[l.start..l.end].fill(true);
        chosen.push(l.clone());
    }
    chosen.sort_by_key(|l| l.start);
    chosen
}
