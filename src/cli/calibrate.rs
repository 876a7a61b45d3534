//! `healthbot calibrate`: fits the fusion weight and the answer gate on judged questions
//! (the calibration half only) and writes them to `gate.toml`, with a comment that says how.
//!
//! Each question is ranked once (lexical and dense); the fusion weights are then compared on
//! those rankings, the weight with the best top-1 is kept, and a logistic gate is fitted on
//! the features of the fused rankings. The threshold is the lowest that keeps wrong answers
//! within `--max-wrong` on calibration, which leaves a margin for questions never seen.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::answer::Engine;
use crate::app;
use crate::config::Config;
use crate::content;
use crate::eval::questions::{Judged, QuestionSet};
use crate::gate::{self, FEATURES, Fusion, Gate, Sample};
use crate::ranker::{self, Parts};

/// Fusion weights tried, as tenths.
const WEIGHTS: std::ops::RangeInclusive<u8> = 0..=10;
/// Dense floors tried.
const FLOORS: [f32; 5] = [0.0, 0.1, 0.2, 0.3, 0.4];
/// L2 regularisation of the gate's weights.
const L2: f32 = 0.01;

/// Arguments of `healthbot calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// Judged question files (`[[question]]`, `[[off_topic]]`, `[[uncovered]]` tables). Use
    /// the calibration half only.
    #[arg(long = "questions", required = true, num_args = 1..)]
    pub questions: Vec<PathBuf>,
    /// Where to write the gate (default: CONTENT_DIR/gate.toml).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Highest share of wrong answers (and of off-topic answers) allowed on these questions.
    #[arg(long, default_value_t = gate::TARGET_WRONG)]
    pub max_wrong: f32,
}

/// What one question needs: its rankings and, when on-topic, what is right.
struct Item<'a> {
    parts: Parts,
    judged: Option<&'a Judged>,
}

/// Runs `healthbot calibrate`.
///
/// # Errors
/// Fails without the sentence encoder, or on unreadable files.
pub fn run(args: &CalibrateArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let set = QuestionSet::load(&args.questions).map_err(anyhow::Error::msg)?;
    let bundle = content::load_dir(&config.content_dir).map_err(|e| {
        anyhow::anyhow!("CONTENT_DIR has {} problem(s); run check-content", e.len())
    })?;
    let engine = app::engine_over(&bundle.articles, &config, Default::default(), "library")?;
    let semantic = engine
        .semantic
        .as_ref()
        .context("calibration needs the sentence encoder: set MODEL_DIR")?;
    let mut items = Vec::new();
    for q in &set.question {
        items.push(Item {
            parts: ranker::parts(&engine.index, Some(semantic), &q.text)?,
            judged: Some(q),
        });
    }
    for q in set.off_topic.iter().chain(&set.uncovered) {
        items.push(Item {
            parts: ranker::parts(&engine.index, Some(semantic), &q.text)?,
            judged: None,
        });
    }
    let fusion = sweep(&engine, &items)?;
    let samples = samples(&engine, &items, fusion)?;
    let mut model = gate::fit(&samples, FEATURES, L2);
    let candidate = Gate {
        fusion,
        gate: model.clone(),
    };
    let scored: Vec<(f32, &Sample)> = samples
        .iter()
        .map(|s| (candidate.probability(&s.features), s))
        .collect();
    model.threshold = gate::pick_threshold(&scored, args.max_wrong);
    let fitted = Gate {
        fusion,
        gate: model,
    }
    .rounded();
    let summary = report(&fitted, &samples);
    println!("{summary}");
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| config.content_dir.join("gate.toml"));
    let files: Vec<String> = args
        .questions
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let comment = format!(
        "Answer gate and fusion weight, fitted by `healthbot calibrate --questions {}`\n\
         on {} questions ({} on-topic, {} off-topic or uncovered), {}.\n\
         On those questions: {summary}\n\
         Re-run it after changing the library, the phrasings or the ranking.",
        files.join(" "),
        samples.len(),
        set.question.len(),
        samples.len() - set.question.len(),
        chrono::Utc::now().date_naive(),
    );
    std::fs::write(&out, fitted.to_toml(&comment))
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Tries every fusion weight and dense floor on the on-topic questions, prints the
/// sensitivity table, and returns the pair with the best top-1 (ties: best top-3, then the
/// weight nearest the middle).
fn sweep(engine: &Engine, items: &[Item<'_>]) -> anyhow::Result<Fusion> {
    let on_topic = items.iter().filter(|i| i.judged.is_some()).count().max(1) as f32;
    let mut best: Option<(Fusion, f32, f32)> = None;
    println!("top-1 (top-3) by dense weight (rows) and dense floor (columns)");
    println!("      {}", FLOORS.map(|f| format!("{f:>13.1}")).join(""));
    for tenth in WEIGHTS {
        let w = f32::from(tenth) / 10.0;
        let mut row = format!("{w:>5.1} ");
        for floor in FLOORS {
            let fusion = Fusion {
                dense_weight: w,
                dense_floor: floor,
            };
            let (mut top1, mut top3) = (0.0, 0.0);
            for item in items {
                let Some(q) = item.judged else { continue };
                let r = ranker::assemble(&engine.index, &item.parts, fusion, 3)?;
                let right = |n: usize| r.candidates.iter().take(n).any(|c| q.is_right(&c.slug));
                top1 += f32::from(u8::from(right(1)));
                top3 += f32::from(u8::from(right(3)));
            }
            let (top1, top3) = (top1 / on_topic, top3 / on_topic);
            row.push_str(&format!("  {top1:.3} ({top3:.3})"));
            let better = best.is_none_or(|(b, b1, b3)| {
                (top1, top3) > (b1, b3)
                    || ((top1, top3) == (b1, b3) && (w - 0.5).abs() < (b.dense_weight - 0.5).abs())
            });
            if better {
                best = Some((fusion, top1, top3));
            }
        }
        println!("{row}");
    }
    let (fusion, top1, _) = best.context("no questions to calibrate on")?;
    println!(
        "chosen dense weight {:.1}, floor {:.1} (top-1 {top1:.3})",
        fusion.dense_weight, fusion.dense_floor
    );
    Ok(fusion)
}

/// The gate's training examples: each question's features under `fusion`, labelled by
/// whether its top article is right.
fn samples(engine: &Engine, items: &[Item<'_>], fusion: Fusion) -> anyhow::Result<Vec<Sample>> {
    items
        .iter()
        .map(|item| {
            let r = ranker::assemble(&engine.index, &item.parts, fusion, 1)?;
            let right = match (item.judged, r.candidates.first()) {
                (Some(q), Some(top)) => q.is_right(&top.slug),
                _ => false,
            };
            Ok(Sample {
                vetoed: r.closer_to_off_topic(),
                features: r.features,
                right,
                on_topic: item.judged.is_some(),
            })
        })
        .collect()
}

/// The fitted gate's outcome on its own calibration questions, in one line.
fn report(gate: &Gate, samples: &[Sample]) -> String {
    let (mut right, mut wrong, mut unsure, mut off, mut off_answered) = (0, 0, 0, 0, 0);
    for s in samples {
        let answers = gate.answers(&s.features) && !s.vetoed;
        match (s.on_topic, answers, s.right) {
            (true, true, true) => right += 1,
            (true, true, false) => wrong += 1,
            (true, false, _) => unsure += 1,
            (false, a, _) => {
                off += 1;
                off_answered += usize::from(a);
            }
        }
    }
    let on = (right + wrong + unsure).max(1) as f64;
    format!(
        "answered right {:.3}, answered wrong {:.3}, unsure {:.3}, off-topic answered {}/{} at threshold {:.3}",
        f64::from(right) / on,
        f64::from(wrong) / on,
        f64::from(unsure) / on,
        off_answered,
        off,
        gate.gate.threshold
    )
}
