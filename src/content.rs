//! The bundled library on disk: `content/articles/<slug>.md`, `content/tips.toml` and
//! `content/synonyms.toml`, parsed into validated [`Article`]s, [`Tip`]s and synonym groups.
//!
//! An article file starts with TOML front matter between `+++` lines, then a Markdown body
//! (parsed in `front_matter`); the rules every article and tip must meet live in `rules`.
//! Every problem is reported as a [`ContentError`] that names the file and, where it can,
//! the line, so `healthbot check-content` can list them all at once.

mod front_matter;
mod rules;
#[cfg(test)]
pub(crate) mod testutil;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::synonyms::Synonyms;

pub use rules::{slugify, validate_https_url, validate_slug};

/// Longest slug we accept: a `/start a_<slug>` deep link must fit Telegram's 64 characters.
pub const MAX_SLUG_LEN: usize = 62;
/// Longest title we accept, in characters.
pub const MAX_TITLE_LEN: usize = 200;
/// Largest article body we accept, in bytes. Real articles are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 100_000;
/// Longest daily tip, in characters.
pub const MAX_TIP_LEN: usize = 300;
/// The synonym groups that ship with the binary, used when the content folder has none.
pub const BUNDLED_SYNONYMS: &str = include_str!("../content/synonyms.toml");

/// One health article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier: the file name for bundled articles. Never changes.
    pub slug: String,
    pub title: String,
    /// The reputable public source a reader can open.
    pub url: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Hand-written one- or two-sentence summary, used when no body sentence fits a question.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub reviewed: Option<NaiveDate>,
    /// Markdown body.
    pub body: String,
}

/// One daily tip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tip {
    pub text: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Everything loaded from a content folder.
#[derive(Debug, Clone, Default)]
pub struct Bundle {
    pub articles: Vec<Article>,
    pub tips: Vec<Tip>,
    /// The groups in `synonyms.toml` (the bundled copy when the folder has none).
    pub synonyms: Synonyms,
}

/// A problem in one content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    pub path: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ContentError {}

/// `tips.toml`: a list of `[[tip]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TipsFile {
    #[serde(default)]
    tip: Vec<Tip>,
}

/// Loads and validates a whole content folder.
///
/// # Errors
/// Returns every problem found, not just the first, so they can be fixed in one pass.
pub fn load_dir(dir: &Path) -> Result<Bundle, Vec<ContentError>> {
    let mut errors = Vec::new();
    let articles = load_articles(&dir.join("articles"), &mut errors);
    let tips = load_tips(&dir.join("tips.toml"), &mut errors);
    let synonyms = load_synonyms(dir).unwrap_or_else(|e| {
        errors.push(e);
        Synonyms::default()
    });
    if errors.is_empty() {
        Ok(Bundle {
            articles,
            tips,
            synonyms,
        })
    } else {
        Err(errors)
    }
}

/// Loads `synonyms.toml` from a content folder, or the bundled groups when it has none.
///
/// # Errors
/// The file cannot be read or is malformed; the error names the file and, where it can,
/// the line.
pub fn load_synonyms(dir: &Path) -> Result<Synonyms, ContentError> {
    let path = dir.join("synonyms.toml");
    let problem = |line, message| ContentError {
        path: path.clone(),
        line,
        message,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BUNDLED_SYNONYMS.to_owned(),
        Err(e) => return Err(problem(None, e.to_string())),
    };
    Synonyms::parse(&text).map_err(|(line, message)| problem(line, message))
}

fn load_articles(dir: &Path, errors: &mut Vec<ContentError>) -> Vec<Article> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ContentError {
                path: dir.to_owned(),
                line: None,
                message: format!("cannot read the folder: {e}"),
            });
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut articles: Vec<Article> = Vec::with_capacity(paths.len());
    for path in paths {
        let slug = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| (None, format!("cannot read the file: {e}")))
            .and_then(|text| Article::parse(&slug, &text));
        match parsed {
            Ok(article) => {
                if let Some(twin) = articles
                    .iter()
                    .find(|a| a.title.eq_ignore_ascii_case(&article.title))
                {
                    errors.push(ContentError {
                        path,
                        line: Some(2),
                        message: format!(
                            "the title {:?} is already used by {}",
                            article.title, twin.slug
                        ),
                    });
                } else {
                    articles.push(article);
                }
            }
            Err((line, message)) => errors.push(ContentError {
                path,
                line,
                message,
            }),
        }
    }
    articles
}

fn load_tips(path: &Path, errors: &mut Vec<ContentError>) -> Vec<Tip> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        // A library without tips is allowed; the daily tip feature then has nothing to send.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            errors.push(ContentError {
                path: path.to_owned(),
                line: None,
                message: e.to_string(),
            });
            return Vec::new();
        }
    };
    let file: TipsFile = match toml::from_str(&text) {
        Ok(file) => file,
        Err(e) => {
            let line = e
                .span()
                .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count());
            errors.push(ContentError {
                path: path.to_owned(),
                line,
                message: e.message().to_owned(),
            });
            return Vec::new();
        }
    };
    // Report tip problems by their position, since tips have no names.
    let tip_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[tip]]")
        .map(|(i, _)| i + 1)
        .collect();
    for (i, tip) in file.tip.iter().enumerate() {
        if let Err(message) = tip.validate() {
            errors.push(ContentError {
                path: path.to_owned(),
                line: tip_lines.get(i).copied(),
                message: format!("tip #{}: {message}", i + 1),
            });
        }
    }
    file.tip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_synonyms_parse() {
        let syn = Synonyms::parse(BUNDLED_SYNONYMS).unwrap();
        assert!(syn.len() >= 100, "only {} groups", syn.len());
    }
}
