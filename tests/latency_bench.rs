//! Reply latency at the Bot API: `cargo bench --bench latency`.
//!
//! Runs the real `healthbot` binary against the fake Bot API (`tests/util/fake_api`) with
//! Telegram's own per-chat limits, and sends 100 held-out questions (`tests/data/eval/test.toml`),
//! each from a new user, one at a time. Latency runs from the moment the update is pushed,
//! while the bot's long poll is already waiting (so it is handed out at once), to the moment
//! the fake receives the `sendMessage` with the answer. Prints the median and p99 of those 100,
//! and the same for a baseline measured in the same run: a bare Bot API round trip (`getMe`)
//! from this process to the fake, the floor any reply pays. criterion then tracks both.
//!
//! It lives beside the tests (a `[[bench]]` with `path`) to share their fake Bot API.

#![allow(
    unused_imports,
    reason = "the shared test helpers re-export what only some tests use"
)]

mod util;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use healthbot::eval::questions::QuestionSet;
use serde_json::json;
use util::fake_api::FakeBotApi;
use util::{BotProcess, TELEGRAM_CHAT_LIMITS, TEST_TOKEN};

/// Questions in the explicit run.
const QUESTIONS: usize = 100;
/// First user id; each question comes from the next one.
const FIRST_USER: i64 = 700_000;

struct Bench {
    runtime: tokio::runtime::Runtime,
    api: FakeBotApi,
    _bot: BotProcess,
    questions: Vec<String>,
    next_user: i64,
}

impl Bench {
    fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let api = runtime.block_on(FakeBotApi::start(TEST_TOKEN));
        let bot = BotProcess::start_with(&api.url(), &[TELEGRAM_CHAT_LIMITS, ("RUST_LOG", "warn")]);
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eval/test.toml");
        let set = QuestionSet::load(&[path]).expect("questions load");
        let questions = set.question.into_iter().map(|q| q.text).collect();
        let mut bench = Self {
            runtime,
            api,
            _bot: bot,
            questions,
            next_user: FIRST_USER,
        };
        // The first answer waits for start-up; it is not measured.
        bench.ask().expect("the bot answers");
        bench
    }

    /// One question from a new user; its latency at the Bot API.
    fn ask(&mut self) -> Option<Duration> {
        let user = self.next_user;
        self.next_user += 1;
        let q = &self.questions[(user - FIRST_USER) as usize % self.questions.len()];
        let pushed = Instant::now();
        self.api.push_private_text(user, q);
        let sent =
            self.runtime
                .block_on(self.api.wait_for_messages(user, 1, Duration::from_secs(30)));
        sent.first()?;
        let arrived = self
            .api
            .calls()
            .into_iter()
            .find(|c| c.method == "sendMessage" && c.params["chat_id"] == json!(user))?
            .at;
        Some(arrived.saturating_duration_since(pushed))
    }

    /// A bare Bot API round trip from this process: the floor.
    fn baseline(&self, client: &reqwest::Client) -> Duration {
        let url = format!(
            "{}/bot{TEST_TOKEN}/getMe",
            self.api.url().trim_end_matches('/')
        );
        let started = Instant::now();
        let answered = self
            .runtime
            .block_on(client.post(&url).send())
            .expect("the fake answers");
        assert!(answered.status().is_success(), "{}", answered.status());
        started.elapsed()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "{name}: {} samples, median {p50:.2?}, p99 {p99:.2?}",
        times.len()
    );
    p50
}

fn latency(c: &mut Criterion) {
    let mut bench = Bench::start();
    let client = reqwest::Client::new();
    let replies: Vec<Duration> = (0..QUESTIONS)
        .map(|_| bench.ask().expect("every question is answered"))
        .collect();
    let reply_p50 = report("reply latency (100 new users, one at a time)", replies);
    let floor: Vec<Duration> = (0..QUESTIONS).map(|_| bench.baseline(&client)).collect();
    let floor_p50 = report("baseline: bare Bot API round trip (getMe)", floor);
    println!(
        "ratio of medians: reply / baseline = {:.1}",
        reply_p50.as_secs_f64() / floor_p50.as_secs_f64().max(1e-9)
    );
    let mut group = c.benchmark_group("latency");
    group.sample_size(20);
    group.bench_function("reply_at_bot_api", |b| {
        b.iter_custom(|iters| (0..iters).filter_map(|_| bench.ask()).sum())
    });
    group.bench_function("baseline_round_trip", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| bench.baseline(&client)).sum())
    });
    group.finish();
}

criterion_group!(benches, latency);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
