//! [`Explanation`]: why the engine answered as it did, for `healthbot ask --explain` and the
//! admins' `/why`: the words matched (with synonyms and spelling corrections), the nearest
//! phrasing, the fused scores of the top candidates, the gate's decision, and the question's
//! intent with the section the summary quotes.

use std::fmt;

use serde::Serialize;

use super::{Answer, Engine};
use crate::gate::Features;

/// Candidates listed in the text of an explanation (the JSON form lists all ranked).
const SHOWN: usize = 5;

/// One question concept and the stems that stood for it.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub text: String,
    pub idf: f32,
    /// Each stem with its weight: 1 for the typed word, less for synonyms and corrections.
    pub variants: Vec<(String, f32)>,
}

/// One ranked candidate's scores.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    pub slug: String,
    pub fused: f32,
    pub cosine: Option<f32>,
    pub lexical: f32,
    pub coverage: f32,
    pub key_coverage: f32,
    pub matched: Option<String>,
    pub matched_kind: Option<crate::dense::TextKind>,
}

/// Why the engine answered as it did.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub question: String,
    pub emergency: Vec<String>,
    pub small_talk: Option<String>,
    pub terms: Vec<Term>,
    pub candidates: Vec<Scored>,
    pub features: Features,
    pub probability: Option<f32>,
    pub threshold: f32,
    pub semantic: bool,
    pub off_topic: Option<(String, f32)>,
    pub answered: Option<String>,
    /// The question's intent ("treat", "worry"...) and the cue that decided it.
    pub intent: String,
    pub intent_cue: Option<String>,
    /// The heading of the section the summary came from ("" for the opening), if any.
    pub section: Option<String>,
}

impl Explanation {
    /// Explains `answer`, which `engine` gave.
    pub fn new(answer: &Answer, engine: &Engine) -> Self {
        let ranking = answer.ranking.as_ref();
        let terms = ranking.map_or_else(Vec::new, |r| {
            r.plan
                .concepts
                .iter()
                .map(|c| Term {
                    text: c.text.clone(),
                    idf: c.idf,
                    variants: c
                        .variants
                        .iter()
                        .map(|v| (v.stem.clone(), v.weight))
                        .collect(),
                })
                .collect()
        });
        let candidates = ranking.map_or_else(Vec::new, |r| {
            r.candidates
                .iter()
                .map(|c| Scored {
                    slug: c.slug.clone(),
                    fused: c.fused,
                    cosine: c.cosine,
                    lexical: c.lexical,
                    coverage: c.coverage,
                    key_coverage: c.key_coverage,
                    matched: c.matched.clone(),
                    matched_kind: c.matched_kind,
                })
                .collect()
        });
        let detected = engine.intent(&answer.question);
        Self {
            intent: detected.intent.to_string(),
            intent_cue: detected.cue,
            section: answer.best.as_ref().and_then(|b| b.section.clone()),
            question: answer.question.clone(),
            emergency: answer
                .red_flags()
                .iter()
                .map(|f| format!("{f:?}"))
                .collect(),
            small_talk: answer.small_talk.as_ref().map(|s| s.kind.clone()),
            terms,
            candidates,
            features: ranking.map(|r| r.features.clone()).unwrap_or_default(),
            probability: answer.confidence,
            threshold: engine.gate.gate.threshold,
            semantic: ranking.is_some_and(|r| r.semantic),
            off_topic: ranking
                .and_then(|r| r.off_topic.as_ref())
                .map(|o| (o.text.clone(), o.cosine)),
            answered: answer.best.as_ref().map(|b| b.article.slug.clone()),
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Question: {:?}", self.question)?;
        if !self.emergency.is_empty() {
            writeln!(f, "Emergency flags: {}", self.emergency.join(", "))?;
        }
        if let Some(kind) = &self.small_talk {
            return writeln!(f, "Small talk ({kind}): no search");
        }
        writeln!(f, "Words matched:")?;
        for t in &self.terms {
            let variants: Vec<String> = t
                .variants
                .iter()
                .map(|(stem, w)| {
                    if *w < 1.0 {
                        format!("{stem} (x{w:.1})")
                    } else {
                        stem.clone()
                    }
                })
                .collect();
            writeln!(
                f,
                "  {:?} -> {} (idf {:.1})",
                t.text,
                variants.join(", "),
                t.idf
            )?;
        }
        if let Some(top) = self.candidates.first()
            && let (Some(text), Some(cos)) = (&top.matched, top.cosine)
        {
            writeln!(
                f,
                "Nearest text of {}: {text:?} (cosine {cos:.2})",
                top.slug
            )?;
        }
        writeln!(f, "Top {}:", self.candidates.len().min(SHOWN))?;
        for (i, c) in self.candidates.iter().take(SHOWN).enumerate() {
            let cos = c
                .cosine
                .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
            writeln!(
                f,
                "  {}. {:<34} fused {:.2}  cosine {cos:>4}  lexical {:.2}  coverage {:.2}",
                i + 1,
                c.slug,
                c.fused,
                c.lexical,
                c.coverage
            )?;
        }
        if let Some((text, cos)) = &self.off_topic {
            writeln!(f, "Nearest off-topic example: {text:?} (cosine {cos:.2})")?;
        }
        match self.probability {
            Some(p) => {
                let features: Vec<String> = self
                    .features
                    .0
                    .iter()
                    .map(|(n, v)| format!("{n}={v:.2}"))
                    .collect();
                writeln!(f, "Features: {}", features.join(" "))?;
                writeln!(
                    f,
                    "Gate: probability {p:.2} against threshold {:.2}",
                    self.threshold
                )?;
            }
            None if !self.semantic => writeln!(f, "Gate: word coverage only (no encoder)")?,
            None => {}
        }
        match &self.intent_cue {
            Some(cue) => writeln!(f, "Intent: {} (cue {cue:?})", self.intent)?,
            None => writeln!(f, "Intent: {} (no cue)", self.intent)?,
        }
        match (&self.answered, &self.section) {
            (Some(slug), Some(h)) if h.is_empty() => {
                writeln!(f, "Decision: answer with {slug}, summary from its opening")
            }
            (Some(slug), Some(h)) => {
                writeln!(
                    f,
                    "Decision: answer with {slug}, summary from section {h:?}"
                )
            }
            (Some(slug), None) => {
                writeln!(f, "Decision: answer with {slug}, summary by question words")
            }
            (None, _) => writeln!(f, "Decision: not sure, offer suggestions"),
        }
    }
}
