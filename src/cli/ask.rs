//! `healthbot ask`: answers questions from the library (or a JSONL corpus) on the command
//! line, as text, as JSON, or with an explanation of the decision.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::answer::{self, Answer, Engine, Explanation};
use crate::app::{self, App};
use crate::config::Config;
use crate::search::Tuning;

/// Arguments of `healthbot ask`.
#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// Print one JSON object per question.
    #[arg(long)]
    pub json: bool,
    /// How many articles to rank in all (best plus related).
    #[arg(long, default_value_t = answer::DEFAULT_TOP, value_parser = super::parse_top)]
    pub top: usize,
    /// Answer from this JSONL file ({"id","title","url","body","tags"?} per line) instead of
    /// the store. Nothing in DATA_DIR is touched.
    #[arg(long, value_name = "FILE.jsonl")]
    pub corpus: Option<PathBuf>,
    /// Show why: the words matched, the nearest phrasing, the top scores and the gate.
    #[arg(long)]
    pub explain: bool,
    /// Override ranking knobs, e.g. `title=3,tags=2,body=1,floor=0.3,power=1` (for experiments).
    #[arg(long, hide = true)]
    pub tuning: Option<Tuning>,
    /// The question. Without it, questions are read from stdin, one per line.
    #[arg(trailing_var_arg = true)]
    pub question: Vec<String>,
}

/// Runs `healthbot ask`.
///
/// # Errors
/// Fails if the library or the corpus cannot be loaded.
pub fn run(args: &AskArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let engine = engine(args.corpus.as_ref(), args.tuning, &config)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.question.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line.context("cannot read stdin")?;
            if line.trim().is_empty() {
                continue;
            }
            print_answer(&mut out, &engine, &engine.answer(&line, args.top)?, args)?;
        }
    } else {
        let question = args.question.join(" ");
        print_answer(
            &mut out,
            &engine,
            &engine.answer(&question, args.top)?,
            args,
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The engine over the library, or over a corpus file, with optional ranking knobs.
///
/// # Errors
/// Fails if the library or the corpus cannot be loaded.
pub fn engine(
    corpus: Option<&PathBuf>,
    tuning: Option<Tuning>,
    config: &Config,
) -> anyhow::Result<Engine> {
    let tuning = tuning.unwrap_or_default();
    match corpus {
        Some(path) => app::engine_over(
            &super::load_corpus(path)?,
            config,
            tuning,
            &super::corpus_namespace(path)?,
        ),
        None if tuning == Tuning::default() => Ok(App::open(config)?.engine),
        None => {
            let articles = App::open(config)?.engine.index.all_articles()?;
            app::engine_over(&articles, config, tuning, "library")
        }
    }
}

fn print_answer(
    out: &mut impl Write,
    engine: &Engine,
    answer: &Answer,
    args: &AskArgs,
) -> anyhow::Result<()> {
    if args.json {
        let mut json = answer.to_json();
        if args.explain {
            json["explain"] = serde_json::to_value(Explanation::new(answer, engine))?;
        }
        writeln!(out, "{json}")?;
        return Ok(());
    }
    if args.explain {
        writeln!(out, "{}", Explanation::new(answer, engine))?;
    }
    if let Some(e) = &answer.emergency {
        writeln!(out, "EMERGENCY: {}\n", e.advice)?;
    }
    if let Some(reply) = &answer.small_talk {
        writeln!(out, "{}", reply.text)?;
        return Ok(());
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
            for a in &answer.related {
                writeln!(out, "  - {} ({})", a.title, a.url)?;
            }
        }
        None if answer.suggestions().next().is_none() => writeln!(
            out,
            "I don't have an article on that. Try describing the symptom or naming the condition."
        )?,
        None => {
            writeln!(
                out,
                "I'm not sure I have an article on exactly that. Did you mean:"
            )?;
            for a in answer.suggestions() {
                writeln!(out, "  - {} ({})", a.title, a.url)?;
            }
        }
    }
    writeln!(out, "\n{}", answer::DISCLAIMER)?;
    Ok(())
}
