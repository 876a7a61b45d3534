//! A fake Telegram Bot API server for end-to-end tests of the real bot.
//!
//! [`FakeBotApi`] owns a loopback HTTP server that speaks the Bot API wire
//! format (`/bot<token>/<method>` and `/file/bot<token>/<path>`), the fake
//! world behind it (chats, messages, queued updates, uploaded files, bot
//! commands) and everything tests inspect afterwards: every call, every
//! message the bot managed to send and every request Telegram would have
//! rejected. It validates requests as strictly as Telegram does (HTML parse
//! mode, length limits, inline keyboards, inline-query answers) and can inject
//! failures: blocked chats, 429 flood waits, a global rate limit and outages.
//!
//! Point the bot at it with `TELOXIDE_API_URL=<FakeBotApi::url()>`, push
//! updates with the `push_*` methods, then assert on [`FakeBotApi::sent_messages`]
//! and that [`FakeBotApi::rejections`] stayed empty.

#![allow(dead_code, reason = "each test uses a different subset of the fake")]

mod html;
mod http;
mod validate;
mod world;

pub use html::validate_html;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use serde_json::{Value, json};
use tokio::sync::{oneshot, watch};

use world::{StoredFile, StoredMessage, World, bot_user, private_chat, test_user};

/// Username reported by `getMe` and used in group mentions.
pub const BOT_USERNAME: &str = "healthbot_test_bot";
/// User id reported by `getMe`.
pub const BOT_ID: i64 = 4242;

/// A message (or edit) the bot successfully sent.
#[derive(Clone, Debug, PartialEq)]
pub struct SentMessage {
    /// `sendMessage`, `editMessageText`, `editMessageReplyMarkup`,
    /// `sendDocument` or `sendPhoto`.
    pub method: String,
    /// `0` for edits of inline-mode messages, which have no chat.
    pub chat_id: i64,
    pub message_id: i32,
    /// Text or caption exactly as sent, markup included.
    pub text: String,
    /// What the user sees: markup removed, entities decoded, trimmed.
    pub visible_text: String,
    pub parse_mode: Option<String>,
    pub reply_markup: Option<Value>,
    /// The uploaded file of `sendDocument` / `sendPhoto`.
    pub file: Option<SentFile>,
}

/// A file uploaded with multipart/form-data.
#[derive(Clone, Debug, PartialEq)]
pub struct SentFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One HTTP request the server answered.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    pub params: Value,
    /// HTTP status returned.
    pub status: u16,
    /// When the request arrived; [`FakeBotApi::calls`] lists calls in the
    /// order they were answered.
    pub at: Instant,
    /// `retry_after` of a 429 answer.
    pub retry_after: Option<u64>,
}

/// A request refused with 400/401/404: something real Telegram would refuse.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub method: String,
    pub params: Value,
    /// The `description` sent back, e.g. "Bad Request: message is too long".
    pub reason: String,
}

/// Handle to a running fake server. Clones share the server; dropping the
/// last clone (or calling [`FakeBotApi::shutdown`]) stops it.
#[derive(Clone)]
pub struct FakeBotApi {
    shared: Arc<Shared>,
    server: Arc<ServerHandle>,
}

impl fmt::Debug for FakeBotApi {
    // Hand-written so the token can never end up in test output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeBotApi")
            .field("addr", &self.server.addr)
            .finish_non_exhaustive()
    }
}

struct ServerHandle {
    addr: SocketAddr,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    shared: Arc<Shared>,
}

impl ServerHandle {
    fn stop(&self) {
        self.shared.state().closed = true;
        self.shared.bump();
        if let Some(stop) = lock(&self.stop).take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// State shared between the handle and the server task.
struct Shared {
    token: String,
    state: Mutex<World>,
    /// Bumped on every change so long polls and `wait_for_*` wake up.
    changes: watch::Sender<u64>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, World> {
        lock(&self.state)
    }

    fn bump(&self) {
        self.changes.send_modify(|v| *v = v.wrapping_add(1));
    }
}

/// A poisoned lock only means another test thread panicked; the data is
/// still consistent enough to report on.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeBotApi {
    /// Binds `127.0.0.1:0` and serves the Bot API for `token`.
    ///
    /// The server runs on its own thread and runtime, so it keeps answering
    /// while a test blocks (say, on a child process) or pauses tokio time.
    pub async fn start(token: &str) -> FakeBotApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind a loopback port for the fake Bot API");
        let addr = listener.local_addr().expect("local address of listener");
        listener
            .set_nonblocking(true)
            .expect("make the listener non-blocking for tokio");
        let shared = Arc::new(Shared {
            token: token.to_owned(),
            state: Mutex::new(World::default()),
            changes: watch::channel(0).0,
        });
        let app = axum::Router::new()
            .route("/{bot}/{method}", axum::routing::any(http::api))
            .route("/file/{bot}/{*path}", axum::routing::any(http::file))
            .fallback(http::unknown)
            .with_state(Arc::clone(&shared))
            // Telegram accepts uploads of up to 50 MB.
            .layer(DefaultBodyLimit::disable());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("fake-bot-api".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime for the fake Bot API");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("register the listener with tokio");
                    // A dropped sender (handle dropped) also stops the server.
                    let stopped = async move {
                        let _ = stop_rx.await;
                    };
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(stopped)
                        .await;
                });
                // Dropping the runtime here cuts any connection still open.
            })
            .expect("spawn the fake Bot API thread");
        let server = Arc::new(ServerHandle {
            addr,
            stop: Mutex::new(Some(stop_tx)),
            shared: Arc::clone(&shared),
        });
        FakeBotApi { shared, server }
    }

    /// Base URL for `TELOXIDE_API_URL`, e.g. `http://127.0.0.1:40000/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.server.addr)
    }

    /// Stops accepting connections and ends pending long polls.
    pub fn shutdown(&self) {
        self.server.stop();
    }

    // ----- failure injection -------------------------------------------------

    /// Every call aimed at `chat_id` now fails with 403 "Forbidden: bot was
    /// blocked by the user" ("...kicked from the supergroup chat" for
    /// negative ids).
    pub fn block_chat(&self, chat_id: i64) {
        self.shared.state().blocked.insert(chat_id);
    }

    pub fn unblock_chat(&self, chat_id: i64) {
        self.shared.state().blocked.remove(&chat_id);
    }

    /// The next `n` send-like calls get 429 with `retry_after` seconds.
    pub fn fail_next_with_429(&self, n: usize, retry_after: u64) {
        self.shared.state().injected_429 = (n, retry_after);
    }

    /// Limits send-like calls to `per_second` in any sliding second; excess
    /// calls get 429 with `retry_after` 1. `None` lifts the limit.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.shared.state().rate_limit = per_second;
    }

    /// While down, every request gets a plain-text 502, as during an outage
    /// of Telegram's front end.
    pub fn set_down(&self, down: bool) {
        self.shared.state().down = down;
        self.shared.bump();
    }

    /// Requests answered with 502 because of [`FakeBotApi::set_down`].
    pub fn requests_while_down(&self) -> usize {
        self.shared.state().requests_while_down
    }

    // ----- inspection --------------------------------------------------------

    /// Every accepted send and edit, in order.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.shared.state().sent.clone()
    }

    /// Every request, whatever its outcome.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.state().calls.clone()
    }

    /// Requests real Telegram would refuse; a correct bot leaves this empty.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.shared.state().rejections.clone()
    }

    /// Updates pushed but not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self) -> usize {
        self.shared.state().updates.len()
    }

    /// Forgets recorded calls, messages and rejections (not the world).
    pub fn clear_records(&self) {
        let mut world = self.shared.state();
        world.calls.clear();
        world.sent.clear();
        world.rejections.clear();
    }

    /// Describes every retry of a 429-refused call that came sooner than the
    /// `retry_after` it was told. Empty means the bot honoured every flood
    /// wait.
    pub fn retry_violations(&self) -> Vec<String> {
        let calls = self.calls();
        let mut violations = Vec::new();
        for refused in &calls {
            let Some(wait) = refused.retry_after else {
                continue;
            };
            let retry = calls
                .iter()
                .filter(|c| c.at > refused.at && c.method == refused.method)
                .filter(|c| c.params == refused.params)
                .min_by_key(|c| c.at);
            if let Some(retry) = retry {
                let gap = retry.at.duration_since(refused.at);
                if gap < Duration::from_secs(wait) {
                    violations.push(format!(
                        "{} retried after {gap:?}, but retry_after was {wait}s",
                        refused.method
                    ));
                }
            }
        }
        violations
    }

    /// Waits until at least `n` entries of [`FakeBotApi::sent_messages`]
    /// (sends and edits) concern `chat_id`, or `timeout` passes; returns
    /// them either way.
    pub async fn wait_for_messages(
        &self,
        chat_id: i64,
        n: usize,
        timeout: Duration,
    ) -> Vec<SentMessage> {
        let to_chat = |world: &World| -> Vec<SentMessage> {
            world
                .sent
                .iter()
                .filter(|m| m.chat_id == chat_id)
                .cloned()
                .collect()
        };
        self.wait_until(timeout, |world| {
            Some(to_chat(world)).filter(|m| m.len() >= n)
        })
        .await
        .unwrap_or_else(|| to_chat(&self.shared.state()))
    }

    /// Waits for the first call of `method` (any outcome). Calls are
    /// recorded when answered, so a long poll shows up once it returns.
    pub async fn wait_for_call(&self, method: &str, timeout: Duration) -> Option<Call> {
        self.wait_until(timeout, |world| {
            world.calls.iter().find(|c| c.method == method).cloned()
        })
        .await
    }

    async fn wait_until<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&World) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Subscribe before checking so a change in between is not missed.
        let mut changes = self.shared.changes.subscribe();
        loop {
            if let Some(found) = check(&self.shared.state()) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => return check(&self.shared.state()),
            }
        }
    }

    // ----- files ------------------------------------------------------------

    /// Registers a file for `getFile` and `/file/bot<token>/<path>`.
    pub fn add_file(&self, file_id: &str, path: &str, bytes: &[u8]) {
        self.shared.state().files.insert(
            file_id.to_owned(),
            StoredFile {
                path: path.to_owned(),
                bytes: bytes.to_vec(),
            },
        );
    }

    // ----- update injection --------------------------------------------------

    /// A private-chat text message from `user_id` (chat id = user id).
    pub fn push_private_text(&self, user_id: i64, text: &str) -> i64 {
        self.push_message(private_chat(user_id), user_id, |message, _| {
            set_text(message, text);
        })
    }

    /// A supergroup text message, optionally replying to a bot message.
    pub fn push_group_text(
        &self,
        chat_id: i64,
        user_id: i64,
        text: &str,
        reply_to_bot: Option<i32>,
    ) -> i64 {
        let chat = json!({"id": chat_id, "type": "supergroup", "title": "Healthbot test group"});
        self.push_message(chat, user_id, |message, world| {
            set_text(message, text);
            if let Some(reply_id) = reply_to_bot {
                let original = world
                    .embedded_message(chat_id, reply_id)
                    .unwrap_or_else(|| {
                        // Unknown to the fake: stand in a plausible bot message.
                        let mut stub = world.message_skeleton(chat_id, reply_id, bot_user());
                        stub["text"] = json!("…");
                        stub
                    });
                message["reply_to_message"] = original;
            }
        })
    }

    /// A callback-button press on the bot message `message_id`; returns the
    /// update id and the callback query id.
    pub fn push_callback(
        &self,
        user_id: i64,
        chat_id: i64,
        message_id: i32,
        data: &str,
    ) -> (i64, String) {
        let mut world = self.shared.state();
        world.next_query_id += 1;
        let query_id = format!("cbq-{}", world.next_query_id);
        world.open_callbacks.insert(query_id.clone());
        // Telegram sends a date-0 "inaccessible message" when it cannot
        // show the original; do the same for ids the fake never saw.
        let message = world.embedded_message(chat_id, message_id).unwrap_or_else(
            || json!({"message_id": message_id, "chat": world.chat(chat_id), "date": 0}),
        );
        let query = json!({
            "id": query_id,
            "from": test_user(user_id),
            "message": message,
            "chat_instance": format!("ci{chat_id}"),
            "data": data,
        });
        let update_id = world.push_update("callback_query", query);
        drop(world);
        self.shared.bump();
        (update_id, query_id)
    }

    /// An inline query; returns the update id and the inline query id.
    pub fn push_inline_query(&self, user_id: i64, query: &str) -> (i64, String) {
        let mut world = self.shared.state();
        world.next_query_id += 1;
        let query_id = format!("iq-{}", world.next_query_id);
        world.open_inline_queries.insert(query_id.clone());
        let inline_query = json!({
            "id": query_id,
            "from": test_user(user_id),
            "query": query,
            "offset": "",
            "chat_type": "sender",
        });
        let update_id = world.push_update("inline_query", inline_query);
        drop(world);
        self.shared.bump();
        (update_id, query_id)
    }

    /// A private-chat sticker (no text).
    pub fn push_sticker(&self, user_id: i64) -> i64 {
        self.push_message(private_chat(user_id), user_id, |message, _| {
            message["sticker"] = json!({
                "file_id": "sticker-file", "file_unique_id": "sticker-unique",
                "type": "regular", "width": 512, "height": 512,
                "is_animated": false, "is_video": false, "emoji": "👍", "file_size": 2048,
            });
        })
    }

    /// A private-chat photo in two sizes, without caption.
    pub fn push_photo(&self, user_id: i64) -> i64 {
        self.push_message(private_chat(user_id), user_id, |message, _| {
            message["photo"] = json!([
                {"file_id": "photo-small", "file_unique_id": "photo-s", "width": 90, "height": 90, "file_size": 1200},
                {"file_id": "photo-large", "file_unique_id": "photo-l", "width": 800, "height": 800, "file_size": 64000},
            ]);
        })
    }

    /// A private-chat document; its size comes from [`FakeBotApi::add_file`]
    /// when `file_id` was registered there.
    pub fn push_document(
        &self,
        user_id: i64,
        file_id: &str,
        file_name: &str,
        caption: Option<&str>,
    ) -> i64 {
        self.push_message(private_chat(user_id), user_id, |message, world| {
            let size = world.files.get(file_id).map_or(1024, |f| f.bytes.len());
            message["document"] = json!({
                "file_id": file_id,
                "file_unique_id": format!("u-{file_id}"),
                "file_name": file_name,
                "file_size": size,
            });
            if let Some(caption) = caption {
                message["caption"] = json!(caption);
            }
        })
    }

    /// Queues `update` as is, except that `update_id` is (re)assigned so
    /// the queue stays ordered.
    pub fn push_raw(&self, mut update: Value) -> i64 {
        let mut world = self.shared.state();
        let update_id = world.next_update_id();
        update["update_id"] = json!(update_id);
        world.updates.push_back((update_id, update));
        drop(world);
        self.shared.bump();
        update_id
    }

    fn push_message(
        &self,
        chat: Value,
        user_id: i64,
        fill: impl FnOnce(&mut Value, &World),
    ) -> i64 {
        let chat_id = chat["id"].as_i64().unwrap_or(user_id);
        let mut world = self.shared.state();
        world.chats.insert(chat_id, chat);
        let message_id = world.next_message_id(chat_id);
        let mut message = world.message_skeleton(chat_id, message_id, test_user(user_id));
        fill(&mut message, &world);
        world.messages.insert(
            (chat_id, message_id),
            StoredMessage {
                json: message.clone(),
                from_bot: false,
                source: None,
                reply_markup: None,
            },
        );
        let update_id = world.push_update("message", message);
        drop(world);
        self.shared.bump();
        update_id
    }
}

fn set_text(message: &mut Value, text: &str) {
    message["text"] = json!(text);
    let entities = text_entities(text);
    if !entities.is_empty() {
        message["entities"] = Value::Array(entities);
    }
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The entities Telegram attaches to an incoming text: a leading
/// `/command[@bot]` and `@username` mentions. Offsets are UTF-16 units.
fn text_entities(text: &str) -> Vec<Value> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut entities = Vec::new();
    let mut command_end = 0;
    if let Some(rest) = text.strip_prefix('/') {
        let name_len = rest.find(|c| !word(c)).unwrap_or(rest.len());
        if name_len > 0 {
            let mut end = 1 + name_len;
            if let Some(bot) = text[end..].strip_prefix('@') {
                let bot_len = bot.find(|c| !word(c)).unwrap_or(bot.len());
                if (5..=32).contains(&bot_len) {
                    end += 1 + bot_len;
                }
            }
            entities.push(
                json!({"type": "bot_command", "offset": 0, "length": utf16_len(&text[..end])}),
            );
            command_end = end;
        }
    }
    let mut search = command_end;
    while let Some(pos) = text[search..].find('@').map(|p| p + search) {
        let name = &text[pos + 1..];
        let len = name.find(|c| !word(c)).unwrap_or(name.len());
        let starts_word = text[..pos].chars().next_back().is_none_or(|c| !word(c));
        if starts_word && (5..=32).contains(&len) {
            entities.push(json!({
                "type": "mention",
                "offset": utf16_len(&text[..pos]),
                "length": 1 + utf16_len(&name[..len]),
            }));
        }
        search = pos + 1 + len;
    }
    entities
}
