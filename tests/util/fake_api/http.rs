//! The HTTP face of the fake: routing, request decoding (JSON, and
//! urlencoded and multipart through axum's extractors), error answers and
//! long polling.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, State as AxumState};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, RequestExt};
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

/// Parsed request parameters plus the files uploaded with them.
pub(super) struct Request {
    pub(super) params: Map<String, Value>,
    pub(super) uploads: HashMap<String, SentFile>,
}

/// `/bot<token>/<method>`: a Bot API call. axum decodes the path.
pub(super) async fn api(
    AxumState(shared): AxumState<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    request: axum::extract::Request,
) -> Response {
    let route = path.ok().and_then(|Path((bot, method))| {
        let token = bot.strip_prefix("bot")?.to_owned();
        Some(Route::Api { token, method })
    });
    serve(&shared, route.unwrap_or(Route::Unknown), request).await
}

/// `/file/bot<token>/<path>`: a file download.
pub(super) async fn file(
    AxumState(shared): AxumState<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    request: axum::extract::Request,
) -> Response {
    let route = path.ok().and_then(|Path((bot, path))| {
        let token = bot.strip_prefix("bot")?.to_owned();
        Some(Route::File { token, path })
    });
    serve(&shared, route.unwrap_or(Route::Unknown), request).await
}

/// Anything else: recorded, then answered 404 like Telegram.
pub(super) async fn unknown(
    AxumState(shared): AxumState<Arc<Shared>>,
    request: axum::extract::Request,
) -> Response {
    serve(&shared, Route::Unknown, request).await
}

async fn serve(shared: &Shared, route: Route, request: axum::extract::Request) -> Response {
    let at = Instant::now();
    let request = parse_request(request).await;
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
async fn parse_request(request: axum::extract::Request) -> Result<Request, ApiError> {
    let mut params = Map::new();
    let mut uploads = HashMap::new();
    let Query(query) = Query::<Vec<(String, String)>>::try_from_uri(request.uri())
        .map_err(|e| ApiError::bad_request(e.body_text()))?;
    params.extend(query.into_iter().map(|(k, v)| (k, Value::String(v))));
    let media_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media_type == "multipart/form-data" {
        let mut multipart = request
            .extract::<Multipart, _>()
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?
        {
            let name = field
                .name()
                .ok_or_else(|| ApiError::bad_request("multipart part without a name"))?
                .to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| ApiError::bad_request(e.body_text()))?;
            match file_name {
                Some(file_name) => {
                    let bytes = bytes.to_vec();
                    uploads.insert(name, SentFile { file_name, bytes });
                }
                None => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    params.insert(name, Value::String(text));
                }
            }
        }
    } else if media_type == "application/x-www-form-urlencoded" {
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        params.extend(fields.into_iter().map(|(k, v)| (k, Value::String(v))));
    } else {
        let body = request
            .extract::<Bytes, _>()
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        if !body.iter().all(u8::is_ascii_whitespace) {
            match serde_json::from_slice(&body) {
                Ok(Value::Object(fields)) => params.extend(fields),
                _ => {
                    return Err(ApiError::bad_request(
                        "can't parse JSON object in request body",
                    ));
                }
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
