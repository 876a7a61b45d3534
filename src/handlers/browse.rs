//! Browsing by topic: `/topics` lists the categories as buttons, a category lists its
//! articles as buttons, and an article card steps to its neighbours. Buttons carry a
//! [`Link`] (`g:`, `c:`, `v:`, `m:`); paging and stepping edit the message in place, and
//! every press is answered. The arranging itself is [`crate::topics`].

use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode};
use teloxide::utils::html::{bold, escape};

use super::reply::{self, MAX_BUTTON_CHARS};
use super::{Deps, HandlerResult, TgBot, no_link_preview, send_html};
use crate::content::Category;
use crate::text::clip;
use crate::topics::{Catalogue, Link, Shelf};

/// The reply to a button whose topic or article is gone.
const GONE: &str = "That topic or article is no longer available. Send /topics to browse.";
/// The reply to a button this version does not understand.
const EXPIRED: &str = "That button has expired.";

/// A rendered view: text and buttons.
type View = (String, InlineKeyboardMarkup);

/// `/topics`: the first page of the topic list, as a new message.
pub async fn topics(bot: TgBot, msg: Message, deps: &Deps) -> HandlerResult {
    let catalogue = catalogue(deps)?;
    match topics_view(&catalogue, 0) {
        Some((html, keyboard)) => send_html(&bot, msg.chat.id, html, Some(keyboard)).await,
        None => {
            let text = "There are no topics to browse yet. Ask me a question instead.";
            send_html(&bot, msg.chat.id, escape(text), None).await
        }
    }
}

/// A browse button: `data` is the whole callback data.
pub async fn on_callback(bot: TgBot, q: CallbackQuery, data: &str, deps: Deps) -> HandlerResult {
    let Some(link) = Link::decode(data) else {
        bot.answer_callback_query(q.id.clone())
            .text(EXPIRED)
            .await?;
        return Ok(());
    };
    let view = match &link {
        Link::Topics { page } => topics_view(&catalogue(&deps)?, *page),
        Link::Topic { id, page } => topic_view(&catalogue(&deps)?, id, *page),
        Link::MoreIn { id } => topic_view(&catalogue(&deps)?, id, 0),
        Link::Article { slug } => reply::article_card(&deps, slug)?,
    };
    let Some((html, keyboard)) = view else {
        bot.answer_callback_query(q.id.clone()).text(GONE).await?;
        return Ok(());
    };
    bot.answer_callback_query(q.id.clone()).await?;
    if let (Link::Article { slug }, Some(chat)) = (&link, q.message.as_ref().map(|m| m.chat().id)) {
        // A follow-up question ("how long does it last?") is about the article just opened.
        deps.recent.remember(chat.0, slug, deps.clock.now());
    }
    match (q.regular_message(), &link) {
        (Some(message), Link::Topics { .. } | Link::Topic { .. } | Link::Article { .. }) => {
            edit_in_place(&bot, message, html, keyboard).await
        }
        // Under an answer, or on a message too old to edit: a message of its own.
        _ => match q.message.as_ref().map(|m| m.chat().id) {
            Some(chat) => send_html(&bot, chat, html, Some(keyboard)).await,
            None => Ok(()),
        },
    }
}

/// The category of the article `slug`, for the button under an answer.
///
/// # Errors
/// Only if the store cannot be read.
pub fn category_of(deps: &Deps, slug: &str) -> anyhow::Result<Option<Category>> {
    let id = deps
        .store
        .article(slug)?
        .filter(|s| !s.deleted)
        .and_then(|s| s.article.category);
    Ok(id.and_then(|id| deps.engine.categories().get(&id).cloned()))
}

/// The live library, shelved by category.
fn catalogue(deps: &Deps) -> anyhow::Result<Catalogue> {
    Ok(Catalogue::new(
        deps.engine.categories(),
        &deps.store.articles()?,
    ))
}

/// A page of the topic list; `None` when no category holds an article.
fn topics_view(catalogue: &Catalogue, page: usize) -> Option<View> {
    if catalogue.shelves().is_empty() {
        return None;
    }
    let page = catalogue.topics(page);
    let mut html = format!(
        "📚 {}\nPick a topic to see its articles.",
        bold("Browse by topic")
    );
    if page.count > 1 {
        html.push_str(&format!(" (page {} of {})", page.number + 1, page.count));
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = page
        .items
        .iter()
        .map(|shelf| vec![shelf_button(shelf)])
        .collect();
    rows.extend(pager(page.previous(), page.next(), |page| Link::Topics {
        page,
    }));
    Some((html, InlineKeyboardMarkup::new(rows)))
}

/// A page of one category's articles; `None` when the category is unknown or empty.
fn topic_view(catalogue: &Catalogue, id: &str, page: usize) -> Option<View> {
    let shelf = catalogue.shelf(id)?;
    let page = catalogue.articles(id, page)?;
    let count = shelf.articles.len();
    let mut html = format!(
        "📂 {}\n{count} article{}",
        bold(&escape(&shelf.category.name)),
        if count == 1 { "" } else { "s" }
    );
    if page.count > 1 {
        html.push_str(&format!(", page {} of {}", page.number + 1, page.count));
    }
    html.push('.');
    let mut rows: Vec<Vec<InlineKeyboardButton>> = page
        .items
        .iter()
        .map(|entry| {
            let link = Link::Article {
                slug: entry.slug.clone(),
            };
            vec![InlineKeyboardButton::callback(
                clip(&entry.title, MAX_BUTTON_CHARS),
                link.encode(),
            )]
        })
        .collect();
    rows.extend(pager(page.previous(), page.next(), |page| Link::Topic {
        id: id.to_owned(),
        page,
    }));
    let back = Link::Topics {
        page: catalogue.topics_page_of(id),
    };
    rows.push(vec![InlineKeyboardButton::callback(
        "📚 All topics",
        back.encode(),
    )]);
    Some((html, InlineKeyboardMarkup::new(rows)))
}

/// A category's button in the topic list: its name and how many articles it holds.
fn shelf_button(shelf: &Shelf) -> InlineKeyboardButton {
    let c = &shelf.category;
    let link = Link::Topic {
        id: c.id.clone(),
        page: 0,
    };
    let label = format!("{} ({})", c.name, shelf.articles.len());
    InlineKeyboardButton::callback(clip(&label, MAX_BUTTON_CHARS), link.encode())
}

/// The "◀ Previous page" / "Next page ▶" row, when there is another page.
fn pager(
    previous: Option<usize>,
    next: Option<usize>,
    link: impl Fn(usize) -> Link,
) -> Option<Vec<InlineKeyboardButton>> {
    let row: Vec<InlineKeyboardButton> = [
        previous.map(|p| InlineKeyboardButton::callback("◀ Previous page", link(p).encode())),
        next.map(|p| InlineKeyboardButton::callback("Next page ▶", link(p).encode())),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!row.is_empty()).then_some(row)
}

/// Replaces the pressed message's text and buttons. A double tap that would change nothing
/// is not an error.
async fn edit_in_place(
    bot: &TgBot,
    message: &Message,
    html: String,
    keyboard: InlineKeyboardMarkup,
) -> HandlerResult {
    let sent = bot
        .edit_message_text(message.chat.id, message.id, html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_link_preview())
        .reply_markup(keyboard)
        .await;
    match sent {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Categories;
    use crate::content::testutil::article;

    fn catalogue(n: usize) -> Catalogue {
        let categories = Categories::parse(
            "[[category]]\nid = \"skin\"\nname = \"Skin <and> nails\"\norder = 1\n",
        )
        .unwrap();
        let articles: Vec<_> = (0..n)
            .map(|i| {
                let mut a = article(&format!("a{i:02}"), &format!("A{i:02}"), &[], "Body.");
                a.category = Some("skin".into());
                a
            })
            .collect();
        Catalogue::new(&categories, &articles)
    }

    fn data(k: &InlineKeyboardMarkup) -> Vec<String> {
        k.inline_keyboard
            .iter()
            .flatten()
            .filter_map(|b| match &b.kind {
                teloxide::types::InlineKeyboardButtonKind::CallbackData(d) => Some(d.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_topic_page_lists_its_articles_pages_on_and_leads_back() {
        let (html, k) = topic_view(&catalogue(10), "skin", 0).unwrap();
        assert!(html.contains("Skin &lt;and&gt; nails"), "{html}");
        assert!(html.contains("10 articles, page 1 of 2"), "{html}");
        let d = data(&k);
        assert_eq!(d[0], "v:a00");
        assert!(d.contains(&"c:1:skin".to_owned()), "{d:?}");
        assert_eq!(d.last().map(String::as_str), Some("g:0"));
    }

    #[test]
    fn a_single_page_has_no_pager_and_the_topic_list_counts_articles() {
        let (_, k) = topic_view(&catalogue(3), "skin", 5).unwrap();
        assert_eq!(data(&k), ["v:a00", "v:a01", "v:a02", "g:0"]);
        let (html, k) = topics_view(&catalogue(3), 0).unwrap();
        assert!(!html.contains("page"), "{html}");
        assert_eq!(k.inline_keyboard[0][0].text, "Skin <and> nails (3)");
        assert!(topics_view(&catalogue(0), 0).is_none());
        assert!(topic_view(&catalogue(3), "bones", 0).is_none());
    }
}
