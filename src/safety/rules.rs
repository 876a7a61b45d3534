//! Compiled red-flag rules, read from `content/red-flags.toml` with every problem reported by
//! line, for `healthbot check-content`.
//!
//! A term is a space-separated list of pieces: a plain word matches by stem ("bleeding"
//! matches "bleeds"), `=word` only that exact word ("=fitting" but not "fit"), `word*` words
//! starting with `word`, `word~` also a one-letter slip in it ("siezure"), `_` any one word
//! and `@name` any term of another concept or measure.

use std::collections::HashMap;

use super::RedFlag;
use super::compile::Compiler;
use super::measures::Measure;
use super::schema::File;

/// Words a rule may span when the file does not say.
pub const DEFAULT_WITHIN: usize = 10;
/// Shortest word that may carry `~` (a one-letter slip in a shorter word is another word).
pub const MIN_FUZZY_LEN: usize = 5;

/// A problem in the rules file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RulesError {
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
}

/// One piece of a term.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    Stem(String),
    Exact(String),
    Prefix(String),
    Fuzzy(String),
    Ref(usize),
    Any,
}

pub(super) type Term = Vec<Piece>;

/// Terms indexed by the stem they start with, so a word is tried only against terms that can
/// start there.
#[derive(Debug, Clone, Default)]
pub(super) struct TermSet {
    pub terms: Vec<Term>,
    by_stem: HashMap<String, Vec<usize>>,
    /// Terms that start with anything but a plain stem.
    rest: Vec<usize>,
}

impl TermSet {
    pub fn new(terms: Vec<Term>) -> Self {
        let mut set = Self::default();
        for (i, term) in terms.iter().enumerate() {
            match term.first() {
                Some(Piece::Stem(stem)) => set.by_stem.entry(stem.clone()).or_default().push(i),
                _ => set.rest.push(i),
            }
        }
        set.terms = terms;
        set
    }

    /// The terms that may match a word with this stem.
    pub fn starting_at<'s>(&'s self, stem: &str) -> impl Iterator<Item = &'s Term> {
        let by_stem = self.by_stem.get(stem).map_or(&[][..], Vec::as_slice);
        by_stem.iter().chain(&self.rest).map(|&i| &self.terms[i])
    }
}

/// What a concept matches: terms minus exceptions, or a measure.
#[derive(Debug, Clone)]
pub(super) enum Body {
    Terms { terms: TermSet, except: TermSet },
    Measure(Measure),
}

/// Negation cues and how far they reach.
#[derive(Debug, Clone)]
pub(super) struct Negation {
    pub cues: Vec<Term>,
    /// Stems of the one-word cues, which a `_` in a term never stands for.
    pub words: Vec<String>,
    pub breaks: Vec<Term>,
    pub not_before: Vec<String>,
    pub reach: usize,
}

/// Cues near a match that change how it reads ("signs of", "last year", "right now").
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub cues: usize,
    pub before: usize,
    pub after: usize,
    /// Whether a present-tense cue nearby cancels this frame.
    pub now_overrides: bool,
    /// Flags this frame never sets aside.
    pub spares: Vec<RedFlag>,
    /// Whether it frames only rules that name a condition ("a stroke").
    pub named_only: bool,
}

/// One rule: every concept in `all` within `within` words, none of `unless` nearby.
#[derive(Debug, Clone)]
pub(super) struct Rule {
    pub all: Vec<usize>,
    pub within: usize,
    pub unless: Vec<usize>,
    /// Whether the rule matches the name of a condition rather than a description of it.
    pub named: bool,
}

/// One flag's rules, advice and first-aid article.
#[derive(Debug, Clone)]
pub(super) struct FlagRules {
    pub flag: RedFlag,
    pub article: Option<String>,
    pub advice: String,
    pub rules: Vec<Rule>,
}

/// Compiled red-flag rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(super) concepts: Vec<Body>,
    /// Concepts in an order where each comes after every concept it refers to.
    pub(super) order: Vec<usize>,
    pub(super) negation: Negation,
    pub(super) present: Frame,
    pub(super) frames: Vec<Frame>,
    /// In order of urgency, most urgent first.
    pub(super) flags: Vec<FlagRules>,
    pub(super) supportive: Vec<String>,
}

impl Rules {
    /// Parses and checks the text of a rules file.
    ///
    /// # Errors
    /// Returns the first problem found, with its line.
    pub fn parse(text: &str) -> Result<Self, RulesError> {
        let file: File = toml::from_str(text).map_err(|e| RulesError {
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        Compiler::new(text, &file)?.compile(file)
    }

    /// Number of rules over all flags.
    pub fn rule_count(&self) -> usize {
        self.flags.iter().map(|f| f.rules.len()).sum()
    }

    /// Slugs a crisis reply may suggest, in order of preference.
    pub fn supportive(&self) -> &[String] {
        &self.supportive
    }
}

/// The 1-based line of a byte offset in `text`.
pub(super) fn line_of(text: &str, byte: usize) -> usize {
    1 + text[..byte.min(text.len())].matches('\n').count()
}
