//! Checking that the library's links still lead somewhere: every article's url and sources
//! and every tip's url, requested one at a time with a pause between requests and a timeout
//! on each. `healthbot check-links` runs it on machines with web access; the bot never does.

use std::time::Duration;

use crate::content::{Article, Tip};

/// Pause between two requests by default, so that no site sees a burst from us.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(1);
/// How long one request may take by default before it counts as failed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Who we say we are: some sites refuse requests without a user agent.
const USER_AGENT: &str = concat!("healthbot-check-links/", env!("CARGO_PKG_VERSION"));

/// One url and everything in the library that links to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    /// Where it is used: `article <slug>` or `tip #<n>` (1-based, in file order).
    pub used_by: Vec<String>,
}

/// A url that did not answer with success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub target: Target,
    /// What went wrong: `HTTP 404`, `timed out after 15s`, or the connection error.
    pub problem: String,
}

/// How politely and how patiently to check.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Pause between two requests.
    pub delay: Duration,
    /// Longest wait for one request, redirects included.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            delay: DEFAULT_DELAY,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Every url in the articles and tips, each once, in the order first seen.
pub fn targets(articles: &[Article], tips: &[Tip]) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let mut add = |url: &str, user: String| match out.iter_mut().find(|t| t.url == url) {
        Some(t) if !t.used_by.contains(&user) => t.used_by.push(user),
        Some(_) => {}
        None => out.push(Target {
            url: url.to_owned(),
            used_by: vec![user],
        }),
    };
    for a in articles {
        for url in std::iter::once(&a.url).chain(&a.sources) {
            add(url, format!("article {}", a.slug));
        }
    }
    for (i, tip) in tips.iter().enumerate() {
        if let Some(url) = &tip.url {
            add(url, format!("tip #{}", i + 1));
        }
    }
    out
}

/// Requests every target in turn and returns the ones that failed, in order.
///
/// A HEAD request is tried first; a server that does not allow HEAD (405 or 501) gets a GET
/// whose body is never read. Redirects are followed.
///
/// # Errors
/// Only if the HTTP client cannot be built.
pub async fn check(targets: &[Target], options: Options) -> anyhow::Result<Vec<Failure>> {
    let client = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(options.timeout)
        .build()?;
    let mut failures = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(options.delay).await;
        }
        if let Err(problem) = check_one(&client, &target.url, options.timeout).await {
            failures.push(Failure {
                target: target.clone(),
                problem,
            });
        }
    }
    Ok(failures)
}

/// Whether `url` answers with success; otherwise what went wrong.
async fn check_one(client: &reqwest::Client, url: &str, timeout: Duration) -> Result<(), String> {
    let describe = |err: reqwest::Error| {
        if err.is_timeout() {
            format!("timed out after {}s", timeout.as_secs_f32())
        } else {
            // The chain carries the useful part ("connection refused", "dns error").
            let mut text = err.to_string();
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    };
    let mut status = client.head(url).send().await.map_err(describe)?.status();
    if matches!(status.as_u16(), 405 | 501) {
        status = client.get(url).send().await.map_err(describe)?.status();
    }
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", status.as_u16()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;

    #[test]
    fn each_url_is_checked_once_and_names_everything_that_uses_it() {
        let mut a = article("gout", "Gout", &[], "Body.");
        a.url = "https://www.nhs.uk/gout/".into();
        a.sources = vec![
            "https://www.nhs.uk/gout/".into(),
            "https://cdc.gov/g".into(),
        ];
        let mut b = article("bunions", "Bunions", &[], "Body.");
        b.url = "https://cdc.gov/g".into();
        let tips = [
            Tip {
                text: "No link.".into(),
                url: None,
                tags: vec![],
            },
            Tip {
                text: "Gout tip.".into(),
                url: Some("https://www.nhs.uk/gout/".into()),
                tags: vec![],
            },
        ];
        let t = targets(&[a, b], &tips);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].used_by, ["article gout", "tip #2"]);
        assert_eq!(t[1].used_by, ["article gout", "article bunions"]);
    }
}
