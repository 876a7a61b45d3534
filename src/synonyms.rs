//! Lay-term <-> medical-term synonym groups ("pee" <-> "urine"): parsed from
//! `content/synonyms.toml` by the content loader and matched against a question's words by
//! the search index. Depends only on [`crate::text`], so both can use it.

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;

use crate::text;

/// Synonym groups, each a list of terms that can stand for one another.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// group -> term -> stems of that term (stop words kept, so "the runs" stays a phrase).
    groups: Vec<Vec<Vec<String>>>,
    /// Stems of a term -> its group.
    by_phrase: HashMap<Vec<String>, usize>,
    longest: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    group: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    terms: Vec<String>,
}

/// One place where a question mentions a synonym term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymMatch {
    /// Word positions in the question that the term covers.
    pub span: Range<usize>,
    pub group: usize,
}

impl Synonyms {
    /// Parses `synonyms.toml` text.
    ///
    /// # Errors
    /// Returns the 1-based line (when known) and what is wrong.
    pub fn parse(text: &str) -> Result<Self, (Option<usize>, String)> {
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count());
            (line, e.message().to_owned())
        })?;
        let mut out = Self::default();
        for (g, group) in file.group.iter().enumerate() {
            let mut terms = Vec::new();
            for term in &group.terms {
                let stems: Vec<String> = text::words(term).iter().map(|w| text::stem(w)).collect();
                if stems.is_empty() {
                    return Err((
                        None,
                        format!("group #{}: the term {term:?} has no words", g + 1),
                    ));
                }
                // A term listed twice is harmless inside one group; across groups the first wins.
                out.by_phrase
                    .entry(stems.clone())
                    .or_insert(out.groups.len());
                out.longest = out.longest.max(stems.len());
                terms.push(stems);
            }
            if terms.len() >= 2 {
                out.groups.push(terms);
            }
        }
        Ok(out)
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The terms of one group, each as its stems.
    pub fn group(&self, group: usize) -> &[Vec<String>] {
        &self.groups[group]
    }

    /// Finds synonym terms in a sequence of stems, longest first and without overlaps.
    pub fn find(&self, stems: &[String]) -> Vec<SynonymMatch> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let longest = self.longest.min(stems.len() - i);
            let hit = (1..=longest)
                .rev()
                .find_map(|n| self.by_phrase.get(&stems[i..i + n]).map(|&g| (n, g)));
            match hit {
                Some((n, group)) => {
                    found.push(SynonymMatch {
                        span: i..i + n,
                        group,
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: &str = r#"
[[group]]
terms = ["pulled tooth", "tooth extraction", "extraction"]
[[group]]
terms = ["pee", "urine", "urination"]
[[group]]
terms = ["the runs", "diarrhoea", "diarrhea"]
"#;

    fn stems(text: &str) -> Vec<String> {
        text::words(text).iter().map(|w| text::stem(w)).collect()
    }

    #[test]
    fn multi_word_terms_match_as_phrases() {
        let syn = Synonyms::parse(GROUPS).unwrap();
        let q = stems("it hurts to pee after my pulled tooth");
        let found = syn.find(&q);
        assert_eq!(found.len(), 2);
        assert_eq!(syn.group(found[0].group)[1], ["urin"]);
        assert_eq!(found[1].span.len(), 2, "\"pulled tooth\" is one match");
    }

    #[test]
    fn stop_words_inside_a_term_still_count() {
        let syn = Synonyms::parse(GROUPS).unwrap();
        assert!(syn.find(&stems("knee pain when running")).is_empty());
        assert_eq!(syn.find(&stems("I have the runs")).len(), 1);
    }

    #[test]
    fn malformed_file_reports_a_line() {
        let (line, _) = Synonyms::parse("[[group]]\nterms = [\"a\",\n").unwrap_err();
        assert!(line.is_some());
    }
}
