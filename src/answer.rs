//! The answer engine: safety check, then search, then a question-focused summary, composed
//! into one [`Answer`] that the CLI prints and the bot renders.
//!
//! An emergency's answer is the first-aid article mapped to its most urgent flag; a crisis
//! answer suggests only articles from the supportive set.

use serde::Serialize;

use crate::safety::{Emergency, RedFlag, Safety};
use crate::search::{Hit, Index, Ranking, SearchError};
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

/// A ranked article as the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    pub slug: String,
    pub title: String,
    pub url: String,
    pub score: f32,
}

/// The article given as the answer, with its question-focused summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    #[serde(flatten)]
    pub article: Article,
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
    pub related: Vec<Article>,
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
        let (best, related) = match &emergency {
            Some(e) if e.crisis => self.supportive(&ranking, e.first_aid.as_deref(), top)?,
            Some(e) => {
                let (best, related) = self.ranked(&ranking, top)?;
                self.with_first_aid(e, &ranking, best, related, top)?
            }
            None => self.ranked(&ranking, top)?,
        };
        Ok(Answer {
            question: question.to_owned(),
            emergency,
            best,
            related,
            top_hit,
        })
    }

    /// The best hit when it is confident, and the rest as related articles; without a
    /// confident hit, the closest suggestions.
    fn ranked(
        &self,
        ranking: &Ranking,
        top: usize,
    ) -> Result<(Option<Best>, Vec<Article>), SearchError> {
        let mut hits = ranking.hits.iter();
        match hits.next() {
            Some(hit) if is_confident(hit) => {
                let best = self.best(ranking, &hit.slug)?;
                let related = hits.map(shown).take(top.saturating_sub(1)).collect();
                Ok((best, related))
            }
            first => {
                let related = first
                    .into_iter()
                    .chain(hits)
                    .filter(|h| h.coverage >= MIN_SUGGESTION_COVERAGE)
                    .map(shown)
                    .take(top)
                    .collect();
                Ok((None, related))
            }
        }
    }

    /// Puts the first-aid article for the most urgent flag first, unless the ranked best is
    /// already the article of one of the flags found.
    fn with_first_aid(
        &self,
        emergency: &Emergency,
        ranking: &Ranking,
        best: Option<Best>,
        mut related: Vec<Article>,
        top: usize,
    ) -> Result<(Option<Best>, Vec<Article>), SearchError> {
        let right = |slug: &str| {
            emergency
                .flags
                .iter()
                .any(|f| self.safety.first_aid(*f) == Some(slug))
        };
        if best.as_ref().is_some_and(|b| right(&b.article.slug)) {
            return Ok((best, related));
        }
        let Some(first_aid) = emergency.first_aid.as_deref() else {
            return Ok((best, related));
        };
        let Some(aid) = self.best(ranking, first_aid)? else {
            return Ok((best, related));
        };
        if let Some(old) = best {
            related.insert(0, old.article);
        }
        related.retain(|a| a.slug != aid.article.slug);
        related.truncate(top.saturating_sub(1));
        Ok((Some(aid), related))
    }

    /// A crisis answer: only supportive articles, preferring a confident ranked one, then the
    /// crisis flag's own article, then the rest in the supportive list's order.
    fn supportive(
        &self,
        ranking: &Ranking,
        mapped: Option<&str>,
        top: usize,
    ) -> Result<(Option<Best>, Vec<Article>), SearchError> {
        let allowed = self.safety.supportive();
        let is_allowed = |slug: &str| allowed.iter().any(|s| s == slug);
        let ranked = ranking.hits.iter().filter(|h| is_allowed(&h.slug));
        let mut order: Vec<&str> = ranked
            .clone()
            .filter(|h| is_confident(h))
            .map(|h| h.slug.as_str())
            .collect();
        order.extend(mapped.filter(|m| is_allowed(m)));
        order.extend(ranked.map(|h| h.slug.as_str()));
        order.extend(allowed.iter().map(String::as_str));
        let mut seen: Vec<&str> = Vec::new();
        let mut best = None;
        let mut related = Vec::new();
        for slug in order {
            if seen.contains(&slug) || seen.len() >= top.max(1) {
                continue;
            }
            seen.push(slug);
            let Some(found) = self.best(ranking, slug)? else {
                seen.pop();
                continue;
            };
            if best.is_none() {
                best = Some(found);
            } else {
                related.push(found.article);
            }
        }
        Ok((best, related))
    }

    /// `slug` as the answer, with its question-focused summary, if the index has it.
    fn best(&self, ranking: &Ranking, slug: &str) -> Result<Option<Best>, SearchError> {
        let Some(a) = self.index.article(slug)? else {
            return Ok(None);
        };
        let score = ranking
            .hits
            .iter()
            .find(|h| h.slug == slug)
            .map_or(0.0, |h| h.score);
        Ok(Some(Best {
            summary: summary::summarize(
                &a.body,
                a.summary.as_deref(),
                ranking.plan.summary_weights(),
            ),
            article: Article {
                slug: a.slug,
                title: a.title,
                url: a.url,
                score,
            },
        }))
    }
}

/// The confidence rule: enough of the question is covered, and the match is not only
/// incidental body text.
pub fn is_confident(hit: &Hit) -> bool {
    hit.coverage >= STRONG_COVERAGE
        || (hit.coverage >= MIN_COVERAGE && hit.key_coverage >= MIN_KEY_COVERAGE)
}

fn shown(hit: &Hit) -> Article {
    Article {
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
