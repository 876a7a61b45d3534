//! Shared test helpers: paths, running the compiled binary, and the fake Bot API.

#![allow(
    dead_code,
    reason = "each test module uses a different subset of the helpers"
)]

pub mod fake_api;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The bundled content folder.
pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The bundled sentence-encoder model.
pub fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
}

/// One vector cache for every test, so only the first embedding of the library is cold.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("vector-cache")
}

/// Embeds the bundled library into [`cache_dir`] once per test run, before any test needs
/// it: without this, every bot the tests start at once would embed the whole library at the
/// same time on the same two cores.
pub fn warm_vector_cache() {
    static WARM: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    WARM.get_or_init(|| {
        let (_dir, data) = scratch();
        let out = bare_command(&data)
            .args(["ask", "--json", "warming up the vector cache"])
            .output()
            .expect("run healthbot");
        assert!(out.status.success(), "warm-up failed: {}", stderr(&out));
    });
}

/// A `healthbot` command with a clean environment: the bundled content and model, the shared
/// vector cache, the given data dir, and a working directory without any `.env`.
pub fn healthbot(data_dir: &Path) -> Command {
    warm_vector_cache();
    bare_command(data_dir)
}

fn bare_command(data_dir: &Path) -> Command {
    // `cargo bench --bench latency` can measure another build (an earlier commit's) this way.
    let bin = std::env::var_os("HEALTHBOT_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_healthbot").into());
    let mut cmd = Command::new(bin);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CONTENT_DIR", content_dir())
        .env("MODEL_DIR", model_dir())
        .env("CACHE_DIR", cache_dir())
        .env("DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .current_dir(data_dir.parent().unwrap_or(data_dir))
        .stdin(Stdio::null());
    cmd
}

/// Runs `healthbot ask --json QUESTION` and parses its one line of output.
pub fn ask_json(data_dir: &Path, question: &str) -> serde_json::Value {
    let out = healthbot(data_dir)
        .args(["ask", "--json", question])
        .output()
        .expect("run healthbot");
    assert!(out.status.success(), "ask failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("ask --json prints one JSON object")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh temporary folder with a `data` path inside it that does not exist yet.
pub fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    (dir, data)
}

/// Starts a fake Bot API and the real bot against it.
pub async fn bot_with_fake_api() -> (fake_api::FakeBotApi, BotProcess) {
    let api = fake_api::FakeBotApi::start(TEST_TOKEN).await;
    let bot = BotProcess::start(&api.url());
    (api, bot)
}

/// Fails the test if the fake Bot API refused any call, as Telegram would have.
pub fn assert_nothing_rejected(api: &fake_api::FakeBotApi) {
    let rejected = api.rejections();
    assert!(
        rejected.is_empty(),
        "the fake Bot API rejected calls: {rejected:#?}"
    );
}

/// Token the fake Bot API accepts. Tests assert it never reaches a log line.
pub const TEST_TOKEN: &str = "4242:TEST-secret-token-do-not-log";

/// Test-only settings every bot starts with, unless a test overrides them (an empty value
/// restores the default): retries after a network failure start at 50 ms instead of 1 s, so
/// an outage test waits for the outage rather than for backoff, and every chat may get 50
/// messages a second, so tests that talk to one chat a lot are not paced like a real chat.
/// Telegram's global limit still applies.
pub const FAST_PACING: [(&str, &str); 2] = [
    ("HEALTHBOT_TEST_RETRY_BASE_MS", "50"),
    ("HEALTHBOT_TEST_CHAT_RATE", "50"),
];

/// Restores Telegram's per-chat limits for a test that checks them.
pub const TELEGRAM_CHAT_LIMITS: (&str, &str) = ("HEALTHBOT_TEST_CHAT_RATE", "");

/// The real `healthbot` binary running as a bot against a fake Bot API. Killed on drop.
pub struct BotProcess {
    pub child: std::process::Child,
    pub data_dir: PathBuf,
    pub log_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl BotProcess {
    /// Starts `healthbot run` with a fresh DATA_DIR, pointed at `api_url`.
    pub fn start(api_url: &str) -> Self {
        Self::start_with(api_url, &[])
    }

    /// Starts `healthbot run` with extra environment variables.
    pub fn start_with(api_url: &str, env: &[(&str, &str)]) -> Self {
        let (dir, data_dir) = scratch();
        Self::spawn(api_url, dir, data_dir, env)
    }

    /// Starts `healthbot run` on an existing DATA_DIR (e.g. after killing another process on
    /// it), with extra environment variables. The caller keeps `data_dir` alive.
    pub fn start_in(api_url: &str, data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::spawn(api_url, dir, data_dir.to_owned(), env)
    }

    fn spawn(
        api_url: &str,
        dir: tempfile::TempDir,
        data_dir: PathBuf,
        env: &[(&str, &str)],
    ) -> Self {
        let log_path = dir.path().join("bot.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let child = healthbot(&data_dir)
            .arg("run")
            .env("TELOXIDE_TOKEN", TEST_TOKEN)
            .env("TELOXIDE_API_URL", api_url)
            .env("RUST_LOG", "debug")
            .envs(FAST_PACING)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start healthbot");
        Self {
            child,
            data_dir,
            log_path,
            _dir: dir,
        }
    }

    /// Everything the bot has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Sends SIGTERM and waits up to `limit` for the process to exit.
    pub fn terminate(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + limit;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
