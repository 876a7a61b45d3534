//! `/start` (with optional `a_<slug>` deep link) and `/help`.

use teloxide::prelude::*;

use super::{HandlerResult, reply, send_html};
use crate::answer::Engine;

/// Example questions offered to new users.
pub const EXAMPLES: [&str; 3] = [
    "How long should bleeding last after a tooth extraction?",
    "What helps a tension headache?",
    "Is my sore throat strep or a cold?",
];

pub async fn start(bot: Bot, msg: Message, payload: &str, engine: &Engine) -> HandlerResult {
    if let Some(slug) = payload.strip_prefix("a_") {
        return reply::send_article(&bot, msg.chat.id, engine, slug).await;
    }
    send_html(
        &bot,
        msg.chat.id,
        reply::welcome_html(),
        Some(reply::examples_keyboard()),
    )
    .await
}

pub async fn help(bot: Bot, msg: Message) -> HandlerResult {
    send_html(&bot, msg.chat.id, reply::help_html(), None).await
}
