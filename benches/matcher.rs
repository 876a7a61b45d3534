//! Match latency on a synthetic 10k-article corpus.
//!
//! Prints p50/p99 of the full answer path (`Engine::answer`: safety, search, coverage
//! re-ranking, summary) and of plain tantivy BM25 (`QueryParser` over the same text, default
//! analyzer) measured in the same run, then hands over to criterion for its usual report.
//!
//! Run: `cargo bench --bench matcher` (single-threaded queries, as the bot runs them).

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use healthbot::answer::Engine;
use healthbot::content::{self, Article};
use healthbot::safety::Safety;
use healthbot::search::Index;
use healthbot::synonyms::Synonyms;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{STORED, Schema, TEXT};

const ARTICLES: usize = 10_000;
const QUERIES: usize = 1_000;

#[path = "synthetic.rs"]
mod synthetic;
use synthetic::{Rng, vocabulary};

fn sentence(rng: &mut Rng, vocab: &[String], words: usize) -> String {
    let mut s: Vec<&str> = (0..words)
        .map(|_| vocab[rng.zipf(vocab.len())].as_str())
        .collect();
    s.push(".");
    s.join(" ")
}

fn corpus(vocab: &[String]) -> Vec<Article> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..ARTICLES)
        .map(|i| {
            let body: Vec<String> = (0..20)
                .map(|_| {
                    let n = 8 + (rng.next() % 12) as usize;
                    sentence(&mut rng, vocab, n)
                })
                .collect();
            Article {
                slug: format!("a{i}"),
                title: sentence(&mut rng, vocab, 3)
                    .trim_end_matches(" .")
                    .to_owned(),
                url: format!("https://example.org/a{i}"),
                tags: (0..4)
                    .map(|_| vocab[rng.zipf(vocab.len())].clone())
                    .collect(),
                body: body.join(" "),
                ..Article::default()
            }
        })
        .collect()
}

fn queries(vocab: &[String]) -> Vec<String> {
    let mut rng = Rng(42);
    (0..QUERIES)
        .map(|_| {
            let n = 2 + (rng.next() % 7) as usize;
            format!(
                "how long does {} last",
                sentence(&mut rng, vocab, n).trim_end_matches(" .")
            )
        })
        .collect()
}

/// Plain BM25 baseline: tantivy's default analyzer and query parser over title + body.
struct Baseline {
    searcher: tantivy::Searcher,
    parser: QueryParser,
}

impl Baseline {
    fn build(articles: &[Article]) -> Self {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT | STORED);
        let body = b.add_text_field("body", TEXT);
        let index = tantivy::Index::create_in_ram(b.build());
        let mut writer = index.writer_with_num_threads(1, 100_000_000).unwrap();
        for a in articles {
            writer
                .add_document(tantivy::doc!(title => a.title.clone(), body => a.body.clone()))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        Self {
            searcher,
            parser: QueryParser::for_index(&index, vec![title, body]),
        }
    }

    fn search(&self, q: &str) -> usize {
        let (query, _) = self.parser.parse_query_lenient(q);
        self.searcher
            .search(&query, &TopDocs::with_limit(4))
            .unwrap()
            .len()
    }
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn time_all(queries: &[String], mut f: impl FnMut(&str)) -> (Duration, Duration) {
    for q in queries.iter().take(100) {
        f(q); // warm up caches
    }
    let times = (0..3)
        .flat_map(|_| queries.iter())
        .map(|q| {
            let t = Instant::now();
            f(q);
            t.elapsed()
        })
        .collect();
    percentiles(times)
}

fn bench(c: &mut Criterion) {
    let vocab = vocabulary();
    let articles = corpus(&vocab);
    let queries = queries(&vocab);
    let synonyms = Synonyms::parse(content::BUNDLED_SYNONYMS).unwrap();
    let t = Instant::now();
    let engine = Engine::new(
        Index::build(&articles, synonyms).unwrap(),
        Safety::new("112", "a crisis line"),
    );
    let build = t.elapsed();
    let t = Instant::now();
    let baseline = Baseline::build(&articles);
    let baseline_build = t.elapsed();
    let (b50, b99) = time_all(&queries, |q| {
        std::hint::black_box(baseline.search(q));
    });
    let (e50, e99) = time_all(&queries, |q| {
        std::hint::black_box(engine.answer(q, 4).unwrap());
    });
    println!("synthetic corpus: {ARTICLES} articles, {QUERIES} queries x 3, one thread");
    println!("index build:  healthbot {build:.2?}   plain BM25 {baseline_build:.2?}");
    println!("plain BM25 (tantivy QueryParser) p50 {b50:.2?}  p99 {b99:.2?}");
    println!("healthbot answer (full path)     p50 {e50:.2?}  p99 {e99:.2?}");
    println!(
        "ratio vs baseline: p50 x{:.2}  p99 x{:.2}",
        e50.as_secs_f64() / b50.as_secs_f64(),
        e99.as_secs_f64() / b99.as_secs_f64()
    );
    let mut i = 0;
    c.bench_function("answer_10k", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            engine.answer(&queries[i], 4).unwrap()
        })
    });
    c.bench_function("plain_bm25_10k", |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            baseline.search(&queries[i])
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
