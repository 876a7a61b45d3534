//! `/import` (a `.jsonl` or `.md` document with the caption `/import`) and `/export`.

use anyhow::Context;
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{Document, InputFile};
use teloxide::utils::html::{bold, escape};

use super::{library, reply, report, sender};
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, send_html};
use crate::library::{LineProblem, MAX_IMPORT_BYTES};
use crate::text::clip;

/// Most problems listed in one reply; the count of the rest follows.
const MAX_LISTED_PROBLEMS: usize = 30;

/// `/import`: checks the size before downloading, then imports all or nothing.
pub async fn import(bot: &TgBot, msg: &Message, deps: &Deps) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(doc) = msg.document() else {
        return reply(
            bot,
            chat,
            "Attach a .jsonl file (one {\"title\",\"url\",\"body\",\"tags\"?,\"slug\"?} per line) \
             or a .md article, with /import as its caption.",
        )
        .await;
    };
    let name = doc.file_name.clone().unwrap_or_default();
    let lower = name.to_lowercase();
    if !(lower.ends_with(".jsonl") || lower.ends_with(".md")) {
        return reply(
            bot,
            chat,
            format!("Not imported: {name:?} is not a .jsonl or .md file."),
        )
        .await;
    }
    let bytes = match download(bot, doc).await? {
        Ok(bytes) => bytes,
        Err(problem) => return reply(bot, chat, problem).await,
    };
    let admin = sender(msg)?;
    let library = library(deps);
    let file_name = name.clone();
    let result = tokio::task::spawn_blocking(move || library.import(&file_name, &bytes, &admin))
        .await
        .context("import task")?;
    match result {
        Ok(r) => {
            log::info!("admin imported {name}: {r:?}");
            let text = format!(
                "✅ Imported {}: {} added, {} updated, {} unchanged.",
                escape(&name),
                r.added,
                r.updated,
                r.unchanged
            );
            send_html(bot, chat, text, None).await
        }
        Err(err) => report(bot, chat, err).await,
    }
}

/// Downloads an import file, refusing one over [`MAX_IMPORT_BYTES`] before fetching it.
/// The inner `Err` is the reply for the admin.
async fn download(bot: &TgBot, doc: &Document) -> anyhow::Result<Result<Vec<u8>, String>> {
    let too_big = |size: u64| {
        format!(
            "Not imported: the file is {} KB; the limit is {} KB. Split it into smaller files.",
            size / 1024,
            MAX_IMPORT_BYTES / 1024
        )
    };
    if u64::from(doc.file.size) > MAX_IMPORT_BYTES {
        return Ok(Err(too_big(doc.file.size.into())));
    }
    let file = bot
        .get_file(doc.file.id.clone())
        .await
        .context("getFile for an import")?;
    let mut bytes = Vec::new();
    bot.download_file(&file.path, &mut bytes)
        .await
        .context("downloading an import")?;
    // Telegram's size may be missing or wrong; the downloaded bytes are what counts.
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Ok(Err(too_big(bytes.len() as u64)));
    }
    Ok(Ok(bytes))
}

/// Lists each bad line and its reason; nothing was imported.
pub async fn report_problems(bot: &TgBot, chat: ChatId, problems: &[LineProblem]) -> HandlerResult {
    let mut lines: Vec<String> = problems
        .iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|p| escape(&clip(&p.to_string(), 100)))
        .collect();
    if problems.len() > MAX_LISTED_PROBLEMS {
        lines.push(format!(
            "…and {} more.",
            problems.len() - MAX_LISTED_PROBLEMS
        ));
    }
    let text = format!(
        "{}\n{}\n\nFix these and send the file again.",
        bold("Nothing was imported. Problems:"),
        lines.join("\n")
    );
    send_html(bot, chat, text, None).await
}

/// `/export`: the whole library as `library.jsonl`, which `/import` loads back.
pub async fn export(bot: &TgBot, msg: &Message, deps: &Deps) -> HandlerResult {
    let bytes = library(deps).export()?;
    let count = bytes.iter().filter(|b| **b == b'\n').count();
    bot.wait_turn(msg.chat.id, crate::pacer::Lane::Reply).await;
    bot.send_document(
        msg.chat.id,
        InputFile::memory(bytes).file_name("library.jsonl"),
    )
    .caption(format!(
        "{count} articles. Send this file back with the caption /import to restore them."
    ))
    .await?;
    Ok(())
}
