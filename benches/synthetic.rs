//! The deterministic random source shared by the synthetic-corpus benchmarks.

#![allow(dead_code, reason = "each benchmark uses a different subset")]

/// A small deterministic PRNG, so every run benchmarks the same corpus.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A Zipf-like pick: low indices (common words) far more often than high ones.
    pub fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }

    pub fn words(&mut self, vocab: &[String], n: usize) -> String {
        let picked: Vec<&str> = (0..n)
            .map(|_| vocab[self.zipf(vocab.len())].as_str())
            .collect();
        picked.join(" ")
    }
}

/// Words of the bundled library, most frequent first, as a realistic vocabulary.
pub fn vocabulary() -> Vec<String> {
    let bundle = healthbot::content::load_dir(std::path::Path::new("content"))
        .expect("run from the crate root");
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for a in &bundle.articles {
        for w in a
            .body
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.len() > 2)
        {
            *counts.entry(w.to_lowercase()).or_default() += 1;
        }
    }
    let mut words: Vec<(String, usize)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    words.into_iter().map(|(w, _)| w).collect()
}
