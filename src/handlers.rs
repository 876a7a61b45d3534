//! Update handlers: the dptree schema and one module per kind of interaction.
//!
//! Handlers pull arguments out of the update, call one domain function and format the reply.
//! Errors are logged in full; the user sees a [`crate::error::UserError`]'s text or a generic
//! apology.

pub mod admin;
mod ask;
mod callback;
mod inline;
pub mod reply;
mod start;
pub mod tips;

use std::sync::Arc;
use std::time::Duration;

use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, LinkPreviewOptions, ParseMode};
use teloxide::{ApiError, RequestError};

use crate::answer::Engine;
use crate::clock::SharedClock;
use crate::commands::Command;
use crate::config::Config;
use crate::flood::{FloodGuard, Verdict};
use crate::store::Store;

/// The bot as handlers see it: teloxide's `Throttle` keeps sends within Telegram's limits
/// (about 30 messages a second overall, one a second per chat) and waits out 429 `retry_after`.
pub type TgBot = teloxide::adaptors::Throttle<Bot>;

/// What every handler returns.
pub type HandlerResult = anyhow::Result<()>;

/// Attempts at sending one reply when the network or the Bot API fails transiently.
const SEND_ATTEMPTS: u32 = 3;

/// Shared state every handler can use: a cheap `Clone` of `Arc`-backed handles.
#[derive(Clone)]
pub struct Deps {
    pub engine: Engine,
    pub store: Store,
    pub config: Arc<Config>,
    pub flood: FloodGuard,
    /// Every "now" a handler needs comes from here (tests may start it at a chosen instant).
    pub clock: SharedClock,
    /// The article each chat was last given, for follow-up questions (memory only).
    pub recent: crate::followup::Recent,
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
        .branch(dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(ask::on_message))
        .branch(dptree::filter_map(ask::addressed_question).endpoint(ask::on_group_question));
    dptree::entry()
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(callback::on_callback))
        .branch(Update::filter_inline_query().endpoint(inline::on_inline_query))
}

/// Whether the sender's numeric id is in `ADMIN_IDS`. Usernames are never trusted.
pub fn is_admin(msg: &Message, deps: &Deps) -> bool {
    msg.from
        .as_ref()
        .is_some_and(|u| deps.config.is_admin(u.id.0))
}

async fn on_command(bot: TgBot, msg: Message, cmd: Command, deps: Deps) -> HandlerResult {
    if !admit(&bot, &msg, &deps).await? {
        return Ok(());
    }
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

/// Applies per-user flood control to a message we are about to handle. Returns whether to
/// go on; over the limit, the user is asked once to slow down and the rest is dropped.
pub(crate) async fn admit(bot: &TgBot, msg: &Message, deps: &Deps) -> anyhow::Result<bool> {
    let Some(user) = &msg.from else {
        return Ok(true);
    };
    match deps.flood.check(user.id.0, std::time::Instant::now()) {
        Verdict::Allow => Ok(true),
        Verdict::Drop => Ok(false),
        Verdict::Warn => {
            log::info!("flood control: asking user {} to slow down", user.id);
            let text = "You're sending messages faster than I can answer well. Please wait a little and ask again.";
            send_html(bot, msg.chat.id, teloxide::utils::html::escape(text), None).await?;
            Ok(false)
        }
    }
}

/// Sends an HTML reply without link previews, which would push the answer off screen.
///
/// A chat that can no longer receive messages (blocked, kicked: 403) is logged and not
/// retried; the reply is simply dropped. See [`deliver_html`] for everything else.
pub(crate) async fn send_html(
    bot: &TgBot,
    chat: ChatId,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    match deliver_html(bot, chat, html, keyboard).await {
        Err(err) if is_unreachable_chat(&err) => {
            log::info!("chat {chat} can no longer receive messages ({err}); not retrying");
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Sends an HTML message, retrying transient failures (network, 5xx) with backoff; 429 is
/// waited out by the `Throttle` adaptor. Every other error is returned, so callers such as
/// the daily-tips task can act on a chat that is gone.
///
/// # Errors
/// The last error once retries are exhausted, or the first non-transient one.
pub(crate) async fn deliver_html(
    bot: &TgBot,
    chat: ChatId,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        let mut request = bot
            .send_message(chat, html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_link_preview());
        if let Some(k) = &keyboard {
            request = request.reply_markup(k.clone());
        }
        match request.await {
            Ok(_) => return Ok(()),
            Err(err) if is_transient(&err) && attempt < SEND_ATTEMPTS => {
                log::warn!("sending to chat {chat} failed ({err}); retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Link previews off: a preview card would push the answer itself off screen.
pub(crate) fn no_link_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Whether an error means the chat will never accept messages: blocked, kicked, deactivated.
pub fn is_unreachable_chat(err: &RequestError) -> bool {
    matches!(
        err,
        RequestError::Api(
            ApiError::BotBlocked
                | ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::BotKickedFromChannel
                | ApiError::UserDeactivated
                | ApiError::CantInitiateConversation
                | ApiError::CantTalkWithBots
                | ApiError::ChatNotFound
        )
    ) || matches!(err, RequestError::Api(ApiError::Unknown(text)) if text.starts_with("Forbidden"))
}

/// Whether an error may go away if the same request is sent again shortly.
fn is_transient(err: &RequestError) -> bool {
    matches!(
        err,
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. }
    )
}
