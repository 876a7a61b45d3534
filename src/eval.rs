//! Retrieval evaluation: the ranking metrics of the public benchmarks (top-1, MRR@10,
//! nDCG@10, recall@10), latency percentiles and peak memory; [`questions`] scores the
//! bundled library on judged lay questions, and [`intents`] whether summaries answer the kind
//! of question asked.
//!
//! The metrics follow `shared/benchmarks/bm25_baseline.py` exactly, so `healthbot eval` and
//! `bm25_baseline.py --eval-run` give the same figures for the same ranking: binary relevance
//! from a query's `relevant` list, queries without relevant documents skipped, and the ideal
//! nDCG ranking holding `min(10, relevant)` relevant documents.

pub mod intents;
pub mod questions;

use std::collections::HashSet;
use std::time::Duration;

/// Depth at which MRR, nDCG and recall are cut off.
pub const CUTOFF: usize = 10;

/// Mean ranking quality over a set of judged queries.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Metrics {
    /// Queries that have at least one relevant document (the others are skipped).
    pub queries: usize,
    /// Share of queries whose first document is relevant.
    pub top1: f64,
    /// Mean reciprocal rank of the first relevant document within the top 10.
    pub mrr10: f64,
    /// Binary-gain nDCG over the top 10.
    pub ndcg10: f64,
    /// Mean share of a query's relevant documents found in the top 10.
    pub recall10: f64,
}

/// Accumulates per-query scores into [`Metrics`].
#[derive(Debug, Default)]
pub struct Scorer {
    sums: Metrics,
}

impl Scorer {
    /// Scores one query's ranking (best first) against its relevant document ids.
    /// Queries without relevant documents are ignored, as in the reference script.
    pub fn add<S: AsRef<str>>(&mut self, ranking: &[S], relevant: &[String]) {
        let relevant: HashSet<&str> = relevant.iter().map(String::as_str).collect();
        if relevant.is_empty() {
            return;
        }
        let top: Vec<&str> = ranking.iter().take(CUTOFF).map(AsRef::as_ref).collect();
        let is_rel = |d: &&str| relevant.contains(d);
        let s = &mut self.sums;
        s.queries += 1;
        s.top1 += f64::from(u8::from(top.first().is_some_and(is_rel)));
        if let Some(rank) = top.iter().position(is_rel) {
            s.mrr10 += 1.0 / (rank + 1) as f64;
        }
        let gains: Vec<f64> = top.iter().map(|d| f64::from(u8::from(is_rel(d)))).collect();
        let ideal = vec![1.0; relevant.len().min(CUTOFF)];
        s.ndcg10 += dcg(&gains) / dcg(&ideal);
        // A ranking may list a document twice; recall counts each relevant document once.
        let found: HashSet<&str> = top.iter().copied().filter(is_rel).collect();
        s.recall10 += found.len() as f64 / relevant.len() as f64;
    }

    /// The means over every scored query (all zero when none was scored).
    pub fn finish(&self) -> Metrics {
        let s = self.sums;
        let n = s.queries.max(1) as f64;
        Metrics {
            queries: s.queries,
            top1: s.top1 / n,
            mrr10: s.mrr10 / n,
            ndcg10: s.ndcg10 / n,
            recall10: s.recall10 / n,
        }
    }
}

/// Discounted cumulative gain: `sum(gain_i / log2(i + 2))` over 0-based ranks.
fn dcg(gains: &[f64]) -> f64 {
    gains
        .iter()
        .enumerate()
        .map(|(i, g)| g / ((i + 2) as f64).log2())
        .sum()
}

/// Median and 99th percentile of `times`, by the nearest-rank rule on the sorted list
/// (index `n / 2` and `n * 99 / 100`, as the criterion bench prints them).
pub fn percentiles(times: &[Duration]) -> (Duration, Duration) {
    if times.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let p99 = (sorted.len() * 99 / 100).min(sorted.len() - 1);
    (sorted[sorted.len() / 2], sorted[p99])
}

/// Peak resident memory of this process in bytes (`VmHWM` in `/proc/self/status`), or
/// `None` where the kernel does not report it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn relevant_first_document_scores_perfectly() {
        let mut s = Scorer::default();
        s.add(&["a", "x", "y"], &rel(&["a"]));
        let m = s.finish();
        assert_eq!(m.queries, 1);
        assert!(close(m.top1, 1.0) && close(m.mrr10, 1.0) && close(m.ndcg10, 1.0));
        assert!(close(m.recall10, 1.0));
    }

    #[test]
    fn reciprocal_rank_and_ndcg_follow_the_reference_formulas() {
        let mut s = Scorer::default();
        // Relevant at ranks 2 and 4 of 3 relevant documents.
        s.add(&["x", "a", "y", "b"], &rel(&["a", "b", "c"]));
        let m = s.finish();
        let dcg = 1.0 / 3f64.log2() + 1.0 / 5f64.log2();
        let ideal = 1.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!(close(m.top1, 0.0));
        assert!(close(m.mrr10, 0.5));
        assert!(close(m.ndcg10, dcg / ideal), "{}", m.ndcg10);
        assert!(close(m.recall10, 2.0 / 3.0));
    }

    #[test]
    fn documents_below_rank_ten_do_not_count() {
        let mut s = Scorer::default();
        let ranking: Vec<String> = (0..10)
            .map(|i| format!("x{i}"))
            .chain(["a".into()])
            .collect();
        s.add(&ranking, &rel(&["a"]));
        let m = s.finish();
        assert!(close(m.mrr10, 0.0) && close(m.ndcg10, 0.0) && close(m.recall10, 0.0));
    }

    #[test]
    fn ideal_ranking_is_capped_at_ten_relevant_documents() {
        let ids: Vec<String> = (0..12).map(|i| format!("r{i}")).collect();
        let mut s = Scorer::default();
        s.add(&ids, &ids);
        let m = s.finish();
        assert!(close(m.ndcg10, 1.0));
        assert!(close(m.recall10, 10.0 / 12.0));
    }

    #[test]
    fn queries_without_judgements_are_skipped_and_means_are_per_query() {
        let mut s = Scorer::default();
        s.add(&["a"], &rel(&["a"]));
        s.add(&["a"], &[]);
        s.add::<&str>(&[], &rel(&["b"]));
        let m = s.finish();
        assert_eq!(m.queries, 2);
        assert!(close(m.top1, 0.5) && close(m.mrr10, 0.5));
        assert_eq!(Scorer::default().finish().queries, 0);
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let times: Vec<Duration> = (1..=200).rev().map(Duration::from_millis).collect();
        let (p50, p99) = percentiles(&times);
        assert_eq!(p50, Duration::from_millis(101));
        assert_eq!(p99, Duration::from_millis(199));
        assert_eq!(percentiles(&[]), (Duration::ZERO, Duration::ZERO));
    }

    #[test]
    fn peak_memory_is_read_from_vm_hwm() {
        let status =
            "Name:\thealthbot\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(2048 * 1024));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
        if cfg!(target_os = "linux") {
            assert!(peak_rss_bytes().is_some_and(|b| b > 0));
        }
    }
}
