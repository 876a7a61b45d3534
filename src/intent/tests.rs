//! Unit tests of the intent cues: parsing, detection and follow-up topics.

use super::*;

fn intent(q: &str) -> Intent {
    IntentRules::bundled().detect(q).intent
}

#[test]
fn the_bundled_cues_parse() {
    let rules = IntentRules::bundled();
    assert_eq!(rules.roles(Intent::Treat), ["self-care"]);
    assert!(rules.roles(Intent::General).is_empty());
}

#[test]
fn everyday_questions_get_their_intent() {
    for (q, want) in [
        ("how do I get rid of hiccups", Intent::Treat),
        ("what helps sunburn", Intent::Treat),
        ("should I worry about a lump", Intent::Worry),
        ("is it serious if my poo is black", Intent::Worry),
        ("how long does a cold last", Intent::Duration),
        ("when will my babys colic stop", Intent::Duration),
        ("why do I get cramp at night", Intent::Causes),
        ("what are the signs of diabetes", Intent::Symptoms),
        ("how can i avoid catching flu", Intent::Prevention),
        ("is impetigo contagious", Intent::Contagious),
        ("how long is flu contagious for", Intent::Contagious),
        ("What's endometriosis?", Intent::WhatIs),
        ("migraine", Intent::General),
    ] {
        assert_eq!(intent(q), want, "{q}");
    }
}

#[test]
fn a_follow_up_has_no_topic_but_a_new_question_does() {
    let rules = IntentRules::bundled();
    let d = rules.detect("how long does it last?");
    assert_eq!(d.intent, Intent::Duration);
    assert!(d.topic.is_empty(), "{:?}", d.topic);
    assert!(
        rules
            .detect("when should I see a doctor then?")
            .topic
            .is_empty()
    );
    assert_eq!(rules.detect("how long does flu last").topic, ["flu"]);
    assert_eq!(
        rules.detect("when will my colic stop").topic,
        ["colic"],
        "words a wildcard stood for are topic words"
    );
}

#[test]
fn cue_words_match_whole_words_prefixes_and_wildcards() {
    let p = |s: &str| words(s);
    assert_eq!(match_at(&p("how long"), &p("how long does it")), Some(2));
    assert_eq!(match_at(&p("contagi*"), &p("contagious")), Some(1));
    assert_eq!(match_at(&p("ease"), &p("easy")), None);
    assert_eq!(
        match_at(&p("when will * stop"), &p("when will my colic stop")),
        Some(5)
    );
    assert_eq!(match_at(&p("when will * stop"), &p("when will stop")), None);
}

#[test]
fn unknown_or_repeated_intents_are_refused_with_their_line() {
    let bad = "[[intent]]\nname = \"nonsense\"\ncues = [\"x\"]\n";
    assert_eq!(IntentRules::parse(bad).unwrap_err().0, Some(1));
    let twice = "[[intent]]\nname = \"treat\"\ncues = [\"x\"]\n\n[[intent]]\nname = \"treat\"\ncues = [\"y\"]\n";
    assert_eq!(IntentRules::parse(twice).unwrap_err().0, Some(5));
    let empty = "[[intent]]\nname = \"treat\"\ncues = [\"*\"]\n";
    assert!(IntentRules::parse(empty).is_err());
}
