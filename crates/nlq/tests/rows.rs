//! Row-relative questions (neighbours in table order, first/last listed, differences
//! between rows, "same as") on small tables of our own, executed with DataFusion.

mod support;

use nlq::{answer, Answer, Context};
use support::{table, Table};

const MEDALS: &str = "Rank,Nation,Gold,Silver,Bronze,Total
1,Norway,9,4,3,16
2,Kenya,5,6,2,13
3,Peru,5,1,1,7
4,Chile,2,3,5,10
5,Japan,1,1,0,2
";

const RACE: &str = "Rank,Name,Country,Time
1,Anna Berg,Sweden,54.2
2,Maria Lopez,Spain,54.9
3,Ida Holm,Denmark,55.1
4,Petra Novak,Slovakia,55.1
";

const CLUBS: &str = "Club,City,Founded
Ajax,Amsterdam,1900
Feyenoord,Rotterdam,1908
Twente,Enschede,1965
";

async fn ask(t: &Table, q: &str) -> Vec<Vec<String>> {
    let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let sql = match answer(q, &t.schema, &Context { today }) {
        Answer::Sql { sql, .. } => sql,
        Answer::Clarify { message, .. } => panic!("abstained on {q:?}: {message}"),
    };
    t.rows(&sql)
        .await
        .unwrap_or_else(|e| panic!("{q:?}: {e}\n{sql}"))
}

fn first(rows: &[Vec<String>]) -> Vec<String> {
    rows.iter().map(|r| r[0].clone()).collect()
}

#[tokio::test]
async fn neighbours_follow_table_order() {
    let race = table("race", RACE).await;
    assert_eq!(
        first(&ask(&race, "who came in after maria lopez?").await),
        ["Ida Holm"]
    );
    assert_eq!(
        first(&ask(&race, "who finished before ida holm?").await),
        ["Maria Lopez"]
    );
    assert_eq!(
        first(&ask(&race, "which country is listed after spain?").await),
        ["Denmark"]
    );
    assert_eq!(
        first(&ask(&race, "how many athletes are above ida holm?").await),
        ["2"]
    );
}

#[tokio::test]
async fn first_and_last_listed() {
    let clubs = table("clubs", CLUBS).await;
    assert_eq!(
        first(&ask(&clubs, "what is the last club listed?").await),
        ["Twente"]
    );
    assert_eq!(
        first(&ask(&clubs, "which city is first on the list?").await),
        ["Amsterdam"]
    );
    // Two order words pointing the same way are one step.
    assert_eq!(
        first(&ask(&clubs, "what is the next club listed after ajax?").await),
        ["Feyenoord"]
    );
}

#[tokio::test]
async fn differences_between_rows_and_columns() {
    let medals = table("medals", MEDALS).await;
    assert_eq!(
        first(
            &ask(
                &medals,
                "what is the difference in gold between norway and chile?"
            )
            .await
        ),
        ["7"]
    );
    assert_eq!(
        first(
            &ask(
                &medals,
                "how many more silver medals did kenya win than peru?"
            )
            .await
        ),
        ["5"]
    );
    assert_eq!(
        first(&ask(&medals, "difference between gold and bronze for chile").await),
        ["3"]
    );
}

#[tokio::test]
async fn rows_sharing_a_value() {
    let medals = table("medals", MEDALS).await;
    assert_eq!(
        first(
            &ask(
                &medals,
                "which nation won the same number of gold medals as kenya?"
            )
            .await
        ),
        ["Peru"]
    );
    let race = table("race", RACE).await;
    assert_eq!(
        first(&ask(&race, "who had the same time as ida holm?").await),
        ["Petra Novak"]
    );
}

#[tokio::test]
async fn one_of_two_named_rows() {
    let medals = table("medals", MEDALS).await;
    assert_eq!(
        first(&ask(&medals, "which nation won more silver, kenya or chile?").await),
        ["Kenya"]
    );
    let clubs = table("clubs", CLUBS).await;
    assert_eq!(
        first(&ask(&clubs, "which club was founded first, twente or feyenoord?").await),
        ["Feyenoord"]
    );
}

#[tokio::test]
async fn aggregates_over_the_first_rows_listed() {
    let medals = table("medals", MEDALS).await;
    assert_eq!(
        first(
            &ask(
                &medals,
                "what is the average gold of the first two nations?"
            )
            .await
        ),
        ["7.0"]
    );
    assert_eq!(
        first(&ask(&medals, "what is the total silver of the last 3 nations?").await),
        ["5"]
    );
}

#[tokio::test]
async fn the_order_word_nearest_the_anchor_counts() {
    let race = table("race", RACE).await;
    assert_eq!(
        first(&ask(&race, "what is the next name to be listed after anna berg?").await),
        ["Maria Lopez"]
    );
}

#[tokio::test]
async fn who_is_first_or_last_answers_with_a_person() {
    let race = table("race", RACE).await;
    assert_eq!(
        first(&ask(&race, "who is the last rank listed?").await),
        ["Petra Novak"]
    );
}
