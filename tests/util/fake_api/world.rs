//! The fake Telegram world: chats, messages, updates, files, and the
//! implementation of each Bot API method on top of them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::http::{ApiError, ApiResult, Request};
use super::validate::{
    TextKind, bool_param, chat_id_param, check_inline_result, check_text, int_param, json_param,
    message_id_param, parse_mode_param, reply_markup_param, str_param,
};
use super::{BOT_ID, BOT_USERNAME, Call, Rejection, SentFile, SentMessage};

const CALLBACK_ANSWER_LIMIT: usize = 200;
/// `getFile` refuses files above 20 MB.
const DOWNLOAD_LIMIT: usize = 20 * 1024 * 1024;
const QUERY_INVALID: &str = "query is too old and response timeout expired or query ID is invalid";

/// Every method the fake implements, spelled canonically. Telegram matches
/// method names case-insensitively.
pub(super) const METHODS: &[&str] = &[
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "answerInlineQuery",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
    "deleteMessage",
    "getFile",
    "setChatMenuButton",
    "close",
    "logOut",
];

/// Calls subject to injected 429s and the global rate limit.
const SEND_LIKE: &[&str] = &[
    "sendMessage",
    "editMessageText",
    "sendDocument",
    "sendPhoto",
    "answerInlineQuery",
];

/// Calls that act on `chat_id` and so fail once the chat blocked the bot.
const CHAT_METHODS: &[&str] = &[
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
    "deleteMessage",
];

const CHAT_ACTIONS: &[&str] = &[
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

/// Update kinds delivered when the bot never set `allowed_updates`.
const NOT_DEFAULT_UPDATES: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];

pub(super) fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "HealthBot", "username": BOT_USERNAME})
}

pub(super) fn test_user(user_id: i64) -> Value {
    json!({"id": user_id, "is_bot": false, "first_name": "Test", "language_code": "en"})
}

pub(super) fn private_chat(user_id: i64) -> Value {
    json!({"id": user_id, "type": "private", "first_name": "Test"})
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ----- the fake world ---------------------------------------------------------

#[derive(Default)]
pub(super) struct World {
    pub(super) closed: bool,
    pub(super) down: bool,
    pub(super) requests_while_down: usize,
    pub(super) blocked: HashSet<i64>,
    /// Remaining injected 429s and their `retry_after`.
    pub(super) injected_429: (usize, u64),
    pub(super) rate_limit: Option<u32>,
    pub(super) recent_sends: VecDeque<Instant>,

    pub(super) last_update_id: i64,
    pub(super) updates: VecDeque<(i64, Value)>,
    pub(super) allowed_updates: Option<Vec<String>>,
    /// Incremented by each `getUpdates`; an older poll that sees a newer
    /// generation was superseded, as with two bot instances.
    pub(super) poll_generation: u64,
    pub(super) webhook_url: Option<String>,

    pub(super) chats: HashMap<i64, Value>,
    pub(super) last_message_id: HashMap<i64, i32>,
    pub(super) messages: HashMap<(i64, i32), StoredMessage>,
    pub(super) next_query_id: u64,
    pub(super) open_callbacks: HashSet<String>,
    pub(super) open_inline_queries: HashSet<String>,
    pub(super) files: HashMap<String, StoredFile>,
    pub(super) next_file_id: u64,
    pub(super) commands: HashMap<String, Value>,

    pub(super) calls: Vec<Call>,
    pub(super) sent: Vec<SentMessage>,
    pub(super) rejections: Vec<Rejection>,
}

pub(super) struct StoredMessage {
    pub(super) json: Value,
    pub(super) from_bot: bool,
    /// Raw text and parse mode of a bot text message; `None` for media and
    /// user messages.
    pub(super) source: Option<(String, Option<String>)>,
    pub(super) reply_markup: Option<Value>,
}

pub(super) struct StoredFile {
    pub(super) path: String,
    pub(super) bytes: Vec<u8>,
}

impl World {
    pub(super) fn next_update_id(&mut self) -> i64 {
        // Real update ids are large and arbitrary; starting above 10 000
        // keeps tests from depending on small or zero-based ids.
        self.last_update_id = self.last_update_id.max(10_000) + 1;
        self.last_update_id
    }

    pub(super) fn push_update(&mut self, kind: &str, payload: Value) -> i64 {
        let update_id = self.next_update_id();
        let mut update = json!({"update_id": update_id});
        update[kind] = payload;
        self.updates.push_back((update_id, update));
        update_id
    }

    pub(super) fn next_message_id(&mut self, chat_id: i64) -> i32 {
        let id = self.last_message_id.entry(chat_id).or_insert(0);
        *id += 1;
        *id
    }

    /// The chat as the fake knows it; unknown positive ids are private
    /// chats, negative ones supergroups.
    pub(super) fn chat(&self, chat_id: i64) -> Value {
        self.chats.get(&chat_id).cloned().unwrap_or_else(|| {
            if chat_id > 0 {
                private_chat(chat_id)
            } else {
                json!({"id": chat_id, "type": "supergroup", "title": "Healthbot test group"})
            }
        })
    }

    pub(super) fn message_skeleton(&self, chat_id: i64, message_id: i32, from: Value) -> Value {
        json!({"message_id": message_id, "from": from, "chat": self.chat(chat_id), "date": unix_now()})
    }

    /// A stored message as embedded in another one; Telegram never nests
    /// `reply_to_message` twice.
    pub(super) fn embedded_message(&self, chat_id: i64, message_id: i32) -> Option<Value> {
        let mut json = self.messages.get(&(chat_id, message_id))?.json.clone();
        if let Some(fields) = json.as_object_mut() {
            fields.remove("reply_to_message");
        }
        Some(json)
    }

    fn store_bot_message(&mut self, chat_id: i64, message_id: i32, stored: StoredMessage) {
        self.messages.insert((chat_id, message_id), stored);
    }

    /// Keeps a file the bot sent so `getFile` can serve it; returns the
    /// file metadata Telegram puts into the message.
    fn register_file(&mut self, prefix: &str, bytes: Vec<u8>) -> Value {
        self.next_file_id += 1;
        let n = self.next_file_id;
        let file_id = format!("{prefix}-{n}");
        let meta = json!({
            "file_id": file_id,
            "file_unique_id": format!("u{prefix}{n}"),
            "file_size": bytes.len(),
        });
        let path = format!("{prefix}s/file_{n}");
        self.files.insert(file_id, StoredFile { path, bytes });
        meta
    }

    pub(super) fn record(&mut self, call: Call, reason: Option<String>) {
        if let Some(reason) = reason {
            self.rejections.push(Rejection {
                method: call.method.clone(),
                params: call.params.clone(),
                reason,
            });
        }
        self.calls.push(call);
    }

    /// Admits one send-like call under the sliding-window rate limit.
    fn admit_send(&mut self) -> Result<(), ApiError> {
        let now = Instant::now();
        while self
            .recent_sends
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.recent_sends.pop_front();
        }
        if let Some(limit) = self.rate_limit
            && self.recent_sends.len() >= limit as usize
        {
            return Err(ApiError::too_many_requests(1));
        }
        self.recent_sends.push_back(now);
        Ok(())
    }

    /// Forgets updates the bot confirmed; a negative offset keeps only the
    /// last `-offset` updates.
    pub(super) fn confirm_updates(&mut self, offset: i64) {
        if offset > 0 {
            self.updates.retain(|(id, _)| *id >= offset);
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            while self.updates.len() > keep {
                self.updates.pop_front();
            }
        }
    }

    /// Up to `limit` pending updates. Kinds the bot did not ask for in
    /// `allowed_updates` are dropped, as Telegram never creates them.
    pub(super) fn take_updates(&mut self, limit: usize) -> Vec<Value> {
        let allowed = self.allowed_updates.clone().filter(|a| !a.is_empty());
        self.updates.retain(|(_, update)| {
            let kind = update
                .as_object()
                .and_then(|o| o.keys().find(|k| *k != "update_id"))
                .map_or("", String::as_str);
            match &allowed {
                Some(allowed) => allowed.iter().any(|a| a == kind),
                None => !NOT_DEFAULT_UPDATES.contains(&kind),
            }
        });
        self.updates
            .iter()
            .take(limit)
            .map(|(_, u)| u.clone())
            .collect()
    }

    /// Answers every method except `getUpdates`. Injected failures come
    /// first, the way Telegram's flood control and block list answer before
    /// looking at the request.
    pub(super) fn dispatch(&mut self, method: &'static str, request: &Request) -> ApiResult {
        let p = &request.params;
        if SEND_LIKE.contains(&method) && self.injected_429.0 > 0 {
            self.injected_429.0 -= 1;
            return Err(ApiError::too_many_requests(self.injected_429.1));
        }
        if CHAT_METHODS.contains(&method)
            && let Ok(chat_id) = chat_id_param(p)
            && self.blocked.contains(&chat_id)
        {
            let description = if chat_id > 0 {
                "Forbidden: bot was blocked by the user"
            } else {
                "Forbidden: bot was kicked from the supergroup chat"
            };
            return Err(ApiError::new(403, description));
        }
        match method {
            "getMe" => {
                let mut me = bot_user();
                me["can_join_groups"] = json!(true);
                me["can_read_all_group_messages"] = json!(false);
                me["supports_inline_queries"] = json!(true);
                me["can_connect_to_business"] = json!(false);
                me["has_main_web_app"] = json!(false);
                Ok(me)
            }
            "setWebhook" => {
                let url = str_param(p, "url").unwrap_or_default();
                self.webhook_url = Some(url).filter(|u| !u.is_empty());
                Ok(json!(true))
            }
            "deleteWebhook" => {
                self.webhook_url = None;
                if bool_param(p, "drop_pending_updates") {
                    self.updates.clear();
                }
                Ok(json!(true))
            }
            "getWebhookInfo" => Ok(json!({
                "url": self.webhook_url.clone().unwrap_or_default(),
                "has_custom_certificate": false,
                "pending_update_count": self.updates.len(),
            })),
            "setMyCommands" => self.set_my_commands(p),
            "deleteMyCommands" => {
                let key = commands_key(p)?;
                self.commands.remove(&key);
                Ok(json!(true))
            }
            "getMyCommands" => {
                let key = commands_key(p)?;
                Ok(self
                    .commands
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| json!([])))
            }
            "sendMessage" => self.send_message(p),
            "editMessageText" => self.edit_message_text(p),
            "editMessageReplyMarkup" => self.edit_message_reply_markup(p),
            "answerCallbackQuery" => {
                let id = str_param(p, "callback_query_id").unwrap_or_default();
                let text = str_param(p, "text").unwrap_or_default();
                if text.chars().count() > CALLBACK_ANSWER_LIMIT {
                    return Err(ApiError::bad_request("MESSAGE_TOO_LONG"));
                }
                // An id is good for one answer only.
                if !self.open_callbacks.remove(&id) {
                    return Err(ApiError::bad_request(QUERY_INVALID));
                }
                Ok(json!(true))
            }
            "answerInlineQuery" => self.answer_inline_query(p),
            "sendDocument" => self.send_file(request, "document"),
            "sendPhoto" => self.send_file(request, "photo"),
            "sendChatAction" => {
                chat_id_param(p)?;
                match str_param(p, "action") {
                    Some(action) if CHAT_ACTIONS.contains(&action.as_str()) => Ok(json!(true)),
                    _ => Err(ApiError::bad_request("wrong parameter action in request")),
                }
            }
            "deleteMessage" => {
                let chat_id = chat_id_param(p)?;
                let message_id = message_id_param(p)?;
                match self.messages.remove(&(chat_id, message_id)) {
                    Some(_) => Ok(json!(true)),
                    None => Err(ApiError::bad_request("message to delete not found")),
                }
            }
            "getFile" => {
                let id = str_param(p, "file_id").unwrap_or_default();
                let file = self
                    .files
                    .get(&id)
                    .ok_or_else(|| ApiError::bad_request("invalid file_id"))?;
                if file.bytes.len() > DOWNLOAD_LIMIT {
                    return Err(ApiError::bad_request("file is too big"));
                }
                Ok(json!({
                    "file_id": id,
                    "file_unique_id": format!("u-{id}"),
                    "file_size": file.bytes.len(),
                    "file_path": file.path,
                }))
            }
            "setChatMenuButton" | "close" | "logOut" => Ok(json!(true)),
            _ => Err(ApiError::not_found()),
        }
    }

    fn set_my_commands(&mut self, p: &Map<String, Value>) -> ApiResult {
        let commands = json_param(p, "commands")?
            .and_then(|c| c.as_array().cloned())
            .ok_or_else(|| ApiError::bad_request("parameter \"commands\" is required"))?;
        if commands.len() > 100 {
            return Err(ApiError::bad_request("BOT_COMMANDS_TOO_MUCH"));
        }
        for command in &commands {
            let name = command["command"].as_str().unwrap_or_default();
            let valid_name = (1..=32).contains(&name.chars().count())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid_name {
                return Err(ApiError::bad_request("BOT_COMMAND_INVALID"));
            }
            let description = command["description"].as_str().unwrap_or_default();
            if !(1..=256).contains(&description.trim().chars().count()) {
                return Err(ApiError::bad_request("BOT_COMMAND_DESCRIPTION_INVALID"));
            }
        }
        let key = commands_key(p)?;
        self.commands.insert(key, Value::Array(commands));
        Ok(json!(true))
    }

    fn send_message(&mut self, p: &Map<String, Value>) -> ApiResult {
        let chat_id = chat_id_param(p)?;
        let parse_mode = parse_mode_param(p)?;
        let text = str_param(p, "text").unwrap_or_default();
        let visible = check_text(&text, parse_mode.as_deref(), TextKind::Message)?;
        let markup = reply_markup_param(p)?;
        let reply_to = self.reply_target(chat_id, p)?;
        self.admit_send()?;

        let message_id = self.next_message_id(chat_id);
        let mut message = self.message_skeleton(chat_id, message_id, bot_user());
        message["text"] = json!(visible);
        if let Some(original) = reply_to {
            message["reply_to_message"] = original;
        }
        let inline = inline_markup(markup.as_ref());
        if let Some(keyboard) = &inline {
            message["reply_markup"] = keyboard.clone();
        }
        self.store_bot_message(
            chat_id,
            message_id,
            StoredMessage {
                json: message.clone(),
                from_bot: true,
                source: Some((text.clone(), parse_mode.clone())),
                reply_markup: inline,
            },
        );
        self.sent.push(SentMessage {
            method: "sendMessage".to_owned(),
            chat_id,
            message_id,
            text,
            visible_text: visible,
            parse_mode,
            reply_markup: markup,
            file: None,
        });
        Ok(message)
    }

    fn edit_message_text(&mut self, p: &Map<String, Value>) -> ApiResult {
        let parse_mode = parse_mode_param(p)?;
        let text = str_param(p, "text").unwrap_or_default();
        let visible = check_text(&text, parse_mode.as_deref(), TextKind::EditedMessage)?;
        let markup = reply_markup_param(p)?;
        if p.contains_key("inline_message_id") {
            // Inline-mode messages live in other chats; Telegram answers `true`.
            self.admit_send()?;
            self.sent.push(SentMessage {
                method: "editMessageText".to_owned(),
                chat_id: 0,
                message_id: 0,
                text,
                visible_text: visible,
                parse_mode,
                reply_markup: markup,
                file: None,
            });
            return Ok(json!(true));
        }
        let chat_id = chat_id_param(p)?;
        let message_id = message_id_param(p)?;
        let stored = self.editable(chat_id, message_id)?;
        let Some(source) = &stored.source else {
            return Err(ApiError::bad_request(
                "there is no text in the message to edit",
            ));
        };
        // Omitting reply_markup removes the keyboard, so it is part of the
        // comparison.
        let inline = inline_markup(markup.as_ref());
        if source.0 == text && source.1 == parse_mode && stored.reply_markup == inline {
            return Err(not_modified());
        }
        self.admit_send()?;

        let stored = self.editable_mut(chat_id, message_id)?;
        stored.source = Some((text.clone(), parse_mode.clone()));
        stored.json["text"] = json!(visible);
        stored.json["edit_date"] = json!(unix_now());
        set_markup(&mut stored.json, inline.as_ref());
        stored.reply_markup = inline;
        let message = stored.json.clone();
        self.sent.push(SentMessage {
            method: "editMessageText".to_owned(),
            chat_id,
            message_id,
            text,
            visible_text: visible,
            parse_mode,
            reply_markup: markup,
            file: None,
        });
        Ok(message)
    }

    fn edit_message_reply_markup(&mut self, p: &Map<String, Value>) -> ApiResult {
        let markup = reply_markup_param(p)?;
        if p.contains_key("inline_message_id") {
            return Ok(json!(true));
        }
        let chat_id = chat_id_param(p)?;
        let message_id = message_id_param(p)?;
        let inline = inline_markup(markup.as_ref());
        let stored = self.editable_mut(chat_id, message_id)?;
        if stored.reply_markup == inline {
            return Err(not_modified());
        }
        set_markup(&mut stored.json, inline.as_ref());
        stored.json["edit_date"] = json!(unix_now());
        stored.reply_markup = inline;
        let (text, parse_mode) = stored.source.clone().unwrap_or_default();
        let message = stored.json.clone();
        let visible = message["text"].as_str().unwrap_or_default().to_owned();
        self.sent.push(SentMessage {
            method: "editMessageReplyMarkup".to_owned(),
            chat_id,
            message_id,
            text,
            visible_text: visible,
            parse_mode,
            reply_markup: markup,
            file: None,
        });
        Ok(message)
    }

    fn editable(&self, chat_id: i64, message_id: i32) -> Result<&StoredMessage, ApiError> {
        match self.messages.get(&(chat_id, message_id)) {
            None => Err(ApiError::bad_request("message to edit not found")),
            Some(m) if !m.from_bot => Err(ApiError::bad_request("message can't be edited")),
            Some(m) => Ok(m),
        }
    }

    fn editable_mut(
        &mut self,
        chat_id: i64,
        message_id: i32,
    ) -> Result<&mut StoredMessage, ApiError> {
        self.editable(chat_id, message_id)?;
        self.messages
            .get_mut(&(chat_id, message_id))
            .ok_or_else(|| ApiError::bad_request("message to edit not found"))
    }

    /// `sendDocument` / `sendPhoto`; `field` names the file parameter.
    fn send_file(&mut self, request: &Request, field: &str) -> ApiResult {
        let p = &request.params;
        let chat_id = chat_id_param(p)?;
        let parse_mode = parse_mode_param(p)?;
        let caption = str_param(p, "caption").unwrap_or_default();
        let visible = check_text(&caption, parse_mode.as_deref(), TextKind::Caption)?;
        let markup = reply_markup_param(p)?;
        let reply_to = self.reply_target(chat_id, p)?;
        let file = match p.get(field) {
            // An upload, already summarised by `parse_request`.
            Some(Value::Object(summary)) => {
                let attach = summary
                    .get("attach")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let upload = request.uploads.get(attach).cloned().ok_or_else(|| {
                    ApiError::bad_request(format!("there is no {field} in the request"))
                })?;
                if upload.bytes.is_empty() {
                    return Err(ApiError::bad_request("file must be non-empty"));
                }
                upload
            }
            // A file_id the fake knows, or a URL Telegram would fetch.
            Some(Value::String(reference)) => {
                if let Some(known) = self.files.get(reference) {
                    SentFile {
                        file_name: known.path.rsplit('/').next().unwrap_or_default().to_owned(),
                        bytes: known.bytes.clone(),
                    }
                } else if reference.starts_with("http://") || reference.starts_with("https://") {
                    SentFile {
                        file_name: reference.rsplit('/').next().unwrap_or_default().to_owned(),
                        bytes: Vec::new(),
                    }
                } else {
                    return Err(ApiError::bad_request(
                        "wrong file identifier/HTTP URL specified",
                    ));
                }
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "there is no {field} in the request"
                )));
            }
        };
        self.admit_send()?;

        let message_id = self.next_message_id(chat_id);
        let mut message = self.message_skeleton(chat_id, message_id, bot_user());
        let mut meta = self.register_file(field, file.bytes.clone());
        if field == "photo" {
            meta["width"] = json!(800);
            meta["height"] = json!(600);
            message["photo"] = json!([meta]);
        } else {
            meta["file_name"] = json!(file.file_name);
            message["document"] = meta;
        }
        if !visible.is_empty() {
            message["caption"] = json!(visible);
        }
        if let Some(original) = reply_to {
            message["reply_to_message"] = original;
        }
        let inline = inline_markup(markup.as_ref());
        set_markup(&mut message, inline.as_ref());
        self.store_bot_message(
            chat_id,
            message_id,
            StoredMessage {
                json: message.clone(),
                from_bot: true,
                source: None,
                reply_markup: inline,
            },
        );
        self.sent.push(SentMessage {
            method: if field == "photo" {
                "sendPhoto"
            } else {
                "sendDocument"
            }
            .to_owned(),
            chat_id,
            message_id,
            text: caption,
            visible_text: visible,
            parse_mode,
            reply_markup: markup,
            file: Some(file),
        });
        Ok(message)
    }

    /// The message a send replies to, via `reply_parameters` or the legacy
    /// `reply_to_message_id`.
    fn reply_target(
        &self,
        chat_id: i64,
        p: &Map<String, Value>,
    ) -> Result<Option<Value>, ApiError> {
        let (target, allow_missing) = match json_param(p, "reply_parameters")? {
            Some(params) => (
                params["message_id"].as_i64(),
                params["allow_sending_without_reply"]
                    .as_bool()
                    .unwrap_or(false),
            ),
            None => (
                int_param(p, "reply_to_message_id")?,
                bool_param(p, "allow_sending_without_reply"),
            ),
        };
        let Some(target) = target else {
            return Ok(None);
        };
        let found = i32::try_from(target)
            .ok()
            .and_then(|id| self.embedded_message(chat_id, id));
        match found {
            None if !allow_missing => Err(ApiError::bad_request("message to be replied not found")),
            found => Ok(found),
        }
    }

    fn answer_inline_query(&mut self, p: &Map<String, Value>) -> ApiResult {
        let id = str_param(p, "inline_query_id").unwrap_or_default();
        if !self.open_inline_queries.contains(&id) {
            return Err(ApiError::bad_request(QUERY_INVALID));
        }
        let results = json_param(p, "results")?
            .and_then(|r| r.as_array().cloned())
            .ok_or_else(|| ApiError::bad_request("parameter \"results\" must be an Array"))?;
        if results.len() > 50 {
            return Err(ApiError::bad_request("RESULTS_TOO_MUCH"));
        }
        let mut ids = HashSet::new();
        for result in &results {
            check_inline_result(result)?;
            let result_id = result["id"].as_str().unwrap_or_default();
            if !ids.insert(result_id) {
                return Err(ApiError::bad_request("RESULT_ID_DUPLICATE"));
            }
        }
        if str_param(p, "next_offset").is_some_and(|o| o.len() > 64) {
            return Err(ApiError::bad_request("NEXT_OFFSET_INVALID"));
        }
        self.admit_send()?;
        // Telegram accepts a single answer per query.
        self.open_inline_queries.remove(&id);
        Ok(json!(true))
    }
}

fn not_modified() -> ApiError {
    ApiError::bad_request(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    )
}

fn set_markup(message: &mut Value, inline: Option<&Value>) {
    match (inline, message.as_object_mut()) {
        (Some(keyboard), _) => message["reply_markup"] = keyboard.clone(),
        (None, Some(fields)) => {
            fields.remove("reply_markup");
        }
        (None, None) => {}
    }
}

/// Only inline keyboards are attached to the sent message; reply keyboards
/// live in the client.
fn inline_markup(markup: Option<&Value>) -> Option<Value> {
    markup
        .filter(|m| m.get("inline_keyboard").is_some())
        .cloned()
}

fn commands_key(p: &Map<String, Value>) -> Result<String, ApiError> {
    let scope = json_param(p, "scope")?.unwrap_or_else(|| json!({"type": "default"}));
    let language = str_param(p, "language_code").unwrap_or_default();
    Ok(format!("{scope}|{language}"))
}
