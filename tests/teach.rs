//! Teaching the bot from Telegram, through the real binary and the fake Bot API: `/review`,
//! `/teach`, `/phrasings`, `/why`, 👎 reassignment, off-topic examples, kill -9 durability
//! and refusal for everyone but admins.

use crate::admin::{
    ADMIN, ADMIN_ENV, Chat, NOT_ALLOWED, USER, WAIT, admin_bot, assert_nothing_rejected, button,
    export,
};
use crate::util::BotProcess;
use crate::util::fake_api::{FakeBotApi, SentMessage};

/// Unanswered on the bundled library: its nearest article is "Neck pain and stiff neck".
const NECK: &str = "crunchy noise when I turn my neck";
const NECK_TITLE: &str = "<b>Neck pain and stiff neck</b>";
const NOT_ANSWERED: &str = "rather not guess";

/// The callback data of the first button whose label contains `label`.
fn button_labelled(message: &SentMessage, label: &str) -> String {
    let markup = message.reply_markup.as_ref().expect("buttons");
    markup["inline_keyboard"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .find(|b| b["text"].as_str().is_some_and(|t| t.contains(label)))
        .and_then(|b| b["callback_data"].as_str())
        .unwrap_or_else(|| panic!("no {label:?} button in {markup}"))
        .to_owned()
}

/// Presses the button with exactly this data on `message` as `user`, without waiting for a
/// message; returns the callback query id.
fn press_as(api: &FakeBotApi, user: i64, message: &SentMessage, data: &str) -> String {
    api.push_callback(user, message.chat_id, message.message_id, data)
        .1
}

/// The text the bot answered callback query `id` with (waits for the answer).
async fn toast(api: &FakeBotApi, id: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let answered = api
            .calls()
            .into_iter()
            .find(|c| c.method == "answerCallbackQuery" && c.params["callback_query_id"] == id);
        if let Some(call) = answered {
            return call.params["text"].as_str().unwrap_or_default().to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "query {id} never answered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn asks(api: &FakeBotApi, user: i64, question: &str) -> String {
    let mut chat = Chat::new(api, user);
    chat.seen = api
        .sent_messages()
        .iter()
        .filter(|m| m.chat_id == user)
        .count();
    chat.say(question).await.text
}

#[tokio::test(flavor = "multi_thread")]
async fn review_attach_answers_the_same_and_a_shorter_question_and_survives_kill_9() {
    let (api, mut bot) = admin_bot().await;
    let before = asks(&api, USER, NECK).await;
    assert!(before.contains(NOT_ANSWERED), "{before}\n{}", bot.log());
    let mut admin = Chat::new(&api, ADMIN);
    let review = admin.say("/review").await;
    assert!(
        review.text.contains(&NECK.to_lowercase()),
        "{}",
        review.text
    );
    assert!(review.text.contains("Asked 1 time(s)"), "{}", review.text);
    let data = button_labelled(&review, "Neck pain");
    let moved_on = admin.press(&review, &data).await;
    assert_eq!(moved_on.message_id, review.message_id, "edited in place");
    assert!(
        moved_on.text.contains("queue is empty"),
        "{}",
        moved_on.text
    );
    for question in [NECK, "crunchy noise turning my neck"] {
        let after = asks(&api, USER, question).await;
        assert!(
            after.contains(NECK_TITLE),
            "{question}: {after}\n{}",
            bot.log()
        );
    }
    bot.child.kill().expect("kill -9");
    bot.child.wait().expect("reap");
    let restarted = BotProcess::start_in(&api.url(), &bot.data_dir, ADMIN_ENV);
    let again = asks(&api, USER, NECK).await;
    assert!(again.contains(NECK_TITLE), "{again}\n{}", restarted.log());
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn teach_command_phrasings_list_delete_why_and_export() {
    let (api, bot) = admin_bot().await;
    let mut admin = Chat::new(&api, ADMIN);
    let taught = admin
        .say("/teach neck-pain my neck makes a crunchy noise, call 07700 900123")
        .await;
    assert!(
        taught.text.contains("<code>neck-pain</code> now answers"),
        "{}\n{}",
        taught.text,
        bot.log()
    );
    assert!(taught.text.contains("[number]"), "masked: {}", taught.text);
    let answered = asks(&api, USER, "my neck makes a crunchy noise").await;
    assert!(answered.contains(NECK_TITLE), "{answered}");
    let why = admin.say("/why my neck makes a crunchy noise").await;
    assert!(
        why.text.contains("Decision: answer with neck-pain"),
        "{}",
        why.text
    );
    assert!(why.text.contains("Words matched"), "{}", why.text);
    let exported = String::from_utf8(export(&mut admin).await).unwrap();
    assert!(
        exported.contains(r#"{"phrasing":"my neck makes a crunchy noise, call [number] [number]","slug":"neck-pain"}"#),
        "{}",
        &exported[exported.len().saturating_sub(500)..]
    );
    // The article's own phrasings come first; a taught one ends the list, on page 2.
    let list = admin.say("/phrasings neck-pain 2").await;
    let line = list
        .text
        .lines()
        .find(|l| l.contains("crunchy noise"))
        .unwrap_or_else(|| panic!("not listed: {}", list.text));
    let n = line.split('.').next().unwrap();
    let data = button_labelled(&list, &format!("🗑 {n}"));
    let after = admin.press(&list, &data).await;
    assert!(!after.text.contains("crunchy noise"), "{}", after.text);
    let forgotten = asks(&api, USER, "my neck makes a crunchy noise").await;
    assert!(!forgotten.contains(NECK_TITLE), "{forgotten}");
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn thumbs_down_offers_other_articles_and_review_turns_the_question_off_topic() {
    let (api, bot) = admin_bot().await;
    let mut user = Chat::new(&api, USER);
    let answer = user.say("how long does a cold last").await;
    assert!(
        answer.text.contains("<b>"),
        "{}\n{}",
        answer.text,
        bot.log()
    );
    let offer = user.press(&answer, "dn:").await;
    assert!(
        offer.text.contains("Were you looking for"),
        "{}",
        offer.text
    );
    let picked_title = offer.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let card = user.press(&offer, "dk:").await;
    assert!(card.visible_text.contains(&picked_title), "{}", card.text);

    let mut admin = Chat::new(&api, ADMIN);
    let review = admin.say("/review").await;
    assert!(review.text.contains("👎 1 time(s)"), "{}", review.text);
    assert!(
        review.text.contains("how long does a cold last"),
        "{}",
        review.text
    );
    let first = &review.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["text"];
    assert_eq!(first.as_str().unwrap(), format!("Attach to {picked_title}"));
    let mut step = admin.press(&review, "x:r:o").await;
    if step.text.contains("Move it?") {
        step = admin.press(&step, "x:y:").await;
    }
    assert!(step.text.contains("queue is empty"), "{}", step.text);
    for question in ["how long does a cold last", "how long does a cold last for"] {
        let after = asks(&api, USER, question).await;
        assert!(after.contains(NOT_ANSWERED), "{question}: {after}");
    }
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn non_admins_are_refused_every_teaching_command_and_button() {
    let (api, bot) = admin_bot().await;
    asks(&api, USER, NECK).await;
    let mut admin = Chat::new(&api, ADMIN);
    let review = admin.say("/review").await;
    let mut user = Chat::new(&api, USER);
    user.seen = api
        .sent_messages()
        .iter()
        .filter(|m| m.chat_id == USER)
        .count();
    for command in [
        "/review",
        "/teach neck-pain sore neck",
        "/phrasings neck-pain",
        "/why sore neck",
    ] {
        let refused = user.say(command).await;
        assert_eq!(refused.text, NOT_ALLOWED, "{command}\n{}", bot.log());
    }
    for data in [
        "x:r:c0",
        "x:r:o",
        "x:r:s",
        "x:r:m",
        "x:p:1:neck-pain",
        "x:pd:0:0000:neck-pain",
    ] {
        let id = press_as(&api, USER, &review, data);
        assert_eq!(toast(&api, &id).await, NOT_ALLOWED, "{data}");
    }
    // Nothing was taught or skipped: the question still waits, and the admin's buttons work.
    let still = admin.say("/review").await;
    assert!(still.text.contains(&NECK.to_lowercase()), "{}", still.text);
    let skipped = admin.press(&still, &button(&still, "x:r:s")).await;
    assert!(skipped.text.contains("queue is empty"), "{}", skipped.text);
    assert_nothing_rejected(&api);
}
