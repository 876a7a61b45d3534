//! Unit tests for teaching: attaching, moving and removing phrasings.
use super::*;
use crate::content::testutil::article;
use crate::library::tests::{admin, library_over};

fn library() -> Library {
    let mut gout = article("gout", "Gout", &["joints"], "Gout is joint pain.");
    gout.questions = vec!["why is my big toe swollen".into()];
    let acne = article("acne", "Acne", &["skin"], "Acne is spots on the skin.");
    library_over(&[gout, acne])
}

fn top(lib: &Library, question: &str) -> String {
    lib.engine.index.search(question, 1).unwrap().hits[0]
        .slug
        .clone()
}

#[test]
fn a_taught_phrasing_is_searchable_at_once_and_counted() {
    let lib = library();
    let lesson = lib
        .teach(
            "Crimson zits everywhere, call 0171 5551234",
            Target::Article("acne"),
            false,
            &admin(),
        )
        .unwrap();
    assert_eq!(
        lesson,
        Lesson::Done {
            phrasing: "Crimson zits everywhere, call [number] [number]".into(),
            slug: Some("acne".into()),
            count: 1
        }
    );
    assert_eq!(top(&lib, "crimson zits"), "acne");
    let (log, _) = lib.store.audit_log(0, 1).unwrap();
    assert!(log[0].action.starts_with("teach acne: "), "{:?}", log[0]);
    assert!(
        lib.store
            .reviewed()
            .unwrap()
            .contains_key("crimson zits everywhere call number number")
    );
}

#[test]
fn moving_a_phrasing_needs_consent() {
    let lib = library();
    let asked = lib
        .teach(
            "why is my big toe swollen",
            Target::Article("acne"),
            false,
            &admin(),
        )
        .unwrap();
    assert_eq!(
        asked,
        Lesson::Owned {
            phrasing: "why is my big toe swollen".into(),
            owner: Some("gout".into())
        }
    );
    assert_eq!(lib.phrasings("acne").unwrap().len(), 0, "nothing written");
    lib.teach(
        "why is my big toe swollen",
        Target::Article("acne"),
        true,
        &admin(),
    )
    .unwrap();
    assert_eq!(lib.phrasings("gout").unwrap().len(), 0);
    assert_eq!(
        lib.phrasings("acne").unwrap(),
        ["why is my big toe swollen"]
    );
}

#[test]
fn an_untaught_bundled_phrasing_stays_away_after_a_sync() {
    let lib = library();
    let removed = lib
        .untaught("gout", "why is my big toe swollen", &admin())
        .unwrap();
    assert_eq!(removed.as_deref(), Some("why is my big toe swollen"));
    let bundle = lib.store.articles().unwrap();
    lib.store.sync_bundle(&bundle, &[]).unwrap();
    assert!(lib.phrasings("gout").unwrap().is_empty());
    assert_eq!(
        lib.untaught("gout", "nothing like it", &admin()).unwrap(),
        None
    );
}

#[test]
fn bad_phrasings_and_unknown_slugs_are_refused() {
    let lib = library();
    let long = "word ".repeat(50);
    let err = lib
        .teach(&long, Target::OffTopic, false, &admin())
        .unwrap_err();
    assert!(err.to_string().contains("limit is 200"), "{err}");
    let err = lib
        .teach("?!", Target::OffTopic, false, &admin())
        .unwrap_err();
    assert!(err.to_string().contains("no words"), "{err}");
    let err = lib
        .teach("sore toe", Target::Article("nope"), false, &admin())
        .unwrap_err();
    assert!(matches!(err, LibraryError::NotFound(_)), "{err}");
    assert_eq!(lib.store.audit_log(0, 1).unwrap().1, 0);
}

#[test]
fn off_topic_and_back_again() {
    let lib = library();
    lib.teach("how do i fix my bike", Target::OffTopic, false, &admin())
        .unwrap();
    assert_eq!(
        lib.store.taught().unwrap().off_topic_texts(),
        ["how do i fix my bike"]
    );
    let asked = lib.teach(
        "How do I fix my bike?",
        Target::Article("gout"),
        false,
        &admin(),
    );
    assert!(
        matches!(asked, Ok(Lesson::Owned { owner: None, .. })),
        "{asked:?}"
    );
    lib.teach(
        "How do I fix my bike?",
        Target::Article("gout"),
        true,
        &admin(),
    )
    .unwrap();
    assert!(lib.store.taught().unwrap().off_topic.is_empty());
    assert_eq!(lib.phrasings("gout").unwrap().len(), 2);
}
