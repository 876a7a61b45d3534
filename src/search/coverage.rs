//! Coverage: how much of a question's information (its idf-weighted concepts) each candidate
//! article mentions, anywhere and in its title or tags. It re-ranks BM25's candidates and is
//! the answer layer's confidence.

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, TERMINATED, Term};

use super::QueryPlan;
use super::documents::Fields;

/// How much of a question one article covers.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Coverage {
    pub all: f32,
    pub key: f32,
}

/// For each candidate: the idf-weighted share of concepts present anywhere, and in its title,
/// tags or phrasings (the fields that say what the article is about).
pub(super) fn coverage(
    searcher: &Searcher,
    f: &Fields,
    plan: &QueryPlan,
    candidates: impl Iterator<Item = DocAddress>,
) -> tantivy::Result<Vec<Coverage>> {
    let candidates: Vec<DocAddress> = candidates.collect();
    let total: f32 = plan.concepts.iter().map(|c| c.idf).sum();
    let mut out = vec![Coverage::default(); candidates.len()];
    for concept in &plan.concepts {
        let (mut any, mut key) = (vec![false; candidates.len()], vec![false; candidates.len()]);
        for field in [f.title, f.tags, f.body, f.questions] {
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
