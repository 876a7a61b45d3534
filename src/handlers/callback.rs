//! Inline-button presses, routed by the prefix of their callback data: related articles
//! (`a:<slug>`), feedback (`u:`/`d:<slug>`, and an answer's 👎 `dn:`/`dk:`: see `reassign`),
//! example questions (`q:<n>`), "Not this one" under a follow-up answer (`f:`), daily tips
//! (`t:`), browsing by topic (`g:`, `c:`, `v:`, `m:`) and admin tools (`x:`).

use teloxide::prelude::*;

use super::{Deps, HandlerResult, admin, ask, browse, reassign, reply, start::EXAMPLES, tips};
use crate::flood::{Cost, Verdict};
use crate::handlers::TgBot;

pub async fn on_callback(bot: TgBot, q: CallbackQuery, deps: Deps) -> HandlerResult {
    // Presses count against the same per-user bucket as messages, at half a question's cost.
    // Over the limit the press is still answered, so the button stops spinning.
    if deps.flood.check(q.from.id.0, Cost::Cheap) != Verdict::Allow {
        bot.answer_callback_query(q.id.clone())
            .text("You're pressing faster than I can answer. Please wait a little.")
            .await?;
        return Ok(());
    }
    let data = q.data.clone().unwrap_or_default();
    let chat = q.regular_message().map(|m| m.chat.id);
    let (kind, arg) = data.split_once(':').unwrap_or(("", ""));
    match (kind, chat) {
        ("t", _) => tips::on_callback(bot, q, arg, deps).await,
        ("x", _) => admin::on_callback(bot, q, arg, deps).await,
        ("g" | "c" | "v" | "m", _) => browse::on_callback(bot, q, &data, deps).await,
        ("a", Some(chat)) => {
            bot.answer_callback_query(q.id.clone()).await?;
            reply::send_article(&bot, chat, &deps, arg).await
        }
        ("dn", _) => reassign::on_thumbs_down(bot, q, arg, deps).await,
        ("dk", _) => reassign::on_pick(bot, q, arg, deps).await,
        ("u" | "d", _) => {
            deps.store.record_feedback(arg, kind == "u")?;
            bot.answer_callback_query(q.id.clone())
                .text("Thanks for your feedback!")
                .await?;
            Ok(())
        }
        ("f", Some(chat)) => {
            bot.answer_callback_query(q.id.clone()).await?;
            let question = deps.recent.take_follow_up(chat.0);
            match (question, q.regular_message().cloned()) {
                (Some(question), Some(message)) => {
                    ask::answer(bot, message, &question, &deps, ask::FollowUp::No).await
                }
                _ => {
                    let text = "Sorry, I've lost track of that question. Please ask it again, naming the topic (for example \"how long does sunburn last\").";
                    super::send_html(&bot, chat, teloxide::utils::html::escape(text), None).await
                }
            }
        }
        ("q", Some(_)) => {
            bot.answer_callback_query(q.id.clone()).await?;
            let Some(question) = arg.parse::<usize>().ok().and_then(|i| EXAMPLES.get(i)) else {
                return Ok(());
            };
            let Some(message) = q.regular_message().cloned() else {
                return Ok(());
            };
            ask::ask(bot, message, question, &deps).await
        }
        _ => {
            bot.answer_callback_query(q.id.clone())
                .text("That button has expired.")
                .await?;
            Ok(())
        }
    }
}
