//! Update handlers: the dptree schema and one module per kind of interaction.
//!
//! Handlers pull arguments out of the update, call one domain function and format the reply.
//! Errors are logged in full; the user sees a [`crate::error::UserError`]'s text or a generic
//! apology.

pub mod admin;
mod ask;
mod browse;
mod callback;
mod inline;
mod reassign;
pub mod reply;
mod start;
pub mod tips;
pub mod trace;

use std::sync::Arc;
use std::time::Duration;

use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, LinkPreviewOptions, ParseMode};
use teloxide::utils::html::escape;
use teloxide::{ApiError, RequestError};

use crate::answer::Engine;
use crate::clock::SharedClock;
use crate::commands::Command;
use crate::config::Config;
use crate::error::{GENERIC_APOLOGY, user_message};
use crate::flood::{Cost, FloodGuard, Verdict};
use crate::pacer::{Lane, Pacer};
use crate::store::Store;
use crate::telemetry;
use crate::text::clip;

pub use trace::{count_request_error, set_outcome};

/// The bot as handlers see it: the Bot API client (through `Deref`) and the [`Pacer`] that
/// every outgoing message waits on, so sends stay within Telegram's limits.
#[derive(Clone)]
pub struct TgBot {
    bot: Bot,
    pacer: Pacer,
    /// First wait before sending again when the connection could not be opened.
    retry_base: Duration,
}

impl TgBot {
    /// The client `bot`, pacing its messages with `pacer`.
    pub fn new(bot: Bot, pacer: Pacer, retry_base: Duration) -> Self {
        Self {
            bot,
            pacer,
            retry_base,
        }
    }

    /// Waits until a message may be sent to `chat`; see [`Pacer::wait_turn`].
    pub(crate) async fn wait_turn(&self, chat: ChatId, lane: Lane) {
        self.pacer.wait_turn(chat.0, lane).await;
    }
}

impl std::ops::Deref for TgBot {
    type Target = Bot;

    fn deref(&self) -> &Bot {
        &self.bot
    }
}

/// Telegram's limit on a callback answer's text, in characters.
const MAX_TOAST_CHARS: usize = 200;

/// What every handler returns.
pub type HandlerResult = anyhow::Result<()>;

/// Attempts at sending one message when a retry is safe: the connection never opened, or
/// Telegram asked to wait (429).
const SEND_ATTEMPTS: u32 = 4;

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
        .branch(dptree::entry().filter_command::<Command>().endpoint(
            |bot: TgBot, msg: Message, cmd: Command, deps: Deps| async move {
                let chat = msg.chat.id;
                or_apology(&bot, chat, on_command(bot.clone(), msg, cmd, deps).await).await
            },
        ))
        .branch(
            dptree::filter(|msg: Message, deps: Deps| admin::review::is_awaiting(&msg, &deps))
                .endpoint(admin::review::on_message),
        )
        .branch(
            dptree::filter(|msg: Message, deps: Deps| admin::dialogue::is_active(&msg, &deps))
                .endpoint(admin::dialogue::on_message),
        )
        .branch(
            dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(
                |bot: TgBot, msg: Message, deps: Deps| async move {
                    let chat = msg.chat.id;
                    or_apology(&bot, chat, ask::on_message(bot.clone(), msg, deps).await).await
                },
            ),
        )
        .branch(dptree::filter_map(ask::addressed_question).endpoint(
            |bot: TgBot, msg: Message, q: ask::GroupQuestion, deps: Deps| async move {
                let chat = msg.chat.id;
                let result = ask::on_group_question(bot.clone(), msg, q, deps).await;
                or_apology(&bot, chat, result).await
            },
        ));
    trace::timed(
        dptree::entry()
            .branch(messages)
            .branch(Update::filter_callback_query().endpoint(
                |bot: TgBot, q: CallbackQuery, deps: Deps| async move {
                    let result = callback::on_callback(bot.clone(), q.clone(), deps).await;
                    or_answered(&bot, &q, result).await
                },
            ))
            .branch(Update::filter_inline_query().endpoint(inline::on_inline_query)),
    )
}

/// The one error-to-reply path of the question, command and button handlers (admin tools
/// have their own, with admin wording): an internal failure is logged in full, and the user
/// gets the error's own text (a [`UserError`]) or the generic apology, so no failure is
/// met with silence.
async fn or_apology(bot: &TgBot, chat: ChatId, result: HandlerResult) -> HandlerResult {
    let Err(err) = result else {
        return Ok(());
    };
    trace::failed(&err);
    let text = user_message(&err);
    if text == GENERIC_APOLOGY {
        log::error!("an update handler failed: {err:#}");
    }
    send_html(bot, chat, escape(&text), None).await
}

/// [`or_apology`] for a button press: the press is answered with the apology too, so the
/// button stops spinning even when the handler failed before answering it.
async fn or_answered(bot: &TgBot, q: &CallbackQuery, result: HandlerResult) -> HandlerResult {
    let Err(err) = result else {
        return Ok(());
    };
    let text = user_message(&err);
    // A handler that failed after answering leaves this second answer refused, harmlessly.
    if let Err(again) = bot
        .answer_callback_query(q.id.clone())
        .text(clip(&text, MAX_TOAST_CHARS))
        .await
    {
        log::debug!("the failed button press was already answered ({again})");
    }
    match q.regular_message() {
        Some(m) => or_apology(bot, m.chat.id, Err(err)).await,
        None => {
            trace::failed(&err);
            log::error!("a button handler failed: {err:#}");
            Ok(())
        }
    }
}

/// Whether the sender's numeric id is in `ADMIN_IDS`. Usernames are never trusted.
pub fn is_admin(msg: &Message, deps: &Deps) -> bool {
    msg.from
        .as_ref()
        .is_some_and(|u| deps.config.is_admin(u.id.0))
}

async fn on_command(bot: TgBot, msg: Message, cmd: Command, deps: Deps) -> HandlerResult {
    let cost = match cmd {
        Command::Ask(_) => Cost::Question,
        _ => Cost::Cheap,
    };
    if !admit(&bot, &msg, &deps, cost).await? {
        return Ok(());
    }
    match cmd {
        Command::Start(payload) => start::start(bot, msg, &payload, &deps).await,
        Command::Help => start::help(bot, msg).await,
        Command::Ask(question) => ask::ask(bot, msg, &question, &deps).await,
        Command::Topics => browse::topics(bot, msg, &deps).await,
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
pub(crate) async fn admit(
    bot: &TgBot,
    msg: &Message,
    deps: &Deps,
    cost: Cost,
) -> anyhow::Result<bool> {
    let Some(user) = &msg.from else {
        return Ok(true);
    };
    match deps.flood.check(user.id.0, cost) {
        Verdict::Allow => Ok(true),
        Verdict::Drop => {
            telemetry::flood_dropped();
            set_outcome("flood_dropped");
            Ok(false)
        }
        Verdict::Warn => {
            telemetry::flood_dropped();
            set_outcome("flood_warned");
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
    match deliver_html(bot, chat, html, keyboard, Lane::Reply).await {
        Err(err) if is_unreachable_chat(&err) => {
            count_request_error(&err);
            log::info!("chat {chat} can no longer receive messages ({err}); not retrying");
            Ok(())
        }
        other => Ok(other?),
    }
}

/// Sends an HTML message when the [`Pacer`] lets it out in `lane`. Only what cannot have
/// been delivered is sent again: a 429 `retry_after` (the chat is frozen until then) and a
/// connection that never opened (after a doubling wait). A timeout, a dropped connection or
/// a 5xx after the request went out may mean Telegram delivered it, so that is returned, not
/// retried: a user must never get the same answer twice. Callers such as the daily-tips
/// task act on the error (a chat that is gone).
///
/// # Errors
/// The last error once retries are exhausted, or the first one that is not safe to retry.
pub(crate) async fn deliver_html(
    bot: &TgBot,
    chat: ChatId,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
    lane: Lane,
) -> Result<(), RequestError> {
    let mut delay = bot.retry_base;
    let mut attempt = 1;
    loop {
        bot.wait_turn(chat, lane).await;
        let mut request = bot
            .send_message(chat, html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_link_preview());
        if let Some(k) = &keyboard {
            request = request.reply_markup(k.clone());
        }
        let err = match request.await {
            Ok(_) => return Ok(()),
            Err(err) if attempt >= SEND_ATTEMPTS => return Err(err),
            Err(err) => err,
        };
        match &err {
            RequestError::RetryAfter(wait) => {
                count_request_error(&err);
                log::info!("chat {chat}: Telegram asks to wait {wait:?}; sending then");
                bot.pacer.freeze(chat.0, wait.duration());
            }
            RequestError::Network(e) if e.is_connect() => {
                count_request_error(&err);
                log::warn!("sending to chat {chat} failed ({err}); retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            _ => return Err(err),
        }
        attempt += 1;
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
