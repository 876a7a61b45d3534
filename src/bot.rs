//! Telegram wiring: builds the `Bot`, the dptree handler tree and the `Dispatcher`, and runs
//! it (long polling, or a webhook when `WEBHOOK_URL` is set) until Ctrl-C or SIGTERM. The
//! handlers themselves live in [`crate::handlers`]. With `METRICS_LISTEN` set it also serves
//! `/metrics` and `/healthz` ([`crate::monitor`]).

mod polling;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use teloxide::update_listeners::webhooks;
use teloxide::utils::command::BotCommands;

use crate::answer::Engine;
use crate::app::App;
use crate::commands::{AdminCommand, Command};
use crate::config::Config;
use crate::flood::FloodGuard;
use crate::handlers::{self, Deps, TgBot};
use crate::health::{self, Health};
use crate::pacer::{ChatLimits, Pacer};
use crate::store::Store;

/// How often webhook mode asks `getWebhookInfo`, to keep `/healthz` current.
const WEBHOOK_CHECK_EVERY: Duration = Duration::from_secs(60);

/// Longest wait between attempts to reach the Bot API.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Updates that may wait for one chat's worker. A chat's updates are handled in order, and
/// its answers may wait on that chat's send pace; when its queue is full the dispatcher
/// waits, and with it every other chat. Flood control drops the excess of a flood cheaply
/// once it reaches the worker, so the queue only has to hold one burst: a 200-message flood
/// fits, and the dispatcher never waits for the flooder (teloxide's default is 64).
const WORKER_QUEUE: usize = 1024;

/// What `healthbot run` says without a token: how to get one, and what works without it.
const NO_TOKEN: &str = "TELOXIDE_TOKEN is not set, so the Telegram bot cannot start.\n\
     Get a token from @BotFather and put it in .env (see .env.example).\n\
     To try healthbot without Telegram, ask it directly:\n  \
     healthbot ask \"how long should bleeding last after tooth extraction\"";

/// `healthbot run`: reads the settings and runs the bot on a new async runtime until it
/// stops. Without a token it explains how to get one and returns exit code 2.
///
/// # Errors
/// Invalid settings, or whatever stopped [`run`].
pub fn main() -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    if config.token.is_none() {
        eprintln!("{NO_TOKEN}");
        return Ok(ExitCode::from(2));
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(run(config))?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the library, connects to the Bot API and handles updates until stopped.
///
/// # Errors
/// Fails if the store or content cannot be opened, or the webhook cannot be set up; an
/// unreachable Bot API is retried until it answers.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // Made first, so a test-only start instant is read as close to process start as possible.
    let clock = crate::clock::shared(config.test_clock_start);
    let token = config.token.clone().context("TELOXIDE_TOKEN must be set")?;
    let App { store, engine } = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || App::open(&config)).await??
    };
    log::info!(
        "library ready: {} articles in {:?}",
        engine.index.len(),
        started.elapsed()
    );
    let mode = match config.webhook_url {
        Some(_) => health::Mode::Webhook,
        None => health::Mode::Polling,
    };
    let health = Health::new(store.clone(), clock.clone(), mode);
    // Up before the Bot API is reached, so `/healthz` can say why the bot is not ready.
    let _stop_monitor = start_monitor(&config, &store, &engine, &health).await?;
    let mut raw = Bot::new(token);
    if let Some(url) = &config.api_url {
        raw = raw.set_api_url(url.clone());
    }
    let retry_base = config.retry_base;
    if !wait_for_api(&raw, retry_base).await {
        store.flush()?;
        return Ok(());
    }
    set_command_menu(&raw, &config).await;
    let chat_limits = config
        .test_chat_rate
        .map_or_else(ChatLimits::default, ChatLimits::uniform);
    let bot = TgBot::new(raw.clone(), Pacer::new(chat_limits), config.retry_base);
    let webhook = config
        .webhook_url
        .clone()
        .map(|url| webhooks::Options::new(config.webhook_listen, url));
    let (stop_tips, tips_stopped) = tokio::sync::oneshot::channel::<()>();
    let tips = tokio::spawn(crate::tips::run(
        store.clone(),
        handlers::tips::TelegramNotifier::new(bot.clone()),
        clock.clone(),
        async {
            // A dropped sender also means "stop".
            let _ = tips_stopped.await;
        },
    ));
    let deps = Deps {
        engine,
        store: store.clone(),
        config: Arc::new(config),
        flood: FloodGuard::new(clock.clone()),
        clock,
        recent: crate::followup::Recent::default(),
    };
    let mut dispatcher = Dispatcher::builder(raw.clone(), handlers::schema())
        .dependencies(dptree::deps![deps, bot])
        .default_handler(|_| async {})
        .worker_queue_size(WORKER_QUEUE)
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
    let listener_errors = LoggingErrorHandler::with_custom_text("the update listener failed");
    // Stop the tips task whichever way dispatching ends, then report a dispatch error.
    let dispatched = match webhook {
        Some(options) => {
            log::info!(
                "webhook listening on {} ({:?} after start)",
                options.address,
                started.elapsed()
            );
            let listener = webhooks::axum(raw.clone(), options)
                .await
                .context("cannot set up the webhook")?;
            health.reached();
            tokio::spawn(watch_webhook(raw, health));
            dispatcher
                .try_dispatch_with_listener(listener, listener_errors)
                .await
        }
        None => {
            let listener = polling::listener(raw, health, retry_base).await;
            log::info!("polling for updates ({:?} after start)", started.elapsed());
            dispatcher
                .try_dispatch_with_listener(listener, listener_errors)
                .await
        }
    };
    let _ = stop_tips.send(());
    match tips.await {
        Ok(Ok(())) => {}
        Ok(Err(err)) => log::error!("the daily-tips task failed: {err:#}"),
        Err(err) => log::error!("the daily-tips task panicked: {err}"),
    }
    dispatched?;
    store.flush()?;
    log::info!("stopped cleanly");
    Ok(())
}

/// Serves `/metrics` and `/healthz` when `METRICS_LISTEN` is set, until the returned sender
/// is dropped.
///
/// # Errors
/// Fails if the recorder cannot be installed or the address cannot be bound.
async fn start_monitor(
    config: &Config,
    store: &Store,
    engine: &Engine,
    health: &Health,
) -> anyhow::Result<Option<tokio::sync::oneshot::Sender<()>>> {
    let Some(addr) = config.metrics_listen else {
        return Ok(None);
    };
    let metrics = crate::telemetry::install().context("cannot set up the metrics")?;
    let (store, index) = (store.clone(), engine.index.clone());
    let refresh: crate::monitor::Refresh = Arc::new(move || {
        let subscribers = store.subscription_count().unwrap_or_else(|err| {
            log::warn!("cannot count subscriptions: {err}");
            0
        });
        let articles = usize::try_from(index.len()).unwrap_or(usize::MAX);
        crate::telemetry::sizes(articles, subscribers);
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    crate::monitor::serve(addr, metrics, health.clone(), refresh, async {
        // A dropped sender also means "stop".
        let _ = stopped.await;
    })
    .await?;
    Ok(Some(stop))
}

/// In webhook mode, asks `getWebhookInfo` every minute and tells [`Health`] how it went.
async fn watch_webhook(bot: Bot, health: Health) {
    let mut every = tokio::time::interval(WEBHOOK_CHECK_EVERY);
    every.tick().await;
    loop {
        every.tick().await;
        match bot.get_webhook_info().await {
            Ok(_) => health.reached(),
            Err(err) => {
                handlers::count_request_error(&err);
                health.failed(err.to_string());
            }
        }
    }
}

/// Calls `getMe` until the Bot API answers, backing off from `retry_base` up to
/// [`MAX_BACKOFF`], so a bot started during an outage simply waits. Returns `false` if asked
/// to stop meanwhile.
async fn wait_for_api(bot: &Bot, retry_base: Duration) -> bool {
    let mut delay = retry_base;
    loop {
        match bot.get_me().await {
            Ok(me) => {
                log::info!("connected to the Bot API as @{}", me.username());
                return true;
            }
            // teloxide strips the token from network errors, so the error is safe to log.
            Err(err) => log::warn!("Bot API not reachable yet ({err}); retrying in {delay:?}"),
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = tokio::signal::ctrl_c() => return false,
            true = wait_for_sigterm() => return false,
        }
        delay = (delay * 2).min(MAX_BACKOFF);
    }
}

/// Sets the command menu: user commands for everyone, plus admin commands in each admin's
/// private chat. The menu is a convenience, so failures are logged and ignored.
async fn set_command_menu(bot: &Bot, config: &Config) {
    // Telegram wants menu entries without the leading slash that `bot_commands` includes.
    let strip = |cmds: Vec<BotCommand>| -> Vec<BotCommand> {
        cmds.into_iter()
            .map(|c| BotCommand::new(c.command.trim_start_matches('/'), c.description))
            .collect()
    };
    let user = strip(Command::bot_commands());
    if let Err(err) = bot.set_my_commands(user.clone()).await {
        log::warn!("could not set the command menu: {err}");
    }
    let mut admin = user;
    admin.extend(strip(AdminCommand::bot_commands()));
    for &id in &config.admin_ids {
        let Ok(chat) = i64::try_from(id) else {
            continue;
        };
        let scope = teloxide::types::BotCommandScope::Chat {
            chat_id: teloxide::types::Recipient::Id(ChatId(chat)),
        };
        if let Err(err) = bot.set_my_commands(admin.clone()).scope(scope).await {
            log::warn!("could not set the admin command menu for {id}: {err}");
        }
    }
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
