//! Long polling that reports every `getUpdates` outcome to [`Health`] and the error metrics.
//! teloxide's own `Polling` gives no sign when a long poll returns empty, and `/healthz`
//! needs exactly that: "the last `getUpdates` succeeded, and recently".

use std::time::Duration;

use futures::{Stream, StreamExt, stream};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{StatefulListener, UpdateListener};

use super::MAX_BACKOFF;
use crate::handlers::count_request_error;
use crate::health::Health;

/// How long one `getUpdates` waits for updates before returning empty.
const POLL_TIMEOUT_SECS: u32 = 10;

struct Poller {
    bot: Bot,
    health: Health,
    offset: i32,
    allowed: Option<Vec<AllowedUpdate>>,
    token: StopToken,
    flag: Option<StopFlag>,
    /// The first pause after a failed poll (`config.retry_base`); it doubles per failure.
    retry_base: Duration,
    /// Failures in a row, for the backoff.
    failures: u32,
    /// A pause owed before the next poll, after a failure.
    pause: Option<Duration>,
    stopped: bool,
}

/// A long-polling update listener over `bot`. Like teloxide's, it first removes a webhook
/// left from webhook mode, and on shutdown confirms the handled updates so a restart does
/// not see them again. After a failed poll it waits `retry_base`, doubling per failure up to
/// [`MAX_BACKOFF`] (teloxide's default starts at 2 s and grows to a minute).
pub async fn listener(
    bot: Bot,
    health: Health,
    retry_base: Duration,
) -> impl UpdateListener<Err = RequestError> {
    match bot.get_webhook_info().await {
        Ok(info) if info.url.is_some() => {
            if let Err(err) = bot.delete_webhook().await {
                log::warn!("could not remove the old webhook: {err}");
            }
        }
        Ok(_) => {}
        Err(err) => log::warn!("could not read the webhook settings: {err}"),
    }
    let (token, flag) = mk_stop_token();
    let poller = Poller {
        bot,
        health,
        offset: 0,
        allowed: None,
        token,
        flag: Some(flag),
        retry_base,
        failures: 0,
        pause: None,
        stopped: false,
    };
    StatefulListener::new_with_hints(
        poller,
        updates,
        |p: &mut Poller| p.token.clone(),
        Some(
            |p: &mut Poller, hint: &mut dyn Iterator<Item = AllowedUpdate>| {
                p.allowed = Some(hint.collect());
            },
        ),
    )
}

fn updates(p: &mut Poller) -> impl Stream<Item = Result<Update, RequestError>> + Send + '_ {
    let flag = p.flag.take().unwrap_or_else(|| {
        let (token, flag) = mk_stop_token();
        p.token = token;
        flag
    });
    stream::unfold((p, flag), |(p, mut flag)| async move {
        let batch = next_batch(p, &mut flag).await?;
        Some((stream::iter(batch), (p, flag)))
    })
    .flatten()
}

/// One poll: its updates, or its error. `None` once stopped.
async fn next_batch(
    p: &mut Poller,
    flag: &mut StopFlag,
) -> Option<Vec<Result<Update, RequestError>>> {
    if p.stopped {
        return None;
    }
    if let Some(pause) = p.pause.take() {
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = &mut *flag => return stop(p).await,
        }
    }
    let mut request = p
        .bot
        .get_updates()
        .offset(p.offset)
        .timeout(POLL_TIMEOUT_SECS);
    if let Some(allowed) = &p.allowed {
        request = request.allowed_updates(allowed.clone());
    }
    let result = tokio::select! {
        result = request.send() => result,
        () = &mut *flag => return stop(p).await,
    };
    match result {
        Ok(updates) => {
            p.health.reached();
            p.failures = 0;
            if let Some(last) = updates.last() {
                p.offset = last.id.as_offset();
            }
            Some(updates.into_iter().map(Ok).collect())
        }
        Err(err) => {
            p.health.failed(err.to_string());
            count_request_error(&err);
            p.pause = Some(match &err {
                RequestError::RetryAfter(wait) => wait.duration(),
                _ => backoff(p.retry_base, p.failures),
            });
            p.failures = p.failures.saturating_add(1);
            Some(vec![Err(err)])
        }
    }
}

/// Confirms the updates handled so far, so they are not delivered again, and ends.
async fn stop(p: &mut Poller) -> Option<Vec<Result<Update, RequestError>>> {
    p.stopped = true;
    if let Err(err) = p.bot.get_updates().offset(p.offset).timeout(0).await {
        log::warn!("could not confirm the last updates while stopping: {err}");
    }
    None
}

/// `base`, twice `base`, four times... up to [`MAX_BACKOFF`].
fn backoff(base: Duration, failures: u32) -> Duration {
    base.saturating_mul(1 << failures.min(16)).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let base = Duration::from_secs(1);
        let waits: Vec<u64> = (0..8).map(|n| backoff(base, n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30, 30]);
        let fast = Duration::from_millis(10);
        assert_eq!(backoff(fast, 0), fast);
        assert_eq!(
            backoff(fast, 40),
            Duration::from_millis(10 << 16).min(MAX_BACKOFF)
        );
    }
}
