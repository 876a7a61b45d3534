//! Telegram HTML for every reply: answers, article cards, welcome and help.
//!
//! All text from articles and users is escaped; only the tags written here are markup.
//! Every message is kept within Telegram's 4096-character limit.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::{bold, escape, italic, link};

use super::{HandlerResult, send_html};
use crate::answer::{Answer, DISCLAIMER};
use crate::content::Category;
use crate::safety::Emergency;
use crate::text::clip;
use crate::topics::{Catalogue, Entry, Link, Position};

/// Telegram's limit on one message's text, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4096;
/// Callback data of the "Not this one" button under a follow-up answer.
pub const NOT_THIS_ONE: &str = "f:";
/// Longest button label we show; Telegram truncates long ones anyway.
pub const MAX_BUTTON_CHARS: usize = 60;

/// The reply to a question.
pub fn answer_html(answer: &Answer) -> String {
    let mut parts = Vec::new();
    if let Some(e) = &answer.emergency {
        parts.push(emergency_html(e));
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

/// Emergency advice as the first paragraph of a reply.
pub fn emergency_html(e: &Emergency) -> String {
    if e.crisis {
        // Someone in crisis needs warmth before anything else, not an alarm.
        format!("💛 {}", escape(&e.advice))
    } else {
        format!(
            "🚨 {} {}",
            bold("This may be an emergency."),
            escape(&e.advice)
        )
    }
}

/// Buttons under an answer: feedback on the best article (never on a crisis reply), then
/// related articles, or the plausible "did you mean" suggestions when there is no answer.
/// With the id of the kept answer record, 👎 offers other articles (`dn:<id>`); without, it
/// only counts.
pub fn answer_keyboard(answer: &Answer, record: Option<u64>) -> Option<InlineKeyboardMarkup> {
    let mut rows = Vec::new();
    if let Some(best) = answer.best.as_ref().filter(|_| !answer.is_crisis()) {
        let down = match record {
            Some(id) => format!("dn:{id}"),
            None => format!("d:{}", best.article.slug),
        };
        rows.push(vec![
            InlineKeyboardButton::callback("👍 Helpful", format!("u:{}", best.article.slug)),
            InlineKeyboardButton::callback("👎 Not helpful", down),
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

/// Sends one article's card: title, its general summary and the source link, with
/// feedback buttons and its place in its category (see [`article_card`]).
pub async fn send_article(
    bot: &super::TgBot,
    chat: ChatId,
    deps: &super::Deps,
    slug: &str,
) -> HandlerResult {
    match article_card(deps, slug)? {
        Some((html, keyboard)) => {
            // A follow-up question ("how long does it last?") is about the article just opened.
            deps.recent.remember(chat.0, slug, deps.clock.now());
            send_html(bot, chat, html, Some(keyboard)).await
        }
        None => send_html(bot, chat, escape(ARTICLE_GONE), None).await,
    }
}

/// What a reader is told when an article they open has been deleted.
pub const ARTICLE_GONE: &str =
    "Sorry, I can't find that article any more. Try asking your question again.";

/// One article's card and its buttons: 👍/👎, "◀ Previous" and "Next ▶" within its category
/// and "More in <category>". Counts as a read. `None` for an unknown slug.
///
/// # Errors
/// Only if the store or the index cannot be read.
pub fn article_card(
    deps: &super::Deps,
    slug: &str,
) -> anyhow::Result<Option<(String, InlineKeyboardMarkup)>> {
    let Some(a) = deps.engine.article(slug)? else {
        return Ok(None);
    };
    if let Err(err) = deps.store.record_read(&a.slug) {
        log::warn!("could not count an article read: {err}");
    }
    let summary = deps.engine.summary(&a.slug, None)?.unwrap_or_default();
    let catalogue = Catalogue::new(deps.engine.categories(), &deps.store.articles()?);
    let keyboard = card_keyboard(&a.slug, catalogue.locate(&a.slug).as_ref());
    Ok(Some((card_html(&a, &summary), keyboard)))
}

/// Buttons under an article card: feedback, then its neighbours and its category.
pub fn card_keyboard(slug: &str, position: Option<&Position<'_>>) -> InlineKeyboardMarkup {
    let mut rows = vec![vec![
        InlineKeyboardButton::callback("👍 Helpful", format!("u:{slug}")),
        InlineKeyboardButton::callback("👎 Not helpful", format!("d:{slug}")),
    ]];
    if let Some(p) = position {
        let step = |label: &str, entry: &Entry| {
            let link = Link::Article {
                slug: entry.slug.clone(),
            };
            InlineKeyboardButton::callback(label, link.encode())
        };
        let neighbours: Vec<InlineKeyboardButton> = [
            p.previous.map(|e| step("◀ Previous", e)),
            p.next.map(|e| step("Next ▶", e)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !neighbours.is_empty() {
            rows.push(neighbours);
        }
        let link = Link::Topic {
            id: p.category.id.clone(),
            page: p.page,
        };
        rows.push(vec![more_in(p.category, &link)]);
    }
    InlineKeyboardMarkup::new(rows)
}

/// Adds the answer's "More in <category>" button, which opens the category in a message of
/// its own, below the other buttons.
pub fn with_category(
    keyboard: Option<InlineKeyboardMarkup>,
    category: Option<&Category>,
) -> Option<InlineKeyboardMarkup> {
    let Some(c) = category else {
        return keyboard;
    };
    let button = more_in(c, &Link::MoreIn { id: c.id.clone() });
    Some(
        keyboard
            .unwrap_or_else(|| InlineKeyboardMarkup::new(Vec::<Vec<InlineKeyboardButton>>::new()))
            .append_row(vec![button]),
    )
}

/// A "More in <category>" button leading to `link`.
fn more_in(category: &Category, link: &Link) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(
        clip(&format!("More in {}", category.name), MAX_BUTTON_CHARS),
        link.encode(),
    )
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
         /topics lets you browse the articles by topic.\n\
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
mod tests;
