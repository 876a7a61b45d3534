//! Daily tips end to end: the real binary, a strict fake Bot API and the real clock. Each
//! test subscribes for the next whole UTC minute and waits for it, so they take up to a
//! minute and a quarter each; they run concurrently with each other.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::util::fake_api::{FakeBotApi, SentMessage};
use crate::util::{BotProcess, TEST_TOKEN, scratch};

const WAIT: Duration = Duration::from_secs(20);
/// Leave the bot at least this long to handle the /subscribe before the target minute.
const LEAD: u64 = 12;

/// The next whole UTC minute at least [`LEAD`] seconds away: its `HH:MM` and its start in
/// seconds since the epoch.
fn target_minute() -> (String, u64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut minute = now / 60 + 1;
    if minute * 60 - now < LEAD {
        minute += 1;
    }
    let hhmm = format!("{:02}:{:02}", (minute / 60) % 24, minute % 60);
    (hhmm, minute * 60)
}

/// How long until `epoch_secs`.
fn time_until(epoch_secs: u64) -> Duration {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    Duration::from_secs(epoch_secs).saturating_sub(now)
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

/// Subscribes `users` for `hhmm` UTC and checks each confirmation.
async fn subscribe_all(api: &FakeBotApi, bot: &BotProcess, users: &[i64], hhmm: &str) {
    for &user in users {
        api.push_private_text(user, &format!("/subscribe {hhmm} UTC"));
    }
    for &user in users {
        let sent = api.wait_for_messages(user, 1, WAIT).await;
        let confirmation = sent
            .first()
            .unwrap_or_else(|| panic!("no confirmation for {user}; log:\n{}", bot.log()));
        assert!(
            confirmation
                .visible_text
                .contains(&format!("every day at {hhmm} (UTC)")),
            "{}",
            confirmation.visible_text
        );
        assert!(
            confirmation.visible_text.contains("Next tip: today at")
                || confirmation.visible_text.contains("Next tip: tomorrow at"),
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
    let bot = BotProcess::start(&api.url());
    let (hhmm, start) = target_minute();
    let users: Vec<i64> = (7000..7060).collect();
    subscribe_all(&api, &bot, &users, &hhmm).await;

    tokio::time::sleep(time_until(start).saturating_sub(Duration::from_secs(2))).await;
    let early: usize = users.iter().map(|&u| tips_to(&api, u).len()).sum();
    assert_eq!(early, 0, "tips arrived before {hhmm}");

    for &user in &users {
        let sent = api
            .wait_for_messages(user, 2, Duration::from_secs(30))
            .await;
        assert_eq!(sent.len(), 2, "user {user}; log:\n{}", bot.log());
    }
    // Give a duplicate every chance to show up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for &user in &users {
        let tips = tips_to(&api, user);
        assert_eq!(tips.len(), 1, "user {user} got {} tips", tips.len());
        let tip = &tips[0];
        assert_eq!(tip.parse_mode.as_deref(), Some("HTML"));
        assert_eq!(callback_data(tip), ["t:unsub"]);
    }
    assert!(bot.log().contains("60 sent"), "log:\n{}", bot.log());
    assert_clean(&api, &bot);
}

#[tokio::test(flavor = "multi_thread")]
async fn blocked_user_is_unsubscribed_and_unsubscribed_user_gets_nothing() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let bot = BotProcess::start(&api.url());
    let (hhmm, _) = target_minute();
    let (blocked, quitter, control) = (8001, 8002, 8003);
    subscribe_all(&api, &bot, &[blocked, quitter, control], &hhmm).await;
    api.push_private_text(quitter, "/unsubscribe");
    let sent = api.wait_for_messages(quitter, 2, WAIT).await;
    assert!(
        sent[1].visible_text.contains("Unsubscribed"),
        "{}",
        sent[1].visible_text
    );
    api.block_chat(blocked);

    let sent = api
        .wait_for_messages(control, 2, Duration::from_secs(90))
        .await;
    assert_eq!(
        sent.len(),
        2,
        "the control user got no tip; log:\n{}",
        bot.log()
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
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
    let mut bot = BotProcess::start_in(&api.url(), &data_dir, &[]);
    let (hhmm, start) = target_minute();
    let users = [9001, 9002];
    subscribe_all(&api, &bot, &users, &hhmm).await;
    wait_until_updates_confirmed(&api).await;
    bot.child.kill().expect("kill -9");
    let _ = bot.child.wait();

    // Down through the minute: the missed tips (less than an hour late) come at start-up.
    tokio::time::sleep(time_until(start) + Duration::from_secs(2)).await;
    assert!(users.iter().all(|&u| tips_to(&api, u).is_empty()));
    let mut bot = BotProcess::start_in(&api.url(), &data_dir, &[]);
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
    let bot = BotProcess::start_in(&api.url(), &data_dir, &[]);
    wait_for_log(&bot, "tips: scheduler ready, 2 subscriptions").await;
    api.push_private_text(users[0], "/settings");
    let sent = api.wait_for_messages(users[0], 3, WAIT).await;
    let settings = &sent.last().expect("settings").visible_text;
    assert!(
        settings.contains(&format!("Every day at {hhmm} (UTC)")),
        "{settings}"
    );
    assert!(settings.contains("Next tip:"), "{settings}");
    tokio::time::sleep(Duration::from_secs(3)).await;
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
