//! How articles are laid out in the index: the schema's fields, an article as a document,
//! and a document back as an article.

use tantivy::TantivyDocument;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};

use crate::content::Article;
use crate::text;

/// The schema's fields.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub slug: Field,
    pub title: Field,
    pub tags: Field,
    pub body: Field,
    pub url: Field,
    pub summary: Field,
    /// Phrasings: the questions an article answers, as people word them.
    pub questions: Field,
    /// Hand-set section roles (heading -> role), as JSON.
    pub roles: Field,
}

impl Fields {
    /// The index schema and its fields.
    pub fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(text::ANALYZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let opts = TextOptions::default().set_indexing_options(indexing);
            if stored { opts.set_stored() } else { opts }
        };
        let fields = Self {
            slug: b.add_text_field("slug", STRING | STORED),
            title: b.add_text_field("title", text(true)),
            tags: b.add_text_field("tags", text(true)),
            body: b.add_text_field("body", text(true)),
            url: b.add_text_field("url", STORED),
            summary: b.add_text_field("summary", STORED),
            questions: b.add_text_field("questions", text(true)),
            roles: b.add_text_field("roles", STORED),
        };
        (b.build(), fields)
    }

    /// An article as an index document.
    pub fn document(&self, a: &Article) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.slug, &a.slug);
        doc.add_text(self.title, &a.title);
        for tag in &a.tags {
            doc.add_text(self.tags, tag);
        }
        doc.add_text(self.body, &a.body);
        doc.add_text(self.url, &a.url);
        doc.add_text(self.summary, a.summary.as_deref().unwrap_or_default());
        for q in &a.questions {
            doc.add_text(self.questions, q);
        }
        if !a.role.is_empty() {
            // A map of strings always serialises.
            doc.add_text(
                self.roles,
                serde_json::to_string(&a.role).unwrap_or_default(),
            );
        }
        doc
    }

    /// Rebuilds an article from its stored fields (sources, review date, category and kind are
    /// not indexed).
    pub fn article(&self, doc: &TantivyDocument) -> Article {
        let summary = stored(doc, self.summary);
        Article {
            slug: stored(doc, self.slug),
            title: stored(doc, self.title),
            url: stored(doc, self.url),
            tags: doc
                .get_all(self.tags)
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            summary: (!summary.is_empty()).then_some(summary),
            questions: doc
                .get_all(self.questions)
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            body: stored(doc, self.body),
            role: serde_json::from_str(&stored(doc, self.roles)).unwrap_or_default(),
            ..Article::default()
        }
    }
}

/// The text of a stored field, or "" when the document has none.
pub(super) fn stored(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}
