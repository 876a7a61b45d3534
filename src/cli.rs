//! The command line: parsing `healthbot [run|ask|eval|check-content|check-links|backup|restore]`
//! and running the offline commands. `main` hands `run` to the bot; the command line and the bot
//! share the app's assembly in [`crate::app`] and never import each other.

mod ask;
mod backup;
mod calibrate;
mod embed;
mod eval;
mod links;
mod questions;

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Deserialize;

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
    Ask(ask::AskArgs),
    /// Score the matcher on a judged benchmark: top-1, MRR@10, nDCG@10, recall@10, speed.
    Eval(eval::EvalArgs),
    /// Fit the answer gate and the fusion weight on judged questions; writes gate.toml.
    Calibrate(calibrate::CalibrateArgs),
    /// Embed the bundled library and ship its vectors in CONTENT_DIR/vectors/.
    Embed,
    /// Validate every file in CONTENT_DIR; exits non-zero on any problem.
    CheckContent,
    /// Request every article and tip url in CONTENT_DIR and list the ones that fail.
    CheckLinks(links::LinksArgs),
    /// Write every record in DATA_DIR to a JSONL file (the bot must be stopped).
    Backup(backup::BackupArgs),
    /// Load a backup into an empty DATA_DIR.
    Restore(backup::RestoreArgs),
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
        Command::Ask(args) => ask::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Eval(args) => eval::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Embed => embed::run(),
        Command::CheckContent => check_content(),
        Command::CheckLinks(args) => links::run(&args),
        Command::Backup(args) => backup::backup(&args),
        Command::Restore(args) => backup::restore(&args),
    }
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

/// The vector-cache namespace of a corpus file: its content's hash, so an edited file is
/// embedded afresh and an unchanged one is read back.
///
/// # Errors
/// Fails if the file cannot be read.
pub fn corpus_namespace(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(format!("corpus-{}", &blake3::hash(&bytes).to_hex()[..16]))
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
            body: doc.body,
            ..Article::default()
        });
    }
    Ok(articles)
}

fn check_content() -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let dir = &config.content_dir;
    // The bot starts without these rules (a growing library still runs); a finished one
    // must meet them.
    let loaded = content::load_dir(dir).and_then(|bundle| {
        let gaps = content::categories::gaps(&bundle.articles, &bundle.categories, dir);
        if gaps.is_empty() {
            Ok(bundle)
        } else {
            Err(gaps)
        }
    });
    match loaded {
        Ok(bundle) => {
            let problems = content::structure_problems(&bundle, &config.content_dir);
            if !problems.is_empty() {
                return Ok(report_problems(&problems, &config.content_dir));
            }
            let groups = bundle.synonyms.len();
            println!(
                "{}: ok: {} articles, {} tips, {} synonym groups, {} red-flag rules",
                config.content_dir.display(),
                bundle.articles.len(),
                bundle.tips.len(),
                groups,
                bundle.red_flags.rule_count()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => Ok(report_problems(&errors, &config.content_dir)),
    }
}

fn report_problems(errors: &[content::ContentError], dir: &Path) -> ExitCode {
    for e in errors {
        eprintln!("{e}");
    }
    eprintln!("{} problem(s) found in {}", errors.len(), dir.display());
    ExitCode::FAILURE
}
