//! Emergency and crisis answers: which articles follow the emergency advice.
//!
//! An emergency's answer is the first-aid article of its most urgent flag (a stroke gets
//! stroke-signs, a collapse cpr-basics) when the question ranks it near the top, unless the
//! ranked answer is already the article of one of its flags; otherwise it is offered first.
//! A crisis answer (suicide, self-harm) offers only articles from the supportive set in
//! `red-flags.toml`: never a random topic, never "did you mean".

use super::{Answer, Best, Engine, Suggestion};
use crate::intent::Intent;
use crate::ranker::Ranking;
use crate::safety::Emergency;
use crate::search::SearchError;

/// How high the first-aid article must rank to become the answer.
const FIRST_AID_NEAR: usize = 3;

impl Engine {
    /// Rearranges `answer` (already ranked) for its emergency, if it has one.
    pub(super) fn triage(
        &self,
        answer: &mut Answer,
        ranking: &Ranking,
        top: usize,
    ) -> Result<(), SearchError> {
        let Some(emergency) = answer.emergency.clone() else {
            return Ok(());
        };
        if emergency.crisis {
            self.supportive(answer, &emergency, ranking, top)
        } else {
            self.first_aid(answer, &emergency, ranking, top)
        }
    }

    /// Puts the first-aid article of the most urgent flag first, unless the answer is
    /// already the article of one of the flags found.
    fn first_aid(
        &self,
        answer: &mut Answer,
        emergency: &Emergency,
        ranking: &Ranking,
        top: usize,
    ) -> Result<(), SearchError> {
        let fits = |slug: &str| {
            emergency
                .flags
                .iter()
                .any(|f| self.safety.first_aid(*f) == Some(slug))
        };
        if answer.best.as_ref().is_some_and(|b| fits(&b.article.slug)) {
            return Ok(());
        }
        let Some(aid) = emergency.first_aid.as_deref() else {
            return Ok(());
        };
        let Some(aid) = self.best_of(aid, self.intent(&answer.question).intent, ranking)? else {
            return Ok(());
        };
        // Recall comes first, so some calm questions are flagged too ("found a lump, should
        // I worry"). When the question is not near the first-aid article at all, whatever the
        // gate decided stays, and first aid is the first article offered after it, under the
        // emergency advice that leads either way.
        let near = ranking
            .candidates
            .iter()
            .take(FIRST_AID_NEAR)
            .any(|c| c.slug == aid.article.slug);
        if !near {
            let best = answer.best.as_ref().map(|b| b.article.slug.clone());
            answer
                .related
                .retain(|s| s.slug != aid.article.slug && Some(&s.slug) != best.as_ref());
            answer.related.insert(0, aid.article);
            answer.related.truncate(top.saturating_sub(1).max(1));
            return Ok(());
        }
        if let Some(old) = answer.best.take() {
            answer.related.insert(0, old.article);
        }
        answer.related.retain(|s| s.slug != aid.article.slug);
        answer.related.truncate(top.saturating_sub(1));
        answer.best = Some(aid);
        Ok(())
    }

    /// Only supportive articles: the confident answer if it is one of them, then the crisis
    /// flag's own article, then ranked supportive ones, then the supportive list's order.
    fn supportive(
        &self,
        answer: &mut Answer,
        emergency: &Emergency,
        ranking: &Ranking,
        top: usize,
    ) -> Result<(), SearchError> {
        let allowed = self.safety.supportive();
        let is_allowed = |slug: &str| allowed.iter().any(|s| s == slug);
        let ranked = ranking
            .candidates
            .iter()
            .map(|c| c.slug.as_str())
            .filter(|s| is_allowed(s));
        let confident = answer.best.as_ref().map(|b| b.article.slug.clone());
        let mut order: Vec<&str> = confident
            .iter()
            .map(String::as_str)
            .filter(|s| is_allowed(s))
            .collect();
        order.extend(emergency.first_aid.as_deref().filter(|s| is_allowed(s)));
        order.extend(ranked);
        order.extend(allowed.iter().map(String::as_str));
        let intent = self.intent(&answer.question).intent;
        let mut chosen: Vec<Best> = Vec::new();
        for slug in order {
            if chosen.len() >= top.max(1) || chosen.iter().any(|b| b.article.slug == slug) {
                continue;
            }
            if let Some(b) = self.best_of(slug, intent, ranking)? {
                chosen.push(b);
            }
        }
        let mut chosen = chosen.into_iter();
        answer.best = chosen.next();
        answer.related = chosen.map(|b| b.article).collect();
        Ok(())
    }

    /// `slug` as the answer, with its summary aimed at the question's intent, if the index
    /// has it.
    fn best_of(
        &self,
        slug: &str,
        intent: Intent,
        ranking: &Ranking,
    ) -> Result<Option<Best>, SearchError> {
        let Some(a) = self.article(slug)? else {
            return Ok(None);
        };
        let score = ranking
            .candidates
            .iter()
            .find(|c| c.slug == slug)
            .map_or(0.0, |c| c.fused);
        let focused = self.summary_for(slug, intent, &ranking.plan)?;
        Ok(Some(Best {
            article: Suggestion {
                slug: a.slug,
                title: a.title,
                url: a.url,
                score,
                plausible: true,
            },
            summary: focused.as_ref().map(|f| f.text.clone()).unwrap_or_default(),
            intent,
            section: focused.and_then(|f| f.section),
        }))
    }
}
