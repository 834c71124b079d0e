//! Ingest tests: real files round-trip with known row counts and types, every business
//! format, encodings, XLSX and JSON, and a generated corpus of broken files.

use std::path::{Path, PathBuf};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Date32Type, Float64Type, Int64Type, TimestampMicrosecondType};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use engine::{ingest_file, ColumnType, DateOrder, IngestOptions, IngestReport};

fn shared_tables() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/business-dev/tables")
}

fn ingest_bytes(
    name: &str,
    bytes: &[u8],
) -> (tempfile::TempDir, engine::Result<IngestReport>, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join(format!("upload-{name}"));
    std::fs::write(&src, bytes).unwrap();
    let out = dir.path().join("out.parquet");
    let r = ingest_file(&src, name, &IngestOptions::default(), &out);
    (dir, r, out)
}

fn read_all(path: &Path) -> RecordBatch {
    let f = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap()
}

fn types(r: &IngestReport) -> Vec<ColumnType> {
    r.columns.iter().map(|c| c.column_type).collect()
}

fn ok(name: &str, text: &str) -> (IngestReport, RecordBatch) {
    let (_d, r, out) = ingest_bytes(name, text.as_bytes());
    let r = r.unwrap_or_else(|e| panic!("{name}: {e}"));
    let b = read_all(&out);
    (r, b)
}

fn no_files_left(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with("upload-"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

use ColumnType::*;

#[test]
fn real_files_round_trip() {
    let dir = shared_tables();
    if !dir.exists() {
        eprintln!("skipping: {} not found", dir.display());
        return;
    }
    type Case<'a> = (&'a str, u64, &'a [(&'a str, ColumnType)]);
    let cases: &[Case] = &[
        (
            "diamonds.csv",
            53_940,
            &[("carat", Float), ("cut", String), ("price", Integer)],
        ),
        (
            "gapminder.csv",
            1_704,
            &[
                ("country", String),
                ("year", Integer),
                ("pop", Float),
                ("lifeExp", Float),
            ],
        ),
        (
            "penguins.csv",
            344,
            &[
                ("species", String),
                ("bill_length_mm", Float),
                ("sex", String),
            ],
        ),
        (
            "seattle_weather.csv",
            1_461,
            &[
                ("date", Date),
                ("precipitation", Float),
                ("weather", String),
            ],
        ),
        (
            "supermarket_sales.csv",
            1_000,
            &[
                ("Invoice ID", String),
                ("Unit price", Float),
                ("Quantity", Integer),
                ("Tax 5%", Float),
                ("Date", Date),
                ("Time", String),
            ],
        ),
        (
            "tips.csv",
            244,
            &[
                ("total_bill", Float),
                ("smoker", Boolean),
                ("size", Integer),
            ],
        ),
        (
            "titanic.csv",
            891,
            &[
                ("survived", Integer),
                ("age", Float),
                ("adult_male", Boolean),
                ("deck", String),
                ("alive", Boolean),
            ],
        ),
    ];
    for (file, rows, cols) in cases {
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("x.parquet");
        let r = ingest_file(&dir.join(file), file, &IngestOptions::default(), &out)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(r.row_count, *rows, "{file}");
        assert_eq!(engine::parquet_row_count(&out).unwrap(), *rows);
        for (name, t) in *cols {
            let c = r
                .columns
                .iter()
                .find(|c| c.name == *name)
                .unwrap_or_else(|| panic!("{file}: {name}"));
            assert_eq!(c.column_type, *t, "{file}.{name}");
        }
    }
    // supermarket_sales: 1/5/2019 read month-first, SQL names derived.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("x.parquet");
    let r = ingest_file(
        &dir.join("supermarket_sales.csv"),
        "supermarket_sales.csv",
        &IngestOptions::default(),
        &out,
    )
    .unwrap();
    let date = r.columns.iter().find(|c| c.name == "Date").unwrap();
    assert_eq!(date.date_order, Some(DateOrder::MonthFirst));
    let names: Vec<&str> = r.columns.iter().map(|c| c.sql_name.as_str()).collect();
    assert!(
        names.contains(&"invoice_id") && names.contains(&"tax_5"),
        "{names:?}"
    );
    let b = read_all(&out);
    let d = b
        .column_by_name("date")
        .unwrap()
        .as_primitive::<Date32Type>();
    assert_eq!(d.value_as_date(0).unwrap().to_string(), "2019-01-05");
}

#[test]
fn business_formats() {
    let (r, b) = ok(
        "sales.csv",
        "Order Date,Revenue,Share,Units,Paid,When,Note\n\
         07/01/2024,\"$1,234.50\",12.5%,\"1,000\",yes,2024-07-01T10:00:00+02:00,a\n\
         25/01/2024,(1234),3%,NA,no,2024-07-01 12:00,\"quoted, with comma\"\n\
         01/02/2024,€12,-,2,Y,2024-07-02T00:00:00Z,\n",
    );
    assert_eq!(r.row_count, 3);
    assert_eq!(
        types(&r),
        [Date, Float, Float, Integer, Boolean, Datetime, String]
    );
    assert_eq!(r.columns[0].date_order, Some(DateOrder::DayFirst));
    assert_eq!(r.columns[0].sql_name, "order_date");
    let f = r.columns[1].number_format.clone().unwrap();
    assert_eq!(f.currency.as_deref(), Some("$"));
    assert!(f.thousands_separator && f.parentheses_negative);
    assert!(r.columns[2].number_format.clone().unwrap().percent);
    assert_eq!(r.columns[3].null_count, 1);
    let d = b.column(0).as_primitive::<Date32Type>();
    assert_eq!(d.value_as_date(0).unwrap().to_string(), "2024-01-07");
    let rev = b.column(1).as_primitive::<Float64Type>();
    assert_eq!(
        (rev.value(0), rev.value(1), rev.value(2)),
        (1234.5, -1234.0, 12.0)
    );
    let units = b.column(3).as_primitive::<Int64Type>();
    assert_eq!(units.value(0), 1000);
    assert!(units.is_null(1));
    let ts = b.column(5).as_primitive::<TimestampMicrosecondType>();
    assert_eq!(
        ts.value_as_datetime(0).unwrap().to_string(),
        "2024-07-01 08:00:00"
    );
    assert!(b.column(6).is_null(2));
    assert_eq!(
        b.column(6).as_string::<i32>().value(1),
        "quoted, with comma"
    );
}

#[test]
fn european_semicolon_file() {
    let (r, b) = ok(
        "eu.csv",
        "Datum;Betrag;Menge\n01.07.2024;1.234,5;3\n02.07.2024;12,25;4\n",
    );
    assert_eq!(r.delimiter, Some(';'));
    assert_eq!(types(&r), [Date, Float, Integer]);
    assert_eq!(r.columns[0].date_order, Some(DateOrder::DayFirst));
    assert!(r.columns[1].number_format.clone().unwrap().decimal_comma);
    let v = b.column(1).as_primitive::<Float64Type>();
    assert_eq!((v.value(0), v.value(1)), (1234.5, 12.25));
}

#[test]
fn delimiters_headers_names() {
    let (r, _) = ok("t.tsv", "a\tb\n1\tx\n");
    assert_eq!(r.delimiter, Some('\t'));
    let (r, _) = ok("p.txt", "a|b\n1|x\n");
    assert_eq!(r.delimiter, Some('|'));
    let (r, _) = ok("noheader.csv", "1,2.5,2024-01-01\n2,3.5,2024-01-02\n");
    assert!(!r.has_header);
    assert_eq!(r.row_count, 2);
    assert_eq!(r.columns[0].name, "column_1");
    let (r, _) = ok("dups.csv", "name,,name,Name\nx,y,z,w\n");
    let names: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["name", "column_2", "name_2", "Name_3"]);
    let sql: Vec<&str> = r.columns.iter().map(|c| c.sql_name.as_str()).collect();
    assert_eq!(sql, ["name", "column_2", "name_2", "name_3"]);
    let (r, _) = ok(
        "dates.csv",
        "d,t,y\nJan 1 2000,2001/01/01 01:10,1/5/19\nFeb 2 2001,2001/01/02 02:20,12/31/19\n",
    );
    assert_eq!(types(&r), [Date, Datetime, Date]);
    assert_eq!(r.columns[2].date_order, Some(DateOrder::MonthFirst));
}

#[test]
fn encodings() {
    // UTF-8 with BOM
    let (r, b) = ok("bom.csv", "\u{feff}name,v\ncafé,1\n");
    assert_eq!(r.columns[0].name, "name");
    assert_eq!(b.column(0).as_string::<i32>().value(0), "café");
    // UTF-16 LE and BE with BOM
    let text = "name,v\ncafé,1\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let (_d, r, out) = ingest_bytes("le.csv", &le);
    assert_eq!(r.unwrap().encoding.as_deref(), Some("utf-16le"));
    assert_eq!(read_all(&out).column(0).as_string::<i32>().value(0), "café");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    let (_d, r, out) = ingest_bytes("be.csv", &be);
    assert_eq!(r.unwrap().row_count, 1);
    assert_eq!(read_all(&out).column(0).as_string::<i32>().value(0), "café");
    // Windows-1252 fallback
    let (_d, r, out) = ingest_bytes("w.csv", b"name,v\ncaf\xe9,1\n");
    assert_eq!(r.unwrap().encoding.as_deref(), Some("windows-1252"));
    assert_eq!(read_all(&out).column(0).as_string::<i32>().value(0), "café");
    // Windows-1252 only far into the file
    let mut late = b"name,v\n".to_vec();
    for _ in 0..30_000 {
        late.extend_from_slice(b"plain text value,1\n");
    }
    late.extend_from_slice(b"caf\xe9,2\n");
    let (_d, r, out) = ingest_bytes("late.csv", &late);
    assert_eq!(r.unwrap().row_count, 30_001);
    assert_eq!(
        read_all(&out).column(0).as_string::<i32>().value(30_000),
        "café"
    );
}

#[test]
fn json_array_and_ndjson() {
    let (r, b) = ok(
        "a.json",
        r#"[{"id": 1, "name": "x", "amount": 1.5, "tags": ["a"]}, {"id": 2, "name": null, "amount": 2, "extra": true}]"#,
    );
    assert_eq!(r.row_count, 2);
    assert_eq!(types(&r), [Integer, String, Float, String, Boolean]);
    assert_eq!(b.column(3).as_string::<i32>().value(0), r#"["a"]"#);
    assert!(b.column(1).is_null(1));
    let (r, _) = ok(
        "n.json",
        "{\"a\": 1, \"d\": \"2024-01-01\"}\n{\"a\": 2, \"d\": \"2024-01-02\"}\n",
    );
    assert_eq!(r.row_count, 2);
    assert_eq!(types(&r), [Integer, Date]);
}

#[test]
fn xlsx_first_and_named_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Sales").unwrap();
    ws.write_string(0, 0, "Region").unwrap();
    ws.write_string(0, 1, "Revenue").unwrap();
    ws.write_string(0, 2, "Day").unwrap();
    let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for i in 0..10u32 {
        ws.write_string(i + 1, 0, if i % 2 == 0 { "Europe" } else { "Asia" })
            .unwrap();
        ws.write_number(i + 1, 1, i as f64 * 1.5).unwrap();
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 7, (i + 1) as u8).unwrap();
        ws.write_datetime_with_format(i + 1, 2, &d, &fmt).unwrap();
    }
    let ws2 = wb.add_worksheet().set_name("Other").unwrap();
    ws2.write_string(0, 0, "k").unwrap();
    ws2.write_number(1, 0, 7).unwrap();
    wb.save(&path).unwrap();
    let out = dir.path().join("o.parquet");
    let r = ingest_file(&path, "book.xlsx", &IngestOptions::default(), &out).unwrap();
    assert_eq!(r.row_count, 10);
    assert_eq!(r.sheet.as_deref(), Some("Sales"));
    assert_eq!(types(&r), [String, Float, Date]);
    let b = read_all(&out);
    assert_eq!(
        b.column(2)
            .as_primitive::<Date32Type>()
            .value_as_date(0)
            .unwrap()
            .to_string(),
        "2024-07-01"
    );
    let opts = IngestOptions {
        sheet: Some("Other".into()),
        ..Default::default()
    };
    let r = ingest_file(&path, "book.xlsx", &opts, &out).unwrap();
    assert_eq!(types(&r), [Integer]);
    let opts = IngestOptions {
        sheet: Some("Nope".into()),
        ..Default::default()
    };
    assert_eq!(
        ingest_file(&path, "book.xlsx", &opts, &out)
            .unwrap_err()
            .code(),
        "sheet_not_found"
    );
}

/// A zip whose central directory claims a huge unpacked size.
fn fake_zip_bomb() -> Vec<u8> {
    let name = b"xl/worksheets/sheet1.xml";
    let mut z = Vec::new();
    z.extend_from_slice(b"PK\x03\x04");
    z.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&1000u32.to_le_bytes());
    z.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name);
    z.extend(std::iter::repeat_n(0u8, 1000));
    let cd_offset = z.len() as u32;
    z.extend_from_slice(b"PK\x01\x02");
    z.extend_from_slice(&[20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&1000u32.to_le_bytes());
    z.extend_from_slice(&4_000_000_000u32.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0u8; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name);
    let cd_size = z.len() as u32 - cd_offset;
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&cd_size.to_le_bytes());
    z.extend_from_slice(&cd_offset.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

#[test]
fn broken_files_corpus() {
    let mut big_field = b"a,b\n1,\"".to_vec();
    big_field.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    big_field.extend_from_slice(b"\"\n");
    let deep = format!("[{{\"a\": {}1{}}}]", "[".repeat(300), "]".repeat(300));
    let deepish = format!("[{{\"a\": {}1{}}}]", "[".repeat(100), "]".repeat(100));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", b"".to_vec(), "empty_file"),
        ("blank.csv", b"\n\n  \n".to_vec(), "empty_file"),
        ("header.csv", b"a,b,c\n".to_vec(), "header_only"),
        (
            "binary.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "binary_file",
        ),
        ("nul.csv", b"a,b\n1,\0\0\0\0\n".to_vec(), "binary_file"),
        (
            "ragged.csv",
            b"a,b,c\n1,2,3\n4,5\n6,7,8\n".to_vec(),
            "ragged_rows",
        ),
        (
            "quote.csv",
            b"a,b,c\n1,2,3\n4,\"open,6\n7,8,9\n".to_vec(),
            "unterminated_quote",
        ),
        (
            "quote2.csv",
            b"a,b\n1,2\n3,\"never closed\n".to_vec(),
            "unterminated_quote",
        ),
        ("bigfield.csv", big_field, "field_too_large"),
        ("scalar.json", b"42".to_vec(), "json_not_tabular"),
        (
            "strings.json",
            b"[\"a\", \"b\"]".to_vec(),
            "json_not_tabular",
        ),
        ("deep.json", deep.into_bytes(), "json_too_deep"),
        ("deepish.json", deepish.into_bytes(), "json_too_deep"),
        ("bad.json", b"[{\"a\": 1},".to_vec(), "invalid_json"),
        (
            "notzip.xlsx",
            b"this is not a workbook".to_vec(),
            "invalid_xlsx",
        ),
        ("bomb.xlsx", fake_zip_bomb(), "xlsx_too_large"),
        ("data.exe", b"a,b\n1,2\n".to_vec(), "unsupported_format"),
        ("data.parquet", b"PAR1....".to_vec(), "unsupported_format"),
    ];
    for (name, bytes, code) in cases {
        let (dir, r, out) = ingest_bytes(name, &bytes);
        let e = r.expect_err(name);
        assert_eq!(e.code(), code, "{name}: {e}");
        assert!(e.is_user_error(), "{name}");
        assert!(!out.exists(), "{name}: output left behind");
        no_files_left(dir.path());
    }
    // Ragged rows name the line.
    let (_d, r, _) = ingest_bytes("ragged.csv", b"a,b,c\n1,2,3\n4,5\n");
    assert!(r.unwrap_err().to_string().contains("line 3"));
    // Invalid UTF-8 in a file declared UTF-8 (by BOM or by option).
    let (_d, r, out) = ingest_bytes("bom.csv", b"\xEF\xBB\xBFa,b\ncaf\xe9,1\n");
    assert_eq!(r.unwrap_err().code(), "invalid_encoding");
    assert!(!out.exists());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("d.csv");
    std::fs::write(&src, b"a,b\ncaf\xe9,1\n").unwrap();
    let out = dir.path().join("o.parquet");
    let opts = IngestOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    assert_eq!(
        ingest_file(&src, "d.csv", &opts, &out).unwrap_err().code(),
        "invalid_encoding"
    );
    // File over the cap.
    let opts = IngestOptions {
        max_file_bytes: Some(4),
        ..Default::default()
    };
    assert_eq!(
        ingest_file(&src, "d.csv", &opts, &out).unwrap_err().code(),
        "file_too_large"
    );
    assert!(!out.exists());
}

/// Reading a delimited file in spans on several threads gives exactly what one
/// front-to-back reading gives — types, values, row order, the first error and its
/// line — wherever the cuts fall, including inside quoted values with line breaks.
#[test]
fn split_reading_matches_one_pass() {
    let mut big = std::string::String::from("id,when,amount,note,flag\n");
    for i in 0..400 {
        let note = match i % 7 {
            0 => "\"multi\nline, quoted\"".to_string(),
            1 => "\"say \"\"hi\"\"\"".to_string(),
            2 => "5\" pipe".to_string(),
            _ => format!("plain {i}"),
        };
        let amount = if i == 350 {
            "€12".to_string()
        } else {
            format!("{}.5", i * 3)
        };
        let when = if i == 390 {
            "25/02/2024".to_string()
        } else {
            format!("0{}/0{}/2024", 1 + i % 9, 1 + i % 8)
        };
        let flag = if i % 5 == 0 { "yes" } else { "no" };
        big.push_str(&format!("{i},{when},{amount},{note},{flag}\r\n"));
    }
    let mut ragged = big.clone();
    ragged.push_str("1,2\n");
    ragged.push_str(&big.lines().nth(3).unwrap().replace("3,", "3,x,"));
    let late_latin1: Vec<u8> = {
        let mut b = big.clone().into_bytes();
        b.extend_from_slice(b"401,01/01/2024,1.5,caf\xe9,no\n");
        b
    };
    let unterminated =
        format!("{big}402,01/01/2024,1.5,\"never closed,no\n403,01/01/2024,1,x,no\n");
    let semicolons = "name;amount\n".to_string()
        + &(0..300)
            .map(|i| format!("n{i};{},{}\n", i, i % 10))
            .collect::<std::string::String>();
    let no_header = (0..300)
        .map(|i| format!("{i},{}\n", i * 2))
        .collect::<std::string::String>();
    let corpus: Vec<(&str, Vec<u8>)> = vec![
        ("big.csv", big.into_bytes()),
        ("ragged.csv", ragged.into_bytes()),
        ("latin1.csv", late_latin1),
        ("unterminated.csv", unterminated.into_bytes()),
        ("semi.csv", semicolons.into_bytes()),
        ("noheader.csv", no_header.into_bytes()),
    ];
    for (name, bytes) in corpus {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join(format!("upload-{name}"));
        std::fs::write(&src, &bytes).unwrap();
        let run = |span_bytes: Option<u64>| {
            let out = dir.path().join(format!("out-{span_bytes:?}.parquet"));
            let opts = IngestOptions {
                span_bytes,
                ..Default::default()
            };
            ingest_file(&src, name, &opts, &out).map(|r| (r, read_all(&out)))
        };
        let one_pass = run(None);
        for span_bytes in [1, 5, 64, 500, 4096] {
            let split = run(Some(span_bytes));
            match (&one_pass, &split) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{name} in spans of {span_bytes}"),
                (Err(a), Err(b)) => {
                    assert_eq!(
                        a.to_string(),
                        b.to_string(),
                        "{name} in spans of {span_bytes}"
                    )
                }
                _ => panic!("{name} in spans of {span_bytes}: {one_pass:?} vs {split:?}"),
            }
        }
        println!("{name}: {:?}", one_pass.as_ref().map(|r| r.0.row_count));
    }
}
