//! Delimited text (CSV, TSV, semicolon, pipe): encoding handling, header detection,
//! and a streaming row reader that reports ragged rows, huge fields and open quotes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Take, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::ingest::infer::{fits, ColumnInference};
use crate::ingest::parallel::{Span, SpanEnd, SplitRows};
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
    /// Bytes per span when reading in parallel (`None`: chosen from the file size).
    span_bytes: Option<u64>,
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
            span_bytes: opts.span_bytes,
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
        let whole = self.inner.whole();
        self.inner.scan_span(&whole, f).map(|_| ())
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

    fn split(&self) -> Option<&dyn SplitRows> {
        Some(&self.inner)
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
        span_bytes: opts.span_bytes,
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
    fn reader(&self) -> Result<csv::Reader<Take<File>>> {
        self.reader_at(self.offset, None)
    }

    /// A CSV reader over the bytes `start..end` of the file (`None`: to its end).
    fn reader_at(&self, start: u64, end: Option<u64>) -> Result<csv::Reader<Take<File>>> {
        let mut f = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        f.seek(SeekFrom::Start(start))
            .map_err(|e| Error::io(&self.path, e))?;
        let len = end.map_or(u64::MAX, |end| end.saturating_sub(start));
        Ok(csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(f.take(len)))
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

    /// The file line of `local_line` in a reader that started at absolute offset `start`.
    fn file_line(&self, start: u64, local_line: u64) -> u64 {
        if start <= self.offset {
            return local_line;
        }
        let Ok(f) = File::open(&self.path) else {
            return local_line;
        };
        let mut before = BufReader::with_capacity(1 << 20, f);
        let mut newlines = 0u64;
        let mut left = start;
        while left > 0 {
            let Ok(buf) = before.fill_buf() else { break };
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(left as usize);
            newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            before.consume(n);
            left -= n as u64;
        }
        newlines + local_line
    }

    /// Read and validate every data record of `span`, handing records to `f`.
    fn read_span(
        &self,
        span: &Span,
        f: &mut dyn FnMut(&csv::StringRecord) -> Result<()>,
    ) -> Result<SpanEnd> {
        let mut rdr = self.reader_at(span.start, span.end)?;
        let mut rec = csv::StringRecord::new();
        let mut skip_header = span.start <= self.offset && self.has_header;
        let mut last_data: Option<csv::Position> = None;
        let mut last_any = 0u64;
        let line = |pos: &csv::Position| self.file_line(span.start, pos.line());
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    return Err(shift_line(self.csv_error(e), |l| {
                        self.file_line(span.start, l)
                    }))
                }
            }
            let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
            last_any = pos.byte();
            if skip_header {
                skip_header = false;
                continue;
            }
            let blank = |v: &str| v.trim().is_empty();
            let big = rec.iter().find(|v| v.len() > self.max_field).map(str::len);
            let mut ragged = false;
            if big.is_none() && rec.len() != self.columns {
                if rec.iter().all(blank) {
                    continue;
                }
                // Trailing empty values (a trailing delimiter) are tolerated.
                ragged = rec.len() < self.columns || !rec.iter().skip(self.columns).all(blank);
            }
            if big.is_some() || ragged {
                let at = span.start + pos.byte();
                // A record cut short by a span end inside a quoted value is no error
                // of the file: the span must be read again as part of the whole.
                if let Some(end) = span.end {
                    if self.ends_inside_quotes(at, Some(end))? {
                        return Ok(SpanEnd { open_quote: true });
                    }
                }
                let multiline = rec.iter().any(|v| v.contains('\n') || v.contains('\r'));
                if multiline && self.ends_inside_quotes(at, None)? {
                    return Err(Error::UnterminatedQuote { line: line(&pos) });
                }
                return Err(match big {
                    Some(size_bytes) => Error::FieldTooLarge {
                        line: line(&pos),
                        size_bytes,
                        limit_bytes: self.max_field,
                    },
                    None => Error::RaggedRows {
                        line: line(&pos),
                        expected: self.columns,
                        found: rec.len(),
                    },
                });
            }
            last_data = Some(pos);
            f(&rec)?;
        }
        match span.end {
            // A quote opened in the last record and never closed swallows the rest of the file.
            None => {
                if let Some(pos) = last_data {
                    if self.ends_inside_quotes(span.start + pos.byte(), None)? {
                        return Err(Error::UnterminatedQuote { line: line(&pos) });
                    }
                }
                Ok(SpanEnd { open_quote: false })
            }
            // A cut inside a quoted value: the next span did not start at a record.
            Some(end) => Ok(SpanEnd {
                open_quote: self.ends_inside_quotes(span.start + last_any, Some(end))?,
            }),
        }
    }

    /// Does the text from the record starting at `from` up to `to` (`None`: the end
    /// of the file) end inside a quoted value? Mirrors the CSV parser's states
    /// exactly (RFC 4180 quoting; a quote elsewhere in a field is a literal).
    fn ends_inside_quotes(&self, from: u64, to: Option<u64>) -> Result<bool> {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            QuoteInQuoted,
        }
        let io = |e| Error::io(&self.path, e);
        let mut f = File::open(&self.path).map_err(io)?;
        f.seek(SeekFrom::Start(from)).map_err(io)?;
        let mut text = f.take(to.map_or(u64::MAX, |to| to.saturating_sub(from)));
        let mut buf = vec![0u8; 1 << 20];
        let mut state = State::FieldStart;
        loop {
            let n = text.read(&mut buf).map_err(io)?;
            if n == 0 {
                return Ok(state == State::Quoted);
            }
            for &b in &buf[..n] {
                let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
                state = match state {
                    State::FieldStart if b == b'"' => State::Quoted,
                    State::FieldStart | State::Unquoted | State::QuoteInQuoted if ends_field => {
                        State::FieldStart
                    }
                    State::FieldStart | State::Unquoted => State::Unquoted,
                    State::Quoted if b == b'"' => State::QuoteInQuoted,
                    State::Quoted => State::Quoted,
                    State::QuoteInQuoted if b == b'"' => State::Quoted,
                    State::QuoteInQuoted => State::Unquoted,
                };
            }
        }
    }
}

impl SplitRows for Delimited {
    fn whole(&self) -> Span {
        Span {
            start: self.offset,
            end: None,
        }
    }

    /// Cut at line ends into about `parts` spans of [`MIN_SPAN_BYTES`] to
    /// [`MAX_SPAN_BYTES`] (each span becomes one Parquet row group).
    fn spans(&self, parts: usize) -> Result<Vec<Span>> {
        let len = std::fs::metadata(&self.path)
            .map_err(|e| Error::io(&self.path, e))?
            .len();
        let body = len.saturating_sub(self.offset);
        let size = self
            .span_bytes
            .unwrap_or_else(|| (body / parts.max(1) as u64).clamp(MIN_SPAN_BYTES, MAX_SPAN_BYTES));
        let mut f = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut spans = Vec::new();
        let mut start = self.offset;
        let mut buf = vec![0u8; 64 * 1024];
        while start + size < len {
            // The first span is typed alone before the others start (see
            // `parallel::ingest`), so it is kept short.
            let nominal = if spans.is_empty() && self.span_bytes.is_none() {
                size.min(MIN_SPAN_BYTES)
            } else {
                size
            };
            // The first line end at or after the nominal cut.
            let mut at = start + nominal;
            let cut = loop {
                f.seek(SeekFrom::Start(at))
                    .map_err(|e| Error::io(&self.path, e))?;
                let n = f.read(&mut buf).map_err(|e| Error::io(&self.path, e))?;
                if n == 0 {
                    break None;
                }
                if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
                    break Some(at + i as u64 + 1);
                }
                at += n as u64;
            };
            match cut {
                Some(cut) if cut < len => {
                    spans.push(Span {
                        start,
                        end: Some(cut),
                    });
                    start = cut;
                }
                _ => break,
            }
        }
        spans.push(Span { start, end: None });
        Ok(spans)
    }

    fn scan_span(&self, span: &Span, f: &mut dyn FnMut(&[&str]) -> Result<()>) -> Result<SpanEnd> {
        let mut row: Vec<&str> = Vec::with_capacity(self.columns);
        let columns = self.columns;
        self.read_span(span, &mut |rec| {
            // Reuse one vector's allocation for every row (it cannot outlive `rec`).
            let mut values: Vec<&str> = std::mem::take(&mut row).into_iter().map(|_| "").collect();
            values.clear();
            values.extend(rec.iter().take(columns));
            let result = f(&values);
            values.clear();
            row = values.into_iter().map(|_| "").collect();
            result
        })
    }
}

/// Spans shorter than this are not worth a thread of their own.
const MIN_SPAN_BYTES: u64 = 8 << 20;
/// Longer spans would make row groups too large to read in parallel later.
const MAX_SPAN_BYTES: u64 = 64 << 20;

/// Rewrites the line number of a reader-relative error to a file line.
fn shift_line(e: Error, file_line: impl Fn(u64) -> u64) -> Error {
    match e {
        Error::InvalidEncoding { encoding, line } => Error::InvalidEncoding {
            encoding,
            line: file_line(line),
        },
        other => other,
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
