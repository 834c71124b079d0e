//! The dashboard over real HTTP: pin answers and saved charts, reorder and resize,
//! re-run tiles against the current snapshot, tiles of a deleted source, isolation.

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::{error_code, shared_table, TestApp};

async fn ask(app: &TestApp, token: &str, source: &str, question: &str) -> Value {
    let (status, body) = app
        .post_authed(
            "/api/v1/queries/natural-language",
            token,
            &json!({"data_source_id": source, "query_text": question}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: &Value,
) -> (u16, Value) {
    let response = app
        .authed(method, path, token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Uploads the supermarket table for `token`'s user; its source id.
async fn sales(app: &TestApp, token: &str) -> String {
    let source = app
        .upload_ok(
            token,
            "supermarket_sales.csv",
            shared_table("supermarket_sales.csv"),
        )
        .await;
    source["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn pinned_answers_rerun_reorder_and_say_why_they_are_empty() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let (bob, _) = app.register_and_login().await;
    let id = &sales(&app, &token).await;
    let by_city = ask(&app, &token, id, "total sales by city").await;
    let total = ask(&app, &token, id, "total quantity").await;

    // Pin an answer with the chart as shown, and another with its saved chart.
    let chart = &by_city["visualizations"][0]["config"];
    let (status, first) = app
        .post_authed(
            "/api/v1/dashboard/tiles",
            &token,
            &json!({"query_id": by_city["id"], "chart": chart, "width": 2}),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (first["position"].as_i64(), first["width"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(first["source_name"], "supermarket_sales");
    let (status, second) = app
        .post_authed(
            "/api/v1/dashboard/tiles",
            &token,
            &json!({"query_id": total["id"], "title": "Units sold"}),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["title"], "Units sold");

    // Bad input: both ids, a size off the grid, a chart key that is not a column.
    for body in [
        json!({"query_id": total["id"], "visualization_id": total["id"]}),
        json!({"query_id": total["id"], "width": 7}),
        json!({"query_id": by_city["id"], "chart": {"chart_type": "bar", "x_key": "nope", "y_keys": ["nope"]}}),
    ] {
        let (status, err) = app
            .post_authed("/api/v1/dashboard/tiles", &token, &body)
            .await;
        assert_eq!(status, 422, "{body} -> {err}");
        assert!(err["error"]["message"].as_str().unwrap().len() > 10);
    }
    assert_eq!(
        app.get_ok("/api/v1/dashboard/tiles", &token)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The tile re-runs its SQL against the current snapshot.
    let tile = |t: &Value| format!("/api/v1/dashboard/tiles/{}", t["id"].as_str().unwrap());
    let drawn = app
        .get_ok(&format!("{}/result", tile(&first)), &token)
        .await;
    assert_eq!(drawn["status"], "ok", "{drawn}");
    assert_eq!(drawn["result"]["rows"].as_array().unwrap().len(), 3);

    // Reorder (all ids, each once) and resize.
    let (status, order) = send(
        &app,
        Method::PUT,
        "/api/v1/dashboard/tiles/order",
        &token,
        &json!({"tile_ids": [second["id"], first["id"]]}),
    )
    .await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(order[0]["id"], second["id"]);
    let (status, _) = send(
        &app,
        Method::PUT,
        "/api/v1/dashboard/tiles/order",
        &token,
        &json!({"tile_ids": [second["id"]]}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, resized) = send(
        &app,
        Method::PATCH,
        &tile(&second),
        &token,
        &json!({"height": 2}),
    )
    .await;
    assert_eq!((status, resized["height"].as_i64()), (200, Some(2)));

    // Another user: 404 on every tile endpoint, and their dashboard is empty.
    assert!(app
        .get_ok("/api/v1/dashboard/tiles", &bob)
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let r = app
        .authed(Method::GET, &format!("{}/result", tile(&first)), &bob)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (status, _) = send(
        &app,
        Method::PATCH,
        &tile(&first),
        &bob,
        &json!({"width": 1}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(&app, Method::DELETE, &tile(&first), &bob, &json!({})).await;
    assert_eq!(status, 404);
    let (status, _) = app
        .post_authed(
            "/api/v1/dashboard/tiles",
            &bob,
            &json!({"query_id": total["id"]}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = send(
        &app,
        Method::PUT,
        "/api/v1/dashboard/tiles/order",
        &bob,
        &json!({"tile_ids": []}),
    )
    .await;
    assert_eq!(status, 200, "an empty dashboard reorders to itself");

    // Deleting the history entry keeps the tile; deleting the source empties it, with why.
    let r = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/queries/{}", by_city["id"].as_str().unwrap()),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.get_ok(&format!("{}/result", tile(&first)), &token)
            .await["status"],
        "ok"
    );
    let r = app
        .authed(
            Method::DELETE,
            &format!("/api/v1/data-sources/{id}"),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let empty = app
        .get_ok(&format!("{}/result", tile(&first)), &token)
        .await;
    assert_eq!(empty["status"], "source_deleted", "{empty}");
    assert!(empty["message"]
        .as_str()
        .unwrap()
        .contains("supermarket_sales"));

    let (status, _) = send(&app, Method::DELETE, &tile(&first), &token, &json!({})).await;
    assert_eq!(status, 204);
    let r = app
        .authed(Method::GET, &tile(&first), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        405,
        "a tile is read through the list and its result"
    );
    let missing = app
        .authed(Method::GET, &format!("{}/result", tile(&first)), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(missing, 404).await, "not_found");
}

#[tokio::test]
async fn a_saved_chart_can_be_pinned_and_a_clarification_cannot() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register_and_login().await;
    let id = &sales(&app, &token).await;
    let answer = ask(&app, &token, id, "average rating by branch").await;
    let mut config = answer["visualizations"][0]["config"].clone();
    config["title"] = json!("Ratings");
    let (status, viz) = app
        .post_authed(
            "/api/v1/visualizations",
            &token,
            &json!({"query_id": answer["id"], "chart_type": "pie", "config_json": config}),
        )
        .await;
    assert_eq!(status, 201, "{viz}");
    let (status, tile) = app
        .post_authed(
            "/api/v1/dashboard/tiles",
            &token,
            &json!({"visualization_id": viz["id"]}),
        )
        .await;
    assert_eq!(status, 201, "{tile}");
    assert_eq!(
        (tile["title"].as_str(), tile["chart"]["chart_type"].as_str()),
        (Some("Ratings"), Some("pie"))
    );

    let unclear = ask(&app, &token, id, "what about the thing").await;
    assert_eq!(unclear["status"], "needs_clarification", "{unclear}");
    let (status, err) = app
        .post_authed(
            "/api/v1/dashboard/tiles",
            &token,
            &json!({"query_id": unclear["id"]}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "nothing_to_pin");
}
