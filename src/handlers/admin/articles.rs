//! `/add`, `/edit`, `/delete` and `/show`: one article at a time.

use teloxide::prelude::*;
use teloxide::utils::html::{bold, code_inline, escape, link};

use super::confirm::Action;
use super::{confirm_keyboard, dialogue, library, reply, report, sender};
use crate::content::Article;
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, send_html};
use crate::library::{DRAFT_FORMAT as FORMAT, Draft};
use crate::text::clip;

/// Longest problem description echoed back; a problem may quote the admin's input.
pub(super) const MAX_PROBLEM_CHARS: usize = 500;
/// How much of a body `/show` prints; the rest is in `/export`.
const SHOW_BODY_CHARS: usize = 2500;

/// `/add <form>` saves at once; a bare `/add` starts the step-by-step dialogue.
pub async fn add(bot: &TgBot, msg: &Message, args: &str, deps: &Deps) -> HandlerResult {
    if args.trim().is_empty() {
        return dialogue::start(bot, msg, None, deps).await;
    }
    let draft = match Draft::parse(args) {
        Ok(draft) => draft,
        Err(problem) => return form_problem(bot, msg.chat.id, "add", &problem).await,
    };
    let saved = library(deps).add(draft, &sender(msg)?);
    match saved {
        Ok(article) => {
            log::info!("admin added article {}", article.slug);
            send_html(bot, msg.chat.id, added_html(&article), None).await
        }
        Err(err) => report(bot, msg.chat.id, err).await,
    }
}

/// `/edit <slug>⏎<form>` saves at once; `/edit <slug>` alone starts the dialogue.
pub async fn edit(bot: &TgBot, msg: &Message, args: &str, deps: &Deps) -> HandlerResult {
    let args = args.trim_start();
    let (slug, form) = args
        .split_once(char::is_whitespace)
        .map_or((args, ""), |(s, f)| (s, f));
    if slug.is_empty() {
        return reply(
            bot,
            msg.chat.id,
            "Which article? Send /edit <slug>; /list shows the slugs.",
        )
        .await;
    }
    if form.trim().is_empty() {
        return dialogue::start(bot, msg, Some(slug), deps).await;
    }
    let draft = match Draft::parse(form) {
        Ok(draft) => draft,
        Err(problem) => {
            return form_problem(bot, msg.chat.id, &format!("edit {slug}"), &problem).await;
        }
    };
    match library(deps).edit(slug, draft, &sender(msg)?) {
        Ok(article) => {
            log::info!("admin edited article {slug}");
            send_html(bot, msg.chat.id, updated_html(&article), None).await
        }
        Err(err) => report(bot, msg.chat.id, err).await,
    }
}

/// `/delete <slug>` asks for confirmation with a button; the button deletes.
pub async fn delete(bot: &TgBot, msg: &Message, slug: &str, deps: &Deps) -> HandlerResult {
    if slug.is_empty() {
        return reply(
            bot,
            msg.chat.id,
            "Which article? Send /delete <slug>; /list shows the slugs.",
        )
        .await;
    }
    let Some(stored) = library(deps).get(slug)? else {
        return reply(
            bot,
            msg.chat.id,
            format!("There is no article with the slug `{slug}`. Try /list."),
        )
        .await;
    };
    let admin = sender(msg)?;
    let id = deps.store.park_action(
        admin.id,
        &Action::Delete {
            slug: slug.to_owned(),
        },
    )?;
    let text = format!(
        "Delete {} ({})? It stops answering questions at once.",
        bold(&escape(&stored.article.title)),
        code_inline(slug)
    );
    send_html(
        bot,
        msg.chat.id,
        text,
        Some(confirm_keyboard(id, "🗑 Delete")),
    )
    .await
}

/// `/show <slug>`: the article's fields and the start of its body.
pub async fn show(bot: &TgBot, chat: ChatId, slug: &str, deps: &Deps) -> HandlerResult {
    if slug.is_empty() {
        return reply(
            bot,
            chat,
            "Which article? Send /show <slug>; /list shows the slugs.",
        )
        .await;
    }
    let Some(stored) = library(deps).get(slug)? else {
        return reply(
            bot,
            chat,
            format!("There is no article with the slug `{slug}`. Try /list."),
        )
        .await;
    };
    let a = &stored.article;
    let tags = if a.tags.is_empty() {
        "none".to_owned()
    } else {
        a.tags.join(", ")
    };
    let text = format!(
        "{}\nslug: {}\nurl: {}\ntags: {}\ncategory: {}\norigin: {:?}, updated {}\n\n{}",
        bold(&escape(&a.title)),
        code_inline(&a.slug),
        link(&a.url, &escape(&clip(&a.url, 200))),
        escape(&tags),
        escape(a.category.as_deref().unwrap_or("none")),
        stored.origin,
        stored.updated_at.format("%Y-%m-%d %H:%M UTC"),
        escape(&clip(&a.body, SHOW_BODY_CHARS)),
    );
    send_html(bot, chat, text, None).await
}

/// The acknowledgement of a new article, sent only once it is stored and searchable.
pub fn added_html(article: &Article) -> String {
    format!(
        "✅ Added {} as {}. It answers questions from now on.",
        bold(&escape(&article.title)),
        code_inline(&article.slug)
    )
}

/// The acknowledgement of an edit.
pub fn updated_html(article: &Article) -> String {
    format!(
        "✅ Updated {} ({}).",
        bold(&escape(&article.title)),
        code_inline(&article.slug)
    )
}

/// Explains a malformed one-message form, showing the expected layout.
async fn form_problem(bot: &TgBot, chat: ChatId, command: &str, problem: &str) -> HandlerResult {
    let text = format!(
        "Not saved: {}.\n\nSend it as one message:\n<pre>/{}\n{}</pre>\nor send a bare /add for a step-by-step form.",
        escape(&clip(problem, MAX_PROBLEM_CHARS)),
        escape(command),
        escape(FORMAT)
    );
    send_html(bot, chat, text, None).await
}
