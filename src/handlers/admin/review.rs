//! `/review`: the triage inbox, one question at a time in one message (`x:r:<op>` buttons).
//!
//! The message shows the most frequent question not yet dealt with and buttons to attach it
//! to a candidate article (`c<i>`), name another article (`m`, then a text message with a
//! slug or search words), call it off-topic (`o`) or skip it (`s`); `b` goes back from the
//! "another article" step. After each action the same message moves on to the next question.
//!
//! Which question the message shows lives in the store per admin ([`Prompt`]), so buttons
//! carry only what to do, and a button on an older review message is refused as expired.

use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode};
use teloxide::utils::html::{bold, code_inline, escape};

use super::teach::{lesson, lesson_html};
use super::{actor, confirm_keyboard, edit_html, library, reply, report, sender};
use crate::handlers::no_link_preview;
use crate::handlers::{Deps, HandlerResult, TgBot};
use crate::library::Lesson;
use crate::review::{self, CANDIDATES, Item, Reason};
use crate::text::clip;

/// Longest article title on a button.
const MAX_BUTTON_CHARS: usize = 50;

/// The review message an admin has open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub question: String,
    /// Where the question came from and how often (HTML).
    pub heading: String,
    /// Offered articles, in button order: (slug, title).
    pub candidates: Vec<(String, String)>,
    /// The message that shows it; buttons on any other are stale.
    pub message_id: i32,
    /// Waiting for a slug or search words ("Another article…").
    pub awaiting: bool,
}

/// `/review`: sends the first question waiting.
pub async fn start(bot: &TgBot, msg: &Message, deps: &Deps) -> HandlerResult {
    let by = sender(msg)?;
    show(bot, msg.chat.id, None, by.id, deps).await
}

/// Moves the review message on to the next question (or says the queue is empty).
pub async fn next(bot: &TgBot, message: &Message, admin: u64, deps: &Deps) -> HandlerResult {
    show(bot, message.chat.id, Some(message.id), admin, deps).await
}

/// A review button; `arg` is the operation.
pub async fn on_button(
    bot: &TgBot,
    q: &CallbackQuery,
    message: &Message,
    arg: &str,
    deps: &Deps,
) -> HandlerResult {
    let by = actor(&q.from);
    let prompt = deps
        .store
        .review_prompt::<Prompt>(by.id)?
        .filter(|p| p.message_id == message.id.0);
    let Some(mut prompt) = prompt else {
        bot.answer_callback_query(q.id.clone())
            .text("That review has moved on; send /review for the current question.")
            .await?;
        return Ok(());
    };
    let picked = arg
        .strip_prefix('c')
        .and_then(|i| i.parse::<usize>().ok())
        .and_then(|i| prompt.candidates.get(i))
        .map(|(slug, _)| slug.clone());
    match (arg, picked) {
        (_, Some(slug)) => act(bot, q, message, &prompt.question, Some(&slug), deps).await,
        ("o", _) => act(bot, q, message, &prompt.question, None, deps).await,
        ("s", _) => {
            deps.store.mark_reviewed(&prompt.question)?;
            bot.answer_callback_query(q.id.clone())
                .text("Skipped.")
                .await?;
            next(bot, message, by.id, deps).await
        }
        ("m", _) => {
            bot.answer_callback_query(q.id.clone()).await?;
            prompt.awaiting = true;
            deps.store.set_review_prompt(by.id, Some(&prompt))?;
            let html = format!(
                "Which article answers “{}”? Send its slug, or a few words to search for it.",
                escape(&prompt.question)
            );
            let back = InlineKeyboardButton::callback("◀ Back", "x:r:b");
            edit_html(
                bot,
                message,
                html,
                Some(InlineKeyboardMarkup::new([[back]])),
            )
            .await
        }
        ("b", _) => {
            bot.answer_callback_query(q.id.clone()).await?;
            prompt.awaiting = false;
            deps.store.set_review_prompt(by.id, Some(&prompt))?;
            edit_html(bot, message, prompt_html(&prompt), Some(keyboard(&prompt))).await
        }
        _ => {
            bot.answer_callback_query(q.id.clone())
                .text("That button has expired.")
                .await?;
            Ok(())
        }
    }
}

/// Whether this message answers an admin's "which article?" step.
pub fn is_awaiting(msg: &Message, deps: &Deps) -> bool {
    let Some(user) = msg
        .from
        .as_ref()
        .filter(|_| super::super::is_admin(msg, deps))
    else {
        return false;
    };
    let text = msg.text().unwrap_or("/");
    !text.starts_with('/')
        && deps
            .store
            .review_prompt::<Prompt>(user.id.0)
            .ok()
            .flatten()
            .is_some_and(|p| p.awaiting)
}

/// The admin's slug or search words for the open review question.
pub async fn on_message(bot: TgBot, msg: Message, deps: Deps) -> HandlerResult {
    let by = sender(&msg)?;
    let Some(mut prompt) = deps.store.review_prompt::<Prompt>(by.id)? else {
        return Ok(());
    };
    let words = msg.text().unwrap_or_default().trim().to_owned();
    if library(&deps).get(&words)?.is_some() {
        prompt.awaiting = false;
        deps.store.set_review_prompt(by.id, Some(&prompt))?;
        return match lesson(&deps, &prompt.question, Some(&words), false, &by).await? {
            Ok(Lesson::Done { .. }) => {
                reply(&bot, msg.chat.id, format!("✅ Attached to {words}.")).await?;
                show(&bot, msg.chat.id, None, by.id, &deps).await
            }
            Ok(owned) => {
                let (html, id) = lesson_html(&deps, &owned, Some(&words), true, &by)?;
                let keyboard = id.map(|id| confirm_keyboard(id, "Move it"));
                crate::handlers::send_html(&bot, msg.chat.id, html, keyboard).await
            }
            Err(err) => report(&bot, msg.chat.id, err).await,
        };
    }
    let found = {
        let (engine, words) = (deps.engine.clone(), words.clone());
        tokio::task::spawn_blocking(move || review::candidates(&engine, &words, None, CANDIDATES))
            .await??
    };
    if found.is_empty() {
        let text = format!("No article matches “{words}”. Send a slug (see /list) or other words.");
        return reply(&bot, msg.chat.id, text).await;
    }
    prompt.candidates = found;
    prompt.awaiting = false;
    let sent = send(&bot, msg.chat.id, &prompt).await?;
    prompt.message_id = sent.0;
    deps.store
        .set_review_prompt(by.id, Some(&prompt))
        .map_err(Into::into)
}

/// Attaches the prompt's question to `slug` (or off-topic), then moves on, or asks first
/// when it belongs elsewhere.
async fn act(
    bot: &TgBot,
    q: &CallbackQuery,
    message: &Message,
    question: &str,
    slug: Option<&str>,
    deps: &Deps,
) -> HandlerResult {
    let by = actor(&q.from);
    match lesson(deps, question, slug, false, &by).await? {
        Ok(Lesson::Done { .. }) => {
            let toast = slug.map_or_else(
                || "Marked off-topic.".to_owned(),
                |s| format!("Attached to {s}."),
            );
            bot.answer_callback_query(q.id.clone()).text(toast).await?;
            next(bot, message, by.id, deps).await
        }
        Ok(owned) => {
            bot.answer_callback_query(q.id.clone()).await?;
            let (html, id) = lesson_html(deps, &owned, slug, true, &by)?;
            edit_html(
                bot,
                message,
                html,
                id.map(|id| confirm_keyboard(id, "Move it")),
            )
            .await
        }
        Err(err) => {
            bot.answer_callback_query(q.id.clone()).await?;
            report(bot, message.chat.id, err).await
        }
    }
}

/// Shows the next question in message `edit`, or in a new message.
async fn show(
    bot: &TgBot,
    chat: ChatId,
    edit: Option<MessageId>,
    admin: u64,
    deps: &Deps,
) -> HandlerResult {
    let queue = review::queue(&deps.store)?;
    let Some(item) = queue.first().cloned() else {
        deps.store.set_review_prompt::<Prompt>(admin, None)?;
        let html = escape(
            "✅ The review queue is empty: every unanswered and 👎 question has been dealt with.",
        );
        return match edit {
            Some(id) => Ok(bot
                .edit_message_text(chat, id, html)
                .parse_mode(ParseMode::Html)
                .await
                .map(drop)?),
            None => crate::handlers::send_html(bot, chat, html, None).await,
        };
    };
    let candidates = candidates_for(deps, &item).await?;
    let mut prompt = Prompt {
        question: item.question.clone(),
        heading: heading(&item, queue.len()),
        candidates,
        message_id: edit.map_or(0, |m| m.0),
        awaiting: false,
    };
    match edit {
        Some(id) => {
            bot.edit_message_text(chat, id, prompt_html(&prompt))
                .parse_mode(ParseMode::Html)
                .reply_markup(keyboard(&prompt))
                .await?;
        }
        None => prompt.message_id = send(bot, chat, &prompt).await?.0,
    }
    deps.store.set_review_prompt(admin, Some(&prompt))?;
    Ok(())
}

/// Sends the prompt as a new message and returns its id.
async fn send(bot: &TgBot, chat: ChatId, prompt: &Prompt) -> anyhow::Result<MessageId> {
    let sent = bot
        .send_message(chat, prompt_html(prompt))
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_link_preview())
        .reply_markup(keyboard(prompt))
        .await?;
    Ok(sent.id)
}

/// A 👎 item's reader pick first, then the engine's suggestions.
async fn candidates_for(deps: &Deps, item: &Item) -> anyhow::Result<Vec<(String, String)>> {
    let (engine, question) = (deps.engine.clone(), item.question.clone());
    let (disliked, picked) = match &item.reason {
        Reason::ThumbsDown { disliked, picked } => (Some(disliked.clone()), picked.clone()),
        Reason::Unanswered => (None, None),
    };
    let mut found = tokio::task::spawn_blocking(move || {
        review::candidates(&engine, &question, disliked.as_deref(), CANDIDATES + 1)
    })
    .await??;
    if let Some(slug) = picked
        && let Some(article) = library(deps).get(&slug)?
    {
        found.retain(|(s, _)| *s != slug);
        found.insert(0, (slug, article.article.title));
    }
    found.truncate(CANDIDATES);
    Ok(found)
}

/// Where the question came from and how often, as HTML.
fn heading(item: &Item, waiting: usize) -> String {
    let why = match &item.reason {
        Reason::Unanswered => format!("Asked {} time(s), not answered.", item.count),
        Reason::ThumbsDown { disliked, picked } => {
            let pick = picked.as_deref().map_or_else(String::new, |p| {
                format!(" The reader picked {}.", code_inline(p))
            });
            format!(
                "👎 {} time(s) on {}.{pick}",
                item.count,
                code_inline(disliked)
            )
        }
    };
    format!("📝 {} · {waiting} waiting\n{why}", bold("Review"))
}

/// The question and what to do with it.
fn prompt_html(prompt: &Prompt) -> String {
    format!(
        "{}\n\n“{}”\n\nWhich article answers it?",
        prompt.heading,
        bold(&escape(&prompt.question))
    )
}

/// One button per candidate (the first "Attach to …" when a reader picked it), then
/// another article, off-topic and skip.
fn keyboard(prompt: &Prompt) -> InlineKeyboardMarkup {
    let mut rows: Vec<Vec<InlineKeyboardButton>> = prompt
        .candidates
        .iter()
        .enumerate()
        .map(|(i, (_, title))| {
            let label = format!("Attach to {}", clip(title, MAX_BUTTON_CHARS));
            vec![InlineKeyboardButton::callback(label, format!("x:r:c{i}"))]
        })
        .collect();
    rows.push(vec![
        InlineKeyboardButton::callback("Another article…", "x:r:m"),
        InlineKeyboardButton::callback("Off-topic", "x:r:o"),
        InlineKeyboardButton::callback("Skip", "x:r:s"),
    ]);
    InlineKeyboardMarkup::new(rows)
}
