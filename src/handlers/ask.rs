//! Free-text questions and `/ask <question>`.

use teloxide::prelude::*;

use super::{Deps, HandlerResult, reply, send_html};
use crate::answer;
use crate::bot::TgBot;

/// Longest question we analyse; the rest of a very long message is ignored.
pub const MAX_QUESTION_CHARS: usize = 1000;

pub async fn on_message(bot: TgBot, msg: Message, deps: Deps) -> HandlerResult {
    match msg.text() {
        Some(text) => ask(bot, msg.clone(), text, &deps).await,
        None => send_html(&bot, msg.chat.id, reply::text_only_html(), None).await,
    }
}

pub async fn ask(bot: TgBot, msg: Message, question: &str, deps: &Deps) -> HandlerResult {
    let (engine, store) = (&deps.engine, &deps.store);
    let question: String = question.trim().chars().take(MAX_QUESTION_CHARS).collect();
    if question.is_empty() {
        return send_html(&bot, msg.chat.id, reply::empty_question_html(), None).await;
    }
    if let Some(user) = &msg.from
        && let Err(err) = store.touch_user(user.id.0)
    {
        log::warn!("could not record user: {err}");
    }
    let result = engine.answer(&question, answer::DEFAULT_TOP);
    let answer = match result {
        Ok(answer) => answer,
        Err(err) => {
            log::error!("answering failed: {err:#}");
            return send_html(
                &bot,
                msg.chat.id,
                teloxide::utils::html::escape(crate::error::GENERIC_APOLOGY),
                None,
            )
            .await;
        }
    };
    let best = answer.best.as_ref().map(|b| b.article.slug.as_str());
    if let Err(err) = store.record_question(chrono::Utc::now().date_naive(), best) {
        log::warn!("could not count a question: {err}");
    }
    if !answer.answered()
        && let Err(err) = store.record_unanswered(&question)
    {
        log::warn!("could not record an unanswered question: {err}");
    }
    send_html(
        &bot,
        msg.chat.id,
        reply::answer_html(&answer),
        reply::answer_keyboard(&answer),
    )
    .await
}
