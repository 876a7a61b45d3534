//! Scale check: a 100k-article synthetic corpus (index build time, p50/p99 of the full
//! answer path, peak resident memory), and the 16k-document MedQuAD corpus when the public
//! benchmarks sit beside the clone at `../shared/benchmarks`.
//!
//! Run: `cargo bench --bench scale` (one thread). Peak memory is this process's `VmHWM`, so
//! the 100k corpus runs first, before anything else is loaded.

use std::path::Path;
use std::time::{Duration, Instant};

use healthbot::answer::Engine;
use healthbot::content::{self, Article};
use healthbot::eval;
use healthbot::safety::Safety;
use healthbot::search::Index;
use healthbot::synonyms::Synonyms;

const ARTICLES: usize = 100_000;
const QUERIES: usize = 2_000;
/// Sentences per synthetic body: about 1 kB of text, MedQuAD's median answer length.
const SENTENCES: usize = 10;
const MEDQUAD: &str = "../shared/benchmarks/medquad-liveqa2017";

#[path = "synthetic.rs"]
mod synthetic;
use synthetic::{Rng, vocabulary};

fn synthetic(vocab: &[String]) -> Vec<Article> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..ARTICLES)
        .map(|i| {
            let body: Vec<String> = (0..SENTENCES)
                .map(|_| {
                    let n = 8 + (rng.next() % 12) as usize;
                    rng.words(vocab, n) + "."
                })
                .collect();
            article(format!("a{i}"), rng.words(vocab, 3), body.join(" "))
        })
        .collect()
}

fn article(slug: String, title: String, body: String) -> Article {
    Article {
        url: format!("https://example.org/{slug}"),
        slug,
        title,
        body,
        ..Article::default()
    }
}

fn engine(articles: &[Article]) -> (Engine, Duration) {
    let synonyms = Synonyms::parse(content::BUNDLED_SYNONYMS).expect("bundled synonyms parse");
    let t = Instant::now();
    let index = Index::build(articles, synonyms).expect("index builds");
    (
        Engine::new(index, Safety::new("112", "a crisis line")),
        t.elapsed(),
    )
}

/// p50/p99 of the full answer path over `queries`, after one warm-up pass, three passes.
fn latency(engine: &Engine, queries: &[String]) -> (Duration, Duration) {
    for q in queries {
        std::hint::black_box(engine.answer(q, 10).expect("answer"));
    }
    let times: Vec<Duration> = (0..3)
        .flat_map(|_| queries.iter())
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(engine.answer(q, 10).expect("answer"));
            t.elapsed()
        })
        .collect();
    eval::percentiles(&times)
}

fn mb(bytes: Option<u64>) -> String {
    bytes.map_or("unknown".to_owned(), |b| {
        format!("{:.0} MB", b as f64 / 1_048_576.0)
    })
}

fn scale_100k() {
    let vocab = vocabulary();
    let articles = synthetic(&vocab);
    let mut rng = Rng(42);
    let queries: Vec<String> = (0..QUERIES)
        .map(|_| {
            let n = 2 + (rng.next() % 7) as usize;
            format!("how long does {} last", rng.words(&vocab, n))
        })
        .collect();
    let (engine, build) = engine(&articles);
    drop(articles);
    let (p50, p99) = latency(&engine, &queries);
    println!(
        "synthetic {ARTICLES} articles: build {build:.2?}, answer p50 {p50:.2?} p99 {p99:.2?}, peak RSS {}",
        mb(eval::peak_rss_bytes())
    );
}

/// One JSON line of a benchmark file, reduced to the fields used here.
fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("benchmark file readable")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("benchmark line is JSON"))
        .collect()
}

fn medquad() {
    let dir = Path::new(MEDQUAD);
    if !dir.join("corpus.jsonl").exists() {
        println!("medquad: {MEDQUAD} not found, skipped");
        return;
    }
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let articles: Vec<Article> = lines(&dir.join("corpus.jsonl"))
        .iter()
        .map(|d| article(text(d, "id"), text(d, "title"), text(d, "body")))
        .collect();
    let queries: Vec<String> = ["queries.jsonl", "queries_lenient.jsonl"]
        .iter()
        .flat_map(|f| lines(&dir.join(f)))
        .flat_map(|q| ["question", "question_paraphrase", "question_original"].map(|k| text(&q, k)))
        .collect();
    let (engine, build) = engine(&articles);
    let (p50, p99) = latency(&engine, &queries);
    println!(
        "medquad {} docs, {} questions (3 fields): build {build:.2?}, answer p50 {p50:.2?} p99 {p99:.2?}",
        articles.len(),
        queries.len()
    );
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters like criterion would.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wanted("scale_100k") {
        scale_100k();
    }
    if wanted("medquad") {
        medquad();
    }
}
