//! Follow-up questions through the strict fake Bot API: "how long does it last?" right after
//! an answer, a deep link or, in a group, in a reply to the bot's answer is answered from the
//! article the chat was just given, names it, and offers "Not this one"; the emergency check
//! comes first all the same.

use std::time::Duration;

use crate::util::fake_api::{BOT_USERNAME, FakeBotApi, SentMessage};
use crate::util::{assert_nothing_rejected, bot_with_fake_api as bot};

const WAIT: Duration = Duration::from_secs(20);
const USER: i64 = 3003;
const GROUP: i64 = -100_888;

/// The callback data of every button under a message.
fn buttons(m: &SentMessage) -> Vec<String> {
    m.reply_markup.as_ref().map_or_else(Vec::new, |k| {
        k["inline_keyboard"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap())
            .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
            .collect()
    })
}

/// The `n`th message the bot sent to `chat`, waiting for it.
async fn nth(api: &FakeBotApi, chat: i64, n: usize) -> SentMessage {
    let sent = api.wait_for_messages(chat, n, WAIT).await;
    assert!(sent.len() >= n, "only {} messages: {sent:#?}", sent.len());
    sent[n - 1].clone()
}

fn is_sunburn_duration(text: &str) -> bool {
    text.starts_with("About <b>Sunburn") && text.contains("within about 7 days")
}

#[tokio::test(flavor = "multi_thread")]
async fn how_long_after_a_sunburn_answer_is_about_sunburn_and_can_be_undone() {
    let (api, bot) = bot().await;
    api.push_private_text(USER, "whats the best thing to put on sunburn");
    let first = nth(&api, USER, 1).await;
    assert!(
        first.text.contains("<b>Sunburn"),
        "{}\n{}",
        first.text,
        bot.log()
    );
    assert!(
        first.text.contains("• "),
        "self-care items as a list: {}",
        first.text
    );
    api.push_private_text(USER, "how long does it last?");
    let follow = nth(&api, USER, 2).await;
    assert!(is_sunburn_duration(&follow.text), "{}", follow.text);
    assert!(
        buttons(&follow).contains(&"f:".to_owned()),
        "{:?}",
        buttons(&follow)
    );
    let (_, query) = api.push_callback(USER, USER, follow.message_id, "f:");
    let afresh = nth(&api, USER, 3).await;
    assert!(!afresh.text.starts_with("About "), "{}", afresh.text);
    assert!(
        api.calls()
            .iter()
            .any(|c| c.method == "answerCallbackQuery" && c.params["callback_query_id"] == query),
        "the button press is answered"
    );
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_up_after_a_deep_link_is_about_that_article() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "/start a_sunburn");
    let card = nth(&api, USER, 1).await;
    assert!(card.text.contains("<b>Sunburn"), "{}", card.text);
    api.push_private_text(USER, "how long does it last");
    let follow = nth(&api, USER, 2).await;
    assert!(is_sunburn_duration(&follow.text), "{}", follow.text);
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn in_groups_only_a_reply_to_the_bot_is_a_follow_up() {
    let (api, _bot) = bot().await;
    let ask = |text: &str, reply: Option<i32>| {
        api.push_group_text(GROUP, USER, &format!("@{BOT_USERNAME} {text}"), reply)
    };
    ask("what helps sunburn", None);
    let first = nth(&api, GROUP, 1).await;
    assert!(first.text.contains("<b>Sunburn"), "{}", first.text);
    ask("how long does it last?", None);
    let unrelated = nth(&api, GROUP, 2).await;
    assert!(!unrelated.text.starts_with("About "), "{}", unrelated.text);
    api.push_group_text(
        GROUP,
        USER,
        "how long does it last?",
        Some(first.message_id),
    );
    let follow = nth(&api, GROUP, 3).await;
    assert!(is_sunburn_duration(&follow.text), "{}", follow.text);
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_with_its_own_topic_or_after_forget_is_matched_as_usual() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "what helps sunburn");
    nth(&api, USER, 1).await;
    api.push_private_text(USER, "how long does a cold last");
    let cold = nth(&api, USER, 2).await;
    assert!(!cold.text.starts_with("About "), "{}", cold.text);
    assert!(cold.text.to_lowercase().contains("cold"), "{}", cold.text);
    api.push_private_text(USER, "/forget");
    nth(&api, USER, 3).await;
    api.push_private_text(USER, "when should i see a doctor then?");
    let after = nth(&api, USER, 4).await;
    assert!(!after.text.starts_with("About "), "{}", after.text);
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_up_that_sounds_like_an_emergency_gets_the_emergency_advice() {
    let (api, _bot) = bot().await;
    api.push_private_text(USER, "what helps sunburn");
    nth(&api, USER, 1).await;
    api.push_private_text(USER, "is it serious? i can't breathe");
    let reply = nth(&api, USER, 2).await;
    assert!(reply.text.starts_with("🚨"), "{}", reply.text);
    assert!(!reply.text.contains("About <b>Sunburn"), "{}", reply.text);
    assert!(
        !buttons(&reply).contains(&"f:".to_owned()),
        "{:?}",
        buttons(&reply)
    );
    assert_nothing_rejected(&api);
}
