//! Ask one question about a CSV file: prints the SQL, the interpretation and the result.
//! Usage: cargo run -p nlq --example ask FILE.csv "question" [YYYY-MM-DD]

#[path = "../tests/harness/mod.rs"]
mod harness;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, question) = (&args[0], &args[1]);
    let today = args
        .get(2)
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let table = harness::load_csv(std::path::Path::new(file)).expect("load csv");
    let ans = nlq::answer(question, &table.schema, &nlq::Context { today });
    println!("{}", serde_json::to_string_pretty(&ans).unwrap());
    if let nlq::Answer::Sql { sql, .. } = &ans {
        match harness::execute(&table, sql).await {
            Ok((cols, rows)) => {
                println!("{cols:?}");
                for r in rows.iter().take(20) {
                    println!("{r:?}");
                }
            }
            Err(e) => println!("error: {e}"),
        }
    }
}
