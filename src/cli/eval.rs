//! `healthbot eval`: runs the answer engine over a judged benchmark (a JSONL corpus plus
//! JSONL queries) and prints ranking quality, index build time, latency and peak memory.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::answer::Engine;
use crate::config::Config;
use crate::eval::{self, Metrics, Scorer};
use crate::search::{Index, Tuning};

/// Arguments of `healthbot eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Documents to index: {"id","title","url","body","tags"?} per line.
    #[arg(long, value_name = "FILE.jsonl")]
    pub corpus: PathBuf,
    /// Judged questions: {"id","question","relevant":[doc ids]} per line.
    #[arg(long, value_name = "FILE.jsonl")]
    pub queries: PathBuf,
    /// How many articles to rank per question (as `ask --top`).
    #[arg(long, default_value_t = eval::CUTOFF, value_parser = super::parse_top)]
    pub top: usize,
    /// Which query field holds the question text.
    #[arg(long, default_value = "question")]
    pub field: String,
    /// Also write the ranking as `qid<TAB>docid<TAB>rank` lines (for bm25_baseline.py --eval-run).
    #[arg(long, value_name = "RUN.tsv")]
    pub run: Option<PathBuf>,
    /// Timed passes over the queries after one untimed warm-up pass that is also scored.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Override ranking knobs, as for `ask --tuning` (for experiments).
    #[arg(long, hide = true)]
    pub tuning: Option<Tuning>,
}

/// One judged question.
struct Judged {
    id: String,
    question: String,
    relevant: Vec<String>,
}

/// Everything one evaluation measured.
#[derive(Debug, serde::Serialize)]
struct Report {
    documents: u64,
    #[serde(flatten)]
    metrics: Metrics,
    build_ms: f64,
    p50_ms: f64,
    p99_ms: f64,
    peak_rss_mb: Option<f64>,
}

/// Runs `healthbot eval`.
///
/// # Errors
/// Fails on unreadable or malformed files, naming the line.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let articles = super::load_corpus(&args.corpus)?;
    let queries = load_queries(&args.queries, &args.field)?;
    let started = Instant::now();
    let index = Index::build_with(
        &articles,
        super::synonyms(&config)?,
        args.tuning.unwrap_or_default(),
    )?;
    let build = started.elapsed();
    let documents = index.len();
    drop(articles);
    let engine = Engine::new(index, super::safety(&config)?);
    let mut run_file = match &args.run {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => None,
    };
    let mut scorer = Scorer::default();
    for q in &queries {
        let (ranking, _) = ranked(&engine, &q.question, args.top)?;
        scorer.add(&ranking, &q.relevant);
        if let Some(out) = run_file.as_mut() {
            for (rank, doc) in ranking.iter().enumerate() {
                writeln!(out, "{}\t{doc}\t{}", q.id, rank + 1)?;
            }
        }
    }
    if let Some(mut out) = run_file {
        out.flush().context("cannot write the run file")?;
    }
    // The bot is long-running, so latency is measured warm, over several passes to steady
    // the tail on small query sets.
    let mut times = Vec::with_capacity(queries.len() * args.repeat);
    for q in queries.iter().cycle().take(queries.len() * args.repeat) {
        times.push(ranked(&engine, &q.question, args.top)?.1);
    }
    let (p50, p99) = eval::percentiles(&times);
    let report = Report {
        documents,
        metrics: scorer.finish(),
        build_ms: ms(build),
        p50_ms: ms(p50),
        p99_ms: ms(p99),
        peak_rss_mb: eval::peak_rss_bytes().map(|b| b as f64 / 1_048_576.0),
    };
    print_report(&report, args.json)
}

/// The engine's ranking for one question, exactly as `ask` shows it, and how long it took.
fn ranked(engine: &Engine, question: &str, top: usize) -> anyhow::Result<(Vec<String>, Duration)> {
    let started = Instant::now();
    let answer = engine.answer(question, top)?;
    let took = started.elapsed();
    let ranking = answer
        .best
        .iter()
        .map(|b| &b.article)
        .chain(&answer.related)
        .map(|a| a.slug.clone())
        .collect();
    Ok((ranking, took))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_report(r: &Report, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(r)?)?;
        return Ok(());
    }
    let m = &r.metrics;
    writeln!(out, "documents     {}", r.documents)?;
    writeln!(
        out,
        "queries       {} (with a relevant document)",
        m.queries
    )?;
    writeln!(out, "top-1         {:.4}", m.top1)?;
    writeln!(out, "MRR@10        {:.4}", m.mrr10)?;
    writeln!(out, "nDCG@10       {:.4}", m.ndcg10)?;
    writeln!(out, "recall@10     {:.4}", m.recall10)?;
    writeln!(out, "index build   {:.1} ms", r.build_ms)?;
    writeln!(
        out,
        "latency p50   {:.3} ms per question (one thread)",
        r.p50_ms
    )?;
    writeln!(out, "latency p99   {:.3} ms per question", r.p99_ms)?;
    match r.peak_rss_mb {
        Some(mb) => writeln!(out, "peak memory   {mb:.1} MB (VmHWM)")?,
        None => writeln!(out, "peak memory   unknown (no /proc/self/status)")?,
    }
    Ok(())
}

fn load_queries(path: &Path, field: &str) -> anyhow::Result<Vec<Judged>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let at = || format!("{}:{}", path.display(), n + 1);
        let line = line.with_context(|| format!("{}: cannot read", at()))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&line).with_context(|| format!("{}: not JSON", at()))?;
        let text = |key: &str| v.get(key).and_then(serde_json::Value::as_str);
        let (Some(id), Some(question)) = (text("id"), text(field)) else {
            anyhow::bail!("{}: needs string fields \"id\" and {field:?}", at());
        };
        let relevant = v
            .get("relevant")
            .and_then(serde_json::Value::as_array)
            .with_context(|| format!("{}: needs a \"relevant\" list", at()))?
            .iter()
            .filter_map(|d| d.as_str().map(str::to_owned))
            .collect();
        out.push(Judged {
            id: id.to_owned(),
            question: question.replace(['\n', '\r'], " "),
            relevant,
        });
    }
    Ok(out)
}
