//! Shorthands for tests that need articles.

use super::Article;

/// A minimal valid article with an `https://example.org/<slug>` URL.
pub fn article(slug: &str, title: &str, tags: &[&str], body: &str) -> Article {
    Article {
        slug: slug.to_owned(),
        title: title.to_owned(),
        url: format!("https://example.org/{slug}"),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        body: body.to_owned(),
        ..Article::default()
    }
}
