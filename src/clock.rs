//! Where "now" comes from. The handlers and the daily-tips task read the time only through
//! one shared [`Clock`], so a test can put the whole bot at a chosen instant: unit tests run
//! the schedule on tokio's paused clock, and process-level tests start the real binary at a
//! minute of their choosing with the test-only `HEALTHBOT_TEST_CLOCK_START` setting.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

/// Where "now" comes from: the I/O boundary for time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The one clock the bot's handlers and tasks share.
pub type SharedClock = Arc<dyn Clock>;

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that read `origin` when it was made and runs at the speed of tokio's clock from
/// there: real speed in the bot, paused and advanced time under
/// `#[tokio::test(start_paused = true)]`.
#[derive(Debug, Clone)]
pub struct ShiftedClock {
    origin: DateTime<Utc>,
    started: tokio::time::Instant,
}

impl ShiftedClock {
    /// A clock that reads `origin` now.
    pub fn starting_at(origin: DateTime<Utc>) -> Self {
        Self {
            origin,
            started: tokio::time::Instant::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now() - self.started;
        TimeDelta::from_std(elapsed)
            .ok()
            .and_then(|d| self.origin.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// The bot's clock: the system clock, or, when `start` is set (a test-only setting), a clock
/// that reads `start` now and runs at real speed from there.
pub fn shared(start: Option<DateTime<Utc>>) -> SharedClock {
    match start {
        Some(start) => {
            log::warn!("the clock starts at {start} (a test-only setting)");
            Arc::new(ShiftedClock::starting_at(start))
        }
        None => Arc::new(SystemClock),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn shifted_clock_starts_at_its_origin_and_follows_tokio_time() {
        let origin: DateTime<Utc> = "2026-05-01T06:59:50Z".parse().unwrap();
        let clock = ShiftedClock::starting_at(origin);
        assert_eq!(clock.now(), origin);
        tokio::time::advance(std::time::Duration::from_secs(15)).await;
        assert_eq!(clock.now(), origin + TimeDelta::seconds(15));
    }
}
