//! Index tests: matching lay phrases and misspellings, coverage, and live updates.

use super::*;
use crate::content::testutil::article;

fn index() -> Index {
    let articles = [
        article(
            "tooth-extraction-bleeding",
            "Bleeding after a tooth extraction",
            &["dentist"],
            "Some bleeding after an extraction is normal for a day.",
        ),
        article(
            "migraine",
            "Migraine",
            &["headache"],
            "A migraine is a severe headache, often with nausea.",
        ),
        article(
            "nosebleed",
            "Nosebleeds",
            &["nose"],
            "Pinch the soft part of the nose to stop the bleeding.",
        ),
    ];
    let syn =
        Synonyms::parse("[[group]]\nterms = [\"pulled tooth\", \"tooth extraction\"]\n").unwrap();
    Index::build(&articles, syn).unwrap()
}

#[test]
fn lay_phrase_finds_the_medical_article() {
    let r = index().search("my pulled tooth keeps bleeding", 3).unwrap();
    assert_eq!(r.hits[0].slug, "tooth-extraction-bleeding");
    assert!(r.hits[0].coverage > 0.99, "{:?}", r.hits[0]);
}

#[test]
fn misspelling_still_matches() {
    let r = index().search("migrane", 3).unwrap();
    assert_eq!(r.hits[0].slug, "migraine");
    assert!(r.hits[0].in_title_or_tags);
}

#[test]
fn off_topic_question_has_low_coverage() {
    let r = index().search("what's the weather tomorrow", 3).unwrap();
    assert!(r.hits.iter().all(|h| h.coverage < 0.5), "{:?}", r.hits);
}

#[test]
fn upsert_and_remove_take_effect_immediately() {
    let idx = index();
    idx.upsert(&article(
        "gout",
        "Gout",
        &["joint"],
        "Gout is a painful swollen big toe joint.",
    ))
    .unwrap();
    assert_eq!(
        idx.search("swollen big toe", 1).unwrap().hits[0].slug,
        "gout"
    );
    idx.remove("gout").unwrap();
    assert!(
        idx.search("gout", 3)
            .unwrap()
            .hits
            .iter()
            .all(|h| h.slug != "gout")
    );
    assert_eq!(idx.len(), 3);
}

#[test]
fn stored_article_round_trips() {
    let a = index().article("migraine").unwrap().unwrap();
    assert_eq!(a.title, "Migraine");
    assert!(a.body.contains("severe headache"));
    assert!(index().article("nope").unwrap().is_none());
}
