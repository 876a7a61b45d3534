//! Paginated lists with ◀/▶ buttons: `/list [page|tag]` (`x:l:<page>[:<tag>]`), `/tips [page]`
//! (`x:t:<page>`) and `/audit [page]` (`x:a:<page>`). A page button edits the list in place.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::{bold, code_inline, escape};

use super::{edit_html, library};
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, send_html};
use crate::text::clip;

/// Articles per `/list` page.
const ARTICLES_PER_PAGE: usize = 20;
/// Tips per `/tips` page: tips are up to 300 characters, so 10 stay well under 4096.
const TIPS_PER_PAGE: usize = 10;
/// Audit entries per `/audit` page.
const AUDIT_PER_PAGE: usize = 15;
/// Telegram's limit on callback data.
const MAX_CALLBACK_BYTES: usize = 64;

/// One rendered page: text and navigation buttons.
struct Page {
    html: String,
    keyboard: Option<InlineKeyboardMarkup>,
}

/// `/list [page|tag]`.
pub async fn list(bot: &TgBot, chat: ChatId, arg: &str, deps: &Deps) -> HandlerResult {
    let (page, tag) = page_or_tag(arg);
    let page = list_page(deps, page, tag)?;
    send_html(bot, chat, page.html, page.keyboard).await
}

/// `/tips [page]`.
pub async fn tips(bot: &TgBot, chat: ChatId, arg: &str, deps: &Deps) -> HandlerResult {
    let page = tips_page(deps, page_or_tag(arg).0)?;
    send_html(bot, chat, page.html, page.keyboard).await
}

/// `/audit [page]`.
pub async fn audit(bot: &TgBot, chat: ChatId, arg: &str, deps: &Deps) -> HandlerResult {
    let page = audit_page(deps, page_or_tag(arg).0)?;
    send_html(bot, chat, page.html, page.keyboard).await
}

/// A page button: `kind` is `l`, `t` or `a`; `arg` is `<page>[:<tag>]`.
pub async fn on_page(
    bot: &TgBot,
    q: &CallbackQuery,
    message: &Message,
    kind: &str,
    arg: &str,
    deps: &Deps,
) -> HandlerResult {
    bot.answer_callback_query(q.id.clone()).await?;
    let (page, tag) = arg
        .split_once(':')
        .map_or((arg, None), |(p, t)| (p, Some(t)));
    let page = page.parse::<usize>().unwrap_or(1);
    let page = match kind {
        "l" => list_page(deps, page, tag)?,
        "t" => tips_page(deps, page)?,
        _ => audit_page(deps, page)?,
    };
    edit_html(bot, message, page.html, page.keyboard).await
}

/// A number is a page; anything else is a tag.
fn page_or_tag(arg: &str) -> (usize, Option<&str>) {
    match arg.parse::<usize>() {
        Ok(page) => (page, None),
        Err(_) if arg.is_empty() => (1, None),
        Err(_) => (1, Some(arg)),
    }
}

fn list_page(deps: &Deps, page: usize, tag: Option<&str>) -> anyhow::Result<Page> {
    let articles = library(deps).list(tag)?;
    let heading = match tag {
        Some(tag) => format!("Articles tagged “{}”", escape(tag)),
        None => "Articles".to_owned(),
    };
    let lines: Vec<String> = articles
        .iter()
        .map(|a| format!("• {} {}", code_inline(&a.slug), escape(&clip(&a.title, 80))))
        .collect();
    let suffix = tag
        .map(|t| format!(":{}", t.to_lowercase()))
        .unwrap_or_default();
    Ok(paginate(
        &heading,
        &lines,
        page,
        ARTICLES_PER_PAGE,
        ("l", &suffix),
        "No articles found.",
    ))
}

fn tips_page(deps: &Deps, page: usize) -> anyhow::Result<Page> {
    let lines: Vec<String> = deps
        .store
        .tips()?
        .iter()
        .map(|(id, tip)| format!("{} {}", code_inline(id), escape(&tip.text)))
        .collect();
    let empty = "There are no tips yet; add one with /addtip.";
    Ok(paginate(
        "Daily tips",
        &lines,
        page,
        TIPS_PER_PAGE,
        ("t", ""),
        empty,
    ))
}

fn audit_page(deps: &Deps, page: usize) -> anyhow::Result<Page> {
    // The store pages the audit log itself, so only one page of entries is read.
    let (_, total) = deps.store.audit_log(0, 0)?;
    if total == 0 {
        return Ok(Page {
            html: escape("No changes recorded yet."),
            keyboard: None,
        });
    }
    let pages = total.div_ceil(AUDIT_PER_PAGE);
    let page = page.clamp(1, pages);
    let (entries, _) = deps
        .store
        .audit_log((page - 1) * AUDIT_PER_PAGE, AUDIT_PER_PAGE)?;
    let lines: Vec<String> = entries
        .iter()
        .map(|e| {
            format!(
                "{} {} [{}]: {}",
                e.at.format("%Y-%m-%d %H:%M"),
                escape(&clip(&e.admin_name, 40)),
                e.admin_id,
                escape(&clip(&e.action, 150))
            )
        })
        .collect();
    let nav = Nav {
        kind: "a",
        suffix: "",
        total,
        page,
        pages,
    };
    Ok(render("Audit log, newest first", &lines, &nav))
}

/// Where a page sits, and what its buttons carry.
struct Nav<'a> {
    kind: &'a str,
    suffix: &'a str,
    total: usize,
    page: usize,
    pages: usize,
}

/// Cuts `lines` into pages and renders page `page` (1-based, clamped) with ◀/▶ buttons.
fn paginate(
    heading: &str,
    lines: &[String],
    page: usize,
    per_page: usize,
    (kind, suffix): (&str, &str),
    empty: &str,
) -> Page {
    if lines.is_empty() {
        return Page {
            html: escape(empty),
            keyboard: None,
        };
    }
    let pages = lines.len().div_ceil(per_page);
    let page = page.clamp(1, pages);
    let shown = &lines[(page - 1) * per_page..(page * per_page).min(lines.len())];
    render(
        heading,
        shown,
        &Nav {
            kind,
            suffix,
            total: lines.len(),
            page,
            pages,
        },
    )
}

/// Renders one page's lines under a heading, with ◀/▶ buttons.
fn render(heading: &str, shown: &[String], nav: &Nav<'_>) -> Page {
    let html = format!(
        "{} ({} in all, page {}/{})\n\n{}",
        bold(heading),
        nav.total,
        nav.page,
        nav.pages,
        shown.join("\n")
    );
    let mut row = Vec::new();
    for (label, target) in [("◀ Prev", nav.page - 1), ("Next ▶", nav.page + 1)] {
        let data = format!("x:{}:{target}{}", nav.kind, nav.suffix);
        // A tag too long for callback data just gets no buttons; `/list <tag>` still works.
        if (1..=nav.pages).contains(&target) && data.len() <= MAX_CALLBACK_BYTES {
            row.push(InlineKeyboardButton::callback(label, data));
        }
    }
    let keyboard = (!row.is_empty()).then(|| InlineKeyboardMarkup::new(vec![row]));
    Page { html, keyboard }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("line {i}")).collect()
    }

    #[test]
    fn middle_page_has_both_buttons_and_its_lines() {
        let page = paginate("H", &lines(25), 2, 10, ("l", ""), "none");
        assert!(page.html.contains("page 2/3") && page.html.contains("line 11"));
        assert!(!page.html.contains("line 21"));
        let row = &page.keyboard.unwrap().inline_keyboard[0];
        assert_eq!(row.len(), 2);
    }

    #[test]
    fn page_numbers_are_clamped_and_single_pages_have_no_buttons() {
        let page = paginate("H", &lines(3), 9, 10, ("t", ""), "none");
        assert!(page.html.contains("page 1/1"));
        assert!(page.keyboard.is_none());
        assert_eq!(paginate("H", &[], 1, 10, ("t", ""), "none").html, "none");
    }

    #[test]
    fn long_tags_get_no_buttons_rather_than_invalid_callback_data() {
        let suffix = format!(":{}", "t".repeat(70));
        assert!(
            paginate("H", &lines(30), 1, 10, ("l", &suffix), "none")
                .keyboard
                .is_none()
        );
    }

    #[test]
    fn numbers_are_pages_and_words_are_tags() {
        assert_eq!(page_or_tag("3"), (3, None));
        assert_eq!(page_or_tag(""), (1, None));
        assert_eq!(page_or_tag("skin"), (1, Some("skin")));
    }
}
