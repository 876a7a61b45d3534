//! Admin tools: growing and curating the library from Telegram (callback data `x:...`).
//!
//! Every entry point checks the sender against `ADMIN_IDS` again, even though the dptree
//! branch already filtered, so a wiring mistake cannot open admin commands to everyone.

use teloxide::prelude::*;

use super::{Deps, HandlerResult, send_html};
use crate::commands::AdminCommand;

/// The neutral reply to anyone who is not an admin.
pub const NOT_ALLOWED: &str = "Sorry, that command isn't available.";

/// Handles an admin command from a verified admin.
pub async fn handle(
    bot: crate::bot::TgBot,
    msg: Message,
    cmd: AdminCommand,
    deps: Deps,
) -> HandlerResult {
    if !super::is_admin(&msg, &deps) {
        return refuse(bot, msg).await;
    }
    let _ = &cmd;
    send_html(
        &bot,
        msg.chat.id,
        teloxide::utils::html::escape("Admin tools are coming soon."),
        None,
    )
    .await
}

/// Replies to a non-admin who tried an admin command.
pub async fn refuse(bot: crate::bot::TgBot, msg: Message) -> HandlerResult {
    send_html(
        &bot,
        msg.chat.id,
        teloxide::utils::html::escape(NOT_ALLOWED),
        None,
    )
    .await
}

/// Handles an `x:` button press; `data` is what follows the prefix.
pub async fn on_callback(
    bot: crate::bot::TgBot,
    q: CallbackQuery,
    data: &str,
    deps: Deps,
) -> HandlerResult {
    let _ = (data, &deps);
    bot.answer_callback_query(q.id).await?;
    Ok(())
}
