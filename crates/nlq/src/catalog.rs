//! What the engine knows about each column: name words and stems, synonyms, role,
//! additivity, binary flags and the normalized value index.

use crate::lexicon::{ABBREVIATIONS, NON_ADDITIVE, SYNONYMS, UNITS};
use crate::plan::Lit;
use crate::text::{split_name, stem, words};
use crate::{Column, ColumnType, Schema};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Measure,
    Dimension,
    Time,
    Identifier,
}

/// One word of a column name, with the forms a user may write instead.
#[derive(Debug, Clone)]
pub struct NameWord {
    pub word: String,
    pub stem: String,
    /// Stem of the expanded abbreviation ("temp" -> "temperatur").
    pub expansion: Option<String>,
    /// Stems of concept synonyms ("revenue" for a word "sales").
    pub synonyms: Vec<String>,
    pub is_unit: bool,
}

#[derive(Debug, Clone)]
pub struct ValueEntry {
    /// Exact value as stored (used in SQL).
    pub text: String,
    pub words: Vec<String>,
    pub stems: Vec<String>,
    pub count: u64,
}

#[derive(Debug, Clone)]
pub struct ColumnInfo {
    pub index: usize,
    pub words: Vec<NameWord>,
    /// Name words joined without separators ("windspeed").
    pub compact: String,
    /// User synonyms and phrases from the description, as stem sequences.
    pub phrases: Vec<Vec<String>>,
    pub role: Role,
    pub additive: bool,
    /// Literal meaning "yes" for binary columns (0/1, true/false, yes/no).
    pub truthy: Option<Lit>,
    pub year_like: bool,
    pub values: Vec<ValueEntry>,
    /// Share of distinct values among rows (1.0 = every row different).
    pub uniqueness: f64,
}

pub struct Catalog<'a> {
    pub schema: &'a Schema,
    pub columns: Vec<ColumnInfo>,
}

impl<'a> Catalog<'a> {
    pub fn new(schema: &'a Schema) -> Catalog<'a> {
        let columns = schema
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| column_info(i, c, schema.row_count))
            .collect();
        Catalog { schema, columns }
    }

    pub fn col(&self, i: usize) -> &'a Column {
        &self.schema.columns[i]
    }

    /// The main date column, if any (a name with "date" wins over other temporal columns).
    pub fn time_column(&self) -> Option<usize> {
        let temporal: Vec<&ColumnInfo> = self
            .columns
            .iter()
            .filter(|c| c.role == Role::Time)
            .collect();
        temporal
            .iter()
            .find(|c| c.words.iter().any(|w| w.word == "date"))
            .or(temporal.first())
            .map(|c| c.index)
    }

    /// An integer column holding years ("year", "season"), when there is no date column.
    pub fn year_column(&self) -> Option<usize> {
        self.columns.iter().find(|c| c.year_like).map(|c| c.index)
    }
}

fn json_f64(v: &Option<serde_json::Value>) -> Option<f64> {
    match v.as_ref()? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Bool(b) => Some(*b as u8 as f64),
        _ => None,
    }
}

/// The synonym table, stemmed once per process (linking runs per question).
fn synonym_stems() -> &'static Vec<Vec<String>> {
    static STEMS: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    STEMS.get_or_init(|| {
        SYNONYMS
            .iter()
            .map(|g| g.iter().map(|w| stem(w)).collect())
            .collect()
    })
}

fn name_word(w: &str) -> NameWord {
    let st = stem(w);
    let expansion = ABBREVIATIONS
        .iter()
        .find(|(a, _)| *a == w)
        .map(|(_, full)| stem(full));
    let mut synonyms = Vec::new();
    for group in synonym_stems() {
        let hit = group
            .iter()
            .any(|g| *g == st || *g == w || expansion.as_deref() == Some(g.as_str()));
        if hit {
            synonyms.extend(group.iter().filter(|s| **s != st).cloned());
        }
    }
    NameWord {
        word: w.to_string(),
        stem: st,
        expansion,
        synonyms,
        is_unit: false,
    }
}

fn column_info(index: usize, c: &Column, rows: u64) -> ColumnInfo {
    let all_parts = split_name(&c.name);
    // "Cost of goods sold": connecting words are not part of what the column means.
    let content: Vec<String> = all_parts
        .iter()
        .filter(|p| {
            !matches!(
                p.as_str(),
                "of" | "the" | "and" | "a" | "an" | "in" | "for" | "per" | "to"
            )
        })
        .cloned()
        .collect();
    let parts = if content.is_empty() {
        all_parts
    } else {
        content
    };
    let n = parts.len();
    let mut words: Vec<NameWord> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut w = name_word(p);
            // A trailing unit ("_mm", "_g") is optional when the name has other words.
            w.is_unit = n > 1 && i == n - 1 && UNITS.contains(&p.as_str());
            w
        })
        .collect();
    if words.is_empty() {
        words.push(name_word(&c.name.to_lowercase()));
    }
    let compact: String = parts.concat();
    let mut phrases: Vec<Vec<String>> = c
        .synonyms
        .iter()
        .map(|s| words_stems(s))
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(d) = &c.description {
        // Short descriptions ("gross revenue in USD") act as extra names.
        let ws = words_stems(d);
        if !ws.is_empty() && ws.len() <= 4 {
            phrases.push(ws);
        }
    }
    let distinct = c.distinct_count.unwrap_or(c.values.len() as u64);
    let uniqueness = if rows == 0 {
        0.0
    } else {
        distinct as f64 / rows as f64
    };
    let lower_words: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
    let year_like = c.data_type == ColumnType::Integer
        && lower_words
            .iter()
            .any(|w| matches!(*w, "year" | "yr" | "season" | "election"))
        && json_f64(&c.min).is_none_or(|m| (1000.0..=2200.0).contains(&m));
    let is_id = lower_words
        .iter()
        .any(|w| matches!(*w, "id" | "uuid" | "code" | "key" | "identifier"))
        || (c.data_type == ColumnType::String && uniqueness > 0.95 && rows > 20);
    let role = match c.data_type {
        ColumnType::Date | ColumnType::Datetime => Role::Time,
        _ if is_id => Role::Identifier,
        ColumnType::Integer | ColumnType::Float if !year_like => {
            // Small integer codes (pclass 1..3) behave like categories, but they can
            // still be averaged, so they stay measures; the parser decides by context.
            Role::Measure
        }
        _ => Role::Dimension,
    };
    let additive = !year_like
        && !lower_words
            .iter()
            .any(|w| NON_ADDITIVE.contains(w) || NON_ADDITIVE.contains(&stem(w).as_str()));
    let truthy = truthy_literal(c);
    let entry = |text: &str, spelled: &str, count: u64| {
        let ws = crate::text::words(spelled);
        ValueEntry {
            text: text.to_string(),
            stems: ws.iter().map(|w| stem(w)).collect(),
            words: ws,
            count,
        }
    };
    let mut values: Vec<ValueEntry> = c
        .values
        .iter()
        .map(|(v, n)| entry(v, v, *n))
        .filter(|v| !v.words.is_empty())
        .collect();
    // "Japan (JPN)", "Sedona, Arizona": users write the head alone. Each head that only
    // one value has also links to it.
    let heads: Vec<(String, &String, u64)> = c
        .values
        .iter()
        .filter_map(|(v, n)| Some((value_head(v)?, v, *n)))
        .collect();
    for (head, v, n) in &heads {
        let shared = heads.iter().filter(|(h, _, _)| h == head).count() > 1
            || c.values.iter().any(|(o, _)| o.eq_ignore_ascii_case(head));
        if !shared {
            values.push(entry(v, head, *n));
        }
    }
    let values: Vec<ValueEntry> = values.into_iter().filter(|v| !v.words.is_empty()).collect();
    ColumnInfo {
        index,
        words,
        compact,
        phrases,
        role,
        additive,
        truthy,
        year_like,
        values,
        uniqueness,
    }
}

/// The part of a value before a parenthesis or comma, when there is more after it:
/// "Japan (JPN)" -> "Japan", "Sedona, Arizona, USA" -> "Sedona".
fn value_head(v: &str) -> Option<String> {
    let cut = v.find(['(', ','])?;
    let head = v[..cut].trim();
    (head.chars().filter(|c| c.is_alphabetic()).count() >= 3 && head.len() + 1 < v.trim().len())
        .then(|| head.to_string())
}

fn words_stems(s: &str) -> Vec<String> {
    words(s)
        .iter()
        .filter(|w| !crate::lexicon::is_stopword(w))
        .map(|w| stem(w))
        .collect()
}

fn truthy_literal(c: &Column) -> Option<Lit> {
    match c.data_type {
        ColumnType::Boolean => Some(Lit::Bool(true)),
        ColumnType::Integer => {
            let (lo, hi) = (json_f64(&c.min)?, json_f64(&c.max)?);
            (lo == 0.0 && hi == 1.0 && c.distinct_count.unwrap_or(2) <= 2).then_some(Lit::Num(1.0))
        }
        ColumnType::String if (1..=2).contains(&c.values.len()) => {
            let yes = c.values.iter().find(|(v, _)| {
                matches!(v.to_lowercase().as_str(), "yes" | "y" | "true" | "t" | "1")
            })?;
            let others_no = c.values.iter().all(|(v, _)| {
                matches!(
                    v.to_lowercase().as_str(),
                    "yes" | "y" | "true" | "t" | "1" | "no" | "n" | "false" | "f" | "0"
                )
            });
            others_no.then(|| Lit::Str(yes.0.clone()))
        }
        _ => None,
    }
}
