//! Judged lay questions over the bundled library (`tests/data/eval/*.toml`): how many are
//! answered with a right article, answered wrongly or left "not sure", how many off-topic
//! questions get an article anyway, and whether one article is the top result for too many.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::answer::Answer;

/// A question file: judged on-topic questions, off-topic ones, health questions the library
/// does not cover, and small talk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionSet {
    #[serde(default)]
    pub question: Vec<Judged>,
    #[serde(default)]
    pub off_topic: Vec<Unjudged>,
    #[serde(default)]
    pub uncovered: Vec<Unjudged>,
    #[serde(default)]
    pub small_talk: Vec<Unjudged>,
}

/// An on-topic question and the articles that answer it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judged {
    pub text: String,
    pub expect: String,
    #[serde(default)]
    pub also: Vec<String>,
    /// The kind of question, in intent sets (treat, worry, duration...).
    #[serde(default)]
    pub intent: Option<String>,
}

/// A question no article should answer (or small talk), with an optional kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unjudged {
    pub text: String,
    #[serde(default)]
    pub kind: Option<String>,
}

impl Judged {
    /// Whether `slug` is a right answer.
    pub fn is_right(&self, slug: &str) -> bool {
        self.expect == slug || self.also.iter().any(|a| a == slug)
    }
}

impl QuestionSet {
    /// Reads and merges question files.
    ///
    /// # Errors
    /// Names the file that cannot be read or parsed.
    pub fn load(paths: &[impl AsRef<Path>]) -> Result<Self, String> {
        let mut set = Self::default();
        for path in paths {
            let path = path.as_ref();
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let more: Self = toml::from_str(&text)
                .map_err(|e| format!("{}: {}", path.display(), e.message()))?;
            set.question.extend(more.question);
            set.off_topic.extend(more.off_topic);
            set.uncovered.extend(more.uncovered);
            set.small_talk.extend(more.small_talk);
        }
        Ok(set)
    }
}

/// What a question set measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QuestionReport {
    pub on_topic: usize,
    pub answered_right: usize,
    pub answered_wrong: usize,
    pub unsure: usize,
    /// On-topic questions whose top-ranked article is right, answered or not.
    pub top1: usize,
    /// ... whose right article is among the first three ranked.
    pub top3: usize,
    pub off_topic: usize,
    pub off_topic_answered: usize,
    pub uncovered: usize,
    pub uncovered_answered: usize,
    pub small_talk: usize,
    pub small_talk_recognised: usize,
    /// The article ranked first most often over the on-topic questions, and how often.
    pub magnet: Option<(String, usize)>,
    /// One line per on-topic question not answered right, and per other question answered.
    #[serde(skip)]
    pub misses: Vec<String>,
}

impl QuestionReport {
    /// `part` as a share of `whole` (0 when `whole` is 0).
    pub fn share(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    }
}

/// Answers every question of `set` with `answer` and counts the outcomes.
///
/// # Errors
/// Whatever `answer` fails with.
pub fn score<E>(
    set: &QuestionSet,
    mut answer: impl FnMut(&str) -> Result<Answer, E>,
) -> Result<QuestionReport, E> {
    let mut r = QuestionReport::default();
    let mut firsts: HashMap<String, usize> = HashMap::new();
    for q in &set.question {
        let a = answer(&q.text)?;
        let ranked: Vec<&str> = ranked(&a);
        r.on_topic += 1;
        if let Some(first) = ranked.first() {
            *firsts.entry((*first).to_owned()).or_default() += 1;
        }
        r.top1 += usize::from(ranked.first().is_some_and(|s| q.is_right(s)));
        r.top3 += usize::from(ranked.iter().take(3).any(|s| q.is_right(s)));
        match &a.best {
            Some(b) if q.is_right(&b.article.slug) => r.answered_right += 1,
            Some(b) => {
                r.answered_wrong += 1;
                r.misses.push(format!(
                    "WRONG  {:?} -> {} (want {})",
                    q.text, b.article.slug, q.expect
                ));
            }
            None => {
                r.unsure += 1;
                r.misses.push(format!(
                    "UNSURE {:?} (top {:?}, want {})",
                    q.text,
                    ranked.first(),
                    q.expect
                ));
            }
        }
    }
    for (list, total, answered, label) in [
        (
            &set.off_topic,
            &mut r.off_topic,
            &mut r.off_topic_answered,
            "OFF-TOPIC",
        ),
        (
            &set.uncovered,
            &mut r.uncovered,
            &mut r.uncovered_answered,
            "UNCOVERED",
        ),
    ] {
        for q in list {
            let a = answer(&q.text)?;
            *total += 1;
            if let Some(b) = &a.best {
                *answered += 1;
                r.misses
                    .push(format!("{label} {:?} -> {}", q.text, b.article.slug));
            }
        }
    }
    for q in &set.small_talk {
        r.small_talk += 1;
        let a = answer(&q.text)?;
        r.small_talk_recognised += usize::from(a.small_talk.is_some() && a.best.is_none());
    }
    r.magnet = firsts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    Ok(r)
}

/// The answer's ranking, best first: the answer and related articles, or the suggestions.
pub fn ranked(a: &Answer) -> Vec<&str> {
    a.best
        .iter()
        .map(|b| b.article.slug.as_str())
        .chain(a.related.iter().map(|s| s.slug.as_str()))
        .collect()
}
