//! The red-flag rules in `content/red-flags.toml` against phrasings written by people who never
//! saw them (`tests/data/emergencies/`): every emergency must be flagged, few look-alikes may
//! be, and harmless filler, casing or punctuation must never hide an emergency.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use healthbot::safety::{RedFlag, Safety};
use proptest::prelude::*;
use serde::Deserialize;

/// Highest share of look-alikes that may be flagged.
const MAX_FALSE_ALARM_RATE: f64 = 0.05;
/// The corpus halves, each written by a different writer.
const HALVES: &[&str] = &["a.toml", "b.toml"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    emergency: Vec<Emergency>,
    lookalike: Vec<Lookalike>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Emergency {
    text: String,
    flag: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lookalike {
    text: String,
    near: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

/// The rules as shipped in `content/`, read at run time so edits need no rebuild.
fn safety() -> &'static Safety {
    static SAFETY: OnceLock<Safety> = OnceLock::new();
    SAFETY.get_or_init(|| {
        let bundle = healthbot::content::load_dir(&root().join("content"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        Safety::with_rules(bundle.red_flags, "112", "a crisis line")
    })
}

fn corpus() -> &'static [(String, Corpus)] {
    static CORPUS: OnceLock<Vec<(String, Corpus)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        HALVES
            .iter()
            .map(|name| {
                let path = root().join("tests/data/emergencies").join(name);
                let text = std::fs::read_to_string(&path).unwrap();
                ((*name).to_owned(), toml::from_str(&text).unwrap())
            })
            .collect()
    })
}

/// A line explaining what fired on `text`, for failure messages.
fn explain(text: &str) -> String {
    let firings: Vec<String> = safety()
        .firings(text)
        .iter()
        .map(|f| {
            format!(
                "{}{} [{}]",
                if f.framed { "set aside " } else { "" },
                f.flag,
                f.words
            )
        })
        .collect();
    format!("{text:?}\n      fired: {}", firings.join("; "))
}

#[test]
fn corpus_flags_are_known_flags() {
    for (name, c) in corpus() {
        let ids = c
            .emergency
            .iter()
            .map(|e| &e.flag)
            .chain(c.lookalike.iter().map(|l| &l.near));
        for id in ids {
            assert!(
                RedFlag::from_id(id).is_some(),
                "{name}: unknown flag {id:?}"
            );
        }
    }
}

#[test]
fn every_emergency_in_the_corpus_is_flagged() {
    let mut missed = Vec::new();
    for (name, c) in corpus() {
        let (mut caught, mut expected, mut first) = (0, 0, 0);
        for e in &c.emergency {
            let flags = safety().flags(&e.text);
            if flags.is_empty() {
                missed.push(format!("{name} {}: {}", e.flag, explain(&e.text)));
                continue;
            }
            caught += 1;
            let want = RedFlag::from_id(&e.flag);
            expected += usize::from(flags.iter().any(|f| Some(*f) == want));
            first += usize::from(flags.first().copied() == want);
        }
        let n = c.emergency.len();
        eprintln!(
            "{name}: recall {caught}/{n}; expected flag among those found {expected}/{n}, \
             most urgent {first}/{n}"
        );
    }
    assert!(
        missed.is_empty(),
        "missed emergencies:\n{}",
        missed.join("\n")
    );
}

#[test]
fn lookalikes_rarely_raise_false_alarms() {
    let mut failures = Vec::new();
    for (name, c) in corpus() {
        let alarms: Vec<String> = c
            .lookalike
            .iter()
            .filter(|l| !safety().flags(&l.text).is_empty())
            .map(|l| format!("{name} near {}: {}", l.near, explain(&l.text)))
            .collect();
        let rate = alarms.len() as f64 / c.lookalike.len() as f64;
        eprintln!(
            "{name}: false alarms {}/{}",
            alarms.len(),
            c.lookalike.len()
        );
        for a in &alarms {
            eprintln!("  {a}");
        }
        if rate > MAX_FALSE_ALARM_RATE {
            failures.extend(alarms);
        }
    }
    assert!(
        failures.is_empty(),
        "too many false alarms:\n{}",
        failures.join("\n")
    );
}

/// Harmless words people add around a question.
const FILLER: &[&str] = &[
    "hi,",
    "hello",
    "please help",
    "!!!",
    "sorry to bother you",
    "urgent",
    "help me please",
    "um",
    "quick question",
    "thanks",
    "?",
    "...",
    "hi there, sorry to bother you.",
];

fn flagged_emergencies() -> &'static [&'static str] {
    static FLAGGED: OnceLock<Vec<&'static str>> = OnceLock::new();
    FLAGGED.get_or_init(|| {
        corpus()
            .iter()
            .flat_map(|(_, c)| &c.emergency)
            .map(|e| e.text.as_str())
            .filter(|t| !safety().flags(t).is_empty())
            .collect()
    })
}

/// Rewrites `text` with random casing and punctuation: each letter's case flipped by the
/// bits of `case_bits`, and punctuation (never inside a number) dropped, doubled or swapped.
fn scramble(text: &str, case_bits: u64, punct_bits: u64) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let bit = |bits: u64| bits.rotate_left(i as u32) & 1 == 1;
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_alphabetic() {
            let flipped = if bit(case_bits) {
                c.to_uppercase().next()
            } else {
                c.to_lowercase().next()
            };
            out.push(flipped.unwrap_or(c));
        } else if ".,!?;:'’-".contains(c) && !between_digits {
            match (bit(punct_bits), bit(punct_bits >> 1)) {
                (true, true) => {}
                (true, false) => out.extend([c, c]),
                (false, true) => out.push(if c == '.' { '!' } else { '.' }),
                (false, false) => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn filler_casing_and_punctuation_never_unflag_an_emergency(
        pick in any::<prop::sample::Index>(),
        before in prop::option::of(prop::sample::select(FILLER)),
        after in prop::option::of(prop::sample::select(FILLER)),
        case_bits in any::<u64>(),
        punct_bits in any::<u64>(),
    ) {
        let texts = flagged_emergencies();
        let text = texts[pick.index(texts.len())];
        let mut changed = scramble(text, case_bits, punct_bits);
        if let Some(b) = before {
            changed = format!("{b} {changed}");
        }
        if let Some(a) = after {
            changed = format!("{changed} {a}");
        }
        prop_assert!(!safety().flags(&changed).is_empty(), "{}", explain(&changed));
    }
}
