//! Hybrid ranking: the lexical ranking (BM25 re-ranked by coverage) and the dense ranking
//! (best sentence-vector match per article) fused into one list, with the confidence features
//! the answer gate reads.
//!
//! Each score is normalised per question by its best value, so the fusion weight means the
//! same for every question: `fused = w * dense + (1 - w) * lex / best_lex`, where the dense
//! score is `(cos - floor) / (best_cos - floor)`. Without an encoder the lexical ranking is
//! used alone.

use std::collections::HashMap;

use serde::Serialize;

use crate::dense::{DenseIndex, DenseRanking, OffTopicHit, TextKind};
use crate::encoder::{Encoder, EncoderError};
#[cfg(test)]
use crate::gate::FEATURES;
use crate::gate::{Features, Fusion};
use crate::search::{Hit, Index, QueryPlan, SearchError};

/// Lexical candidates considered, before fusion.
pub const LEXICAL_POOL: usize = 60;
/// Dense candidates considered, before fusion.
pub const DENSE_POOL: usize = 30;
/// Concept count at which the `concepts` feature saturates.
const MANY_CONCEPTS: f32 = 8.0;

/// Why a question could not be ranked.
#[derive(Debug, thiserror::Error)]
pub enum RankError {
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Encoder(#[from] EncoderError),
}

/// The sentence encoder and the dense index built with it.
#[derive(Clone)]
pub struct Semantic {
    pub encoder: Encoder,
    pub dense: DenseIndex,
}

/// One ranked article with the scores behind its place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub fused: f32,
    /// Lexical score divided by the question's best lexical score (0 when not a lexical hit).
    pub lexical: f32,
    pub coverage: f32,
    pub key_coverage: f32,
    /// Best cosine between the question and one of the article's texts.
    pub cosine: Option<f32>,
    /// That text, and what it is to the article.
    pub matched: Option<String>,
    pub matched_kind: Option<TextKind>,
}

/// A question's fused ranking, best first.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub plan: QueryPlan,
    pub candidates: Vec<Candidate>,
    pub features: Features,
    /// The closest known off-topic example, when admins have taught some.
    pub off_topic: Option<OffTopicHit>,
    /// Whether the dense ranking took part (an encoder is loaded).
    pub semantic: bool,
}

/// The lexical and dense rankings of one question, before fusion.
#[derive(Debug, Clone)]
pub struct Parts {
    pub lexical: crate::search::Ranking,
    pub dense: Option<DenseRanking>,
}

impl Ranking {
    /// Whether the question is closer to a known off-topic example than to any article, in
    /// which case it is turned away whatever the gate says.
    pub fn closer_to_off_topic(&self) -> bool {
        let best = self
            .candidates
            .first()
            .and_then(|c| c.cosine)
            .unwrap_or(0.0);
        self.off_topic.as_ref().is_some_and(|o| o.cosine >= best)
    }
}

/// Ranks articles for `question`, at most `limit` of them.
///
/// # Errors
/// Fails only if the index cannot be read or the encoder fails.
pub fn rank(
    index: &Index,
    semantic: Option<&Semantic>,
    fusion: Fusion,
    question: &str,
    limit: usize,
) -> Result<Ranking, RankError> {
    assemble(index, &parts(index, semantic, question)?, fusion, limit)
}

/// The lexical and dense rankings of `question`, each with its own candidate pool.
///
/// # Errors
/// Fails only if the index cannot be read or the encoder fails.
pub fn parts(
    index: &Index,
    semantic: Option<&Semantic>,
    question: &str,
) -> Result<Parts, RankError> {
    let lexical = index.search(question, LEXICAL_POOL)?;
    let dense = match semantic {
        Some(s) if !question.trim().is_empty() => {
            let q = s.encoder.encode(question)?;
            Some(s.dense.search(&q, DENSE_POOL))
        }
        _ => None,
    };
    Ok(Parts { lexical, dense })
}

/// Fuses a question's two rankings with `fusion` into one, at most `limit` long.
///
/// # Errors
/// Fails only if the index cannot be read (to name dense-only candidates).
pub fn assemble(
    index: &Index,
    parts: &Parts,
    fusion: Fusion,
    limit: usize,
) -> Result<Ranking, RankError> {
    let (lexical, dense) = (&parts.lexical, parts.dense.as_ref());
    let mut candidates = fuse(&lexical.hits, dense, fusion);
    let features = features(&lexical.plan, &lexical.hits, dense, &candidates);
    candidates.truncate(limit);
    // Dense-only candidates come without a title; only the ones shown need it.
    for c in candidates.iter_mut().filter(|c| c.title.is_empty()) {
        if let Some(a) = index.article(&c.slug)? {
            c.title = a.title;
            c.url = a.url;
        }
    }
    Ok(Ranking {
        plan: lexical.plan.clone(),
        candidates,
        features,
        off_topic: dense.and_then(|d| d.off_topic.clone()),
        semantic: dense.is_some(),
    })
}

/// Merges the two rankings into candidates sorted by fused score.
fn fuse(hits: &[Hit], dense: Option<&DenseRanking>, fusion: Fusion) -> Vec<Candidate> {
    let best_lex = hits.iter().map(|h| h.score).fold(0.0f32, f32::max);
    let mut by_slug: HashMap<&str, Candidate> = HashMap::new();
    for h in hits {
        by_slug.insert(
            &h.slug,
            Candidate {
                slug: h.slug.clone(),
                title: h.title.clone(),
                url: h.url.clone(),
                fused: 0.0,
                lexical: if best_lex > 0.0 {
                    h.score / best_lex
                } else {
                    0.0
                },
                coverage: h.coverage,
                key_coverage: h.key_coverage,
                cosine: None,
                matched: None,
                matched_kind: None,
            },
        );
    }
    let w = if dense.is_some() {
        fusion.dense_weight
    } else {
        0.0
    };
    if let Some(d) = dense {
        for h in &d.hits {
            let c = by_slug.entry(&h.slug).or_insert_with(|| Candidate {
                slug: h.slug.clone(),
                title: String::new(),
                url: String::new(),
                fused: 0.0,
                lexical: 0.0,
                coverage: 0.0,
                key_coverage: 0.0,
                cosine: None,
                matched: None,
                matched_kind: None,
            });
            c.cosine = Some(h.cosine);
            c.matched = Some(h.matched.clone());
            c.matched_kind = Some(h.kind);
        }
    }
    let floor = fusion.dense_floor;
    let best_cos = dense
        .and_then(|d| d.hits.first())
        .map_or(floor, |h| h.cosine.max(floor));
    let mut out: Vec<Candidate> = by_slug.into_values().collect();
    for c in &mut out {
        let cos = c.cosine.unwrap_or(floor).max(floor);
        let dense_norm = if best_cos > floor {
            (cos - floor) / (best_cos - floor)
        } else {
            0.0
        };
        c.fused = w * dense_norm + (1.0 - w) * c.lexical;
    }
    out.sort_by(|a, b| {
        b.fused
            .total_cmp(&a.fused)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    out
}

/// The gate's view of the top candidate against the rest.
fn features(
    plan: &QueryPlan,
    hits: &[Hit],
    dense: Option<&DenseRanking>,
    candidates: &[Candidate],
) -> Features {
    let Some(top) = candidates.first() else {
        return Features::default();
    };
    let cos = top.cosine.unwrap_or(0.0);
    let other_cos = dense
        .and_then(|d| d.hits.iter().find(|h| h.slug != top.slug))
        .map_or(0.0, |h| h.cosine);
    let other_lex = candidates[1..]
        .iter()
        .map(|c| c.lexical)
        .fold(0.0f32, f32::max);
    let runner_up = candidates.get(1).map_or(0.0, |c| c.fused);
    let is_top = |slug: Option<&str>| f32::from(u8::from(slug == Some(top.slug.as_str())));
    let known = hits.first().map_or(0.0, |h| h.known);
    let phrasing = matches!(top.matched_kind, Some(TextKind::Phrasing | TextKind::Title));
    Features(vec![
        ("cos", cos),
        ("cos_margin", cos - other_cos),
        ("coverage", top.coverage),
        ("key_coverage", top.key_coverage),
        ("lex_margin", top.lexical - other_lex),
        ("fused_margin", top.fused - runner_up),
        (
            "dense_top",
            is_top(dense.and_then(|d| d.hits.first()).map(|h| h.slug.as_str())),
        ),
        ("lex_top", is_top(hits.first().map(|h| h.slug.as_str()))),
        ("known", known),
        ("phrasing", f32::from(u8::from(phrasing))),
        (
            "concepts",
            (plan.concepts.len() as f32).min(MANY_CONCEPTS) / MANY_CONCEPTS,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dense::DenseHit;

    fn hit(slug: &str, score: f32, coverage: f32) -> Hit {
        Hit {
            slug: slug.into(),
            title: slug.to_uppercase(),
            url: format!("https://example.org/{slug}"),
            score,
            coverage,
            in_title_or_tags: true,
            key_coverage: coverage,
            known: 1.0,
        }
    }

    fn dense(pairs: &[(&str, f32)]) -> DenseRanking {
        DenseRanking {
            hits: pairs
                .iter()
                .map(|(s, c)| DenseHit {
                    slug: (*s).into(),
                    cosine: *c,
                    matched: format!("about {s}"),
                    kind: TextKind::Phrasing,
                })
                .collect(),
            off_topic: None,
        }
    }

    #[test]
    fn a_strong_dense_match_overtakes_a_weak_lexical_one() {
        let hits = [hit("cpr", 10.0, 0.3), hit("uti", 4.0, 0.2)];
        let d = dense(&[("uti", 0.8), ("cpr", 0.2)]);
        let fused = fuse(
            &hits,
            Some(&d),
            Fusion {
                dense_weight: 0.65,
                dense_floor: 0.0,
            },
        );
        assert_eq!(fused[0].slug, "uti");
        assert!((fused[0].fused - (0.65 + 0.35 * 0.4)).abs() < 1e-5);
    }

    #[test]
    fn without_an_encoder_the_lexical_order_stands() {
        let hits = [hit("a", 3.0, 0.9), hit("b", 2.0, 0.5)];
        let fused = fuse(
            &hits,
            None,
            Fusion {
                dense_weight: 0.65,
                dense_floor: 0.0,
            },
        );
        assert_eq!(fused[0].slug, "a");
        assert_eq!(fused[0].fused, 1.0);
    }

    #[test]
    fn dense_only_articles_join_the_candidates() {
        let hits = [hit("a", 3.0, 0.9)];
        let d = dense(&[("b", 0.7), ("a", 0.3)]);
        let fused = fuse(
            &hits,
            Some(&d),
            Fusion {
                dense_weight: 0.65,
                dense_floor: 0.0,
            },
        );
        assert!(fused.iter().any(|c| c.slug == "b" && c.lexical == 0.0));
    }

    #[test]
    fn features_describe_the_top_against_the_runner_up() {
        let hits = [hit("a", 3.0, 0.9), hit("b", 1.5, 0.5)];
        let d = dense(&[("a", 0.7), ("b", 0.4)]);
        let c = fuse(
            &hits,
            Some(&d),
            Fusion {
                dense_weight: 0.5,
                dense_floor: 0.0,
            },
        );
        let f = features(&QueryPlan::default(), &hits, Some(&d), &c);
        assert!((f.get("cos_margin") - 0.3).abs() < 1e-5);
        assert_eq!(f.get("dense_top"), 1.0);
        assert_eq!(f.get("lex_top"), 1.0);
        assert!((f.get("lex_margin") - 0.5).abs() < 1e-5);
        assert_eq!(f.0.len(), FEATURES.len());
    }
}
