//! Unit tests of settings parsing: defaults, every invalid value named, test-only settings.

use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Config::from_raw(&RawConfig::from_map(pairs.iter().copied()))
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let c = config(&[]).unwrap();
    assert_eq!(c.data_dir, PathBuf::from("./data"));
    assert_eq!(c.content_dir, PathBuf::from("./content"));
    assert_eq!(c.default_timezone, chrono_tz::UTC);
    assert_eq!(
        c.tips_default_time,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap()
    );
    assert!(c.token.is_none() && c.admin_ids.is_empty());
    assert_eq!(c.model_dir, PathBuf::from("./models/all-MiniLM-L6-v2"));
    assert_eq!(c.cache_dir, PathBuf::from("./cache"));
}

#[test]
fn admin_ids_are_parsed_as_numbers() {
    let c = config(&[("ADMIN_IDS", " 12, 34 ,")]).unwrap();
    assert!(c.is_admin(12) && c.is_admin(34) && !c.is_admin(56));
}

#[test]
fn the_cache_defaults_to_the_users_cache_directory() {
    let c = config(&[("HOME", "/home/ana")]).unwrap();
    assert_eq!(c.cache_dir, PathBuf::from("/home/ana/.cache/healthbot"));
    let c = config(&[("HOME", "/home/ana"), ("XDG_CACHE_HOME", "/var/cache")]).unwrap();
    assert_eq!(c.cache_dir, PathBuf::from("/var/cache/healthbot"));
    let c = config(&[("CACHE_DIR", "/tmp/hb")]).unwrap();
    assert_eq!(c.cache_dir, PathBuf::from("/tmp/hb"));
}

#[test]
fn bad_values_name_their_variable() {
    for (var, value) in [
        ("ADMIN_IDS", "12,@alice"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus"),
        ("TIPS_DEFAULT_TIME", "25:00"),
        ("TIPS_DEFAULT_TIME", "9am"),
        ("TELOXIDE_API_URL", "not a url"),
        ("WEBHOOK_URL", "ftp://x"),
        ("WEBHOOK_LISTEN", "everywhere"),
        ("HEALTHBOT_TEST_CLOCK_START", "tomorrow"),
    ] {
        let err = config(&[(var, value)]).unwrap_err().to_string();
        assert!(err.contains(var), "{err}");
        assert!(err.contains(value), "{err}");
    }
}

#[test]
fn test_clock_start_is_an_rfc3339_instant() {
    let c = config(&[("HEALTHBOT_TEST_CLOCK_START", "2026-05-01T08:59:50+02:00")]).unwrap();
    let expected: DateTime<Utc> = "2026-05-01T06:59:50Z".parse().unwrap();
    assert_eq!(c.test_clock_start, Some(expected));
    assert_eq!(config(&[]).unwrap().test_clock_start, None);
}

#[test]
fn debug_output_never_shows_the_token() {
    let c = config(&[("TELOXIDE_TOKEN", "123456:SECRET-token")]).unwrap();
    let shown = format!("{c:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
}

#[test]
fn test_only_pacing_settings_default_to_telegrams_and_refuse_zero() {
    let c = config(&[]).unwrap();
    assert_eq!(c.retry_base, DEFAULT_RETRY_BASE);
    assert_eq!(c.test_chat_rate, None);
    let c = config(&[
        ("HEALTHBOT_TEST_RETRY_BASE_MS", "50"),
        ("HEALTHBOT_TEST_CHAT_RATE", "40"),
    ])
    .unwrap();
    assert_eq!(c.retry_base, Duration::from_millis(50));
    assert_eq!(c.test_chat_rate.map(|r| r.get()), Some(40));
    let err = config(&[("HEALTHBOT_TEST_CHAT_RATE", "0")]).unwrap_err();
    assert!(
        err.to_string().contains("HEALTHBOT_TEST_CHAT_RATE"),
        "{err}"
    );
}
