//! The dense (semantic) index: sentence vectors for each article's own text, its title and
//! every phrasing of it, searched by cosine similarity.
//!
//! An article's dense score for a question is its best match among its texts, so one good
//! phrasing ("it burns when I pee") is enough to find the UTI article even when the question
//! shares no word with its body. Known off-topic examples (taught by admins) are indexed too,
//! under no article, so a question closest to one of them can be turned away.
//!
//! Search is a brute-force scan: a few thousand 384-dimensional dot products take well under
//! a millisecond, which needs no approximate index.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::encoder::{Vector, cosine};

/// What one indexed text is to its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextKind {
    /// Title, tags and summary together: what the article is about.
    Article,
    /// The title alone, which short questions ("migraine") match best.
    Title,
    /// A question people ask that the article answers.
    Phrasing,
}

/// One text to index for an article, with its vector.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: TextKind,
    pub text: String,
    pub vector: Vector,
}

/// An article's best match for a question.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DenseHit {
    pub slug: String,
    pub cosine: f32,
    /// The indexed text that matched best, and what it is.
    pub matched: String,
    pub kind: TextKind,
}

/// The closest known off-topic example to a question.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OffTopicHit {
    pub text: String,
    pub cosine: f32,
}

/// Articles ranked by their best cosine, plus the nearest off-topic example if any exist.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DenseRanking {
    pub hits: Vec<DenseHit>,
    pub off_topic: Option<OffTopicHit>,
}

/// A cheap `Clone` handle on the dense index, updated live by admin changes.
#[derive(Clone, Default)]
pub struct DenseIndex {
    table: Arc<RwLock<Table>>,
}

#[derive(Default)]
struct Table {
    articles: HashMap<String, Vec<Entry>>,
    off_topic: Vec<(String, Vector)>,
}

impl DenseIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the texts of one article, replacing any it had.
    pub fn insert(&self, slug: &str, entries: Vec<Entry>) {
        self.write().articles.insert(slug.to_owned(), entries);
    }

    /// Removes an article and its texts.
    pub fn remove(&self, slug: &str) {
        self.write().articles.remove(slug);
    }

    /// Replaces the known off-topic examples.
    pub fn set_off_topic(&self, examples: Vec<(String, Vector)>) {
        self.write().off_topic = examples;
    }

    /// Adds one known off-topic example (an admin's "Off-topic" in /review).
    pub fn add_off_topic(&self, text: String, vector: Vector) {
        self.write().off_topic.push((text, vector));
    }

    /// Drops the off-topic examples for which `remove` says so.
    pub fn remove_off_topic(&self, remove: impl Fn(&str) -> bool) {
        self.write().off_topic.retain(|(text, _)| !remove(text));
    }

    /// Number of indexed articles.
    pub fn len(&self) -> usize {
        self.read().articles.len()
    }

    /// Whether no article is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of indexed texts across all articles.
    pub fn text_count(&self) -> usize {
        self.read().articles.values().map(Vec::len).sum()
    }

    /// The `limit` articles whose best text is closest to the question vector `q`.
    pub fn search(&self, q: &[f32], limit: usize) -> DenseRanking {
        let table = self.read();
        let mut hits: Vec<DenseHit> = table
            .articles
            .iter()
            .filter_map(|(slug, entries)| {
                let best = entries
                    .iter()
                    .map(|e| (cosine(q, &e.vector), e))
                    .max_by(|a, b| a.0.total_cmp(&b.0))?;
                Some(DenseHit {
                    slug: slug.clone(),
                    cosine: best.0,
                    matched: best.1.text.clone(),
                    kind: best.1.kind,
                })
            })
            .collect();
        // Ties broken by slug so a ranking never depends on hash-map order.
        hits.sort_by(|a, b| {
            b.cosine
                .total_cmp(&a.cosine)
                .then_with(|| a.slug.cmp(&b.slug))
        });
        hits.truncate(limit);
        let off_topic = table
            .off_topic
            .iter()
            .map(|(text, v)| OffTopicHit {
                text: text.clone(),
                cosine: cosine(q, v),
            })
            .max_by(|a, b| a.cosine.total_cmp(&b.cosine));
        DenseRanking { hits, off_topic }
    }

    /// The best cosine of one article for `q`, if it is indexed.
    pub fn score(&self, slug: &str, q: &[f32]) -> Option<f32> {
        self.read()
            .articles
            .get(slug)?
            .iter()
            .map(|e| cosine(q, &e.vector))
            .reduce(f32::max)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Table> {
        // A poisoned lock means a panic mid-insert of a whole Vec; the map is still usable.
        self.table.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Table> {
        self.table.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// The texts indexed for an article: its description (title, tags and summary), its title and
/// each phrasing, without repeats. (Body sentences were tried as well: they moved top-1 on
/// the calibration questions by under one point, for nearly three times the texts to embed.)
pub fn article_texts(
    title: &str,
    tags: &[String],
    summary: Option<&str>,
    phrasings: &[String],
) -> Vec<(TextKind, String)> {
    let mut description = title.to_owned();
    if !tags.is_empty() {
        description.push_str(". ");
        description.push_str(&tags.join(", "));
    }
    if let Some(s) = summary {
        description.push_str(". ");
        description.push_str(s);
    }
    let mut out = vec![
        (TextKind::Article, description),
        (TextKind::Title, title.to_owned()),
    ];
    for p in phrasings {
        if !out.iter().any(|(_, t)| t.eq_ignore_ascii_case(p)) {
            out.push((TextKind::Phrasing, p.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vector {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    fn entry(kind: TextKind, text: &str, v: &[f32]) -> Entry {
        Entry {
            kind,
            text: text.to_owned(),
            vector: unit(v),
        }
    }

    #[test]
    fn an_article_scores_its_best_text() {
        let idx = DenseIndex::new();
        idx.insert(
            "uti",
            vec![
                entry(TextKind::Article, "UTI", &[1.0, 0.0, 0.0]),
                entry(TextKind::Phrasing, "it burns when i pee", &[0.0, 1.0, 0.0]),
            ],
        );
        idx.insert(
            "gout",
            vec![entry(TextKind::Article, "Gout", &[0.0, 0.0, 1.0])],
        );
        let r = idx.search(&unit(&[0.1, 1.0, 0.0]), 5);
        assert_eq!(r.hits[0].slug, "uti");
        assert_eq!(r.hits[0].kind, TextKind::Phrasing);
        assert_eq!(r.hits[0].matched, "it burns when i pee");
        assert_eq!(r.hits.len(), 2);
    }

    #[test]
    fn removed_and_replaced_articles_take_effect_at_once() {
        let idx = DenseIndex::new();
        idx.insert("a", vec![entry(TextKind::Title, "A", &[1.0, 0.0])]);
        idx.insert("a", vec![entry(TextKind::Title, "A2", &[0.0, 1.0])]);
        assert_eq!(idx.text_count(), 1);
        assert!(idx.score("a", &unit(&[0.0, 1.0])).unwrap() > 0.99);
        idx.remove("a");
        assert!(idx.search(&unit(&[0.0, 1.0]), 3).hits.is_empty());
    }

    #[test]
    fn the_nearest_off_topic_example_is_reported() {
        let idx = DenseIndex::new();
        idx.set_off_topic(vec![("car oil".into(), unit(&[1.0, 0.0]))]);
        let r = idx.search(&unit(&[1.0, 0.1]), 3);
        assert_eq!(r.off_topic.unwrap().text, "car oil");
    }

    #[test]
    fn off_topic_examples_are_added_and_removed_live() {
        let idx = DenseIndex::new();
        idx.add_off_topic("car oil".into(), unit(&[1.0, 0.0]));
        idx.add_off_topic("bike gears".into(), unit(&[0.0, 1.0]));
        let q = unit(&[0.1, 1.0]);
        assert_eq!(idx.search(&q, 3).off_topic.unwrap().text, "bike gears");
        idx.remove_off_topic(|t| t == "bike gears");
        assert_eq!(idx.search(&q, 3).off_topic.unwrap().text, "car oil");
    }

    #[test]
    fn article_texts_include_description_title_and_distinct_phrasings() {
        let texts = article_texts(
            "Gout",
            &["big toe".into()],
            Some("Gout is a painful joint."),
            &["my big toe is swollen".into(), "Gout".into()],
        );
        assert_eq!(texts.len(), 3);
        assert_eq!(texts[0].1, "Gout. big toe. Gout is a painful joint.");
        assert_eq!(texts[2].0, TextKind::Phrasing);
    }
}
