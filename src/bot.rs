//! Telegram wiring: builds the `Bot`, the dptree handler tree and the `Dispatcher`, and runs
//! it until Ctrl-C or SIGTERM. The handlers themselves live in [`crate::handlers`].

use std::sync::Arc;

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use teloxide::utils::command::BotCommands;

use crate::commands::Command;
use crate::config::Config;
use crate::handlers;

/// Loads the library, connects to the Bot API and handles updates until stopped.
///
/// # Errors
/// Fails if the store or content cannot be opened; Bot API failures are retried by teloxide.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let token = config.token.clone().context("TELOXIDE_TOKEN must be set")?;
    let (store, engine) = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || crate::cli::open_library(&config)).await??
    };
    log::info!(
        "library ready: {} articles in {:?}",
        engine.index.len(),
        started.elapsed()
    );
    let mut bot = Bot::new(token);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url.clone());
    }
    let commands = Command::bot_commands();
    if let Err(err) = bot
        .set_my_commands(
            commands
                .iter()
                .map(|c| BotCommand::new(c.command.trim_start_matches('/'), &c.description)),
        )
        .await
    {
        // The menu is a convenience; the bot still works without it.
        log::warn!("could not set the command menu: {err}");
    }
    let mut dispatcher = Dispatcher::builder(bot, handlers::schema())
        .dependencies(dptree::deps![engine, store.clone(), Arc::new(config)])
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text(
            "an update handler failed",
        ))
        .enable_ctrlc_handler()
        .build();
    let token = dispatcher.shutdown_token();
    tokio::spawn(async move {
        if wait_for_sigterm().await {
            log::info!("SIGTERM received, stopping");
            if let Ok(done) = token.shutdown() {
                done.await;
            }
        }
    });
    log::info!("polling for updates ({:?} after start)", started.elapsed());
    dispatcher.dispatch().await;
    store.flush()?;
    log::info!("stopped cleanly");
    Ok(())
}

#[cfg(unix)]
async fn wait_for_sigterm() -> bool {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut s) => s.recv().await.is_some(),
        Err(_) => false,
    }
}

#[cfg(not(unix))]
async fn wait_for_sigterm() -> bool {
    std::future::pending().await
}
