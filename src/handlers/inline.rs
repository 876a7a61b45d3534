//! Inline mode: `@botname <query>` in any chat lists matching articles; picking one posts
//! its title, a question-focused summary and the source link. An empty query lists popular
//! articles. A query that looks like an emergency lists the emergency advice first, then the
//! articles the answer engine picks for it (only supportive ones for a crisis).

use teloxide::prelude::*;
use teloxide::types::{
    InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText,
    ParseMode,
};

use super::{Deps, HandlerResult, reply};
use crate::handlers::TgBot;
use crate::safety::Emergency;

/// Most results shown for one inline query.
pub const MAX_RESULTS: usize = 10;
/// How long Telegram may cache inline results, in seconds. Articles change rarely.
pub const CACHE_SECONDS: u32 = 300;
/// Longest description under a result; Telegram shows about two lines of it.
const MAX_DESCRIPTION_CHARS: usize = 120;

pub async fn on_inline_query(bot: TgBot, q: InlineQuery, deps: Deps) -> HandlerResult {
    let query: String = q
        .query
        .trim()
        .chars()
        .take(super::ask::MAX_QUESTION_CHARS)
        .collect();
    let results = if query.is_empty() {
        popular(&deps)?
    } else {
        // Ranking encodes the query: CPU work that must not hold up the async workers.
        let deps = deps.clone();
        tokio::task::spawn_blocking(move || matching(&deps, &query)).await??
    };
    bot.answer_inline_query(q.id, results)
        .cache_time(CACHE_SECONDS)
        .await?;
    Ok(())
}

fn matching(deps: &Deps, query: &str) -> anyhow::Result<Vec<InlineQueryResult>> {
    let answer = deps.engine.answer(query, MAX_RESULTS)?;
    let mut results = Vec::new();
    if let Some(emergency) = &answer.emergency {
        super::ask::record_emergency(&deps.store, deps.clock.now().date_naive(), emergency);
        results.push(advice_result(emergency));
    }
    let plan = answer.ranking.as_ref().map(|r| &r.plan);
    // Emergency and crisis answers are already chosen by the engine (first aid, supportive
    // reading); otherwise only articles close enough to the query are listed.
    let chosen = answer.emergency.is_some();
    let best = answer.best.iter().map(|b| (&b.article, Some(&b.summary)));
    let related = answer
        .related
        .iter()
        .filter(|s| chosen || s.plausible)
        .map(|s| (s, None));
    for (s, summary) in best.chain(related).take(MAX_RESULTS - results.len()) {
        if let Some(article) = deps.engine.article(&s.slug)? {
            let summary = match summary {
                Some(text) => text.clone(),
                None => deps.engine.summary(&s.slug, plan)?.unwrap_or_default(),
            };
            results.push(result(&article, &summary));
        }
    }
    Ok(results)
}

/// The advice itself as the first result, so it is one tap away.
fn advice_result(emergency: &Emergency) -> InlineQueryResult {
    let title = if emergency.crisis {
        "💛 You are not alone: tap for support"
    } else {
        "🚨 This may be an emergency: tap for what to do"
    };
    let html = format!(
        "{}\n\n{}",
        reply::emergency_html(emergency),
        teloxide::utils::html::italic(&teloxide::utils::html::escape(crate::answer::DISCLAIMER))
    );
    let content = InputMessageContentText::new(html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(super::no_link_preview());
    let description = crate::text::clip(&emergency.advice, MAX_DESCRIPTION_CHARS);
    InlineQueryResult::Article(
        InlineQueryResultArticle::new("emergency", title, InputMessageContent::Text(content))
            .description(description),
    )
}

/// The most liked articles, topped up with others so the list is never empty.
fn popular(deps: &Deps) -> anyhow::Result<Vec<InlineQueryResult>> {
    let mut slugs = deps.store.most_liked(MAX_RESULTS)?;
    if slugs.len() < MAX_RESULTS {
        for a in deps.engine.index.first_articles(MAX_RESULTS)? {
            if slugs.len() < MAX_RESULTS && !slugs.contains(&a.slug) {
                slugs.push(a.slug);
            }
        }
    }
    let mut results = Vec::new();
    for slug in slugs {
        if let Some(article) = deps.engine.article(&slug)? {
            let summary = deps.engine.summary(&slug, None)?.unwrap_or_default();
            results.push(result(&article, &summary));
        }
    }
    Ok(results)
}

fn result(article: &crate::content::Article, summary: &str) -> InlineQueryResult {
    let content = InputMessageContentText::new(reply::card_html(article, summary))
        .parse_mode(ParseMode::Html)
        .link_preview_options(super::no_link_preview());
    let description = crate::text::clip(summary, MAX_DESCRIPTION_CHARS);
    InlineQueryResult::Article(
        InlineQueryResultArticle::new(
            article.slug.clone(),
            article.title.clone(),
            InputMessageContent::Text(content),
        )
        .description(description),
    )
}
