//! `healthbot eval --questions`: the bundled library scored on judged lay questions: answered
//! right, answered wrong, unsure, off-topic answered, and the most frequent top article.

use std::io::Write;

use super::eval::EvalArgs;
use crate::config::Config;
use crate::content;
use crate::eval::questions::{self, QuestionReport, QuestionSet};

/// Runs `healthbot eval --questions`.
///
/// # Errors
/// Fails on unreadable files or a broken content folder.
pub fn run(args: &EvalArgs, config: &Config) -> anyhow::Result<()> {
    let set = QuestionSet::load(&args.questions).map_err(anyhow::Error::msg)?;
    let bundle = content::load_dir(&config.content_dir).map_err(|e| {
        anyhow::anyhow!("CONTENT_DIR has {} problem(s); run check-content", e.len())
    })?;
    let mut engine = crate::app::engine_over(
        &bundle.articles,
        config,
        args.tuning.unwrap_or_default(),
        "library",
    )?;
    if let Some(w) = args.dense_weight {
        engine.gate.fusion.dense_weight = w.clamp(0.0, 1.0);
    }
    let report = questions::score(&set, |q| engine.answer(q, args.top))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
        return Ok(());
    }
    if args.misses {
        for m in &report.misses {
            writeln!(out, "{m}")?;
        }
    }
    print(&mut out, &report, engine.semantic.is_some())
}

fn print(out: &mut impl Write, r: &QuestionReport, semantic: bool) -> anyhow::Result<()> {
    let share = |part, whole| QuestionReport::share(part, whole);
    let engine = if semantic {
        "hybrid"
    } else {
        "lexical only (no encoder)"
    };
    writeln!(out, "engine              {engine}")?;
    writeln!(out, "on-topic questions  {}", r.on_topic)?;
    writeln!(
        out,
        "answered right      {:.3} ({})",
        share(r.answered_right, r.on_topic),
        r.answered_right
    )?;
    writeln!(
        out,
        "answered wrong      {:.3} ({})",
        share(r.answered_wrong, r.on_topic),
        r.answered_wrong
    )?;
    writeln!(
        out,
        "unsure              {:.3} ({})",
        share(r.unsure, r.on_topic),
        r.unsure
    )?;
    writeln!(out, "right ranked first  {:.3}", share(r.top1, r.on_topic))?;
    writeln!(out, "right in top 3      {:.3}", share(r.top3, r.on_topic))?;
    writeln!(
        out,
        "off-topic answered  {:.3} ({}/{})",
        share(r.off_topic_answered, r.off_topic),
        r.off_topic_answered,
        r.off_topic
    )?;
    writeln!(
        out,
        "uncovered answered  {:.3} ({}/{})",
        share(r.uncovered_answered, r.uncovered),
        r.uncovered_answered,
        r.uncovered
    )?;
    writeln!(
        out,
        "small talk replies  {}/{}",
        r.small_talk_recognised, r.small_talk
    )?;
    if let Some((slug, n)) = &r.magnet {
        writeln!(
            out,
            "most frequent first {slug} ({:.3} of on-topic)",
            share(*n, r.on_topic)
        )?;
    }
    Ok(())
}
