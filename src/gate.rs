//! The answer gate: a logistic model over the ranking's confidence features that decides
//! whether the top article answers the question, or the bot should say it is not sure.
//!
//! The weights, the threshold and the hybrid ranking's fusion weight are data
//! (`content/gate.toml`), fitted by `healthbot calibrate` on the calibration half of the
//! evaluation questions. A wrong answer costs more than "not sure", so the threshold is chosen
//! for at most [`TARGET_WRONG`] wrong answers on calibration, with margin for new questions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Most wrong answers (on-topic answered with the wrong article, plus off-topic answered) the
/// threshold allows on the calibration half, as a share of the questions of each kind.
pub const TARGET_WRONG: f32 = 0.01;

/// The names of the gate's features, in a stable order.
pub const FEATURES: &[&str] = &[
    "cos",
    "cos_margin",
    "coverage",
    "key_coverage",
    "lex_margin",
    "fused_margin",
    "dense_top",
    "lex_top",
    "known",
    "phrasing",
    "concepts",
];

/// The gate that ships with the binary, used when the content folder has none.
pub const BUNDLED: &str = include_str!("../content/gate.toml");

/// Names and values of the confidence features of one ranked question.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Features(pub Vec<(&'static str, f32)>);

impl Features {
    /// The value of a feature, 0 when absent.
    pub fn get(&self, name: &str) -> f32 {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, v)| *v)
    }
}

/// The fitted gate and fusion settings, as stored in `content/gate.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub fusion: Fusion,
    pub gate: Model,
}

/// How the lexical and dense scores are combined into one ranking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fusion {
    /// Share of the dense score in the fused score; the lexical score has the rest.
    pub dense_weight: f32,
    /// Cosine that counts as no similarity at all: the dense score is
    /// `(cos - floor) / (best_cos - floor)`, so the gap between a close and a loose match is
    /// not squeezed by the cosine's high baseline between any two health questions.
    #[serde(default)]
    pub dense_floor: f32,
}

/// A logistic model: `p = 1 / (1 + exp(-(bias + sum(weight * feature))))`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub threshold: f32,
    pub bias: f32,
    pub weights: BTreeMap<String, f32>,
}

impl Gate {
    /// The bundled gate (`content/gate.toml`, compiled in).
    pub fn bundled() -> Self {
        // The bundled file is checked by a unit test, so this cannot fail in a release.
        Self::parse(BUNDLED, FEATURES).unwrap_or_else(|(_, e)| panic!("bundled gate.toml: {e}"))
    }

    /// Parses `gate.toml`, checking every weight names a known feature.
    ///
    /// # Errors
    /// Returns the 1-based line when known, and what is wrong.
    pub fn parse(text: &str, known: &[&str]) -> Result<Self, (Option<usize>, String)> {
        let gate: Self = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count());
            (line, e.message().to_owned())
        })?;
        if let Some(name) = gate
            .gate
            .weights
            .keys()
            .find(|n| !known.contains(&n.as_str()))
        {
            return Err((None, format!("unknown gate feature {name:?}")));
        }
        if !(0.0..=1.0).contains(&gate.fusion.dense_weight) {
            return Err((
                None,
                "fusion.dense_weight must be between 0 and 1".to_owned(),
            ));
        }
        Ok(gate)
    }

    /// The probability that the top article is right.
    pub fn probability(&self, f: &Features) -> f32 {
        let z = self.gate.bias
            + self
                .gate
                .weights
                .iter()
                .map(|(name, w)| w * f.get(name))
                .sum::<f32>();
        sigmoid(z)
    }

    /// Whether to answer with the top article.
    pub fn answers(&self, f: &Features) -> bool {
        self.probability(f) >= self.gate.threshold
    }

    /// The same gate with every number rounded to 4 decimals, for a readable file.
    pub fn rounded(mut self) -> Self {
        let r = |x: f32| (x * 10_000.0).round() / 10_000.0;
        self.fusion.dense_weight = r(self.fusion.dense_weight);
        self.fusion.dense_floor = r(self.fusion.dense_floor);
        self.gate.threshold = r(self.gate.threshold);
        self.gate.bias = r(self.gate.bias);
        for w in self.gate.weights.values_mut() {
            *w = r(*w);
        }
        self
    }

    /// The file text, with a comment saying how it was made.
    pub fn to_toml(&self, comment: &str) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        let header: String = comment.lines().map(|l| format!("# {l}\n")).collect();
        format!("{header}\n{body}")
    }
}

/// One labelled calibration example.
#[derive(Debug, Clone)]
pub struct Sample {
    pub features: Features,
    /// Whether the top article is a right answer (always false for off-topic questions).
    pub right: bool,
    pub on_topic: bool,
    /// Turned away before the gate (closer to a known off-topic example than to any article):
    /// never answered, whatever the threshold.
    pub vetoed: bool,
}

/// Fits a logistic model with L2 regularisation `l2` by gradient descent on standardised
/// features, and returns it with a threshold of 0.5 (see [`pick_threshold`]).
pub fn fit(samples: &[Sample], names: &[&'static str], l2: f32) -> Model {
    let n = samples.len().max(1) as f32;
    let x: Vec<Vec<f32>> = samples
        .iter()
        .map(|s| names.iter().map(|name| s.features.get(name)).collect())
        .collect();
    let y: Vec<f32> = samples
        .iter()
        .map(|s| f32::from(u8::from(s.right)))
        .collect();
    let d = names.len();
    let mean: Vec<f32> = (0..d)
        .map(|j| x.iter().map(|r| r[j]).sum::<f32>() / n)
        .collect();
    let scale: Vec<f32> = (0..d)
        .map(|j| {
            let var = x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f32>() / n;
            if var > 1e-12 { var.sqrt() } else { 1.0 }
        })
        .collect();
    let z: Vec<Vec<f32>> = x
        .iter()
        .map(|r| (0..d).map(|j| (r[j] - mean[j]) / scale[j]).collect())
        .collect();
    let (mut w, mut b) = (vec![0.0f32; d], 0.0f32);
    // Plain full-batch gradient descent: the problem is small, convex and standardised, so a
    // fixed step converges, and the result is deterministic.
    for _ in 0..4000 {
        let mut gw = vec![0.0f32; d];
        let mut gb = 0.0;
        for (row, &target) in z.iter().zip(&y) {
            let p = sigmoid(b + row.iter().zip(&w).map(|(a, c)| a * c).sum::<f32>());
            let err = p - target;
            gb += err;
            for j in 0..d {
                gw[j] += err * row[j];
            }
        }
        b -= 0.5 * gb / n;
        for j in 0..d {
            w[j] -= 0.5 * (gw[j] / n + l2 * w[j]);
        }
    }
    // Back to raw feature units, so the file needs no standardisation step.
    let weights: BTreeMap<String, f32> = names
        .iter()
        .enumerate()
        .map(|(j, name)| ((*name).to_owned(), w[j] / scale[j]))
        .collect();
    let bias = b - (0..d).map(|j| w[j] * mean[j] / scale[j]).sum::<f32>();
    Model {
        threshold: 0.5,
        bias,
        weights,
    }
}

/// The lowest threshold at which wrong answers stay within `max_wrong` of the on-topic
/// questions and off-topic answers within `max_wrong` of the off-topic ones.
pub fn pick_threshold(scored: &[(f32, &Sample)], max_wrong: f32) -> f32 {
    let on = scored.iter().filter(|(_, s)| s.on_topic).count().max(1) as f32;
    let off = scored.iter().filter(|(_, s)| !s.on_topic).count().max(1) as f32;
    let mut candidates: Vec<f32> = scored.iter().map(|(p, _)| *p).collect();
    candidates.push(1.0);
    candidates.sort_by(f32::total_cmp);
    candidates
        .into_iter()
        .find(|&t| {
            let answered = |p: f32, s: &Sample| p >= t && !s.vetoed;
            let wrong = scored
                .iter()
                .filter(|(p, s)| answered(*p, s) && s.on_topic && !s.right)
                .count() as f32;
            let off_answered = scored
                .iter()
                .filter(|(p, s)| answered(*p, s) && !s.on_topic)
                .count() as f32;
            wrong / on <= max_wrong && off_answered / off <= max_wrong
        })
        .unwrap_or(1.0)
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cos: f32, right: bool, on_topic: bool) -> Sample {
        Sample {
            features: Features(vec![("cos", cos)]),
            right,
            on_topic,
            vetoed: false,
        }
    }

    #[test]
    fn fitting_learns_that_a_higher_cosine_means_right() {
        let samples: Vec<Sample> = (0..100)
            .map(|i| {
                let cos = i as f32 / 100.0;
                sample(cos, cos > 0.5, true)
            })
            .collect();
        let model = fit(&samples, &["cos"], 0.001);
        let gate = Gate {
            fusion: Fusion {
                dense_weight: 0.5,
                dense_floor: 0.0,
            },
            gate: model,
        };
        let p = |c| gate.probability(&Features(vec![("cos", c)]));
        assert!(p(0.9) > 0.9 && p(0.1) < 0.1, "{} {}", p(0.9), p(0.1));
    }

    #[test]
    fn the_threshold_keeps_wrong_answers_under_the_target() {
        let s: Vec<Sample> = (0..200)
            .map(|i| sample(0.0, i % 10 != 0, i % 20 != 0))
            .collect();
        // Probabilities: rights high, wrongs spread out.
        let scored: Vec<(f32, &Sample)> = s
            .iter()
            .enumerate()
            .map(|(i, smp)| (if smp.right { 0.9 } else { i as f32 / 400.0 }, smp))
            .collect();
        let t = pick_threshold(&scored, 0.01);
        let wrong = scored.iter().filter(|(p, x)| *p >= t && !x.right).count();
        assert!(wrong <= 2, "threshold {t} lets {wrong} wrong through");
        assert!(t <= 0.9, "rights must still be answered");
    }

    #[test]
    fn the_bundled_gate_parses() {
        assert!(Gate::bundled().gate.threshold > 0.0);
    }

    #[test]
    fn an_unknown_feature_name_is_refused() {
        let text = "[fusion]\ndense_weight = 0.6\n[gate]\nthreshold = 0.5\nbias = 0.0\n[gate.weights]\nbogus = 1.0\n";
        assert!(Gate::parse(text, &["cos"]).is_err());
        let ok = text.replace("bogus", "cos");
        assert_eq!(Gate::parse(&ok, &["cos"]).unwrap().fusion.dense_weight, 0.6);
    }
}
