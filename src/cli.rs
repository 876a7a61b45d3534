//! The command line: `healthbot [run]`, `healthbot ask`, `healthbot eval`,
//! `healthbot check-content`.

mod eval;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Deserialize;

use crate::answer::{self, Answer, Engine};
use crate::config::Config;
use crate::content::{self, Article};
use crate::safety::Safety;
use crate::search::{Index, Synonyms};
use crate::store::Store;

/// healthbot: answers everyday health questions from a curated, sourced library.
#[derive(Debug, Parser)]
#[command(name = "healthbot", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Telegram bot (the default). Needs TELOXIDE_TOKEN.
    Run,
    /// Answer questions from the library without Telegram.
    Ask(AskArgs),
    /// Score the matcher on a judged benchmark: top-1, MRR@10, nDCG@10, recall@10, speed.
    Eval(eval::EvalArgs),
    /// Validate every file in CONTENT_DIR; exits non-zero on any problem.
    CheckContent,
}

#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// Print one JSON object per question.
    #[arg(long)]
    pub json: bool,
    /// How many articles to rank in all (best plus related).
    #[arg(long, default_value_t = answer::DEFAULT_TOP, value_parser = parse_top)]
    pub top: usize,
    /// Answer from this JSONL file ({"id","title","url","body","tags"?} per line) instead of
    /// the store. Nothing in DATA_DIR is touched.
    #[arg(long, value_name = "FILE.jsonl")]
    pub corpus: Option<PathBuf>,
    /// Add the top hit's confidence features to `--json` output (for calibration).
    #[arg(long, hide = true)]
    pub explain: bool,
    /// Override ranking knobs, e.g. `title=3,tags=2,body=1,floor=0.3,power=1` (for experiments).
    #[arg(long, hide = true)]
    pub tuning: Option<crate::search::Tuning>,
    /// The question. Without it, questions are read from stdin, one per line.
    #[arg(trailing_var_arg = true)]
    pub question: Vec<String>,
}

fn parse_top(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err("expected a whole number from 1 to 100".to_owned()),
    }
}

/// Parses arguments and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Run) {
        Command::Run => run_bot(),
        Command::Ask(args) => ask(&args),
        Command::Eval(args) => eval::run(&args).map(|()| ExitCode::SUCCESS),
        Command::CheckContent => check_content(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_bot() -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    if config.token.is_none() {
        eprintln!(
            "TELOXIDE_TOKEN is not set, so the Telegram bot cannot start.\n\
             Get a token from @BotFather and put it in .env (see .env.example).\n\
             To try healthbot without Telegram, ask it directly:\n  \
             healthbot ask \"how long should bleeding last after tooth extraction\""
        );
        return Ok(ExitCode::from(2));
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(crate::bot::run(config))?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the store, syncs the bundled content into it and builds the engine over it.
///
/// # Errors
/// Fails if the store is locked or unreadable, or the content folder has problems.
pub fn open_library(config: &Config) -> anyhow::Result<(Store, Engine)> {
    let bundle = content::load_dir(&config.content_dir)
        .map_err(|errors| content_errors(&config.content_dir, &errors))?;
    let store = Store::open(&config.data_dir)?;
    let report = store.sync_bundle(&bundle.articles, &bundle.tips)?;
    log::debug!("content sync: {report:?}");
    let synonyms =
        Synonyms::parse(&bundle.synonyms).map_err(|(_, m)| anyhow::anyhow!("synonyms: {m}"))?;
    let articles = store.articles()?;
    let index = Index::build(&articles, synonyms)?;
    Ok((store, Engine::new(index, safety(config)?)))
}

/// The red-flag rules in CONTENT_DIR (or the bundled ones), with the configured numbers.
fn safety(config: &Config) -> anyhow::Result<Safety> {
    let safety = Safety::load(
        &config.content_dir,
        &config.emergency_number,
        &config.crisis_line,
    )?;
    Ok(safety)
}

fn content_errors(dir: &Path, errors: &[content::ContentError]) -> anyhow::Error {
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::anyhow!(
        "CONTENT_DIR {} has {} problem(s):\n{}",
        dir.display(),
        errors.len(),
        list.join("\n")
    )
}

fn ask(args: &AskArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let tuning = args.tuning.unwrap_or_default();
    let engine = match &args.corpus {
        Some(path) => corpus_engine(path, &config, tuning)?,
        None => {
            let (_, engine) = open_library(&config)?;
            if tuning == crate::search::Tuning::default() {
                engine
            } else {
                let articles = engine.index.all_articles()?;
                Engine::new(
                    Index::build_with(&articles, synonyms(&config)?, tuning)?,
                    safety(&config)?,
                )
            }
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.question.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line.context("cannot read stdin")?;
            if line.trim().is_empty() {
                continue;
            }
            print_answer(&mut out, &engine.answer(&line, args.top)?, args)?;
        }
    } else {
        let question = args.question.join(" ");
        print_answer(&mut out, &engine.answer(&question, args.top)?, args)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of an `--corpus` file.
#[derive(Debug, Deserialize)]
struct CorpusLine {
    id: String,
    title: String,
    #[serde(default)]
    url: String,
    body: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// Builds an engine over a JSONL corpus, without touching DATA_DIR.
///
/// # Errors
/// Fails on unreadable files or malformed lines, naming the line.
pub fn corpus_engine(
    path: &Path,
    config: &Config,
    tuning: crate::search::Tuning,
) -> anyhow::Result<Engine> {
    let articles = load_corpus(path)?;
    Ok(Engine::new(
        Index::build_with(&articles, synonyms(config)?, tuning)?,
        safety(config)?,
    ))
}

/// Reads a JSONL corpus (`{"id","title","url","body","tags"?}` per line) as articles.
///
/// # Errors
/// Fails on unreadable files or malformed lines, naming the line.
pub fn load_corpus(path: &Path) -> anyhow::Result<Vec<Article>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut articles = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: cannot read", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: CorpusLine = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a corpus line", path.display(), n + 1))?;
        // External corpora are evaluation data: their ids and URLs are used as they are.
        articles.push(Article {
            slug: doc.id,
            title: doc.title,
            url: doc.url,
            tags: doc.tags,
            summary: None,
            sources: Vec::new(),
            reviewed: None,
            body: doc.body,
        });
    }
    Ok(articles)
}

/// The synonym groups in CONTENT_DIR, or the bundled ones when it has none.
fn synonyms(config: &Config) -> anyhow::Result<Synonyms> {
    let path = config.content_dir.join("synonyms.toml");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|_| content::BUNDLED_SYNONYMS.to_owned());
    Synonyms::parse(&text).map_err(|(_, m)| anyhow::anyhow!("{}: {m}", path.display()))
}

fn print_answer(out: &mut impl Write, answer: &Answer, args: &AskArgs) -> anyhow::Result<()> {
    if args.json {
        let mut json = answer.to_json();
        if args.explain {
            json["top_hit"] = serde_json::to_value(&answer.top_hit)?;
        }
        writeln!(out, "{json}")?;
        return Ok(());
    }
    if let Some(e) = &answer.emergency {
        writeln!(out, "EMERGENCY: {}\n", e.advice)?;
    }
    match &answer.best {
        Some(best) => {
            writeln!(
                out,
                "{}\n{}\nSource: {}",
                best.article.title, best.summary, best.article.url
            )?;
            if !answer.related.is_empty() {
                writeln!(out, "\nRelated:")?;
            }
        }
        None if answer.related.is_empty() => writeln!(out, "I don't have an article on that yet.")?,
        None => writeln!(
            out,
            "I'm not sure I have an article on exactly that. Did you mean:"
        )?,
    }
    for a in &answer.related {
        writeln!(out, "  - {} ({})", a.title, a.url)?;
    }
    writeln!(out, "\n{}", answer::DISCLAIMER)?;
    Ok(())
}

fn check_content() -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    match content::load_dir(&config.content_dir) {
        Ok(bundle) => {
            let groups = Synonyms::parse(&bundle.synonyms)
                .map(|s| s.len())
                .unwrap_or(0);
            let rules = crate::safety::load_rules(&config.content_dir)
                .map(|r| r.rule_count())
                .unwrap_or(0);
            println!(
                "{}: ok: {} articles, {} tips, {} synonym groups, {} red-flag rules",
                config.content_dir.display(),
                bundle.articles.len(),
                bundle.tips.len(),
                groups,
                rules
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!(
                "{} problem(s) found in {}",
                errors.len(),
                config.content_dir.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
