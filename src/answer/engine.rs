//! [`Engine`]: everything needed to answer a question, and the one place that keeps the
//! lexical and dense indexes in step when admins change the library.

use std::sync::Arc;

use super::{
    Answer, Best, MIN_SUGGESTION_COSINE, MIN_SUGGESTION_COVERAGE, Suggestion, fill_placeholders,
    is_confident,
};
use crate::content::{Article, Categories, SectionRoles};
use crate::dense::{Entry, article_texts};
use crate::gate::Gate;
use crate::intent::{Detected, Intent, IntentRules};
use crate::ranker::{self, Candidate, RankError, Ranking, Semantic};
use crate::safety::Safety;
use crate::search::{Index, QueryPlan, SearchError};
use crate::smalltalk::SmallTalk;
use crate::summary::{self, Focus};

/// Safety checks, small talk, the indexes and the gate: everything needed to answer.
/// A cheap `Clone` handle: the indexes are shared.
#[derive(Clone)]
pub struct Engine {
    pub index: Index,
    /// The sentence encoder and dense index; `None` runs on lexical matching alone.
    pub semantic: Option<Semantic>,
    pub gate: Gate,
    pub safety: Safety,
    pub small_talk: SmallTalk,
    /// The browsing categories: answers and article cards name their article's category.
    categories: Categories,
    /// The configured emergency number and crisis line, for article placeholders.
    numbers: Arc<(String, String)>,
    /// Question-intent cues and article section roles, for summaries aimed at the question.
    focus: Arc<(IntentRules, SectionRoles)>,
}

impl Engine {
    /// An engine over a lexical index, with the bundled gate and small talk and no encoder.
    pub fn new(index: Index, safety: Safety) -> Self {
        Self {
            index,
            semantic: None,
            gate: Gate::bundled(),
            safety,
            small_talk: SmallTalk::bundled(),
            categories: Categories::bundled(),
            numbers: Arc::default(),
            focus: Arc::new((IntentRules::bundled(), SectionRoles::bundled())),
        }
    }

    /// Uses these intent cues and section roles for summaries.
    pub fn with_focus(mut self, intents: IntentRules, roles: SectionRoles) -> Self {
        self.focus = Arc::new((intents, roles));
        self
    }

    /// What `question` asks for: its intent and its topic words.
    pub fn intent(&self, question: &str) -> Detected {
        self.focus.0.detect(question)
    }

    /// Adds the sentence encoder and its dense index.
    pub fn with_semantic(mut self, semantic: Semantic) -> Self {
        self.semantic = Some(semantic);
        self
    }

    /// Uses this gate and fusion weight.
    pub fn with_gate(mut self, gate: Gate) -> Self {
        self.gate = gate;
        self
    }

    /// Uses these small-talk replies.
    pub fn with_small_talk(mut self, small_talk: SmallTalk) -> Self {
        self.small_talk = small_talk;
        self
    }

    /// Uses these browsing categories.
    pub fn with_categories(mut self, categories: Categories) -> Self {
        self.categories = categories;
        self
    }

    /// The browsing categories, in display order.
    pub fn categories(&self) -> &Categories {
        &self.categories
    }

    /// Fills `{{EMERGENCY_NUMBER}}` and `{{CRISIS_LINE}}` in article text with these.
    pub fn with_numbers(mut self, emergency_number: &str, crisis_line: &str) -> Self {
        self.numbers = Arc::new((emergency_number.to_owned(), crisis_line.to_owned()));
        self
    }

    /// Answers `question`, ranking `top` articles in all (best plus related).
    ///
    /// # Errors
    /// Only if the index cannot be read or the encoder fails.
    pub fn answer(&self, question: &str, top: usize) -> Result<Answer, RankError> {
        let question = question.trim();
        let emergency = self.safety.check(question);
        let mut answer = Answer {
            question: question.to_owned(),
            emergency,
            small_talk: None,
            best: None,
            related: Vec::new(),
            confidence: None,
            ranking: None,
            follow_up: false,
        };
        if answer.emergency.is_none() {
            answer.small_talk = self.small_talk.reply(question);
            if answer.small_talk.is_some() {
                return Ok(answer);
            }
        }
        let ranking = self.rank(question, top.max(1))?;
        let (answers, confidence) = self.decide(&ranking);
        answer.confidence = confidence;
        let mut shown = ranking
            .candidates
            .iter()
            .map(|c| self.suggestion(c, &ranking));
        if answers && let Some(first) = shown.next() {
            let intent = self.intent(question).intent;
            let focused = self.summary_for(&first.slug, intent, &ranking.plan)?;
            answer.best = focused.map(|f| Best {
                article: first,
                summary: f.text,
                intent,
                section: f.section,
            });
        }
        answer.related = shown
            .take(top.saturating_sub(usize::from(answers)))
            .collect();
        self.triage(&mut answer, &ranking, top)?;
        answer.ranking = Some(ranking);
        Ok(answer)
    }

    /// The fused ranking of `question`, whatever the gate would decide.
    ///
    /// # Errors
    /// Only if the index cannot be read or the encoder fails.
    pub fn rank(&self, question: &str, limit: usize) -> Result<Ranking, RankError> {
        ranker::rank(
            &self.index,
            self.semantic.as_ref(),
            self.gate.fusion,
            question,
            limit,
        )
    }

    /// Whether the top article answers, and the gate's probability when it was asked.
    pub fn decide(&self, ranking: &Ranking) -> (bool, Option<f32>) {
        let Some(top) = ranking.candidates.first() else {
            return (false, None);
        };
        if !ranking.semantic {
            return (is_confident(top.coverage, top.key_coverage), None);
        }
        let p = self.gate.probability(&ranking.features);
        (
            p >= self.gate.gate.threshold && !ranking.closer_to_off_topic(),
            Some(p),
        )
    }

    /// An article's summary: the sentences that best answer `plan`'s question, or its general
    /// summary without one, with placeholders filled. `None` for an unknown slug.
    ///
    /// # Errors
    /// Only if the index cannot be read.
    pub fn summary(
        &self,
        slug: &str,
        plan: Option<&QueryPlan>,
    ) -> Result<Option<String>, SearchError> {
        Ok(self.article(slug)?.map(|a| {
            let text = match plan {
                Some(p) => summary::summarize(&a.body, a.summary.as_deref(), p.summary_weights()),
                None => summary::summarize(&a.body, a.summary.as_deref(), std::iter::empty()),
            };
            self.fill(&text)
        }))
    }

    /// An article's summary aimed at a question of this intent: the section that answers it,
    /// or the sentences that best answer `plan`'s words when none does (or the intent is
    /// general). `None` for an unknown slug.
    ///
    /// # Errors
    /// Only if the index cannot be read.
    pub fn summary_for(
        &self,
        slug: &str,
        intent: Intent,
        plan: &QueryPlan,
    ) -> Result<Option<summary::Focused>, SearchError> {
        let Some(a) = self.article(slug)? else {
            return Ok(None);
        };
        let (intents, roles) = &*self.focus;
        let role_of = |h: &str| roles.role_in(&a.role, h);
        let focus = Focus {
            intent,
            wanted: intents.roles(intent),
            hints: intents.hints(intent),
            role_of: &role_of,
        };
        let focused =
            summary::focused(&a.body, plan.summary_weights(), &focus).unwrap_or_else(|| {
                summary::Focused {
                    text: summary::summarize(&a.body, a.summary.as_deref(), plan.summary_weights()),
                    section: None,
                    role: None,
                }
            });
        Ok(Some(summary::Focused {
            text: self.fill(&focused.text),
            ..focused
        }))
    }

    /// Word stems that mark a sentence answering `intent` in an article with no section for it.
    pub fn hints_for(&self, intent: Intent) -> &[String] {
        self.focus.0.hints(intent)
    }

    /// The section roles that answer `intent`, best first.
    pub fn roles_for(&self, intent: Intent) -> &[String] {
        self.focus.0.roles(intent)
    }

    /// The role of one of `article`'s section headings ("overview" for the opening).
    pub fn section_role(&self, article: &Article, heading: &str) -> Option<String> {
        if heading.is_empty() {
            return Some(crate::content::sections::OVERVIEW.to_owned());
        }
        self.focus
            .1
            .role_in(&article.role, heading)
            .map(str::to_owned)
    }

    /// A stored article, with placeholders in its summary filled.
    ///
    /// # Errors
    /// Only if the index cannot be read.
    pub fn article(&self, slug: &str) -> Result<Option<Article>, SearchError> {
        self.index.article(slug)
    }

    /// Text with the operator's numbers in place of the article placeholders.
    pub fn fill(&self, text: &str) -> String {
        fill_placeholders(text, &self.numbers.0, &self.numbers.1)
    }

    /// Adds or replaces an article in both indexes, so the next question finds it.
    ///
    /// # Errors
    /// If indexing or encoding fails.
    pub fn upsert(&self, article: &Article) -> Result<(), RankError> {
        self.index.upsert(article)?;
        if let Some(s) = &self.semantic {
            s.dense.insert(&article.slug, entries(s, article)?);
        }
        Ok(())
    }

    /// Removes an article from both indexes.
    ///
    /// # Errors
    /// If the lexical index cannot be updated.
    pub fn remove(&self, slug: &str) -> Result<(), SearchError> {
        self.index.remove(slug)?;
        if let Some(s) = &self.semantic {
            s.dense.remove(slug);
        }
        Ok(())
    }

    /// Adds a known off-topic example to the dense index (nothing without an encoder).
    ///
    /// # Errors
    /// If encoding fails.
    pub fn add_off_topic(&self, text: &str) -> Result<(), RankError> {
        if let Some(s) = &self.semantic
            && let Some(vector) = s.encoder.encode_batch(&[text])?.pop()
        {
            s.dense.add_off_topic(text.to_owned(), vector);
        }
        Ok(())
    }

    /// Drops the off-topic examples for which `remove` says so.
    pub fn remove_off_topic(&self, remove: impl Fn(&str) -> bool) {
        if let Some(s) = &self.semantic {
            s.dense.remove_off_topic(remove);
        }
    }

    fn suggestion(&self, c: &Candidate, ranking: &Ranking) -> Suggestion {
        let plausible = if ranking.semantic {
            c.cosine.unwrap_or(0.0) >= MIN_SUGGESTION_COSINE
        } else {
            c.coverage >= MIN_SUGGESTION_COVERAGE
        };
        Suggestion {
            slug: c.slug.clone(),
            title: c.title.clone(),
            url: c.url.clone(),
            score: c.fused,
            plausible,
        }
    }
}

/// The dense entries of one article, encoded now (a handful of texts).
fn entries(s: &Semantic, a: &Article) -> Result<Vec<Entry>, RankError> {
    let texts = article_texts(&a.title, &a.tags, a.summary.as_deref(), &a.questions);
    let refs: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    let vectors = s.encoder.encode_batch(&refs)?;
    Ok(texts
        .into_iter()
        .zip(vectors)
        .map(|((kind, text), vector)| Entry { kind, text, vector })
        .collect())
}
