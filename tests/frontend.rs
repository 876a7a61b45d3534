//! The Telegram front end through the strict fake Bot API: groups, inline mode, buttons,
//! feedback, flood control, Telegram errors, outages, privacy and webhook mode.

use std::time::{Duration, Instant};

use crate::util::fake_api::{BOT_USERNAME, FakeBotApi};
use crate::util::{BotProcess, TEST_TOKEN, assert_nothing_rejected, bot_with_fake_api as bot};

const WAIT: Duration = Duration::from_secs(20);
const USER: i64 = 2002;
const GROUP: i64 = -100_777;

fn sends_to(api: &FakeBotApi, chat: i64) -> usize {
    api.calls()
        .iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == chat)
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn group_messages_are_answered_only_when_addressed() {
    let (api, bot) = bot().await;
    api.push_group_text(GROUP, USER, "ugh, I have such a headache today", None);
    api.push_group_text(
        GROUP,
        USER,
        &format!("@{BOT_USERNAME} how long does a cold last"),
        None,
    );
    let first = api.wait_for_messages(GROUP, 1, WAIT).await;
    assert_eq!(first.len(), 1, "log:\n{}", bot.log());
    assert!(first[0].text.contains("<b>"), "{}", first[0].text);
    api.push_group_text(
        GROUP,
        USER,
        "and what about sunburn?",
        Some(first[0].message_id),
    );
    api.push_group_text(GROUP, USER, &format!("/ask@{BOT_USERNAME} migraine"), None);
    api.push_group_text(GROUP, USER, "thanks everyone, see you later", None);
    let all = api.wait_for_messages(GROUP, 3, WAIT).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all_now = api
        .sent_messages()
        .into_iter()
        .filter(|m| m.chat_id == GROUP)
        .count();
    assert_eq!(
        all_now, 3,
        "answers only the mention, the reply and /ask@: {all:#?}"
    );
    assert!(
        all[1].text.to_lowercase().contains("sunburn"),
        "{}",
        all[1].text
    );
    assert!(all[2].text.contains("<b>Migraine"), "{}", all[2].text);
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn inline_query_lists_matching_articles_and_popular_ones_when_empty() {
    let (api, bot) = bot().await;
    api.push_inline_query(USER, "migraine");
    let call = api
        .wait_for_call("answerInlineQuery", WAIT)
        .await
        .unwrap_or_else(|| panic!("log:\n{}", bot.log()));
    let results = call.params["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 10, "{results:?}");
    assert_eq!(results[0]["id"], "migraine");
    let text = results[0]["input_message_content"]["message_text"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("<b>Migraine")
            && text.contains("href=\"https://")
            && text.contains("not medical advice"),
        "{text}"
    );
    assert!(
        call.params["cache_time"].as_u64().is_some_and(|t| t > 0),
        "{:?}",
        call.params
    );
    api.push_inline_query(USER, "");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let calls: Vec<_> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "answerInlineQuery")
        .collect();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[1].params["results"].as_array().map(Vec::len),
        Some(10),
        "empty query shows popular articles"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn feedback_buttons_are_acknowledged_and_stored_per_article() {
    let (api, mut bot) = bot().await;
    api.push_private_text(USER, "/start a_gout");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    let (_, cb) = api.push_callback(USER, USER, sent[0].message_id, "u:gout");
    let ack = api
        .wait_for_call("answerCallbackQuery", WAIT)
        .await
        .expect("callback answered");
    assert_eq!(ack.params["callback_query_id"], cb.as_str());
    assert!(
        ack.params["text"]
            .as_str()
            .is_some_and(|t| t.contains("Thanks")),
        "{:?}",
        ack.params
    );
    api.push_callback(USER, USER, sent[0].message_id, "d:gout");
    tokio::time::sleep(Duration::from_millis(500)).await;
    bot.terminate(Duration::from_secs(10)).expect("stops");
    let store = healthbot::store::Store::open(&bot.data_dir).unwrap();
    assert_eq!(
        store.feedback("gout").unwrap(),
        healthbot::store::Feedback { up: 1, down: 1 }
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flooding_user_is_asked_to_slow_down_without_delaying_others() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    // Two messages a second per chat: the flooder's answers keep its chat's worker busy for
    // seconds, as Telegram's per-chat limit would, which must not hold up anyone else.
    let bot = BotProcess::start_with(&api.url(), &[("HEALTHBOT_TEST_CHAT_RATE", "2")]);
    let flooder = 3003;
    api.push_private_text(USER, "/help");
    api.wait_for_messages(USER, 1, WAIT).await;
    for i in 0..200 {
        api.push_private_text(flooder, &format!("hay fever question {i}"));
    }
    let other_asked = Instant::now();
    api.push_private_text(USER, "sunburn");
    let other = api.wait_for_messages(USER, 2, WAIT).await;
    assert_eq!(other.len(), 2, "log:\n{}", bot.log());
    let other_latency = other_asked.elapsed();
    api.wait_for_messages(flooder, 13, WAIT).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let flood: Vec<_> = api
        .sent_messages()
        .into_iter()
        .filter(|m| m.chat_id == flooder)
        .collect();
    let flood_total = flood.len();
    // 12 answers and one slow-down notice; the bucket refills by a question every 3 s while
    // the flood is worked through at two answers a second, so a few more may be answered.
    assert!(
        (13..=16).contains(&flood_total),
        "a burst of 12 answers and one slow-down notice, the rest dropped: {flood_total}"
    );
    assert_eq!(
        flood
            .iter()
            .filter(|m| m.text.contains("faster than I can answer"))
            .count(),
        1
    );
    assert!(
        other_latency < Duration::from_secs(2),
        "another user waited {other_latency:?}"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_requests_is_waited_out_then_delivered() {
    let (api, bot) = bot().await;
    api.push_private_text(USER, "/help");
    api.wait_for_messages(USER, 1, WAIT).await;
    api.fail_next_with_429(1, 2);
    api.push_private_text(USER, "how do I treat a nosebleed");
    let sent = api.wait_for_messages(USER, 2, WAIT).await;
    assert_eq!(
        sent.len(),
        2,
        "the answer is delivered after the 429; log:\n{}",
        bot.log()
    );
    let violations = api.retry_violations();
    assert!(
        violations.is_empty(),
        "retried before retry_after: {violations:?}"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_who_blocked_the_bot_is_not_retried() {
    let (api, bot) = bot().await;
    api.block_chat(USER);
    api.push_private_text(USER, "gout");
    api.wait_for_call("sendMessage", WAIT)
        .await
        .expect("one attempt");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sends_to(&api, USER), 1, "a 403 is never retried");
    assert!(
        bot.log().contains("can no longer receive messages"),
        "{}",
        bot.log()
    );
    api.unblock_chat(USER);
    api.push_private_text(USER, "gout");
    assert_eq!(
        api.wait_for_messages(USER, 1, WAIT).await.len(),
        1,
        "the bot keeps working"
    );
}

/// Waits until the bot has made `n` more requests to the downed fake (at most [`WAIT`]).
async fn wait_for_attempts_while_down(api: &FakeBotApi, bot: &BotProcess, n: usize) {
    let target = api.requests_while_down() + n;
    let deadline = Instant::now() + WAIT;
    while api.requests_while_down() < target {
        assert!(
            Instant::now() < deadline,
            "the bot stopped trying after {} requests; log:\n{}",
            api.requests_while_down(),
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bot_survives_an_api_outage_and_carries_on() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    api.set_down(true);
    let bot = BotProcess::start(&api.url());
    // The outage lasts until the bot has tried to reach the fake, at start-up and mid-run;
    // its retries start at 50 ms in tests (`FAST_PACING`), so it carries on at once after.
    wait_for_attempts_while_down(&api, &bot, 1).await;
    api.set_down(false);
    api.push_private_text(USER, "hiccups");
    let sent = api
        .wait_for_messages(USER, 1, Duration::from_secs(40))
        .await;
    assert_eq!(
        sent.len(),
        1,
        "answered after a start-up outage; log:\n{}",
        bot.log()
    );
    api.set_down(true);
    // Asked during the outage: the update wakes the bot's waiting long poll, which fails.
    api.push_private_text(USER, "tinnitus");
    wait_for_attempts_while_down(&api, &bot, 1).await;
    api.set_down(false);
    let sent = api
        .wait_for_messages(USER, 2, Duration::from_secs(40))
        .await;
    assert_eq!(
        sent.len(),
        2,
        "answered after a mid-run outage; log:\n{}",
        bot.log()
    );
    assert!(
        !bot.log().contains(TEST_TOKEN),
        "the token never reaches the log"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn forget_deletes_everything_stored_about_the_user() {
    let (api, mut bot) = bot().await;
    api.push_private_text(USER, "/privacy");
    api.push_private_text(USER, "acne");
    api.push_private_text(USER, "/forget");
    let sent = api.wait_for_messages(USER, 3, WAIT).await;
    assert!(
        sent[0].text.contains("do not store your chat history"),
        "{}",
        sent[0].text
    );
    assert!(sent[2].text.contains("deleted"), "{}", sent[2].text);
    bot.terminate(Duration::from_secs(10)).expect("stops");
    let store = healthbot::store::Store::open(&bot.data_dir).unwrap();
    assert_eq!(store.user_count().unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_mode_registers_the_webhook_and_answers_posted_updates() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/telegram-hook");
    let bot = BotProcess::start_with(
        &api.url(),
        &[
            ("WEBHOOK_URL", url.as_str()),
            ("WEBHOOK_LISTEN", &format!("127.0.0.1:{port}")),
        ],
    );
    let set = api
        .wait_for_call("setWebhook", WAIT)
        .await
        .unwrap_or_else(|| panic!("log:\n{}", bot.log()));
    assert_eq!(set.params["url"], url.as_str());
    let secret = set.params["secret_token"]
        .as_str()
        .expect("a secret token protects the webhook")
        .to_owned();
    let update = serde_json::json!({
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": {"id": USER, "type": "private", "first_name": "Test"},
            "from": {"id": USER, "is_bot": false, "first_name": "Test"},
            "text": "how do I stop hiccups"
        }
    });
    let client = reqwest::Client::new();
    let mut delivered = false;
    for _ in 0..50 {
        let sent = client
            .post(&url)
            .header("X-Telegram-Bot-Api-Secret-Token", &secret)
            .json(&update)
            .send()
            .await;
        if sent.is_ok_and(|r| r.status().is_success()) {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        delivered,
        "webhook server accepted the update; log:\n{}",
        bot.log()
    );
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert!(
        sent.first().is_some_and(|m| m.text.contains("<b>Hiccups")),
        "{sent:?}"
    );
    let forged = client.post(&url).json(&update).send().await.unwrap();
    assert!(
        !forged.status().is_success(),
        "updates without the secret are refused"
    );
    assert_nothing_rejected(&api);
}
