//! `healthbot eval` over a tiny self-made judged corpus: metrics, run file, bad input.

use crate::util::{healthbot, scratch, stderr, stdout};

const CORPUS: &str = "\
{\"id\":\"gout\",\"title\":\"Gout\",\"url\":\"\",\"body\":\"Gout is a painful swollen big toe joint.\"}
{\"id\":\"sun\",\"title\":\"Sun cream\",\"url\":\"\",\"body\":\"Reapply sun cream every two hours.\"}
{\"id\":\"cold\",\"title\":\"Common cold\",\"url\":\"\",\"body\":\"A cold gives a runny nose and a sore throat.\"}
";

const QUERIES: &str = "\
{\"id\":\"q1\",\"question\":\"why is my big toe joint swollen\",\"relevant\":[\"gout\"]}
{\"id\":\"q2\",\"question\":\"how often should I reapply sun cream\",\"relevant\":[\"sun\"]}
{\"id\":\"q3\",\"question\":\"runny nose\",\"relevant\":[\"gout\"]}
{\"id\":\"q4\",\"question\":\"never judged\",\"relevant\":[]}
";

#[test]
fn eval_scores_the_ranking_and_writes_a_run_file() {
    let (dir, data) = scratch();
    let corpus = dir.path().join("corpus.jsonl");
    let queries = dir.path().join("queries.jsonl");
    let run = dir.path().join("run.tsv");
    std::fs::write(&corpus, CORPUS).unwrap();
    std::fs::write(&queries, QUERIES).unwrap();
    let out = healthbot(&data)
        .args(["eval", "--json", "--repeat", "1", "--corpus"])
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .arg("--run")
        .arg(&run)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let m: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    assert_eq!(m["documents"], 3, "{m}");
    assert_eq!(m["queries"], 3, "unjudged queries are skipped: {m}");
    // q1 and q2 are right at rank 1; q3 ranks "cold" first, so it scores below 1.
    let top1 = m["top1"].as_f64().unwrap();
    assert!((top1 - 2.0 / 3.0).abs() < 1e-9, "{m}");
    assert!(m["mrr10"].as_f64().unwrap() < 1.0, "{m}");
    assert!(m["p99_ms"].as_f64().unwrap() >= m["p50_ms"].as_f64().unwrap());
    let run = std::fs::read_to_string(run).unwrap();
    assert!(run.lines().any(|l| l == "q1\tgout\t1"), "{run}");
    assert!(run.lines().all(|l| l.split('\t').count() == 3), "{run}");
    assert!(!data.exists(), "eval must not create DATA_DIR");
}

#[test]
fn eval_names_a_query_line_without_a_relevant_list() {
    let (dir, data) = scratch();
    let corpus = dir.path().join("corpus.jsonl");
    let queries = dir.path().join("queries.jsonl");
    std::fs::write(&corpus, CORPUS).unwrap();
    std::fs::write(
        &queries,
        "{\"id\":\"q1\",\"question\":\"gout\",\"relevant\":[\"gout\"]}\n{\"id\":\"q2\",\"question\":\"x\"}\n",
    )
    .unwrap();
    let out = healthbot(&data)
        .args(["eval", "--corpus"])
        .arg(&corpus)
        .arg("--queries")
        .arg(&queries)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("queries.jsonl:2") && err.contains("relevant"),
        "{err}"
    );
}
