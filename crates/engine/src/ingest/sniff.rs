//! Sniffing: file format from extension and content, text encoding, binary content,
//! and the delimiter of delimited text.

use crate::error::{Error, Result};

/// The kinds of file ingest understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Csv,
    Xlsx,
    Json,
}

/// Text encodings recognised in delimited files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// Pick the format from the extension, then check the content agrees.
pub fn detect_format(file_name: &str, head: &[u8]) -> Result<SourceFormat> {
    let ext = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "tsv" | "txt" | "tab" => Ok(SourceFormat::Csv),
        "xlsx" | "xlsm" => Ok(SourceFormat::Xlsx),
        "json" | "ndjson" | "jsonl" => Ok(SourceFormat::Json),
        "" => {
            // No extension: trust the content.
            if head.starts_with(b"PK\x03\x04") {
                Ok(SourceFormat::Xlsx)
            } else if head
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'[' || *b == b'{')
            {
                Ok(SourceFormat::Json)
            } else {
                Ok(SourceFormat::Csv)
            }
        }
        other => Err(Error::UnsupportedFormat {
            extension: format!(".{other}"),
        }),
    }
}

/// Refuse content that is clearly not text (images, archives, executables, NUL bytes).
pub fn check_text(head: &[u8]) -> Result<()> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a zip archive or Office file"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"GIF8", "a GIF image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"\x7FELF", "an executable"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"PAR1", "a Parquet file"),
        (
            b"\xD0\xCF\x11\xE0",
            "a legacy Office file (.xls); save it as .xlsx or CSV",
        ),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return Err(Error::BinaryFile {
                reason: format!("it is {what}"),
            });
        }
    }
    let sample = &head[..head.len().min(64 * 1024)];
    let control = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        .count();
    if sample.contains(&0) || control * 20 > sample.len().max(1) {
        return Err(Error::BinaryFile {
            reason: "it contains binary bytes".into(),
        });
    }
    Ok(())
}

/// Encoding from a BOM, else UTF-8 if the sample is valid UTF-8, else Windows-1252.
/// Returns the encoding and the BOM length to skip.
/// `complete`: `head` is the whole file, so a cut multi-byte character is an error.
pub fn detect_encoding(head: &[u8], complete: bool) -> (TextEncoding, usize) {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return (TextEncoding::Utf8Bom, 3);
    }
    if head.starts_with(b"\xFF\xFE") {
        return (TextEncoding::Utf16Le, 2);
    }
    if head.starts_with(b"\xFE\xFF") {
        return (TextEncoding::Utf16Be, 2);
    }
    match std::str::from_utf8(head) {
        Ok(_) => (TextEncoding::Utf8, 0),
        // A multi-byte character cut at the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() && !complete => (TextEncoding::Utf8, 0),
        Err(_) => (TextEncoding::Windows1252, 0),
    }
}

/// Choose among `,` `;` tab `|` the delimiter giving the most consistent field count (> 1).
pub fn detect_delimiter(sample: &str, preferred: Option<u8>) -> u8 {
    let mut best = (preferred.unwrap_or(b','), 0.0f64, 0usize);
    for delim in [b',', b';', b'\t', b'|'] {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let mut counts: Vec<usize> = Vec::new();
        let mut rec = csv::ByteRecord::new();
        while counts.len() < 100 {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => counts.push(rec.len()),
                _ => break,
            }
        }
        // The last line of a sample may be cut short.
        if counts.len() > 2 {
            counts.pop();
        }
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent =
            counts.iter().filter(|&&c| c == first).count() as f64 / counts.len() as f64;
        let bonus = if Some(delim) == preferred { 0.01 } else { 0.0 };
        let score = consistent + bonus;
        if score > best.1 + 1e-9 || (score > best.1 - 1e-9 && first > best.2 && score > 0.0) {
            best = (delim, score, first);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(detect_format("a.CSV", b"").unwrap(), SourceFormat::Csv);
        assert_eq!(detect_format("a.tsv", b"").unwrap(), SourceFormat::Csv);
        assert_eq!(detect_format("a.xlsx", b"").unwrap(), SourceFormat::Xlsx);
        assert_eq!(detect_format("a.json", b"").unwrap(), SourceFormat::Json);
        assert_eq!(detect_format("a", b" [{}]").unwrap(), SourceFormat::Json);
        assert_eq!(
            detect_format("a.exe", b"").unwrap_err().code(),
            "unsupported_format"
        );
    }

    #[test]
    fn encodings() {
        assert_eq!(
            detect_encoding(b"\xEF\xBB\xBFa,b", true).0,
            TextEncoding::Utf8Bom
        );
        assert_eq!(
            detect_encoding(b"\xFF\xFEa\0", true).0,
            TextEncoding::Utf16Le
        );
        assert_eq!(
            detect_encoding(b"\xFE\xFF\0a", true).0,
            TextEncoding::Utf16Be
        );
        assert_eq!(
            detect_encoding("café".as_bytes(), true).0,
            TextEncoding::Utf8
        );
        assert_eq!(
            detect_encoding(b"caf\xE9", true).0,
            TextEncoding::Windows1252
        );
        assert_eq!(detect_encoding(b"caf\xC3", false).0, TextEncoding::Utf8);
    }

    #[test]
    fn binary() {
        assert!(check_text(b"a,b\n1,2\n").is_ok());
        assert_eq!(
            check_text(b"\x89PNG\r\n").unwrap_err().code(),
            "binary_file"
        );
        assert_eq!(check_text(b"a\0b\0c").unwrap_err().code(), "binary_file");
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n", None), b',');
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3\n", None), b';');
        assert_eq!(detect_delimiter("a\tb\n1\t2\n", None), b'\t');
        assert_eq!(detect_delimiter("a|b\n1|2\n", None), b'|');
        assert_eq!(detect_delimiter("\"x,y\";b\n\"1,2\";3\n", None), b';');
        assert_eq!(detect_delimiter("single\n1\n", None), b',');
    }
}
