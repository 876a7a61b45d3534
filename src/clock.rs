//! Where "now" comes from, and times of day as people write them. The handlers and the
//! daily-tips task read the time only through one shared [`Clock`], so a test can put the
//! whole bot at a chosen instant: unit tests run the schedule on tokio's paused clock, and
//! process-level tests start the real binary at a minute of their choosing with the
//! test-only `HEALTHBOT_TEST_CLOCK_START` setting.

use std::sync::Arc;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};

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

/// Parses a strict 24-hour `H:MM` or `HH:MM` time of day (surrounding spaces allowed): the
/// one format users and operators type times in.
pub fn parse_hh_mm(text: &str) -> Option<NaiveTime> {
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        if len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse::<u32>().ok()
        } else {
            None
        }
    };
    let (h, m) = text.trim().split_once(':')?;
    NaiveTime::from_hms_opt(digits(h, 1..=2)?, digits(m, 2..=2)?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hh_mm_accepts_only_real_times() {
        assert_eq!(parse_hh_mm(" 07:30 "), NaiveTime::from_hms_opt(7, 30, 0));
        assert_eq!(parse_hh_mm("7:30"), NaiveTime::from_hms_opt(7, 30, 0));
        for bad in [
            "24:00", "07:60", "0730", "07:3", ":30", "aa:bb", "+7:30", "07:30:00", "007:30",
        ] {
            assert_eq!(parse_hh_mm(bad), None, "{bad}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn shifted_clock_starts_at_its_origin_and_follows_tokio_time() {
        let origin: DateTime<Utc> = "2026-05-01T06:59:50Z".parse().unwrap();
        let clock = ShiftedClock::starting_at(origin);
        assert_eq!(clock.now(), origin);
        tokio::time::advance(std::time::Duration::from_secs(15)).await;
        assert_eq!(clock.now(), origin + TimeDelta::seconds(15));
    }
}
