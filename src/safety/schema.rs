//! The shape of `content/red-flags.toml` as serde reads it, with the position of every value
//! kept so that problems can name their line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub supportive: Vec<Spanned<String>>,
    pub negation: NegationFile,
    pub present: FrameFile,
    #[serde(default)]
    pub frame: Vec<FrameFile>,
    #[serde(default)]
    pub measures: BTreeMap<String, Spanned<BTreeMap<String, toml::Value>>>,
    pub concepts: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub except: BTreeMap<String, Vec<Spanned<String>>>,
    pub flag: Vec<FlagFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NegationFile {
    pub cues: Vec<Spanned<String>>,
    pub reach: usize,
    #[serde(default)]
    pub not_before: Vec<Spanned<String>>,
    #[serde(default)]
    pub breaks: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FrameFile {
    #[serde(default)]
    #[expect(dead_code, reason = "a label for readers of the file")]
    pub kind: String,
    pub cues: Spanned<String>,
    pub before: usize,
    pub after: usize,
    #[serde(default = "yes")]
    pub now_overrides: bool,
    #[serde(default)]
    pub named_only: bool,
    #[serde(default)]
    pub spares: Vec<Spanned<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FlagFile {
    pub id: Spanned<String>,
    pub article: Option<Spanned<String>>,
    pub advice: Spanned<String>,
    pub rules: Vec<RuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    pub all: Vec<Spanned<String>>,
    pub within: Option<usize>,
    #[serde(default)]
    pub unless: Vec<Spanned<String>>,
    #[serde(default)]
    pub named: bool,
}
