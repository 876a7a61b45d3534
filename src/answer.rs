//! The answer engine: safety check, small talk, hybrid ranking, the answer gate and a
//! question-focused summary, composed into one [`Answer`] that the CLI prints and the bot
//! renders. An emergency's answer is the first-aid article for its most urgent flag; a crisis
//! answer offers only supportive reading.

mod engine;
mod explain;
mod follow_up;
mod triage;

use serde::Serialize;

pub use engine::Engine;
pub use explain::Explanation;

use crate::intent::Intent;
use crate::ranker::Ranking;
use crate::safety::{Emergency, RedFlag};
use crate::smalltalk;

/// The one-line note that ends every answer.
pub const DISCLAIMER: &str =
    "General information, not medical advice. If you are worried, talk to a doctor or pharmacist.";
/// Number of articles ranked by default (best plus related).
pub const DEFAULT_TOP: usize = 4;
/// Least share of the question's information the best article must mention to be given as
/// the answer without a sentence encoder, together with [`MIN_KEY_COVERAGE`]. Calibrated on
/// `tests/data/questions.toml` as the lexical rule with the most right answers and no
/// off-topic answer.
pub const MIN_COVERAGE: f32 = 0.6;
/// Least share of the question's information found in the best article's title or tags.
pub const MIN_KEY_COVERAGE: f32 = 0.35;
/// Share above which an article answers even if little of the question is in its title or tags.
pub const STRONG_COVERAGE: f32 = 0.8;
/// Least coverage for an article to be offered as a lexical-only "did you mean" suggestion.
pub const MIN_SUGGESTION_COVERAGE: f32 = 0.25;
/// Least cosine for an article to be offered as a "did you mean" suggestion: below it, an
/// article is as close to the question as off-topic questions are to the library.
pub const MIN_SUGGESTION_COSINE: f32 = 0.4;

/// A ranked article as the user sees it: the answer's article, a related one or a "did you
/// mean" suggestion. (The stored article itself is [`crate::content::Article`].)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// The fused ranking score (only comparable within one question).
    pub score: f32,
    /// Whether the article is close enough to the question to be offered as "did you mean".
    #[serde(skip)]
    pub plausible: bool,
}

/// The article given as the answer, with its question-focused summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    #[serde(flatten)]
    pub article: Suggestion,
    pub summary: String,
    /// What kind of answer the question asked for.
    pub intent: Intent,
    /// The heading of the section the summary quotes ("" for the opening), or `None` for the
    /// plain question-word summary.
    pub section: Option<String>,
}

/// Everything the bot says in reply to one question.
#[derive(Debug, Clone)]
pub struct Answer {
    pub question: String,
    pub emergency: Option<Emergency>,
    /// A greeting, thanks or "are you a doctor": answered with a short reply, no article.
    pub small_talk: Option<smalltalk::Reply>,
    /// `None` when no article answers the question confidently.
    pub best: Option<Best>,
    /// The other ranked articles: related ones after `best`, or every ranked article when
    /// there is no answer (see [`Answer::suggestions`] for what to offer a user).
    pub related: Vec<Suggestion>,
    /// The gate's probability that the top article is right, when an encoder is loaded.
    pub confidence: Option<f32>,
    /// The ranking behind the answer, for explanations.
    pub ranking: Option<Ranking>,
    /// Whether `best` is the article this chat was last given, answering a follow-up
    /// question with no topic of its own ("how long does it last?").
    pub follow_up: bool,
}

impl Answer {
    /// Whether an article answered the question.
    pub fn answered(&self) -> bool {
        self.best.is_some()
    }

    /// Whether the question reads as a suicidal or self-harm crisis: such a reply offers
    /// supportive reading only, with no feedback or browsing buttons.
    pub fn is_crisis(&self) -> bool {
        self.emergency.as_ref().is_some_and(|e| e.crisis)
    }

    /// The red flags found, if any.
    pub fn red_flags(&self) -> &[RedFlag] {
        self.emergency.as_ref().map_or(&[], |e| &e.flags)
    }

    /// Articles worth offering as "did you mean" when there is no answer: only those close
    /// enough to the question, so gibberish gets a hint rather than random topics.
    pub fn suggestions(&self) -> impl Iterator<Item = &Suggestion> {
        self.related.iter().filter(|s| s.plausible)
    }

    /// The `ask --json` shape.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "question": self.question,
            "answered": self.answered(),
            "emergency": self.emergency.is_some(),
            "small_talk": self.small_talk.is_some(),
            "best": self.best,
            "follow_up": self.follow_up,
            "related": self.related,
        })
    }
}

/// The lexical confidence rule, used when no sentence encoder is loaded: enough of the
/// question is covered, and the match is not only incidental body text.
pub fn is_confident(coverage: f32, key_coverage: f32) -> bool {
    coverage >= STRONG_COVERAGE || (coverage >= MIN_COVERAGE && key_coverage >= MIN_KEY_COVERAGE)
}

/// Replaces the placeholders an article may use for the operator's numbers:
/// `{{EMERGENCY_NUMBER}}` and `{{CRISIS_LINE}}`.
pub fn fill_placeholders(text: &str, emergency_number: &str, crisis_line: &str) -> String {
    if !text.contains("{{") {
        return text.to_owned();
    }
    text.replace("{{EMERGENCY_NUMBER}}", emergency_number)
        .replace("{{CRISIS_LINE}}", crisis_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_rule_needs_coverage_and_a_title_or_tag_match() {
        assert!(is_confident(0.6, 0.4));
        assert!(!is_confident(0.6, 0.1), "mostly incidental body text");
        assert!(
            is_confident(0.8, 0.0),
            "nearly the whole question is covered"
        );
        assert!(!is_confident(0.5, 0.5), "half the question is not enough");
    }

    #[test]
    fn placeholders_take_the_configured_numbers() {
        let text = "Contact {{CRISIS_LINE}} now, or call {{EMERGENCY_NUMBER}}.";
        assert_eq!(
            fill_placeholders(text, "112", "Samaritans on 116 123"),
            "Contact Samaritans on 116 123 now, or call 112."
        );
    }
}
