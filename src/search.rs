//! Full-text matching of questions to articles: an in-memory tantivy index with English
//! stemming, per-field weights, lay/medical synonyms and spelling correction.
//!
//! Ranking is BM25 over title, tags and body, then re-ranked by *coverage*: the share of the
//! question's information (idf-weighted concepts) that an article mentions. Coverage is also
//! what the answer layer uses as its confidence, because unlike a BM25 score it means the same
//! thing for every question and every corpus size.

mod boost;
mod query;
mod vocabulary;

use std::sync::{Arc, Mutex, RwLock};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, DocId, DocSet, IndexReader, IndexWriter, ReloadPolicy, Searcher, TERMINATED,
    TantivyDocument, Term,
};

pub use query::{Concept, QueryPlan, Variant};
pub use vocabulary::Vocabulary;

use crate::content::Article;
use crate::synonyms::Synonyms;
use crate::text;

/// Candidates fetched from BM25 before re-ranking by coverage.
const CANDIDATES: usize = 30;
/// Memory the index writer may use before flushing a segment.
const WRITER_HEAP_BYTES: usize = 100_000_000;

/// A failure inside the search index.
#[derive(Debug, thiserror::Error)]
#[error("search index error: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// Knobs of the ranking function. The defaults are what the bot uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    pub title_weight: f32,
    pub tags_weight: f32,
    pub body_weight: f32,
    /// Share of the BM25 score that does not depend on coverage (1.0 disables re-ranking).
    pub coverage_floor: f32,
    /// How sharply coverage re-ranks: the score is scaled by `coverage ^ coverage_power`.
    pub coverage_power: f32,
    /// Weight of a word no article contains, as a share of the largest idf.
    pub unknown_scale: f32,
    /// Boost of a title that names the question's type ("why" -> causes); 0 disables it.
    pub qtype_weight: f32,
    /// Boost of neighbouring question words found close together; 0 disables it.
    pub proximity_weight: f32,
    /// Least idf (about `ln(1 / share of articles)`) of both words of a proximity pair:
    /// common words land near each other by chance, and their long posting lists make
    /// phrase matching the slowest part of a search on a large library.
    pub proximity_min_idf: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            title_weight: 1.5,
            tags_weight: 1.5,
            body_weight: 1.0,
            coverage_floor: 0.3,
            coverage_power: 2.0,
            unknown_scale: 1.0,
            qtype_weight: 1.0,
            proximity_weight: 0.5,
            proximity_min_idf: 2.3,
        }
    }
}

/// How much of a question one article covers.
#[derive(Debug, Clone, Copy, Default)]
struct Coverage {
    all: f32,
    key: f32,
}

impl std::str::FromStr for Tuning {
    type Err = String;

    /// Parses `title=3,tags=2,body=1,floor=0.3,power=1`; unnamed knobs keep their defaults.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut t = Self::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not key=value"))?;
            let value: f32 = value
                .trim()
                .parse()
                .map_err(|_| format!("{value:?} is not a number"))?;
            let slot = match key.trim() {
                "title" => &mut t.title_weight,
                "tags" => &mut t.tags_weight,
                "body" => &mut t.body_weight,
                "floor" => &mut t.coverage_floor,
                "power" => &mut t.coverage_power,
                "unknown" => &mut t.unknown_scale,
                "qtype" => &mut t.qtype_weight,
                "proximity" => &mut t.proximity_weight,
                "proxidf" => &mut t.proximity_min_idf,
                other => return Err(format!("unknown tuning knob {other:?}")),
            };
            *slot = value;
        }
        Ok(t)
    }
}

/// One ranked article.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// Ranking score (BM25 re-weighted by coverage). Only comparable within one question.
    pub score: f32,
    /// Share (0..=1) of the question's idf-weighted concepts the article mentions.
    pub coverage: f32,
    /// Whether some concept appears in the article's title or tags, not just its body.
    pub in_title_or_tags: bool,
    /// Share (0..=1) of the question's idf-weighted concepts found in the title or tags.
    pub key_coverage: f32,
    /// Share (0..=1) of the question's idf-weighted concepts that some article mentions.
    pub known: f32,
}

/// The result of one search.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    pub plan: QueryPlan,
    pub hits: Vec<Hit>,
}

#[derive(Clone, Copy)]
struct Fields {
    slug: Field,
    title: Field,
    tags: Field,
    body: Field,
    url: Field,
    summary: Field,
}

/// A cheap-to-clone handle on the shared index.
#[derive(Clone)]
pub struct Index {
    inner: Arc<Inner>,
}

struct Inner {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    vocab: RwLock<Arc<Vocabulary>>,
    synonyms: Synonyms,
    tuning: Tuning,
}

impl Index {
    /// Builds an index over `articles` with default tuning.
    ///
    /// # Errors
    /// Returns tantivy's error if indexing fails.
    pub fn build<'a>(
        articles: impl IntoIterator<Item = &'a Article>,
        synonyms: Synonyms,
    ) -> Result<Self, SearchError> {
        Self::build_with(articles, synonyms, Tuning::default())
    }

    /// Builds an index over `articles` with explicit ranking knobs.
    ///
    /// # Errors
    /// Returns tantivy's error if indexing fails.
    pub fn build_with<'a>(
        articles: impl IntoIterator<Item = &'a Article>,
        synonyms: Synonyms,
        tuning: Tuning,
    ) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        let index = tantivy::Index::create_in_ram(schema);
        index
            .tokenizers()
            .register(text::ANALYZER_NAME, text::analyzer());
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        for article in articles {
            writer.add_document(document(&fields, article))?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let inner = Inner {
            reader,
            writer: Mutex::new(writer),
            fields,
            vocab: RwLock::default(),
            synonyms,
            tuning,
        };
        let this = Self {
            inner: Arc::new(inner),
        };
        this.commit()?;
        Ok(this)
    }

    /// Adds an article, or replaces the one with the same slug, and makes it searchable now.
    ///
    /// # Errors
    /// Returns tantivy's error if indexing fails.
    pub fn upsert(&self, article: &Article) -> Result<(), SearchError> {
        {
            let writer = self.writer();
            writer.delete_term(Term::from_field_text(self.inner.fields.slug, &article.slug));
            writer.add_document(document(&self.inner.fields, article))?;
        }
        self.commit()
    }

    /// Removes the article with this slug, if indexed.
    ///
    /// # Errors
    /// Returns tantivy's error if the index cannot be updated.
    pub fn remove(&self, slug: &str) -> Result<(), SearchError> {
        self.writer()
            .delete_term(Term::from_field_text(self.inner.fields.slug, slug));
        self.commit()
    }

    /// Number of searchable articles.
    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Whether no article is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Analyses a question without searching: its concepts and their variants.
    pub fn plan(&self, question: &str) -> QueryPlan {
        QueryPlan::new(
            question,
            &self.inner.synonyms,
            &self.vocab(),
            self.inner.tuning.unknown_scale,
        )
    }

    /// Ranks articles for `question`, best first, at most `limit` of them.
    ///
    /// # Errors
    /// Returns tantivy's error if the index cannot be read.
    pub fn search(&self, question: &str, limit: usize) -> Result<Ranking, SearchError> {
        let plan = self.plan(question);
        if plan.is_empty() || limit == 0 {
            return Ok(Ranking {
                plan,
                hits: Vec::new(),
            });
        }
        let searcher = self.inner.reader.searcher();
        let query = self.bm25_query(question, &plan);
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(CANDIDATES)))?;
        let coverage = self.coverage(&searcher, &plan, top.iter().map(|(_, a)| *a))?;
        let known = plan.known_share(&self.vocab());
        let floor = self.inner.tuning.coverage_floor;
        let mut scored: Vec<(f32, DocAddress, Coverage)> = top
            .into_iter()
            .zip(coverage)
            .map(|((bm25, addr), cov)| {
                (
                    bm25 * (floor + (1.0 - floor) * cov.all.powf(self.inner.tuning.coverage_power)),
                    addr,
                    cov,
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.truncate(limit);
        let hits = scored
            .into_iter()
            .map(|(score, addr, cov)| {
                let doc: TantivyDocument = searcher.doc(addr)?;
                let get = |f| self.stored(&doc, f);
                Ok(Hit {
                    slug: get(self.inner.fields.slug),
                    title: get(self.inner.fields.title),
                    url: get(self.inner.fields.url),
                    score,
                    coverage: cov.all,
                    in_title_or_tags: cov.key > 0.0,
                    key_coverage: cov.key,
                    known,
                })
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(Ranking { plan, hits })
    }

    /// Fetches a stored article by slug.
    ///
    /// # Errors
    /// Returns tantivy's error if the index cannot be read.
    pub fn article(&self, slug: &str) -> Result<Option<Article>, SearchError> {
        let f = self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(f.slug, slug),
            IndexRecordOption::Basic,
        );
        let Some((_, addr)) = searcher.search(&query, &TopDocs::with_limit(1))?.pop() else {
            return Ok(None);
        };
        Ok(Some(self.article_from_doc(&searcher.doc(addr)?)))
    }

    /// Every indexed article, in index order (for rebuilding with other settings).
    ///
    /// # Errors
    /// Returns tantivy's error if the index cannot be read.
    pub fn all_articles(&self) -> Result<Vec<Article>, SearchError> {
        self.first_articles(usize::MAX)
    }

    /// Up to `n` articles in index order, e.g. to fill a list when nothing better is known.
    ///
    /// # Errors
    /// Returns tantivy's error if the index cannot be read.
    pub fn first_articles(&self, n: usize) -> Result<Vec<Article>, SearchError> {
        let searcher = self.inner.reader.searcher();
        let mut out = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in segment.doc_ids_alive() {
                if out.len() == n {
                    return Ok(out);
                }
                let doc: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc_id))?;
                out.push(self.article_from_doc(&doc));
            }
        }
        Ok(out)
    }

    /// Rebuilds an article from its stored fields (sources and review date are not indexed).
    fn article_from_doc(&self, doc: &TantivyDocument) -> Article {
        let f = self.inner.fields;
        let summary = self.stored(doc, f.summary);
        Article {
            slug: self.stored(doc, f.slug),
            title: self.stored(doc, f.title),
            url: self.stored(doc, f.url),
            tags: doc
                .get_all(f.tags)
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            summary: (!summary.is_empty()).then_some(summary),
            sources: Vec::new(),
            reviewed: None,
            body: self.stored(doc, f.body),
        }
    }

    fn bm25_query(&self, question: &str, plan: &QueryPlan) -> BooleanQuery {
        let f = self.inner.fields;
        let t = self.inner.tuning;
        let fields = [
            (f.title, t.title_weight),
            (f.tags, t.tags_weight),
            (f.body, t.body_weight),
        ];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (stem, weight) in plan.weighted_stems() {
            for (field, field_weight) in fields {
                let term = TermQuery::new(
                    Term::from_field_text(field, stem),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), weight * field_weight)),
                ));
            }
        }
        let extra = boost::question_type(question, f.title, t.qtype_weight)
            .into_iter()
            .chain(boost::proximity(
                plan,
                &fields,
                t.proximity_weight,
                t.proximity_min_idf,
            ));
        clauses.extend(extra.map(|q| (Occur::Should, q)));
        BooleanQuery::new(clauses)
    }

    /// For each candidate: the idf-weighted share of concepts present anywhere, and in title/tags.
    fn coverage(
        &self,
        searcher: &Searcher,
        plan: &QueryPlan,
        candidates: impl Iterator<Item = DocAddress>,
    ) -> tantivy::Result<Vec<Coverage>> {
        let candidates: Vec<DocAddress> = candidates.collect();
        let f = self.inner.fields;
        let total: f32 = plan.concepts.iter().map(|c| c.idf).sum();
        let mut out = vec![Coverage::default(); candidates.len()];
        for concept in &plan.concepts {
            let (mut any, mut key) = (vec![false; candidates.len()], vec![false; candidates.len()]);
            for field in [f.title, f.tags, f.body] {
                for variant in &concept.variants {
                    let term = Term::from_field_text(field, &variant.stem);
                    for (i, hit) in contains_term(searcher, field, &term, &candidates)?
                        .into_iter()
                        .enumerate()
                    {
                        any[i] |= hit;
                        key[i] |= hit && field != f.body;
                    }
                }
            }
            for (i, c) in out.iter_mut().enumerate() {
                c.all += if any[i] { concept.idf } else { 0.0 };
                c.key += if key[i] { concept.idf } else { 0.0 };
            }
        }
        if total > 0.0 {
            for c in &mut out {
                c.all /= total;
                c.key /= total;
            }
        }
        Ok(out)
    }

    fn stored(&self, doc: &TantivyDocument, field: Field) -> String {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    }

    fn vocab(&self) -> Arc<Vocabulary> {
        // A poisoned lock only means a panic happened mid-swap of an Arc; the value is intact.
        Arc::clone(&self.inner.vocab.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.inner.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn commit(&self) -> Result<(), SearchError> {
        self.writer().commit()?;
        self.inner.reader.reload()?;
        let f = self.inner.fields;
        let vocab =
            Vocabulary::from_searcher(&self.inner.reader.searcher(), &[f.title, f.tags, f.body])?;
        *self.inner.vocab.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(vocab);
        Ok(())
    }
}

/// Which of `docs` contain `term` in `field`, by seeking the term's posting lists.
fn contains_term(
    searcher: &Searcher,
    field: Field,
    term: &Term,
    docs: &[DocAddress],
) -> tantivy::Result<Vec<bool>> {
    let mut out = vec![false; docs.len()];
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut wanted: Vec<(DocId, usize)> = docs
            .iter()
            .enumerate()
            .filter(|(_, a)| a.segment_ord as usize == segment_ord)
            .map(|(i, a)| (a.doc_id, i))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let Some(mut postings) = segment
            .inverted_index(field)?
            .read_postings(term, IndexRecordOption::Basic)?
        else {
            continue;
        };
        // Posting lists only seek forward, so visit candidates in doc-id order.
        wanted.sort_unstable();
        for (doc, i) in wanted {
            if postings.doc() == TERMINATED {
                break;
            }
            out[i] = postings.seek(doc) == doc;
        }
    }
    Ok(out)
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(text::ANALYZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(indexing);
        if stored { opts.set_stored() } else { opts }
    };
    let fields = Fields {
        slug: b.add_text_field("slug", STRING | STORED),
        title: b.add_text_field("title", text(true)),
        tags: b.add_text_field("tags", text(true)),
        body: b.add_text_field("body", text(true)),
        url: b.add_text_field("url", STORED),
        summary: b.add_text_field("summary", STORED),
    };
    (b.build(), fields)
}

fn document(f: &Fields, a: &Article) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.slug, &a.slug);
    doc.add_text(f.title, &a.title);
    for tag in &a.tags {
        doc.add_text(f.tags, tag);
    }
    doc.add_text(f.body, &a.body);
    doc.add_text(f.url, &a.url);
    doc.add_text(f.summary, a.summary.as_deref().unwrap_or_default());
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;

    fn index() -> Index {
        let articles = [
            article(
                "tooth-extraction-bleeding",
                "Bleeding after a tooth extraction",
                &["dentist"],
                "Some bleeding after an extraction is normal for a day.",
            ),
            article(
                "migraine",
                "Migraine",
                &["headache"],
                "A migraine is a severe headache, often with nausea.",
            ),
            article(
                "nosebleed",
                "Nosebleeds",
                &["nose"],
                "Pinch the soft part of the nose to stop the bleeding.",
            ),
        ];
        let syn = Synonyms::parse("[[group]]\nterms = [\"pulled tooth\", \"tooth extraction\"]\n")
            .unwrap();
        Index::build(&articles, syn).unwrap()
    }

    #[test]
    fn lay_phrase_finds_the_medical_article() {
        let r = index().search("my pulled tooth keeps bleeding", 3).unwrap();
        assert_eq!(r.hits[0].slug, "tooth-extraction-bleeding");
        assert!(r.hits[0].coverage > 0.99, "{:?}", r.hits[0]);
    }

    #[test]
    fn misspelling_still_matches() {
        let r = index().search("migrane", 3).unwrap();
        assert_eq!(r.hits[0].slug, "migraine");
        assert!(r.hits[0].in_title_or_tags);
    }

    #[test]
    fn off_topic_question_has_low_coverage() {
        let r = index().search("what's the weather tomorrow", 3).unwrap();
        assert!(r.hits.iter().all(|h| h.coverage < 0.5), "{:?}", r.hits);
    }

    #[test]
    fn upsert_and_remove_take_effect_immediately() {
        let idx = index();
        idx.upsert(&article(
            "gout",
            "Gout",
            &["joint"],
            "Gout is a painful swollen big toe joint.",
        ))
        .unwrap();
        assert_eq!(
            idx.search("swollen big toe", 1).unwrap().hits[0].slug,
            "gout"
        );
        idx.remove("gout").unwrap();
        assert!(
            idx.search("gout", 3)
                .unwrap()
                .hits
                .iter()
                .all(|h| h.slug != "gout")
        );
        assert_eq!(idx.len(), 3);
    }

    #[test]
    fn stored_article_round_trips() {
        let a = index().article("migraine").unwrap().unwrap();
        assert_eq!(a.title, "Migraine");
        assert!(a.body.contains("severe headache"));
        assert!(index().article("nope").unwrap().is_none());
    }
}
