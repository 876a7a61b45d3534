//! Telegram HTML for every reply: answers, article cards, welcome and help.
//!
//! All text from articles and users is escaped; only the tags written here are markup.
//! Every message is kept within Telegram's 4096-character limit.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::{bold, escape, italic, link};

use super::{HandlerResult, send_html};
use crate::answer::{Answer, DISCLAIMER};
use crate::text::clip;

/// Telegram's limit on one message's text, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4096;
/// Callback data of the "Not this one" button under a follow-up answer.
pub const NOT_THIS_ONE: &str = "f:";
/// Longest button label we show; Telegram truncates long ones anyway.
const MAX_BUTTON_CHARS: usize = 60;

/// The reply to a question.
pub fn answer_html(answer: &Answer) -> String {
    let mut parts = Vec::new();
    if let Some(e) = &answer.emergency {
        parts.push(format!(
            "🚨 {} {}",
            bold("This may be an emergency."),
            escape(&e.advice)
        ));
    }
    if let Some(reply) = &answer.small_talk {
        return escape(&reply.text);
    }
    match &answer.best {
        Some(best) => {
            let title = bold(&escape(&best.article.title));
            // A follow-up names the article, so a wrong guess is obvious ("Not this one").
            let heading = if answer.follow_up {
                format!("About {title}:")
            } else {
                title
            };
            parts.push(format!("{heading}\n{}", escape(&best.summary)));
            parts.push(link(
                &best.article.url,
                &format!("Read more at {}", source_name(&best.article.url)),
            ));
            if !answer.related.is_empty() {
                parts.push(italic("Related articles are below."));
            }
        }
        None if answer.suggestions().next().is_none() => {
            parts.push(escape("I don't have an article on that, and I'd rather not guess. Try describing the symptom in a few words (\"sore throat for a week\") or naming the condition, or send /help."));
        }
        None => {
            parts.push(escape("I'm not sure I have an article on exactly that, and I'd rather not guess. Did you mean one of these?"));
        }
    }
    parts.push(italic(&escape(DISCLAIMER)));
    fit(parts)
}

/// Buttons under an answer: feedback on the best article, then related articles, or the
/// plausible "did you mean" suggestions when there is no answer.
pub fn answer_keyboard(answer: &Answer) -> Option<InlineKeyboardMarkup> {
    let mut rows = Vec::new();
    if let Some(best) = &answer.best {
        rows.push(vec![
            InlineKeyboardButton::callback("👍 Helpful", format!("u:{}", best.article.slug)),
            InlineKeyboardButton::callback("👎 Not helpful", format!("d:{}", best.article.slug)),
        ]);
        if answer.follow_up {
            rows.push(vec![InlineKeyboardButton::callback(
                "Not this one",
                NOT_THIS_ONE,
            )]);
        }
    }
    let offered: Vec<&crate::answer::Suggestion> = if answer.best.is_some() {
        answer.related.iter().collect()
    } else {
        answer.suggestions().collect()
    };
    for a in offered.into_iter().take(3) {
        let data = format!("a:{}", a.slug);
        // Telegram rejects callback data over 64 bytes; such an article simply gets no button.
        if data.len() <= 64 {
            rows.push(vec![InlineKeyboardButton::callback(
                clip(&a.title, MAX_BUTTON_CHARS),
                data,
            )]);
        }
    }
    (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows))
}

/// Sends one article's card: title, its general summary and the source link.
pub async fn send_article(
    bot: &super::TgBot,
    chat: ChatId,
    deps: &super::Deps,
    slug: &str,
) -> HandlerResult {
    let article = deps.engine.article(slug)?;
    let Some(a) = article else {
        return send_html(
            bot,
            chat,
            escape("Sorry, I can't find that article any more. Try asking your question again."),
            None,
        )
        .await;
    };
    if let Err(err) = deps.store.record_read(&a.slug) {
        log::warn!("could not count an article read: {err}");
    }
    let summary = deps.engine.summary(&a.slug, None)?.unwrap_or_default();
    // A follow-up question ("how long does it last?") is about the article just opened.
    deps.recent.remember(chat.0, &a.slug, deps.clock.now());
    let html = card_html(&a, &summary);
    let keyboard = InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback("👍 Helpful", format!("u:{}", a.slug)),
        InlineKeyboardButton::callback("👎 Not helpful", format!("d:{}", a.slug)),
    ]]);
    send_html(bot, chat, html, Some(keyboard)).await
}

/// One article as a self-contained card: bold title, summary, source link, disclaimer.
pub fn card_html(a: &crate::content::Article, summary: &str) -> String {
    fit(vec![
        format!("{}\n{}", bold(&escape(&a.title)), escape(summary)),
        link(&a.url, &format!("Read more at {}", source_name(&a.url))),
        italic(&escape(DISCLAIMER)),
    ])
}

/// The `/start` greeting.
pub fn welcome_html() -> String {
    format!(
        "👋 {}\n\nAsk me an everyday health question in your own words and I'll reply with a short answer \
         from a sourced article, a link to read more and related topics. Try one of these:\n\n{}",
        bold("Hi! I'm a health information bot."),
        italic(&escape(DISCLAIMER))
    )
}

/// Buttons with example questions for new users.
pub fn examples_keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(super::start::EXAMPLES.iter().enumerate().map(|(i, q)| {
        vec![InlineKeyboardButton::callback(
            clip(q, MAX_BUTTON_CHARS),
            format!("q:{i}"),
        )]
    }))
}

/// The `/help` text.
pub fn help_html() -> String {
    format!(
        "{}\n\nJust type your question, for example {}.\n\n/ask {} asks in a group chat too.\n\
         If something sounds like an emergency I'll say so first. Every answer links to its source.\n\n{}",
        bold("How to use me"),
        italic("how long does a cold last"),
        escape("<question>"),
        italic(&escape(DISCLAIMER))
    )
}

/// The reply to stickers, photos, voice notes and other non-text messages.
pub fn text_only_html() -> String {
    escape("I can only read text. Please type your health question as a message.")
}

/// The reply to an empty `/ask`.
pub fn empty_question_html() -> String {
    escape("Please add your question after /ask, for example: /ask how long does a cold last")
}

/// A readable name for a source link: its host without `www.`.
fn source_name(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_owned())
        })
        .unwrap_or_else(|| "the source".to_owned())
}

/// Joins paragraphs, dropping middle ones (never the first or the disclaimer) until the
/// visible text fits Telegram's limit.
fn fit(mut parts: Vec<String>) -> String {
    while parts.len() > 2 && visible_len(&parts.join("\n\n")) > MAX_MESSAGE_CHARS {
        parts.remove(parts.len() - 2);
    }
    let text = parts.join("\n\n");
    if visible_len(&text) <= MAX_MESSAGE_CHARS {
        return text;
    }
    // Only reachable with absurd operator-supplied emergency text: fall back to plain text.
    let plain: String = escape(&strip_tags(&text))
        .chars()
        .take(MAX_MESSAGE_CHARS / 2)
        .collect();
    plain.trim_end_matches(|c| c != ';' && c != ' ').to_owned()
}

/// Length of the text Telegram will display: tags removed, entities counted as one character.
pub fn visible_len(html: &str) -> usize {
    let text = strip_tags(html);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .chars()
        .count()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
        let k = answer_keyboard(&a).unwrap();
        assert!(
            k.inline_keyboard.iter().flatten().any(|b| matches!(
                &b.kind,
                teloxide::types::InlineKeyboardButtonKind::CallbackData(d) if d == NOT_THIS_ONE
            )),
            "{k:?}"
        );
    }

    #[test]
    fn keyboard_has_feedback_and_related_buttons() {
        let k = answer_keyboard(&answer("T", "S")).unwrap();
        assert_eq!(k.inline_keyboard.len(), 2);
        assert_eq!(k.inline_keyboard[0].len(), 2);
    }
}
