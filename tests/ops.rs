//! Running it in production, driven through the real binary: `/metrics` and `/healthz` on
//! METRICS_LISTEN, `/backup` in Telegram, and `healthbot backup` / `restore` on the command
//! line.

use std::path::Path;
use std::time::{Duration, Instant};

use healthbot::store::Store;

use crate::util::fake_api::{FakeBotApi, SentMessage};
use crate::util::{BotProcess, TEST_TOKEN, assert_nothing_rejected, healthbot, scratch, stderr};

const WAIT: Duration = Duration::from_secs(30);
const ADMIN: i64 = 1001;
const USER: i64 = 2002;

const ANSWERED: &str = "how long should bleeding last after tooth extraction";
const UNSURE: &str = "how do I tune a bass guitar";
const SMALL_TALK: &str = "hello";

/// A loopback address nothing listens on yet.
fn free_addr() -> String {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("addr").to_string()
}

/// `GET http://addr/path`: the status and body, or `None` while nothing answers.
async fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let response = reqwest::get(format!("http://{addr}{path}")).await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

/// Polls `/healthz` until it answers `status`, or `limit` passes; returns the last answer.
async fn wait_for_health(addr: &str, status: u16, limit: Duration) -> Option<(u16, String)> {
    let deadline = Instant::now() + limit;
    loop {
        let answer = get(addr, "/healthz").await;
        if answer.as_ref().is_some_and(|(s, _)| *s == status) || Instant::now() > deadline {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of the sample `name{labels}` (or `name` without labels) in a metrics page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

/// Sends `text` as `user` and returns the bot's reply.
async fn ask(api: &FakeBotApi, user: i64, text: &str) -> SentMessage {
    let before = api.wait_for_messages(user, 0, Duration::ZERO).await.len();
    api.push_private_text(user, text);
    let sent = api.wait_for_messages(user, before + 1, WAIT).await;
    assert!(sent.len() > before, "no reply to {text:?}");
    sent[before].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_questions_by_outcome_without_text_or_user_ids() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let addr = free_addr();
    let bot = BotProcess::start_with(&api.url(), &[("METRICS_LISTEN", &addr)]);
    for question in [ANSWERED, UNSURE, SMALL_TALK, ANSWERED] {
        ask(&api, USER, question).await;
    }
    let (status, page) = get(&addr, "/metrics").await.expect("metrics answer");
    assert_eq!(status, 200);
    let count = |series: &str| sample(&page, series).unwrap_or_else(|| panic!("{series}:\n{page}"));
    assert_eq!(
        count("healthbot_questions_total{outcome=\"answered\"}"),
        2.0
    );
    assert_eq!(count("healthbot_questions_total{outcome=\"unsure\"}"), 1.0);
    assert_eq!(
        count("healthbot_questions_total{outcome=\"small_talk\"}"),
        1.0
    );
    assert_eq!(count("healthbot_answer_seconds_count"), 4.0);
    assert!(count("healthbot_updates_total{kind=\"message\"}") >= 4.0);
    assert!(count("healthbot_articles") > 100.0, "{page}");
    assert_eq!(count("healthbot_subscribers"), 0.0);
    assert_eq!(count("healthbot_flood_dropped_total"), 0.0);
    for secret in ["tooth", "guitar", "hello", &USER.to_string()] {
        assert!(
            !page.contains(secret),
            "{secret:?} leaked into metrics:\n{page}"
        );
    }
    let (status, _) = get(&addr, "/nothing-here").await.expect("an answer");
    assert_eq!(status, 404);
    // One info line per update, with its outcome, and no question text at info level.
    let log = bot.log();
    let info: Vec<&str> = log.lines().filter(|l| l.contains(" INFO ")).collect();
    assert!(
        info.iter()
            .any(|l| l.contains("update message: answered in")),
        "{log}"
    );
    assert!(
        info.iter().any(|l| l.contains("update message: unsure in")),
        "{log}"
    );
    assert!(info.iter().all(|l| !l.contains("guitar")), "{log}");
    assert_nothing_rejected(&api);
}

#[tokio::test(flavor = "multi_thread")]
async fn healthz_turns_503_during_a_bot_api_outage_and_back_to_200_after_it() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let addr = free_addr();
    let bot = BotProcess::start_with(&api.url(), &[("METRICS_LISTEN", &addr)]);
    let up = wait_for_health(&addr, 200, WAIT).await;
    assert_eq!(up.as_ref().map(|a| a.0), Some(200), "{up:?}\n{}", bot.log());
    api.set_down(true);
    let down = wait_for_health(&addr, 503, Duration::from_secs(10)).await;
    let (status, body) = down.expect("healthz answers during the outage");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("getUpdates"), "{body}");
    api.set_down(false);
    let back = wait_for_health(&addr, 200, Duration::from_secs(20)).await;
    assert_eq!(back.as_ref().map(|a| a.0), Some(200), "{back:?}");
    // And it still answers questions.
    let reply = ask(&api, USER, ANSWERED).await;
    assert!(
        reply.visible_text.contains("tooth"),
        "{}",
        reply.visible_text
    );
    assert_nothing_rejected(&api);
}

const SNOW: &str = "/add Photokeratitis (snow blindness)\n\
    https://www.aao.org/eye-health/diseases/what-is-photokeratitis\n\
    tags: eyes, snow, sun\n\
    Photokeratitis is a painful sunburn of the surface of the eye caused by ultraviolet light \
    reflected from snow or water. It usually heals by itself within two days.";

const TEACH: &str = "/teach photokeratitis-snow-blindness my eyes sting after a day of skiing";
const EMERGENCY: &str = "my husband has crushing chest pain and is sweating";

/// The restored store's records line for line, without the header (time and id counter).
fn records(file: &[u8]) -> Vec<String> {
    let text = String::from_utf8(file.to_vec()).expect("utf-8 backup");
    text.lines().skip(1).map(str::to_owned).collect()
}

fn cli_restore(data: &Path, from: &Path) -> std::process::Output {
    healthbot(data)
        .args(["restore", "--from"])
        .arg(from)
        .output()
        .expect("run healthbot restore")
}

fn cli_backup(data: &Path, out: &Path) {
    let run = healthbot(data)
        .args(["backup", "--out"])
        .arg(out)
        .output()
        .expect("run healthbot backup");
    assert!(run.status.success(), "backup failed: {}", stderr(&run));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_sent_by_backup_restores_the_same_answers_and_subscriptions() {
    let api = FakeBotApi::start(TEST_TOKEN).await;
    let admin_env = [("ADMIN_IDS", "1001")];
    let mut old = BotProcess::start_with(&api.url(), &admin_env);
    let added = ask(&api, ADMIN, SNOW).await;
    assert!(
        added.text.contains("photokeratitis-snow-blindness"),
        "{}",
        added.text
    );
    let subscribed = ask(&api, USER, "/subscribe 07:30 Europe/Berlin").await;
    assert!(
        subscribed.visible_text.contains("07:30"),
        "{}",
        subscribed.visible_text
    );
    let before = ask(&api, USER, "what is photokeratitis?").await;
    assert!(
        before.text.contains("Photokeratitis (snow blindness)"),
        "{}",
        before.text
    );
    // What the teaching loop and emergency triage keep in their own trees.
    let taught = ask(&api, ADMIN, TEACH).await;
    assert!(taught.text.contains("now answers"), "{}", taught.text);
    let emergency = ask(&api, USER, EMERGENCY).await;
    assert!(
        emergency.visible_text.contains("112"),
        "{}",
        emergency.visible_text
    );
    let refused = ask(&api, USER, "/backup").await;
    assert!(
        refused.method == "sendMessage" && refused.file.is_none(),
        "{refused:?}"
    );

    let sent = ask(&api, ADMIN, "/backup").await;
    assert_eq!(sent.method, "sendDocument", "{sent:?}");
    let file = sent.file.expect("a backup document");
    assert!(
        file.file_name.starts_with("healthbot-backup-"),
        "{}",
        file.file_name
    );
    assert!(sent.text.contains("healthbot restore"), "{}", sent.text);
    assert!(old.terminate(WAIT).is_some(), "the old bot did not stop");
    let old_data = old.data_dir.clone();

    let (dir, data) = scratch();
    let backup = dir.path().join("backup.jsonl");
    std::fs::write(&backup, &file.bytes).unwrap();
    let restored = cli_restore(&data, &backup);
    assert!(
        restored.status.success(),
        "restore failed: {}",
        stderr(&restored)
    );
    // The restored store backs up to the very same records.
    let again = dir.path().join("again.jsonl");
    cli_backup(&data, &again);
    assert_eq!(
        records(&std::fs::read(&again).unwrap()),
        records(&file.bytes)
    );
    {
        let (old_store, new_store) = (Store::open(&old_data).unwrap(), Store::open(&data).unwrap());
        let user = USER.unsigned_abs();
        let sub = new_store
            .subscription(user)
            .unwrap()
            .expect("subscription restored");
        assert_eq!(Some(sub), old_store.subscription(user).unwrap());
        assert_eq!(
            new_store.seen_tips(user).unwrap(),
            old_store.seen_tips(user).unwrap()
        );
        let taught = new_store.taught().unwrap();
        assert_eq!(taught.phrasings.len(), 1, "{taught:?}");
        assert_eq!(taught, old_store.taught().unwrap());
        let today = chrono::Utc::now().date_naive();
        let days = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
        let flags = new_store.emergencies_between(days.0, days.1).unwrap();
        assert!(flags.iter().any(|(_, f)| !f.is_empty()), "{flags:?}");
        assert_eq!(
            flags,
            old_store.emergencies_between(days.0, days.1).unwrap()
        );
    }
    // A second restore into the now-full DATA_DIR is refused and changes nothing.
    let twice = cli_restore(&data, &backup);
    assert!(!twice.status.success());
    assert!(stderr(&twice).contains("not empty"), "{}", stderr(&twice));

    let new = BotProcess::start_in(&api.url(), &data, &admin_env);
    let after = ask(&api, USER, "what is photokeratitis?").await;
    assert_eq!(after.text, before.text);
    let settings = ask(&api, USER, "/settings").await;
    assert!(
        settings.visible_text.contains("07:30") && settings.visible_text.contains("Europe/Berlin"),
        "{}\n{}",
        settings.visible_text,
        new.log()
    );
    assert_nothing_rejected(&api);
}

#[test]
fn restore_refuses_a_truncated_backup_naming_the_line_and_writes_nothing() {
    let (dir, data) = scratch();
    // A store with a little in it, backed up by the command line.
    {
        let store = Store::open(&data).unwrap();
        store.touch_user(7).unwrap();
        store.record_unanswered("what is a snark").unwrap();
        store.flush().unwrap();
    }
    let full = dir.path().join("full.jsonl");
    cli_backup(&data, &full);
    let text = std::fs::read_to_string(&full).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let truncated = dir.path().join("truncated.jsonl");
    std::fs::write(&truncated, lines[..lines.len() - 1].join("\n")).unwrap();
    let (_target_dir, target) = scratch();
    let run = cli_restore(&target, &truncated);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(err.contains(&format!("line {}", lines.len())), "{err}");
    assert!(
        err.contains("truncated") && err.contains("nothing was written"),
        "{err}"
    );
    assert!(!target.exists(), "a refused restore created DATA_DIR");
}
