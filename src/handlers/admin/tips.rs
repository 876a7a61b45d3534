//! `/addtip <text>` and `/deltip <id>`; `/tips` lives with the other paged lists.

use teloxide::prelude::*;
use teloxide::utils::html::{code_inline, escape};

use super::{reply, sender};
use crate::content::Tip;
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, send_html};

/// `/addtip <text>`: validates, stores with an audit entry, flushes, then acknowledges.
pub async fn add(bot: &TgBot, msg: &Message, text: &str, deps: &Deps) -> HandlerResult {
    let tip = Tip {
        text: text.trim().to_owned(),
        url: None,
        tags: Vec::new(),
    };
    if let Err(problem) = tip.validate() {
        return reply(
            bot,
            msg.chat.id,
            format!("Not saved: {problem}. Send /addtip <text>."),
        )
        .await;
    }
    let admin = sender(msg)?;
    let id = deps.store.add_admin_tip(&tip)?;
    deps.store
        .record_audit(&admin.audit(format!("addtip {id}")))?;
    log::info!("admin added tip {id}");
    let html = format!(
        "✅ Added tip {}. Remove it with /deltip {id}.",
        code_inline(&id)
    );
    send_html(bot, msg.chat.id, html, None).await
}

/// `/deltip <id>`: deletes the tip; a bundled tip stays deleted across restarts.
pub async fn delete(bot: &TgBot, msg: &Message, id: &str, deps: &Deps) -> HandlerResult {
    if id.is_empty() {
        return reply(
            bot,
            msg.chat.id,
            "Which tip? Send /deltip <id>; /tips shows the ids.",
        )
        .await;
    }
    let admin = sender(msg)?;
    let Some(tip) = deps.store.remove_tip(id)? else {
        return reply(
            bot,
            msg.chat.id,
            format!("There is no tip with the id {id}. Try /tips."),
        )
        .await;
    };
    deps.store
        .record_audit(&admin.audit(format!("deltip {id}")))?;
    log::info!("admin deleted tip {id}");
    let html = format!("🗑 Deleted tip {}: {}", code_inline(id), escape(&tip.text));
    send_html(bot, msg.chat.id, html, None).await
}
