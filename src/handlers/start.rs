//! `/start` (with optional `a_<slug>` deep link), `/help`, `/privacy` and `/forget`.

use teloxide::prelude::*;
use teloxide::utils::html::{bold, escape};

use super::{Deps, HandlerResult, reply, send_html};
use crate::handlers::TgBot;

/// Example questions offered to new users.
pub const EXAMPLES: [&str; 3] = [
    "How long should bleeding last after a tooth extraction?",
    "What helps a tension headache?",
    "Is my sore throat strep or a cold?",
];

pub async fn start(bot: TgBot, msg: Message, payload: &str, deps: &Deps) -> HandlerResult {
    if let Some(slug) = payload.strip_prefix("a_") {
        return reply::send_article(&bot, msg.chat.id, deps, slug).await;
    }
    send_html(
        &bot,
        msg.chat.id,
        reply::welcome_html(),
        Some(reply::examples_keyboard()),
    )
    .await
}

pub async fn help(bot: TgBot, msg: Message) -> HandlerResult {
    send_html(&bot, msg.chat.id, reply::help_html(), None).await
}

pub async fn privacy(bot: TgBot, msg: Message) -> HandlerResult {
    let html = format!(
        "{}\n\n{}\n\n{}\n\n{}",
        bold("What I store"),
        escape(
            "Your numeric Telegram id and when you first used me; your daily-tip subscription, time and timezone, if you \
             set them; which tips you have already received; and counts of 👍/👎 per article. Questions I could not \
             answer are kept as anonymised text, with no link to you, so the library can grow."
        ),
        escape(
            "I do not store your chat history or your name. Send /forget to delete everything stored about you."
        ),
        escape(
            "Logs: each message is logged with its kind, how long the answer took and how it ended, never its \
             text and never your name. The text of a question appears only in debug logs, which are off unless \
             the operator switches them on to fix a problem. Operator backups hold the stored data above."
        )
    );
    send_html(&bot, msg.chat.id, html, None).await
}

pub async fn forget(bot: TgBot, msg: Message, deps: &Deps) -> HandlerResult {
    let Some(user) = &msg.from else { return Ok(()) };
    deps.store.forget_user(user.id.0)?;
    deps.recent.forget(msg.chat.id.0);
    send_html(
        &bot,
        msg.chat.id,
        escape("Done: everything I stored about you has been deleted."),
        None,
    )
    .await
}
