//! Questions answered by a real language model: the local
//! Qwen2.5-Coder-1.5B-Instruct served by llama.cpp's OpenAI-compatible
//! `llama-server` (`scripts/install-local-llm.sh`, `scripts/start-local-llm.sh`).
//! Runs when `INSIGHTIQ_TEST_LLM_URL` names that server's `/v1` (CI sets it);
//! prints a notice otherwise. Each answer's number is checked against the
//! same figure computed with SQL we wrote.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{shared_table, TestApp};

fn local_model_url() -> Option<String> {
    match std::env::var("INSIGHTIQ_TEST_LLM_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!("CI must set INSIGHTIQ_TEST_LLM_URL"),
        _ => {
            eprintln!("notice: INSIGHTIQ_TEST_LLM_URL is not set; skipping the local-model test");
            None
        }
    }
}

/// The first number in the first row of an answer.
fn first_number(answer: &Value) -> Option<f64> {
    answer["result_data"]["rows"][0]
        .as_array()?
        .iter()
        .find_map(Value::as_f64)
}

#[tokio::test]
async fn a_real_local_model_answers_with_the_right_numbers() {
    let Some(base_url) = local_model_url() else {
        return;
    };
    let app = TestApp::spawn_with(|s| {
        s.llm = Some(nlq::llm::LlmConfig {
            base_url,
            api_key: "local".into(),
            model: std::env::var("INSIGHTIQ_TEST_LLM_MODEL")
                .unwrap_or_else(|_| "qwen2.5-coder-1.5b-instruct".into()),
            // Greedy decoding, so the run is repeatable.
            temperature: 0.0,
            max_tokens: 400,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(180),
            max_retries: 1,
        })
    })
    .await;
    let (token, _) = app.register_and_login().await;
    let source = app
        .upload_ok(&token, "sales.csv", shared_table("supermarket_sales.csv"))
        .await;
    let id = source["id"].as_str().unwrap();

    let cases = [
        (
            "What is the total of the Total column?",
            "SELECT SUM(\"Total\") FROM data",
        ),
        (
            "What is the average gross income?",
            "SELECT AVG(\"Gross income\") FROM data",
        ),
        (
            "How many sales were made in Yangon?",
            "SELECT COUNT(*) FROM data WHERE \"City\" = 'Yangon'",
        ),
        (
            "What is the highest unit price?",
            "SELECT MAX(\"Unit price\") FROM data",
        ),
    ];
    for (question, gold_sql) in cases {
        let (status, gold) = app
            .post_authed(
                "/api/v1/queries/execute",
                &token,
                &json!({"data_source_id": id, "sql": gold_sql}),
            )
            .await;
        assert_eq!(status, 200, "{gold}");
        let expected = first_number(&gold).unwrap();

        let (status, answer) = app
            .post_authed(
                "/api/v1/queries/natural-language",
                &token,
                &json!({"data_source_id": id, "query_text": question, "engine": "llm"}),
            )
            .await;
        assert_eq!(status, 200, "{question}: {answer}");
        assert_eq!(answer["status"], "answered", "{question}: {answer}");
        assert_eq!(answer["engine"], "llm");
        let llm = &answer["llm"];
        assert!(llm["prompt_tokens"].as_u64().unwrap() > 0, "{answer}");
        assert!(llm["attempts"].as_u64().unwrap() >= 1);
        let got =
            first_number(&answer).unwrap_or_else(|| panic!("{question}: no number in {answer}"));
        assert!(
            (got - expected).abs() <= 1e-6 * expected.abs().max(1.0),
            "{question}: the model's SQL {} gave {got}, expected {expected}",
            answer["interpreted_query"]
        );
        eprintln!(
            "{question} -> {got} ({} tokens, {} attempt(s)): {}",
            llm["prompt_tokens"].as_u64().unwrap() + llm["completion_tokens"].as_u64().unwrap(),
            llm["attempts"],
            answer["interpreted_query"]
        );
    }
    // The tokens are on the user's account.
    let usage = app.get_ok("/api/v1/stats/usage", &token).await;
    assert!(usage["llm"]["tokens_today"].as_i64().unwrap() > 0);
}
