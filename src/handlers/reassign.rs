//! 👎 on an answer, then "Were you looking for…?": the answer's 👎 button (`dn:<id>`) counts
//! the 👎, keeps the masked question for `/review` and offers up to 3 other articles
//! (`dk:<id>:<n>`); a pick is recorded as a suggested phrasing and its article is sent.
//!
//! The id names an answer record in the store (question and article, no user id), since a
//! question does not fit in a button's 64 bytes.

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::escape;

use super::{Deps, HandlerResult, TgBot, reply, send_html};
use crate::review;
use crate::text::clip;

/// Other articles offered after a 👎.
const OFFERED: usize = 3;
/// Longest article title on a button.
const MAX_BUTTON_CHARS: usize = 60;

/// The 👎 button under an answer.
pub async fn on_thumbs_down(bot: TgBot, q: CallbackQuery, arg: &str, deps: Deps) -> HandlerResult {
    let id = arg.parse::<u64>().ok();
    let record = match id {
        Some(id) => deps.store.answer_record(id)?.map(|r| (id, r)),
        None => None,
    };
    let Some((id, mut record)) = record else {
        bot.answer_callback_query(q.id.clone())
            .text("Thanks for your feedback!")
            .await?;
        return Ok(());
    };
    deps.store.record_feedback(&record.slug, false)?;
    deps.store
        .record_thumbs_down(&record.question, &record.slug)?;
    let offered = {
        let (engine, question, slug) = (
            deps.engine.clone(),
            record.question.clone(),
            record.slug.clone(),
        );
        tokio::task::spawn_blocking(move || {
            review::candidates(&engine, &question, Some(&slug), OFFERED)
        })
        .await
        .context("reassign candidates task")??
    };
    record.offered = offered.iter().map(|(slug, _)| slug.clone()).collect();
    deps.store.set_offered(id, &record)?;
    bot.answer_callback_query(q.id.clone())
        .text("Thanks for your feedback!")
        .await?;
    let Some(chat) = q
        .regular_message()
        .map(|m| m.chat.id)
        .filter(|_| !offered.is_empty())
    else {
        return Ok(());
    };
    let rows = offered.iter().enumerate().map(|(n, (_, title))| {
        vec![InlineKeyboardButton::callback(
            clip(title, MAX_BUTTON_CHARS),
            format!("dk:{id}:{n}"),
        )]
    });
    let text = "Thanks for telling me. Were you looking for one of these?";
    send_html(
        &bot,
        chat,
        escape(text),
        Some(InlineKeyboardMarkup::new(rows)),
    )
    .await
}

/// A pick among the articles offered after a 👎.
pub async fn on_pick(bot: TgBot, q: CallbackQuery, arg: &str, deps: Deps) -> HandlerResult {
    let pick = arg.split_once(':').and_then(|(id, n)| {
        let id = id.parse::<u64>().ok()?;
        Some((id, n.parse::<usize>().ok()?))
    });
    let record = match pick {
        Some((id, n)) => deps
            .store
            .answer_record(id)?
            .and_then(|r| r.offered.get(n).cloned().map(|slug| (r, slug))),
        None => None,
    };
    let (Some((record, slug)), Some(chat)) = (record, q.regular_message().map(|m| m.chat.id))
    else {
        bot.answer_callback_query(q.id.clone())
            .text("That button has expired.")
            .await?;
        return Ok(());
    };
    deps.store
        .record_pick(&record.question, &record.slug, &slug)?;
    bot.answer_callback_query(q.id.clone())
        .text("Thanks! That helps me answer better.")
        .await?;
    reply::send_article(&bot, chat, &deps, &slug).await
}
