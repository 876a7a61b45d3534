//! Behaviour of the bundled red-flag rules: what fires, what negation and framing set aside,
//! and how the rules file is validated.

use super::*;

fn flags(q: &str) -> Vec<RedFlag> {
    Safety::new("112", "a crisis line").flags(q)
}

fn flagged(q: &str) -> bool {
    !flags(q).is_empty()
}

#[test]
fn bundled_rules_parse_and_cover_every_flag() {
    let rules = Rules::parse(BUNDLED_RULES).unwrap();
    assert!(
        rules.rule_count() >= 40,
        "only {} rules",
        rules.rule_count()
    );
    assert_eq!(
        rules.supportive().first().map(String::as_str),
        Some("suicidal-thoughts")
    );
}

#[test]
fn classic_emergencies_get_their_own_flag() {
    let cases = [
        (
            "I think my dad is having a heart attack",
            RedFlag::HeartAttack,
        ),
        (
            "crushing chest pain going down my left arm",
            RedFlag::HeartAttack,
        ),
        (
            "her face is drooping and her speech is slurred",
            RedFlag::Stroke,
        ),
        (
            "my throat is closing after eating peanuts",
            RedFlag::Anaphylaxis,
        ),
        ("my son is choking on a grape", RedFlag::Choking),
        ("he's not breathing", RedFlag::Collapse),
        ("I CAN'T BREATHE!!", RedFlag::Breathing),
        ("the cut won't stop bleeding", RedFlag::SevereBleeding),
        ("my toddler swallowed some of my pills", RedFlag::Poisoning),
        ("I want to kill myself", RedFlag::Crisis),
        ("I've been having suicidal thoughts", RedFlag::Crisis),
        ("my 6 week old baby has a fever of 38.5", RedFlag::BabyFever),
        ("she's been fitting for ten minutes", RedFlag::Seizure),
        (
            "rash that doesn't fade under a glass and a fever",
            RedFlag::Meningitis,
        ),
        (
            "worst headache of my life, came on suddenly",
            RedFlag::SuddenHeadache,
        ),
        ("hit his head and keeps being sick", RedFlag::HeadInjury),
        ("my baby is floppy and won't wake", RedFlag::BabyUnwell),
        (
            "water infection and now she's confused and mottled",
            RedFlag::Sepsis,
        ),
    ];
    for (q, want) in cases {
        assert!(flags(q).contains(&want), "{q:?} gave {:?}", flags(q));
    }
}

#[test]
fn negated_signs_do_not_fire() {
    for q in [
        "baby has a runny nose but no fever, is she ok for nursery",
        "my 6 week old has no temperature, just a cough",
        "stiff neck from sleeping funny, no fever",
        "toddler bumped his head, has not been sick and is playing",
        "I'm not suicidal, just stressed about exams",
    ] {
        assert!(!flagged(q), "{q:?} gave {:?}", flags(q));
    }
}

#[test]
fn persistence_is_not_mistaken_for_negation() {
    assert!(flags("my cut won't stop bleeding").contains(&RedFlag::SevereBleeding));
    assert!(flags("it hasn't stopped bleeding for an hour").contains(&RedFlag::SevereBleeding));
    assert!(flagged("no, he is not breathing"));
}

#[test]
fn informational_and_past_questions_are_set_aside() {
    for q in [
        "what are the warning signs of a stroke",
        "my dad had a stroke last year, how can he get his speech back",
        "how can I lower my risk of a heart attack",
        "what is a thunderclap headache",
        "my grandad had sepsis last year and is home now",
        "how do I stop my toddler choking on grapes, any tips",
        "what should I do if someone faints",
    ] {
        assert!(!flagged(q), "{q:?} gave {:?}", flags(q));
    }
}

#[test]
fn a_present_emergency_beside_a_general_question_is_flagged() {
    let q = "what are the signs of a stroke, my dad's face looks droopy";
    assert!(flags(q).contains(&RedFlag::Stroke), "{:?}", flags(q));
    let q = "had a heart attack 2 years ago and now crushing chest pain again";
    assert!(flags(q).contains(&RedFlag::HeartAttack), "{:?}", flags(q));
}

#[test]
fn joking_and_animals_do_not_fire_but_crisis_words_still_do() {
    assert!(!flagged("this heat is so stuffy i can't breathe lol"));
    assert!(!flagged("my dog keeps choking on his kibble"));
    assert!(flags("honestly i just want to die lol").contains(&RedFlag::Crisis));
}

#[test]
fn baby_fever_depends_on_age_and_temperature() {
    assert!(flags("my 2-month-old is 38.2").contains(&RedFlag::BabyFever));
    assert!(flags("newborn, thermometer says 100.8F").contains(&RedFlag::BabyFever));
    assert!(flags("baby is 7 weeks and her temp is 39 degrees").contains(&RedFlag::BabyFever));
    assert!(!flagged("my 8 week old's temp is 36.8, is that normal"));
    assert!(!flagged(
        "my 2 year old has a temperature of 38, how much calpol"
    ));
    assert!(!flagged(
        "I'm 8 weeks pregnant and have a temperature of 37.9"
    ));
}

#[test]
fn crisis_advice_names_the_crisis_line_before_the_emergency_number() {
    let s = Safety::new("112", "Samaritans 116 123");
    let e = s.check("i don't want to be here anymore").unwrap();
    assert!(e.crisis);
    let (line, number) = (e.advice.find("Samaritans 116 123"), e.advice.find("112"));
    assert!(line.is_some() && line < number, "{}", e.advice);
    assert_eq!(e.first_aid.as_deref(), Some("suicidal-thoughts"));
}

#[test]
fn advice_uses_the_configured_number_and_maps_a_first_aid_article() {
    let s = Safety::new("000", "Lifeline 13 11 14");
    let e = s.check("my chest is tight and I'm sweating").unwrap();
    assert!(e.advice.contains("call 000 now"), "{}", e.advice);
    assert!(!e.crisis);
    assert_eq!(e.first_aid.as_deref(), Some("heart-attack-symptoms"));
}

#[test]
fn flags_come_most_urgent_first() {
    let q = "my husband collapsed and isn't breathing after a crushing chest pain";
    let found = flags(q);
    assert_eq!(found.first(), Some(&RedFlag::Collapse), "{found:?}");
    assert!(found.contains(&RedFlag::HeartAttack), "{found:?}");
}

#[test]
fn rule_problems_name_their_line() {
    let bad = BUNDLED_RULES.replacen(
        "all = [\"suicide_words\"]",
        "all = [\"no_such_concept\"]",
        1,
    );
    let err = Rules::parse(&bad).unwrap_err();
    assert!(err.message.contains("no_such_concept"), "{err}");
    let line = err.line.unwrap();
    assert!(
        bad.lines()
            .nth(line - 1)
            .unwrap()
            .contains("no_such_concept")
    );
    let typo = BUNDLED_RULES.replacen("id = \"stroke\"", "id = \"strok\"", 1);
    let err = Rules::parse(&typo).unwrap_err();
    assert!(err.message.contains("unknown flag `strok`"), "{err}");
    let broken = BUNDLED_RULES.replacen("{crisis_line} now", "{crisis} now", 1);
    assert!(
        Rules::parse(&broken)
            .unwrap_err()
            .message
            .contains("placeholder")
    );
}
