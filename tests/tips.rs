//! Daily tips end to end: the real binary and a strict fake Bot API. A bot's clock starts
//! a few seconds before the tip minute through the test-only `HEALTHBOT_TEST_CLOCK_START`
//! setting and runs at real speed from there, so a test reaches its minute in seconds
//! instead of waiting for the next wall-clock minute.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

use crate::util::fake_api::{FakeBotApi, SentMessage};
use crate::util::{BotProcess, TEST_TOKEN, scratch};

const WAIT: Duration = Duration::from_secs(20);
/// The setting that starts the bot's clock at a chosen instant.
const CLOCK_START: &str = "HEALTHBOT_TEST_CLOCK_START";
/// The daily-tip time every test subscribes for, in UTC.
const HHMM: &str = "07:00";

/// The tip minute on the test day: [`HHMM`] UTC.
fn tip_minute() -> DateTime<Utc> {
    "2026-05-01T07:00:00Z".parse().unwrap()
}

/// The real bot with its clock started at a chosen instant. The clock starts no earlier than
/// the process was spawned, so it reads at most `start + spawned.elapsed()`: that bound is
/// what lets a test say "the tip minute cannot have come yet".
struct ClockedBot {
    bot: BotProcess,
    start: DateTime<Utc>,
    spawned: Instant,
}

impl ClockedBot {
    /// Starts the bot with a fresh DATA_DIR and its clock at `start`.
    fn start(api: &FakeBotApi, start: DateTime<Utc>) -> Self {
        let spawned = Instant::now();
        let bot = BotProcess::start_with(&api.url(), &[(CLOCK_START, &start.to_rfc3339())]);
        Self {
            bot,
            start,
            spawned,
        }
    }

    /// Sleeps for as long as the bot's clock is sure to read earlier than `at`.
    async fn sleep_while_before(&self, at: DateTime<Utc>) {
        let elapsed = TimeDelta::from_std(self.spawned.elapsed()).unwrap();
        let left = (at - self.start - elapsed).to_std().unwrap_or_default();
        tokio::time::sleep(left).await;
    }
}

/// Starts the bot on `data_dir` (perhaps holding an earlier run's store) with its clock at
/// `start`.
fn start_in_at(api: &FakeBotApi, data_dir: &Path, start: DateTime<Utc>) -> BotProcess {
    BotProcess::start_in(&api.url(), data_dir, &[(CLOCK_START, &start.to_rfc3339())])
}

fn is_tip(m: &SentMessage) -> bool {
    m.text.contains("Health tip")
}

fn callback_data(m: &SentMessage) -> Vec<String> {
    m.reply_markup
        .as_ref()
        .and_then(|k| k["inline_keyboard"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .collect()
}

fn tips_to(api: &FakeBotApi, chat: i64) -> Vec<SentMessage> {
    api.sent_messages()
        .into_iter()
        .filter(|m| m.chat_id == chat && is_tip(m))
        .collect()
}

/// Subscribes `users` for [`HHMM`] UTC and checks that each confirmation promises a tip
/// today, that is, that the bot's clock had not passed the minute yet.
async fn subscribe_all(api: &FakeBotApi, bot: &BotProcess, users: &[i64]) {
    for &user in users {
        api.push_private_text(user, &format!("/subscribe {HHMM} UTC"));
    }
    for &user in users {
        let sent = api.wait_for_messages(user, 1, WAIT).await;
        let confirmation = sent
            .first()
            .unwrap_or_else(|| panic!("no confirmation for {user}; log:\n{}", bot.log()));
        assert!(
            confirmation
                .visible_text
                .contains(&format!("every day at {HHMM} (UTC)")),
            "{}",
            confirmation.visible_text
        );
        assert!(
            confirmation
                .visible_text
                .contains(&format!("Next tip: today at {HHMM}")),
            "{}",
            confirmation.visible_text
        );
    }
}

fn assert_clean(api: &FakeBotApi, bot: &BotProcess) {
    let rejected = api.rejections();
    assert!(
        rejected.is_empty(),
        "rejected: {rejected:#?}\nlog:\n{}",
        bot.log()
    );
    let violations = api.retry_violations();
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(
        !bot.log().contains(TEST_TOKEN),
        "the token leaked into the log"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sixty_subscribers_each_get_exactly_one_tip_at_their_minute_under_the_rate_limit() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    api.set_rate_limit(Some(30));
    let minute = tip_minute();
    // Ten seconds of lead: start-up takes well under one and the 60 confirmations, paced at
    // 30 a second, about two.
    let clocked = ClockedBot::start(&api, minute - TimeDelta::seconds(10));
    let bot = &clocked.bot;
    let users: Vec<i64> = (7000..7060).collect();
    subscribe_all(&api, bot, &users).await;

    clocked
        .sleep_while_before(minute - TimeDelta::seconds(1))
        .await;
    let early: usize = users.iter().map(|&u| tips_to(&api, u).len()).sum();
    assert_eq!(early, 0, "tips arrived before {HHMM}");

    for &user in &users {
        let sent = api
            .wait_for_messages(user, 2, Duration::from_secs(30))
            .await;
        assert_eq!(sent.len(), 2, "user {user}; log:\n{}", bot.log());
    }
    // Give a duplicate every chance to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for &user in &users {
        let tips = tips_to(&api, user);
        assert_eq!(tips.len(), 1, "user {user} got {} tips", tips.len());
        let tip = &tips[0];
        assert_eq!(tip.parse_mode.as_deref(), Some("HTML"));
        assert_eq!(callback_data(tip), ["t:unsub"]);
    }
    assert!(bot.log().contains("60 sent"), "log:\n{}", bot.log());
    assert_clean(&api, bot);
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_user_is_unsubscribed_and_unsubscribed_user_gets_nothing() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let clocked = ClockedBot::start(&api, tip_minute() - TimeDelta::seconds(6));
    let bot = &clocked.bot;
    let (blocked, quitter, control) = (8001, 8002, 8003);
    subscribe_all(&api, bot, &[blocked, quitter, control]).await;
    api.push_private_text(quitter, "/unsubscribe");
    let sent = api.wait_for_messages(quitter, 2, WAIT).await;
    assert!(
        sent[1].visible_text.contains("Unsubscribed"),
        "{}",
        sent[1].visible_text
    );
    api.block_chat(blocked);

    let sent = api
        .wait_for_messages(control, 2, Duration::from_secs(30))
        .await;
    assert_eq!(
        sent.len(),
        2,
        "the control user got no tip; log:\n{}",
        bot.log()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        tips_to(&api, quitter).is_empty(),
        "an unsubscribed user got a tip"
    );
    let attempts = api
        .calls()
        .iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == blocked && c.status == 403)
        .count();
    assert_eq!(attempts, 1, "a blocked chat is tried once, never retried");

    // The blocked user is no longer subscribed: after unblocking, /settings says so.
    api.unblock_chat(blocked);
    api.push_private_text(blocked, "/settings");
    let sent = api.wait_for_messages(blocked, 2, WAIT).await;
    let settings = sent.last().expect("a settings reply");
    assert!(
        settings.visible_text.contains("no daily tip"),
        "{}",
        settings.visible_text
    );
    assert!(
        bot.log().contains(&format!("unsubscribing user {blocked}")),
        "log:\n{}",
        bot.log()
    );
    let rejected = api.rejections();
    assert!(rejected.is_empty(), "rejected: {rejected:#?}");
}

/// Waits until the bot has confirmed every update, so a kill cannot make it see them again.
async fn wait_until_updates_confirmed(api: &FakeBotApi) {
    for _ in 0..200 {
        if api.pending_updates() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the bot never confirmed its updates");
}

async fn wait_for_log(bot: &BotProcess, needle: &str) {
    for _ in 0..400 {
        if bot.log().contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {needle:?} in the log:\n{}", bot.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_and_restart_keeps_subscriptions_and_never_sends_a_second_tip_that_day() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let (_keep, data_dir) = scratch();
    let minute = tip_minute();
    let mut bot = start_in_at(&api, &data_dir, minute - TimeDelta::minutes(5));
    let users = [9001, 9002];
    subscribe_all(&api, &bot, &users).await;
    wait_until_updates_confirmed(&api).await;
    bot.child.kill().expect("kill -9");
    let _ = bot.child.wait();
    assert!(users.iter().all(|&u| tips_to(&api, u).is_empty()));

    // Down through the minute: the missed tips (less than an hour late) come at start-up.
    let mut bot = start_in_at(&api, &data_dir, minute + TimeDelta::seconds(30));
    for &user in &users {
        let sent = api.wait_for_messages(user, 2, WAIT).await;
        assert_eq!(
            sent.len(),
            2,
            "user {user}: no catch-up tip; log:\n{}",
            bot.log()
        );
    }
    bot.child.kill().expect("kill -9");
    let _ = bot.child.wait();

    // Back again the same day: subscription kept, nothing sent twice.
    let bot = start_in_at(&api, &data_dir, minute + TimeDelta::minutes(5));
    wait_for_log(&bot, "tips: scheduler ready, 2 subscriptions").await;
    api.push_private_text(users[0], "/settings");
    let sent = api.wait_for_messages(users[0], 3, WAIT).await;
    let settings = &sent.last().expect("settings").visible_text;
    assert!(
        settings.contains(&format!("Every day at {HHMM} (UTC)")),
        "{settings}"
    );
    assert!(settings.contains("Next tip: tomorrow"), "{settings}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    for &user in &users {
        assert_eq!(
            tips_to(&api, user).len(),
            1,
            "user {user}; log:\n{}",
            bot.log()
        );
    }
    let rejected = api.rejections();
    assert!(rejected.is_empty(), "rejected: {rejected:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_time_or_zone_is_refused_with_an_example_and_nothing_is_saved() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let bot = BotProcess::start(&api.url());
    let user = 9501;
    api.push_private_text(user, "/subscribe 25:00 UTC");
    api.push_private_text(user, "/subscribe 07:30 Mars/Olympus");
    api.push_private_text(user, "/settings");
    let sent = api.wait_for_messages(user, 3, WAIT).await;
    assert_eq!(sent.len(), 3, "log:\n{}", bot.log());
    assert!(
        sent[0].visible_text.contains("not a time of day"),
        "{}",
        sent[0].visible_text
    );
    assert!(
        sent[1].visible_text.contains("not a timezone"),
        "{}",
        sent[1].visible_text
    );
    for refusal in &sent[..2] {
        assert!(
            refusal
                .visible_text
                .contains("/subscribe 07:30 Europe/Berlin"),
            "{}",
            refusal.visible_text
        );
    }
    assert!(
        sent[2].visible_text.contains("no daily tip"),
        "{}",
        sent[2].visible_text
    );
    let rejected = api.rejections();
    assert!(rejected.is_empty(), "rejected: {rejected:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bare_subscribe_offers_times_and_a_button_subscribes_in_the_saved_zone() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let bot = BotProcess::start(&api.url());
    let user = 9601;
    api.push_private_text(user, "/timezone europe/berlin");
    api.push_private_text(user, "/subscribe");
    let sent = api.wait_for_messages(user, 2, WAIT).await;
    assert_eq!(sent.len(), 2, "log:\n{}", bot.log());
    assert!(
        sent[0].visible_text.contains("Europe/Berlin"),
        "{}",
        sent[0].visible_text
    );
    let offer = &sent[1];
    assert!(
        callback_data(offer).contains(&"t:time:07:00".to_owned()),
        "{offer:?}"
    );
    api.push_callback(user, user, offer.message_id, "t:time:07:00");
    let sent = api.wait_for_messages(user, 3, WAIT).await;
    let confirmation = &sent.last().expect("a confirmation").visible_text;
    assert!(
        confirmation.contains("every day at 07:00 (Europe/Berlin)"),
        "{confirmation}"
    );
    assert!(confirmation.contains("Next tip:"), "{confirmation}");
    let rejected = api.rejections();
    assert!(rejected.is_empty(), "rejected: {rejected:#?}");
}
