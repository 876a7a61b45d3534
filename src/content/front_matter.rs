//! Article files: TOML front matter between `+++` lines, then a Markdown body, parsed into
//! an [`Article`] whose every problem names its line.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::Article;

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
    category: Option<String>,
    #[serde(default)]
    kind: super::Kind,
    #[serde(default)]
    questions: Vec<String>,
    /// Heading -> role overrides (see `content/section-roles.toml`).
    #[serde(default)]
    role: BTreeMap<String, String>,
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
            category: fm.category.map(|c| c.trim().to_owned()),
            kind: fm.kind,
            questions: fm.questions.iter().map(|q| q.trim().to_owned()).collect(),
            role: fm
                .role
                .into_iter()
                .map(|(h, r)| (h.trim().to_owned(), r.trim().to_owned()))
                .collect(),
            body: text[body_start..].trim().to_owned(),
        };
        article
            .validate()
            .map_err(|problem| (Some(line_of(start)), problem))?;
        Ok(article)
    }
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
}
