//! The lines of an export (and import) file that carry what admins taught from Telegram,
//! after the article lines:
//!
//! - `{"phrasing": "my toe is on fire", "slug": "gout"}`: the phrasing belongs to `gout`;
//!   `"slug": null` takes a phrasing away from the article that ships with it.
//! - `{"off_topic": "how do i fix my bike"}`: a known off-topic example.
//!
//! An import adds or moves these; it never forgets ones the file does not mention.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::LineProblem;
use super::teach::clean_phrasing;
use crate::content::phrasing_key;
use crate::store::{Taught, TeachChange};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhrasingLine {
    phrasing: String,
    #[serde(default)]
    slug: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OffTopicLine {
    off_topic: String,
}

/// A taught phrasing or off-topic example read from an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaughtLine {
    Phrasing {
        line: usize,
        text: String,
        slug: Option<String>,
    },
    OffTopic {
        line: usize,
        text: String,
    },
}

/// What the taught lines of an import change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaughtPlan {
    pub changes: Vec<TeachChange>,
    /// Phrasings added or moved.
    pub phrasings: usize,
    /// Off-topic examples added.
    pub off_topic: usize,
}

/// Reads a `.jsonl` line as a taught record; `None` when it is an article line.
pub(super) fn parse(value: &serde_json::Value, line: usize) -> Option<Result<TaughtLine, String>> {
    let object = value.as_object()?;
    if object.contains_key("phrasing") {
        Some(
            PhrasingLine::deserialize(value)
                .map(|p| TaughtLine::Phrasing {
                    line,
                    text: p.phrasing,
                    slug: p.slug,
                })
                .map_err(|e| e.to_string()),
        )
    } else if object.contains_key("off_topic") {
        Some(
            OffTopicLine::deserialize(value)
                .map(|o| TaughtLine::OffTopic {
                    line,
                    text: o.off_topic,
                })
                .map_err(|e| e.to_string()),
        )
    } else {
        None
    }
}

/// The taught lines of an export: phrasings by key, then off-topic examples oldest first.
pub(super) fn export(taught: &Taught) -> Vec<u8> {
    let mut phrasings: Vec<(&String, _)> = taught.phrasings.iter().collect();
    phrasings.sort_by(|a, b| a.0.cmp(b.0));
    let lines = phrasings
        .into_iter()
        .map(|(_, p)| {
            serde_json::to_vec(&PhrasingLine {
                phrasing: p.text.clone(),
                slug: p.slug.clone(),
            })
        })
        .chain(taught.off_topic.iter().map(|o| {
            serde_json::to_vec(&OffTopicLine {
                off_topic: o.text.clone(),
            })
        }));
    let mut out = Vec::new();
    // Plain structs of strings always serialise.
    for line in lines.flatten() {
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    out
}

/// Checks taught lines against the articles there will be after the import (`slugs`) and
/// what is taught already; returns the changes to write, or every problem with its line.
///
/// Text is masked as a question from a user would be, so nothing identifying is stored.
pub(super) fn plan(
    lines: Vec<TaughtLine>,
    slugs: &HashSet<String>,
    taught: &Taught,
) -> Result<TaughtPlan, Vec<LineProblem>> {
    let mut plan = TaughtPlan::default();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let known_off_topic: HashSet<String> = taught
        .off_topic
        .iter()
        .map(|o| phrasing_key(&o.text))
        .collect();
    for record in lines {
        let (line, raw) = match &record {
            TaughtLine::Phrasing { line, text, .. } | TaughtLine::OffTopic { line, text } => {
                (*line, text)
            }
        };
        let mut problem = |reason: String| problems.push(LineProblem { line, reason });
        let text = match clean_phrasing(raw) {
            Ok(text) => text,
            Err(reason) => {
                problem(reason);
                continue;
            }
        };
        let key = phrasing_key(&text);
        if let Some(first) = seen.insert(key.clone(), line) {
            problem(format!("{text:?} already appears on line {first}"));
            continue;
        }
        match record {
            TaughtLine::Phrasing { slug, .. } => {
                let slug = slug.map(|s| s.trim().to_owned());
                if let Some(s) = slug.as_ref().filter(|s| !slugs.contains(*s)) {
                    problem(format!("there is no article with the slug `{s}`"));
                    continue;
                }
                let same = taught.phrasings.get(&key).is_some_and(|t| t.slug == slug);
                if !same {
                    plan.phrasings += 1;
                    plan.changes.push(TeachChange::Phrasing { text, slug });
                }
            }
            TaughtLine::OffTopic { .. } => {
                if !known_off_topic.contains(&key) {
                    plan.off_topic += 1;
                    plan.changes.push(TeachChange::OffTopic(text));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<TaughtLine> {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                let value: serde_json::Value = serde_json::from_str(l).unwrap();
                parse(&value, i + 1).unwrap().unwrap()
            })
            .collect()
    }

    #[test]
    fn taught_lines_round_trip_through_export() {
        let store = crate::store::Store::temporary().unwrap();
        let file = "{\"phrasing\":\"my toe is on fire\",\"slug\":\"gout\"}\n\
                    {\"phrasing\":\"red bumps\",\"slug\":null}\n\
                    {\"off_topic\":\"how do i fix my bike\"}\n";
        let slugs: HashSet<String> = ["gout".to_owned()].into();
        let plan = plan(lines(file), &slugs, &Taught::default()).unwrap();
        assert_eq!((plan.phrasings, plan.off_topic), (2, 1));
        let audit = crate::library::Actor {
            id: 1,
            name: "Ann".into(),
        }
        .audit("import".into());
        store.apply_admin_batch(&[], &plan.changes, &audit).unwrap();
        let exported = export(&store.taught().unwrap());
        let again = super::plan(
            lines(std::str::from_utf8(&exported).unwrap()),
            &slugs,
            &store.taught().unwrap(),
        )
        .unwrap();
        assert_eq!(again, TaughtPlan::default(), "nothing new the second time");
    }

    #[test]
    fn bad_taught_lines_are_named_and_contacts_are_masked() {
        let long = "x".repeat(201);
        let file = format!(
            "{{\"phrasing\":\"call 07700 900123 about gout\",\"slug\":\"gout\"}}\n\
             {{\"phrasing\":\"{long}\",\"slug\":\"gout\"}}\n\
             {{\"phrasing\":\"sore eyes\",\"slug\":\"nope\"}}\n\
             {{\"off_topic\":\"Call 07700 900123 about GOUT!\"}}\n"
        );
        let slugs: HashSet<String> = ["gout".to_owned()].into();
        let problems = plan(lines(&file), &slugs, &Taught::default()).unwrap_err();
        let found: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(found, [2, 3, 4], "{problems:?}");
        assert!(problems[0].reason.contains("limit is 200"), "{problems:?}");
        assert!(problems[1].reason.contains("`nope`"), "{problems:?}");
        let first = lines(&file).into_iter().take(1).collect();
        let masked = plan(first, &slugs, &Taught::default()).unwrap();
        assert_eq!(
            masked.changes,
            [TeachChange::Phrasing {
                text: "call [number] [number] about gout".into(),
                slug: Some("gout".into())
            }]
        );
    }
}
