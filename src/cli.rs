//! The command line: parsing `healthbot [run|ask|eval|check-content]` and running the
//! offline commands. `main` hands `run` to the bot; the command line and the bot share the
//! app's assembly in [`crate::app`] and never import each other.

mod eval;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Deserialize;

use crate::answer::{self, Answer};
use crate::app::{self, App};
use crate::config::Config;
use crate::content::{self, Article};

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

/// Runs one of the offline commands. `run` is not one: `main` gives it to the bot.
///
/// # Errors
/// Whatever stopped the command; `main` prints it.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run => anyhow::bail!("`run` starts the bot; it is not an offline command"),
        Command::Ask(args) => ask(&args),
        Command::Eval(args) => eval::run(&args).map(|()| ExitCode::SUCCESS),
        Command::CheckContent => check_content(),
    }
}

fn ask(args: &AskArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let tuning = args.tuning.unwrap_or_default();
    let engine = match &args.corpus {
        Some(path) => app::engine_over(&load_corpus(path)?, &config, tuning)?,
        None => {
            let engine = App::open(&config)?.engine;
            if tuning == crate::search::Tuning::default() {
                engine
            } else {
                app::engine_over(&engine.index.all_articles()?, &config, tuning)?
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
            let groups = bundle.synonyms.len();
            println!(
                "{}: ok: {} articles, {} tips, {} synonym groups",
                config.content_dir.display(),
                bundle.articles.len(),
                bundle.tips.len(),
                groups
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
