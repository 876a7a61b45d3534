//! `/phrasings <slug>`: an article's phrasings (its own and the taught ones), paged, with a
//! delete button each. Buttons: `x:p:<page>:<slug>` turns the page, `x:pd:<n>:<check>:<slug>`
//! deletes the n-th phrasing if it is still the one shown (`check` is a hash of its key, so a
//! list changed meanwhile cannot delete the wrong one).

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::{bold, code_inline, escape};

use super::{actor, edit_html, library, reply, report};
use crate::content::phrasing_key;
use crate::handlers::{Deps, HandlerResult, TgBot, send_html};
use crate::library::LibraryError;

/// Phrasings per page: at most 200 characters each, so a page stays well under 4096.
const PER_PAGE: usize = 10;
/// Telegram's limit on callback data.
const MAX_CALLBACK_BYTES: usize = 64;

/// `/phrasings <slug> [page]`.
pub async fn list(bot: &TgBot, chat: ChatId, arg: &str, deps: &Deps) -> HandlerResult {
    let mut words = arg.split_whitespace();
    let Some(slug) = words.next() else {
        return reply(bot, chat, "Send /phrasings <slug>; /list shows the slugs.").await;
    };
    let page = words.next().and_then(|p| p.parse().ok()).unwrap_or(1);
    match page_html(deps, slug, page) {
        Ok((html, keyboard)) => send_html(bot, chat, html, keyboard).await,
        Err(err) => report(bot, chat, err).await,
    }
}

/// A page (`p`) or delete (`pd`) button.
pub async fn on_button(
    bot: &TgBot,
    q: &CallbackQuery,
    message: &Message,
    kind: &str,
    arg: &str,
    deps: &Deps,
) -> HandlerResult {
    let parts: Vec<&str> = arg.splitn(if kind == "p" { 2 } else { 3 }, ':').collect();
    let (page, slug, toast) = match (kind, parts.as_slice()) {
        ("p", [page, slug]) => (page.parse().unwrap_or(1), *slug, None),
        ("pd", [n, check, slug]) => {
            let n: usize = n.parse().unwrap_or(usize::MAX);
            let toast = delete(deps, q, slug, n, check).await?;
            (n / PER_PAGE + 1, *slug, Some(toast))
        }
        _ => {
            bot.answer_callback_query(q.id.clone())
                .text("That button has expired.")
                .await?;
            return Ok(());
        }
    };
    let mut answer = bot.answer_callback_query(q.id.clone());
    if let Some(toast) = toast {
        answer = answer.text(toast);
    }
    answer.await?;
    match page_html(deps, slug, page) {
        Ok((html, keyboard)) => edit_html(bot, message, html, keyboard).await,
        Err(err) => report(bot, message.chat.id, err).await,
    }
}

/// Deletes the `n`-th phrasing of `slug` if its key still hashes to `check`, and says
/// what happened.
async fn delete(
    deps: &Deps,
    q: &CallbackQuery,
    slug: &str,
    n: usize,
    check: &str,
) -> anyhow::Result<String> {
    let library = library(deps);
    let shown = library
        .phrasings(slug)
        .ok()
        .and_then(|all| all.get(n).cloned());
    let Some(phrasing) = shown.filter(|p| checksum(p) == check) else {
        return Ok("That list has changed; here it is again.".to_owned());
    };
    let (by, slug) = (actor(&q.from), slug.to_owned());
    let removed =
        tokio::task::spawn_blocking(move || library.untaught(&slug, &phrasing_key(&phrasing), &by))
            .await
            .context("remove phrasing task")??;
    Ok(removed.map_or_else(
        || "That phrasing was already gone.".to_owned(),
        |p| format!("Removed “{p}”."),
    ))
}

/// One page of an article's phrasings, with delete and page buttons.
fn page_html(
    deps: &Deps,
    slug: &str,
    page: usize,
) -> Result<(String, Option<InlineKeyboardMarkup>), LibraryError> {
    let library = library(deps);
    let title = library
        .get(slug)?
        .map(|s| s.article.title)
        .ok_or_else(|| LibraryError::NotFound(slug.to_owned()))?;
    let all = library.phrasings(slug)?;
    let pages = all.len().div_ceil(PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let first = (page - 1) * PER_PAGE;
    let mut html = format!(
        "{} ({}): {} phrasing(s), page {page}/{pages}",
        bold(&escape(&title)),
        code_inline(slug),
        all.len()
    );
    if all.is_empty() {
        html.push_str("\nNone yet. Teach one with /teach <slug> <question> or /review.");
    }
    let mut deletes = Vec::new();
    for (n, phrasing) in all.iter().enumerate().skip(first).take(PER_PAGE) {
        html.push_str(&format!("\n{}. {}", n + 1, escape(phrasing)));
        let data = format!("x:pd:{n}:{}:{slug}", checksum(phrasing));
        // A slug too long for the callback limit lists without delete buttons.
        if data.len() <= MAX_CALLBACK_BYTES {
            deletes.push(InlineKeyboardButton::callback(format!("🗑 {}", n + 1), data));
        }
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = deletes
        .chunks(5)
        .map(<[InlineKeyboardButton]>::to_vec)
        .collect();
    let mut nav = Vec::new();
    for (show, label, to) in [(page > 1, "◀", page - 1), (page < pages, "▶", page + 1)] {
        let data = format!("x:p:{to}:{slug}");
        if show && data.len() <= MAX_CALLBACK_BYTES {
            nav.push(InlineKeyboardButton::callback(label, data));
        }
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    let keyboard = (!rows.is_empty()).then(|| InlineKeyboardMarkup::new(rows));
    Ok((html, keyboard))
}

/// A short, stable hash of a phrasing's key (FNV-1a, folded to 16 bits, in hex).
fn checksum(phrasing: &str) -> String {
    let hash = phrasing_key(phrasing)
        .bytes()
        .fold(0x811c_9dc5_u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
    format!("{:04x}", (hash ^ (hash >> 16)) & 0xffff)
}
