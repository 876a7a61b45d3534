//! Update handlers: the dptree schema and one module per kind of interaction.
//!
//! Handlers pull arguments out of the update, call one domain function and format the reply.
//! Errors are logged in full; the user sees a [`crate::error::UserError`]'s text or a generic
//! apology.

mod ask;
mod callback;
pub mod reply;
mod start;

use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;

use crate::commands::Command;

/// What every handler returns.
pub type HandlerResult = anyhow::Result<()>;

/// The whole update-handling tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    let private = dptree::filter(|msg: Message| msg.chat.is_private());
    let messages = Update::filter_message().branch(
        private
            .branch(
                dptree::entry()
                    .filter_command::<Command>()
                    .endpoint(on_command),
            )
            .branch(dptree::endpoint(ask::on_message)),
    );
    dptree::entry()
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(callback::on_callback))
}

async fn on_command(
    bot: Bot,
    msg: Message,
    cmd: Command,
    engine: crate::answer::Engine,
    store: crate::store::Store,
) -> HandlerResult {
    match cmd {
        Command::Start(payload) => start::start(bot, msg, &payload, &engine).await,
        Command::Help => start::help(bot, msg).await,
        Command::Ask(question) => ask::ask(bot, msg, &question, &engine, &store).await,
    }
}

/// Sends an HTML reply without link previews, which would push the answer off screen.
pub(crate) async fn send_html(
    bot: &Bot,
    chat: ChatId,
    html: String,
    keyboard: Option<teloxide::types::InlineKeyboardMarkup>,
) -> HandlerResult {
    let mut request = bot
        .send_message(chat, html)
        .parse_mode(teloxide::types::ParseMode::Html)
        .link_preview_options(teloxide::types::LinkPreviewOptions {
            is_disabled: true,
            url: None,
            prefer_small_media: false,
            prefer_large_media: false,
            show_above_text: false,
        });
    if let Some(k) = keyboard {
        request = request.reply_markup(k);
    }
    request.await?;
    Ok(())
}
