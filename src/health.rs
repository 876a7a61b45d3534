//! Whether the bot is healthy, for `GET /healthz`: the store answers and the Bot API was
//! reached lately. The Telegram layer reports each contact; the listener asks for a verdict.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::SharedClock;
use crate::store::Store;

/// In polling mode, the longest time since the last answered `getUpdates` that still counts
/// as connected. A long poll returns at least every few seconds, so two minutes of silence
/// means the connection is stuck.
pub const MAX_POLL_SILENCE: TimeDelta = TimeDelta::minutes(2);

/// How updates arrive, which decides what "connected" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Connected while the last `getUpdates` succeeded, within [`MAX_POLL_SILENCE`].
    Polling,
    /// Connected while the last `setWebhook` or `getWebhookInfo` succeeded.
    Webhook,
}

#[derive(Debug, Default)]
struct Contact {
    /// When the Bot API last answered, if it ever did.
    last_ok: Option<DateTime<Utc>>,
    /// Why the last call failed, when it did.
    failure: Option<String>,
}

/// A cheap-to-clone view of the bot's health.
#[derive(Clone)]
pub struct Health {
    store: Store,
    clock: SharedClock,
    mode: Mode,
    contact: Arc<Mutex<Contact>>,
}

impl Health {
    pub fn new(store: Store, clock: SharedClock, mode: Mode) -> Self {
        Self {
            store,
            clock,
            mode,
            contact: Arc::default(),
        }
    }

    /// Records that the Bot API answered the call that decides health in this mode.
    pub fn reached(&self) {
        let now = self.clock.now();
        let mut contact = self.contact.lock().unwrap_or_else(PoisonError::into_inner);
        contact.last_ok = Some(now);
        contact.failure = None;
    }

    /// Records that the call failed, and why (no secrets: teloxide strips the token).
    pub fn failed(&self, why: impl Into<String>) {
        let mut contact = self.contact.lock().unwrap_or_else(PoisonError::into_inner);
        contact.failure = Some(why.into());
    }

    /// `Ok` when healthy; otherwise the reason, for the 503 body.
    ///
    /// # Errors
    /// The reason the bot is not healthy.
    pub fn check(&self) -> Result<(), String> {
        self.store
            .ping()
            .map_err(|err| format!("the store is not usable: {err}"))?;
        let contact = self.contact.lock().unwrap_or_else(PoisonError::into_inner);
        let call = match self.mode {
            Mode::Polling => "getUpdates",
            Mode::Webhook => "setWebhook/getWebhookInfo",
        };
        if let Some(why) = &contact.failure {
            return Err(format!("the last {call} call failed: {why}"));
        }
        let Some(last_ok) = contact.last_ok else {
            return Err(format!("starting: no {call} call has succeeded yet"));
        };
        let silence = self.clock.now() - last_ok;
        if self.mode == Mode::Polling && silence > MAX_POLL_SILENCE {
            return Err(format!(
                "no getUpdates call has succeeded for {} seconds",
                silence.num_seconds()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    /// A clock the test moves by hand.
    struct HandClock(Mutex<DateTime<Utc>>);

    impl Clock for HandClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn polling() -> (Health, Arc<HandClock>) {
        let clock = Arc::new(HandClock(Mutex::new(
            "2026-05-01T07:00:00Z".parse().unwrap(),
        )));
        let health = Health::new(Store::temporary().unwrap(), clock.clone(), Mode::Polling);
        (health, clock)
    }

    #[test]
    fn polling_is_healthy_only_after_a_recent_successful_get_updates() {
        let (health, clock) = polling();
        assert!(health.check().unwrap_err().contains("starting"));
        health.reached();
        assert_eq!(health.check(), Ok(()));
        *clock.0.lock().unwrap() += TimeDelta::seconds(121);
        assert!(health.check().unwrap_err().contains("121 seconds"));
        health.reached();
        assert_eq!(health.check(), Ok(()));
    }

    #[test]
    fn a_failed_call_is_unhealthy_until_the_next_success() {
        let (health, _) = polling();
        health.reached();
        health.failed("502 Bad Gateway");
        let why = health.check().unwrap_err();
        assert!(why.contains("getUpdates") && why.contains("502"), "{why}");
        health.reached();
        assert_eq!(health.check(), Ok(()));
    }
}
