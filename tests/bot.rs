//! The real `healthbot` binary driven over HTTP by a strict fake Telegram Bot API, the way
//! Telegram would drive it.

use std::time::Duration;

use crate::util::{TEST_TOKEN, assert_nothing_rejected, bot_with_fake_api as bot};

const WAIT: Duration = Duration::from_secs(20);
const USER: i64 = 1001;

#[tokio::test(flavor = "multi_thread")]
async fn question_gets_an_html_answer_with_the_right_source_link() {
    let (api, bot) = bot().await;
    api.push_private_text(USER, "how long should bleeding last after tooth extraction");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    let m = &sent[0];
    assert_eq!(m.parse_mode.as_deref(), Some("HTML"));
    assert!(
        m.text.contains("<b>Bleeding after a tooth extraction</b>"),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains("<a href=\"https://www.mouthhealthy.org/all-topics-a-z/tooth-extraction\">"),
        "{}",
        m.text
    );
    assert!(m.text.contains("not medical advice"), "{}", m.text);
    let markup = m
        .reply_markup
        .as_ref()
        .expect("feedback and related buttons");
    let buttons: Vec<&str> = markup["inline_keyboard"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .filter_map(|b| b["callback_data"].as_str())
        .collect();
    assert!(
        buttons.contains(&"u:tooth-extraction-bleeding"),
        "{buttons:?}"
    );
    assert!(
        buttons.iter().filter(|b| b.starts_with("a:")).count() >= 1,
        "{buttons:?}"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn start_welcomes_with_the_disclaimer_and_example_buttons() {
    let (api, bot) = bot().await;
    api.push_private_text(USER, "/start");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert_eq!(sent.len(), 1, "log:\n{}", bot.log());
    assert!(
        sent[0].text.contains("not medical advice"),
        "{}",
        sent[0].text
    );
    let rows = sent[0].reply_markup.as_ref().unwrap()["inline_keyboard"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(rows, 3, "three example questions");
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn help_explains_how_to_ask() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "/help");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert!(
        sent.first().is_some_and(|m| m.text.contains("/ask")),
        "{sent:?}"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn unsure_and_off_topic_questions_get_honest_replies_not_guesses() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "how do I back up my iphone");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert!(
        sent.first()
            .is_some_and(|m| m.text.contains("I don't have an article on that")),
        "{sent:?}"
    );
    api.push_private_text(USER, "my skin is weird");
    let sent = api.wait_for_messages(USER, 2, WAIT).await;
    let unsure = &sent[1];
    assert!(unsure.text.contains("Did you mean"), "{unsure:?}");
    let markup = unsure.reply_markup.as_ref().expect("suggestion buttons");
    assert!(markup.to_string().contains("a:itchy-skin"), "{markup}");
    // Described in the person's own words, with no word of the article's title in common
    // beyond "dog": answered by meaning, not offered as a guess.
    api.push_private_text(USER, "the neighbour's dog bit me and it broke the skin");
    let sent = api.wait_for_messages(USER, 3, WAIT).await;
    assert!(sent[2].text.contains("<b>Dog bites"), "{:?}", sent[2]);
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn emergency_question_leads_with_emergency_advice() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "my husband has crushing chest pain and is sweating");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    let text = &sent.first().expect("a reply").text;
    assert!(text.starts_with("🚨"), "{text}");
    assert!(text.contains("emergency number"), "{text}");
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn html_looking_and_odd_messages_get_valid_replies() {
    let (api, bot) = bot().await;
    let odd = [
        "<b>bold & </i>broken",
        "🤒🤒🤒",
        "   ",
        "مرحبا، عندي صداع",
        &"cough ".repeat(1500),
        "\u{0}\u{1}binary\u{7f}",
    ];
    for text in odd {
        api.push_private_text(USER, text);
    }
    let sent = api.wait_for_messages(USER, odd.len(), WAIT).await;
    assert_eq!(
        sent.len(),
        odd.len(),
        "every message gets a reply; log:\n{}",
        bot.log()
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn sticker_gets_a_please_type_reply() {
    let (api, _bot) = bot().await;
    api.push_sticker(USER);
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert!(
        sent.first()
            .is_some_and(|m| m.text.contains("type your health question")),
        "{sent:?}"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn related_button_shows_that_article_and_answers_the_callback() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "/start a_migraine");
    let sent = api.wait_for_messages(USER, 1, WAIT).await;
    assert!(
        sent.first().is_some_and(|m| m.text.contains("<b>Migraine")),
        "deep link opens the article: {sent:?}"
    );
    let (_, callback_id) = api.push_callback(USER, USER, sent[0].message_id, "a:tension-headache");
    let sent = api.wait_for_messages(USER, 2, WAIT).await;
    assert!(
        sent.get(1)
            .is_some_and(|m| m.text.to_lowercase().contains("tension")),
        "{sent:?}"
    );
    let answered = api
        .wait_for_call("answerCallbackQuery", WAIT)
        .await
        .expect("callback answered");
    assert_eq!(answered.params["callback_query_id"], callback_id.as_str());
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_the_bot_promptly_and_cleanly() {
    let (api, mut bot) = bot().await;
    api.push_private_text(USER, "sunburn");
    assert_eq!(api.wait_for_messages(USER, 1, WAIT).await.len(), 1);
    let status = bot
        .terminate(Duration::from_secs(10))
        .expect("stopped within 10 s");
    assert!(status.success(), "{status:?}\n{}", bot.log());
    assert!(bot.log().contains("stopped cleanly"), "{}", bot.log());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_appears_in_logs() {
    let (api, mut bot) = bot().await;
    api.push_private_text(USER, "hay fever");
    api.wait_for_messages(USER, 1, WAIT).await;
    api.set_down(true);
    tokio::time::sleep(Duration::from_secs(2)).await;
    api.set_down(false);
    bot.terminate(Duration::from_secs(10));
    let log = bot.log();
    assert!(log.contains("polling"), "debug logging was on: {log}");
    assert!(
        !log.contains(TEST_TOKEN) && !log.contains("TEST-secret"),
        "token leaked into logs:\n{log}"
    );
}
