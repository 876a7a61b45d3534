//! `/broadcast <text>`: a preview with a confirmation button, then one message to every
//! daily-tip subscriber, paced as bulk sends, behind replies to people (see [`crate::pacer`]).

use teloxide::prelude::*;
use teloxide::utils::html::{bold, escape};

use super::confirm::Action;
use super::{confirm_keyboard, reply, sender};
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, deliver_html, send_html};
use crate::library::Actor;
use crate::pacer::Lane;
use crate::store::Store;
use crate::text::clip;

/// Longest broadcast text, so the preview (with its framing) fits one message.
const MAX_BROADCAST_CHARS: usize = 3500;

/// Shows exactly what subscribers will get and asks for confirmation.
pub async fn preview(bot: &TgBot, msg: &Message, text: &str, deps: &Deps) -> HandlerResult {
    let chat = msg.chat.id;
    let text = text.trim();
    if text.is_empty() {
        return reply(
            bot,
            chat,
            "Send /broadcast <text>; you will see a preview before anything is sent.",
        )
        .await;
    }
    let length = text.chars().count();
    if length > MAX_BROADCAST_CHARS {
        let problem = format!(
            "Not sent: the text is {length} characters; the limit is {MAX_BROADCAST_CHARS}."
        );
        return reply(bot, chat, problem).await;
    }
    let recipients = deps.store.subscription_count()?;
    if recipients == 0 {
        return reply(
            bot,
            chat,
            "No one is subscribed to daily tips yet, so there is no one to send to.",
        )
        .await;
    }
    let admin = sender(msg)?;
    let action = Action::Broadcast {
        text: text.to_owned(),
    };
    let id = deps.store.park_action(admin.id, &action)?;
    let html = format!(
        "{}\n\n{}\n\n{}",
        bold("Preview:"),
        escape(text),
        bold(&format!("Send this to {recipients} subscriber(s)?"))
    );
    send_html(bot, chat, html, Some(confirm_keyboard(id, "📣 Send"))).await
}

/// Sends a confirmed broadcast in the background and reports the outcome to `admin_chat`.
pub fn send(bot: TgBot, admin_chat: ChatId, text: String, by: Actor, store: Store) {
    tokio::spawn(async move {
        if let Err(err) = deliver(&bot, admin_chat, &text, &by, &store).await {
            log::error!("broadcast failed: {err:#}");
            let _ = reply(&bot, admin_chat, crate::error::GENERIC_APOLOGY).await;
        }
    });
}

async fn deliver(
    bot: &TgBot,
    admin_chat: ChatId,
    text: &str,
    by: &Actor,
    store: &Store,
) -> HandlerResult {
    // Paused subscribers asked for quiet; everyone else gets the broadcast.
    let recipients: Vec<(u64, i64)> = store
        .subscriptions()?
        .filter_map(|item| match item {
            Ok((user, sub)) if !sub.paused => Some(Ok((user, sub.chat_id))),
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        })
        .collect::<Result<_, _>>()?;
    store.record_audit(&by.audit(format!(
        "broadcast to {}: {}",
        recipients.len(),
        clip(text, 80)
    )))?;
    let html = escape(text);
    let mut failed = 0;
    for &(user, chat_id) in &recipients {
        // A chat that blocked the bot answers 403 and counts as failed; the rest still get it.
        if let Err(err) = deliver_html(bot, ChatId(chat_id), html.clone(), None, Lane::Bulk).await {
            log::warn!("broadcast to user {user} failed: {err}");
            failed += 1;
        }
    }
    log::info!(
        "broadcast sent to {} of {}",
        recipients.len() - failed,
        recipients.len()
    );
    let summary = format!(
        "📣 Broadcast sent to {} of {} subscriber(s){}.",
        recipients.len() - failed,
        recipients.len(),
        if failed > 0 {
            format!("; {failed} could not be reached")
        } else {
            String::new()
        }
    );
    reply(bot, admin_chat, summary).await
}
