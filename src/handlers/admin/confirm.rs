//! Actions that wait for a confirmation button (`x:y:<id>` / `x:n:<id>`): deleting an
//! article, saving a dialogue's article, sending a broadcast and moving a taught phrasing.
//!
//! The action is parked in the store under a fresh id that the buttons carry, so an old
//! button can never confirm a newer action, and only the admin who asked can confirm.

use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::utils::html::{bold, code_inline, escape};

use super::{actor, articles, broadcast, edit_html, library, report, review, teach};
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult};
use crate::library::{Actor, Draft};

/// What a confirmation button does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Delete {
        slug: String,
    },
    /// Save a dialogue's draft: a new article, or an edit of `slug`.
    Save {
        slug: Option<String>,
        draft: Draft,
    },
    Broadcast {
        text: String,
    },
    /// Move a phrasing that belongs elsewhere to `slug` (or off-topic); `review` goes on to
    /// the next review item afterwards.
    Teach {
        question: String,
        slug: Option<String>,
        review: bool,
    },
}

/// Handles a confirm (`yes`) or cancel button for the parked action `arg`.
pub async fn on_answer(
    bot: &TgBot,
    q: &CallbackQuery,
    message: &Message,
    yes: bool,
    arg: &str,
    deps: &Deps,
) -> HandlerResult {
    let action = match arg.parse::<u64>() {
        Ok(id) => deps.store.take_action::<Action>(q.from.id.0, id)?,
        Err(_) => None,
    };
    let Some(action) = action else {
        bot.answer_callback_query(q.id.clone())
            .text("That button has expired or was already used.")
            .await?;
        return Ok(());
    };
    bot.answer_callback_query(q.id.clone()).await?;
    if !yes {
        return edit_html(
            bot,
            message,
            escape("Cancelled; nothing was changed."),
            None,
        )
        .await;
    }
    apply(bot, message, action, actor(&q.from), deps).await
}

/// Carries out a confirmed action and reports the outcome in the confirmation message.
async fn apply(
    bot: &TgBot,
    message: &Message,
    action: Action,
    by: Actor,
    deps: &Deps,
) -> HandlerResult {
    let library = library(deps);
    let outcome = match action {
        Action::Delete { slug } => library.delete(&slug, &by).map(|article| {
            log::info!("admin deleted article {slug}");
            format!(
                "🗑 Deleted {} ({}).",
                bold(&escape(&article.title)),
                code_inline(&slug)
            )
        }),
        Action::Save { slug: None, draft } => {
            library.add(draft, &by).map(|a| articles::added_html(&a))
        }
        Action::Save {
            slug: Some(slug),
            draft,
        } => library
            .edit(&slug, draft, &by)
            .map(|a| articles::updated_html(&a)),
        Action::Teach {
            question,
            slug,
            review,
        } => {
            let lesson = teach::lesson(deps, &question, slug.as_deref(), true, &by).await?;
            match lesson {
                Ok(_) if review => return review::next(bot, message, by.id, deps).await,
                Ok(lesson) => Ok(teach::lesson_html(deps, &lesson, None, false, &by)?.0),
                Err(err) => return report(bot, message.chat.id, err).await,
            }
        }
        Action::Broadcast { text } => {
            edit_html(bot, message, escape("📣 Sending the broadcast…"), None).await?;
            broadcast::send(bot.clone(), message.chat.id, text, by, deps.store.clone());
            return Ok(());
        }
    };
    match outcome {
        Ok(html) => edit_html(bot, message, html, None).await,
        Err(err) => report(bot, message.chat.id, err).await,
    }
}
