//! Browsing by topic through the real binary and the strict fake Bot API: `/topics`, a
//! topic's pages, an article's previous/next buttons, and the category button under answers.

use std::time::Duration;

use healthbot::content;
use healthbot::topics::{Catalogue, Link};

use crate::util::fake_api::{FakeBotApi, SentMessage};
use crate::util::{assert_nothing_rejected, bot_with_fake_api as bot, content_dir};

const WAIT: Duration = Duration::from_secs(20);
const USER: i64 = 3003;

/// The bundled library shelved the way the bot shelves it.
fn catalogue() -> Catalogue {
    let bundle = content::load_dir(&content_dir()).expect("bundled content loads");
    Catalogue::new(&bundle.categories, &bundle.articles)
}

/// Every button on a message as (label, callback data).
fn buttons(message: &SentMessage) -> Vec<(String, String)> {
    let Some(markup) = &message.reply_markup else {
        return Vec::new();
    };
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .map(|b| {
            let text = b["text"].as_str().unwrap_or_default().to_owned();
            (
                text,
                b["callback_data"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The data of the button labelled `label` on `message`.
fn data_of(message: &SentMessage, label: &str) -> String {
    buttons(message)
        .into_iter()
        .find(|(text, _)| text == label)
        .map(|(_, data)| data)
        .unwrap_or_else(|| panic!("no {label:?} button in {:?}", buttons(message)))
}

/// Presses the button with `data` on `message` and returns the bot's next send or edit,
/// checking that the press was answered.
async fn press(api: &FakeBotApi, message: &SentMessage, data: &str) -> SentMessage {
    assert!(
        buttons(message).iter().any(|(_, d)| d == data),
        "no {data} button in {:?}",
        buttons(message)
    );
    let before = api.wait_for_messages(USER, 0, WAIT).await.len();
    let (_, query) = api.push_callback(USER, USER, message.message_id, data);
    let sent = api.wait_for_messages(USER, before + 1, WAIT).await;
    assert!(sent.len() > before, "nothing came of pressing {data}");
    assert!(
        answered(api, &query),
        "the press on {data} was not answered"
    );
    sent[before].clone()
}

fn answered(api: &FakeBotApi, query: &str) -> bool {
    api.calls()
        .iter()
        .any(|c| c.method == "answerCallbackQuery" && c.params["callback_query_id"] == query)
}

#[tokio::test(flavor = "multi_thread")]
async fn topics_lead_to_a_category_an_article_and_its_next_one_all_in_place() {
    let (api, bot) = bot().await;
    let shelves = catalogue();
    api.push_private_text(USER, "/topics");
    let list = api.wait_for_messages(USER, 1, WAIT).await;
    let list = list
        .first()
        .unwrap_or_else(|| panic!("log:\n{}", bot.log()));
    assert!(list.text.contains("Browse by topic"), "{}", list.text);
    assert!(list.text.contains("page 1 of 2"), "{}", list.text);

    let second = press(&api, list, "g:1").await;
    assert_eq!(
        (second.method.as_str(), second.message_id),
        ("editMessageText", list.message_id)
    );
    assert!(second.text.contains("page 2 of 2"), "{}", second.text);
    let first_again = press(&api, &second, &data_of(&second, "◀ Previous page")).await;
    assert_eq!(first_again.text, list.text);

    let teeth = shelves.shelf("teeth-mouth").expect("a teeth shelf");
    let label = format!("Teeth and mouth ({})", teeth.articles.len());
    let topic = press(&api, &first_again, &data_of(&first_again, &label)).await;
    assert_eq!(topic.message_id, list.message_id);
    assert!(topic.text.contains("Teeth and mouth"), "{}", topic.text);
    let (first, next) = (&teeth.articles[0], &teeth.articles[1]);
    let card = press(&api, &topic, &data_of(&topic, &first.title)).await;
    assert_eq!(
        (card.method.as_str(), card.message_id),
        ("editMessageText", list.message_id)
    );
    assert!(
        card.text.contains(&format!("<b>{}</b>", first.title)),
        "{}",
        card.text
    );
    let labels: Vec<String> = buttons(&card).into_iter().map(|(l, _)| l).collect();
    assert!(!labels.contains(&"◀ Previous".to_owned()), "{labels:?}");
    assert!(
        labels.contains(&"More in Teeth and mouth".to_owned()),
        "{labels:?}"
    );

    let card = press(&api, &card, &data_of(&card, "Next ▶")).await;
    assert_eq!(card.message_id, list.message_id);
    assert!(
        card.text.contains(&format!("<b>{}</b>", next.title)),
        "{}",
        card.text
    );
    let back = Link::Article {
        slug: first.slug.clone(),
    };
    assert_eq!(data_of(&card, "◀ Previous"), back.encode());
    let topic_again = press(&api, &card, &data_of(&card, "More in Teeth and mouth")).await;
    assert_eq!(topic_again.text, topic.text);

    let in_menu = api.calls().iter().any(|c| {
        c.method == "setMyCommands"
            && c.params["commands"]
                .as_array()
                .is_some_and(|list| list.iter().any(|cmd| cmd["command"] == "topics"))
    });
    assert!(in_menu, "/topics is not in the command menu");
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_and_deep_links_carry_their_category_and_stale_buttons_are_answered() {
    let (api, bot) = bot().await;
    api.push_private_text(USER, "how long should bleeding last after tooth extraction");
    let answer = api.wait_for_messages(USER, 1, WAIT).await;
    let answer = answer
        .first()
        .unwrap_or_else(|| panic!("log:\n{}", bot.log()));
    let more = data_of(answer, "More in Teeth and mouth");
    assert_eq!(more, "m:teeth-mouth");
    let topic = press(&api, answer, &more).await;
    assert_eq!(topic.method, "sendMessage", "the answer stays in place");
    assert_ne!(topic.message_id, answer.message_id);
    assert!(topic.text.contains("Teeth and mouth"), "{}", topic.text);

    api.push_private_text(USER, "/start a_migraine");
    let card = api.wait_for_messages(USER, 3, WAIT).await[2].clone();
    let position = catalogue()
        .locate("migraine")
        .map(|p| p.category.name.clone());
    let name = position.expect("migraine is in a category");
    data_of(&card, &format!("More in {name}"));
    assert!(
        buttons(&card)
            .iter()
            .any(|(l, _)| l == "Next ▶" || l == "◀ Previous"),
        "{:?}",
        buttons(&card)
    );

    // One chat's updates are handled in order, so once /topics is answered, so are the
    // presses before it.
    let (_, gone) = api.push_callback(USER, USER, card.message_id, "v:no-such-article");
    let (_, junk) = api.push_callback(USER, USER, card.message_id, "c:x");
    api.push_private_text(USER, "/topics");
    let sent = api.wait_for_messages(USER, 4, WAIT).await;
    assert!(answered(&api, &gone) && answered(&api, &junk));
    assert_eq!(sent.len(), 4, "stale buttons send nothing: {sent:#?}");
    assert!(sent[3].text.contains("Browse by topic"), "{}", sent[3].text);
    assert_nothing_rejected(&api);
}
