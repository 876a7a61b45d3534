//! Red-flag detection: questions that describe a possible emergency get emergency advice
//! before anything else, and crisis messages get the crisis line and only supportive reading.
//!
//! The rules are data a clinician can read and change: `content/red-flags.toml` names
//! concepts (word lists with stems, such as *chest* or *tight*), rules that fire when concepts
//! fall within a few words of each other, numeric measures (a baby's age, a temperature, how
//! long a fit lasts, how many pills), negation ("no fever"), framing ("signs of a stroke",
//! "last year"), each flag's advice and its first-aid article. Recall comes before precision:
//! a false alarm costs one extra paragraph, a miss could cost far more.
//!
//! - `tokens`: the words of a message, contractions spelled out.
//! - `measures`: ages, temperatures, durations and counts read from those words.
//! - `schema`, `compile` and `rules`: the rules file, its validation and compiled form.
//! - `matcher`: the rules applied to one message.

mod compile;
mod matcher;
mod measures;
mod rules;
mod schema;
#[cfg(test)]
mod tests;
mod tokens;

use std::fmt;
use std::sync::{Arc, OnceLock};

pub use matcher::Firing;
pub use rules::{Rules, RulesError};

/// The rules file's name inside CONTENT_DIR.
pub const RULES_FILE: &str = "red-flags.toml";
/// The rules that ship with the binary, used when the content folder has none.
pub const BUNDLED_RULES: &str = include_str!("../content/red-flags.toml");
/// Most advice paragraphs shown for one message, most urgent first.
pub const MAX_ADVICE: usize = 3;

/// A kind of emergency the bot recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RedFlag {
    HeartAttack,
    Stroke,
    Collapse,
    Breathing,
    Choking,
    Anaphylaxis,
    SevereBleeding,
    Poisoning,
    Seizure,
    Meningitis,
    SuddenHeadache,
    HeadInjury,
    BabyFever,
    BabyUnwell,
    Sepsis,
    /// Suicidal thoughts or self-harm.
    Crisis,
}

impl RedFlag {
    /// Every flag.
    pub const ALL: [Self; 16] = [
        Self::HeartAttack,
        Self::Stroke,
        Self::Collapse,
        Self::Breathing,
        Self::Choking,
        Self::Anaphylaxis,
        Self::SevereBleeding,
        Self::Poisoning,
        Self::Seizure,
        Self::Meningitis,
        Self::SuddenHeadache,
        Self::HeadInjury,
        Self::BabyFever,
        Self::BabyUnwell,
        Self::Sepsis,
        Self::Crisis,
    ];

    /// The snake_case id used in the rules file, the test corpus and `/stats`.
    pub fn id(self) -> &'static str {
        match self {
            Self::HeartAttack => "heart_attack",
            Self::Stroke => "stroke",
            Self::Collapse => "collapse",
            Self::Breathing => "breathing",
            Self::Choking => "choking",
            Self::Anaphylaxis => "anaphylaxis",
            Self::SevereBleeding => "severe_bleeding",
            Self::Poisoning => "poisoning",
            Self::Seizure => "seizure",
            Self::Meningitis => "meningitis",
            Self::SuddenHeadache => "sudden_headache",
            Self::HeadInjury => "head_injury",
            Self::BabyFever => "baby_fever",
            Self::BabyUnwell => "baby_unwell",
            Self::Sepsis => "sepsis",
            Self::Crisis => "crisis",
        }
    }

    /// The flag with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.id() == id)
    }
}

impl fmt::Display for RedFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Emergency advice for one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emergency {
    /// Every flag found, most urgent first.
    pub flags: Vec<RedFlag>,
    /// Plain text to show before any article: one paragraph per flag, most urgent first.
    pub advice: String,
    /// The first-aid article for the most urgent flag that has one.
    pub first_aid: Option<String>,
    /// Whether the message speaks of suicide or self-harm: the reply then suggests only
    /// supportive articles and asks for no feedback.
    pub crisis: bool,
}

/// The red-flag rules and the numbers emergency advice points to.
#[derive(Debug, Clone)]
pub struct Safety {
    rules: Arc<Rules>,
    emergency_number: String,
    crisis_line: String,
}

impl Safety {
    /// Creates a checker over the bundled rules whose advice names these numbers.
    pub fn new(emergency_number: impl Into<String>, crisis_line: impl Into<String>) -> Self {
        Self::with_rules(bundled(), emergency_number, crisis_line)
    }

    /// Creates a checker over `rules`.
    pub fn with_rules(
        rules: Arc<Rules>,
        emergency_number: impl Into<String>,
        crisis_line: impl Into<String>,
    ) -> Self {
        Self {
            rules,
            emergency_number: emergency_number.into(),
            crisis_line: crisis_line.into(),
        }
    }

    /// Finds every red flag in `question`, most urgent first.
    pub fn flags(&self, question: &str) -> Vec<RedFlag> {
        let fired: Vec<RedFlag> = matcher::firings(&self.rules, question)
            .into_iter()
            .filter(|f| !f.framed)
            .map(|f| f.flag)
            .collect();
        let urgency = self.rules.flags.iter().map(|f| f.flag);
        urgency.filter(|f| fired.contains(f)).collect()
    }

    /// Every rule that fired on `question`, framed or not: what a clinician tuning the rules
    /// wants to see.
    pub fn firings(&self, question: &str) -> Vec<Firing> {
        matcher::firings(&self.rules, question)
    }

    /// Emergency advice for `question`, or `None` when nothing suggests an emergency.
    pub fn check(&self, question: &str) -> Option<Emergency> {
        let flags = self.flags(question);
        if flags.is_empty() {
            return None;
        }
        let entries: Vec<_> = flags
            .iter()
            .filter_map(|f| self.rules.flags.iter().find(|r| r.flag == *f))
            .collect();
        let mut paragraphs: Vec<String> = Vec::new();
        for entry in entries.iter().take(MAX_ADVICE) {
            let text = entry
                .advice
                .replace("{emergency}", &self.emergency_number)
                .replace("{crisis_line}", &self.crisis_line);
            if !paragraphs.contains(&text) {
                paragraphs.push(text);
            }
        }
        Some(Emergency {
            first_aid: entries.iter().find_map(|e| e.article.clone()),
            crisis: flags.contains(&RedFlag::Crisis),
            advice: paragraphs.join("\n\n"),
            flags,
        })
    }

    /// Slugs a crisis reply may suggest, in order of preference.
    pub fn supportive(&self) -> &[String] {
        self.rules.supportive()
    }

    /// The first-aid article mapped to `flag`, if any.
    pub fn first_aid(&self, flag: RedFlag) -> Option<&str> {
        let entry = self.rules.flags.iter().find(|r| r.flag == flag)?;
        entry.article.as_deref()
    }
}

/// The bundled rules, parsed once.
pub fn bundled() -> Arc<Rules> {
    static BUNDLED: OnceLock<Arc<Rules>> = OnceLock::new();
    BUNDLED
        .get_or_init(|| {
            // The bundled file is checked by the unit tests and `check-content`.
            Arc::new(Rules::parse(BUNDLED_RULES).expect("the bundled red-flags.toml is valid"))
        })
        .clone()
}
