//! JSON files: an array of objects or newline-delimited objects, streamed with serde
//! (never the whole document as one value); nested values are kept as JSON text.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Error as _, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ingest::{IngestOptions, Rows, TableText};

/// A top-level object with its keys in file order.
type Obj = Vec<(String, Value)>;

/// One top-level JSON value: an object (keys in order) or the kind of anything else.
enum Top {
    Obj(Obj),
    Other(&'static str),
}

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Top, D::Error> {
        d.deserialize_any(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<M: serde::de::MapAccess<'de>>(
        self,
        mut m: M,
    ) -> std::result::Result<Top, M::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = m.next_entry::<String, Value>()? {
            out.push((k, v));
        }
        Ok(Top::Obj(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> std::result::Result<Top, A::Error> {
        while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Top::Other("an array"))
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<Top, E> {
        Ok(Top::Other("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<Top, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<Top, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<Top, E> {
        Ok(Top::Other("a number"))
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<Top, E> {
        Ok(Top::Other("a string"))
    }
    fn visit_unit<E>(self) -> std::result::Result<Top, E> {
        Ok(Top::Other("null"))
    }
}

fn obj_depth(o: &Obj) -> usize {
    1 + o.iter().map(|(_, v)| depth_of(v)).max().unwrap_or(0)
}

pub(crate) fn open(src: &Path, opts: &IngestOptions) -> Result<TableText> {
    let mut keys: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let depth = opts.max_json_depth;
    for_each_object(src, depth, &mut |obj| {
        for (k, _) in &obj {
            if !index.contains_key(k) {
                index.insert(k.clone(), keys.len());
                keys.push(k.clone());
            }
        }
        if keys.len() > opts.max_columns {
            return Err(Error::TooManyColumns {
                limit: opts.max_columns,
            });
        }
        Ok(())
    })?;
    if keys.is_empty() {
        return Err(Error::EmptyFile);
    }
    Ok(TableText {
        headers: keys,
        allow_decimal_comma: false,
        rows: Box::new(JsonRows {
            path: src.to_path_buf(),
            index,
            depth,
        }),
        encoding: Some("utf-8".into()),
        delimiter: None,
        has_header: true,
        sheet: None,
    })
}

struct JsonRows {
    path: PathBuf,
    index: std::collections::HashMap<String, usize>,
    depth: usize,
}

impl Rows for JsonRows {
    fn scan(&mut self, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<()> {
        let n = self.index.len();
        let index = &self.index;
        for_each_object(&self.path, self.depth, &mut |obj| {
            let mut texts: Vec<String> = vec![String::new(); n];
            for (k, v) in obj {
                if let Some(&i) = index.get(&k) {
                    texts[i] = value_text(v);
                }
            }
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            f(&refs)
        })
    }
}

fn value_text(v: Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn depth_of(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

fn map_json_err(e: serde_json::Error, depth: usize) -> Error {
    let msg = e.to_string();
    if msg.contains("recursion limit") {
        Error::JsonTooDeep { limit: depth }
    } else if let Some(rest) = msg.strip_prefix("insightiq:") {
        if rest.starts_with("deep") {
            Error::JsonTooDeep { limit: depth }
        } else {
            Error::JsonNotTabular {
                found: rest.split(" at line").next().unwrap_or(rest).to_string(),
            }
        }
    } else if e.is_io() {
        Error::Internal(msg)
    } else {
        Error::InvalidJson {
            line: e.line(),
            column: e.column(),
            message: msg.split(" at line").next().unwrap_or(&msg).to_string(),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Call `f` with each top-level object of an array document or an NDJSON file.
fn for_each_object(path: &Path, depth: usize, f: &mut dyn FnMut(Obj) -> Result<()>) -> Result<()> {
    let mut reader =
        BufReader::with_capacity(1 << 20, File::open(path).map_err(|e| Error::io(path, e))?);
    // Skip a UTF-8 BOM and leading whitespace to see how the document starts.
    let first = loop {
        let buf = reader.fill_buf().map_err(|e| Error::io(path, e))?;
        if buf.is_empty() {
            return Err(Error::EmptyFile);
        }
        let skip = if buf.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            buf.iter().take_while(|b| b.is_ascii_whitespace()).count()
        };
        if skip == 0 {
            break buf[0];
        }
        reader.consume(skip);
    };
    let mut user_error: Option<Error> = None;
    let result = match first {
        b'[' => {
            let mut de = serde_json::Deserializer::from_reader(reader.by_ref());
            let r = de.deserialize_seq_with(ObjectsSeed {
                f: &mut *f,
                depth,
                error: &mut user_error,
            });
            r.and_then(|()| de.end())
        }
        b'{' => {
            let stream = serde_json::Deserializer::from_reader(reader.by_ref()).into_iter::<Top>();
            let mut r = Ok(());
            for v in stream {
                match v {
                    Ok(Top::Obj(o)) => {
                        if obj_depth(&o) > depth {
                            return Err(Error::JsonTooDeep { limit: depth });
                        }
                        f(o)?
                    }
                    Ok(Top::Other(k)) => {
                        return Err(Error::JsonNotTabular {
                            found: format!("{k} on a line of its own"),
                        })
                    }
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                }
            }
            r
        }
        _ => {
            let mut s = String::new();
            reader
                .take(64)
                .read_to_string(&mut s)
                .map_err(|e| Error::io(path, e))?;
            let v: Option<Value> = serde_json::from_str(s.trim()).ok();
            return Err(match v {
                Some(v) => Error::JsonNotTabular {
                    found: format!("{} at the top level", kind(&v)),
                },
                None => Error::InvalidJson {
                    line: 1,
                    column: 1,
                    message: "the file does not start with `[` or `{`".into(),
                },
            });
        }
    };
    if let Some(e) = user_error {
        return Err(e);
    }
    result.map_err(|e| map_json_err(e, depth))
}

trait DeserializeSeqWith {
    fn deserialize_seq_with(&mut self, seed: ObjectsSeed<'_>) -> serde_json::Result<()>;
}

impl<R: serde_json::de::Read<'static>> DeserializeSeqWith for serde_json::Deserializer<R> {
    fn deserialize_seq_with(&mut self, seed: ObjectsSeed<'_>) -> serde_json::Result<()> {
        seed.deserialize(self)
    }
}

/// Streams the elements of a top-level array to the callback one object at a time.
struct ObjectsSeed<'a> {
    f: &'a mut dyn FnMut(Obj) -> Result<()>,
    depth: usize,
    error: &'a mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for ObjectsSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Top>()? {
            match v {
                Top::Obj(o) => {
                    if obj_depth(&o) + 1 > self.depth {
                        return Err(A::Error::custom("insightiq:deep"));
                    }
                    if let Err(e) = (self.f)(o) {
                        *self.error = Some(e);
                        return Err(A::Error::custom("insightiq:stopped"));
                    }
                }
                Top::Other(k) => {
                    return Err(A::Error::custom(format!("insightiq:an array holding {k}")))
                }
            }
        }
        Ok(())
    }
}
