//! The bundled library on disk: `content/articles/<slug>.md`, `content/tips.toml` and
//! `content/synonyms.toml`, parsed into validated [`Article`]s, [`Tip`]s and synonym groups.
//!
//! An article file starts with TOML front matter between `+++` lines, then a Markdown body
//! (parsed in `front_matter`); the rules every article and tip must meet live in `rules`.
//! The browsing categories (`categories.toml`) live in `categories`, the roles of article
//! headings (`section-roles.toml`) in `sections`, and the question-intent cues
//! (`intents.toml`) are loaded here too.
//! Every problem is reported as a [`ContentError`] that names the file and, where it can,
//! the line, so `healthbot check-content` can list them all at once.

pub mod categories;
mod front_matter;
mod rules;
pub mod sections;
#[cfg(test)]
pub(crate) mod testutil;
mod tips;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::gate::{self, Gate};
use crate::intent::{self, IntentRules};
use crate::safety;
use crate::smalltalk::{self, SmallTalk};
use crate::synonyms::Synonyms;

pub use categories::{Categories, Category};
pub use rules::{phrasing_key, slugify, validate_https_url, validate_phrasing, validate_slug};
pub use sections::{Kind, SectionRoles, structure_problems};

/// Longest slug we accept: a `/start a_<slug>` deep link must fit Telegram's 64 characters.
pub const MAX_SLUG_LEN: usize = 62;
/// Longest title we accept, in characters.
pub const MAX_TITLE_LEN: usize = 200;
/// Longest phrasing (`questions` entry) we accept, in characters.
pub const MAX_QUESTION_LEN: usize = 200;
/// Largest article body we accept, in bytes. Real articles are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 100_000;
/// Longest daily tip, in characters.
pub const MAX_TIP_LEN: usize = 300;
/// The synonym groups that ship with the binary, used when the content folder has none.
pub const BUNDLED_SYNONYMS: &str = include_str!("../content/synonyms.toml");
/// The off-topic examples that ship with the binary, used when the content folder has none.
pub const BUNDLED_OFF_TOPIC: &str = include_str!("../content/off-topic.toml");

/// One health article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The browsing category's id (see `content/categories.toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// What the article is: about a condition (the default), or general information.
    #[serde(default, skip_serializing_if = "Kind::is_condition")]
    pub kind: Kind,
    /// Questions the article answers, worded as people type them; matched by meaning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    /// Section roles set by hand (heading -> role), for headings that `section-roles.toml`
    /// maps to no role or to the wrong one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role: BTreeMap<String, String>,
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
#[derive(Debug, Clone)]
pub struct Bundle {
    pub articles: Vec<Article>,
    pub tips: Vec<Tip>,
    /// The groups in `synonyms.toml` (the bundled copy when the folder has none).
    pub synonyms: Synonyms,
    /// The answer gate in `gate.toml` (the bundled copy when the folder has none).
    pub gate: Gate,
    /// The replies in `small-talk.toml` (the bundled copy when the folder has none).
    pub small_talk: SmallTalk,
    /// The red-flag rules in `red-flags.toml` (the bundled copy when the folder has none).
    pub red_flags: std::sync::Arc<crate::safety::Rules>,
    /// Known off-topic messages from `off-topic.toml` (the bundled copy when the folder has
    /// none): a question closer to one of them than to any article is turned away.
    pub off_topic: Vec<String>,
    /// The browsing categories in `categories.toml` (the bundled copy when the folder has none).
    pub categories: Categories,
    /// The roles of article headings in `section-roles.toml` (likewise).
    pub section_roles: SectionRoles,
    /// The question-intent cues in `intents.toml` (likewise).
    pub intents: IntentRules,
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

/// Loads and validates a whole content folder.
///
/// # Errors
/// Returns every problem found, not just the first, so they can be fixed in one pass.
pub fn load_dir(dir: &Path) -> Result<Bundle, Vec<ContentError>> {
    let mut errors = Vec::new();
    let articles = load_articles(&dir.join("articles"), &mut errors);
    let tips = tips::load(&dir.join("tips.toml"), &mut errors);
    let synonyms = keep(&mut errors, load_synonyms(dir));
    let gate = keep(
        &mut errors,
        load_data(dir, "gate.toml", gate::BUNDLED, |t| {
            Gate::parse(t, gate::FEATURES)
        }),
    );
    let small_talk = keep(
        &mut errors,
        load_data(dir, "small-talk.toml", smalltalk::BUNDLED, SmallTalk::parse),
    );
    let off_topic = keep(
        &mut errors,
        load_data(dir, "off-topic.toml", BUNDLED_OFF_TOPIC, parse_off_topic),
    );
    let red_flags = keep(
        &mut errors,
        load_data(dir, safety::RULES_FILE, safety::BUNDLED_RULES, |t| {
            safety::Rules::parse(t)
                .map(std::sync::Arc::new)
                .map_err(|e| (e.line, e.message))
        }),
    );
    let categories = keep(
        &mut errors,
        load_data(
            dir,
            categories::FILE,
            categories::BUNDLED,
            Categories::parse,
        ),
    );
    let section_roles = keep(
        &mut errors,
        load_data(dir, sections::FILE, sections::BUNDLED, SectionRoles::parse),
    );
    let intents = keep(
        &mut errors,
        load_data(dir, intent::FILE, intent::BUNDLED, IntentRules::parse),
    );
    if let Some(categories) = &categories {
        errors.extend(categories::unknown(&articles, categories, dir));
    }
    match (
        synonyms,
        gate,
        small_talk,
        off_topic,
        red_flags,
        categories,
        section_roles,
        intents,
    ) {
        (
            Some(synonyms),
            Some(gate),
            Some(small_talk),
            Some(off_topic),
            Some(red_flags),
            Some(categories),
            Some(section_roles),
            Some(intents),
        ) if errors.is_empty() => Ok(Bundle {
            articles,
            tips,
            synonyms,
            gate,
            small_talk,
            off_topic,
            red_flags,
            categories,
            section_roles,
            intents,
        }),
        _ => Err(errors),
    }
}

/// Loads `synonyms.toml` from a content folder, or the bundled groups when it has none.
///
/// # Errors
/// The file cannot be read or is malformed; the error names the file and, where it can,
/// the line.
pub fn load_synonyms(dir: &Path) -> Result<Synonyms, ContentError> {
    load_data(dir, "synonyms.toml", BUNDLED_SYNONYMS, Synonyms::parse)
}

/// Parses `off-topic.toml`: `[[example]]` tables with a `text` and an optional `kind`.
///
/// # Errors
/// Returns the 1-based line (when known) and what is wrong.
pub fn parse_off_topic(text: &str) -> Result<Vec<String>, (Option<usize>, String)> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        example: Vec<Example>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Example {
        text: String,
        #[serde(default)]
        #[expect(dead_code, reason = "the kind documents the file; matching ignores it")]
        kind: Option<String>,
    }
    let file: File = parse_toml(text)?;
    let mut out = Vec::with_capacity(file.example.len());
    for (i, e) in file.example.into_iter().enumerate() {
        validate_phrasing(&e.text).map_err(|m| (None, format!("example #{}: {m}", i + 1)))?;
        out.push(e.text.trim().to_owned());
    }
    Ok(out)
}

/// Parses a TOML data file; a problem comes with its 1-based line when TOML knows it.
///
/// # Errors
/// The line (when known) and TOML's message.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, (Option<usize>, String)> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count());
        (line, e.message().to_owned())
    })
}

/// The value, or `None` with its problem added to `errors`.
fn keep<T>(errors: &mut Vec<ContentError>, result: Result<T, ContentError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Loads one data file of a content folder with `parse`, or the bundled copy when the folder
/// has none; a problem names the file and, where it can, the line.
fn load_data<T>(
    dir: &Path,
    name: &str,
    bundled: &str,
    parse: impl FnOnce(&str) -> Result<T, (Option<usize>, String)>,
) -> Result<T, ContentError> {
    let path = dir.join(name);
    let problem = |line, message| ContentError {
        path: path.clone(),
        line,
        message,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bundled.to_owned(),
        Err(e) => return Err(problem(None, e.to_string())),
    };
    parse(&text).map_err(|(line, message)| problem(line, message))
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
    // A phrasing names the one article that answers it; two owners would make it ambiguous.
    let mut owners: HashMap<String, String> = HashMap::new();
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
                    for q in &article.questions {
                        match owners.get(&phrasing_key(q)) {
                            Some(owner) if *owner != article.slug => errors.push(ContentError {
                                line: line_containing(&path, q),
                                path: path.clone(),
                                message: format!("the phrasing {q:?} also belongs to {owner}"),
                            }),
                            _ => {
                                owners.insert(phrasing_key(q), article.slug.clone());
                            }
                        }
                    }
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

/// The 1-based line of `path` that contains `needle`, for error messages.
pub(crate) fn line_containing(path: &Path, needle: &str) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
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
