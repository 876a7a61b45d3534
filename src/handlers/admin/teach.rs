//! `/teach <slug> <question>` (the command form of a tap in `/review`) and `/why <question>`
//! (the engine's explanation of its answer, the same as `healthbot ask --explain`).

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::utils::html::{bold, code_inline, escape};

use super::confirm::Action;
use super::{confirm_keyboard, library, reply, report, sender};
use crate::answer::{self, Explanation};
use crate::handlers::reply::MAX_MESSAGE_CHARS;
use crate::handlers::{Deps, HandlerResult, TgBot, send_html};
use crate::library::{Actor, Lesson, LibraryError, Target};
use crate::text::clip;

/// `/teach <slug> <question>`: attaches the question to the article as a phrasing, asking
/// first if it belongs to another article.
pub async fn teach(bot: &TgBot, msg: &Message, args: &str, deps: &Deps) -> HandlerResult {
    let chat = msg.chat.id;
    let Some((slug, question)) = args.trim().split_once(char::is_whitespace) else {
        return reply(
            bot,
            chat,
            "Send /teach <slug> <question>, e.g. /teach gout my big toe is on fire. /list shows the slugs.",
        )
        .await;
    };
    let by = sender(msg)?;
    match lesson(deps, question, Some(slug), false, &by).await? {
        Ok(lesson) => {
            let (html, id) = lesson_html(deps, &lesson, Some(slug), false, &by)?;
            send_html(
                bot,
                chat,
                html,
                id.map(|id| confirm_keyboard(id, "Move it")),
            )
            .await
        }
        Err(err) => report(bot, chat, err).await,
    }
}

/// Teaches `question` to `slug` (or off-topic for `None`) off the async workers: indexing
/// a phrasing encodes it.
///
/// # Errors
/// The outer error if the task failed; the inner one is the library's verdict.
pub(super) async fn lesson(
    deps: &Deps,
    question: &str,
    slug: Option<&str>,
    allow_move: bool,
    by: &Actor,
) -> anyhow::Result<Result<Lesson, LibraryError>> {
    let (library, question, slug, by) = (
        library(deps),
        question.to_owned(),
        slug.map(str::to_owned),
        by.clone(),
    );
    tokio::task::spawn_blocking(move || {
        let target = slug.as_deref().map_or(Target::OffTopic, Target::Article);
        let lesson = library.teach(&question, target, allow_move, &by);
        if let Ok(Lesson::Done { phrasing, slug, .. }) = &lesson {
            log::info!("admin {} taught {phrasing:?} -> {slug:?}", by.id);
        }
        lesson
    })
    .await
    .context("teach task")
}

/// The reply to a lesson, and for a phrasing that belongs elsewhere the id of the parked
/// move (to `target`, a slug or off-topic) that its "Move it" button confirms.
pub(super) fn lesson_html(
    deps: &Deps,
    lesson: &Lesson,
    target: Option<&str>,
    review: bool,
    by: &Actor,
) -> anyhow::Result<(String, Option<u64>)> {
    Ok(match lesson {
        Lesson::Done {
            phrasing,
            slug: Some(slug),
            count,
        } => (
            format!(
                "✅ {} now answers “{}” ({count} phrasing{}).",
                code_inline(slug),
                escape(phrasing),
                if *count == 1 { "" } else { "s" }
            ),
            None,
        ),
        Lesson::Done { phrasing, .. } => (
            format!(
                "✅ “{}” is off-topic now: questions like it get no answer.",
                escape(phrasing)
            ),
            None,
        ),
        Lesson::Owned { phrasing, owner } => {
            let id = deps.store.park_action(
                by.id,
                &Action::Teach {
                    question: phrasing.clone(),
                    slug: target.map(str::to_owned),
                    review,
                },
            )?;
            let now = owner
                .as_deref()
                .map_or_else(|| bold("off-topic"), code_inline);
            (
                format!("“{}” belongs to {now} now. Move it?", escape(phrasing)),
                Some(id),
            )
        }
    })
}

/// `/why <question>`: the chosen article and runners-up, confidence and its features, the
/// words matched (with synonyms and corrections) and the text that matched.
pub async fn why(bot: &TgBot, chat: ChatId, question: &str, deps: &Deps) -> HandlerResult {
    let question = question.trim().to_owned();
    if question.is_empty() {
        return reply(
            bot,
            chat,
            "Send /why <question>, e.g. /why my toe is on fire.",
        )
        .await;
    }
    let engine = deps.engine.clone();
    let text = tokio::task::spawn_blocking(move || {
        engine
            .answer(&question, answer::DEFAULT_TOP)
            .map(|a| Explanation::new(&a, &engine).to_string())
    })
    .await
    .context("explain task")??;
    // Room for the <pre> tags; the explanation is plain text.
    let html = format!(
        "<pre>{}</pre>",
        escape(&clip(&text, MAX_MESSAGE_CHARS - 200))
    );
    send_html(bot, chat, html, None).await
}
