//! The answer engine: safety check, then search, then a question-focused summary, composed
//! into one [`Answer`] that the CLI prints and the bot renders.

use serde::Serialize;

use crate::safety::{Emergency, RedFlag, Safety};
use crate::search::{Hit, Index, SearchError};
use crate::summary;

/// The one-line note that ends every answer.
pub const DISCLAIMER: &str =
    "General information, not medical advice. If you are worried, talk to a doctor or pharmacist.";
/// Number of articles ranked by default (best plus related).
pub const DEFAULT_TOP: usize = 4;
/// Least share of the question's information the best article must mention to be given as
/// the answer, together with [`MIN_KEY_COVERAGE`]. Calibrated on `tests/data/questions.toml`
/// (226 lay questions, 40 off-topic ones; see `tests/quality.rs`) as the rule with the most
/// right answers and no off-topic answer.
pub const MIN_COVERAGE: f32 = 0.6;
/// Least share of the question's information found in the best article's title or tags.
pub const MIN_KEY_COVERAGE: f32 = 0.35;
/// Share above which an article answers even if little of the question is in its title or tags.
pub const STRONG_COVERAGE: f32 = 0.8;
/// Least coverage for an article to be offered as a suggestion when nothing answered.
pub const MIN_SUGGESTION_COVERAGE: f32 = 0.25;

/// A ranked article as the user sees it: the answer's article, a related one or a "did you
/// mean" suggestion. (The stored article itself is [`crate::content::Article`].)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub score: f32,
}

/// The article given as the answer, with its question-focused summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    #[serde(flatten)]
    pub article: Suggestion,
    pub summary: String,
}

/// Everything the bot says in reply to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question: String,
    pub emergency: Option<Emergency>,
    /// `None` when no article answers the question confidently.
    pub best: Option<Best>,
    /// Related articles after `best`, or the closest suggestions when there is no answer.
    pub related: Vec<Suggestion>,
    /// The top-ranked hit with its confidence features, whether or not it answered.
    pub top_hit: Option<Hit>,
}

impl Answer {
    /// Whether an article answered the question.
    pub fn answered(&self) -> bool {
        self.best.is_some()
    }

    /// The red flags found, if any.
    pub fn red_flags(&self) -> &[RedFlag] {
        self.emergency.as_ref().map_or(&[], |e| &e.flags)
    }

    /// The `ask --json` shape.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "question": self.question,
            "answered": self.answered(),
            "emergency": self.emergency.is_some(),
            "best": self.best,
            "related": self.related,
        })
    }
}

/// Safety checks plus the search index: everything needed to answer a question.
#[derive(Clone)]
pub struct Engine {
    pub index: Index,
    pub safety: Safety,
}

impl Engine {
    /// Creates an engine over an index.
    pub fn new(index: Index, safety: Safety) -> Self {
        Self { index, safety }
    }

    /// Answers `question`, ranking `top` articles in all (best plus related).
    ///
    /// # Errors
    /// Returns an error only if the index cannot be read.
    pub fn answer(&self, question: &str, top: usize) -> Result<Answer, SearchError> {
        let question = question.trim();
        let emergency = self.safety.check(question);
        let ranking = self.index.search(question, top.max(1))?;
        let top_hit = ranking.hits.first().cloned();
        let mut hits = ranking.hits.into_iter();
        let first = hits.next();
        let best = match first {
            Some(hit) if is_confident(&hit) => {
                let article = self.index.article(&hit.slug)?;
                let summary = match &article {
                    Some(a) => summary::summarize(
                        &a.body,
                        a.summary.as_deref(),
                        ranking.plan.summary_weights(),
                    ),
                    None => String::new(),
                };
                Some(Best {
                    article: shown(&hit),
                    summary,
                })
            }
            other => {
                let related = other
                    .into_iter()
                    .chain(hits)
                    .filter(|h| h.coverage >= MIN_SUGGESTION_COVERAGE)
                    .map(|h| shown(&h))
                    .take(top)
                    .collect();
                return Ok(Answer {
                    question: question.to_owned(),
                    emergency,
                    best: None,
                    related,
                    top_hit,
                });
            }
        };
        let related = hits
            .map(|h| shown(&h))
            .take(top.saturating_sub(1))
            .collect();
        Ok(Answer {
            question: question.to_owned(),
            emergency,
            best,
            related,
            top_hit,
        })
    }
}

/// The confidence rule: enough of the question is covered, and the match is not only
/// incidental body text.
pub fn is_confident(hit: &Hit) -> bool {
    hit.coverage >= STRONG_COVERAGE
        || (hit.coverage >= MIN_COVERAGE && hit.key_coverage >= MIN_KEY_COVERAGE)
}

fn shown(hit: &Hit) -> Suggestion {
    Suggestion {
        slug: hit.slug.clone(),
        title: hit.title.clone(),
        url: hit.url.clone(),
        score: hit.score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(coverage: f32, key_coverage: f32) -> Hit {
        let in_title_or_tags = key_coverage > 0.0;
        Hit {
            slug: "s".into(),
            title: "t".into(),
            url: "u".into(),
            score: 1.0,
            coverage,
            in_title_or_tags,
            key_coverage,
            known: 1.0,
        }
    }

    #[test]
    fn threshold_needs_coverage_and_a_title_or_tag_match() {
        assert!(is_confident(&hit(0.6, 0.4)));
        assert!(!is_confident(&hit(0.6, 0.1)), "mostly incidental body text");
        assert!(
            is_confident(&hit(0.8, 0.0)),
            "nearly the whole question is covered"
        );
        assert!(
            !is_confident(&hit(0.5, 0.5)),
            "half the question is not enough"
        );
    }
}
