//! Follow-up questions: "how long does it last?" right after an answer about sunburn asks
//! about sunburn. A question is a follow-up when it asks for something (it has an intent)
//! but names no topic: no word left once its cues, pronouns and stop words are gone is in an
//! article's title or tags, and the gate would not answer it alone. When no word is left at
//! all, whatever the gate found ("is it contagious?" -> impetigo) matched only the cue, so
//! the question is a follow-up even then.

use super::{Answer, Best, Engine, Suggestion};
use crate::intent::Intent;
use crate::ranker::RankError;

impl Engine {
    /// Answers `question` as usual or, when it is a follow-up and `previous` (the article
    /// this chat was last given) is known, from that article. A follow-up answer has
    /// [`Answer::follow_up`] set and no related articles.
    ///
    /// # Errors
    /// Only if the index cannot be read or the encoder fails.
    pub fn answer_after(
        &self,
        question: &str,
        top: usize,
        previous: Option<&str>,
    ) -> Result<Answer, RankError> {
        let mut answer = self.answer(question, top)?;
        let Some(slug) = previous else {
            return Ok(answer);
        };
        if answer.emergency.is_some() || answer.small_talk.is_some() {
            return Ok(answer);
        }
        let detected = self.intent(question);
        let topical = if detected.topic.is_empty() {
            false
        } else {
            answer.answered() || self.names_a_topic(&detected.topic)?
        };
        if detected.intent == Intent::General || topical {
            return Ok(answer);
        }
        let Some(article) = self.article(slug)? else {
            return Ok(answer);
        };
        let plan = self.index.plan(question);
        let Some(summary) = self.summary_for(slug, detected.intent, &plan)? else {
            return Ok(answer);
        };
        answer.best = Some(Best {
            article: Suggestion {
                slug: article.slug,
                title: article.title,
                url: article.url,
                score: 0.0,
                plausible: true,
            },
            summary: summary.text,
            intent: detected.intent,
            section: summary.section,
        });
        answer.related.clear();
        answer.follow_up = true;
        Ok(answer)
    }

    /// Whether any of `words` is in an article's title or tags.
    fn names_a_topic(&self, words: &[String]) -> Result<bool, RankError> {
        if words.is_empty() {
            return Ok(false);
        }
        let ranking = self.index.search(&words.join(" "), 1)?;
        Ok(ranking.hits.first().is_some_and(|h| h.in_title_or_tags))
    }
}
