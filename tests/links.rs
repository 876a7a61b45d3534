//! `check-links` against a local HTTP server: what passes, what fails and why, the pause
//! between requests, and the command's report. CI never points it at the web.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use axum::routing::any;
use healthbot::links::{self, Options, Target};

use crate::util::{healthbot, scratch, stderr, stdout};

/// A local site: `/ok` answers, `/gone` is a 404, `/get-only` refuses HEAD like some real
/// servers do, `/stuck` never answers. Returns its base url and when each request came in.
async fn site() -> (String, Arc<Mutex<Vec<Instant>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let app = axum::Router::new()
        .route("/ok", any(|| async { StatusCode::OK }))
        .route("/gone", any(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/get-only",
            any(|method: Method| async move {
                if method == Method::HEAD {
                    StatusCode::METHOD_NOT_ALLOWED
                } else {
                    StatusCode::OK
                }
            }),
        )
        .route("/stuck", any(std::future::pending::<StatusCode>))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                log.lock().unwrap().push(Instant::now());
                next.run(req)
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

fn target(url: String) -> Target {
    Target {
        url,
        used_by: vec!["article x".to_owned()],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_listed_with_their_reason_and_requests_are_spaced_out() {
    let (base, seen) = site().await;
    let targets: Vec<Target> = ["/ok", "/gone", "/get-only", "/stuck"]
        .iter()
        .map(|path| target(format!("{base}{path}")))
        .collect();
    let options = Options {
        delay: Duration::from_millis(60),
        timeout: Duration::from_millis(300),
    };
    let failures = links::check(&targets, options).await.unwrap();
    let report: Vec<(&str, &str)> = failures
        .iter()
        .map(|f| (f.target.url.as_str(), f.problem.as_str()))
        .collect();
    assert_eq!(report.len(), 2, "{report:?}");
    assert_eq!(report[0], (targets[1].url.as_str(), "HTTP 404"));
    assert_eq!(report[1].0, targets[3].url);
    assert!(report[1].1.contains("timed out"), "{report:?}");

    // HEAD /ok, HEAD /gone, HEAD then GET /get-only, HEAD /stuck.
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 5);
    for (from, to) in [(0, 1), (1, 2), (3, 4)] {
        let gap = seen[to] - seen[from];
        assert!(
            gap >= options.delay,
            "requests {from} and {to} {gap:?} apart"
        );
    }
}

#[test]
fn the_command_names_each_failing_url_and_what_links_to_it() {
    let (dir, data) = scratch();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    // Nothing listens on port 1, so the connection is refused at once.
    std::fs::write(
        content.join("articles/gout.md"),
        "+++\ntitle = \"Gout\"\nurl = \"https://127.0.0.1:1/gout\"\n+++\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        content.join("tips.toml"),
        "[[tip]]\ntext = \"Drink water when gout flares.\"\nurl = \"https://127.0.0.1:1/gout\"\n",
    )
    .unwrap();
    let out = healthbot(&data)
        .env("CONTENT_DIR", &content)
        .args(["check-links", "--delay-ms", "0", "--timeout-secs", "5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let report = stdout(&out);
    assert!(
        report.starts_with("https://127.0.0.1:1/gout\t") && report.contains("article gout, tip #1"),
        "{report}"
    );
    assert_eq!(report.lines().count(), 1, "{report}");
    assert!(
        stderr(&out).contains("1 of 1 urls failed"),
        "{}",
        stderr(&out)
    );
}
