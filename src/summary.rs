//! The question-focused extractive summary: the one to three whole sentences of an article
//! that best answer *this* question, at most [`MAX_SUMMARY_CHARS`] characters.
//!
//! Pure functions over text. The caller supplies the question's weighted stems; summaries
//! aimed at the question's intent (treat, worry, how long...) live in `focus`.

mod focus;

use std::collections::HashMap;

use crate::text;

pub use focus::{Focus, Focused, MAX_SAFETY_NET_CHARS, focused, render, states_time_span};

/// Longest summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 400;
/// Most sentences in a summary.
pub const MAX_SENTENCES: usize = 3;
/// How much a question word in a sentence's section heading counts, relative to the sentence.
const HEADING_WEIGHT: f32 = 0.5;
/// Bonus for a sentence directly following the chosen one, which usually continues its thought.
const NEIGHBOUR_BONUS: f32 = 0.3;

/// One sentence of an article body, with the heading of its section.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    /// Position in the article, so chosen sentences can be put back in reading order.
    pub index: usize,
    heading: usize,
    /// Whether it is a list item, shown as its own "• " line.
    pub bullet: bool,
}

impl Sentence {
    /// The index of its section's heading in the list [`sentences`] returns.
    pub fn heading(&self) -> usize {
        self.heading
    }
}

/// Splits a Markdown body into plain sentences (headings, bullets and emphasis removed).
/// Also returns the section headings, which [`Sentence`] refers to by index.
pub fn sentences(markdown: &str) -> (Vec<Sentence>, Vec<String>) {
    let mut headings = vec![String::new()];
    let mut out = Vec::new();
    let mut paragraph = String::new();
    let flush =
        |paragraph: &mut String, headings: &Vec<String>, out: &mut Vec<Sentence>, bullet: bool| {
            for s in split_sentences(paragraph) {
                out.push(Sentence {
                    text: s,
                    index: out.len(),
                    heading: headings.len() - 1,
                    bullet,
                });
            }
            paragraph.clear();
        };
    for line in markdown.lines() {
        let line = line.trim();
        if let Some(h) = line.strip_prefix('#') {
            flush(&mut paragraph, &headings, &mut out, false);
            headings.push(plain(h.trim_start_matches('#')));
        } else if line.is_empty() {
            flush(&mut paragraph, &headings, &mut out, false);
        } else if let Some(item) = bullet(line) {
            // Each bullet is its own unit; it never runs into the next one.
            flush(&mut paragraph, &headings, &mut out, false);
            paragraph.push_str(&plain(item));
            flush(&mut paragraph, &headings, &mut out, true);
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&plain(line));
        }
    }
    flush(&mut paragraph, &headings, &mut out, false);
    (out, headings)
}

/// Picks the sentences of `body` that best answer a question given as weighted stems.
///
/// Falls back to `fallback` (the article's hand-written summary) when no sentence mentions the
/// question, and to the body's opening when there is no fallback either. Never cuts a sentence
/// unless a single sentence alone exceeds the limit and nothing else is available.
pub fn summarize<'a>(
    body: &str,
    fallback: Option<&str>,
    question: impl IntoIterator<Item = (&'a str, f32)>,
) -> String {
    let mut weights: HashMap<&str, f32> = HashMap::new();
    for (stem, w) in question {
        let slot = weights.entry(stem).or_default();
        *slot = slot.max(w);
    }
    let (sentences, headings) = sentences(body);
    let heading_stems: Vec<Vec<String>> = headings.iter().map(|h| text::stems(h)).collect();
    let scores: Vec<f32> = sentences
        .iter()
        .map(|s| score(&text::stems(&s.text), &heading_stems[s.heading], &weights))
        .collect();
    let Some(best) = (0..sentences.len())
        .filter(|&i| scores[i] > 0.0 && fits(&sentences[i].text))
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)))
    else {
        return fallback_summary(fallback, &sentences);
    };
    let mut chosen = vec![best];
    let mut len = unit_len(&sentences[best]);
    while chosen.len() < MAX_SENTENCES {
        let next = (0..sentences.len())
            .filter(|i| !chosen.contains(i) && sentences[*i].heading == sentences[best].heading)
            .map(|i| {
                let follows = chosen.iter().any(|&c| i == c + 1);
                (
                    i,
                    scores[i]
                        + if follows {
                            NEIGHBOUR_BONUS * scores[best]
                        } else {
                            0.0
                        },
                )
            })
            .filter(|&(i, s)| s > 0.0 && len + 1 + unit_len(&sentences[i]) <= MAX_SUMMARY_CHARS)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((i, _)) = next else { break };
        len += 1 + unit_len(&sentences[i]);
        chosen.push(i);
    }
    chosen.sort_unstable();
    render(chosen.iter().map(|&i| &sentences[i]))
}

/// A sentence's length as rendered, with the "• " of a list item.
fn unit_len(s: &Sentence) -> usize {
    s.text.chars().count() + if s.bullet { 2 } else { 0 }
}

fn score(stems: &[String], heading: &[String], weights: &HashMap<&str, f32>) -> f32 {
    let mut seen: Vec<&str> = Vec::new();
    let mut total = 0.0;
    for stem in stems {
        if let Some((&k, &w)) = weights.get_key_value(stem.as_str())
            && !seen.contains(&k)
        {
            seen.push(k);
            total += w;
        }
    }
    if total == 0.0 {
        return 0.0;
    }
    let heading_bonus: f32 = heading
        .iter()
        .filter(|h| !seen.contains(&h.as_str()))
        .filter_map(|h| weights.get(h.as_str()))
        .sum();
    total + HEADING_WEIGHT * heading_bonus
}

fn fallback_summary(fallback: Option<&str>, body: &[Sentence]) -> String {
    if let Some(summary) = fallback.map(str::trim).filter(|s| !s.is_empty()) {
        let parts = split_sentences(summary);
        let taken = take_fitting(parts.iter().map(String::as_str));
        if !taken.is_empty() {
            return taken;
        }
    }
    let taken = take_fitting(body.iter().take(MAX_SENTENCES).map(|s| s.text.as_str()));
    if !taken.is_empty() {
        return taken;
    }
    // Only reached for imported text whose first sentence alone is over the limit.
    let first = fallback
        .or(body.first().map(|s| s.text.as_str()))
        .unwrap_or_default();
    text::clip(first, MAX_SUMMARY_CHARS)
}

fn take_fitting<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut taken = Vec::new();
    let mut len = 0;
    for part in parts.take(MAX_SENTENCES) {
        let n = part.chars().count() + usize::from(!taken.is_empty());
        if len + n > MAX_SUMMARY_CHARS {
            break;
        }
        len += n;
        taken.push(part);
    }
    join(taken.into_iter())
}

fn fits(sentence: &str) -> bool {
    sentence.chars().count() <= MAX_SUMMARY_CHARS
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join(" ")
}

fn bullet(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "));
    rest.or_else(|| {
        let digits = line.find(|c: char| !c.is_ascii_digit())?;
        (digits > 0)
            .then(|| line[digits..].strip_prefix(". "))
            .flatten()
    })
}

/// Removes inline Markdown (emphasis, code, links) and leaves readable text.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('[') {
        // `[label](target)` keeps only the label.
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        match after
            .find("](")
            .and_then(|j| after[j..].find(')').map(|k| (j, j + k)))
        {
            Some((j, end)) => {
                out.push_str(&after[1..j]);
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "")
        .replace("__", "")
        .replace('`', "")
        .trim()
        .to_owned()
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "etc.", "dr.", "mr.", "mrs.", "ms.", "vs.", "approx.", "no.", "st.",
];

/// Splits a paragraph into sentences at `.`, `!` or `?` followed by a space and a capital
/// letter, digit or opening quote, skipping common abbreviations and decimals.
fn split_sentences(paragraph: &str) -> Vec<String> {
    let paragraph = paragraph.trim();
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, next)) = chars.get(k + 1) else {
            continue;
        };
        let after = chars.get(k + 2).map(|&(_, c)| c);
        let closing = matches!(next, ')' | '"' | '”' | '’');
        let (space, starter) = if closing {
            (
                chars.get(k + 2).map(|&(_, c)| c),
                chars.get(k + 3).map(|&(_, c)| c),
            )
        } else {
            (Some(next), after)
        };
        if space != Some(' ')
            || !starter
                .is_some_and(|s| s.is_uppercase() || s.is_ascii_digit() || s == '"' || s == '“')
        {
            continue;
        }
        let candidate = &paragraph[start..=i];
        let last_word = candidate
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        if c == '.' && ABBREVIATIONS.contains(&last_word.as_str()) {
            continue;
        }
        let end = if closing { i + next.len_utf8() } else { i };
        out.push(paragraph[start..=end].trim().to_owned());
        start = end + 1;
    }
    let tail = paragraph[start..].trim();
    if !tail.is_empty() {
        out.push(tail.to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "## What is normal\n\nA tooth socket usually oozes a little blood for the first day. \
        Pink-stained saliva is common and not a worry.\n\n## What you can do\n\n\
        Bite firmly on clean gauze for 30 minutes to slow the bleeding. Avoid rinsing, spitting and \
        straws for 24 hours.\n\n- Rest with your head raised.\n- Avoid hot drinks for a day.\n\n\
        ## See a dentist if\n\nCall your dentist if bleeding is still heavy after several hours (e.g. soaking gauze).";

    fn q(question: &str) -> Vec<(String, f32)> {
        text::stems(question)
            .into_iter()
            .map(|s| (s, 1.0))
            .collect()
    }

    fn summarize_for(question: &str) -> String {
        let stems = q(question);
        summarize(
            BODY,
            Some("Fallback summary."),
            stems.iter().map(|(s, w)| (s.as_str(), *w)),
        )
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        let (s, headings) = sentences(BODY);
        assert_eq!(headings.len(), 4);
        assert!(s.iter().any(|s| s.text.ends_with("(e.g. soaking gauze).")));
        assert!(s.iter().any(|s| s.text == "Rest with your head raised."));
        assert_eq!(
            split_sentences("Take 2.5 ml. Then rest."),
            ["Take 2.5 ml.", "Then rest."]
        );
    }

    #[test]
    fn picks_the_sentence_that_answers_the_question() {
        let s = summarize_for("how do I stop the bleeding with gauze");
        assert!(s.starts_with("Bite firmly on clean gauze"), "{s}");
    }

    #[test]
    fn different_questions_get_different_summaries() {
        assert_ne!(
            summarize_for("when should I call the dentist"),
            summarize_for("is pink saliva normal")
        );
        assert!(summarize_for("when should I call the dentist").contains("Call your dentist"));
    }

    #[test]
    fn summaries_keep_whole_sentences_within_the_limit() {
        for question in [
            "bleeding",
            "gauze straws rinsing hot drinks",
            "dentist heavy bleeding hours",
        ] {
            let s = summarize_for(question);
            assert!(s.chars().count() <= MAX_SUMMARY_CHARS, "{s}");
            assert!(s.ends_with('.'), "{s}");
        }
    }

    #[test]
    fn unrelated_question_falls_back_to_front_matter_summary() {
        assert_eq!(summarize_for("zebra"), "Fallback summary.");
    }

    #[test]
    fn no_fallback_uses_the_opening_sentences() {
        let s = summarize(BODY, None, [("zebra", 1.0)]);
        assert!(s.starts_with("A tooth socket usually oozes"), "{s}");
    }

    #[test]
    fn one_giant_sentence_is_cut_at_a_word() {
        let body = format!("{} end.", "word ".repeat(200));
        let s = summarize(&body, None, [("zebra", 1.0)]);
        assert!(
            s.chars().count() <= MAX_SUMMARY_CHARS && s.ends_with('…'),
            "{s}"
        );
    }

    #[test]
    fn markdown_links_and_emphasis_are_removed() {
        assert_eq!(
            plain("See **your GP** or [NHS 111](https://111.nhs.uk)."),
            "See your GP or NHS 111."
        );
    }
}
