//! Unit tests of the reply HTML and keyboards.

use super::*;
use crate::answer::{Best, Suggestion};
use crate::safety::Safety;

fn answer(title: &str, summary: &str) -> Answer {
    let article = Suggestion {
        slug: "x".into(),
        title: title.into(),
        url: "https://www.nhs.uk/x?a=1&b=2".into(),
        score: 1.0,
        plausible: true,
    };
    Answer {
        question: "q".into(),
        emergency: None,
        best: Some(Best {
            article: article.clone(),
            summary: summary.into(),
            intent: crate::intent::Intent::General,
            section: None,
        }),
        related: vec![Suggestion {
            slug: "y".into(),
            ..article
        }],
        small_talk: None,
        confidence: None,
        ranking: None,
        follow_up: false,
    }
}

#[test]
fn text_is_escaped_and_links_name_the_source() {
    let html = answer_html(&answer("Cuts <b>& grazes", "Use a <plaster> & rest."));
    assert!(html.contains("Cuts &lt;b&gt;&amp; grazes"), "{html}");
    assert!(html.contains("Use a &lt;plaster&gt; &amp; rest."), "{html}");
    assert!(
        html.contains("href=\"https://www.nhs.uk/x?a=1&amp;b=2\""),
        "{html}"
    );
    assert!(html.contains("Read more at nhs.uk"), "{html}");
    assert!(html.ends_with(&italic(&escape(DISCLAIMER))));
}

#[test]
fn emergency_advice_comes_first() {
    let mut a = answer("Heart attack", "Call now.");
    a.emergency = Safety::new("112", "x").check("chest pain");
    assert!(answer_html(&a).starts_with("🚨"));
}

#[test]
fn oversized_answers_are_cut_to_fit() {
    let mut a = answer("Title", "Summary.");
    a.emergency = Some(crate::safety::Emergency {
        flags: vec![],
        advice: "call ".repeat(2000),
        first_aid: None,
        crisis: false,
    });
    assert!(visible_len(&answer_html(&a)) <= MAX_MESSAGE_CHARS);
}

#[test]
fn a_follow_up_names_its_article_and_offers_not_this_one() {
    let mut a = answer("Sunburn & you", "• Cool the skin.\n• Drink <water>.");
    a.follow_up = true;
    a.related.clear();
    let html = answer_html(&a);
    assert!(
        html.starts_with(
            "About <b>Sunburn &amp; you</b>:\n• Cool the skin.\n• Drink &lt;water&gt;."
        ),
        "{html}"
    );
    let k = answer_keyboard(&a, None).unwrap();
    assert!(
        k.inline_keyboard.iter().flatten().any(|b| matches!(
            &b.kind,
            teloxide::types::InlineKeyboardButtonKind::CallbackData(d) if d == NOT_THIS_ONE
        )),
        "{k:?}"
    );
}

#[test]
fn crisis_replies_lead_warmly_and_ask_for_no_feedback() {
    let mut a = answer("Suicidal thoughts", "You are not alone.");
    a.emergency = Safety::new("112", "Samaritans 116 123").check("i want to end my life");
    assert!(answer_html(&a).starts_with("💛"), "{}", answer_html(&a));
    let k = answer_keyboard(&a, None).unwrap();
    assert!(!format!("{k:?}").contains("👍"), "{k:?}");
    assert_eq!(k.inline_keyboard.len(), 1, "only the related article");
}

#[test]
fn keyboard_has_feedback_and_related_buttons() {
    let k = answer_keyboard(&answer("T", "S"), None).unwrap();
    assert_eq!(k.inline_keyboard.len(), 2);
    assert_eq!(k.inline_keyboard[0].len(), 2);
}
