//! Inline-button presses: related articles (`a:<slug>`), feedback (`u:`/`d:<slug>`) and
//! example questions (`q:<n>`).

use teloxide::prelude::*;

use super::{HandlerResult, ask, reply, start::EXAMPLES};
use crate::answer::Engine;
use crate::store::Store;

pub async fn on_callback(
    bot: Bot,
    q: CallbackQuery,
    engine: Engine,
    store: Store,
) -> HandlerResult {
    let data = q.data.clone().unwrap_or_default();
    let chat = q.regular_message().map(|m| m.chat.id);
    let (kind, arg) = data.split_once(':').unwrap_or(("", ""));
    let mut ack = bot.answer_callback_query(q.id.clone());
    match (kind, chat) {
        ("a", Some(chat)) => {
            ack.await?;
            reply::send_article(&bot, chat, &engine, arg).await
        }
        ("u" | "d", _) => {
            store.record_feedback(arg, kind == "u")?;
            ack = ack.text("Thanks for your feedback!");
            ack.await?;
            Ok(())
        }
        ("q", Some(_)) => {
            ack.await?;
            let Some(question) = arg.parse::<usize>().ok().and_then(|i| EXAMPLES.get(i)) else {
                return Ok(());
            };
            let Some(message) = q.regular_message().cloned() else {
                return Ok(());
            };
            ask::ask(bot, message, question, &engine, &store).await
        }
        _ => {
            ack.text("That button has expired.").await?;
            Ok(())
        }
    }
}
