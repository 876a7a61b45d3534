//! Emergencies and crisis messages through the fake Bot API, wherever a question can arrive:
//! private chat, a group mention and inline mode.

use std::time::Duration;

use serde_json::Value;

use crate::util::fake_api::{BOT_USERNAME, FakeBotApi};
use crate::util::{BotProcess, assert_nothing_rejected, bot_with_fake_api as bot};

const WAIT: Duration = Duration::from_secs(20);
const USER: i64 = 3003;
const GROUP: i64 = -100_888;
/// The articles a crisis reply may suggest (`supportive` in content/red-flags.toml).
const SUPPORTIVE: &[&str] = &[
    "suicidal-thoughts",
    "self-harm",
    "depression-signs",
    "anxiety",
    "grief-and-bereavement",
    "stress",
    "panic-attack",
];

/// The callback data of every button in a reply's markup.
fn button_data(markup: Option<&Value>) -> Vec<String> {
    let rows = markup
        .and_then(|m| m["inline_keyboard"].as_array())
        .cloned()
        .unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .collect()
}

fn assert_cared_for(text: &str, markup: Option<&Value>) {
    assert!(
        text.starts_with("💛") && text.contains("crisis line"),
        "{text}"
    );
    for data in button_data(markup) {
        let slug = data
            .strip_prefix("a:")
            .unwrap_or_else(|| panic!("a feedback button: {data}"));
        assert!(SUPPORTIVE.contains(&slug), "unrelated suggestion {slug}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn crisis_messages_get_the_crisis_line_and_only_supportive_reading() {
    let (api, bot) = bot().await;
    api.push_private_text(USER, "honestly everyone would be better off without me");
    api.push_group_text(
        GROUP,
        USER,
        &format!("@{BOT_USERNAME} i don't want to be here anymore"),
        None,
    );
    let private = api.wait_for_messages(USER, 1, WAIT).await;
    let group = api.wait_for_messages(GROUP, 1, WAIT).await;
    let (Some(private), Some(group)) = (private.first(), group.first()) else {
        panic!("no reply; log:\n{}", bot.log());
    };
    assert_cared_for(&private.text, private.reply_markup.as_ref());
    assert_cared_for(&group.text, group.reply_markup.as_ref());
    assert_nothing_rejected(&api);
}

/// The results the bot gives for an inline query.
async fn inline_results(api: &FakeBotApi, bot: &BotProcess, query: &str) -> Vec<Value> {
    api.clear_records();
    api.push_inline_query(USER, query);
    let call = api
        .wait_for_call("answerInlineQuery", WAIT)
        .await
        .unwrap_or_else(|| panic!("log:\n{}", bot.log()));
    call.params["results"].as_array().cloned().expect("results")
}

#[tokio::test(flavor = "multi_thread")]
async fn inline_emergencies_show_the_advice_first() {
    let (api, bot) = bot().await;
    let results = inline_results(&api, &bot, "my dad's face is drooping on one side").await;
    assert_eq!(results[0]["id"], "emergency", "{results:?}");
    assert_eq!(results[1]["id"], "stroke-signs", "{results:?}");
    let advice = results[0]["input_message_content"]["message_text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        advice.starts_with("🚨") && advice.contains("stroke"),
        "{advice}"
    );

    let results = inline_results(&api, &bot, "i want to kill myself").await;
    assert_eq!(results[0]["id"], "emergency", "{results:?}");
    for r in &results[1..] {
        let slug = r["id"].as_str().unwrap_or_default();
        assert!(SUPPORTIVE.contains(&slug), "unrelated suggestion {slug}");
    }
    assert_nothing_rejected(&api);
}
