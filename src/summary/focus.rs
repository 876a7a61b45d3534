//! Summaries aimed at the kind of question asked: the sentences or list items of the section
//! whose role answers the question's intent ("What you can do now" for "how do I treat",
//! "Get emergency help if" and "See a doctor if" for "when should I worry", a stated time
//! span for "how long"), plus a one-line safety net for treatment questions.

use std::collections::HashMap;

use super::{MAX_SENTENCES, MAX_SUMMARY_CHARS, Sentence, score, sentences};
use crate::content::sections::{EMERGENCY, OVERVIEW, SEE_DOCTOR};
use crate::intent::Intent;
use crate::text;

/// Longest safety-net line under a treatment summary, in characters.
pub const MAX_SAFETY_NET_CHARS: usize = 150;
/// Words that state a span of time ("7 days", "a few weeks").
const TIME_UNITS: &[&str] = &[
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "fortnight",
    "overnight",
];
/// Words that, before a time unit, make it a span ("a few days", "2 weeks").
const QUANTITIES: &[&str] = &[
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "few", "several", "couple", "some", "many", "24", "48", "72",
];

/// What the summary should aim at.
pub struct Focus<'a, 'r> {
    pub intent: Intent,
    /// The section roles that answer the intent, best first.
    pub wanted: &'a [String],
    /// Word stems that mark a sentence answering the intent, used when no section has a
    /// wanted role.
    pub hints: &'a [String],
    /// The role of a section heading, if it has one.
    pub role_of: &'a dyn Fn(&str) -> Option<&'r str>,
}

/// A summary aimed at an intent, and where its sentences came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Focused {
    pub text: String,
    /// The heading of the section the sentences came from ("" for the opening), or `None`
    /// when no section answers the intent and the plain summary was used.
    pub section: Option<String>,
    /// The role of that section.
    pub role: Option<String>,
}

/// The sentences of `body` that answer a question of `focus.intent` best, within
/// [`MAX_SUMMARY_CHARS`], in reading order, with a safety-net line on top for treatment
/// questions. `None` when the article has nothing that fits the intent (the caller then
/// keeps to the plain summary).
pub fn focused<'a>(
    body: &str,
    question: impl IntoIterator<Item = (&'a str, f32)>,
    focus: &Focus<'_, '_>,
) -> Option<Focused> {
    let mut weights: HashMap<&str, f32> = HashMap::new();
    for (stem, w) in question {
        let slot = weights.entry(stem).or_default();
        *slot = slot.max(w);
    }
    let (sentences, headings) = sentences(body);
    let roles: Vec<Option<&str>> = headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                Some(OVERVIEW)
            } else {
                (focus.role_of)(h)
            }
        })
        .collect();
    let heading_stems: Vec<Vec<String>> = headings.iter().map(|h| text::stems(h)).collect();
    let scores: Vec<f32> = sentences
        .iter()
        .map(|s| score(&text::stems(&s.text), &heading_stems[s.heading], &weights))
        .collect();
    let in_role = |role: &str| -> Vec<usize> {
        (0..sentences.len())
            .filter(|&i| roles[sentences[i].heading] == Some(role))
            .collect()
    };
    let chosen: Vec<usize> = match focus.intent {
        Intent::General => return None,
        Intent::Duration => {
            let spans: Vec<usize> = (0..sentences.len())
                .filter(|&i| states_time_span(&sentences[i].text))
                .collect();
            let preferred: Vec<usize> = spans
                .iter()
                .copied()
                .filter(|&i| {
                    focus
                        .wanted
                        .iter()
                        .any(|r| roles[sentences[i].heading] == Some(r.as_str()))
                })
                .collect();
            let pool = if preferred.is_empty() {
                spans
            } else {
                preferred
            };
            // One span answers "how long"; the sentence after it usually qualifies it.
            let best = pick(&sentences, &pool, &scores, 1);
            let mut chosen = best.clone();
            if let Some(&b) = best.first()
                && sentences
                    .get(b + 1)
                    .is_some_and(|n| n.heading == sentences[b].heading)
            {
                chosen = fill(&sentences, chosen, &[b + 1]);
            }
            chosen
        }
        Intent::Worry => {
            // Emergency signs first, then what needs a doctor soon.
            let urgent = pick(&sentences, &in_role(EMERGENCY), &scores, 1);
            let soon = rank(&in_role(SEE_DOCTOR), &scores);
            let mut chosen = fill(&sentences, urgent, &soon);
            if chosen.is_empty() {
                for role in focus.wanted {
                    chosen = pick(&sentences, &in_role(role), &scores, MAX_SENTENCES);
                    if !chosen.is_empty() {
                        break;
                    }
                }
            }
            chosen
        }
        _ => focus
            .wanted
            .iter()
            .map(|role| pick(&sentences, &in_role(role), &scores, MAX_SENTENCES))
            .find(|c| !c.is_empty())
            .unwrap_or_else(|| hinted(&sentences, &scores, focus.hints)),
    };
    let first = *chosen.first()?;
    let heading = sentences[first].heading;
    let mut text = render(chosen.iter().map(|&i| &sentences[i]));
    if focus.intent == Intent::Treat
        && let Some(line) = safety_net(&sentences, &headings, &in_role(SEE_DOCTOR), &scores)
    {
        text.push('\n');
        text.push_str(&line);
    }
    Some(Focused {
        text,
        section: Some(headings[heading].clone()),
        role: roles[heading].map(str::to_owned),
    })
}

/// For an article with no section that answers the intent: the best sentence with a hint
/// word, and the next one when it continues the same paragraph of thought (same section).
fn hinted(sentences: &[Sentence], scores: &[f32], hints: &[String]) -> Vec<usize> {
    let with_hint: Vec<usize> = (0..sentences.len())
        .filter(|&i| {
            text::stems(&sentences[i].text)
                .iter()
                .any(|s| hints.contains(s))
        })
        .collect();
    let best = pick(sentences, &with_hint, scores, 1);
    let same_section: Vec<usize> = with_hint
        .iter()
        .copied()
        .filter(|&i| {
            best.first()
                .is_some_and(|&b| sentences[b].heading == sentences[i].heading)
        })
        .collect();
    fill(sentences, best, &rank(&same_section, scores))
}

/// Whether a sentence states a span of time: a number or quantity before a time unit
/// ("within 7 days", "a few weeks", "24 to 48 hours").
pub fn states_time_span(sentence: &str) -> bool {
    let words = text::words(sentence);
    words.iter().enumerate().any(|(i, w)| {
        TIME_UNITS.contains(&w.as_str())
            && i > 0
            && words[i.saturating_sub(3)..i]
                .iter()
                .any(|q| QUANTITIES.contains(&q.as_str()) || q.chars().all(|c| c.is_ascii_digit()))
    })
}

/// The candidates best first (ties in reading order).
fn rank(candidates: &[usize], scores: &[f32]) -> Vec<usize> {
    let mut ranked = candidates.to_vec();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    ranked
}

/// Up to `most` of the best candidates that fit the limit together, in reading order.
fn pick(sentences: &[Sentence], candidates: &[usize], scores: &[f32], most: usize) -> Vec<usize> {
    let mut chosen = Vec::new();
    for i in rank(candidates, scores) {
        if chosen.len() >= most {
            break;
        }
        chosen = fill(sentences, chosen, &[i]);
    }
    chosen
}

/// `chosen` with each of `more` added, in turn, while the rendered summary stays within the
/// limit and holds at most [`MAX_SENTENCES`]. Earlier choices keep their place first.
fn fill(sentences: &[Sentence], mut chosen: Vec<usize>, more: &[usize]) -> Vec<usize> {
    for &i in more {
        if chosen.len() >= MAX_SENTENCES || chosen.contains(&i) {
            continue;
        }
        chosen.push(i);
        let mut order = chosen.clone();
        // Sentences of one section read best in their own order.
        order.sort_by_key(|&k| (sentences[k].heading != sentences[chosen[0]].heading, k));
        if render(order.iter().map(|&k| &sentences[k])).chars().count() > MAX_SUMMARY_CHARS {
            chosen.pop();
        } else {
            chosen = order;
        }
    }
    chosen
}

/// Sentences as text: prose runs on, and each list item is its own "• " line.
pub fn render<'a>(units: impl IntoIterator<Item = &'a Sentence>) -> String {
    let mut out = String::new();
    let mut last_bullet = false;
    for s in units {
        if !out.is_empty() {
            out.push(if s.bullet || last_bullet { '\n' } else { ' ' });
        }
        if s.bullet {
            out.push_str("• ");
        }
        out.push_str(&s.text);
        last_bullet = s.bullet;
    }
    out
}

/// One short line from the see-a-doctor section: a sentence, or a list item read together
/// with its heading ("See a doctor if" + "the rash spreads."), at most
/// [`MAX_SAFETY_NET_CHARS`] characters.
fn safety_net(
    sentences: &[Sentence],
    headings: &[String],
    candidates: &[usize],
    scores: &[f32],
) -> Option<String> {
    rank(candidates, scores)
        .into_iter()
        .map(|i| {
            let s = &sentences[i];
            if s.bullet {
                format!("{} {}", headings[s.heading], lower_first(&s.text))
            } else {
                s.text.clone()
            }
        })
        .find(|line| line.chars().count() <= MAX_SAFETY_NET_CHARS)
}

/// The text with its first letter lower-cased, unless the first word is an acronym or "I".
fn lower_first(text: &str) -> String {
    let first = text.split(' ').next().unwrap_or_default();
    let shouting = first.chars().filter(|c| c.is_uppercase()).count() > 1 || first == "I";
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if !shouting => c.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Sunburn is skin damage from UV light.\n\n\
        ## What you can do now\n\n- Get out of the sun.\n- Cool the skin with a shower.\n\
        - Apply aloe vera gel.\n- Drink water.\n\n\
        ## How long sunburn lasts\n\nMild sunburn settles within about 7 days. Blisters take longer.\n\n\
        ## See a doctor if\n\n- The sunburn covers a large area.\n- A baby is sunburnt.\n\n\
        ## Get emergency help if\n\nCall an ambulance if someone becomes confused or faints.";

    fn role_of(h: &str) -> Option<&'static str> {
        crate::content::SectionRoles::bundled()
            .role_of(h)
            .map(|r| match r {
                "self-care" => "self-care",
                "duration" => "duration",
                "see-doctor" => "see-doctor",
                "emergency" => "emergency",
                _ => "other",
            })
    }

    fn summary_for(intent: Intent, wanted: &[&str], question: &str) -> Focused {
        let wanted: Vec<String> = wanted.iter().map(|s| (*s).to_owned()).collect();
        let stems = text::stems(question);
        let focus = Focus {
            intent,
            wanted: &wanted,
            hints: &[],
            role_of: &role_of,
        };
        focused(BODY, stems.iter().map(|s| (s.as_str(), 1.0)), &focus).unwrap()
    }

    #[test]
    fn treatment_questions_get_self_care_items_and_a_safety_net() {
        let f = summary_for(Intent::Treat, &["self-care"], "what helps sunburn sting");
        assert_eq!(f.section.as_deref(), Some("What you can do now"));
        assert!(
            f.text.starts_with("• Get out of the sun.\n• "),
            "{}",
            f.text
        );
        let (summary, net) = f.text.rsplit_once('\n').unwrap();
        assert!(summary.chars().count() <= MAX_SUMMARY_CHARS);
        assert_eq!(net, "See a doctor if the sunburn covers a large area.");
    }

    #[test]
    fn worry_questions_put_emergency_signs_first() {
        let f = summary_for(
            Intent::Worry,
            &["emergency", "see-doctor"],
            "is sunburn serious",
        );
        assert!(f.text.starts_with("Call an ambulance"), "{}", f.text);
        assert!(
            f.text.contains("\n• The sunburn covers a large area."),
            "{}",
            f.text
        );
    }

    #[test]
    fn duration_questions_get_the_sentence_with_a_time_span() {
        let f = summary_for(Intent::Duration, &["duration"], "how long does it last");
        assert!(
            f.text
                .starts_with("Mild sunburn settles within about 7 days."),
            "{}",
            f.text
        );
    }

    #[test]
    fn time_spans_need_a_quantity_before_the_unit() {
        assert!(states_time_span("It settles within 7 days."));
        assert!(states_time_span("It lasts a few weeks."));
        assert!(states_time_span("Rest for 24 to 48 hours."));
        assert!(!states_time_span("Drink water every day."));
        assert!(!states_time_span("See a doctor if it gets worse."));
    }

    #[test]
    fn list_items_render_as_bullet_lines_after_prose() {
        let (s, _) = sentences("Intro one. Intro two.\n\n- First.\n- Second.");
        assert_eq!(render(&s), "Intro one. Intro two.\n• First.\n• Second.");
    }

    #[test]
    fn acronyms_keep_their_capitals_in_the_safety_net() {
        assert_eq!(lower_first("The rash spreads."), "the rash spreads.");
        assert_eq!(lower_first("GP advice"), "GP advice");
    }
}
