//! Import and export files: `.jsonl` (one article a line, then what admins taught: see
//! `taught`) and `.md` (the bundled article format), and the all-or-nothing check that turns
//! parsed records into articles.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::taught::{self, TaughtLine};
use crate::content::{Article, Categories, validate_slug};

/// Largest import file we download, in bytes. The whole bundled library exports to well under
/// 1 MB, and every record is held in memory while it is checked.
pub const MAX_IMPORT_BYTES: u64 = 2 * 1024 * 1024;

/// One article record as it appears in an import file. A missing slug is derived from the
/// title (or matches the live article with the same title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incoming {
    #[serde(skip)]
    pub line: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    pub title: String,
    pub url: String,
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "crate::content::Kind::is_condition")]
    pub kind: crate::content::Kind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub role: std::collections::BTreeMap<String, String>,
}

/// A problem with one line (record) of an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line number.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Everything read from an import file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub articles: Vec<Incoming>,
    /// Taught phrasings and off-topic examples (`.jsonl` only).
    pub taught: Vec<TaughtLine>,
}

/// Parses an import file by its extension: `.jsonl` or `.md`.
///
/// # Errors
/// Every bad line, or a single problem for an unsupported or unreadable file.
pub fn parse_import(file_name: &str, bytes: &[u8]) -> Result<Parsed, Vec<LineProblem>> {
    match parse_lenient(file_name, bytes) {
        (records, problems) if problems.is_empty() => Ok(records),
        (_, problems) => Err(problems),
    }
}

/// Parses what it can: the good records and a problem for each bad line, so the later
/// checks can report problems in the good records too, all in one reply.
pub(super) fn parse_lenient(file_name: &str, bytes: &[u8]) -> (Parsed, Vec<LineProblem>) {
    let problem = |line, reason: &str| {
        (
            Parsed::default(),
            vec![LineProblem {
                line,
                reason: reason.to_owned(),
            }],
        )
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return problem(line, "the file is not UTF-8 text");
        }
    };
    let lower = file_name.to_lowercase();
    if lower.ends_with(".jsonl") {
        parse_jsonl(text)
    } else if let Some(stem) = lower.strip_suffix(".md") {
        match parse_markdown(stem, text) {
            Ok(articles) => (
                Parsed {
                    articles,
                    taught: Vec::new(),
                },
                Vec::new(),
            ),
            Err(problems) => (Parsed::default(), problems),
        }
    } else {
        problem(0, "send a .jsonl or .md file")
    }
}

fn parse_jsonl(text: &str) -> (Parsed, Vec<LineProblem>) {
    let mut parsed = Parsed::default();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line = i + 1;
        let value = serde_json::from_str::<serde_json::Value>(raw);
        let record = match value.as_ref().ok().and_then(|v| taught::parse(v, line)) {
            Some(taught) => taught.map(|t| parsed.taught.push(t)),
            // Parsed again as an article so a problem names its column.
            None => serde_json::from_str::<Incoming>(raw)
                .map(|record| parsed.articles.push(Incoming { line, ..record }))
                .map_err(|e| json_reason(&e)),
        };
        if let Err(reason) = record {
            problems.push(LineProblem { line, reason });
        }
    }
    if parsed.articles.is_empty() && parsed.taught.is_empty() && problems.is_empty() {
        problems.push(LineProblem {
            line: 1,
            reason: "the file has no articles".to_owned(),
        });
    }
    (parsed, problems)
}

/// serde_json's message without its "at line 1 column N" tail, which is always line 1 here.
fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &text[..i], e.column()),
        None => text,
    }
}

fn parse_markdown(stem: &str, text: &str) -> Result<Vec<Incoming>, Vec<LineProblem>> {
    let slug = match validate_slug(stem) {
        Ok(()) => stem.to_owned(),
        Err(_) => crate::content::slugify(stem),
    };
    let article = Article::parse(&slug, text).map_err(|(line, reason)| {
        vec![LineProblem {
            line: line.unwrap_or(1),
            reason,
        }]
    })?;
    Ok(vec![incoming(&article, 1)])
}

fn incoming(a: &Article, line: usize) -> Incoming {
    Incoming {
        line,
        slug: Some(a.slug.clone()),
        title: a.title.clone(),
        url: a.url.clone(),
        body: a.body.clone(),
        tags: a.tags.clone(),
        summary: a.summary.clone(),
        sources: a.sources.clone(),
        reviewed: a.reviewed,
        category: a.category.clone(),
        kind: a.kind,
        questions: a.questions.clone(),
        role: a.role.clone(),
    }
}

/// Serialises articles as `.jsonl` in the format [`parse_import`] reads.
pub fn export_jsonl(articles: &[Article]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        // Plain structs of strings always serialise.
        if let Ok(line) = serde_json::to_vec(&incoming(a, i + 1)) {
            out.extend_from_slice(&line);
            out.push(b'\n');
        }
    }
    out
}

/// Turns records into the articles to write, checking every one against the live library
/// and the rest of the file: valid fields, a known category, no repeated slug, no title used
/// by another article.
///
/// # Errors
/// Every problem found, each with its line.
pub(super) fn plan(
    live: &HashMap<String, Article>,
    incoming: Vec<Incoming>,
    categories: &Categories,
) -> Result<Vec<Article>, Vec<LineProblem>> {
    // title -> slug, as the library will be after each record is applied.
    let mut titles: HashMap<String, String> = live
        .values()
        .map(|a| (key(&a.title), a.slug.clone()))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for record in incoming {
        let line = record.line;
        let checked = check(live, &titles, &seen, record).and_then(|a| {
            categories.check(a.category.as_deref())?;
            Ok(a)
        });
        match checked {
            Ok(article) => {
                if let Some(old) = live.get(&article.slug) {
                    titles.remove(&key(&old.title));
                }
                titles.insert(key(&article.title), article.slug.clone());
                seen.insert(article.slug.clone(), line);
                out.push(article);
            }
            Err(reason) => problems.push(LineProblem { line, reason }),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn check(
    live: &HashMap<String, Article>,
    titles: &HashMap<String, String>,
    seen: &HashMap<String, usize>,
    r: Incoming,
) -> Result<Article, String> {
    let slug = match &r.slug {
        Some(slug) => slug.trim().to_owned(),
        None => titles.get(&key(&r.title)).cloned().unwrap_or_else(|| {
            super::unique_slug(&r.title, |s| live.contains_key(s) || seen.contains_key(s))
        }),
    };
    if let Some(first) = seen.get(&slug) {
        return Err(format!("slug `{slug}` already appears on line {first}"));
    }
    if let Some(other) = titles.get(&key(&r.title)).filter(|s| **s != slug) {
        return Err(format!(
            "the title \"{}\" is already used by `{other}`",
            r.title.trim()
        ));
    }
    let article = Article {
        slug,
        title: r.title.trim().to_owned(),
        url: r.url.trim().to_owned(),
        tags: r.tags.iter().map(|t| t.trim().to_lowercase()).collect(),
        summary: r
            .summary
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        sources: r.sources,
        reviewed: r.reviewed,
        category: r
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        kind: r.kind,
        questions: r.questions.iter().map(|q| q.trim().to_owned()).collect(),
        role: r.role,
        body: r.body.trim().to_owned(),
    };
    article.validate()?;
    Ok(article)
}

fn key(title: &str) -> String {
    title.trim().to_lowercase()
}
