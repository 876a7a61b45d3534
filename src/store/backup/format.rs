//! The backup file's lines: what each one holds, how it is written and how it is read back.
//!
//! Version 1 is JSONL: a header, one line per record, and a trailer with the record count
//! and a hash of the record lines, so a truncated or damaged file is caught before anything
//! is written. Keys and values are kept byte for byte: as text when they are UTF-8 (most are
//! JSON), as hex otherwise (counters are big-endian integers).

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the header's `format` field must say.
pub const FORMAT: &str = "healthbot-backup";
/// The format version this build writes and reads.
pub const VERSION: u32 = 1;

/// The first line.
#[derive(Debug, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub created: DateTime<Utc>,
    /// The store's id generator had handed out ids below this one; a restored store
    /// continues after it, so new audit entries and tips never reuse a restored key.
    pub next_id: u64,
    /// Every tree, including empty ones.
    pub trees: Vec<String>,
}

/// One key or value, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Bytes {
    Text(String),
    Hex(String),
}

impl Bytes {
    pub fn new(raw: &[u8]) -> Self {
        match std::str::from_utf8(raw) {
            Ok(text) => Self::Text(text.to_owned()),
            Err(_) => Self::Hex(raw.iter().map(|b| format!("{b:02x}")).collect()),
        }
    }

    /// The stored bytes, or why the hex is not hex.
    pub fn to_vec(&self) -> Result<Vec<u8>, String> {
        match self {
            Self::Text(text) => Ok(text.as_bytes().to_vec()),
            Self::Hex(hex) if hex.len() % 2 == 0 => (0..hex.len())
                .step_by(2)
                .map(|i| {
                    hex.get(i..i + 2)
                        .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                        .ok_or_else(|| format!("{hex:?} is not hexadecimal"))
                })
                .collect(),
            Self::Hex(hex) => Err(format!("{hex:?} has an odd number of hex digits")),
        }
    }
}

/// A record line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub tree: String,
    pub key: Bytes,
    pub value: Bytes,
}

/// The last line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trailer {
    pub end: End,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct End {
    pub records: usize,
    /// blake3 of every record line, newlines included.
    pub blake3: String,
}

/// One tree's name and its records, in key order.
pub type TreeDump = (String, Vec<(Vec<u8>, Vec<u8>)>);

/// A backup file that was read and checked, ready to load.
#[derive(Debug)]
pub struct Parsed {
    pub header: Header,
    pub trees: Vec<TreeDump>,
    pub records: usize,
}

/// Why a backup file is refused: the line and the reason.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

/// Writes `trees` as a version-1 file. Returns the number of records.
///
/// # Errors
/// Whatever `out` fails with.
pub fn write(
    out: &mut impl Write,
    created: DateTime<Utc>,
    next_id: u64,
    trees: &[TreeDump],
) -> std::io::Result<usize> {
    let header = Header {
        format: FORMAT.to_owned(),
        version: VERSION,
        created,
        next_id,
        trees: trees.iter().map(|(name, _)| name.clone()).collect(),
    };
    writeln!(out, "{}", json(&header))?;
    let mut hasher = blake3::Hasher::new();
    let mut records = 0;
    for (tree, entries) in trees {
        for (key, value) in entries {
            let record = Record {
                tree: tree.clone(),
                key: Bytes::new(key),
                value: Bytes::new(value),
            };
            let line = format!("{}\n", json(&record));
            hasher.update(line.as_bytes());
            out.write_all(line.as_bytes())?;
            records += 1;
        }
    }
    let end = Trailer {
        end: End {
            records,
            blake3: hasher.finalize().to_hex().to_string(),
        },
    };
    writeln!(out, "{}", json(&end))?;
    out.flush()?;
    Ok(records)
}

fn json<T: Serialize>(value: &T) -> String {
    // Our own structs of strings and numbers always serialise.
    serde_json::to_string(value).unwrap_or_default()
}

/// Reads and checks a whole file. Nothing is trusted until the trailer matched.
///
/// # Errors
/// The first line that is unreadable, of the wrong shape or inconsistent, by number; a file
/// that ends before its trailer is named by the line after its last one.
pub fn read(input: impl BufRead) -> Result<Parsed, LineError> {
    let err = |line: usize, reason: String| LineError { line, reason };
    let mut lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
    let (_, first) = lines
        .next()
        .ok_or_else(|| err(1, "the file is empty".to_owned()))?;
    let first = first.map_err(|e| err(1, format!("cannot read: {e}")))?;
    let header: Header = serde_json::from_str(&first)
        .map_err(|e| err(1, format!("not a healthbot backup header ({e})")))?;
    if header.format != FORMAT {
        return Err(err(
            1,
            format!("not a healthbot backup ({:?})", header.format),
        ));
    }
    if header.version != VERSION {
        return Err(err(
            1,
            format!(
                "format version {} is not supported by this build (it reads version {VERSION})",
                header.version
            ),
        ));
    }
    let mut trees: Vec<TreeDump> = header.trees.iter().map(|t| (t.clone(), vec![])).collect();
    let mut hasher = blake3::Hasher::new();
    let mut records = 0;
    let mut last = 1;
    while let Some((n, line)) = lines.next() {
        last = n;
        let line = line.map_err(|e| err(n, format!("cannot read: {e}")))?;
        if let Ok(trailer) = serde_json::from_str::<Trailer>(&line) {
            check_trailer(&trailer.end, records, &hasher).map_err(|reason| err(n, reason))?;
            if let Some((extra, _)) =
                lines.find(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
            {
                return Err(err(extra, "text after the closing line".to_owned()));
            }
            return Ok(Parsed {
                header,
                trees,
                records,
            });
        }
        let record: Record = serde_json::from_str(&line)
            .map_err(|e| err(n, format!("not a backup record ({e})")))?;
        let Some((_, entries)) = trees.iter_mut().find(|(name, _)| *name == record.tree) else {
            return Err(err(
                n,
                format!("tree {:?} is not listed in the header", record.tree),
            ));
        };
        let key = record.key.to_vec().map_err(|r| err(n, r))?;
        let value = record.value.to_vec().map_err(|r| err(n, r))?;
        entries.push((key, value));
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
        records += 1;
    }
    Err(err(
        last + 1,
        "the file ends before its closing line: it is truncated".to_owned(),
    ))
}

fn check_trailer(end: &End, records: usize, hasher: &blake3::Hasher) -> Result<(), String> {
    if end.records != records {
        return Err(format!(
            "the closing line counts {} records but the file holds {records}: records are missing",
            end.records
        ));
    }
    if end.blake3 != hasher.finalize().to_hex().as_str() {
        return Err(
            "the records do not match the closing line's checksum: the file was changed or damaged"
                .to_owned(),
        );
    }
    Ok(())
}
