//! The bundled library on disk: `content/articles/<slug>.md`, `content/tips.toml` and
//! `content/synonyms.toml`, parsed into validated [`Article`]s, [`Tip`]s and synonym groups;
//! `content/red-flags.toml` is checked too (see [`crate::safety`]).
//!
//! An article file starts with TOML front matter between `+++` lines, then a Markdown body.
//! Every problem is reported as a [`ContentError`] that names the file and, where it can,
//! the line, so `healthbot check-content` can list them all at once.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    /// Raw text of `synonyms.toml` (the bundled copy when the folder has none).
    pub synonyms: String,
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

/// The part of an article file between the `+++` lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    url: String,
    #[serde(default)]
    tags: Vec<String>,
    summary: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    reviewed: Option<toml::value::Datetime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TipsFile {
    #[serde(default)]
    tip: Vec<Tip>,
}

impl Article {
    /// Parses one article file's text. `slug` comes from the file name.
    ///
    /// # Errors
    /// Returns the problem and its 1-based line.
    pub fn parse(slug: &str, text: &str) -> Result<Self, (Option<usize>, String)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        if lines.next().map(str::trim_end) != Some("+++") {
            return Err((
                Some(1),
                "expected `+++` on the first line to open the front matter".to_owned(),
            ));
        }
        let start = text.find('\n').map_or(text.len(), |i| i + 1);
        let mut offset = start;
        let mut close = None;
        for line in lines {
            if line.trim_end() == "+++" {
                close = Some((offset, offset + line.len()));
                break;
            }
            offset += line.len();
        }
        let Some((fm_end, body_start)) = close else {
            return Err((
                Some(1),
                "the front matter is never closed by a `+++` line".to_owned(),
            ));
        };
        let front = &text[start..fm_end];
        let line_of = |byte: usize| 1 + text[..byte.min(text.len())].matches('\n').count();
        let fm: FrontMatter = toml::from_str(front).map_err(|e| {
            let line = e.span().map_or(2, |s| line_of(start + s.start));
            (Some(line), e.message().to_owned())
        })?;
        let reviewed = fm
            .reviewed
            .map(|d| match d.date {
                Some(date) if d.time.is_none() => {
                    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                        .ok_or(())
                }
                _ => Err(()),
            })
            .transpose()
            .map_err(|()| {
                (
                    Some(line_of(start)),
                    "`reviewed` must be a date such as 2026-11-26".to_owned(),
                )
            })?;
        let article = Self {
            slug: slug.to_owned(),
            title: fm.title.trim().to_owned(),
            url: fm.url.trim().to_owned(),
            tags: fm.tags.iter().map(|t| t.trim().to_lowercase()).collect(),
            summary: fm
                .summary
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            sources: fm.sources,
            reviewed,
            body: text[body_start..].trim().to_owned(),
        };
        article
            .validate()
            .map_err(|problem| (Some(line_of(start)), problem))?;
        Ok(article)
    }

    /// Checks the rules every article must meet, wherever it came from.
    ///
    /// # Errors
    /// Returns a sentence naming the first broken rule.
    pub fn validate(&self) -> Result<(), String> {
        validate_slug(&self.slug)?;
        if self.title.is_empty() {
            return Err("`title` is empty".to_owned());
        }
        if self.title.chars().count() > MAX_TITLE_LEN {
            return Err(format!("`title` is longer than {MAX_TITLE_LEN} characters"));
        }
        validate_https_url(&self.url).map_err(|e| format!("`url` {e}"))?;
        for source in &self.sources {
            validate_https_url(source).map_err(|e| format!("a `sources` entry {e}"))?;
        }
        if self.tags.iter().any(String::is_empty) {
            return Err("`tags` has an empty tag".to_owned());
        }
        if self.body.trim().is_empty() {
            return Err("the article body is empty".to_owned());
        }
        if self.body.len() > MAX_BODY_BYTES {
            return Err(format!(
                "the article body is {} KB; the limit is {} KB",
                self.body.len() / 1000,
                MAX_BODY_BYTES / 1000
            ));
        }
        Ok(())
    }
}

impl Tip {
    /// Checks the rules every tip must meet.
    ///
    /// # Errors
    /// Returns a sentence naming the first broken rule.
    pub fn validate(&self) -> Result<(), String> {
        let len = self.text.trim().chars().count();
        if len == 0 {
            return Err("the tip text is empty".to_owned());
        }
        if len > MAX_TIP_LEN {
            return Err(format!(
                "the tip is {len} characters; the limit is {MAX_TIP_LEN}"
            ));
        }
        if let Some(url) = &self.url {
            validate_https_url(url).map_err(|e| format!("the tip `url` {e}"))?;
        }
        Ok(())
    }
}

/// Checks that a slug is lowercase ASCII letters, digits and single hyphens.
///
/// # Errors
/// Explains what is wrong with it.
pub fn validate_slug(slug: &str) -> Result<(), String> {
    let ok_chars = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if slug.is_empty()
        || !ok_chars
        || slug.starts_with('-')
        || slug.ends_with('-')
        || slug.contains("--")
    {
        return Err(format!(
            "slug {slug:?} must be lowercase letters, digits and single hyphens"
        ));
    }
    if slug.len() > MAX_SLUG_LEN {
        return Err(format!(
            "slug {slug:?} is longer than {MAX_SLUG_LEN} characters"
        ));
    }
    Ok(())
}

/// Checks that `url` is an absolute https URL with a host.
///
/// # Errors
/// Explains what is wrong, as the end of a sentence ("must use https").
pub fn validate_https_url(url: &str) -> Result<(), String> {
    match url::Url::parse(url) {
        Ok(u) if u.scheme() != "https" => Err(format!("{url:?} must use https")),
        Ok(u) if u.host_str().is_none_or(|h| !h.contains('.')) => {
            Err(format!("{url:?} has no valid host"))
        }
        Ok(_) => Ok(()),
        Err(e) => Err(format!("{url:?} is not a valid URL ({e})")),
    }
}

/// Turns a title into a slug: lowercase, every run of non-alphanumerics becomes `-`.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len());
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    if slug.len() > MAX_SLUG_LEN {
        slug.truncate(MAX_SLUG_LEN);
        slug = slug.trim_end_matches('-').to_owned();
    }
    slug
}

/// Loads and validates a whole content folder.
///
/// # Errors
/// Returns every problem found, not just the first, so they can be fixed in one pass.
pub fn load_dir(dir: &Path) -> Result<Bundle, Vec<ContentError>> {
    let mut errors = Vec::new();
    let articles = load_articles(&dir.join("articles"), &mut errors);
    let tips = load_tips(&dir.join("tips.toml"), &mut errors);
    let synonyms_path = dir.join("synonyms.toml");
    let synonyms = match std::fs::read_to_string(&synonyms_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BUNDLED_SYNONYMS.to_owned(),
        Err(e) => {
            errors.push(ContentError {
                path: synonyms_path.clone(),
                line: None,
                message: e.to_string(),
            });
            String::new()
        }
    };
    if let Err((line, message)) = crate::search::Synonyms::parse(&synonyms) {
        errors.push(ContentError {
            path: synonyms_path,
            line,
            message,
        });
    }
    if let Err(e) = crate::safety::load_rules(dir) {
        errors.push(e);
    }
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

    const GOOD: &str = "+++\ntitle = \"Nosebleeds\"\nurl = \"https://www.nhs.uk/conditions/nosebleed/\"\ntags = [\"Nose\", \"bleeding\"]\nreviewed = 2026-11-26\n+++\n\n## What to do\n\nPinch the soft part of the nose.\n";

    #[test]
    fn front_matter_and_body_are_parsed() {
        let a = Article::parse("nosebleed", GOOD).unwrap();
        assert_eq!(a.title, "Nosebleeds");
        assert_eq!(a.tags, ["nose", "bleeding"]);
        assert_eq!(a.reviewed, NaiveDate::from_ymd_opt(2026, 11, 26));
        assert!(a.body.starts_with("## What to do"));
    }

    #[test]
    fn toml_error_names_the_line() {
        let text = "+++\ntitle = \"X\"\nurl = \"https://a.org/\"\ntags = [\"a\",\n+++\nbody\n";
        let (line, _) = Article::parse("x", text).unwrap_err();
        assert!(matches!(line, Some(4 | 5)), "{line:?}");
    }

    #[test]
    fn missing_url_is_rejected() {
        let (line, msg) = Article::parse("x", "+++\ntitle = \"X\"\n+++\nbody").unwrap_err();
        assert!(msg.contains("url"), "{msg}");
        assert!(line.is_some());
    }

    #[test]
    fn http_url_is_rejected() {
        let text = GOOD.replace("https://www.nhs", "http://www.nhs");
        let (_, msg) = Article::parse("nosebleed", &text).unwrap_err();
        assert!(msg.contains("https"), "{msg}");
    }

    #[test]
    fn unclosed_front_matter_is_rejected() {
        let (_, msg) = Article::parse("x", "+++\ntitle = \"X\"\n").unwrap_err();
        assert!(msg.contains("never closed"), "{msg}");
    }

    #[test]
    fn unknown_front_matter_key_is_rejected() {
        let text = GOOD.replace("tags", "tagz");
        assert!(Article::parse("nosebleed", &text).is_err());
    }

    #[test]
    fn slugify_collapses_non_alphanumerics() {
        assert_eq!(
            slugify("Bleeding after a tooth extraction!"),
            "bleeding-after-a-tooth-extraction"
        );
        assert_eq!(
            slugify("  Flu vs. cold -- what's the difference?"),
            "flu-vs-cold-what-s-the-difference"
        );
        assert!(validate_slug(&slugify(&"x".repeat(300))).is_ok());
    }

    #[test]
    fn oversized_tip_is_rejected() {
        let tip = Tip {
            text: "a".repeat(301),
            url: None,
            tags: vec![],
        };
        assert!(tip.validate().is_err());
    }
}
