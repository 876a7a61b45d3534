//! Turning a free-text question into a [`QueryPlan`]: the concepts it asks about, each
//! with the stems that may stand for it (its own word, lay/medical synonyms, a spelling fix).

use super::vocabulary::Vocabulary;
use crate::synonyms::Synonyms;
use crate::text;

/// Weight of a synonym relative to the word the user typed.
pub const SYNONYM_WEIGHT: f32 = 0.6;
/// Weight of a spelling correction relative to a correctly spelt word.
pub const CORRECTION_WEIGHT: f32 = 0.8;
/// Weight of a bare number ("2" in "my 2 year old"): numbers rarely name a topic.
pub const NUMBER_WEIGHT: f32 = 0.3;
/// Most concepts kept from one question; long messages keep their rarest words.
pub const MAX_CONCEPTS: usize = 24;

/// One stem that can stand for a concept, and how much it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub stem: String,
    pub weight: f32,
}

/// One thing the question asks about, e.g. "pulled tooth" or "bleeding".
#[derive(Debug, Clone, PartialEq)]
pub struct Concept {
    /// What the user typed, for explanations.
    pub text: String,
    pub variants: Vec<Variant>,
    /// How informative the concept is: the idf of its rarest known variant.
    pub idf: f32,
}

/// The analysed question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryPlan {
    pub concepts: Vec<Concept>,
}

impl QueryPlan {
    /// Analyses `question` against the index's vocabulary and synonym groups.
    ///
    /// A word that no article contains in any form weighs `unknown_scale` times the largest
    /// idf: such words are as often chat ("awful", "monday") as signs of an off-topic question.
    pub fn new(
        question: &str,
        synonyms: &Synonyms,
        vocab: &Vocabulary,
        unknown_scale: f32,
    ) -> Self {
        let words = text::words(question);
        let stems: Vec<String> = words.iter().map(|w| text::stem(w)).collect();
        let matches = synonyms.find(&stems);
        let mut concepts: Vec<Concept> = Vec::new();
        let mut next_match = matches.iter().peekable();
        let mut i = 0;
        while i < words.len() {
            if let Some(m) = next_match.next_if(|m| m.span.start == i) {
                let own = content_stems(&words[m.span.clone()], &stems[m.span.clone()]);
                let mut variants: Vec<Variant> = own
                    .into_iter()
                    .map(|stem| Variant { stem, weight: 1.0 })
                    .collect();
                // Only one-word alternates expand the question: the words of a phrase on their
                // own mean something else ("pass water" must not turn "water" into "pee").
                for term in synonyms.group(m.group).iter().filter(|t| t.len() == 1) {
                    push_variant(&mut variants, &term[0], SYNONYM_WEIGHT);
                }
                concepts.push(Concept::new(
                    words[m.span.clone()].join(" "),
                    variants,
                    vocab,
                    unknown_scale,
                ));
                i = m.span.end;
                continue;
            }
            if !text::is_stop_word(&words[i]) {
                let numeric = words[i].bytes().all(|b| b.is_ascii_digit());
                let weight = if numeric { NUMBER_WEIGHT } else { 1.0 };
                let mut variants = vec![Variant {
                    stem: stems[i].clone(),
                    weight,
                }];
                if let Some(fixed) = vocab.correct(&stems[i]) {
                    push_variant(&mut variants, fixed, CORRECTION_WEIGHT);
                }
                let mut concept = Concept::new(words[i].clone(), variants, vocab, unknown_scale);
                concept.idf *= weight;
                concepts.push(concept);
            }
            i += 1;
        }
        concepts.dedup_by(|a, b| a.variants == b.variants);
        let mut seen = std::collections::HashSet::new();
        concepts.retain(|c| seen.insert(c.variants[0].stem.clone()));
        if concepts.len() > MAX_CONCEPTS {
            concepts.sort_by(|a, b| b.idf.total_cmp(&a.idf));
            concepts.truncate(MAX_CONCEPTS);
        }
        Self { concepts }
    }

    /// Idf-weighted share of the concepts that some indexed article mentions in any form.
    pub fn known_share(&self, vocab: &Vocabulary) -> f32 {
        let total: f32 = self.concepts.iter().map(|c| c.idf).sum();
        let known: f32 = self
            .concepts
            .iter()
            .filter(|c| c.variants.iter().any(|v| vocab.contains(&v.stem)))
            .map(|c| c.idf)
            .sum();
        if total > 0.0 { known / total } else { 0.0 }
    }

    /// Whether the question had nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// Every (stem, weight) pair to search for; BM25 supplies the idf itself.
    pub fn weighted_stems(&self) -> impl Iterator<Item = (&str, f32)> {
        self.concepts
            .iter()
            .flat_map(|c| c.variants.iter().map(|v| (v.stem.as_str(), v.weight)))
    }

    /// Every (stem, weight) pair with the weight scaled by its concept's idf, for choosing
    /// summary sentences, where rare question words should count for more.
    pub fn summary_weights(&self) -> impl Iterator<Item = (&str, f32)> {
        self.concepts.iter().flat_map(|c| {
            c.variants
                .iter()
                .map(move |v| (v.stem.as_str(), v.weight * c.idf))
        })
    }
}

impl Concept {
    fn new(text: String, variants: Vec<Variant>, vocab: &Vocabulary, unknown_scale: f32) -> Self {
        let idf = variants
            .iter()
            .filter(|v| vocab.contains(&v.stem))
            .map(|v| vocab.idf(&v.stem))
            .reduce(f32::max)
            .unwrap_or_else(|| unknown_scale * vocab.idf(&variants[0].stem));
        Self {
            text,
            variants,
            idf,
        }
    }
}

fn content_stems(words: &[String], stems: &[String]) -> Vec<String> {
    let kept: Vec<String> = words
        .iter()
        .zip(stems)
        .filter(|(w, _)| !text::is_stop_word(w))
        .map(|(_, s)| s.clone())
        .collect();
    if kept.is_empty() {
        stems.to_vec()
    } else {
        kept
    }
}

fn push_variant(variants: &mut Vec<Variant>, stem: &str, weight: f32) {
    match variants.iter_mut().find(|v| v.stem == stem) {
        Some(v) => v.weight = v.weight.max(weight),
        None => variants.push(Variant {
            stem: stem.to_owned(),
            weight,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(question: &str) -> QueryPlan {
        let syn = Synonyms::parse(
            "[[group]]\nterms = [\"pulled tooth\", \"extraction\"]\n[[group]]\nterms = [\"pee\", \"urine\", \"pass water\"]\n",
        )
        .unwrap();
        let vocab = Vocabulary::from_pairs(
            &[("tooth", 5), ("extract", 2), ("urin", 3), ("migrain", 2)],
            100,
        );
        QueryPlan::new(question, &syn, &vocab, 1.0)
    }

    fn stems(c: &Concept) -> Vec<&str> {
        c.variants.iter().map(|v| v.stem.as_str()).collect()
    }

    #[test]
    fn question_words_carry_no_weight() {
        let p = plan("What should I do about my migraine?");
        assert_eq!(p.concepts.len(), 1);
        assert_eq!(stems(&p.concepts[0]), ["migrain"]);
    }

    #[test]
    fn lay_phrase_expands_to_medical_terms() {
        let p = plan("bleeding from a pulled tooth");
        let tooth = p
            .concepts
            .iter()
            .find(|c| c.text == "pulled tooth")
            .unwrap();
        assert_eq!(stems(tooth), ["pull", "tooth", "extract"]);
        assert_eq!(tooth.variants[2].weight, SYNONYM_WEIGHT);
    }

    #[test]
    fn phrase_alternates_do_not_expand_into_loose_words() {
        let p = plan("it stings when I pee");
        let pee = p.concepts.iter().find(|c| c.text == "pee").unwrap();
        assert_eq!(stems(pee), ["pee", "urin"]);
    }

    #[test]
    fn misspelt_word_gains_its_correction() {
        let p = plan("migrane");
        assert_eq!(stems(&p.concepts[0]), ["migran", "migrain"]);
    }

    #[test]
    fn off_topic_words_are_the_most_informative() {
        let p = plan("tooth weather");
        assert!(p.concepts[1].idf > p.concepts[0].idf);
    }

    #[test]
    fn empty_question_has_no_concepts() {
        assert!(plan("  what is the ?? ").is_empty());
    }
}
