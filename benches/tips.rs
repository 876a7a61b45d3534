//! Due-selection on 100,000 daily-tip subscriptions all due in the same minute, in sled on a
//! temporary directory.
//!
//! Compares the due index (`Store::due_entries`, a range scan over keys ordered by due time)
//! with the naive baseline measured in the same run: a full scan that decodes every
//! subscription and keeps the due ones. Three questions:
//! - `all_due`: walk every due subscriber in delivery chunks (the 100k-at-once minute);
//! - `first_chunk`: what a pass needs before its first send;
//! - `none_due`: the check made every minute when nobody is due.
//!
//! Before criterion's report it prints the peak resident memory (VmHWM, reset with
//! `/proc/self/clear_refs`) of one full pass of each, on Linux.
//!
//! Run: `cargo bench --bench tips`.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group};
use healthbot::store::{Store, Subscription};
use healthbot::tips::delivery::CHUNK;

const SUBSCRIBERS: u64 = 100_000;

fn due_minute() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000 / 60 * 60, 0).unwrap_or_default()
}

fn populate(store: &Store) {
    let due = due_minute();
    let items: Vec<(u64, Subscription)> = (1..=SUBSCRIBERS)
        .map(|user| {
            let sub = Subscription {
                chat_id: i64::try_from(user).unwrap_or_default(),
                at: due.time(),
                timezone: "UTC".into(),
                paused: false,
                next_due: Some(due),
                last_served: None,
            };
            (user, sub)
        })
        .collect();
    store.save_subscriptions(&items).expect("populate");
}

/// Every due entry via the index, chunk by chunk as delivery reads them.
fn index_all_due(store: &Store, now: DateTime<Utc>) -> usize {
    let (mut cursor, mut n) = (None, 0);
    loop {
        let chunk = store.due_entries(cursor, now, CHUNK).expect("due entries");
        let Some(&last) = chunk.last() else { return n };
        n += chunk.len();
        cursor = Some(last);
    }
}

/// The baseline: decode every subscription and keep the due ones, streaming (no Vec of
/// all subscriptions) so the memory comparison is fair.
fn full_scan_due(store: &Store, now: DateTime<Utc>, limit: usize) -> usize {
    store
        .subscriptions()
        .expect("subscriptions")
        .filter_map(Result::ok)
        .filter(|(_, s)| s.indexed_due().is_some_and(|d| d <= now))
        .take(limit)
        .count()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let started = Instant::now();
    populate(&store);
    println!(
        "populated {SUBSCRIBERS} subscriptions in {:?}",
        started.elapsed()
    );
    let now = due_minute();
    let before = now - chrono::Duration::minutes(1);
    assert_eq!(index_all_due(&store, now), SUBSCRIBERS as usize);
    assert_eq!(full_scan_due(&store, now, usize::MAX), SUBSCRIBERS as usize);
    report_peak_memory(&store, now);

    let mut g = c.benchmark_group("due_selection_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("all_due/index", |b| b.iter(|| index_all_due(&store, now)));
    g.bench_function("all_due/full_scan", |b| {
        b.iter(|| full_scan_due(&store, now, usize::MAX))
    });
    g.bench_function("first_chunk/index", |b| {
        b.iter(|| store.due_entries(None, now, CHUNK).map(|c| c.len()))
    });
    g.bench_function("first_chunk/full_scan", |b| {
        b.iter(|| full_scan_due(&store, now, CHUNK))
    });
    g.bench_function("none_due/index", |b| {
        b.iter(|| store.due_entries(None, before, CHUNK).map(|c| c.len()))
    });
    g.bench_function("none_due/full_scan", |b| {
        b.iter(|| full_scan_due(&store, before, usize::MAX))
    });
    g.finish();
}

/// Prints the peak RSS of one full pass of each method, where Linux lets us reset it.
fn report_peak_memory(store: &Store, now: DateTime<Utc>) {
    let measure = |name: &str, pass: &dyn Fn() -> usize| {
        if std::fs::write("/proc/self/clear_refs", "5").is_err() {
            return;
        }
        let base = status_kb("VmRSS:");
        let started = Instant::now();
        let n = pass();
        let elapsed = started.elapsed();
        if let (Some(base), Some(peak)) = (base, status_kb("VmHWM:")) {
            println!(
                "{name}: {n} due in {elapsed:?}; peak RSS {peak} KiB, {} KiB above the {base} KiB before",
                peak.saturating_sub(base)
            );
        }
    };
    measure("index pass", &|| index_all_due(store, now));
    measure("full-scan pass", &|| full_scan_due(store, now, usize::MAX));
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if let Some(peak) = status_kb("VmHWM:") {
        println!("process peak RSS since the last reset: {peak} KiB");
    }
}
