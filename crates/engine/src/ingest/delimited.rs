//! Delimited text (CSV, TSV, semicolon, pipe): encoding handling, header detection,
//! and a streaming row reader that reports ragged rows, huge fields and open quotes.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::ingest::infer::{fits, ColumnInference};
use crate::ingest::sniff::{self, TextEncoding};
use crate::ingest::{build, IngestOptions, Rows, TableText};

/// Everything needed to read the file's rows, decided from a sample.
pub(crate) struct Delimited {
    path: PathBuf,
    /// Bytes to skip at the start (a UTF-8 BOM).
    offset: u64,
    delimiter: u8,
    has_header: bool,
    columns: usize,
    max_field: usize,
    declared_utf8: bool,
    encoding: TextEncoding,
    /// A transcoded UTF-8 copy we made and must delete.
    temp: Option<PathBuf>,
}

impl Drop for Delimited {
    fn drop(&mut self) {
        if let Some(t) = self.temp.take() {
            let _ = std::fs::remove_file(t);
        }
    }
}

const SAMPLE_BYTES: usize = 256 * 1024;

pub(crate) fn open(
    src: &Path,
    file_name: &str,
    opts: &IngestOptions,
    out: &Path,
) -> Result<TableText> {
    let head = read_head(src, SAMPLE_BYTES)?;
    if head.iter().all(|b| b.is_ascii_whitespace()) || head == b"\xEF\xBB\xBF" {
        return Err(Error::EmptyFile);
    }
    let declared = opts.encoding.as_deref().map(|e| e.to_ascii_lowercase());
    let (mut encoding, bom) = sniff::detect_encoding(&head, head.len() < SAMPLE_BYTES);
    let declared_utf8 =
        matches!(declared.as_deref(), Some("utf-8" | "utf8")) || encoding == TextEncoding::Utf8Bom;
    if !matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
        sniff::check_text(&head)?;
    }
    match declared.as_deref() {
        Some("windows-1252" | "latin-1" | "latin1" | "iso-8859-1" | "cp1252") => {
            encoding = TextEncoding::Windows1252
        }
        Some("utf-8" | "utf8") if encoding == TextEncoding::Windows1252 => {
            return Err(Error::InvalidEncoding {
                encoding: "UTF-8".into(),
                line: first_bad_utf8_line(&head),
            });
        }
        _ => {}
    }
    let ext_tab = file_name.to_ascii_lowercase().ends_with(".tsv");
    let mut d = match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => Delimited {
            path: src.to_path_buf(),
            offset: bom as u64,
            delimiter: b',',
            has_header: true,
            columns: 0,
            max_field: opts.max_field_bytes,
            declared_utf8,
            encoding,
            temp: None,
        },
        other => transcoded(src, other, bom, opts, out)?,
    };
    match d.configure(opts, ext_tab) {
        // Valid UTF-8 in the sample but not later: re-read the file as Windows-1252.
        Err(Error::InvalidEncoding { .. })
            if !d.declared_utf8 && d.encoding == TextEncoding::Utf8 =>
        {
            d = transcoded(src, TextEncoding::Windows1252, 0, opts, out)?;
            d.configure(opts, ext_tab)?;
        }
        other => other?,
    }
    let headers = d.headers()?;
    let allow_comma = matches!(d.delimiter, b';' | b'\t');
    let encoding_name = d.encoding.name().to_string();
    let delimiter = d.delimiter;
    let has_header = d.has_header;
    Ok(TableText {
        headers,
        allow_decimal_comma: allow_comma,
        rows: Box::new(Utf8Retry {
            inner: d,
            src: src.to_path_buf(),
            opts: opts.clone(),
            out: out.to_path_buf(),
        }),
        encoding: Some(encoding_name),
        delimiter: Some(delimiter as char),
        has_header,
        sheet: None,
    })
}

/// Retries the whole read as Windows-1252 when undeclared "UTF-8" turns out not to be.
struct Utf8Retry {
    inner: Delimited,
    src: PathBuf,
    opts: IngestOptions,
    out: PathBuf,
}

impl Rows for Utf8Retry {
    fn scan(&mut self, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<()> {
        self.inner.scan(f)
    }

    fn fallback(&mut self) -> Result<bool> {
        if self.inner.declared_utf8 || self.inner.encoding != TextEncoding::Utf8 {
            return Ok(false);
        }
        let mut d = transcoded(
            &self.src,
            TextEncoding::Windows1252,
            0,
            &self.opts,
            &self.out,
        )?;
        d.delimiter = self.inner.delimiter;
        d.has_header = self.inner.has_header;
        d.columns = self.inner.columns;
        self.inner = d;
        Ok(true)
    }
}

fn read_head(path: &Path, n: usize) -> Result<Vec<u8>> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = Vec::with_capacity(n);
    (&mut f)
        .take(n as u64)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    Ok(buf)
}

fn first_bad_utf8_line(bytes: &[u8]) -> u64 {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Decode the whole file to a temporary UTF-8 file beside the output.
fn transcoded(
    src: &Path,
    encoding: TextEncoding,
    bom: usize,
    opts: &IngestOptions,
    out: &Path,
) -> Result<Delimited> {
    let enc = match encoding {
        TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
        TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
        _ => encoding_rs::WINDOWS_1252,
    };
    let tmp = build::tmp_path(out, "utf8-tmp");
    let mut d = Delimited {
        path: tmp.clone(),
        offset: 0,
        delimiter: b',',
        has_header: true,
        columns: 0,
        max_field: opts.max_field_bytes,
        declared_utf8: true,
        encoding,
        temp: Some(tmp.clone()),
    };
    let mut input = BufReader::new(File::open(src).map_err(|e| Error::io(src, e))?);
    input
        .seek(SeekFrom::Start(bom as u64))
        .map_err(|e| Error::io(src, e))?;
    let mut output = std::io::BufWriter::new(File::create(&tmp).map_err(|e| Error::io(&tmp, e))?);
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; 256 * 1024];
    let mut text = String::with_capacity(512 * 1024 + 16);
    loop {
        let n = input.read(&mut buf).map_err(|e| Error::io(src, e))?;
        let last = n == 0;
        text.clear();
        let (_, _, _) = decoder.decode_to_string(&buf[..n], &mut text, last);
        output
            .write_all(text.as_bytes())
            .map_err(|e| Error::io(&tmp, e))?;
        if last {
            break;
        }
    }
    output.flush().map_err(|e| Error::io(&tmp, e))?;
    if matches!(encoding, TextEncoding::Utf16Le | TextEncoding::Utf16Be) {
        sniff::check_text(&read_head(&tmp, SAMPLE_BYTES)?)?;
    }
    d.declared_utf8 = true;
    Ok(d)
}

impl Delimited {
    fn reader(&self) -> Result<csv::Reader<BufReader<File>>> {
        let mut f = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        f.seek(SeekFrom::Start(self.offset))
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(BufReader::with_capacity(1 << 20, f)))
    }

    /// Decide delimiter, header and column count from the first rows.
    fn configure(&mut self, opts: &IngestOptions, ext_tab: bool) -> Result<()> {
        let head = read_head(&self.path, SAMPLE_BYTES + self.offset as usize)?;
        let head = &head[self.offset as usize..];
        let text = match std::str::from_utf8(head) {
            Ok(t) => t,
            Err(e) if e.error_len().is_none() => {
                std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(_) => {
                return Err(Error::InvalidEncoding {
                    encoding: "UTF-8".into(),
                    line: first_bad_utf8_line(head),
                })
            }
        };
        self.delimiter = opts
            .delimiter
            .unwrap_or_else(|| sniff::detect_delimiter(text, ext_tab.then_some(b'\t')));
        let mut rdr = self.reader()?;
        let mut sample: Vec<Vec<String>> = Vec::new();
        let mut rec = csv::StringRecord::new();
        while sample.len() < 200 {
            match rdr.read_record(&mut rec) {
                Ok(true) => sample.push(rec.iter().map(str::to_string).collect()),
                Ok(false) => break,
                Err(e) => return Err(self.csv_error(e)),
            }
        }
        let Some(first) = sample.first() else {
            return Err(Error::EmptyFile);
        };
        self.columns = first.len();
        if self.columns > opts.max_columns {
            return Err(Error::TooManyColumns {
                limit: opts.max_columns,
            });
        }
        let allow_comma = matches!(self.delimiter, b';' | b'\t');
        self.has_header = opts
            .has_header
            .unwrap_or_else(|| detect_header(&sample, allow_comma));
        Ok(())
    }

    fn headers(&self) -> Result<Vec<String>> {
        if !self.has_header {
            return Ok((1..=self.columns).map(|i| format!("column_{i}")).collect());
        }
        let mut rdr = self.reader()?;
        let mut rec = csv::StringRecord::new();
        rdr.read_record(&mut rec).map_err(|e| self.csv_error(e))?;
        Ok(rec.iter().map(str::to_string).collect())
    }

    fn csv_error(&self, e: csv::Error) -> Error {
        match e.kind() {
            csv::ErrorKind::Utf8 { pos, .. } => Error::InvalidEncoding {
                encoding: "UTF-8".into(),
                line: pos.as_ref().map(|p| p.line()).unwrap_or(0),
            },
            csv::ErrorKind::Io(io) => Error::Internal(format!("reading the file: {io}")),
            _ => Error::Internal(e.to_string()),
        }
    }

    /// Is the record starting at `byte` (relative to the reader) an unclosed quoted field?
    fn quote_open_from(&self, byte: u64) -> bool {
        let Ok(mut f) = File::open(&self.path) else {
            return false;
        };
        if f.seek(SeekFrom::Start(self.offset + byte)).is_err() {
            return false;
        }
        let mut quotes = 0u64;
        let mut buf = vec![0u8; 1 << 20];
        let mut read = 0u64;
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 || read > 256 << 20 {
                break;
            }
            read += n as u64;
            quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        }
        quotes % 2 == 1
    }

    /// Read and validate every data record on this thread, handing records to `f`.
    fn read_records(&self, f: &mut dyn FnMut(&csv::StringRecord) -> Result<bool>) -> Result<()> {
        let mut rdr = self.reader()?;
        let mut rec = csv::StringRecord::new();
        let mut first = true;
        let mut last: Option<csv::Position> = None;
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(self.csv_error(e)),
            }
            if first && self.has_header {
                first = false;
                continue;
            }
            first = false;
            let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
            let multiline = rec.iter().any(|v| v.contains('\n') || v.contains('\r'));
            if let Some(big) = rec.iter().find(|v| v.len() > self.max_field) {
                if multiline && self.quote_open_from(pos.byte()) {
                    return Err(Error::UnterminatedQuote { line: pos.line() });
                }
                return Err(Error::FieldTooLarge {
                    line: pos.line(),
                    size_bytes: big.len(),
                    limit_bytes: self.max_field,
                });
            }
            if rec.len() != self.columns {
                let extra_empty = rec.len() > self.columns
                    && rec.iter().skip(self.columns).all(|v| v.trim().is_empty());
                if rec.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                if !extra_empty {
                    if multiline && self.quote_open_from(pos.byte()) {
                        return Err(Error::UnterminatedQuote { line: pos.line() });
                    }
                    return Err(Error::RaggedRows {
                        line: pos.line(),
                        expected: self.columns,
                        found: rec.len(),
                    });
                }
            }
            last = Some(pos);
            if !f(&rec)? {
                return Ok(());
            }
        }
        // A quote opened in the last record and never closed swallows the rest of the file.
        if let Some(pos) = last {
            if self.quote_open_from(pos.byte()) {
                return Err(Error::UnterminatedQuote { line: pos.line() });
            }
        }
        Ok(())
    }

    /// Parse CSV on a reader thread and process rows on this one, so the two halves of
    /// the work use both cores. Chunks of records are recycled, so memory stays bounded.
    fn scan(&mut self, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<()> {
        type Chunk = (Vec<csv::StringRecord>, usize);
        const CHUNK: usize = 4096;
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Result<Chunk>>(4);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<csv::StringRecord>>();
        let this: &Delimited = self;
        std::thread::scope(|scope| {
            // Owned here so an early return drops it and unblocks the reader before the join.
            let full_rx = full_rx;
            scope.spawn(move || {
                let mut chunk: Vec<csv::StringRecord> = Vec::new();
                let mut used = 0usize;
                let result = this.read_records(&mut |rec| {
                    if used == chunk.len() {
                        chunk.push(csv::StringRecord::new());
                    }
                    chunk[used].clone_from(rec);
                    used += 1;
                    if used == CHUNK {
                        let next = empty_rx.try_recv().unwrap_or_default();
                        let full = std::mem::replace(&mut chunk, next);
                        if full_tx.send(Ok((full, used))).is_err() {
                            return Ok(false); // the consumer stopped
                        }
                        used = 0;
                    }
                    Ok(true)
                });
                let _ = match result {
                    Ok(()) => full_tx.send(Ok((chunk, used))),
                    Err(e) => full_tx.send(Err(e)),
                };
            });
            let mut row: Vec<&str> = Vec::new();
            for msg in full_rx.iter() {
                let (chunk, used) = msg?;
                {
                    let mut row_buf: Vec<&str> =
                        std::mem::take(&mut row).into_iter().map(|_| "").collect();
                    for rec in &chunk[..used] {
                        row_buf.clear();
                        row_buf.extend(rec.iter().take(this.columns));
                        f(&row_buf)?;
                    }
                    row_buf.clear();
                    row = row_buf.into_iter().map(|_| "").collect();
                }
                let _ = empty_tx.send(chunk);
            }
            Ok(())
        })
    }
}

/// The first row is data (not a header) only when every typed column accepts its value.
fn detect_header(sample: &[Vec<String>], allow_comma: bool) -> bool {
    if sample.len() < 2 {
        return true;
    }
    let cols = sample[0].len();
    let mut typed = 0;
    for c in 0..cols {
        let mut inf = ColumnInference::new(allow_comma);
        for row in &sample[1..] {
            if let Some(v) = row.get(c) {
                inf.observe(v);
            }
        }
        let plan = inf.decide();
        if plan.column_type == crate::types::ColumnType::String {
            continue;
        }
        if !fits(&plan, &sample[0][c]) {
            return true;
        }
        // An empty first value fits any type but says nothing either way.
        if !crate::ingest::values::is_null_marker(&sample[0][c]) {
            typed += 1;
        }
    }
    typed == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn header_detection() {
        assert!(detect_header(
            &rows(&[&["id", "amount"], &["1", "2.5"], &["2", "3"]]),
            false
        ));
        assert!(!detect_header(
            &rows(&[&["1", "2.5"], &["2", "3"], &["3", "4"]]),
            false
        ));
        assert!(detect_header(&rows(&[&["a", "b"], &["x", "y"]]), false));
        assert!(!detect_header(
            &rows(&[&["xa", "2024-01-01"], &["yb", "2024-01-02"]]),
            false
        ));
    }
}
