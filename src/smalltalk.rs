//! Small talk: greetings, thanks, "who are you" and "are you a doctor" get a short friendly
//! reply from `content/small-talk.toml` instead of an article search.
//!
//! A message is small talk only when *every* word of it belongs to small-talk phrases, so
//! "hi, my throat hurts" is still a health question. Checked after the emergency rules, so
//! "hi, I want to die" is never answered with a greeting.

use serde::Deserialize;

use crate::text;

/// The small-talk replies that ship with the binary, used when the content folder has none.
pub const BUNDLED: &str = include_str!("../content/small-talk.toml");

/// One kind of small talk and its reply.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    pub name: String,
    /// Phrases of this kind, in any case and punctuation ("thank you", "who made you").
    pub phrases: Vec<String>,
    /// The reply, plain text.
    pub reply: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Words that may pad any small-talk message ("there", "so", "bot").
    #[serde(default)]
    filler: Vec<String>,
    #[serde(default)]
    kind: Vec<Kind>,
}

/// The parsed small-talk file.
#[derive(Debug, Clone, Default)]
pub struct SmallTalk {
    kinds: Vec<Kind>,
    /// Each phrase as words, with the index of its kind; longest first.
    phrases: Vec<(Vec<String>, usize)>,
    filler: Vec<String>,
}

/// A recognised small-talk message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub kind: String,
    pub text: String,
}

impl SmallTalk {
    /// The bundled replies (`content/small-talk.toml`, compiled in).
    pub fn bundled() -> Self {
        // The bundled file is checked by a unit test, so this cannot fail in a release.
        Self::parse(BUNDLED).unwrap_or_else(|(_, e)| panic!("bundled small-talk.toml: {e}"))
    }

    /// Parses `small-talk.toml`.
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
        let mut phrases = Vec::new();
        for (i, kind) in file.kind.iter().enumerate() {
            if kind.reply.trim().is_empty() {
                return Err((None, format!("kind {:?} has an empty reply", kind.name)));
            }
            for p in &kind.phrases {
                let words = text::words(p);
                if words.is_empty() {
                    return Err((
                        None,
                        format!("kind {:?}: phrase {p:?} has no words", kind.name),
                    ));
                }
                phrases.push((words, i));
            }
        }
        // Longest phrases first, so "thank you" wins over "you" in another kind.
        phrases.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let filler = file.filler.iter().flat_map(|f| text::words(f)).collect();
        Ok(Self {
            kinds: file.kind,
            phrases,
            filler,
        })
    }

    /// The reply for `message` when it is nothing but small talk. The first phrase of the
    /// message decides the kind, so "hi, who are you" is answered as a greeting.
    pub fn reply(&self, message: &str) -> Option<Reply> {
        let words = text::words(message);
        let mut first: Option<usize> = None;
        let mut i = 0;
        while i < words.len() {
            // Phrases before filler: "i need a doctor" starts with the filler word "i".
            match self.phrases.iter().find(|(p, _)| words[i..].starts_with(p)) {
                Some((p, kind)) => {
                    first.get_or_insert(*kind);
                    i += p.len();
                }
                None if self.filler.contains(&words[i]) => i += 1,
                None => return None,
            }
        }
        let kind = &self.kinds[first?];
        Some(Reply {
            kind: kind.name.clone(),
            text: kind.reply.clone(),
        })
    }

    /// Number of kinds.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether there are no kinds.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk() -> SmallTalk {
        SmallTalk::bundled()
    }

    #[test]
    fn greetings_thanks_and_identity_questions_are_small_talk() {
        let t = talk();
        for (msg, kind) in [
            ("hi", "greeting"),
            ("Hello there!", "greeting"),
            ("good morning :)", "greeting"),
            ("thanks!!", "thanks"),
            ("thank you so much", "thanks"),
            ("who are you?", "identity"),
            ("are you a real doctor", "doctor"),
            ("can I talk to a real doctor", "doctor"),
            ("i need a doctor", "doctor"),
            ("thanks thats really helpful", "thanks"),
        ] {
            assert_eq!(t.reply(msg).map(|r| r.kind), Some(kind.to_owned()), "{msg}");
        }
    }

    #[test]
    fn a_greeting_with_a_question_is_not_small_talk() {
        let t = talk();
        for msg in [
            "hi, my throat hurts",
            "thanks, and how long does a cold last",
            "doctor",
            "",
        ] {
            assert_eq!(t.reply(msg), None, "{msg}");
        }
    }
}
