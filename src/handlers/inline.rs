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
use crate::bot::TgBot;
use crate::safety::Emergency;
use crate::summary;

/// Most results shown for one inline query.
pub const MAX_RESULTS: usize = 10;
/// How long Telegram may cache inline results, in seconds. Articles change rarely.
pub const CACHE_SECONDS: u32 = 300;

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
        matching(&deps, &query)?
    };
    bot.answer_inline_query(q.id, results)
        .cache_time(CACHE_SECONDS)
        .await?;
    Ok(())
}

fn matching(deps: &Deps, query: &str) -> anyhow::Result<Vec<InlineQueryResult>> {
    if let Some(emergency) = deps.engine.safety.check(query) {
        super::ask::record_emergency(&deps.store, &emergency);
        return emergency_results(deps, query, &emergency);
    }
    let ranking = deps.engine.index.search(query, MAX_RESULTS)?;
    let mut results = Vec::new();
    for hit in &ranking.hits {
        if let Some(article) = deps.engine.index.article(&hit.slug)? {
            let summary = summary::summarize(
                &article.body,
                article.summary.as_deref(),
                ranking.plan.summary_weights(),
            );
            results.push(result(&article, &summary));
        }
    }
    Ok(results)
}

/// The emergency advice, then the answer engine's articles for the query.
fn emergency_results(
    deps: &Deps,
    query: &str,
    emergency: &Emergency,
) -> anyhow::Result<Vec<InlineQueryResult>> {
    let answer = deps.engine.answer(query, MAX_RESULTS - 1)?;
    let mut results = vec![advice_result(emergency)];
    let best = answer
        .best
        .iter()
        .map(|b| (&b.article.slug, Some(&b.summary)));
    let related = answer.related.iter().map(|a| (&a.slug, None));
    for (slug, summary) in best.chain(related) {
        if let Some(article) = deps.engine.index.article(slug)? {
            let summary = summary.cloned().unwrap_or_else(|| {
                summary::summarize(
                    &article.body,
                    article.summary.as_deref(),
                    std::iter::empty(),
                )
            });
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
    let description: String = emergency.advice.chars().take(120).collect();
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
        if let Some(article) = deps.engine.index.article(&slug)? {
            let summary = summary::summarize(
                &article.body,
                article.summary.as_deref(),
                std::iter::empty(),
            );
            results.push(result(&article, &summary));
        }
    }
    Ok(results)
}

fn result(article: &crate::content::Article, summary: &str) -> InlineQueryResult {
    let content = InputMessageContentText::new(reply::card_html(article, summary))
        .parse_mode(ParseMode::Html)
        .link_preview_options(super::no_link_preview());
    let description: String = summary.chars().take(120).collect();
    InlineQueryResult::Article(
        InlineQueryResultArticle::new(
            article.slug.clone(),
            article.title.clone(),
            InputMessageContent::Text(content),
        )
        .description(description),
    )
}
