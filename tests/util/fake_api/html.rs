//! Validator for Telegram's `parse_mode = "HTML"` dialect.
//!
//! Mirrors the tag/attribute parser of TDLib (the code behind the Bot API),
//! including its error wording, but is deliberately stricter where Telegram
//! silently degrades instead of failing: a bare `&` or `>` and unknown
//! entities such as `&nbsp;` are errors (the Bot API documentation demands
//! escaping; Telegram would show them literally), `<a>` needs a non-empty
//! `href` (Telegram would drop the link) and `</>` does not close a tag. A
//! text that passes therefore renders exactly as the bot intended.

/// Tags Telegram understands; anything else is "Unsupported start tag".
const SUPPORTED_TAGS: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

/// Checks `text` against Telegram's HTML rules.
///
/// Returns the visible text (tags removed, entities decoded) on success, or
/// the reason Telegram would give after "Bad Request: can't parse entities: ".
pub fn validate_html(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut visible = String::with_capacity(text.len());
    // Names of the tags still waiting for their end tag.
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let (ch, len) = decode_entity(&text[i..])
                    .ok_or_else(|| format!("Unsupported HTML entity at byte offset {i}"))?;
                visible.push(ch);
                i += len;
            }
            b'>' => return Err(format!("Unescaped '>' at byte offset {i}")),
            b'<' if bytes.get(i + 1) == Some(&b'/') => {
                i = close_tag(text, i, &mut open)?;
            }
            b'<' => {
                let (tag, next) = open_tag(text, i)?;
                open.push(tag);
                i = next;
            }
            _ => {
                // Copy the whole UTF-8 character; `i` is always on a boundary
                // because every branch above consumes ASCII or whole entities.
                let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
                visible.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    match open.last() {
        Some(tag) => Err(format!(
            "Can't find end tag corresponding to start tag \"{tag}\""
        )),
        None => Ok(visible),
    }
}

/// Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NNN;` or `&#xHHH;` at the
/// start of `s`, returning the character and the number of bytes consumed.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    // The longest legal entity is `&#x10FFFF;` / `&#1114111;` (10 bytes).
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let body = &s[1..end];
    let ch = match body {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let digits = body.strip_prefix('#')?;
            let code = match digits.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                Some(_) => return None,
                None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                    digits.parse().ok()?
                }
                None => return None,
            };
            if code == 0 {
                return None;
            }
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')
}

/// Parses a start tag beginning at `begin` (which holds `<`); returns the tag
/// and the offset just past its `>`.
fn open_tag(text: &str, begin: usize) -> Result<(String, usize), String> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut i = begin + 1;
    while at(i).is_some_and(|b| !is_space(b) && b != b'>') {
        i += 1;
    }
    if at(i).is_none() {
        return Err(format!("Unclosed start tag at byte offset {begin}"));
    }
    let name = text[begin + 1..i].to_ascii_lowercase();
    if !SUPPORTED_TAGS.contains(&name.as_str()) {
        return Err(format!(
            "Unsupported start tag \"{name}\" at byte offset {begin}"
        ));
    }

    let mut href = None;
    let mut span_class = None;
    let mut emoji_id = None;
    loop {
        while at(i).is_some_and(is_space) {
            i += 1;
        }
        match at(i) {
            None => return Err(format!("Unclosed start tag at byte offset {begin}")),
            Some(b'>') => break,
            Some(_) => {}
        }
        let attr_begin = i;
        while at(i).is_some_and(|b| !is_space(b) && b != b'=' && b != b'>') {
            i += 1;
        }
        let attr = text[attr_begin..i].to_ascii_lowercase();
        if attr.is_empty() {
            return Err(format!(
                "Empty attribute name in the tag \"{name}\" at byte offset {begin}"
            ));
        }
        while at(i).is_some_and(is_space) {
            i += 1;
        }
        if at(i) != Some(b'=') {
            // `<blockquote expandable>` is the only valueless attribute.
            if name == "blockquote" && attr == "expandable" {
                continue;
            }
            return Err(format!(
                "Expected equal sign in declaration of an attribute of the tag \"{name}\" at byte offset {begin}"
            ));
        }
        i += 1;
        while at(i).is_some_and(is_space) {
            i += 1;
        }
        let value = match at(i) {
            None => {
                return Err(format!(
                    "Unclosed start tag \"{name}\" at byte offset {begin}"
                ));
            }
            Some(quote @ (b'"' | b'\'')) => {
                let start = i + 1;
                let len = text[start..]
                    .bytes()
                    .position(|b| b == quote)
                    .ok_or_else(|| format!("Unclosed start tag at byte offset {begin}"))?;
                i = start + len + 1;
                decode_attribute(&text[start..start + len])
            }
            Some(_) => {
                // An unquoted "name token": letters, digits, periods, hyphens.
                let start = i;
                while at(i).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
                    i += 1;
                }
                if at(i).is_some_and(|b| !is_space(b) && b != b'>') {
                    return Err(format!(
                        "Unexpected end of name token at byte offset {start}"
                    ));
                }
                text[start..i].to_ascii_lowercase()
            }
        };
        match (name.as_str(), attr.as_str()) {
            ("a", "href") => href = Some(value),
            ("span", "class") => span_class = Some(value),
            ("tg-emoji", "emoji-id") => emoji_id = Some(value),
            // Telegram ignores other attributes (e.g. `class` on `code`).
            _ => {}
        }
    }

    match name.as_str() {
        "span" if span_class.as_deref() != Some("tg-spoiler") => {
            return Err(format!(
                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
            ));
        }
        "a" if href.as_deref().is_none_or(|h| h.trim().is_empty()) => {
            return Err(format!(
                "Tag \"a\" must have a non-empty \"href\" attribute at byte offset {begin}"
            ));
        }
        "tg-emoji"
            if !emoji_id
                .as_deref()
                .is_some_and(|id| id.parse::<i64>().is_ok_and(|id| id != 0)) =>
        {
            return Err("Invalid custom emoji identifier specified".to_owned());
        }
        _ => {}
    }
    Ok((name, i + 1))
}

/// Attribute values may contain entities; unlike text, a lone `&` is kept
/// literally here, exactly as Telegram does (URLs with query strings).
fn decode_attribute(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match decode_entity(rest) {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses an end tag beginning at `begin` (which holds `</`), pops the
/// matching open tag and returns the offset just past `>`.
fn close_tag(text: &str, begin: usize, open: &mut Vec<String>) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let Some(expected) = open.pop() else {
        return Err(format!("Unexpected end tag at byte offset {begin}"));
    };
    let mut i = begin + 2;
    while at(i).is_some_and(|b| !is_space(b) && b != b'>') {
        i += 1;
    }
    // Start tags are case-insensitive but, as in TDLib, the end tag must
    // spell the lower-cased name: `<B>x</B>` is refused.
    let found = &text[begin + 2..i];
    while at(i).is_some_and(is_space) {
        i += 1;
    }
    if at(i) != Some(b'>') {
        return Err(format!("Unclosed end tag at byte offset {begin}"));
    }
    if found != expected {
        return Err(format!(
            "Unmatched end tag at byte offset {begin}, expected \"</{expected}>\", found \"</{found}>\""
        ));
    }
    Ok(i + 1)
}
