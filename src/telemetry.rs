//! The bot's metrics: their names and labels, recorded through the `metrics` facade, and the
//! Prometheus recorder that renders them for `GET /metrics`.
//!
//! Every label value comes from a small fixed set (an outcome, an update kind, an error
//! class, a red-flag name): never question text, never a user id. Without an installed
//! recorder (the command line, unit tests) recording is a no-op.

use std::time::Duration;

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

pub const QUESTIONS: &str = "healthbot_questions_total";
pub const EMERGENCIES: &str = "healthbot_emergencies_total";
pub const ANSWER_SECONDS: &str = "healthbot_answer_seconds";
pub const UPDATES: &str = "healthbot_updates_total";
pub const TELEGRAM_ERRORS: &str = "healthbot_telegram_errors_total";
pub const FLOOD_DROPPED: &str = "healthbot_flood_dropped_total";
pub const TIPS_SENT: &str = "healthbot_tips_sent_total";
pub const TIPS_FAILED: &str = "healthbot_tips_failed_total";
pub const SUBSCRIBERS: &str = "healthbot_subscribers";
pub const ARTICLES: &str = "healthbot_articles";

/// Histogram buckets of the answer path, in seconds: most answers take milliseconds, a cold
/// encoder or a busy machine can take a second or more.
const ANSWER_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// How a question ended, for `healthbot_questions_total{outcome}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An article answered it.
    Answered,
    /// No article was confident enough; suggestions were offered.
    Unsure,
    /// A greeting, thanks or similar, answered without an article.
    SmallTalk,
}

impl Outcome {
    pub const ALL: [Self; 3] = [Self::Answered, Self::Unsure, Self::SmallTalk];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Unsure => "unsure",
            Self::SmallTalk => "small_talk",
        }
    }
}

/// Classes of failed Bot API calls, for `healthbot_telegram_errors_total{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TelegramError {
    Network,
    TooManyRequests,
    Forbidden,
    ServerError,
    Other,
}

impl TelegramError {
    pub const ALL: [Self; 5] = [
        Self::Network,
        Self::TooManyRequests,
        Self::Forbidden,
        Self::ServerError,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::TooManyRequests => "429",
            Self::Forbidden => "403",
            Self::ServerError => "5xx",
            Self::Other => "other",
        }
    }
}

/// Installs the Prometheus recorder for this process and describes every metric, with the
/// labelled counters at zero so they show before the first event.
///
/// # Errors
/// Fails if a recorder is already installed.
pub fn install() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(ANSWER_SECONDS.to_owned()), &ANSWER_BUCKETS)?
        .install_recorder()?;
    describe_counter!(QUESTIONS, "Questions answered, by outcome.");
    describe_counter!(EMERGENCIES, "Questions that raised a red flag, by flag.");
    describe_histogram!(
        ANSWER_SECONDS,
        metrics::Unit::Seconds,
        "Time to compute an answer."
    );
    describe_counter!(UPDATES, "Telegram updates received, by kind.");
    describe_counter!(TELEGRAM_ERRORS, "Failed Bot API calls, by class.");
    describe_counter!(FLOOD_DROPPED, "Messages dropped by per-user flood control.");
    describe_counter!(TIPS_SENT, "Daily tips delivered.");
    describe_counter!(TIPS_FAILED, "Daily tips that could not be delivered.");
    describe_gauge!(SUBSCRIBERS, "Daily-tip subscriptions.");
    describe_gauge!(ARTICLES, "Articles in the library.");
    for outcome in Outcome::ALL {
        counter!(QUESTIONS, "outcome" => outcome.as_str()).absolute(0);
    }
    for kind in TelegramError::ALL {
        counter!(TELEGRAM_ERRORS, "kind" => kind.as_str()).absolute(0);
    }
    for name in [FLOOD_DROPPED, TIPS_SENT, TIPS_FAILED] {
        counter!(name).absolute(0);
    }
    Ok(handle)
}

/// Counts one answered question and how long the answer took.
pub fn question(outcome: Outcome, took: Duration) {
    counter!(QUESTIONS, "outcome" => outcome.as_str()).increment(1);
    histogram!(ANSWER_SECONDS).record(took.as_secs_f64());
}

/// Counts a question that raised the red flag `flag` (a fixed rule name).
pub fn emergency(flag: &str) {
    counter!(EMERGENCIES, "flag" => flag.to_owned()).increment(1);
}

/// Counts one received update of `kind` (`message`, `callback_query`, ...).
pub fn update(kind: &'static str) {
    counter!(UPDATES, "kind" => kind).increment(1);
}

/// Counts one failed Bot API call.
pub fn telegram_error(kind: TelegramError) {
    counter!(TELEGRAM_ERRORS, "kind" => kind.as_str()).increment(1);
}

/// Counts one message dropped by flood control.
pub fn flood_dropped() {
    counter!(FLOOD_DROPPED).increment(1);
}

/// Counts the outcome of one pass of daily tips.
pub fn tips(sent: u64, failed: u64) {
    counter!(TIPS_SENT).increment(sent);
    counter!(TIPS_FAILED).increment(failed);
}

/// Sets the library and subscription gauges.
pub fn sizes(articles: usize, subscribers: usize) {
    gauge!(ARTICLES).set(articles as f64);
    gauge!(SUBSCRIBERS).set(subscribers as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_the_documented_ones() {
        let outcomes: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(outcomes, ["answered", "unsure", "small_talk"]);
        let kinds: Vec<&str> = TelegramError::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(kinds, ["network", "429", "403", "5xx", "other"]);
    }
}
