//! Full-text matching of questions to articles: an in-memory tantivy index with English
//! stemming, per-field weights, lay/medical synonyms and spelling correction.
//!
//! Ranking is BM25 over title, tags and body, then re-ranked by *coverage*: the share of the
//! question's information (idf-weighted concepts) that an article mentions. Coverage is also
//! what the answer layer uses as its confidence, because unlike a BM25 score it means the same
//! thing for every question and every corpus size.
//!
//! The parts: `query` turns a question into concepts, `documents` lays articles out in the
//! index, `coverage` measures what a candidate covers, `boost` adds question-type and
//! proximity boosts, and `tuning` holds the knobs.

mod boost;
mod coverage;
mod documents;
mod query;
mod tuning;
mod vocabulary;

use std::sync::{Arc, Mutex, RwLock};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use query::{Concept, QueryPlan, Variant};
pub use tuning::Tuning;
pub use vocabulary::Vocabulary;

use crate::content::Article;
use crate::synonyms::Synonyms;
use crate::text;
use coverage::Coverage;
use documents::{Fields, stored};

/// Candidates fetched from BM25 before re-ranking by coverage.
const CANDIDATES: usize = 30;
/// Memory the index writer may use before flushing a segment.
const WRITER_HEAP_BYTES: usize = 100_000_000;

/// A failure inside the search index.
#[derive(Debug, thiserror::Error)]
#[error("search index error: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

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
        let (schema, fields) = Fields::schema();
        let index = tantivy::Index::create_in_ram(schema);
        index
            .tokenizers()
            .register(text::ANALYZER_NAME, text::analyzer());
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        for article in articles {
            writer.add_document(fields.document(article))?;
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
            writer.add_document(self.inner.fields.document(article))?;
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
        let coverage = coverage::coverage(
            &searcher,
            &self.inner.fields,
            &plan,
            top.iter().map(|(_, a)| *a),
        )?;
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
                let get = |f| stored(&doc, f);
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
        Ok(Some(self.inner.fields.article(&searcher.doc(addr)?)))
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
                out.push(self.inner.fields.article(&doc));
            }
        }
        Ok(out)
    }

    fn bm25_query(&self, question: &str, plan: &QueryPlan) -> BooleanQuery {
        let f = self.inner.fields;
        let t = self.inner.tuning;
        let fields = [
            (f.title, t.title_weight),
            (f.tags, t.tags_weight),
            (f.body, t.body_weight),
            (f.questions, t.questions_weight),
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
        let vocab = Vocabulary::from_searcher(
            &self.inner.reader.searcher(),
            &[f.title, f.tags, f.body, f.questions],
        )?;
        *self.inner.vocab.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(vocab);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
