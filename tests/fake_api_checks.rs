//! Self-tests of the fake Telegram Bot API in `util::fake_api`: it must be
//! at least as strict as Telegram, deliver updates teloxide can parse, and
//! inject failures exactly as documented. Without these, a green end-to-end
//! suite would prove nothing about the real bot.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, CallbackQueryId, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryId,
    InlineQueryResult, InlineQueryResultArticle, InputFile, InputMessageContent,
    InputMessageContentText, MaybeInaccessibleMessage, MessageEntityKind, ParseMode, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use crate::util::fake_api::{FakeBotApi, validate_html};

/// A token with the characters real tokens have (digits, colon, dash).
const TOKEN: &str = "987654:TEST-fake_token";
const USER: i64 = 5001;
const GROUP: i64 = -1_001_234_567;

fn bot(api: &FakeBotApi) -> Bot {
    let url = reqwest::Url::parse(&api.url()).expect("fake url parses");
    Bot::new(TOKEN).set_api_url(url)
}

/// Calls `method` with a JSON body; returns the HTTP status and the body
/// (parsed if it is JSON).
async fn post(api: &FakeBotApi, method: &str, body: Value) -> (u16, Value) {
    post_with_token(api, TOKEN, method, body).await
}

async fn post_with_token(api: &FakeBotApi, token: &str, method: &str, body: Value) -> (u16, Value) {
    let url = format!("{}bot{token}/{method}", api.url());
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("fake server answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn send_text(api: &FakeBotApi, body: Value) -> (u16, String) {
    let (status, reply) = post(api, "sendMessage", body).await;
    let description = reply["description"].as_str().unwrap_or_default().to_owned();
    (status, description)
}

async fn send_html(api: &FakeBotApi, text: &str) -> (u16, String) {
    send_text(
        api,
        json!({"chat_id": USER, "text": text, "parse_mode": "HTML"}),
    )
    .await
}

fn keyboard(button: Value) -> Value {
    json!({"inline_keyboard": [[button]]})
}

// ----- HTML validator --------------------------------------------------------

#[test]
fn accepts_every_documented_html_tag() {
    let html = "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins>\
        <s>s</s><strike>k</strike><del>d</del><span class=\"tg-spoiler\">p</span>\
        <tg-spoiler>t</tg-spoiler><a href=\"https://example.com/?a=1&b=2\">a</a>\
        <tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji><code>c</code>\
        <pre><code class=\"language-rust\">fn</code></pre><blockquote>q</blockquote>\
        <blockquote expandable>x</blockquote><B>upper</b>";
    assert_eq!(
        validate_html(html),
        Ok("bsieunskdpta👍cfnqxupper".to_owned())
    );
}

#[test]
fn decodes_supported_entities_into_visible_text() {
    assert_eq!(
        validate_html("&lt;tag&gt; &amp; &quot;q&quot; &#65;&#x1F600;&#X42;"),
        Ok("<tag> & \"q\" A😀B".to_owned())
    );
}

#[test]
fn rejects_unclosed_html_tag() {
    let reason = validate_html("<b>bold").unwrap_err();
    assert!(reason.contains("Can't find end tag"), "{reason}");
    assert!(validate_html("<b").is_err());
    assert!(validate_html("<a href=\"https://x.org\">x").is_err());
}

#[test]
fn rejects_misnested_and_stray_end_tags() {
    let reason = validate_html("<b><i>x</b></i>").unwrap_err();
    assert!(reason.contains("Unmatched end tag"), "{reason}");
    let reason = validate_html("x</b>").unwrap_err();
    assert!(reason.contains("Unexpected end tag"), "{reason}");
    assert!(
        validate_html("<B>x</B>").is_err(),
        "end tags must be lower-case"
    );
    assert!(validate_html("<b>x</>").is_err());
}

#[test]
fn rejects_unsupported_html_tags() {
    for html in [
        "<br>",
        "line<br/>",
        "<p>x</p>",
        "<div>x</div>",
        "<h1>x</h1>",
        "<ul><li>x</li></ul>",
    ] {
        let reason = validate_html(html).unwrap_err();
        assert!(reason.contains("Unsupported start tag"), "{html}: {reason}");
    }
}

#[test]
fn rejects_unescaped_special_characters() {
    assert!(validate_html("1 < 2").is_err());
    assert!(validate_html("2 > 1").is_err());
    assert!(validate_html("salt & pepper").is_err());
    assert!(validate_html("1 &lt; 2 &gt; 0 &amp; ok").is_ok());
}

#[test]
fn rejects_unknown_named_entities() {
    for html in [
        "a&nbsp;b",
        "it&apos;s",
        "&copy;",
        "&#;",
        "&#xZZ;",
        "&#0;",
        "&lt",
    ] {
        assert!(validate_html(html).is_err(), "{html} should be rejected");
    }
}

#[test]
fn rejects_tags_missing_required_attributes() {
    assert!(validate_html("<span>x</span>").is_err());
    assert!(validate_html("<span class=\"other\">x</span>").is_err());
    assert!(validate_html("<a>x</a>").is_err());
    assert!(validate_html("<a href=\"\">x</a>").is_err());
    assert!(validate_html("<tg-emoji>x</tg-emoji>").is_err());
    assert!(validate_html("<b class>x</b>").is_err());
}

// ----- routing -----------------------------------------------------------------

#[tokio::test]
async fn wrong_token_is_unauthorized() {
    let api = FakeBotApi::start(TOKEN).await;
    let (status, body) = post_with_token(&api, "1:wrong", "getMe", json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );
}

#[tokio::test]
async fn unknown_method_is_not_found() {
    let api = FakeBotApi::start(TOKEN).await;
    let (status, body) = post(&api, "sendTelepathy", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found"})
    );
    assert_eq!(api.rejections().len(), 1);
}

#[tokio::test]
async fn method_names_match_case_insensitively() {
    let api = FakeBotApi::start(TOKEN).await;
    let (status, body) = post(&api, "getme", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["username"], "healthbot_test_bot");
    assert_eq!(api.calls()[0].method, "getMe");
}

#[tokio::test]
async fn token_never_appears_in_records() {
    let api = FakeBotApi::start(TOKEN).await;
    post(&api, "sendMessage", json!({"chat_id": USER, "text": "<b>"})).await;
    post_with_token(&api, "1:wrong", "getMe", json!({})).await;
    let dump = format!(
        "{api:?} {:?} {:?} {:?}",
        api.calls(),
        api.rejections(),
        api.sent_messages()
    );
    assert!(!dump.contains(TOKEN), "token leaked: {dump}");
}

// ----- sendMessage validation -----------------------------------------------------

#[tokio::test]
async fn rejects_text_over_4096_chars() {
    let api = FakeBotApi::start(TOKEN).await;
    let at_limit = "é".repeat(4096);
    assert_eq!(
        send_text(&api, json!({"chat_id": USER, "text": at_limit}))
            .await
            .0,
        200
    );
    let (status, description) =
        send_text(&api, json!({"chat_id": USER, "text": "a".repeat(4097)})).await;
    assert_eq!(
        (status, description.as_str()),
        (400, "Bad Request: message is too long")
    );
    let rejections = api.rejections();
    assert_eq!(rejections.len(), 1);
    assert_eq!(rejections[0].method, "sendMessage");
    assert_eq!(
        rejections[0].params["text"].as_str().map(str::len),
        Some(4097)
    );
    assert_eq!(api.sent_messages().len(), 1);
}

#[tokio::test]
async fn counts_entities_not_markup_toward_length() {
    let api = FakeBotApi::start(TOKEN).await;
    let wrapped = format!("<b>{}</b>", "a".repeat(4096));
    assert_eq!(send_html(&api, &wrapped).await.0, 200);
    assert_eq!(send_html(&api, &"&amp;".repeat(4096)).await.0, 200);
    let (status, description) = send_html(&api, &"&amp;".repeat(4097)).await;
    assert_eq!(
        (status, description.as_str()),
        (400, "Bad Request: message is too long")
    );
    assert_eq!(api.sent_messages()[1].visible_text, "&".repeat(4096));
}

#[tokio::test]
async fn rejects_empty_or_missing_text_and_chat() {
    let api = FakeBotApi::start(TOKEN).await;
    let empty = "Bad Request: message text is empty";
    assert_eq!(send_text(&api, json!({"chat_id": USER})).await.1, empty);
    assert_eq!(
        send_text(&api, json!({"chat_id": USER, "text": ""}))
            .await
            .1,
        empty
    );
    assert_eq!(
        send_text(&api, json!({"chat_id": USER, "text": " \n\t "}))
            .await
            .1,
        empty
    );
    assert_eq!(send_html(&api, "<b> </b>").await.1, empty);
    let no_chat = send_text(&api, json!({"text": "hi"})).await;
    assert_eq!(no_chat, (400, "Bad Request: chat_id is empty".to_owned()));
    assert_eq!(api.rejections().len(), 5);
}

#[tokio::test]
async fn rejects_invalid_html_with_cant_parse_entities() {
    let api = FakeBotApi::start(TOKEN).await;
    let (status, description) = send_html(&api, "<b>unclosed").await;
    assert_eq!(status, 400);
    assert!(
        description.starts_with("Bad Request: can't parse entities: "),
        "{description}"
    );
    // Without parse_mode the same text is fine.
    let plain = send_text(&api, json!({"chat_id": USER, "text": "<b>unclosed"})).await;
    assert_eq!(plain.0, 200);
}

#[tokio::test]
async fn rejects_unsupported_parse_mode() {
    let api = FakeBotApi::start(TOKEN).await;
    let reply = send_text(
        &api,
        json!({"chat_id": USER, "text": "x", "parse_mode": "Bold"}),
    )
    .await;
    assert_eq!(
        reply,
        (400, "Bad Request: unsupported parse_mode".to_owned())
    );
    for mode in ["HTML", "html", "MarkdownV2", "Markdown"] {
        let ok = send_text(
            &api,
            json!({"chat_id": USER, "text": "x", "parse_mode": mode}),
        )
        .await;
        assert_eq!(ok.0, 200, "{mode}");
    }
}

#[tokio::test]
async fn rejects_invalid_inline_keyboards() {
    let api = FakeBotApi::start(TOKEN).await;
    let cases = [
        (
            json!({"text": "x", "callback_data": "a".repeat(65)}),
            "BUTTON_DATA_INVALID",
        ),
        // 33 two-byte characters: 66 bytes although only 33 characters.
        (
            json!({"text": "x", "callback_data": "é".repeat(33)}),
            "BUTTON_DATA_INVALID",
        ),
        (
            json!({"text": "x", "callback_data": ""}),
            "BUTTON_DATA_INVALID",
        ),
        (
            json!({"text": "x", "url": "javascript:alert(1)"}),
            "BUTTON_URL_INVALID",
        ),
        (
            json!({"text": "x", "url": "not a url"}),
            "BUTTON_URL_INVALID",
        ),
        (json!({"text": "x"}), "Text buttons are unallowed"),
        (
            json!({"text": "", "callback_data": "a"}),
            "Text must be non-empty",
        ),
        (
            json!({"text": "x", "callback_data": "a", "url": "https://a.org"}),
            "exactly one",
        ),
    ];
    for (button, expected) in cases {
        let body =
            json!({"chat_id": USER, "text": "pick", "reply_markup": keyboard(button.clone())});
        let (status, description) = send_text(&api, body).await;
        assert_eq!(status, 400, "{button}");
        assert!(description.contains(expected), "{button}: {description}");
    }
    let flat =
        json!({"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [{"text": "a"}]}});
    assert_eq!(send_text(&api, flat).await.0, 400);

    let valid = [
        json!({"text": "x", "callback_data": "é".repeat(32)}),
        json!({"text": "x", "url": "https://www.nhs.uk/conditions/?q=1#top"}),
        json!({"text": "x", "url": "tg://user?id=1"}),
        json!({"text": "x", "switch_inline_query": ""}),
    ];
    for button in valid {
        let body =
            json!({"chat_id": USER, "text": "pick", "reply_markup": keyboard(button.clone())});
        assert_eq!(send_text(&api, body).await.0, 200, "{button}");
    }
}

#[tokio::test]
async fn rejects_reply_to_unknown_message() {
    let api = FakeBotApi::start(TOKEN).await;
    let body = json!({"chat_id": USER, "text": "x", "reply_parameters": {"message_id": 99}});
    let reply = send_text(&api, body).await;
    assert_eq!(
        reply,
        (
            400,
            "Bad Request: message to be replied not found".to_owned()
        )
    );
    let lenient = json!({"chat_id": USER, "text": "x",
        "reply_parameters": {"message_id": 99, "allow_sending_without_reply": true}});
    assert_eq!(send_text(&api, lenient).await.0, 200);
}

#[tokio::test]
async fn message_ids_increase_per_chat() {
    let api = FakeBotApi::start(TOKEN).await;
    api.push_private_text(USER, "hello");
    for chat in [USER, USER, 777, USER] {
        send_text(&api, json!({"chat_id": chat, "text": "x"})).await;
    }
    let ids: Vec<(i64, i32)> = api
        .sent_messages()
        .iter()
        .map(|m| (m.chat_id, m.message_id))
        .collect();
    // The user's own message took id 1 in their chat.
    assert_eq!(ids, [(USER, 2), (USER, 3), (777, 1), (USER, 4)]);
}

// ----- edits, callbacks, inline queries ------------------------------------------

#[tokio::test]
async fn edits_need_an_existing_changed_bot_message() {
    let api = FakeBotApi::start(TOKEN).await;
    let markup = keyboard(json!({"text": "Next", "callback_data": "next"}));
    post(
        &api,
        "sendMessage",
        json!({"chat_id": USER, "text": "one", "reply_markup": markup}),
    )
    .await;
    let edit = |text: &str, markup: Option<&Value>| {
        let mut body = json!({"chat_id": USER, "message_id": 1, "text": text});
        if let Some(markup) = markup {
            body["reply_markup"] = markup.clone();
        }
        body
    };

    let (status, same) = post(&api, "editMessageText", edit("one", Some(&markup))).await;
    assert_eq!(status, 400);
    assert!(
        same["description"]
            .as_str()
            .unwrap()
            .contains("message is not modified")
    );
    // Dropping the keyboard is a change.
    let (status, edited) = post(&api, "editMessageText", edit("one", None)).await;
    assert_eq!(status, 200);
    assert!(edited["result"].get("reply_markup").is_none());
    assert!(edited["result"]["edit_date"].is_i64());

    let missing = json!({"chat_id": USER, "message_id": 42, "text": "x"});
    let (_, body) = post(&api, "editMessageText", missing).await;
    assert_eq!(
        body["description"],
        "Bad Request: message to edit not found"
    );
    api.push_private_text(USER, "user text");
    let theirs = json!({"chat_id": USER, "message_id": 2, "text": "x"});
    let (_, body) = post(&api, "editMessageText", theirs).await;
    assert_eq!(body["description"], "Bad Request: message can't be edited");
    let too_long = json!({"chat_id": USER, "message_id": 1, "text": "a".repeat(4097)});
    let (_, body) = post(&api, "editMessageText", too_long).await;
    assert_eq!(body["description"], "Bad Request: MESSAGE_TOO_LONG");

    let (status, _) = post(
        &api,
        "editMessageReplyMarkup",
        json!({"chat_id": USER, "message_id": 1, "reply_markup": markup}),
    )
    .await;
    assert_eq!(status, 200);
    let methods: Vec<String> = api.sent_messages().into_iter().map(|m| m.method).collect();
    assert_eq!(
        methods,
        ["sendMessage", "editMessageText", "editMessageReplyMarkup"]
    );
    let (status, _) = post(
        &api,
        "deleteMessage",
        json!({"chat_id": USER, "message_id": 1}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = post(
        &api,
        "deleteMessage",
        json!({"chat_id": USER, "message_id": 1}),
    )
    .await;
    assert_eq!(
        body["description"],
        "Bad Request: message to delete not found"
    );
}

#[tokio::test]
async fn callback_queries_are_answered_once() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let (_, query_id) = api.push_callback(USER, USER, 1, "data");
    bot.answer_callback_query(CallbackQueryId(query_id.clone()))
        .text("Saved")
        .await
        .expect("first answer accepted");
    let again = bot.answer_callback_query(CallbackQueryId(query_id)).await;
    assert!(matches!(again, Err(RequestError::Api(_))), "{again:?}");
    let unknown = bot
        .answer_callback_query(CallbackQueryId("nope".to_owned()))
        .await;
    assert!(matches!(unknown, Err(RequestError::Api(_))), "{unknown:?}");
    let call = api
        .wait_for_call("answerCallbackQuery", Duration::from_secs(1))
        .await;
    assert_eq!(call.map(|c| c.status), Some(200));
}

#[tokio::test]
async fn answer_inline_query_validates_results() {
    let api = FakeBotApi::start(TOKEN).await;
    let (_, query_id) = api.push_inline_query(USER, "sleep");
    let article = |id: &str, text: &str| {
        json!({"type": "article", "id": id, "title": "T",
            "input_message_content": {"message_text": text, "parse_mode": "HTML"}})
    };
    let answer = |results: Vec<Value>| json!({"inline_query_id": query_id, "results": results});
    let cases = [
        (
            vec![article("1", "a"), article("1", "b")],
            "RESULT_ID_DUPLICATE",
        ),
        (
            (0..51).map(|i| article(&i.to_string(), "a")).collect(),
            "RESULTS_TOO_MUCH",
        ),
        (vec![article("", "a")], "RESULT_ID_INVALID"),
        (vec![article(&"x".repeat(65), "a")], "RESULT_ID_INVALID"),
        (vec![article("1", "<i>bad")], "can't parse entities"),
        (vec![article("1", &"a".repeat(4097))], "message is too long"),
        (
            vec![json!({"type": "article", "id": "1", "title": "T"})],
            "input_message_content",
        ),
    ];
    for (results, expected) in cases {
        let (status, body) = post(&api, "answerInlineQuery", answer(results)).await;
        assert_eq!(status, 400);
        let description = body["description"].as_str().unwrap();
        assert!(description.contains(expected), "{expected}: {description}");
    }

    // teloxide's own serialisation of an article is accepted.
    let bot = bot(&api);
    let content = InputMessageContentText::new("<b>Sleep</b> well").parse_mode(ParseMode::Html);
    let result =
        InlineQueryResultArticle::new("sleep-1", "Sleep", InputMessageContent::Text(content));
    bot.answer_inline_query(
        InlineQueryId(query_id.clone()),
        vec![InlineQueryResult::Article(result)],
    )
    .await
    .expect("valid answer accepted");
    let (status, _) = post(&api, "answerInlineQuery", answer(vec![article("2", "a")])).await;
    assert_eq!(status, 400, "a query can be answered only once");
    let (_, body) = post(
        &api,
        "answerInlineQuery",
        json!({"inline_query_id": "unknown", "results": []}),
    )
    .await;
    assert!(
        body["description"]
            .as_str()
            .unwrap()
            .contains("query ID is invalid")
    );
}

// ----- failure injection -----------------------------------------------------------

#[tokio::test]
async fn blocked_chat_gets_403() {
    let api = FakeBotApi::start(TOKEN).await;
    api.block_chat(USER);
    let (status, body) = post(&api, "sendMessage", json!({"chat_id": USER, "text": "hi"})).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    );
    let action = post(
        &api,
        "sendChatAction",
        json!({"chat_id": USER, "action": "typing"}),
    )
    .await;
    assert_eq!(action.0, 403);
    assert_eq!(
        send_text(&api, json!({"chat_id": 1, "text": "hi"})).await.0,
        200
    );
    assert!(
        api.rejections().is_empty(),
        "403 is injected, not a rejection"
    );

    let error = bot(&api)
        .send_message(ChatId(USER), "hi")
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::BotBlocked)),
        "{error:?}"
    );
    api.unblock_chat(USER);
    assert_eq!(
        send_text(&api, json!({"chat_id": USER, "text": "hi"}))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn injected_429_carries_retry_after() {
    let api = FakeBotApi::start(TOKEN).await;
    api.fail_next_with_429(2, 7);
    for _ in 0..2 {
        let (status, body) =
            post(&api, "sendMessage", json!({"chat_id": USER, "text": "hi"})).await;
        assert_eq!(status, 429);
        assert_eq!(
            body,
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7}})
        );
    }
    // getMe is not send-like and the budget is now spent.
    assert_eq!(post(&api, "getMe", json!({})).await.0, 200);
    assert_eq!(
        send_text(&api, json!({"chat_id": USER, "text": "hi"}))
            .await
            .0,
        200
    );
    let throttled: Vec<Option<u64>> = api
        .calls()
        .iter()
        .filter(|c| c.status == 429)
        .map(|c| c.retry_after)
        .collect();
    assert_eq!(throttled, [Some(7), Some(7)]);
    assert!(api.rejections().is_empty());
}

#[tokio::test]
async fn retry_violations_flag_retries_that_came_too_early() {
    let api = FakeBotApi::start(TOKEN).await;
    let body = json!({"chat_id": USER, "text": "retry me"});
    api.fail_next_with_429(1, 1);
    post(&api, "sendMessage", body.clone()).await;
    post(&api, "sendMessage", body.clone()).await;
    assert_eq!(
        api.retry_violations().len(),
        1,
        "{:?}",
        api.retry_violations()
    );

    api.clear_records();
    api.fail_next_with_429(1, 1);
    post(&api, "sendMessage", body.clone()).await;
    tokio::time::sleep(Duration::from_millis(1050)).await;
    post(&api, "sendMessage", body).await;
    assert!(
        api.retry_violations().is_empty(),
        "{:?}",
        api.retry_violations()
    );
}

#[tokio::test]
async fn rate_limit_throttles_bursts_within_one_second() {
    let api = FakeBotApi::start(TOKEN).await;
    api.set_rate_limit(Some(3));
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            send_text(&api, json!({"chat_id": USER, "text": "x"}))
                .await
                .0,
        );
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    let limited = api.calls().into_iter().find(|c| c.status == 429).unwrap();
    assert_eq!(limited.retry_after, Some(1));
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(
        send_text(&api, json!({"chat_id": USER, "text": "x"}))
            .await
            .0,
        200
    );
    api.set_rate_limit(None);
    for _ in 0..5 {
        assert_eq!(
            send_text(&api, json!({"chat_id": USER, "text": "x"}))
                .await
                .0,
            200
        );
    }
}

#[tokio::test]
async fn outage_returns_502() {
    let api = FakeBotApi::start(TOKEN).await;
    api.set_down(true);
    let (status, body) = post(&api, "getMe", json!({})).await;
    assert_eq!(
        (status, body),
        (502, Value::String("Bad Gateway".to_owned()))
    );
    post(&api, "sendMessage", json!({"chat_id": USER, "text": "x"})).await;
    assert_eq!(api.requests_while_down(), 2);
    assert!(api.sent_messages().is_empty());
    assert!(api.rejections().is_empty());
    api.set_down(false);
    assert_eq!(post(&api, "getMe", json!({})).await.0, 200);
    assert_eq!(api.requests_while_down(), 2);
}

#[tokio::test]
async fn outage_fails_a_pending_long_poll() {
    let api = FakeBotApi::start(TOKEN).await;
    let poller = api.clone();
    let poll =
        tokio::spawn(async move { post(&poller, "getUpdates", json!({"timeout": 10})).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    api.set_down(true);
    api.push_private_text(USER, "sent during the outage");
    assert_eq!(poll.await.unwrap().0, 502);
    assert_eq!(
        api.pending_updates(),
        1,
        "the update waits for the outage to end"
    );
    api.set_down(false);
    let (_, body) = post(&api, "getUpdates", json!({})).await;
    assert_eq!(
        body["result"][0]["message"]["text"],
        "sent during the outage"
    );
}

// ----- teloxide round trips ---------------------------------------------------------

#[tokio::test]
async fn teloxide_sees_results_and_errors_as_from_telegram() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.username(), "healthbot_test_bot");
    assert_eq!(me.id, UserId(4242));
    assert!(me.is_bot);

    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("More", "more:1")]]);
    let sent = bot
        .send_message(ChatId(USER), "<b>Sleep</b> &amp; rest")
        .parse_mode(ParseMode::Html)
        .reply_markup(markup)
        .await
        .expect("valid HTML is sent");
    assert_eq!(sent.text(), Some("Sleep & rest"));
    assert!(sent.reply_markup().is_some());
    let recorded = &api.sent_messages()[0];
    assert_eq!(recorded.text, "<b>Sleep</b> &amp; rest");
    assert_eq!(recorded.parse_mode.as_deref(), Some("HTML"));
    assert_eq!(
        recorded.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"],
        "more:1"
    );

    let invalid = bot
        .send_message(ChatId(USER), "<b>Sleep & rest</b>")
        .parse_mode(ParseMode::Html)
        .await;
    assert!(
        matches!(
            invalid,
            Err(RequestError::Api(ApiError::CantParseEntities(_)))
        ),
        "{invalid:?}"
    );
    assert_eq!(api.rejections().len(), 1);

    api.fail_next_with_429(1, 3);
    let throttled = bot.send_message(ChatId(USER), "hi").await;
    assert!(
        matches!(&throttled, Err(RequestError::RetryAfter(s)) if s.seconds() == 3),
        "{throttled:?}"
    );

    let edited = bot
        .edit_message_text(ChatId(USER), sent.id, "<i>Updated</i>")
        .parse_mode(ParseMode::Html)
        .await
        .expect("edit accepted");
    assert_eq!(edited.text(), Some("Updated"));
    bot.send_chat_action(ChatId(USER), teloxide::types::ChatAction::Typing)
        .await
        .expect("chat action");
}

#[tokio::test]
async fn teloxide_uploads_documents_as_multipart() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let file = InputFile::memory(b"{\"saved\": []}".to_vec()).file_name("export.json");
    let sent = bot
        .send_document(ChatId(USER), file)
        .caption("Your <b>export</b>")
        .parse_mode(ParseMode::Html)
        .await
        .expect("document sent");
    assert_eq!(sent.caption(), Some("Your export"));
    assert_eq!(
        sent.document().and_then(|d| d.file_name.as_deref()),
        Some("export.json")
    );
    let recorded = &api.sent_messages()[0];
    assert_eq!(recorded.method, "sendDocument");
    assert_eq!(recorded.text, "Your <b>export</b>");
    let uploaded = recorded.file.as_ref().expect("file recorded");
    assert_eq!(
        (uploaded.file_name.as_str(), uploaded.bytes.as_slice()),
        ("export.json", b"{\"saved\": []}".as_slice())
    );
    let params = &api.calls()[0].params;
    assert_eq!(params["chat_id"], USER.to_string());
    assert_eq!(params["document"]["file_name"], "export.json");

    let long_caption = bot
        .send_document(
            ChatId(USER),
            InputFile::memory(b"x".to_vec()).file_name("a.txt"),
        )
        .caption("c".repeat(1025))
        .await;
    assert!(
        matches!(long_caption, Err(RequestError::Api(_))),
        "{long_caption:?}"
    );
    assert_eq!(
        api.rejections()[0].reason,
        "Bad Request: message caption is too long"
    );
    let photo = bot
        .send_photo(
            ChatId(USER),
            InputFile::memory(vec![0xFF, 0xD8, 0xFF]).file_name("chart.jpg"),
        )
        .await
        .expect("photo sent");
    assert!(photo.photo().is_some());
}

#[tokio::test]
async fn serves_registered_files_for_get_file_and_download() {
    let api = FakeBotApi::start(TOKEN).await;
    api.add_file("doc-1", "documents/file_1.txt", b"import me");
    let bot = bot(&api);
    let file = bot
        .get_file(FileId("doc-1".to_owned()))
        .await
        .expect("getFile");
    assert_eq!(file.path, "documents/file_1.txt");
    assert_eq!(file.size, 9);
    let mut bytes = Vec::new();
    bot.download_file(&file.path, &mut bytes)
        .await
        .expect("download");
    assert_eq!(bytes, b"import me");
    let missing = bot.get_file(FileId("nope".to_owned())).await;
    assert!(matches!(missing, Err(RequestError::Api(_))));
}

#[tokio::test]
async fn teloxide_round_trips_bot_commands() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let commands = vec![
        BotCommand::new("start", "Start the bot"),
        BotCommand::new("saved_items", "Show saved articles"),
    ];
    bot.set_my_commands(commands.clone())
        .await
        .expect("valid commands");
    assert_eq!(bot.get_my_commands().await.expect("get"), commands);
    let invalid = bot
        .set_my_commands(vec![BotCommand::new("Start!", "x")])
        .await;
    assert!(matches!(invalid, Err(RequestError::Api(_))));
    bot.delete_my_commands().await.expect("delete");
    assert!(bot.get_my_commands().await.expect("get").is_empty());
}

#[tokio::test]
async fn pushed_updates_deserialize_in_teloxide() {
    let api = FakeBotApi::start(TOKEN).await;
    let bot = bot(&api);
    let sent = bot
        .send_message(ChatId(USER), "Pick one")
        .reply_markup(InlineKeyboardMarkup::new([[
            InlineKeyboardButton::callback("A", "a"),
        ]]))
        .await
        .unwrap();
    let group_reply = bot
        .send_message(ChatId(GROUP), "In the group")
        .await
        .unwrap();

    api.push_private_text(USER, "/start@healthbot_test_bot now");
    api.push_group_text(
        GROUP,
        USER,
        "hey @healthbot_test_bot sleep?",
        Some(group_reply.id.0),
    );
    let (_, callback_id) = api.push_callback(USER, USER, sent.id.0, "a");
    api.push_callback(USER, USER, 999, "stale");
    let (_, inline_id) = api.push_inline_query(USER, "sleep");
    api.push_sticker(USER);
    api.push_photo(USER);
    api.push_document(USER, "file-9", "notes.txt", Some("my notes"));
    api.push_raw(json!({"edited_message": {"message_id": 1, "date": 1, "chat": {"id": USER, "type": "private"}, "text": "e"}}));

    let updates = bot.get_updates().await.expect("getUpdates parses");
    assert_eq!(updates.len(), 9);
    let kinds: Vec<&UpdateKind> = updates.iter().map(|u| &u.kind).collect();

    let UpdateKind::Message(command) = kinds[0] else {
        panic!("{:?}", kinds[0])
    };
    assert_eq!(command.chat.id, ChatId(USER));
    assert!(command.chat.is_private());
    let from = command.from.as_ref().unwrap();
    assert_eq!(
        (from.first_name.as_str(), from.language_code.as_deref()),
        ("Test", Some("en"))
    );
    let entity = &command.parse_entities().unwrap()[0];
    assert_eq!(*entity.kind(), MessageEntityKind::BotCommand);
    assert_eq!(entity.text(), "/start@healthbot_test_bot");

    let UpdateKind::Message(group) = kinds[1] else {
        panic!("{:?}", kinds[1])
    };
    assert!(group.chat.is_supergroup());
    assert!(group.chat.title().is_some());
    let mention = &group.parse_entities().unwrap()[0];
    assert_eq!(
        (mention.kind(), mention.text()),
        (&MessageEntityKind::Mention, "@healthbot_test_bot")
    );
    let replied = group.reply_to_message().expect("reply_to_message");
    assert_eq!(
        (replied.id, replied.text()),
        (group_reply.id, Some("In the group"))
    );

    let UpdateKind::CallbackQuery(query) = kinds[2] else {
        panic!("{:?}", kinds[2])
    };
    assert_eq!(
        (query.id.0.as_str(), query.data.as_deref()),
        (callback_id.as_str(), Some("a"))
    );
    let message = query
        .message
        .as_ref()
        .and_then(MaybeInaccessibleMessage::regular_message);
    assert_eq!(message.and_then(|m| m.text()), Some("Pick one"));
    assert!(message.and_then(|m| m.reply_markup()).is_some());
    let UpdateKind::CallbackQuery(stale) = kinds[3] else {
        panic!("{:?}", kinds[3])
    };
    assert!(matches!(
        stale.message,
        Some(MaybeInaccessibleMessage::Inaccessible(_))
    ));

    let UpdateKind::InlineQuery(inline) = kinds[4] else {
        panic!("{:?}", kinds[4])
    };
    assert_eq!(
        (inline.id.0.as_str(), inline.query.as_str()),
        (inline_id.as_str(), "sleep")
    );
    let UpdateKind::Message(sticker) = kinds[5] else {
        panic!("{:?}", kinds[5])
    };
    assert!(sticker.sticker().is_some());
    let UpdateKind::Message(photo) = kinds[6] else {
        panic!("{:?}", kinds[6])
    };
    assert_eq!(photo.photo().map(<[_]>::len), Some(2));
    let UpdateKind::Message(document) = kinds[7] else {
        panic!("{:?}", kinds[7])
    };
    assert_eq!(document.document().unwrap().file.id.0, "file-9");
    assert_eq!(document.caption(), Some("my notes"));
    assert!(
        matches!(kinds[8], UpdateKind::EditedMessage(_)),
        "{:?}",
        kinds[8]
    );
}

#[tokio::test]
async fn teloxide_dispatcher_answers_through_long_polling() {
    let api = FakeBotApi::start(TOKEN).await;
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let reply = format!("echo: {}", msg.text().unwrap_or_default());
        bot.send_message(msg.chat.id, reply).await?;
        Ok::<(), RequestError>(())
    });
    let mut dispatcher = Dispatcher::builder(bot(&api), handler).build();
    let shutdown = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    // Queued before the first poll; delivered by it.
    api.push_private_text(USER, "hello");
    let replies = api.wait_for_messages(USER, 1, Duration::from_secs(5)).await;
    assert_eq!(
        replies.first().map(|m| m.text.as_str()),
        Some("echo: hello")
    );
    shutdown.shutdown().expect("dispatcher running").await;
    running.await.expect("dispatcher task");
    assert_eq!(api.pending_updates(), 0, "offset confirmed the update");
    assert!(api.rejections().is_empty(), "{:?}", api.rejections());
}

// ----- long polling ------------------------------------------------------------------

#[tokio::test]
async fn long_poll_returns_pushed_update() {
    let api = FakeBotApi::start(TOKEN).await;
    let poller = api.clone();
    let started = Instant::now();
    let poll =
        tokio::spawn(async move { post(&poller, "getUpdates", json!({"timeout": 10})).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let update_id = api.push_private_text(USER, "wake up");
    let (status, body) = poll.await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["result"][0]["update_id"], update_id);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "woke early: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn long_poll_waits_for_timeout_when_idle() {
    let api = FakeBotApi::start(TOKEN).await;
    let started = Instant::now();
    let (status, body) = post(&api, "getUpdates", json!({"timeout": 1})).await;
    assert_eq!((status, body["result"].clone()), (200, json!([])));
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn get_updates_honours_offset_and_limit() {
    let api = FakeBotApi::start(TOKEN).await;
    let ids: Vec<i64> = (0..3)
        .map(|i| api.push_private_text(USER, &format!("m{i}")))
        .collect();
    let (_, body) = post(&api, "getUpdates", json!({"limit": 2})).await;
    assert_eq!(body["result"].as_array().unwrap().len(), 2);
    // Unconfirmed updates are delivered again.
    let (_, body) = post(&api, "getUpdates", json!({})).await;
    assert_eq!(body["result"][0]["update_id"], ids[0]);
    let (_, body) = post(&api, "getUpdates", json!({"offset": ids[1] + 1})).await;
    assert_eq!(body["result"].as_array().unwrap().len(), 1);
    assert_eq!(body["result"][0]["update_id"], ids[2]);
    assert_eq!(api.pending_updates(), 1);
    let (_, body) = post(&api, "getUpdates", json!({"offset": ids[2] + 1})).await;
    assert_eq!(body["result"], json!([]));
    assert_eq!(api.pending_updates(), 0);
}

#[tokio::test]
async fn allowed_updates_drops_kinds_not_asked_for() {
    let api = FakeBotApi::start(TOKEN).await;
    api.push_callback(USER, USER, 1, "x");
    let wanted = api.push_private_text(USER, "text");
    let (_, body) = post(&api, "getUpdates", json!({"allowed_updates": ["message"]})).await;
    let ids: Vec<&Value> = body["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["update_id"])
        .collect();
    assert_eq!(ids, [&json!(wanted)]);
}

#[tokio::test]
async fn newer_poll_terminates_older_one() {
    let api = FakeBotApi::start(TOKEN).await;
    let poller = api.clone();
    let first =
        tokio::spawn(async move { post(&poller, "getUpdates", json!({"timeout": 10})).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _) = post(&api, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(status, 200);
    let (status, body) = first.await.unwrap();
    assert_eq!(status, 409);
    assert!(
        body["description"]
            .as_str()
            .unwrap()
            .contains("terminated by other getUpdates")
    );
}

#[tokio::test]
async fn webhook_blocks_get_updates_until_deleted() {
    let api = FakeBotApi::start(TOKEN).await;
    post(
        &api,
        "setWebhook",
        json!({"url": "https://bot.example.org/hook"}),
    )
    .await;
    let (_, info) = post(&api, "getWebhookInfo", json!({})).await;
    assert_eq!(info["result"]["url"], "https://bot.example.org/hook");
    assert_eq!(post(&api, "getUpdates", json!({})).await.0, 409);
    api.push_private_text(USER, "queued");
    post(&api, "deleteWebhook", json!({"drop_pending_updates": true})).await;
    let (status, body) = post(&api, "getUpdates", json!({})).await;
    assert_eq!((status, body["result"].clone()), (200, json!([])));
}

// ----- waiting helpers and lifecycle ----------------------------------------------

#[tokio::test]
async fn wait_helpers_return_what_exists_after_timeout() {
    let api = FakeBotApi::start(TOKEN).await;
    send_text(&api, json!({"chat_id": USER, "text": "only one"})).await;
    let started = Instant::now();
    let got = api
        .wait_for_messages(USER, 2, Duration::from_millis(300))
        .await;
    assert_eq!(got.len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        api.wait_for_call("getMe", Duration::from_millis(100))
            .await
            .is_none()
    );

    let later = api.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        send_text(&later, json!({"chat_id": USER, "text": "second"})).await;
    });
    let got = api.wait_for_messages(USER, 2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let api = FakeBotApi::start(TOKEN).await;
    let url = api.url();
    let clone = api.clone();
    drop(api);
    assert_eq!(
        post(&clone, "getMe", json!({})).await.0,
        200,
        "a clone keeps it alive"
    );
    clone.shutdown();
    let refused = async {
        loop {
            let attempt = reqwest::Client::new()
                .get(format!("{url}bot{TOKEN}/getMe"))
                .send()
                .await;
            if attempt.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), refused)
        .await
        .expect("server stops accepting connections");
}

#[tokio::test]
async fn keeps_serving_while_the_test_thread_blocks() {
    let api = FakeBotApi::start(TOKEN).await;
    let addr = api
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    // This current-thread runtime is stuck in join() meanwhile.
    let response = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let request =
            format!("GET /bot{TOKEN}/getMe HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    })
    .join()
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("healthbot_test_bot"));
}

#[tokio::test]
async fn accepts_urlencoded_and_query_parameters() {
    let api = FakeBotApi::start(TOKEN).await;
    let markup = r#"{"inline_keyboard":[[{"text":"Go","callback_data":"go"}]]}"#;
    let body = format!(
        "chat_id={USER}&text=salt+%26+pepper&reply_markup={}",
        markup.replace('"', "%22")
    );
    let response = reqwest::Client::new()
        .post(format!("{}bot{TOKEN}/sendMessage", api.url()))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let sent = &api.sent_messages()[0];
    assert_eq!((sent.chat_id, sent.text.as_str()), (USER, "salt & pepper"));
    assert_eq!(
        sent.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"],
        "go"
    );

    let url = format!(
        "{}bot{TOKEN}/sendMessage?chat_id={USER}&text=from+query",
        api.url()
    );
    let response = reqwest::Client::new().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(api.sent_messages()[1].text, "from query");
}
