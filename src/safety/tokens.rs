//! Words of a message as the red-flag rules see them: lowercased, accent-folded, contractions
//! spelled out ("can't" and "cant" both become "can not"), stems alongside, and numbers kept
//! whole ("38.5", "101" in "101F").
//!
//! Punctuation only separates words, so adding or removing it never changes what matches.

use crate::text;

/// One word of a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The word, lowercased and accent-folded.
    pub raw: String,
    /// Its English stem, as the search index would store it.
    pub stem: String,
    /// The value when the word is a number written in digits.
    pub number: Option<f64>,
}

impl Token {
    fn word(raw: &str) -> Self {
        Self {
            raw: raw.to_owned(),
            stem: text::stem(raw),
            number: None,
        }
    }
}

/// Contractions written without their apostrophe, and what they stand for.
const BARE_CONTRACTIONS: &[(&str, &str, &str)] = &[
    ("aint", "is", "not"),
    ("arent", "are", "not"),
    ("cannot", "can", "not"),
    ("cant", "can", "not"),
    ("couldnt", "could", "not"),
    ("didnt", "did", "not"),
    ("doesnt", "does", "not"),
    ("dont", "do", "not"),
    ("dosent", "does", "not"),
    ("dosnt", "does", "not"),
    ("hadnt", "had", "not"),
    ("hasnt", "has", "not"),
    ("havent", "have", "not"),
    ("isnt", "is", "not"),
    ("shouldnt", "should", "not"),
    ("wasnt", "was", "not"),
    ("werent", "were", "not"),
    ("wont", "will", "not"),
    ("wouldnt", "would", "not"),
];

/// The word before a split-off "n't" ("don" + "t"), and what it stands for.
const SPLIT_CONTRACTIONS: &[(&str, &str)] = &[
    ("ain", "is"),
    ("aren", "are"),
    ("can", "can"),
    ("couldn", "could"),
    ("didn", "did"),
    ("doesn", "does"),
    ("don", "do"),
    ("hadn", "had"),
    ("hasn", "has"),
    ("haven", "have"),
    ("isn", "is"),
    ("mustn", "must"),
    ("needn", "need"),
    ("shouldn", "should"),
    ("wasn", "was"),
    ("weren", "were"),
    ("won", "will"),
    ("wouldn", "would"),
];

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for chunk in chunks(text) {
        if let Some(value) = parse_number(&chunk) {
            out.push(Token {
                raw: chunk.clone(),
                stem: chunk,
                number: Some(value),
            });
            continue;
        }
        for word in text::words(&chunk) {
            push_word(&mut out, &word);
        }
    }
    out
}

fn push_word(out: &mut Vec<Token>, word: &str) {
    if let Some((_, base, not)) = BARE_CONTRACTIONS.iter().find(|(w, _, _)| *w == word) {
        out.push(Token::word(base));
        out.push(Token::word(not));
        return;
    }
    if word == "t"
        && let Some(prev) = out.last_mut()
        && let Some((_, base)) = SPLIT_CONTRACTIONS.iter().find(|(w, _)| *w == prev.raw)
    {
        *prev = Token::word(base);
        out.push(Token::word("not"));
        return;
    }
    out.push(Token::word(word));
}

/// Runs of letters, and runs of digits (with a decimal point between digits); a letter run
/// and a digit run touching each other ("101f", "10mins") are separate chunks.
fn chunks(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut digits = false;
    for (i, &c) in chars.iter().enumerate() {
        let is_digit = c.is_ascii_digit();
        let decimal_point = (c == '.' || c == ',')
            && digits
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && !current.contains('.');
        if decimal_point {
            current.push('.');
        } else if c.is_alphanumeric() {
            if !current.is_empty() && is_digit != digits {
                out.push(std::mem::take(&mut current));
            }
            digits = is_digit;
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn parse_number(chunk: &str) -> Option<f64> {
    if !chunk.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    chunk.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.raw).collect()
    }

    #[test]
    fn contractions_with_or_without_apostrophes_spell_out_not() {
        assert_eq!(raw("can't breathe"), ["can", "not", "breathe"]);
        assert_eq!(raw("CANT breathe"), ["can", "not", "breathe"]);
        assert_eq!(raw("he won’t wake"), ["he", "will", "not", "wake"]);
        assert_eq!(raw("doesnt fade"), ["does", "not", "fade"]);
    }

    #[test]
    fn numbers_stay_whole_and_units_split_off() {
        let t = tokenize("temp 38.5, then 101F and 39,2 for 10mins");
        let numbers: Vec<f64> = t.iter().filter_map(|t| t.number).collect();
        assert_eq!(numbers, [38.5, 101.0, 39.2, 10.0]);
        assert_eq!(raw("101F 10mins"), ["101", "f", "10", "mins"]);
        assert_eq!(raw("2-month-old"), ["2", "month", "old"]);
    }

    #[test]
    fn punctuation_only_separates_words() {
        assert_eq!(raw("face... droopy!!!"), raw("face droopy"));
    }
}
