//! One test per construct the parser supports beyond the golden cases, on small synthetic
//! schemas: asserts on the generated SQL.

use nlq::{answer, Answer, Column, ColumnType, Context, Schema};
use serde_json::json;

fn today() -> Context {
    Context {
        today: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
    }
}

fn sql(q: &str, s: &Schema) -> String {
    match answer(q, s, &today()) {
        Answer::Sql { sql, .. } => sql,
        Answer::Clarify { message, .. } => panic!("abstained on {q:?}: {message}"),
    }
}

fn text(name: &str, values: &[&str]) -> Column {
    let mut c = Column::new(name, ColumnType::String);
    c.values = values.iter().map(|v| (v.to_string(), 1)).collect();
    c.distinct_count = Some(values.len() as u64);
    c
}

fn medals() -> Schema {
    let nations = [
        "Norway", "Kenya", "Peru", "Chile", "Japan", "Spain", "Italy", "Egypt",
    ];
    Schema {
        table: "data".into(),
        row_count: nations.len() as u64,
        columns: vec![
            Column::new("Rank", ColumnType::Integer),
            text("Nation", &nations),
            Column::new("Gold", ColumnType::Integer),
            Column::new("Silver", ColumnType::Integer),
            Column::new("Total", ColumnType::Integer),
        ],
    }
}

#[test]
fn a_name_written_as_one_word_beats_a_shared_prefix() {
    let mut a = Column::new("MedInc", ColumnType::Float);
    a.min = Some(json!(0.5));
    let s = Schema {
        table: "data".into(),
        row_count: 100,
        columns: vec![a, Column::new("MedianHouseValue", ColumnType::Float)],
    };
    let q = sql("Calculate the mean of the MedianHouseValue column.", &s);
    assert!(q.contains("AVG(\"MedianHouseValue\")"), "{q}");
}

#[test]
fn how_many_times_counts_rows_not_a_time_column() {
    let mut s = medals();
    s.columns.retain(|c| c.name != "Total");
    // Several rows per nation, so counting them is a real question.
    s.columns[1].values.iter_mut().for_each(|v| v.1 = 3);
    s.columns.push(Column::new("Time", ColumnType::String));
    let q = sql("how many times did kenya appear?", &s);
    assert!(q.contains("COUNT(*)"), "{q}");
    assert!(!q.contains("\"Time\""), "{q}");
}

#[test]
fn counting_a_pinned_row_reads_its_total_column() {
    let q = sql("how many medals did kenya win?", &medals());
    assert!(q.contains("SUM(\"Total\")"), "{q}");
    assert!(q.contains("'Kenya'"), "{q}");
}

#[test]
fn total_medals_of_a_pinned_row_read_the_total_column() {
    let q = sql("how many total medals did kenya win?", &medals());
    assert!(q.contains("SUM(\"Total\")"), "{q}");
}

#[test]
fn which_unnamed_noun_ranks_the_label_column() {
    let q = sql("which country has the most silver?", &medals());
    assert!(q.contains("\"Nation\""), "{q}");
    assert!(q.contains("\"Silver\" DESC"), "{q}");
}

#[test]
fn rankings_put_missing_values_last() {
    let q = sql("which nation has the highest gold?", &medals());
    assert!(q.contains("NULLS LAST"), "{q}");
}

#[test]
fn if_yes_follow_ups_are_not_unplaced_words() {
    let s = Schema {
        table: "data".into(),
        row_count: 100,
        columns: vec![
            Column::new("Value", ColumnType::Float),
            Column::new("TIME", ColumnType::Integer),
        ],
    };
    let q = sql(
        "Is there a correlation between the \"Value\" column and the \"TIME\" column? If yes, what is the correlation coefficient?",
        &s,
    );
    assert!(q.contains("corr("), "{q}");
}

fn paintings() -> Schema {
    let mut score = text("Composition", &["12", "14", "15", "x"]);
    score.values.iter_mut().for_each(|v| v.1 = 5);
    let mut painter = Column::new("Painter", ColumnType::String);
    painter.distinct_count = Some(40);
    Schema {
        table: "data".into(),
        row_count: 40,
        columns: vec![painter, score],
    }
}

#[test]
fn a_bare_number_joined_to_its_column_by_in_is_a_value() {
    let q = sql("how many painters scored 12 in composition?", &paintings());
    assert!(q.contains("\"Composition\" = '12'"), "{q}");
}

#[test]
fn counting_a_one_per_row_column_counts_rows() {
    let q = sql(
        "what is the number of painters who scored 14 in composition?",
        &paintings(),
    );
    assert!(q.contains("COUNT(*)"), "{q}");
    assert!(!q.contains("GROUP BY"), "{q}");
}

#[test]
fn the_last_thing_released_names_the_row_not_the_date() {
    let mut date = Column::new("Release date", ColumnType::Date);
    date.min = Some(json!("2001-01-01"));
    date.max = Some(json!("2013-01-31"));
    let mut title = Column::new("Title", ColumnType::String);
    title.distinct_count = Some(30);
    let s = Schema {
        table: "data".into(),
        row_count: 30,
        columns: vec![title, date],
    };
    let q = sql("what was the last game released?", &s);
    assert!(q.contains("SELECT \"Title\""), "{q}");
    assert!(q.contains("\"Release date\" DESC"), "{q}");
}

#[test]
fn what_is_the_most_x_is_a_maximum() {
    let q = sql("what is the most silver?", &medals());
    assert_eq!(q, "SELECT MAX(\"Silver\") AS \"max_silver\" FROM \"data\"");
}

#[test]
fn the_number_of_x_of_a_pinned_row_is_its_value() {
    let mut s = medals();
    s.columns.retain(|c| c.name != "Total");
    // Two cars per engine: counting engines in general is a real question.
    let mut engine = text("Engine", &["V8", "Inline 6", "V6", "Flat 4"]);
    engine.values.iter_mut().for_each(|v| v.1 = 2);
    s.columns.push(engine);
    let q = sql("number of engines that kenya has", &s);
    assert!(q.starts_with("SELECT \"Engine\" FROM"), "{q}");
}

#[test]
fn choosing_between_two_rows_without_a_ranking_abstains() {
    let s = medals();
    let a = answer("which nation is nicer, kenya or chile?", &s, &today());
    assert!(matches!(a, Answer::Clarify { .. }), "{a:?}");
}

#[test]
fn counting_points_is_not_counting_rows() {
    let mut s = medals();
    s.columns[1].values.iter_mut().for_each(|v| v.1 = 3);
    let a = answer("how many points did kenya score?", &s, &today());
    assert!(matches!(a, Answer::Clarify { .. }), "{a:?}");
}

#[test]
fn which_unnamed_noun_with_a_condition_lists_the_label_column() {
    let mut s = medals();
    s.columns.retain(|c| c.name != "Total");
    let q = sql("which countries have a gold above 4?", &s);
    assert!(q.starts_with("SELECT DISTINCT \"Nation\""), "{q}");
    assert!(q.contains("\"Gold\" > 4"), "{q}");
}

#[test]
fn a_stored_count_needs_the_columns_own_word() {
    let s = Schema {
        table: "data".into(),
        row_count: 20,
        columns: vec![
            text("Series", &["One", "Two", "Three", "Four"]),
            Column::new("No. of Ep.", ColumnType::Integer),
        ],
    };
    // "episodes" reaches "Ep." through the abbreviation: a filter here, not a sum.
    let q = sql("how many series had 8 episodes?", &s);
    assert!(q.contains("COUNT("), "{q}");
    assert!(q.contains("= 8"), "{q}");
}

#[test]
fn how_many_of_a_named_column_for_a_pinned_row_is_its_value() {
    let q = sql("how many silver medals did kenya get?", &medals());
    assert!(q.contains("SUM(\"Silver\")"), "{q}");
    assert!(q.contains("'Kenya'"), "{q}");
}

#[test]
fn the_most_in_a_column_is_its_maximum() {
    let q = sql("which nation has the most in silver?", &medals());
    assert!(q.contains("\"Silver\" DESC"), "{q}");
    assert!(q.contains("\"Nation\""), "{q}");
}

fn storms() -> Schema {
    Schema {
        table: "data".into(),
        row_count: 100,
        columns: vec![
            text("name", &[]),
            Column::new("max_storm_cat", ColumnType::Integer),
            Column::new("min_p", ColumnType::Float),
            Column::new("compound", ColumnType::Float),
        ],
    }
}

#[test]
fn missing_values_of_the_quoted_column() {
    let q = sql(
        "How many storms have null values in the \"min_p\" column?",
        &storms(),
    );
    assert!(q.contains("COUNT(\"min_p\")"), "{q}");
}

#[test]
fn words_describing_a_quoted_column_are_not_unplaced() {
    let q = sql(
        "Calculate the mean and standard deviation of the \"compound\" sentiment score column.",
        &storms(),
    );
    assert!(q.contains("AVG(\"compound\")"), "{q}");
    assert!(q.contains("stddev(\"compound\")"), "{q}");
}
