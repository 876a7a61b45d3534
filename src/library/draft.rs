//! [`Draft`]: an article as an admin types it in one message, before it has a slug.

use serde::{Deserialize, Serialize};

use crate::content::{Article, validate_https_url};

/// An article's admin-editable parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub title: String,
    pub url: String,
    pub tags: Vec<String>,
    /// The category as typed (an id or a name); the library checks it against the list.
    #[serde(default)]
    pub category: Option<String>,
    pub body: String,
}

/// How the one-message form looks, for error replies.
pub const FORMAT: &str = "<title>\n<https source url>\ntags: a, b   (optional line)\ncategory: <id>   (optional line)\n<body: the rest of the message>";

impl Draft {
    /// Parses the one-message form that follows `/add` or `/edit <slug>`:
    /// title, url, optional `tags:` and `category:` lines (in either order), then the body.
    ///
    /// # Errors
    /// Returns a sentence naming the missing or malformed part.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.trim_start().lines();
        let title = lines.next().unwrap_or_default().trim();
        if title.is_empty() {
            return Err("the title is missing: put it right after the command".to_owned());
        }
        let url = lines.next().unwrap_or_default().trim();
        if url.is_empty() {
            return Err("the source url is missing: put it on the line after the title".to_owned());
        }
        validate_https_url(url).map_err(|e| format!("the url {e}"))?;
        let mut rest = lines.peekable();
        let (mut tags, mut category) = (Vec::new(), None);
        while let Some(line) = rest.peek() {
            if let Some(t) = Self::tags_line(line) {
                tags = t;
            } else if let Some(c) = Self::category_line(line) {
                category = Some(c);
            } else {
                break;
            }
            rest.next();
        }
        let body: Vec<&str> = rest.collect();
        let draft = Self {
            title: title.to_owned(),
            url: url.to_owned(),
            tags,
            category,
            body: body.join("\n").trim().to_owned(),
        };
        if draft.body.is_empty() {
            return Err(
                "the article body is empty: write it after the url (and tags) line".to_owned(),
            );
        }
        Ok(draft)
    }

    /// Parses a `tags: a, b` line into lowercase tags; `None` if the line is not one.
    pub fn tags_line(line: &str) -> Option<Vec<String>> {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case("tags").then(|| {
            value
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect()
        })
    }

    /// Parses a `category: <id or name>` line; `None` if the line is not one.
    pub fn category_line(line: &str) -> Option<String> {
        let (key, value) = line.split_once(':')?;
        let value = value.trim();
        (key.trim().eq_ignore_ascii_case("category") && !value.is_empty()).then(|| value.to_owned())
    }

    /// The draft from an existing article, for editing.
    pub fn of(article: &Article) -> Self {
        Self {
            title: article.title.clone(),
            url: article.url.clone(),
            tags: article.tags.clone(),
            category: article.category.clone(),
            body: article.body.clone(),
        }
    }

    /// The article this draft becomes under `slug`.
    pub fn into_article(self, slug: String) -> Article {
        Article {
            slug,
            title: self.title.trim().to_owned(),
            url: self.url.trim().to_owned(),
            tags: self.tags,
            category: self.category,
            body: self.body.trim().to_owned(),
            ..Article::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_title_url_tags_and_body() {
        let d = Draft::parse(
            "Hay fever\nhttps://www.nhs.uk/hay-fever\ntags: Pollen, allergy\nSneezing.\n\nMore.",
        )
        .unwrap();
        assert_eq!(d.title, "Hay fever");
        assert_eq!(d.tags, ["pollen", "allergy"]);
        assert_eq!(d.body, "Sneezing.\n\nMore.");
    }

    #[test]
    fn category_line_comes_before_or_after_the_tags_line() {
        let d = Draft::parse(
            "Hay fever\nhttps://www.nhs.uk/x\ncategory: lungs\ntags: pollen\nSneezing.",
        )
        .unwrap();
        assert_eq!((d.category.as_deref(), d.tags.len()), (Some("lungs"), 1));
        let d = Draft::parse("Hay fever\nhttps://www.nhs.uk/x\ntags: pollen\nCategory: Eyes, ears, nose and throat\nSneezing.")
            .unwrap();
        assert_eq!(d.category.as_deref(), Some("Eyes, ears, nose and throat"));
        assert_eq!(d.body, "Sneezing.");
        let d = Draft::parse("Hay fever\nhttps://www.nhs.uk/x\nSneezing.").unwrap();
        assert_eq!(d.category, None);
    }

    #[test]
    fn tags_line_is_optional() {
        let d = Draft::parse("Hay fever\nhttps://www.nhs.uk/x\nSneezing.").unwrap();
        assert!(d.tags.is_empty());
        assert_eq!(d.body, "Sneezing.");
    }

    #[test]
    fn bad_input_names_the_problem() {
        let err = |t: &str| Draft::parse(t).unwrap_err();
        assert!(err("").contains("title is missing"));
        assert!(err("Title").contains("url is missing"));
        assert!(err("Title\nhttp://www.nhs.uk/x\nBody").contains("https"));
        assert!(err("Title\nhttps://www.nhs.uk/x\ntags: a").contains("body is empty"));
    }
}
