//! Request validation as strict as Telegram's: texts and captions,
//! parse modes, keyboards, inline-query results and parameter decoding.

use serde_json::{Map, Value};

use super::html::validate_html;
use super::http::ApiError;

const TEXT_LIMIT: usize = 4096;
const CAPTION_LIMIT: usize = 1024;

/// Inline keyboard button fields of which exactly one must be present.
const BUTTON_KINDS: &[&str] = &[
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

#[derive(Clone, Copy, PartialEq)]
pub(super) enum TextKind {
    Message,
    /// `editMessageText`: same limits, but Telegram words "too long" as
    /// `MESSAGE_TOO_LONG`.
    EditedMessage,
    Caption,
}

/// Validates a text or caption the way Telegram does and returns what the
/// user would see. Lengths count characters after entity parsing.
pub(super) fn check_text(
    raw: &str,
    parse_mode: Option<&str>,
    kind: TextKind,
) -> Result<String, ApiError> {
    let parsed = match parse_mode {
        Some("HTML") => validate_html(raw)
            .map_err(|reason| ApiError::bad_request(format!("can't parse entities: {reason}")))?,
        // Markdown dialects are accepted verbatim; the bot uses HTML.
        _ => raw.to_owned(),
    };
    // Telegram trims surrounding whitespace before checking.
    let visible = parsed.trim().to_owned();
    let length = visible.chars().count();
    match kind {
        TextKind::Message | TextKind::EditedMessage if visible.is_empty() => {
            Err(ApiError::bad_request("message text is empty"))
        }
        TextKind::Message if length > TEXT_LIMIT => {
            Err(ApiError::bad_request("message is too long"))
        }
        TextKind::EditedMessage if length > TEXT_LIMIT => {
            Err(ApiError::bad_request("MESSAGE_TOO_LONG"))
        }
        TextKind::Caption if length > CAPTION_LIMIT => {
            Err(ApiError::bad_request("message caption is too long"))
        }
        _ => Ok(visible),
    }
}

/// `parse_mode`, normalised to Telegram's spelling; absent or empty is
/// plain text.
pub(super) fn parse_mode_param(p: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    let Some(mode) = str_param(p, "parse_mode").filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    ["HTML", "MarkdownV2", "Markdown"]
        .iter()
        .find(|known| known.eq_ignore_ascii_case(&mode))
        .map(|known| Some((*known).to_owned()))
        .ok_or_else(|| ApiError::bad_request("unsupported parse_mode"))
}

pub(super) fn reply_markup_param(p: &Map<String, Value>) -> Result<Option<Value>, ApiError> {
    let markup = json_param(p, "reply_markup")?;
    if let Some(markup) = &markup {
        check_reply_markup(markup)?;
    }
    Ok(markup)
}

fn check_reply_markup(markup: &Value) -> Result<(), ApiError> {
    let unparsable = || ApiError::bad_request("can't parse reply keyboard markup JSON object");
    let fields = markup.as_object().ok_or_else(unparsable)?;
    if let Some(rows) = fields.get("inline_keyboard") {
        let rows = rows.as_array().filter(|r| r.iter().all(Value::is_array)).ok_or_else(|| {
            ApiError::bad_request(
                "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays",
            )
        })?;
        let buttons: Vec<&Value> = rows.iter().filter_map(Value::as_array).flatten().collect();
        if buttons.len() > 100 {
            return Err(ApiError::bad_request("BUTTONS_TOO_MUCH"));
        }
        return buttons.into_iter().try_for_each(check_inline_button);
    }
    if let Some(rows) = fields.get("keyboard") {
        let rows = rows.as_array().ok_or_else(unparsable)?;
        for button in rows.iter().flat_map(|r| r.as_array().into_iter().flatten()) {
            let text = button.as_str().or_else(|| button["text"].as_str());
            if text.is_none_or(|t| t.trim().is_empty()) {
                return Err(ApiError::bad_request(
                    "keyboard button text must be non-empty",
                ));
            }
        }
        return Ok(());
    }
    if fields.contains_key("remove_keyboard") || fields.contains_key("force_reply") {
        return Ok(());
    }
    Err(unparsable())
}

fn check_inline_button(button: &Value) -> Result<(), ApiError> {
    let invalid =
        |why: &str| ApiError::bad_request(format!("can't parse inline keyboard button: {why}"));
    let fields = button
        .as_object()
        .ok_or_else(|| invalid("InlineKeyboardButton must be an Object"))?;
    match fields.get("text").and_then(Value::as_str) {
        Some(text) if !text.trim().is_empty() => {}
        Some(_) => return Err(invalid("Text must be non-empty")),
        None => return Err(invalid("Can't find field \"text\"")),
    }
    let kinds: Vec<&str> = BUTTON_KINDS
        .iter()
        .copied()
        .filter(|k| fields.get(*k).is_some_and(|v| !v.is_null()))
        .collect();
    match kinds.as_slice() {
        [] => Err(invalid("Text buttons are unallowed in the inline keyboard")),
        ["url"] => match fields["url"].as_str() {
            Some(url) if is_valid_button_url(url) => Ok(()),
            _ => Err(ApiError::bad_request("BUTTON_URL_INVALID")),
        },
        ["callback_data"] => match fields["callback_data"].as_str() {
            Some(data) if (1..=64).contains(&data.len()) => Ok(()),
            _ => Err(ApiError::bad_request("BUTTON_DATA_INVALID")),
        },
        ["web_app"] => match fields["web_app"]["url"].as_str() {
            Some(url) if url.starts_with("https://") && is_valid_button_url(url) => Ok(()),
            _ => Err(ApiError::bad_request("BUTTON_URL_INVALID")),
        },
        ["switch_inline_query" | "switch_inline_query_current_chat"] => {
            if fields[kinds[0]].is_string() {
                Ok(())
            } else {
                Err(invalid("switch_inline_query must be a String"))
            }
        }
        [_] => Ok(()),
        _ => Err(invalid("exactly one of the optional fields must be used")),
    }
}

/// An `http(s)` URL with a public-looking host name (at least one dot), or
/// a `tg://` link; Telegram refuses the rest as `BUTTON_URL_INVALID`.
fn is_valid_button_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "tg" => !rest.is_empty(),
        "http" | "https" => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let host_port = authority.rsplit('@').next().unwrap_or_default();
            let host = host_port.split(':').next().unwrap_or_default();
            let labels: Vec<&str> = host.split('.').collect();
            labels.len() >= 2
                && labels
                    .iter()
                    .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        }
        _ => false,
    }
}

pub(super) fn check_inline_result(result: &Value) -> Result<(), ApiError> {
    let id = result["id"].as_str().unwrap_or_default();
    if id.is_empty() || id.len() > 64 {
        return Err(ApiError::bad_request("RESULT_ID_INVALID"));
    }
    let kind = result["type"].as_str().unwrap_or_default();
    if kind.is_empty() {
        return Err(ApiError::bad_request(
            "can't parse InlineQueryResult: field \"type\" is required",
        ));
    }
    if kind == "article" {
        if result["title"].as_str().is_none_or(|t| t.trim().is_empty()) {
            return Err(ApiError::bad_request(
                "can't parse InlineQueryResultArticle: field \"title\" must be a non-empty String",
            ));
        }
        if !result["input_message_content"].is_object() {
            return Err(ApiError::bad_request(
                "can't parse InlineQueryResultArticle: field \"input_message_content\" is required",
            ));
        }
    }
    if let Some(url) = result["url"].as_str()
        && !is_valid_button_url(url)
    {
        return Err(ApiError::bad_request("RESULT_URL_INVALID"));
    }
    let content = &result["input_message_content"];
    if let Some(content) = content.as_object()
        && content.contains_key("message_text")
    {
        let mode = parse_mode_param(content)?;
        let text = str_param(content, "message_text").unwrap_or_default();
        check_text(&text, mode.as_deref(), TextKind::Message)?;
    }
    if let Some(caption) = result["caption"].as_str() {
        let mode = result
            .as_object()
            .map(parse_mode_param)
            .transpose()?
            .flatten();
        check_text(caption, mode.as_deref(), TextKind::Caption)?;
    }
    if let Some(markup) = result.get("reply_markup") {
        check_reply_markup(markup)?;
    }
    Ok(())
}

// ----- parameters -----------------------------------------------------------------

pub(super) fn str_param(p: &Map<String, Value>, key: &str) -> Option<String> {
    match p.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn int_param(p: &Map<String, Value>, key: &str) -> Result<Option<i64>, ApiError> {
    let parsed = match p.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(_) => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| ApiError::bad_request(format!("invalid {key} specified")))
}

pub(super) fn bool_param(p: &Map<String, Value>, key: &str) -> bool {
    match p.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true" || s == "1",
        _ => false,
    }
}

/// A structured parameter. `parse_request` already turned JSON strings
/// into values where it could; a string left here is malformed JSON.
pub(super) fn json_param(p: &Map<String, Value>, key: &str) -> Result<Option<Value>, ApiError> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map(Some)
            .map_err(|_| ApiError::bad_request(format!("can't parse {key} JSON object"))),
        Some(value) => Ok(Some(value.clone())),
    }
}

pub(super) fn chat_id_param(p: &Map<String, Value>) -> Result<i64, ApiError> {
    match p.get("chat_id") {
        None | Some(Value::Null) => Err(ApiError::bad_request("chat_id is empty")),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::bad_request("chat_id is empty")),
        // "@channelname" and junk: the fake knows no public usernames.
        _ => int_param(p, "chat_id")
            .ok()
            .flatten()
            .filter(|id| *id != 0)
            .ok_or_else(|| ApiError::bad_request("chat not found")),
    }
}

pub(super) fn message_id_param(p: &Map<String, Value>) -> Result<i32, ApiError> {
    int_param(p, "message_id")?
        .and_then(|id| i32::try_from(id).ok())
        .ok_or_else(|| ApiError::bad_request("message identifier is not specified"))
}
