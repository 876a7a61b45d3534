//! Settings: the environment (and `.env`) read once, validated into a typed [`Config`].
//!
//! Reading happens in two stages, like ripgrep's low-level and high-level args:
//! [`RawConfig`] holds the strings as found, [`Config::from_raw`] turns them into typed,
//! checked values. Tests feed a `HashMap` straight into [`RawConfig::from_map`].

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// Where the sled store lives when `DATA_DIR` is unset.
pub const DEFAULT_DATA_DIR: &str = "./data";
/// Where the bundled library lives when `CONTENT_DIR` is unset.
pub const DEFAULT_CONTENT_DIR: &str = "./content";
/// Where the sentence-encoder model lives when `MODEL_DIR` is unset.
pub const DEFAULT_MODEL_DIR: &str = "./models/all-MiniLM-L6-v2";
/// The cache folder's name inside the user's cache directory, when `CACHE_DIR` is unset.
pub const CACHE_SUBDIR: &str = "healthbot";
/// Timezone for users who never chose one.
pub const DEFAULT_TIMEZONE: &str = "UTC";
/// Local time of the daily tip when a user subscribes without naming one.
pub const DEFAULT_TIPS_TIME: &str = "09:00";
/// How emergency advice names the number to call, worded for an international audience.
pub const DEFAULT_EMERGENCY_NUMBER: &str =
    "your local emergency number (for example 112 in Europe, 911 in North America, 999 in the UK)";
/// Where emergency advice sends people thinking about suicide or self-harm.
pub const DEFAULT_CRISIS_LINE: &str = "a local crisis line (for example 988 in the US and Canada, \
     116 123 for Samaritans in the UK and Ireland), or find one at findahelpline.com";

/// Address the webhook server listens on when `WEBHOOK_URL` is set.
pub const DEFAULT_WEBHOOK_LISTEN: &str = "0.0.0.0:8443";
/// Longest emergency-number or crisis-line text, so advice always fits in one message.
pub const MAX_ADVICE_SETTING_CHARS: usize = 300;
/// First wait before trying the Bot API again after a network failure; it doubles each time.
pub const DEFAULT_RETRY_BASE: Duration = Duration::from_secs(1);

/// Names of every variable the bot reads, as operators see them in `.env.example`.
pub mod vars {
    pub const TOKEN: &str = "TELOXIDE_TOKEN";
    pub const API_URL: &str = "TELOXIDE_API_URL";
    pub const ADMIN_IDS: &str = "ADMIN_IDS";
    pub const DATA_DIR: &str = "DATA_DIR";
    pub const CONTENT_DIR: &str = "CONTENT_DIR";
    pub const MODEL_DIR: &str = "MODEL_DIR";
    pub const CACHE_DIR: &str = "CACHE_DIR";
    pub const DEFAULT_TIMEZONE: &str = "DEFAULT_TIMEZONE";
    pub const TIPS_DEFAULT_TIME: &str = "TIPS_DEFAULT_TIME";
    pub const EMERGENCY_NUMBER: &str = "EMERGENCY_NUMBER";
    pub const CRISIS_LINE: &str = "CRISIS_LINE";
    pub const WEBHOOK_URL: &str = "WEBHOOK_URL";
    pub const WEBHOOK_LISTEN: &str = "WEBHOOK_LISTEN";

    /// All of the above, in `.env.example` order.
    pub const ALL: [&str; 13] = [
        TOKEN,
        API_URL,
        ADMIN_IDS,
        DATA_DIR,
        CONTENT_DIR,
        MODEL_DIR,
        CACHE_DIR,
        DEFAULT_TIMEZONE,
        TIPS_DEFAULT_TIME,
        EMERGENCY_NUMBER,
        CRISIS_LINE,
        WEBHOOK_URL,
        WEBHOOK_LISTEN,
    ];

    /// Test-only: the instant the bot's clock reads at start-up (RFC 3339, e.g.
    /// `2026-05-01T06:59:50Z`); it runs at real speed from there. Process-level tests use it
    /// to reach a daily-tip minute in seconds. Deliberately absent from `.env.example`.
    pub const TEST_CLOCK_START: &str = "HEALTHBOT_TEST_CLOCK_START";

    /// Test-only: the first wait, in milliseconds, before trying the Bot API again after a
    /// network failure (1000 by default, doubling up to a minute); tests of outages shorten it.
    pub const TEST_RETRY_BASE_MS: &str = "HEALTHBOT_TEST_RETRY_BASE_MS";

    /// Test-only: messages a second every chat may get, instead of Telegram's per-chat
    /// limits, for tests that talk to one chat a lot. The global limit stays.
    pub const TEST_CHAT_RATE: &str = "HEALTHBOT_TEST_CHAT_RATE";

    /// Settings that exist only for tests, read along with [`ALL`].
    pub const TEST_ONLY: [&str; 3] = [TEST_CLOCK_START, TEST_RETRY_BASE_MS, TEST_CHAT_RATE];

    /// Where the platform says caches go, for the default `CACHE_DIR`.
    pub const PLATFORM: [&str; 2] = ["XDG_CACHE_HOME", "HOME"];

    /// Every variable read: the operators' list, then the test-only and platform ones.
    pub fn read() -> impl Iterator<Item = &'static str> {
        ALL.into_iter().chain(TEST_ONLY).chain(PLATFORM)
    }
}

/// A setting that could not be used. The message always names the variable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{var} is set to {value:?}, which is not valid: {reason}")]
    Invalid {
        var: &'static str,
        value: String,
        reason: String,
    },
}

/// Settings exactly as found in the environment; absent or blank means "use the default".
#[derive(Debug, Clone, Default)]
pub struct RawConfig {
    values: HashMap<&'static str, String>,
}

impl RawConfig {
    /// Reads `.env` (if present, without overriding the real environment) and then every
    /// variable in [`vars::read`].
    pub fn from_env() -> Self {
        // A missing .env is the normal case in production, so its absence is not an error.
        let _ = dotenvy::dotenv();
        let values = vars::read()
            .filter_map(|name| std::env::var(name).ok().map(|v| (name, v)))
            .collect();
        Self { values }
    }

    /// Builds raw settings from a map, for tests and embedding.
    pub fn from_map<'a>(map: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let values = map
            .into_iter()
            .filter_map(|(k, v)| {
                let name = vars::read().find(|&n| n == k)?;
                Some((name, v.to_owned()))
            })
            .collect();
        Self { values }
    }

    fn get(&self, var: &'static str) -> Option<&str> {
        self.values
            .get(var)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Validated settings, built once at start-up and shared as `Arc<Config>`.
#[derive(Clone)]
pub struct Config {
    /// The bot token; `None` when only the offline commands are used.
    pub token: Option<String>,
    pub api_url: Option<url::Url>,
    pub admin_ids: HashSet<u64>,
    pub data_dir: PathBuf,
    pub content_dir: PathBuf,
    /// The sentence-encoder model; without it the bot matches words only.
    pub model_dir: PathBuf,
    /// Rebuildable caches (sentence vectors), kept outside `DATA_DIR`.
    pub cache_dir: PathBuf,
    pub default_timezone: Tz,
    pub tips_default_time: NaiveTime,
    pub emergency_number: String,
    pub crisis_line: String,
    /// Public HTTPS URL Telegram posts updates to; `None` means long polling.
    pub webhook_url: Option<url::Url>,
    /// Local address the webhook server binds.
    pub webhook_listen: std::net::SocketAddr,
    /// Test-only: where the bot's clock starts (see [`vars::TEST_CLOCK_START`]); `None`
    /// means the system clock.
    pub test_clock_start: Option<DateTime<Utc>>,
    /// First wait before trying the Bot API again after a network failure.
    pub retry_base: Duration,
    /// Test-only: one rate for every chat (see [`vars::TEST_CHAT_RATE`]); `None` means
    /// Telegram's per-chat limits.
    pub test_chat_rate: Option<std::num::NonZeroU32>,
}

// A hand-written Debug keeps the token out of every log line that prints the config.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("api_url", &self.api_url.as_ref().map(url::Url::as_str))
            .field("admin_ids", &self.admin_ids)
            .field("data_dir", &self.data_dir)
            .field("content_dir", &self.content_dir)
            .field("model_dir", &self.model_dir)
            .field("cache_dir", &self.cache_dir)
            .field("default_timezone", &self.default_timezone)
            .field("tips_default_time", &self.tips_default_time)
            .field("test_clock_start", &self.test_clock_start)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Reads and validates the process environment.
    ///
    /// # Errors
    /// Returns the first invalid setting, naming its variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_raw(&RawConfig::from_env())
    }

    /// Validates raw settings.
    ///
    /// # Errors
    /// Returns the first invalid setting, naming its variable.
    pub fn from_raw(raw: &RawConfig) -> Result<Self, ConfigError> {
        let invalid = |var: &'static str, value: &str, reason: &str| ConfigError::Invalid {
            var,
            value: value.to_owned(),
            reason: reason.to_owned(),
        };
        let api_url = raw
            .get(vars::API_URL)
            .map(|v| match url::Url::parse(v) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
                _ => Err(invalid(vars::API_URL, v, "expected an http(s) URL")),
            })
            .transpose()?;
        let admin_ids = raw
            .get(vars::ADMIN_IDS)
            .map(|v| parse_admin_ids(v).map_err(|reason| invalid(vars::ADMIN_IDS, v, &reason)))
            .transpose()?
            .unwrap_or_default();
        let tz_text = raw.get(vars::DEFAULT_TIMEZONE).unwrap_or(DEFAULT_TIMEZONE);
        let default_timezone = tz_text.parse::<Tz>().map_err(|_| {
            invalid(
                vars::DEFAULT_TIMEZONE,
                tz_text,
                "expected an IANA timezone such as Europe/Berlin or UTC",
            )
        })?;
        let time_text = raw
            .get(vars::TIPS_DEFAULT_TIME)
            .unwrap_or(DEFAULT_TIPS_TIME);
        let tips_default_time = crate::clock::parse_hh_mm(time_text).ok_or_else(|| {
            invalid(
                vars::TIPS_DEFAULT_TIME,
                time_text,
                "expected a 24-hour time such as 09:00",
            )
        })?;
        let webhook_url = raw
            .get(vars::WEBHOOK_URL)
            .map(|v| match url::Url::parse(v) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
                _ => Err(invalid(
                    vars::WEBHOOK_URL,
                    v,
                    "expected the public https URL Telegram should call",
                )),
            })
            .transpose()?;
        let listen_text = raw
            .get(vars::WEBHOOK_LISTEN)
            .unwrap_or(DEFAULT_WEBHOOK_LISTEN);
        let webhook_listen = listen_text.parse().map_err(|_| {
            invalid(
                vars::WEBHOOK_LISTEN,
                listen_text,
                "expected host:port such as 0.0.0.0:8443",
            )
        })?;
        let test_clock_start = raw
            .get(vars::TEST_CLOCK_START)
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        invalid(
                            vars::TEST_CLOCK_START,
                            v,
                            "expected an RFC 3339 instant such as 2026-05-01T06:59:50Z",
                        )
                    })
            })
            .transpose()?;
        let positive = |var: &'static str| {
            raw.get(var)
                .map(|v| {
                    v.parse::<std::num::NonZeroU32>()
                        .map_err(|_| invalid(var, v, "expected a whole number above 0"))
                })
                .transpose()
        };
        let retry_base = positive(vars::TEST_RETRY_BASE_MS)?.map_or(DEFAULT_RETRY_BASE, |ms| {
            Duration::from_millis(ms.get().into())
        });
        let advice = |var: &'static str, default: &str| -> Result<String, ConfigError> {
            let value = raw.get(var).unwrap_or(default);
            if value.chars().count() > MAX_ADVICE_SETTING_CHARS {
                return Err(invalid(
                    var,
                    value,
                    &format!("keep it under {MAX_ADVICE_SETTING_CHARS} characters"),
                ));
            }
            Ok(value.to_owned())
        };
        Ok(Self {
            token: raw.get(vars::TOKEN).map(str::to_owned),
            api_url,
            admin_ids,
            data_dir: PathBuf::from(raw.get(vars::DATA_DIR).unwrap_or(DEFAULT_DATA_DIR)),
            content_dir: PathBuf::from(raw.get(vars::CONTENT_DIR).unwrap_or(DEFAULT_CONTENT_DIR)),
            model_dir: PathBuf::from(raw.get(vars::MODEL_DIR).unwrap_or(DEFAULT_MODEL_DIR)),
            cache_dir: raw
                .get(vars::CACHE_DIR)
                .map_or_else(|| default_cache_dir(raw), PathBuf::from),
            default_timezone,
            tips_default_time,
            emergency_number: advice(vars::EMERGENCY_NUMBER, DEFAULT_EMERGENCY_NUMBER)?,
            crisis_line: advice(vars::CRISIS_LINE, DEFAULT_CRISIS_LINE)?,
            webhook_url,
            webhook_listen,
            test_clock_start,
            retry_base,
            test_chat_rate: positive(vars::TEST_CHAT_RATE)?,
        })
    }

    /// Whether the Telegram user with this numeric id may use admin commands.
    pub fn is_admin(&self, user_id: u64) -> bool {
        self.admin_ids.contains(&user_id)
    }
}

/// `$XDG_CACHE_HOME/healthbot`, else `$HOME/.cache/healthbot`, else `./cache`.
fn default_cache_dir(raw: &RawConfig) -> PathBuf {
    match (raw.get("XDG_CACHE_HOME"), raw.get("HOME")) {
        (Some(xdg), _) => PathBuf::from(xdg).join(CACHE_SUBDIR),
        (None, Some(home)) => PathBuf::from(home).join(".cache").join(CACHE_SUBDIR),
        (None, None) => PathBuf::from("./cache"),
    }
}

fn parse_admin_ids(text: &str) -> Result<HashSet<u64>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>()
                .map_err(|_| format!("{s:?} is not a numeric Telegram user id"))
        })
        .collect()
}

#[cfg(test)]
mod tests;
