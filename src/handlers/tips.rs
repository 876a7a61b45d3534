//! Daily tips over Telegram: `/tip`, `/subscribe`, `/unsubscribe`, `/settings`, `/timezone`,
//! their buttons (callback data `t:...`) and [`TelegramNotifier`], the delivery task's way
//! out. The decisions live in [`crate::tips`]; this module parses and formats.

mod notifier;
mod view;

use chrono_tz::Tz;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;
use teloxide::utils::html::escape;

use super::{Deps, HandlerResult, send_html};
use crate::commands::Command;
use crate::error::{UserError, user_message};
use crate::handlers::TgBot;
use crate::tips::{schedule, subscriptions};

pub use notifier::TelegramNotifier;

/// A reply: HTML text and optional buttons.
struct Reply {
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
}

impl Reply {
    fn text(text: &str) -> Self {
        Self {
            html: escape(text),
            keyboard: None,
        }
    }
}

/// Who is asking and where to answer.
struct Asker<'a> {
    user_id: u64,
    chat: ChatId,
    deps: &'a Deps,
}

/// Handles one of the tip commands.
pub async fn handle(bot: TgBot, msg: Message, cmd: Command, deps: Deps) -> HandlerResult {
    let Some(user) = &msg.from else {
        return Ok(());
    };
    let asker = Asker {
        user_id: user.id.0,
        chat: msg.chat.id,
        deps: &deps,
    };
    let reply = match cmd {
        Command::Tip => tip(&asker),
        Command::Subscribe(args) => subscribe(&asker, &args),
        Command::Unsubscribe => unsubscribe(&asker),
        Command::Settings => settings(&asker),
        Command::Timezone(zone) => timezone(&asker, &zone),
        _ => return Ok(()),
    };
    respond(&bot, msg.chat.id, reply).await
}

/// Handles a `t:` button press; `data` is what follows the prefix.
pub async fn on_callback(bot: TgBot, q: CallbackQuery, data: &str, deps: Deps) -> HandlerResult {
    let chat = q.regular_message().map_or_else(
        || ChatId(i64::try_from(q.from.id.0).unwrap_or_default()),
        |m| m.chat.id,
    );
    let asker = Asker {
        user_id: q.from.id.0,
        chat,
        deps: &deps,
    };
    let (reply, toast) = match data.split_once(':') {
        Some(("time", at)) => (choose_time(&asker, at), "Saved"),
        _ => match data {
            "unsub" => (unsubscribe(&asker), "Unsubscribed"),
            "pause" => (pause(&asker, true), "Paused"),
            "resume" => (pause(&asker, false), "Resumed"),
            "menu" => (settings(&asker), "Daily tip"),
            _ => {
                bot.answer_callback_query(q.id)
                    .text("That button has expired.")
                    .await?;
                return Ok(());
            }
        },
    };
    bot.answer_callback_query(q.id).text(toast).await?;
    respond(&bot, chat, reply).await
}

/// Sends a reply, or the error's user text (internal errors are logged, not shown).
async fn respond(bot: &TgBot, chat: ChatId, reply: anyhow::Result<Reply>) -> HandlerResult {
    let reply = reply.unwrap_or_else(|err| {
        if err.downcast_ref::<UserError>().is_none() {
            log::error!("tips: {err:#}");
        }
        Reply::text(&user_message(&err))
    });
    send_html(bot, chat, reply.html, reply.keyboard).await
}

fn tip(asker: &Asker) -> anyhow::Result<Reply> {
    let store = &asker.deps.store;
    let Some(tip) = subscriptions::tip_now(store, asker.user_id)? else {
        return Ok(Reply::text("There are no tips in the library yet."));
    };
    let subscribed = store.subscription(asker.user_id)?.is_some();
    Ok(Reply {
        html: view::tip_html(&tip),
        keyboard: Some(view::tip_keyboard(subscribed)),
    })
}

fn subscribe(asker: &Asker, args: &str) -> anyhow::Result<Reply> {
    let (at, tz) = schedule::parse_request(args).map_err(|err| {
        UserError::new(format!(
            "{err}\n{}. Nothing was changed.",
            view::SUBSCRIBE_EXAMPLE
        ))
    })?;
    if let Some(tz) = tz {
        asker
            .deps
            .store
            .set_user_timezone(asker.user_id, tz.name())?;
    }
    let Some(at) = at.or_else(|| tz.map(|_| asker.deps.config.tips_default_time)) else {
        let tz = zone(asker)?;
        return Ok(Reply {
            html: view::pick_time_html(tz),
            keyboard: Some(InlineKeyboardMarkup::new(view::time_rows())),
        });
    };
    save(asker, at, tz)
}

/// Subscribes at `at` in `tz`, or the user's zone, and confirms.
fn save(asker: &Asker, at: chrono::NaiveTime, tz: Option<Tz>) -> anyhow::Result<Reply> {
    let tz = match tz {
        Some(tz) => tz,
        None => subscription_zone(asker)?,
    };
    let chat = asker.chat.0;
    let now = asker.deps.clock.now();
    let sub = subscriptions::subscribe(&asker.deps.store, asker.user_id, chat, at, tz, now)?;
    Ok(Reply {
        html: view::subscribed_html(&sub, tz, now),
        keyboard: Some(view::settings_keyboard(Some(&sub))),
    })
}

fn choose_time(asker: &Asker, at: &str) -> anyhow::Result<Reply> {
    let at = schedule::parse_time(at).map_err(|err| UserError::new(err.to_string()))?;
    save(asker, at, None)
}

fn unsubscribe(asker: &Asker) -> anyhow::Result<Reply> {
    Ok(Reply::text(
        if asker.deps.store.unsubscribe(asker.user_id)? {
            "Unsubscribed: no more daily tips. Send /subscribe any time to start again."
        } else {
            "You are not subscribed to daily tips. Send /subscribe to start."
        },
    ))
}

fn pause(asker: &Asker, paused: bool) -> anyhow::Result<Reply> {
    let store = &asker.deps.store;
    if subscriptions::set_paused(store, asker.user_id, paused, asker.deps.clock.now())?.is_none() {
        return Ok(Reply::text(
            "You are not subscribed to daily tips. Send /subscribe to start.",
        ));
    }
    settings(asker)
}

fn settings(asker: &Asker) -> anyhow::Result<Reply> {
    let sub = asker.deps.store.subscription(asker.user_id)?;
    let zone = zone(asker)?;
    Ok(Reply {
        html: view::settings_html(sub.as_ref(), zone, asker.deps.clock.now()),
        keyboard: Some(view::settings_keyboard(sub.as_ref())),
    })
}

fn timezone(asker: &Asker, args: &str) -> anyhow::Result<Reply> {
    if args.trim().is_empty() {
        return Ok(Reply::text(&format!(
            "Your timezone is {}. To change it, send an IANA name, for example /timezone Europe/Berlin",
            zone(asker)?.name()
        )));
    }
    let tz = schedule::parse_zone(args).map_err(|err| {
        UserError::new(format!(
            "{err}\nFor example: /timezone Europe/Berlin. Nothing was changed."
        ))
    })?;
    let now = asker.deps.clock.now();
    let text = match subscriptions::set_timezone(&asker.deps.store, asker.user_id, tz, now)? {
        Some(sub) => {
            return Ok(Reply {
                html: view::subscribed_html(&sub, tz, now),
                keyboard: None,
            });
        }
        None => format!("Timezone set to {}.", tz.name()),
    };
    Ok(Reply::text(&text))
}

/// The user's saved zone, else `DEFAULT_TIMEZONE`.
fn zone(asker: &Asker) -> anyhow::Result<Tz> {
    let default = asker.deps.config.default_timezone;
    Ok(subscriptions::user_zone(
        &asker.deps.store,
        asker.user_id,
        default,
    )?)
}

/// The zone of the user's current subscription, else their saved or default zone.
fn subscription_zone(asker: &Asker) -> anyhow::Result<Tz> {
    let current = asker.deps.store.subscription(asker.user_id)?;
    match current.and_then(|s| schedule::parse_zone(&s.timezone).ok()) {
        Some(tz) => Ok(tz),
        None => zone(asker),
    }
}
