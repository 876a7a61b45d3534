//! Update handlers: the dptree schema and one module per kind of interaction.
//!
//! Handlers pull arguments out of the update, call one domain function and format the reply.
//! Errors are logged in full; the user sees a [`crate::error::UserError`]'s text or a generic
//! apology.

pub mod admin;
mod ask;
mod callback;
pub mod reply;
mod start;
pub mod tips;

use std::sync::Arc;

use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, LinkPreviewOptions, ParseMode};

use crate::answer::Engine;
use crate::bot::TgBot;
use crate::commands::Command;
use crate::config::Config;
use crate::store::Store;

/// What every handler returns.
pub type HandlerResult = anyhow::Result<()>;

/// Shared state every handler can use: a cheap `Clone` of `Arc`-backed handles.
#[derive(Clone)]
pub struct Deps {
    pub engine: Engine,
    pub store: Store,
    pub config: Arc<Config>,
}

/// The whole update-handling tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    // Admin commands come from text or, for `/import`, a document's caption.
    let admin_commands =
        dptree::filter_map(|msg: Message, me: teloxide::types::Me| admin::parse_command(&msg, &me))
            .branch(
                dptree::filter(|msg: Message, deps: Deps| is_admin(&msg, &deps))
                    .endpoint(admin::handle),
            )
            .branch(dptree::endpoint(|bot: TgBot, msg: Message| {
                admin::refuse(bot, msg)
            }));
    let private = dptree::filter(|msg: Message| msg.chat.is_private());
    let messages = Update::filter_message()
        .branch(admin_commands)
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(on_command),
        )
        .branch(
            dptree::filter(|msg: Message, deps: Deps| admin::dialogue::is_active(&msg, &deps))
                .endpoint(admin::dialogue::on_message),
        )
        .branch(private.endpoint(ask::on_message));
    dptree::entry()
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(callback::on_callback))
}

/// Whether the sender's numeric id is in `ADMIN_IDS`. Usernames are never trusted.
pub fn is_admin(msg: &Message, deps: &Deps) -> bool {
    msg.from
        .as_ref()
        .is_some_and(|u| deps.config.is_admin(u.id.0))
}

async fn on_command(bot: TgBot, msg: Message, cmd: Command, deps: Deps) -> HandlerResult {
    match cmd {
        Command::Start(payload) => start::start(bot, msg, &payload, &deps).await,
        Command::Help => start::help(bot, msg).await,
        Command::Ask(question) => ask::ask(bot, msg, &question, &deps).await,
        Command::Privacy => start::privacy(bot, msg).await,
        Command::Forget => start::forget(bot, msg, &deps).await,
        cmd @ (Command::Tip
        | Command::Subscribe(_)
        | Command::Unsubscribe
        | Command::Settings
        | Command::Timezone(_)) => tips::handle(bot, msg, cmd, deps).await,
    }
}

/// Sends an HTML reply without link previews, which would push the answer off screen.
pub(crate) async fn send_html(
    bot: &TgBot,
    chat: ChatId,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    let mut request = bot
        .send_message(chat, html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(LinkPreviewOptions {
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
