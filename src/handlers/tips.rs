//! Daily tips: `/tip`, `/subscribe`, `/unsubscribe`, `/settings`, `/timezone` and their
//! buttons (callback data `t:...`).

use teloxide::prelude::*;

use super::{Deps, HandlerResult, send_html};
use crate::commands::Command;

/// Handles one of the tip commands.
pub async fn handle(
    bot: crate::bot::TgBot,
    msg: Message,
    cmd: Command,
    deps: Deps,
) -> HandlerResult {
    let _ = (&cmd, &deps);
    send_html(
        &bot,
        msg.chat.id,
        teloxide::utils::html::escape("Daily tips are coming soon."),
        None,
    )
    .await
}

/// Handles a `t:` button press; `data` is what follows the prefix.
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
