//! Text normalisation shared by indexing, question analysis, summaries and safety checks,
//! and [`clip`], the one way text is shortened for display.
//!
//! Everything that compares words goes through here, so "Bleeding", "bleeds" and "bléeding"
//! meet as the same stem on both the article side and the question side.

use std::cell::RefCell;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// Name under which [`analyzer`] is registered in the search index.
pub const ANALYZER_NAME: &str = "health_en";

/// Words that carry no meaning for matching: function words, question words and the
/// fragments that contractions split into ("what's" -> "what", "s").
///
/// They are dropped on both sides, so "how long should bleeding last" is matched on
/// "bleeding" and "last" alone.
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "actually",
    "after",
    "again",
    "ain",
    "all",
    "already",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "anything",
    "are",
    "aren",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "could",
    "couldn",
    "d",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "dont",
    "each",
    "else",
    "even",
    "ever",
    "every",
    "for",
    "from",
    "get",
    "gets",
    "getting",
    "got",
    "guys",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "he",
    "hello",
    "her",
    "here",
    "hers",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "id",
    "if",
    "im",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "ive",
    "just",
    "keep",
    "keeps",
    "kept",
    "know",
    "lately",
    "ll",
    "m",
    "may",
    "me",
    "might",
    "mine",
    "more",
    "most",
    "much",
    "must",
    "mustn",
    "my",
    "myself",
    "needn",
    "of",
    "ok",
    "okay",
    "on",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "please",
    "re",
    "really",
    "recently",
    "s",
    "shall",
    "she",
    "should",
    "shouldn",
    "since",
    "so",
    "some",
    "someone",
    "something",
    "still",
    "such",
    "t",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "u",
    "until",
    "us",
    "ve",
    "very",
    "was",
    "wasn",
    "we",
    "were",
    "weren",
    "what",
    "whats",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "won",
    "would",
    "wouldn",
    "you",
    "your",
    "yours",
    "yourself",
];

/// Builds the analyzer used for every indexed text field: words, lowercased, accents
/// folded, stop words removed, English (Porter2) stems.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| (*w).to_owned()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

thread_local! {
    // Analyzers need `&mut` to run, so each thread keeps its own instead of cloning per call.
    static WORDS: RefCell<TextAnalyzer> = RefCell::new(word_analyzer());
    static STEMMER: rust_stemmers::Stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
}

/// Splits text into lowercase, accent-folded words, keeping stop words.
pub fn words(text: &str) -> Vec<String> {
    WORDS.with(|a| {
        let mut a = a.borrow_mut();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    })
}

/// Whether `word` (already lowercased) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The English stem of one lowercased word, as the index stores it.
pub fn stem(word: &str) -> String {
    STEMMER.with(|s| s.stem(word).into_owned())
}

/// The stems of all meaningful words in `text`, in order, as the index would see them.
pub fn stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !is_stop_word(w))
        .map(|w| stem(&w))
        .collect()
}

/// `text` cut to at most `max` characters, ending with "…" when it had to be cut. The cut
/// moves back to the last space when that keeps at least two thirds of the room, so words
/// are split only when one is very long (a URL, say), and no `,`, `;` or `:` is left
/// dangling before the ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let Some(room) = max.checked_sub(1) else {
        return String::new();
    };
    let cut: String = text.chars().take(room).collect();
    let head = match cut.rsplit_once(' ') {
        Some((head, _)) if head.chars().count() * 3 >= room * 2 => head,
        _ => cut.as_str(),
    };
    format!("{}…", head.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_at_a_word() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("abcdef", 4), "abc…", "one long word is cut inside");
        assert_eq!(clip("take two tablets, then rest", 20), "take two tablets…");
        assert_eq!(
            clip("the url https://example.org/a/very/long/path", 30),
            "the url https://example.org/a…",
            "a cut at the space would lose most of the text"
        );
        assert_eq!(clip("anything", 0), "");
        assert!(clip(&"word ".repeat(100), 50).chars().count() <= 50);
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "STOP_WORDS must stay sorted"
        );
    }

    #[test]
    fn question_words_are_dropped_and_the_rest_stemmed() {
        assert_eq!(
            stems("How long should bleeding last after a tooth extraction?"),
            ["long", "bleed", "last", "tooth", "extract"]
        );
    }

    #[test]
    fn stems_match_the_index_analyzer() {
        let text = "Bléeding teeth; what's happening with my Kidneys";
        let mut a = analyzer();
        let mut stream = a.token_stream(text);
        let mut indexed = Vec::new();
        while let Some(t) = stream.next() {
            indexed.push(t.text.clone());
        }
        assert_eq!(indexed, stems(text));
    }
}
