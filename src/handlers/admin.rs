//! Admin tools: growing and curating the library from Telegram (callback data `x:...`).
//!
//! Every entry point checks the sender against `ADMIN_IDS` again, even though the dptree
//! branch already filtered, so a wiring mistake cannot open admin commands to everyone.
//! Domain work happens in [`crate::library`] and [`crate::stats`]; the submodules here pull
//! arguments out of updates and format replies.

mod articles;
mod broadcast;
mod confirm;
pub mod dialogue;
mod pages;
mod phrasings;
pub mod review;
mod stats;
mod teach;
mod tips;
mod transfer;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, Me, ParseMode};
use teloxide::utils::command::BotCommands;
use teloxide::utils::html::escape;

use super::{Deps, HandlerResult, send_html};
use crate::commands::AdminCommand;
use crate::handlers::TgBot;
use crate::library::{Actor, Library, LibraryError};
use crate::text::clip;

/// The neutral reply to anyone who is not an admin.
pub const NOT_ALLOWED: &str = "Sorry, that command isn't available.";

/// Parses an admin command from a message's text or a document's caption (`/import`).
///
/// Unlike teloxide's own filter, a line break may follow the command (`/add⏎Title…`), which is
/// how the one-message article form is naturally typed.
pub fn parse_command(msg: &Message, me: &Me) -> Option<AdminCommand> {
    let text = msg.text().or_else(|| msg.caption())?;
    let (head, rest) = match text.char_indices().find(|(_, c)| c.is_whitespace()) {
        Some((i, c)) => (&text[..i], &text[i + c.len_utf8()..]),
        None => (text, ""),
    };
    let normalised = if rest.is_empty() {
        head.to_owned()
    } else {
        format!("{head} {rest}")
    };
    AdminCommand::parse(&normalised, me.username()).ok()
}

/// Handles an admin command from a verified admin.
pub async fn handle(bot: TgBot, msg: Message, cmd: AdminCommand, deps: Deps) -> HandlerResult {
    if !super::is_admin(&msg, &deps) {
        return refuse(bot, msg).await;
    }
    let chat = msg.chat.id;
    if let Err(err) = dispatch(&bot, &msg, cmd, &deps).await {
        log::error!("admin command failed: {err:#}");
        reply(&bot, chat, crate::error::user_message(&err)).await?;
    }
    Ok(())
}

async fn dispatch(bot: &TgBot, msg: &Message, cmd: AdminCommand, deps: &Deps) -> HandlerResult {
    use AdminCommand as C;
    match cmd {
        C::Add(args) => articles::add(bot, msg, &args, deps).await,
        C::Edit(args) => articles::edit(bot, msg, &args, deps).await,
        C::Delete(slug) => articles::delete(bot, msg, slug.trim(), deps).await,
        C::Show(slug) => articles::show(bot, msg.chat.id, slug.trim(), deps).await,
        C::List(arg) => pages::list(bot, msg.chat.id, arg.trim(), deps).await,
        C::Import => transfer::import(bot, msg, deps).await,
        C::Export => transfer::export(bot, msg, deps).await,
        C::AddTip(text) => tips::add(bot, msg, &text, deps).await,
        C::DelTip(id) => tips::delete(bot, msg, id.trim(), deps).await,
        C::Tips(arg) => pages::tips(bot, msg.chat.id, arg.trim(), deps).await,
        C::Stats(_) => stats::show(bot, msg.chat.id, deps).await,
        C::Broadcast(text) => broadcast::preview(bot, msg, &text, deps).await,
        C::Audit(arg) => pages::audit(bot, msg.chat.id, arg.trim(), deps).await,
        C::Cancel => dialogue::cancel(bot, msg, deps).await,
        C::Review => review::start(bot, msg, deps).await,
        C::Teach(args) => teach::teach(bot, msg, &args, deps).await,
        C::Phrasings(arg) => phrasings::list(bot, msg.chat.id, arg.trim(), deps).await,
        C::Why(question) => teach::why(bot, msg.chat.id, &question, deps).await,
    }
}

/// Replies to a non-admin who tried an admin command.
pub async fn refuse(bot: TgBot, msg: Message) -> HandlerResult {
    send_html(&bot, msg.chat.id, escape(NOT_ALLOWED), None).await
}

/// Handles an `x:` button press; `data` is what follows the prefix.
pub async fn on_callback(bot: TgBot, q: CallbackQuery, data: &str, deps: Deps) -> HandlerResult {
    if !deps.config.is_admin(q.from.id.0) {
        bot.answer_callback_query(q.id.clone())
            .text(NOT_ALLOWED)
            .await?;
        return Ok(());
    }
    let Some(message) = q.regular_message().cloned() else {
        bot.answer_callback_query(q.id.clone())
            .text("That button has expired.")
            .await?;
        return Ok(());
    };
    let (kind, arg) = data.split_once(':').unwrap_or((data, ""));
    let result = match kind {
        "l" | "t" | "a" => pages::on_page(&bot, &q, &message, kind, arg, &deps).await,
        "y" | "n" => confirm::on_answer(&bot, &q, &message, kind == "y", arg, &deps).await,
        "r" => review::on_button(&bot, &q, &message, arg, &deps).await,
        "p" | "pd" => phrasings::on_button(&bot, &q, &message, kind, arg, &deps).await,
        _ => {
            bot.answer_callback_query(q.id.clone())
                .text("That button has expired.")
                .await?;
            Ok(())
        }
    };
    if let Err(err) = result {
        log::error!("admin button failed: {err:#}");
        reply(&bot, message.chat.id, crate::error::user_message(&err)).await?;
    }
    Ok(())
}

/// The library handle over the shared store and index.
fn library(deps: &Deps) -> Library {
    Library::new(deps.store.clone(), deps.engine.clone())
}

/// Who is acting, for the audit log.
fn actor(user: &teloxide::types::User) -> Actor {
    let name = match &user.username {
        Some(username) => format!("{} (@{username})", user.full_name()),
        None => user.full_name(),
    };
    Actor {
        id: user.id.0,
        name,
    }
}

/// The acting admin of a message. Admin handlers only run for messages with a sender.
fn sender(msg: &Message) -> anyhow::Result<Actor> {
    msg.from
        .as_ref()
        .map(actor)
        .ok_or_else(|| anyhow::anyhow!("admin message without a sender"))
}

/// Sends plain text, escaped.
async fn reply(bot: &TgBot, chat: ChatId, text: impl AsRef<str>) -> HandlerResult {
    send_html(bot, chat, escape(text.as_ref()), None).await
}

/// Tells the admin why a library change was refused, or passes internal errors on.
async fn report(bot: &TgBot, chat: ChatId, err: LibraryError) -> HandlerResult {
    match err {
        LibraryError::Invalid(reason) => {
            let reason = clip(&reason, articles::MAX_PROBLEM_CHARS);
            reply(bot, chat, format!("Not saved: {reason}.")).await
        }
        LibraryError::NotFound(_) => reply(bot, chat, format!("{err}. Try /list.")).await,
        LibraryError::Rejected(problems) => transfer::report_problems(bot, chat, &problems).await,
        LibraryError::Store(_) | LibraryError::Search(_) | LibraryError::Rank(_) => Err(err.into()),
    }
}

/// Replaces a message's text and buttons, e.g. when a page button is pressed.
async fn edit_html(
    bot: &TgBot,
    message: &Message,
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    let mut request = bot
        .edit_message_text(message.chat.id, message.id, html)
        .parse_mode(ParseMode::Html);
    if let Some(k) = keyboard {
        request = request.reply_markup(k);
    }
    request.await?;
    Ok(())
}

/// Confirm / cancel buttons for a parked action.
fn confirm_keyboard(id: u64, yes: &str) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(yes, format!("x:y:{id}")),
        InlineKeyboardButton::callback("Cancel", format!("x:n:{id}")),
    ]])
}
