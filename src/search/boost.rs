//! Extra BM25 clauses beyond the bag of words: question-type cues ("why" -> causes,
//! "how is it treated" -> treatments) matched against what a title is about, and
//! proximity of neighbouring question words.
//!
//! Neither adds concepts to the [`QueryPlan`], so coverage, and with it the answer layer's
//! confidence rule, means exactly what it did without them: they only reorder candidates.

use tantivy::Term;
use tantivy::query::{BoostQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::QueryPlan;
use crate::text;

/// Words a question may use for one kind of question, and the stems a title uses when it is
/// about that kind (a "What causes X?" or "X (Treatment)" section).
struct Kind {
    triggers: &'static [&'static str],
    cues: &'static [&'static str],
}

/// The question types consumer health articles are commonly split into.
const KINDS: &[Kind] = &[
    Kind {
        triggers: &[
            "why", "cause", "causes", "caused", "causing", "reason", "trigger",
        ],
        cues: &["caus"],
    },
    Kind {
        triggers: &[
            "symptom", "symptoms", "sign", "signs", "feel", "feels", "like",
        ],
        cues: &["symptom", "sign"],
    },
    Kind {
        triggers: &[
            "treat",
            "treated",
            "treating",
            "treatment",
            "treatments",
            "cure",
            "cured",
            "therapy",
            "therapies",
            "medication",
            "medicine",
            "remedy",
            "remedies",
            "manage",
            "help",
        ],
        cues: &["treatment", "treat", "therapi"],
    },
    Kind {
        triggers: &[
            "inherit",
            "inherited",
            "hereditary",
            "genetic",
            "genes",
            "gene",
            "family",
            "families",
            "passed",
        ],
        cues: &["inherit", "genet"],
    },
    Kind {
        triggers: &[
            "outlook",
            "prognosis",
            "expectancy",
            "survive",
            "survival",
            "fatal",
            "deadly",
            "die",
            "dying",
            "recover",
            "recovery",
            "permanent",
        ],
        cues: &["outlook", "prognosi"],
    },
    Kind {
        triggers: &[
            "diagnose",
            "diagnosed",
            "diagnosis",
            "test",
            "tests",
            "tested",
            "detect",
        ],
        cues: &["diagnos"],
    },
    Kind {
        triggers: &["prevent", "prevented", "prevention", "avoid", "risk"],
        cues: &["prevent"],
    },
];

/// Most neighbouring-word pairs turned into proximity clauses; long messages keep the first.
const MAX_PAIRS: usize = 8;
/// How far apart (in words) two neighbouring question words may be and still count as near.
const PROXIMITY_SLOP: u32 = 3;

/// Title clauses for the question types `question` asks about, each boosted by `weight`.
pub fn question_type(question: &str, title: Field, weight: f32) -> Vec<Box<dyn Query>> {
    if weight <= 0.0 {
        return Vec::new();
    }
    let words = text::words(question);
    let mut cues: Vec<&str> = Vec::new();
    for kind in KINDS {
        if words.iter().any(|w| kind.triggers.contains(&w.as_str())) {
            for cue in kind.cues {
                if !cues.contains(cue) {
                    cues.push(cue);
                }
            }
        }
    }
    cues.into_iter()
        .map(|cue| {
            let term = TermQuery::new(
                Term::from_field_text(title, cue),
                IndexRecordOption::WithFreqs,
            );
            Box::new(BoostQuery::new(Box::new(term), weight)) as Box<dyn Query>
        })
        .collect()
}

/// Sloppy phrase clauses for neighbouring concepts whose idf is at least `min_idf`, in each
/// of `fields`.
pub fn proximity(
    plan: &QueryPlan,
    fields: &[(Field, f32)],
    weight: f32,
    min_idf: f32,
) -> Vec<Box<dyn Query>> {
    if weight <= 0.0 {
        return Vec::new();
    }
    let pairs = plan
        .concepts
        .windows(2)
        .filter(|pair| pair.iter().all(|c| c.idf >= min_idf))
        .take(MAX_PAIRS);
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    for pair in pairs {
        for &(field, field_weight) in fields {
            let terms = pair
                .iter()
                .map(|c| Term::from_field_text(field, &c.variants[0].stem))
                .collect();
            let mut phrase = PhraseQuery::new(terms);
            phrase.set_slop(PROXIMITY_SLOP);
            out.push(Box::new(BoostQuery::new(
                Box::new(phrase),
                weight * field_weight,
            )));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};

    fn title() -> Field {
        let mut b = Schema::builder();
        b.add_text_field("title", TEXT)
    }

    #[test]
    fn why_asks_for_causes_and_treated_for_treatments() {
        assert_eq!(question_type("why do my knees hurt", title(), 1.0).len(), 1);
        assert_eq!(
            question_type("how is gout treated and why", title(), 1.0).len(),
            4
        );
    }

    #[test]
    fn plain_topic_or_zero_weight_adds_nothing() {
        assert!(question_type("gout", title(), 1.0).is_empty());
        assert!(question_type("why gout", title(), 0.0).is_empty());
    }
}
