//! The index's vocabulary: which stems exist, how many articles use each, and the
//! spelling correction that maps an unknown word onto a known one ("migrane" -> "migrain").
//!
//! tantivy's `FuzzyTermQuery` scores every fuzzy match with a constant, which would let a
//! misspelt word outrank real matches. Correcting the word first and then running a normal
//! BM25 term query keeps scores comparable.

use std::collections::HashMap;

use tantivy::Searcher;
use tantivy::schema::Field;

/// Shortest word (in characters) we try to correct; shorter words have too many neighbours
/// ("bike" -> "bite") for a correction to be trustworthy.
pub const MIN_CORRECTABLE_LEN: usize = 5;

/// Stems of the indexed text and their document frequencies.
#[derive(Debug, Default)]
pub struct Vocabulary {
    doc_freq: HashMap<String, u32>,
    num_docs: u32,
}

impl Vocabulary {
    /// Reads every term of `fields` from the searcher's segments.
    ///
    /// # Errors
    /// Returns tantivy's error if a term dictionary cannot be read.
    pub fn from_searcher(searcher: &Searcher, fields: &[Field]) -> tantivy::Result<Self> {
        let mut doc_freq: HashMap<String, u32> = HashMap::new();
        for &field in fields {
            let mut per_field: HashMap<String, u32> = HashMap::new();
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        *per_field.entry(term.to_owned()).or_default() += stream.value().doc_freq;
                    }
                }
            }
            // A term's frequency is its largest per-field count: body usually contains them all.
            for (term, df) in per_field {
                let slot = doc_freq.entry(term).or_default();
                *slot = (*slot).max(df);
            }
        }
        let num_docs = u32::try_from(searcher.num_docs()).unwrap_or(u32::MAX);
        Ok(Self { doc_freq, num_docs })
    }

    /// Number of articles that contain `stem`.
    pub fn doc_freq(&self, stem: &str) -> u32 {
        self.doc_freq.get(stem).copied().unwrap_or(0)
    }

    /// Whether any article contains `stem`.
    pub fn contains(&self, stem: &str) -> bool {
        self.doc_freq.contains_key(stem)
    }

    /// BM25's inverse document frequency of `stem`; unknown stems get the largest value.
    pub fn idf(&self, stem: &str) -> f32 {
        let n = self.num_docs as f32;
        let df = self.doc_freq(stem) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The most common known stem one edit away from an unknown `stem`, if any.
    pub fn correct(&self, stem: &str) -> Option<&str> {
        if stem.chars().count() < MIN_CORRECTABLE_LEN || self.contains(stem) {
            return None;
        }
        let chars: Vec<char> = stem.chars().collect();
        let mut best: Option<(&str, u32)> = None;
        let mut consider = |candidate: String| {
            if let Some((known, &df)) = self.doc_freq.get_key_value(candidate.as_str())
                && best.is_none_or(|(_, best_df)| df > best_df)
            {
                best = Some((known.as_str(), df));
            }
        };
        for i in 0..=chars.len() {
            for c in 'a'..='z' {
                consider(splice(&chars, i, 0, Some(c)));
                if i < chars.len() {
                    consider(splice(&chars, i, 1, Some(c)));
                }
            }
            if i < chars.len() {
                consider(splice(&chars, i, 1, None));
            }
            if i + 1 < chars.len() {
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                consider(swapped.into_iter().collect());
            }
        }
        best.map(|(known, _)| known)
    }
}

/// `chars` with `remove` characters at `at` replaced by `insert`.
fn splice(chars: &[char], at: usize, remove: usize, insert: Option<char>) -> String {
    chars[..at]
        .iter()
        .copied()
        .chain(insert)
        .chain(chars[at + remove..].iter().copied())
        .collect()
}

#[cfg(test)]
impl Vocabulary {
    /// Builds a vocabulary from (stem, doc_freq) pairs.
    pub fn from_pairs(pairs: &[(&str, u32)], num_docs: u32) -> Self {
        let doc_freq = pairs.iter().map(|(t, df)| ((*t).to_owned(), *df)).collect();
        Self { doc_freq, num_docs }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_typos_are_corrected() {
        let v = Vocabulary::from_pairs(&[("extract", 3), ("migrain", 2), ("diarrhea", 2)], 100);
        assert_eq!(v.correct("extrat"), Some("extract"));
        assert_eq!(v.correct("migran"), Some("migrain"));
        assert_eq!(v.correct("diarhea"), Some("diarrhea"));
        assert_eq!(v.correct("dairrhea"), Some("diarrhea"));
    }

    #[test]
    fn short_or_known_words_are_left_alone() {
        let v = Vocabulary::from_pairs(&[("bite", 3), ("extract", 1)], 100);
        assert_eq!(v.correct("bike"), None);
        assert_eq!(v.correct("extract"), None);
        assert_eq!(v.correct("weather"), None);
    }

    #[test]
    fn the_most_common_neighbour_wins() {
        let v = Vocabulary::from_pairs(&[("caught", 1), ("cough", 9)], 100);
        assert_eq!(v.correct("coughh"), Some("cough"));
    }

    #[test]
    fn unknown_stems_get_the_highest_idf() {
        let v = Vocabulary::from_pairs(&[("pain", 60), ("gout", 1)], 100);
        assert!(v.idf("tomorrow") > v.idf("gout"));
        assert!(v.idf("gout") > v.idf("pain"));
    }
}
