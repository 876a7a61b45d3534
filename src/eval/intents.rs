//! Whether summaries answer the kind of question asked, on questions labelled with their
//! intent (`tests/data/intents/*.toml`): the right article, plus at least one sentence from
//! a section whose role fits the labelled intent (a stated time span for "how long").

use std::collections::BTreeMap;

use serde::Serialize;

use super::questions::QuestionSet;
use crate::answer::Engine;
use crate::content::Article;
use crate::intent::Intent;
use crate::ranker::RankError;
use crate::summary;

/// Figures for one intent (or all of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub questions: usize,
    /// The detected intent is the labelled one.
    pub intent_right: usize,
    /// The engine answered with the right article.
    pub answered_right: usize,
    /// The right article's summary for this question answers its kind.
    pub summary_fits: usize,
    /// Both: answered with the right article, and its summary answers the kind.
    pub answered_and_fits: usize,
}

impl Tally {
    fn add(&mut self, other: &Self) {
        self.questions += other.questions;
        self.intent_right += other.intent_right;
        self.answered_right += other.answered_right;
        self.summary_fits += other.summary_fits;
        self.answered_and_fits += other.answered_and_fits;
    }

    /// `part` as a share of the questions (0 when there are none).
    pub fn share(&self, part: usize) -> f64 {
        if self.questions == 0 {
            0.0
        } else {
            part as f64 / self.questions as f64
        }
    }
}

/// Figures per labelled intent, and over all.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IntentReport {
    pub by_intent: BTreeMap<String, Tally>,
    pub all: Tally,
}

/// Scores every labelled question of `set`. With `aimed` false, summaries are made as before
/// intents existed (by question words alone), for a before/after comparison.
///
/// # Errors
/// Only if the engine fails.
pub fn score(set: &QuestionSet, engine: &Engine, aimed: bool) -> Result<IntentReport, RankError> {
    let mut report = IntentReport::default();
    for q in &set.question {
        let Some(label) = q.intent.as_deref().and_then(Intent::from_name) else {
            continue;
        };
        let detected = engine.intent(&q.text).intent;
        let answer = engine.answer(&q.text, 1)?;
        let answered = answer
            .best
            .as_ref()
            .is_some_and(|b| q.is_right(&b.article.slug));
        let plan = engine.index.plan(&q.text);
        let used = if aimed { detected } else { Intent::General };
        let fits = match (
            engine.article(&q.expect)?,
            engine.summary_for(&q.expect, used, &plan)?,
        ) {
            (Some(article), Some(s)) => answers_kind(engine, &article, label, &s.text),
            _ => false,
        };
        let tally = Tally {
            questions: 1,
            intent_right: usize::from(detected == label),
            answered_right: usize::from(answered),
            summary_fits: usize::from(fits),
            answered_and_fits: usize::from(answered && fits),
        };
        report
            .by_intent
            .entry(label.to_string())
            .or_default()
            .add(&tally);
        report.all.add(&tally);
    }
    Ok(report)
}

/// Whether `summary` answers a question of kind `intent` about `article`: it quotes a
/// sentence from a section with a role that fits, or, when the article has no such section,
/// a sentence with one of the intent's hint words ("spread" for contagion) or, for "what
/// is", from its opening; for "how long", a sentence that states a time span. A general
/// question is answered by any summary of the right article.
pub fn answers_kind(engine: &Engine, article: &Article, intent: Intent, summary: &str) -> bool {
    match intent {
        Intent::General => return true,
        Intent::Duration => {
            return summary
                .lines()
                .flat_map(|l| l.trim_start_matches("• ").split(". "))
                .any(summary::states_time_span);
        }
        _ => {}
    }
    let (sentences, headings) = summary::sentences(&article.body);
    let roles: Vec<Option<String>> = headings
        .iter()
        .map(|h| engine.section_role(article, h))
        .collect();
    let wanted = engine.roles_for(intent);
    let hints = engine.hints_for(intent);
    let has_role = roles.iter().flatten().any(|r| wanted.contains(r));
    sentences.iter().any(|s| {
        let role = roles[s.heading()].as_deref();
        let fits = if has_role {
            role.is_some_and(|r| wanted.iter().any(|w| w == r))
        } else if intent == Intent::WhatIs {
            s.heading() == 0 || role == Some(crate::content::sections::OVERVIEW)
        } else {
            crate::text::stems(&s.text)
                .iter()
                .any(|w| hints.contains(w))
        };
        fits && summary.contains(&s.text)
    })
}
