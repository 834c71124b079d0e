//! Offline natural-language engine: (question, schema, today) -> DataFusion SQL plus a
//! structured interpretation, or a clarification. It never executes anything.
//!
//! # Public API
//!
//! - [`answer`]`(question: &str, schema: &Schema, ctx: &Context) -> Answer`
//!   - [`Answer::Sql`]` { sql, interpretation, confidence }` — SQL in the DataFusion
//!     dialect (double-quoted identifiers, `date_trunc`, `median`, `corr`, ...), always
//!     against `schema.table`.
//!   - [`Answer::Clarify`]` { message, suggestions }` — when the question cannot be grounded
//!     in the table; 2–4 concrete questions built from the schema.
//! - [`suggest_questions`]`(schema: &Schema) -> Vec<String>` — 4–6 example questions.
//! - [`Schema`], [`Column`], [`ColumnType`] (`domain`'s), [`Context`], [`Interpretation`] — plain data,
//!   `Serialize`/`Deserialize`.
//! - [`llm`]: the LLM path for what the rules cannot ground (prompt, OpenAI-compatible
//!   client, reply parsing, repair loop); [`route`] picks `rules`, `llm` or `auto`.
//!
//! # How a question is read
//!
//! 1. [`text`] tokenizes (numbers, "$2,000", "20%", quoted names, ISO dates, stems).
//! 2. [`catalog`] describes each column: name words, role (measure, dimension, time,
//!    identifier), synonyms, and a normalized value index.
//! 3. [`link`] scores spans of the question against columns (exact, stem, synonym,
//!    abbreviation, fuzzy) and values, and keeps the best non-overlapping links.
//! 4. [`dates`] resolves absolute and relative date phrases against `ctx.today`.
//! 5. [`parse`] turns links plus the [`lexicon`] words into a [`plan::Plan`]; questions
//!    about rows relative to other rows (next/previous/first listed, differences between
//!    rows, "same as", "A or B") become a [`plan::RowQuery`] (`parse/rows.rs`), and
//!    `parse/checks.rs` lowers the confidence of unlikely readings.
//! 6. [`sql`] renders the plan with quoted identifiers and escaped literals and checks the
//!    result parses; [`interpret`] describes it in words.

pub mod agree;
pub mod catalog;
pub mod dates;
pub mod error;
pub mod interpret;
pub mod lexicon;
pub mod link;
pub mod llm;
pub mod parse;
pub mod plan;
pub mod router;
pub mod sql;
pub mod suggest;
pub mod text;

use serde::{Deserialize, Serialize};

pub use error::Error;
pub use interpret::Interpretation;
pub use router::{route, RouteError, Routed};
pub use suggest::suggest_questions;

pub use domain::ColumnType;

/// One column of the data source, from its profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Name as the user sees it.
    pub name: String,
    /// Identifier used in SQL (quoted by the generator).
    pub sql_name: String,
    pub data_type: ColumnType,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub distinct_count: Option<u64>,
    #[serde(default)]
    pub min: Option<serde_json::Value>,
    #[serde(default)]
    pub max: Option<serde_json::Value>,
    /// Distinct values of a low-cardinality text column with their counts; empty otherwise.
    #[serde(default)]
    pub values: Vec<(String, u64)>,
}

impl Column {
    /// A column with only a name and a type (tests, simple callers).
    pub fn new(name: &str, data_type: ColumnType) -> Column {
        Column {
            name: name.to_string(),
            sql_name: name.to_string(),
            data_type,
            description: None,
            synonyms: Vec::new(),
            distinct_count: None,
            min: None,
            max: None,
            values: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The SQL name to query, usually "data".
    pub table: String,
    pub row_count: u64,
    pub columns: Vec<Column>,
}

impl Schema {
    /// The engine's view of a stored data source, queried as `table`. The one
    /// way a source's schema reaches the engine: the server, `insightiq ask`,
    /// `insightiq eval` and the accuracy floors all come through here.
    pub fn from_source(source: &domain::SourceSchema, table: &str) -> Schema {
        let columns = source
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                sql_name: c.sql_name.clone(),
                data_type: c.column_type,
                description: c.description.clone(),
                synonyms: c.synonyms.clone(),
                distinct_count: c.distinct_count,
                min: c.min.clone().filter(|v| !v.is_null()),
                max: c.max.clone().filter(|v| !v.is_null()),
                values: c
                    .values
                    .iter()
                    .map(|v| (v.value.clone(), v.count))
                    .collect(),
            })
            .collect();
        Schema {
            table: table.to_string(),
            row_count: source.row_count,
            columns,
        }
    }
}

/// What relative expressions resolve against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub today: chrono::NaiveDate,
}

// One Answer per request: boxing the interpretation would only make callers' matches noisier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    Sql {
        sql: String,
        interpretation: Interpretation,
        confidence: f32,
    },
    Clarify {
        message: String,
        suggestions: Vec<String>,
    },
}

/// Below this confidence the engine asks instead of answering: a wrong number shown with
/// confidence costs the user more than a question back.
pub const MIN_CONFIDENCE: f32 = 0.5;

/// Answer a question about one table.
pub fn answer(question: &str, schema: &Schema, ctx: &Context) -> Answer {
    let catalog = catalog::Catalog::new(schema);
    match parse::parse(question, &catalog, ctx) {
        Ok(parsed) if parsed.confidence >= MIN_CONFIDENCE => {
            match sql::render(&parsed.plan, schema) {
                Ok(sql) => Answer::Sql {
                    interpretation: interpret::describe(&parsed, schema),
                    sql,
                    confidence: parsed.confidence,
                },
                Err(e) => clarify(schema, &e.to_string()),
            }
        }
        Ok(parsed) => clarify(schema, &{
            let reading = interpret::describe(&parsed, schema);
            let ignored = if reading.ignored_words.is_empty() {
                String::new()
            } else {
                format!(" I could not place: {}.", reading.ignored_words.join(", "))
            };
            format!(
                "I am not sure I understood. My best reading was: {}.{ignored}",
                reading.summary
            )
        }),
        Err(why) => clarify(schema, &why.to_string()),
    }
}

fn clarify(schema: &Schema, why: &str) -> Answer {
    let mut suggestions = suggest_questions(schema);
    suggestions.truncate(4);
    Answer::Clarify {
        message: format!("{why} Try asking about one of the columns, for example:"),
        suggestions,
    }
}
