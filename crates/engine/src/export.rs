//! Export of query results as CSV, XLSX, JSON and Parquet bytes.
//! CSV and Parquet come from Arrow batches; JSON and XLSX from the encoded result.

use datafusion::arrow::csv::WriterBuilder;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::query::{encode_batches, QueryBatches, QueryResult};

/// Export formats offered by `GET /queries/{id}/export?format=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    Parquet,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "json" => Some(ExportFormat::Json),
            "parquet" => Some(ExportFormat::Parquet),
            _ => None,
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Json => "application/json",
            ExportFormat::Parquet => "application/vnd.apache.parquet",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
            ExportFormat::Parquet => "parquet",
        }
    }
}

/// Export batches in `format`.
pub fn export_batches(b: &QueryBatches, format: ExportFormat) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Csv => batches_to_csv(b),
        ExportFormat::Parquet => batches_to_parquet(b),
        ExportFormat::Json => result_to_json(&encode_batches(&b.schema, &b.batches, b.row_count)?),
        ExportFormat::Xlsx => result_to_xlsx(&encode_batches(&b.schema, &b.batches, b.row_count)?),
    }
}

/// Export an already-encoded result (CSV and JSON and XLSX; Parquet needs batches).
pub fn export_result(r: &QueryResult, format: ExportFormat) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Csv => result_to_csv(r),
        ExportFormat::Json => result_to_json(r),
        ExportFormat::Xlsx => result_to_xlsx(r),
        ExportFormat::Parquet => Err(Error::internal(
            "Parquet export needs record batches: use export_batches",
        )),
    }
}

pub fn batches_to_csv(b: &QueryBatches) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = WriterBuilder::new().with_header(true).build(&mut out);
        for batch in &b.batches {
            w.write(batch).map_err(Error::internal)?;
        }
        if b.batches.is_empty() {
            let names: Vec<&str> = b
                .schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            return Ok(format!("{}\n", names.join(",")).into_bytes());
        }
    }
    Ok(out)
}

pub fn batches_to_parquet(b: &QueryBatches) -> Result<Vec<u8>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).map_err(Error::internal)?,
        ))
        .build();
    let mut out = Vec::new();
    let mut w =
        ArrowWriter::try_new(&mut out, b.schema.clone(), Some(props)).map_err(Error::internal)?;
    for batch in &b.batches {
        w.write(batch).map_err(Error::internal)?;
    }
    w.close().map_err(Error::internal)?;
    Ok(out)
}

pub fn result_to_csv(r: &QueryResult) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(r.columns.iter().map(|c| c.name.as_str()))
        .map_err(Error::internal)?;
    for row in &r.rows {
        w.write_record(row.iter().map(|v| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }))
        .map_err(Error::internal)?;
    }
    w.into_inner().map_err(Error::internal)
}

/// JSON export: an array of objects, one per row, keyed by column name.
pub fn result_to_json(r: &QueryResult) -> Result<Vec<u8>> {
    let rows: Vec<serde_json::Map<String, Value>> = r
        .rows
        .iter()
        .map(|row| {
            r.columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.name.clone(), v.clone()))
                .collect()
        })
        .collect();
    serde_json::to_vec(&rows).map_err(Error::internal)
}

/// XLSX export: a bold header row, numbers as numbers, text and ISO dates as text.
pub fn result_to_xlsx(r: &QueryResult) -> Result<Vec<u8>> {
    const MAX_ROWS: usize = 1_048_575;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    for (c, col) in r.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, &col.name, &bold)
            .map_err(Error::internal)?;
    }
    for (i, row) in r.rows.iter().take(MAX_ROWS).enumerate() {
        let rn = i as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let cn = c as u16;
            let res = match v {
                Value::Null => Ok(&mut *ws),
                Value::Bool(b) => ws.write_boolean(rn, cn, *b),
                Value::Number(n) => ws.write_number(rn, cn, n.as_f64().unwrap_or(0.0)),
                Value::String(s) => ws.write_string(rn, cn, s),
                other => ws.write_string(rn, cn, other.to_string()),
            };
            res.map_err(Error::internal)?;
        }
    }
    wb.save_to_buffer().map_err(Error::internal)
}
