//! Matcher quality on the bundled library: rank-1 accuracy on lay-phrased questions and
//! rejection of off-topic ones, from `tests/data/questions.toml`. Prints its figures so a
//! change to ranking or the threshold shows what it did.

use serde::Deserialize;

use healthbot::answer::Engine;
use healthbot::content;
use healthbot::safety::Safety;
use healthbot::search::Index;

use crate::util::content_dir;

/// Least share of on-topic questions whose answer must be a right article.
const MIN_TOP1: f64 = 0.60;
/// Least share of on-topic questions that must be answered at all (not refused).
const MIN_ANSWERED: f64 = 0.62;
/// Least share of on-topic questions whose right article is among the 4 ranked (best plus
/// related or suggestions), so a refused question still leads the user to the answer.
const MIN_IN_TOP4: f64 = 0.92;
/// Off-topic questions must all be refused: a confident wrong answer is the worst outcome.
const MIN_OFF_TOPIC_REJECTED: f64 = 1.0;

#[derive(Deserialize)]
struct Questions {
    question: Vec<Question>,
    off_topic: Vec<OffTopic>,
}

#[derive(Deserialize)]
struct Question {
    text: String,
    expect: String,
    #[serde(default)]
    also: Vec<String>,
}

#[derive(Deserialize)]
struct OffTopic {
    text: String,
}

fn engine() -> Engine {
    let bundle = content::load_dir(&content_dir()).expect("bundled content loads");
    Engine::new(
        Index::build(&bundle.articles, bundle.synonyms).unwrap(),
        Safety::new("112", "a crisis line"),
    )
}

fn questions() -> Questions {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/questions.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn lay_questions_find_the_right_article_and_off_topic_ones_are_refused() {
    let engine = engine();
    let qs = questions();
    let (mut right, mut answered, mut in_top4, mut misses) = (0, 0, 0, Vec::new());
    for q in &qs.question {
        let a = engine.answer(&q.text, 4).unwrap();
        let best = a.best.as_ref().map(|b| b.article.slug.as_str());
        answered += usize::from(best.is_some());
        let ok = |s: &str| s == q.expect || q.also.iter().any(|x| x == s);
        in_top4 += usize::from(
            best.into_iter()
                .chain(a.related.iter().map(|r| r.slug.as_str()))
                .take(4)
                .any(ok),
        );
        if best.is_some_and(|s| s == q.expect || q.also.iter().any(|x| x == s)) {
            right += 1;
        } else {
            let first = a.related.first().map(|r| r.slug.as_str());
            misses.push(format!(
                "{:?} -> {:?} (suggested {:?}), want {}",
                q.text, best, first, q.expect
            ));
        }
    }
    let wrong_answers: Vec<String> = qs
        .off_topic
        .iter()
        .filter_map(|q| {
            let a = engine.answer(&q.text, 4).unwrap();
            a.best
                .map(|b| format!("{:?} -> {}", q.text, b.article.slug))
        })
        .collect();
    let n = qs.question.len() as f64;
    let top1 = f64::from(right) / n;
    let answered_rate = answered as f64 / n;
    let top4 = in_top4 as f64 / n;
    let rejected = 1.0 - wrong_answers.len() as f64 / qs.off_topic.len() as f64;
    println!(
        "bundled quality: top-1 {top1:.3} ({right}/{}), answered {answered_rate:.3}, in top 4 {top4:.3}, off-topic rejected {rejected:.3} ({}/{})",
        qs.question.len(),
        qs.off_topic.len() - wrong_answers.len(),
        qs.off_topic.len()
    );
    for m in &misses {
        println!("  miss: {m}");
    }
    for w in &wrong_answers {
        println!("  off-topic answered: {w}");
    }
    assert!(top1 >= MIN_TOP1, "top-1 {top1:.3} < {MIN_TOP1}");
    assert!(top4 >= MIN_IN_TOP4, "in top 4 {top4:.3} < {MIN_IN_TOP4}");
    assert!(
        answered_rate >= MIN_ANSWERED,
        "answered {answered_rate:.3} < {MIN_ANSWERED}"
    );
    assert!(
        rejected >= MIN_OFF_TOPIC_REJECTED,
        "off-topic rejection {rejected:.3}: {wrong_answers:?}"
    );
}
