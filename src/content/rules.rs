//! The rules every article and tip must meet, wherever it came from (the bundled files, an
//! admin's edit, an import), and the slugs articles are known by.

use super::{
    Article, MAX_BODY_BYTES, MAX_QUESTION_LEN, MAX_SLUG_LEN, MAX_TIP_LEN, MAX_TITLE_LEN, Tip,
};

impl Article {
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
        for q in &self.questions {
            validate_phrasing(q)?;
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

/// Checks one phrasing (a `questions` entry): not empty, at most [`MAX_QUESTION_LEN`]
/// characters.
///
/// # Errors
/// Explains what is wrong with it.
pub fn validate_phrasing(question: &str) -> Result<(), String> {
    let len = question.trim().chars().count();
    if len == 0 {
        return Err("a `questions` entry is empty".to_owned());
    }
    if len > MAX_QUESTION_LEN {
        return Err(format!(
            "the phrasing {question:?} is {len} characters; the limit is {MAX_QUESTION_LEN}"
        ));
    }
    Ok(())
}

/// A phrasing reduced to what makes two phrasings the same question: lowercase words,
/// without punctuation or extra spaces.
pub fn phrasing_key(question: &str) -> String {
    crate::text::words(question).join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;

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
