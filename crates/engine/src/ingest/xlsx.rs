//! XLSX workbooks: zip sanity and zip-bomb guard from the central directory, then the
//! first (or named) sheet read with calamine into text rows.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx, XlsxError};

use crate::error::{Error, Result};
use crate::ingest::{IngestOptions, Rows, TableText};

pub(crate) fn open(src: &Path, opts: &IngestOptions) -> Result<TableText> {
    check_zip(src, opts.max_xlsx_unpacked_bytes)?;
    let file = File::open(src).map_err(|e| Error::io(src, e))?;
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(BufReader::new(file)).map_err(|e: XlsxError| Error::InvalidXlsx {
            reason: e.to_string(),
        })?;
    let names = wb.sheet_names().to_vec();
    let sheet = match &opts.sheet {
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| Error::SheetNotFound {
                sheet: s.clone(),
                available: names.join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| Error::InvalidXlsx {
            reason: "the workbook has no sheets".into(),
        })?,
    };
    let range = wb.worksheet_range(&sheet).map_err(|e| Error::InvalidXlsx {
        reason: e.to_string(),
    })?;
    let mut rows = range.rows().filter(|r| r.iter().any(|c| *c != Data::Empty));
    let Some(header) = rows.next() else {
        return Err(Error::EmptyFile);
    };
    if header.len() > opts.max_columns {
        return Err(Error::TooManyColumns {
            limit: opts.max_columns,
        });
    }
    let headers: Vec<String> = header.iter().map(cell_text).collect();
    Ok(TableText {
        headers,
        allow_decimal_comma: false,
        rows: Box::new(SheetRows { range }),
        encoding: None,
        delimiter: None,
        has_header: true,
        sheet: Some(sheet),
    })
}

struct SheetRows {
    range: Range<Data>,
}

impl Rows for SheetRows {
    fn scan(&mut self, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<()> {
        let mut rows = self
            .range
            .rows()
            .filter(|r| r.iter().any(|c| *c != Data::Empty));
        rows.next(); // header
        for row in rows {
            let texts: Vec<String> = row.iter().map(cell_text).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            f(&refs)?;
        }
        Ok(())
    }
}

/// Cell value as text the shared inference understands (dates as ISO).
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match excel_datetime(dt.as_f64()) {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
            Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => String::new(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// Excel serial date (1900 system: day 0 is 1899-12-30) to a date-time, to the second.
fn excel_datetime(serial: f64) -> Option<chrono::NaiveDateTime> {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let secs = (serial * 86_400.0).round() as i64;
    base.checked_add_signed(chrono::Duration::seconds(secs))
}

/// Read the zip central directory and refuse archives that unpack to more than `limit`
/// bytes, or whose entries compress suspiciously well (zip bombs).
fn check_zip(src: &Path, limit: u64) -> Result<()> {
    let mut f = File::open(src).map_err(|e| Error::io(src, e))?;
    let len = f.metadata().map_err(|e| Error::io(src, e))?.len();
    let mut magic = [0u8; 4];
    if len < 22 || f.read_exact(&mut magic).is_err() || &magic != b"PK\x03\x04" {
        return Err(Error::InvalidXlsx {
            reason: "it is not a zip archive".into(),
        });
    }
    let tail_len = len.min(66 * 1024);
    f.seek(SeekFrom::Start(len - tail_len))
        .map_err(|e| Error::io(src, e))?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).map_err(|e| Error::io(src, e))?;
    let eocd = (0..=tail.len() - 22)
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4B, 0x05, 0x06])
        .ok_or_else(|| Error::InvalidXlsx {
            reason: "the zip archive is truncated".into(),
        })?;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let u32_at =
        |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
    let entries = u16_at(&tail, eocd + 10);
    let cd_size = u32_at(&tail, eocd + 12);
    let cd_offset = u32_at(&tail, eocd + 16);
    if cd_offset + cd_size > len || cd_size > 64 << 20 {
        return Err(Error::InvalidXlsx {
            reason: "the zip directory is damaged".into(),
        });
    }
    f.seek(SeekFrom::Start(cd_offset))
        .map_err(|e| Error::io(src, e))?;
    let mut cd = vec![0u8; cd_size as usize];
    f.read_exact(&mut cd).map_err(|e| Error::io(src, e))?;
    let mut total = 0u64;
    let mut i = 0usize;
    for _ in 0..entries {
        if i + 46 > cd.len() || cd[i..i + 4] != [0x50, 0x4B, 0x01, 0x02] {
            return Err(Error::InvalidXlsx {
                reason: "the zip directory is damaged".into(),
            });
        }
        let compressed = u32_at(&cd, i + 20);
        let uncompressed = u32_at(&cd, i + 24);
        // 0xFFFFFFFF means ZIP64 sizes: far beyond any spreadsheet we accept.
        if uncompressed == u32::MAX as u64 || compressed == u32::MAX as u64 {
            return Err(Error::XlsxTooLarge { limit_bytes: limit });
        }
        if uncompressed > 16 << 20 && uncompressed / compressed.max(1) > 200 {
            return Err(Error::XlsxTooLarge { limit_bytes: limit });
        }
        total += uncompressed;
        i += 46 + (u16_at(&cd, i + 28) + u16_at(&cd, i + 30) + u16_at(&cd, i + 32)) as usize;
    }
    if total > limit {
        return Err(Error::XlsxTooLarge { limit_bytes: limit });
    }
    Ok(())
}
