//! Free-text questions and `/ask <question>`.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButtonKind, Me};

use super::{Deps, HandlerResult, browse, reply, send_html, set_outcome};
use crate::answer;
use crate::handlers::TgBot;
use crate::safety::Emergency;
use crate::store::Store;
use crate::telemetry::{self, Outcome};

/// Longest question we analyse; the rest of a very long message is ignored.
pub const MAX_QUESTION_CHARS: usize = 1000;

/// A message in a private chat: every text is a question.
pub async fn on_message(bot: TgBot, msg: Message, deps: Deps) -> HandlerResult {
    if !super::admit(&bot, &msg, &deps, crate::flood::Cost::Question).await? {
        return Ok(());
    }
    match msg.text() {
        Some(text) => ask(bot, msg.clone(), text, &deps).await,
        None => send_html(&bot, msg.chat.id, reply::text_only_html(), None).await,
    }
}

/// The question in a group message addressed to the bot: one that mentions `@botname`
/// (the mention is removed) or replies to one of the bot's messages. Anything else in a group
/// is none of our business.
pub fn addressed_question(msg: Message, me: Me) -> Option<GroupQuestion> {
    if msg.chat.is_private() {
        return None;
    }
    let text = msg.text()?;
    let mention = format!("@{}", me.username());
    let lower = text.to_lowercase();
    if let Some(at) = lower.find(&mention.to_lowercase()) {
        let question = format!("{} {}", &text[..at], &text[at + mention.len()..]);
        return Some(GroupQuestion(question.trim().to_owned()));
    }
    let replied_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.id);
    replied_to_bot.then(|| GroupQuestion(text.trim().to_owned()))
}

/// A question addressed to the bot in a group.
#[derive(Debug, Clone)]
pub struct GroupQuestion(pub String);

/// Answers a question addressed to the bot in a group.
pub async fn on_group_question(
    bot: TgBot,
    msg: Message,
    question: GroupQuestion,
    deps: Deps,
) -> HandlerResult {
    if !super::admit(&bot, &msg, &deps, crate::flood::Cost::Question).await? {
        return Ok(());
    }
    ask(bot, msg.clone(), &question.0, &deps).await
}

/// Answers one question: safety advice, best article, related articles. In a private chat,
/// or in a group reply to the bot, a question with no topic of its own may be a follow-up
/// about the article the chat was just given.
pub async fn ask(bot: TgBot, msg: Message, question: &str, deps: &Deps) -> HandlerResult {
    let replied = msg
        .reply_to_message()
        .filter(|m| m.from.as_ref().is_some_and(|u| u.is_bot));
    let follow_up = if msg.chat.is_private() {
        FollowUp::Allowed(None)
    } else if let Some(replied) = replied {
        // A reply is about the answer it replies to, whatever the group asked since.
        FollowUp::Allowed(answered_slug(replied))
    } else {
        FollowUp::No
    };
    answer(bot, msg, question, deps, follow_up).await
}

/// Whether a question may be a follow-up, and about which article when the user replied to
/// an answer (otherwise the chat's last one).
pub enum FollowUp {
    No,
    Allowed(Option<String>),
}

/// The article a bot answer is about: the slug in its feedback button.
fn answered_slug(msg: &Message) -> Option<String> {
    msg.reply_markup()?
        .inline_keyboard
        .iter()
        .flatten()
        .find_map(|b| match &b.kind {
            InlineKeyboardButtonKind::CallbackData(data) => {
                data.strip_prefix("u:").map(str::to_owned)
            }
            _ => None,
        })
}

/// Answers one question, as a possible follow-up only if `follow_up` allows it.
pub async fn answer(
    bot: TgBot,
    msg: Message,
    question: &str,
    deps: &Deps,
    follow_up: FollowUp,
) -> HandlerResult {
    let (engine, store) = (&deps.engine, &deps.store);
    let question: String = question.trim().chars().take(MAX_QUESTION_CHARS).collect();
    if question.is_empty() {
        return send_html(&bot, msg.chat.id, reply::empty_question_html(), None).await;
    }
    if let Some(user) = &msg.from
        && let Err(err) = store.touch_user(user.id.0)
    {
        log::warn!("could not record user: {err}");
    }
    // Question text is for debugging only; info lines never carry it (see /privacy).
    log::debug!("question in chat {}: {question:?}", msg.chat.id);
    let started = std::time::Instant::now();
    let chat = msg.chat.id.0;
    let previous = match follow_up {
        FollowUp::No => None,
        FollowUp::Allowed(about) => deps
            .recent
            .recall(chat, deps.clock.now())
            .map(|last| about.unwrap_or(last.slug)),
    };
    // Encoding the question is CPU work of several milliseconds: keep it off the async workers.
    let result = {
        let (engine, question) = (engine.clone(), question.clone());
        tokio::task::spawn_blocking(move || {
            engine.answer_after(&question, answer::DEFAULT_TOP, previous.as_deref())
        })
        .await
    };
    let answer = match result.map_err(anyhow::Error::from).and_then(|r| Ok(r?)) {
        Ok(answer) => answer,
        Err(err) => {
            log::error!("answering failed: {err:#}");
            return send_html(
                &bot,
                msg.chat.id,
                teloxide::utils::html::escape(crate::error::GENERIC_APOLOGY),
                None,
            )
            .await;
        }
    };
    record_outcome(&answer, started.elapsed());
    let best = answer.best.as_ref().map(|b| b.article.slug.as_str());
    if let Some(slug) = best {
        deps.recent.remember(chat, slug, deps.clock.now());
        if answer.follow_up {
            deps.recent.note_follow_up(chat, &question);
        }
    }
    if let Err(err) = store.record_question(deps.clock.now().date_naive(), best) {
        log::warn!("could not count a question: {err}");
    }
    if let Some(e) = &answer.emergency {
        record_emergency(store, deps.clock.now().date_naive(), e);
    }
    if !answer.answered()
        && answer.small_talk.is_none()
        && let Err(err) = store.record_unanswered(&question)
    {
        log::warn!("could not record an unanswered question: {err}");
    }
    // Kept (masked, without the user) so a 👎 can say which question it was about.
    let record = answer.best.as_ref().and_then(|b| {
        store
            .record_answer(&crate::review::mask(&question), &b.article.slug)
            .map_err(|err| log::warn!("could not keep an answer for its 👎 button: {err}"))
            .ok()
    });
    // The category button is a convenience: a store hiccup must not cost the answer. A
    // crisis reply offers supportive reading only, so it gets none.
    let category = best.filter(|_| !answer.is_crisis()).and_then(|slug| {
        browse::category_of(deps, slug).unwrap_or_else(|err| {
            log::warn!("could not look up the category of {slug}: {err:#}");
            None
        })
    });
    let keyboard = reply::with_category(reply::answer_keyboard(&answer, record), category.as_ref());
    send_html(&bot, msg.chat.id, reply::answer_html(&answer), keyboard).await
}

/// Counts each red flag of `emergency` for `today`'s `/stats`, anonymously.
pub fn record_emergency(store: &Store, today: chrono::NaiveDate, emergency: &Emergency) {
    for flag in &emergency.flags {
        if let Err(err) = store.record_emergency(today, flag.id()) {
            log::warn!("could not count an emergency flag: {err}");
        }
    }
}

/// Counts the answer in the metrics and names its outcome for the update's log line.
fn record_outcome(answer: &answer::Answer, took: std::time::Duration) {
    let outcome = if answer.small_talk.is_some() {
        Outcome::SmallTalk
    } else if answer.answered() {
        Outcome::Answered
    } else {
        Outcome::Unsure
    };
    telemetry::question(outcome, took);
    for flag in answer.red_flags() {
        telemetry::emergency(flag.id());
    }
    set_outcome(if answer.emergency.is_some() {
        "emergency"
    } else {
        outcome.as_str()
    });
}
