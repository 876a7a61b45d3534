//! The HTTP face of the fake: routing, request decoding (JSON,
//! urlencoded, multipart), error answers and long polling.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::validate::{int_param, json_param};
use super::world::METHODS;
use super::{Call, SentFile, Shared};

/// Telegram caps long polling at 50 s; the cap also bounds a test's wait.
const MAX_POLL_TIMEOUT: i64 = 50;

/// Fields that carry JSON objects; multipart and urlencoded requests send
/// them as JSON strings.
const JSON_FIELDS: &[&str] = &[
    "reply_markup",
    "reply_parameters",
    "entities",
    "caption_entities",
    "link_preview_options",
    "results",
    "button",
    "commands",
    "scope",
    "allowed_updates",
    "menu_button",
];

/// A Bot API error answer.
#[derive(Debug)]
pub(super) struct ApiError {
    pub(super) code: u16,
    pub(super) description: String,
    pub(super) retry_after: Option<u64>,
}

impl ApiError {
    pub(super) fn new(code: u16, description: impl Into<String>) -> Self {
        ApiError {
            code,
            description: description.into(),
            retry_after: None,
        }
    }

    pub(super) fn bad_request(reason: impl fmt::Display) -> Self {
        Self::new(400, format!("Bad Request: {reason}"))
    }

    pub(super) fn too_many_requests(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(429, format!("Too Many Requests: retry after {retry_after}"))
        }
    }

    pub(super) fn not_found() -> Self {
        Self::new(404, "Not Found")
    }

    pub(super) fn unauthorized() -> Self {
        Self::new(401, "Unauthorized")
    }

    /// Only these mean "the bot sent something Telegram refuses"; 403 and
    /// 429 are injected and 409 comes from superseded polls.
    pub(super) fn is_rejection(&self) -> bool {
        matches!(self.code, 400 | 401 | 404)
    }
}

pub(super) type ApiResult = Result<Value, ApiError>;

enum Reply {
    Api(ApiResult),
    File(Vec<u8>),
    BadGateway,
}

impl Reply {
    fn status(&self) -> u16 {
        match self {
            Reply::Api(Ok(_)) | Reply::File(_) => 200,
            Reply::Api(Err(e)) => e.code,
            Reply::BadGateway => 502,
        }
    }

    fn into_response(self) -> Response {
        match self {
            Reply::Api(Ok(result)) => {
                axum::Json(json!({"ok": true, "result": result})).into_response()
            }
            Reply::Api(Err(e)) => {
                let mut body =
                    json!({"ok": false, "error_code": e.code, "description": e.description});
                if let Some(retry_after) = e.retry_after {
                    body["parameters"] = json!({"retry_after": retry_after});
                }
                let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
                (status, axum::Json(body)).into_response()
            }
            Reply::File(bytes) => bytes.into_response(),
            Reply::BadGateway => (StatusCode::BAD_GATEWAY, "Bad Gateway").into_response(),
        }
    }
}

enum Route {
    Api { token: String, method: String },
    File { token: String, path: String },
    Unknown,
}

impl Route {
    fn parse(path: &str) -> Route {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        match segments.as_slice() {
            [bot, method] => match bot.strip_prefix("bot") {
                Some(token) => Route::Api {
                    token: token.to_owned(),
                    method: method.clone(),
                },
                None => Route::Unknown,
            },
            [file, bot, rest @ ..] if file == "file" && !rest.is_empty() => {
                match bot.strip_prefix("bot") {
                    Some(token) => Route::File {
                        token: token.to_owned(),
                        path: rest.join("/"),
                    },
                    None => Route::Unknown,
                }
            }
            _ => Route::Unknown,
        }
    }
}

/// Parsed request parameters plus the files uploaded with them.
pub(super) struct Request {
    pub(super) params: Map<String, Value>,
    pub(super) uploads: HashMap<String, SentFile>,
}

pub(super) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let route = Route::parse(uri.path());
    let request = parse_request(&headers, uri.query(), &body);
    // Never record the raw path: it contains the token.
    let (method, params) = match &route {
        Route::Api { method, .. } => {
            let name = canonical_method(method).unwrap_or(method).to_owned();
            let params = request
                .as_ref()
                .map_or(Value::Null, |r| Value::Object(r.params.clone()));
            (name, params)
        }
        Route::File { path, .. } => ("file".to_owned(), json!({"file_path": path})),
        Route::Unknown => ("<unknown route>".to_owned(), Value::Null),
    };
    let reply = shared.respond(route, request).await;
    let rejection = match &reply {
        Reply::Api(Err(e)) if e.is_rejection() => Some(e.description.clone()),
        _ => None,
    };
    let retry_after = match &reply {
        Reply::Api(Err(e)) => e.retry_after,
        _ => None,
    };
    let call = Call {
        method,
        params,
        status: reply.status(),
        at,
        retry_after,
    };
    shared.state().record(call, rejection);
    shared.bump();
    reply.into_response()
}

fn canonical_method(name: &str) -> Option<&'static str> {
    METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(name))
}

impl Shared {
    async fn respond(&self, route: Route, request: Result<Request, ApiError>) -> Reply {
        {
            let mut world = self.state();
            if world.down {
                world.requests_while_down += 1;
                return Reply::BadGateway;
            }
        }
        match route {
            Route::Unknown => Reply::Api(Err(ApiError::not_found())),
            Route::File { token, .. } if token != self.token => {
                Reply::Api(Err(ApiError::unauthorized()))
            }
            Route::File { path, .. } => {
                let world = self.state();
                match world.files.values().find(|f| f.path == path) {
                    Some(file) => Reply::File(file.bytes.clone()),
                    None => Reply::Api(Err(ApiError::not_found())),
                }
            }
            Route::Api { token, .. } if token != self.token => {
                Reply::Api(Err(ApiError::unauthorized()))
            }
            Route::Api { method, .. } => {
                let Some(method) = canonical_method(&method) else {
                    return Reply::Api(Err(ApiError::not_found()));
                };
                let request = match request {
                    Ok(request) => request,
                    Err(e) => return Reply::Api(Err(e)),
                };
                if method == "getUpdates" {
                    self.get_updates(&request.params).await
                } else {
                    Reply::Api(self.state().dispatch(method, &request))
                }
            }
        }
    }

    /// Long polling: answers as soon as updates are pending, or after
    /// `timeout` seconds with an empty list. An outage starting mid-poll
    /// fails the poll, so no update slips through while "down".
    async fn get_updates(&self, p: &Map<String, Value>) -> Reply {
        match self.poll_updates(p).await {
            Some(result) => Reply::Api(result),
            None => Reply::BadGateway,
        }
    }

    /// `None` means the fake went down while the poll waited.
    async fn poll_updates(&self, p: &Map<String, Value>) -> Option<ApiResult> {
        let (generation, limit, timeout) = match self.start_poll(p) {
            Ok(started) => started,
            Err(e) => return Some(Err(e)),
        };
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.changes.subscribe();
        loop {
            {
                let mut world = self.state();
                if world.down {
                    world.requests_while_down += 1;
                    return None;
                }
                if world.poll_generation != generation {
                    return Some(Err(ApiError::new(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                    )));
                }
                let batch = world.take_updates(limit);
                if !batch.is_empty() || world.closed || tokio::time::Instant::now() >= deadline {
                    return Some(Ok(Value::Array(batch)));
                }
            }
            // A timeout just loops once more and returns the empty batch.
            let _ = tokio::time::timeout_at(deadline, changes.changed()).await;
        }
    }

    /// Applies `offset` and `allowed_updates` and registers a new poll;
    /// returns its generation, `limit` and `timeout`.
    fn start_poll(&self, p: &Map<String, Value>) -> Result<(u64, usize, Duration), ApiError> {
        let offset = int_param(p, "offset")?.unwrap_or(0);
        let limit = int_param(p, "limit")?.unwrap_or(100).clamp(1, 100);
        let timeout = int_param(p, "timeout")?
            .unwrap_or(0)
            .clamp(0, MAX_POLL_TIMEOUT);
        let allowed = json_param(p, "allowed_updates")?.and_then(|v| v.as_array().cloned());

        let mut world = self.state();
        if world.webhook_url.is_some() {
            return Err(ApiError::new(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        if let Some(allowed) = allowed {
            // Like Telegram, the filter sticks until the next poll changes it.
            let kinds = allowed.iter().filter_map(Value::as_str).map(str::to_owned);
            world.allowed_updates = Some(kinds.collect());
        }
        world.confirm_updates(offset);
        world.poll_generation += 1;
        let generation = world.poll_generation;
        drop(world);
        // Wakes an older poll so it can notice it was superseded.
        self.bump();
        Ok((
            generation,
            usize::try_from(limit).unwrap_or(100),
            Duration::from_secs(timeout.unsigned_abs()),
        ))
    }
}

// ----- request bodies -----------------------------------------------------------

/// Reads query string and body (JSON, urlencoded or multipart) into one
/// parameter object. File parts are replaced by a summary object
/// `{"attach", "file_name", "size"}` and kept aside with their bytes.
fn parse_request(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Request, ApiError> {
    let mut params = Map::new();
    let mut uploads = HashMap::new();
    if let Some(query) = query {
        params.extend(parse_urlencoded(query));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media_type == "multipart/form-data" {
        // The boundary is case-sensitive, so it comes from the raw header.
        let boundary = content_type
            .split(';')
            .find_map(|item| {
                let (key, value) = item.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("boundary")
                    .then(|| value.trim().trim_matches('"'))
            })
            .ok_or_else(|| ApiError::bad_request("multipart boundary is missing"))?;
        for part in parse_multipart(body, boundary).map_err(ApiError::bad_request)? {
            match part.file_name {
                Some(file_name) => {
                    uploads.insert(
                        part.name,
                        SentFile {
                            file_name,
                            bytes: part.body,
                        },
                    );
                }
                None => {
                    let text = String::from_utf8_lossy(&part.body).into_owned();
                    params.insert(part.name, Value::String(text));
                }
            }
        }
    } else if media_type == "application/x-www-form-urlencoded" {
        params.extend(parse_urlencoded(&String::from_utf8_lossy(body)));
    } else if !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice(body) {
            Ok(Value::Object(fields)) => params.extend(fields),
            _ => {
                return Err(ApiError::bad_request(
                    "can't parse JSON object in request body",
                ));
            }
        }
    }
    for key in JSON_FIELDS {
        if let Some(Value::String(raw)) = params.get(*key)
            && let Ok(parsed) = serde_json::from_str::<Value>(raw)
            && (parsed.is_object() || parsed.is_array())
        {
            params.insert((*key).to_owned(), parsed);
        }
    }
    let summary = |name: &str, file: &SentFile| json!({"attach": name, "file_name": file.file_name, "size": file.bytes.len()});
    for value in params.values_mut() {
        if let Some(name) = value.as_str().and_then(|s| s.strip_prefix("attach://"))
            && let Some(file) = uploads.get(name)
        {
            *value = summary(name, file);
        }
    }
    for (name, file) in &uploads {
        if !params.values().any(|v| v["attach"] == name.as_str()) {
            params.insert(name.clone(), summary(name, file));
        }
    }
    Ok(Request { params, uploads })
}

fn parse_urlencoded(input: &str) -> Vec<(String, Value)> {
    input
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            (decode(key), Value::String(decode(value)))
        })
        .collect()
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct Part {
    name: String,
    file_name: Option<String>,
    body: Vec<u8>,
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut pos =
        find(body, &delimiter, 0).ok_or("multipart body has no boundary")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        let start = find(body, b"\r\n", pos).ok_or("truncated multipart body")? + 2;
        let end = find(body, &next_delimiter, start).ok_or("unterminated multipart part")?;
        let part = &body[start..end];
        let split = find(part, b"\r\n\r\n", 0).ok_or("multipart part without headers")?;
        let headers = String::from_utf8_lossy(&part[..split]);
        let disposition = headers
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then_some(value)
            })
            .ok_or("multipart part without Content-Disposition")?;
        let attribute = |key: &str| {
            disposition.split(';').find_map(|item| {
                let (k, v) = item.trim().split_once('=')?;
                (k.trim() == key).then(|| percent_decode(v.trim().trim_matches('"')))
            })
        };
        parts.push(Part {
            name: attribute("name").ok_or("multipart part without a name")?,
            file_name: attribute("filename"),
            body: part[split + 4..].to_vec(),
        });
        pos = end + next_delimiter.len();
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}
