//! `tips.toml`: the daily tips, `[[tip]]` tables whose problems are reported by their
//! position, since tips have no names.

use std::path::Path;

use serde::Deserialize;

use super::{ContentError, Tip, parse_toml};

/// `tips.toml`: a list of `[[tip]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TipsFile {
    #[serde(default)]
    tip: Vec<Tip>,
}

/// Loads the tips; a missing file means no tips, and every problem goes into `errors`.
pub(super) fn load(path: &Path, errors: &mut Vec<ContentError>) -> Vec<Tip> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        // A library without tips is allowed; the daily tip feature then has nothing to send.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            errors.push(ContentError {
                path: path.to_owned(),
                line: None,
                message: e.to_string(),
            });
            return Vec::new();
        }
    };
    let file: TipsFile = match parse_toml(&text) {
        Ok(file) => file,
        Err((line, message)) => {
            errors.push(ContentError {
                path: path.to_owned(),
                line,
                message,
            });
            return Vec::new();
        }
    };
    // Report tip problems by their position, since tips have no names.
    let tip_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[tip]]")
        .map(|(i, _)| i + 1)
        .collect();
    for (i, tip) in file.tip.iter().enumerate() {
        if let Err(message) = tip.validate() {
            errors.push(ContentError {
                path: path.to_owned(),
                line: tip_lines.get(i).copied(),
                message: format!("tip #{}: {message}", i + 1),
            });
        }
    }
    file.tip
}
