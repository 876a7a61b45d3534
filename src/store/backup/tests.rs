use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};

use super::*;
use crate::content::Tip;
use crate::content::testutil::article;
use crate::store::{ArticleChange, AuditEntry, SeenTips, Subscription, TEACH_TREES, TeachChange};

type Contents = BTreeMap<String, Vec<(Vec<u8>, Vec<u8>)>>;

/// Every tree of a store with every record, read straight from sled.
fn contents(store: &Store) -> Contents {
    store
        .db
        .tree_names()
        .into_iter()
        .map(|name| {
            let tree = store.db.open_tree(&name).unwrap();
            let records = tree
                .iter()
                .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                .collect();
            (String::from_utf8_lossy(&name).into_owned(), records)
        })
        .collect()
}

/// A store with something in every tree the bot writes, plus one tree no code here knows,
/// standing for a tree that a later change adds.
fn busy_store(dir: &Path) -> Store {
    let store = Store::open(dir).unwrap();
    store
        .sync_bundle(
            &[article("gout", "Gout", &["toe"], "Gout is joint pain.")],
            &[Tip {
                text: "Drink water.".into(),
                url: None,
                tags: vec![],
            }],
        )
        .unwrap();
    let admin = AuditEntry {
        at: Utc::now(),
        admin_id: 1,
        admin_name: "Ann".into(),
        action: "add mine".into(),
    };
    let changes = [
        ArticleChange::Upsert(article("mine", "Mine", &[], "Body.")),
        ArticleChange::Delete("gout".into()),
    ];
    store.apply_admin_changes(&changes, &admin).unwrap();
    let taught = [
        TeachChange::Phrasing {
            text: "toe hurts at night".into(),
            slug: Some("mine".into()),
        },
        TeachChange::OffTopic("tune a guitar".into()),
        TeachChange::Reviewed("what is a snark".into()),
    ];
    store.apply_admin_batch(&[], &taught, &admin).unwrap();
    store.record_answer("my toe hurts", "mine").unwrap();
    store.record_thumbs_down("my toe hurts", "mine").unwrap();
    store.set_review_prompt(1, Some(&"which article?")).unwrap();
    store
        .add_admin_tip(&Tip {
            text: "Walk daily.".into(),
            url: None,
            tags: vec![],
        })
        .unwrap();
    store.touch_user(7).unwrap();
    store.set_user_timezone(7, "Europe/Berlin").unwrap();
    let sub = Subscription {
        chat_id: 7,
        at: NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
        timezone: "Europe/Berlin".into(),
        paused: false,
        next_due: Some("2026-05-02T05:30:00Z".parse().unwrap()),
        last_served: NaiveDate::from_ymd_opt(2026, 5, 1),
    };
    store.save_subscription(7, &sub).unwrap();
    let seen = SeenTips {
        round: 1,
        ids: vec!["b1".into()],
    };
    store.save_seen_tips(7, &seen).unwrap();
    store
        .record_question(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(), Some("mine"))
        .unwrap();
    store.record_unanswered("what is a snark").unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    store.record_emergency(day, "heart_attack").unwrap();
    store.record_feedback("mine", true).unwrap();
    store.park_action(1, &"broadcast hello").unwrap();
    store.set_admin_dialogue(1, Some(&"step 2")).unwrap();
    let future = store.db.open_tree("added_later.v1").unwrap();
    future.insert(b"k\xff", b"\x00\x01binary").unwrap();
    store.flush().unwrap();
    store
}

fn backup_of(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out, Utc::now()).unwrap();
    out
}

#[test]
fn a_backup_holds_every_tree_and_restores_record_for_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = busy_store(&dir.path().join("old"));
    let before = contents(&store);
    let file = backup_of(&store);
    let parsed = format::read(file.as_slice()).unwrap();
    let listed: Vec<&String> = parsed.trees.iter().map(|(name, _)| name).collect();
    for name in before.keys() {
        assert!(
            listed.contains(&name),
            "tree {name} is missing from the backup"
        );
    }
    // The trees added by emergency triage and the teaching loop, named so a change to how
    // trees are found cannot quietly leave them out.
    for name in TEACH_TREES
        .iter()
        .chain(&[crate::store::emergencies::EMERGENCIES])
    {
        let records = parsed.trees.iter().find(|(n, _)| n == name).map(|(_, r)| r);
        assert!(
            records.is_some_and(|r| !r.is_empty()),
            "tree {name} is missing or empty in the backup"
        );
    }
    let target = dir.path().join("new");
    let summary = restore(file.as_slice(), &target).unwrap();
    assert_eq!(summary.trees, before.len());
    let restored = Store::open(&target).unwrap();
    assert_eq!(contents(&restored), before);
    // Backed up again, the restored store gives the same file, record for record (the
    // header differs only in its time).
    let again = backup_of(&restored);
    let body = |file: &[u8]| {
        String::from_utf8(file.to_vec())
            .unwrap()
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(body(&again), body(&file));
}

#[test]
fn ids_handed_out_after_a_restore_do_not_reuse_restored_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = busy_store(&dir.path().join("old"));
    let file = backup_of(&store);
    let target = dir.path().join("new");
    restore(file.as_slice(), &target).unwrap();
    let restored = Store::open(&target).unwrap();
    let old_ids: Vec<String> = store
        .tips()
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let tip = Tip {
        text: "Sleep well.".into(),
        url: None,
        tags: vec![],
    };
    let id = restored.add_admin_tip(&tip).unwrap();
    assert!(!old_ids.contains(&id), "{id} reused; old ids {old_ids:?}");
    assert_eq!(restored.tips().unwrap().len(), old_ids.len() + 1);
}

#[test]
fn restore_refuses_a_data_dir_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = backup_of(&busy_store(&dir.path().join("old")));
    let target = dir.path().join("new");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "mine").unwrap();
    let err = restore(file.as_slice(), &target).unwrap_err();
    assert!(matches!(err, RestoreError::NotEmpty(_)), "{err:?}");
    assert!(err.to_string().contains("DATA_DIR"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&target).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing may be added to a refused DATA_DIR");
}

#[test]
fn restore_into_an_existing_empty_folder_works() {
    let dir = tempfile::tempdir().unwrap();
    let store = busy_store(&dir.path().join("old"));
    let file = backup_of(&store);
    let target = dir.path().join("new");
    std::fs::create_dir(&target).unwrap();
    restore(file.as_slice(), &target).unwrap();
    assert_eq!(contents(&Store::open(&target).unwrap()), contents(&store));
}

/// Runs a restore of `file` and checks it was refused naming `line`, with nothing written.
fn assert_refused_at(file: &[u8], line: usize) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("data");
    let err = restore(file, &target).unwrap_err();
    match &err {
        RestoreError::Invalid(e) => assert_eq!(e.line, line, "{err}"),
        other => panic!("expected a refusal naming line {line}, got {other:?}"),
    }
    assert!(err.to_string().contains(&format!("line {line}")), "{err}");
    assert!(!target.exists(), "a refused restore created DATA_DIR");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "a refused restore left {leftovers:?}");
}

#[test]
fn a_truncated_backup_is_refused_naming_the_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = backup_of(&busy_store(&dir.path().join("old")));
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Cut at a line boundary: the closing line is missing.
    let whole = lines[..lines.len() - 1].join("\n") + "\n";
    assert_refused_at(whole.as_bytes(), lines.len());
    // Cut in the middle of the fourth line.
    let cut = format!(
        "{}\n{}",
        lines[..3].join("\n"),
        &lines[3][..lines[3].len() / 2]
    );
    assert_refused_at(cut.as_bytes(), 4);
    assert_refused_at(b"", 1);
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = backup_of(&busy_store(&dir.path().join("old")));
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len();
    // A record edited so that it still parses: caught by the closing line's checksum.
    let damaged = text.replacen("Walk daily.", "Walk daily!", 1);
    assert_refused_at(damaged.as_bytes(), last);
    // A record dropped: caught by the count.
    let dropped = [&lines[..2], &lines[3..]].concat().join("\n");
    assert_refused_at(dropped.as_bytes(), last - 1);
    // Not hex where hex is promised.
    let bad_hex = text.replacen("{\"hex\":\"", "{\"hex\":\"zz", 1);
    let bad_line = bad_hex.lines().position(|l| l.contains("\"zz")).unwrap() + 1;
    assert_refused_at(bad_hex.as_bytes(), bad_line);
    // Someone else's JSONL, and a later format version.
    assert_refused_at(b"{\"title\":\"x\"}\n", 1);
    let newer = text.replacen("\"version\":1", "\"version\":99", 1);
    assert_refused_at(newer.as_bytes(), 1);
}
