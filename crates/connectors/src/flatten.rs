//! Nested JSON records -> flat ones: `{"a": {"b": 1}}` becomes `{"a.b": 1}`;
//! arrays stay whole, as JSON text (one row per record, not per element).

use serde_json::{Map, Value};

/// Objects deeper than this are kept as JSON text rather than split further.
const MAX_DEPTH: usize = 16;

/// `record` with nested objects flattened into `parent.child` keys. A record that
/// is not an object becomes `{"value": …}`.
pub fn flatten(record: Value) -> Map<String, Value> {
    let mut out = Map::new();
    match record {
        Value::Object(map) => flatten_into(&mut out, None, map, 0),
        other => {
            out.insert("value".into(), leaf(other));
        }
    }
    out
}

fn flatten_into(
    out: &mut Map<String, Value>,
    prefix: Option<&str>,
    map: Map<String, Value>,
    depth: usize,
) {
    for (key, value) in map {
        let name = match prefix {
            Some(p) => format!("{p}.{key}"),
            None => key,
        };
        match value {
            Value::Object(inner) if depth < MAX_DEPTH && !inner.is_empty() => {
                flatten_into(out, Some(&name), inner, depth + 1)
            }
            other => {
                out.insert(name, leaf(other));
            }
        }
    }
}

fn leaf(value: Value) -> Value {
    match value {
        Value::Array(_) | Value::Object(_) => Value::String(value.to_string()),
        scalar => scalar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_become_dotted_columns_and_arrays_text() {
        let flat = flatten(json!({
            "id": 1,
            "customer": {"name": "Ann", "address": {"city": "Oslo"}},
            "tags": ["a", "b"],
            "empty": {},
            "note": null
        }));
        assert_eq!(
            Value::Object(flat),
            json!({
                "id": 1,
                "customer.name": "Ann",
                "customer.address.city": "Oslo",
                "tags": "[\"a\",\"b\"]",
                "empty": "{}",
                "note": null
            })
        );
        assert_eq!(Value::Object(flatten(json!(5))), json!({"value": 5}));
    }
}
