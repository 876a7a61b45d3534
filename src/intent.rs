//! Question intent: what kind of answer a question wants ("how do I treat", "when should I
//! worry", "how long"...), from the cue phrases in `content/intents.toml`, and which section
//! roles answer it. Also the words left once the cues are gone, which tell a follow-up
//! question ("how long does it last?") from one with a topic of its own.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::content::parse_toml;
use crate::text;

/// The cues that ship with the binary, used when the content folder has none.
pub const BUNDLED: &str = include_str!("../content/intents.toml");
/// The data file's name inside a content folder.
pub const FILE: &str = "intents.toml";
/// Most words a lone `*` in a cue stands for.
const MAX_WILDCARD_WORDS: usize = 4;

/// What kind of answer a question wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Treat,
    Worry,
    Duration,
    Causes,
    Symptoms,
    Prevention,
    Contagious,
    WhatIs,
    /// No particular kind: the summary keeps to the words of the question.
    General,
}

impl Intent {
    /// Every intent, `General` last.
    pub const ALL: [Self; 9] = [
        Self::Treat,
        Self::Worry,
        Self::Duration,
        Self::Causes,
        Self::Symptoms,
        Self::Prevention,
        Self::Contagious,
        Self::WhatIs,
        Self::General,
    ];

    /// The intent's name in data files ("treat", "what_is"...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Treat => "treat",
            Self::Worry => "worry",
            Self::Duration => "duration",
            Self::Causes => "causes",
            Self::Symptoms => "symptoms",
            Self::Prevention => "prevention",
            Self::Contagious => "contagious",
            Self::WhatIs => "what_is",
            Self::General => "general",
        }
    }

    /// The intent with this data-file name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.name() == name)
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    intent: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    name: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    hints: Vec<String>,
    cues: Vec<String>,
}

/// One intent's cues, each a sequence of words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cues {
    intent: Intent,
    roles: Vec<String>,
    /// Word stems that mark a sentence answering the intent.
    hints: Vec<String>,
    phrases: Vec<Vec<String>>,
}

/// What a question was found to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub intent: Intent,
    /// The cue that decided it, as written in the data file.
    pub cue: Option<String>,
    /// The question's words that are neither a cue of any intent nor a stop word: its topic.
    pub topic: Vec<String>,
}

/// The parsed cues, in file order: the first intent with a matching cue wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntentRules {
    rules: Vec<Cues>,
}

impl Default for IntentRules {
    fn default() -> Self {
        Self::bundled()
    }
}

impl IntentRules {
    /// The bundled cues (`content/intents.toml`, compiled in).
    pub fn bundled() -> Self {
        // The bundled file is checked by a unit test, so this cannot fail in a release.
        Self::parse(BUNDLED).unwrap_or_else(|(_, e)| panic!("bundled intents.toml: {e}"))
    }

    /// Parses `intents.toml`: `[[intent]]` tables with a `name`, `roles` and `cues`.
    ///
    /// # Errors
    /// Returns the 1-based line (when known) and what is wrong.
    pub fn parse(text: &str) -> Result<Self, (Option<usize>, String)> {
        let file: File = parse_toml(text)?;
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[intent]]")
            .map(|(i, _)| i + 1)
            .collect();
        let mut rules: Vec<Cues> = Vec::new();
        for (i, rule) in file.intent.into_iter().enumerate() {
            let at = |message: String| (headers.get(i).copied(), message);
            let intent = Intent::from_name(&rule.name)
                .filter(|i| *i != Intent::General)
                .ok_or_else(|| at(format!("{:?} is not an intent with cues", rule.name)))?;
            if rules.iter().any(|r| r.intent == intent) {
                return Err(at(format!("intent {:?} appears twice", rule.name)));
            }
            let phrases: Vec<Vec<String>> = rule.cues.iter().map(|c| words(c)).collect();
            if let Some(k) = phrases.iter().position(|p| p.iter().all(|w| w == "*")) {
                return Err(at(format!(
                    "intent {:?}: the cue {:?} has no words",
                    rule.name, rule.cues[k]
                )));
            }
            rules.push(Cues {
                intent,
                roles: rule.roles,
                hints: rule.hints.iter().map(|h| text::stem(h.trim())).collect(),
                phrases,
            });
        }
        Ok(Self { rules })
    }

    /// The intent of `question` and its topic words.
    pub fn detect(&self, question: &str) -> Detected {
        let words = words(question);
        let mut cue_words = vec![false; words.len()];
        let mut found: Option<(Intent, String)> = None;
        for rule in &self.rules {
            for phrase in &rule.phrases {
                for start in 0..words.len() {
                    if let Some(end) = match_at(phrase, &words[start..]) {
                        // Wildcard words are topic words ("when will my colic stop").
                        mark(phrase, &words[start..start + end], &mut cue_words[start..]);
                        if found.is_none() {
                            found = Some((rule.intent, phrase.join(" ")));
                        }
                    }
                }
            }
        }
        let topic = words
            .iter()
            .zip(&cue_words)
            .filter(|(w, cue)| !**cue && !text::is_stop_word(w) && !PRONOUNS.contains(&w.as_str()))
            .map(|(w, _)| w.clone())
            .collect();
        match found {
            Some((intent, cue)) => Detected {
                intent,
                cue: Some(cue),
                topic,
            },
            None => Detected {
                intent: Intent::General,
                cue: None,
                topic,
            },
        }
    }

    /// Word stems that mark a sentence answering `intent`, for articles with no section
    /// whose role answers it.
    pub fn hints(&self, intent: Intent) -> &[String] {
        self.rules
            .iter()
            .find(|r| r.intent == intent)
            .map_or(&[], |r| r.hints.as_slice())
    }

    /// The section roles that answer `intent`, best first (none for `General`).
    pub fn roles(&self, intent: Intent) -> &[String] {
        self.rules
            .iter()
            .find(|r| r.intent == intent)
            .map_or(&[], |r| r.roles.as_slice())
    }
}

/// Words that point back at an earlier topic, or only say how the asker feels about it,
/// rather than naming one ("is it bad?", "when should I see a doctor then?").
const PRONOUNS: &[&str] = &[
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "they",
    "them",
    "then",
    "one",
    "thing",
    "stuff",
    "doctor",
    "gp",
    "usually",
    "normally",
    "really",
    "still",
    "get",
    "go",
    "take",
    "long",
    "much",
    "many",
    "so",
    "ok",
    "okay",
    "please",
    "thanks",
    "about",
    "bad",
    "worse",
    "better",
    "normal",
    "fine",
    "first",
    "again",
    "now",
    "later",
    "time",
    "best",
    "way",
    "also",
    "anything",
    "something",
    "hmm",
    "and",
    "what",
    "if",
];

/// Lower-cased words, apostrophes dropped ("what's" -> "whats"); `&` and `*` are kept.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\'', '’'], "")
        .split(|c: char| !(c.is_alphanumeric() || c == '&' || c == '*'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many words of `words` the cue `phrase` matches from its start, if it does.
fn match_at(phrase: &[String], words: &[String]) -> Option<usize> {
    let Some((first, rest)) = phrase.split_first() else {
        return Some(0);
    };
    if first == "*" {
        return (1..=MAX_WILDCARD_WORDS.min(words.len()))
            .find_map(|n| match_at(rest, &words[n..]).map(|m| n + m));
    }
    let word = words.first()?;
    let hit = match first.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == first,
    };
    hit.then(|| match_at(rest, &words[1..]).map(|m| m + 1))
        .flatten()
}

/// Marks the words a cue matched, leaving those a lone `*` stood for unmarked.
fn mark(phrase: &[String], matched: &[String], cue_words: &mut [bool]) {
    let fixed: Vec<&str> = phrase
        .iter()
        .filter(|p| *p != "*")
        .map(|p| p.trim_end_matches('*'))
        .collect();
    for (k, word) in matched.iter().enumerate() {
        if fixed.iter().any(|f| word.starts_with(f)) {
            cue_words[k] = true;
        }
    }
}

#[cfg(test)]
mod tests;
