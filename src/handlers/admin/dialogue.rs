//! The step-by-step article form: a bare `/add` (or `/edit <slug>`) asks for the title, url,
//! category and body one message at a time, then shows a preview with Save / Cancel buttons.
//! `/cancel` ends it. The state lives in the store, so a restart does not lose it.

use serde::{Deserialize, Serialize};
use teloxide::prelude::*;
use teloxide::utils::html::{bold, code_inline, escape};

use super::confirm::Action;
use super::{confirm_keyboard, library, reply, sender};
use crate::content::{Categories, MAX_BODY_BYTES, MAX_TITLE_LEN, validate_https_url};
use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, send_html};
use crate::library::Draft;
use crate::text::clip;

/// What the admin sends to keep the current value while editing.
const KEEP: &str = "-";
/// What the admin sends to add an article without a category.
const NO_CATEGORY: &str = "none";
/// How much of the body the preview shows.
const PREVIEW_BODY_CHARS: usize = 1500;

/// A running dialogue: the article so far and the step that is waiting for input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Dialogue {
    /// `Some` when editing that article.
    slug: Option<String>,
    step: Step,
    draft: Draft,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Step {
    Title,
    Url,
    Category,
    Body,
}

/// Starts the form for a new article (`slug: None`) or an edit of `slug`.
pub async fn start(bot: &TgBot, msg: &Message, slug: Option<&str>, deps: &Deps) -> HandlerResult {
    let chat = msg.chat.id;
    if !msg.chat.is_private() {
        return reply(
            bot,
            chat,
            "The step-by-step form works in a private chat with me. Here, send the whole article in one message; /help has the format.",
        )
        .await;
    }
    let draft = match slug {
        Some(slug) => match library(deps).get(slug)? {
            Some(stored) => Draft::of(&stored.article),
            None => {
                return reply(
                    bot,
                    chat,
                    format!("There is no article with the slug `{slug}`. Try /list."),
                )
                .await;
            }
        },
        None => Draft::default(),
    };
    let dialogue = Dialogue {
        slug: slug.map(str::to_owned),
        step: Step::Title,
        draft,
    };
    deps.store
        .set_admin_dialogue(sender(msg)?.id, Some(&dialogue))?;
    send_html(bot, chat, prompt(&dialogue, deps.engine.categories()), None).await
}

/// Whether `msg` is the next answer in an admin's running dialogue.
pub fn is_active(msg: &Message, deps: &Deps) -> bool {
    let Some(user) = msg.from.as_ref() else {
        return false;
    };
    msg.chat.is_private()
        && deps.config.is_admin(user.id.0)
        && msg.text().is_some_and(|t| !t.starts_with('/'))
        && matches!(
            deps.store.admin_dialogue::<Dialogue>(user.id.0),
            Ok(Some(_))
        )
}

/// Takes one answer, moves to the next step, or shows the preview after the body.
pub async fn on_message(bot: TgBot, msg: Message, deps: Deps) -> HandlerResult {
    let (chat, admin) = (msg.chat.id, sender(&msg)?);
    let Some(mut dialogue) = deps.store.admin_dialogue::<Dialogue>(admin.id)? else {
        return Ok(());
    };
    let input = msg.text().unwrap_or_default().trim();
    let keep = dialogue.slug.is_some() && input == KEEP;
    if !keep && let Err(problem) = apply(&mut dialogue, input, deps.engine.categories()) {
        let problem = clip(&problem, super::articles::MAX_PROBLEM_CHARS);
        return reply(&bot, chat, format!("{problem} Try again, or /cancel.")).await;
    }
    dialogue.step = match dialogue.step {
        Step::Title => Step::Url,
        Step::Url => Step::Category,
        Step::Category => Step::Body,
        Step::Body => {
            deps.store.set_admin_dialogue::<Dialogue>(admin.id, None)?;
            let action = Action::Save {
                slug: dialogue.slug.clone(),
                draft: dialogue.draft.clone(),
            };
            let id = deps.store.park_action(admin.id, &action)?;
            return send_html(
                &bot,
                chat,
                preview(&dialogue),
                Some(confirm_keyboard(id, "💾 Save")),
            )
            .await;
        }
    };
    deps.store.set_admin_dialogue(admin.id, Some(&dialogue))?;
    send_html(
        &bot,
        chat,
        prompt(&dialogue, deps.engine.categories()),
        None,
    )
    .await
}

/// `/cancel`: ends the admin's dialogue, if any.
pub async fn cancel(bot: &TgBot, msg: &Message, deps: &Deps) -> HandlerResult {
    let admin = sender(msg)?;
    if deps.store.admin_dialogue::<Dialogue>(admin.id)?.is_none() {
        return reply(bot, msg.chat.id, "There is nothing to cancel.").await;
    }
    deps.store.set_admin_dialogue::<Dialogue>(admin.id, None)?;
    reply(bot, msg.chat.id, "Cancelled; nothing was saved.").await
}

/// Puts one answer into the draft, or explains what is wrong with it.
fn apply(dialogue: &mut Dialogue, input: &str, categories: &Categories) -> Result<(), String> {
    let draft = &mut dialogue.draft;
    match dialogue.step {
        Step::Title if input.is_empty() => return Err("The title is empty.".to_owned()),
        Step::Title if input.chars().count() > MAX_TITLE_LEN => {
            return Err(format!(
                "The title is longer than {MAX_TITLE_LEN} characters."
            ));
        }
        Step::Title => draft.title = input.to_owned(),
        Step::Url => {
            validate_https_url(input).map_err(|e| format!("The url {e}."))?;
            draft.url = input.to_owned();
        }
        Step::Category if dialogue.slug.is_none() && input.eq_ignore_ascii_case(NO_CATEGORY) => {
            draft.category = None;
        }
        Step::Category => {
            let category = categories.find(input).ok_or_else(|| {
                format!(
                    "There is no category {:?}. Send one of: {}.",
                    clip(input, 40),
                    categories.ids().join(", ")
                )
            })?;
            draft.category = Some(category.id.clone());
        }
        Step::Body => {
            let (first, rest) = input.split_once('\n').unwrap_or((input, ""));
            let (tags, body) = match Draft::tags_line(first) {
                Some(tags) => (tags, rest.trim()),
                None => (draft.tags.clone(), input),
            };
            if body.is_empty() {
                return Err("The body is empty.".to_owned());
            }
            if body.len() > MAX_BODY_BYTES {
                return Err(format!(
                    "The body is over the {} KB limit.",
                    MAX_BODY_BYTES / 1000
                ));
            }
            draft.tags = tags;
            draft.body = body.to_owned();
        }
    }
    Ok(())
}

/// The question for the current step.
fn prompt(dialogue: &Dialogue, categories: &Categories) -> String {
    let no_category = String::new();
    let category_step = format!(
        "the category, one of: {}{}",
        categories.ids().join(", "),
        match dialogue.slug {
            Some(_) => String::new(),
            None => format!(" (or {NO_CATEGORY})"),
        }
    );
    let (n, what, current) = match dialogue.step {
        Step::Title => (1, "the title", &dialogue.draft.title),
        Step::Url => (2, "the https source url", &dialogue.draft.url),
        Step::Category => (
            3,
            category_step.as_str(),
            dialogue.draft.category.as_ref().unwrap_or(&no_category),
        ),
        Step::Body => (
            4,
            "the body (optionally starting with a line \"tags: a, b\")",
            &dialogue.draft.body,
        ),
    };
    let keep = match &dialogue.slug {
        Some(_) => format!(
            "\nCurrent: {}\nSend {} to keep it.",
            escape(&clip(current, 300)),
            code_inline(KEEP)
        ),
        None => String::new(),
    };
    format!(
        "{} Send {}.{keep}\n/cancel stops without saving.",
        bold(&format!("Step {n}/4:")),
        escape(what)
    )
}

/// The finished draft, as it will be saved.
fn preview(dialogue: &Dialogue) -> String {
    let d = &dialogue.draft;
    let heading = match &dialogue.slug {
        Some(slug) => format!("Save these changes to {}?", code_inline(slug)),
        None => "Save this new article?".to_owned(),
    };
    let tags = if d.tags.is_empty() {
        "none".to_owned()
    } else {
        d.tags.join(", ")
    };
    format!(
        "{heading}\n\n{}\n{}\ntags: {}\ncategory: {}\n\n{}",
        bold(&escape(&d.title)),
        escape(&clip(&d.url, 300)),
        escape(&tags),
        escape(d.category.as_deref().unwrap_or("none")),
        escape(&clip(&d.body, PREVIEW_BODY_CHARS))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialogue(step: Step) -> Dialogue {
        Dialogue {
            slug: None,
            step,
            draft: Draft::default(),
        }
    }

    fn apply(d: &mut Dialogue, input: &str) -> Result<(), String> {
        super::apply(d, input, &Categories::bundled())
    }

    #[test]
    fn each_step_checks_its_input() {
        assert!(apply(&mut dialogue(Step::Title), "").is_err());
        assert!(
            apply(&mut dialogue(Step::Url), "http://www.nhs.uk/x")
                .unwrap_err()
                .contains("https")
        );
        assert!(
            apply(&mut dialogue(Step::Category), "bones")
                .unwrap_err()
                .contains("bones-joints")
        );
        assert!(
            apply(&mut dialogue(Step::Body), "tags: a")
                .unwrap_err()
                .contains("empty")
        );
    }

    #[test]
    fn category_step_takes_an_id_or_a_name_or_none_for_a_new_article() {
        let mut d = dialogue(Step::Category);
        apply(&mut d, "Teeth and mouth").unwrap();
        assert_eq!(d.draft.category.as_deref(), Some("teeth-mouth"));
        apply(&mut d, "none").unwrap();
        assert_eq!(d.draft.category, None);
        d.slug = Some("gout".into());
        assert!(
            apply(&mut d, "none").is_err(),
            "an edit keeps its category with -"
        );
    }

    #[test]
    fn body_step_takes_an_optional_tags_line() {
        let mut d = dialogue(Step::Body);
        apply(&mut d, "tags: Skin, sun\nWear sunscreen.").unwrap();
        assert_eq!(
            (d.draft.tags.clone(), d.draft.body.as_str()),
            (vec!["skin".to_owned(), "sun".to_owned()], "Wear sunscreen.")
        );
    }

    #[test]
    fn prompts_and_previews_escape_admin_text() {
        let mut d = dialogue(Step::Title);
        d.slug = Some("gout".into());
        d.draft.title = "<Gout>".into();
        assert!(prompt(&d, &Categories::bundled()).contains("&lt;Gout&gt;"));
        assert!(preview(&d).contains("<b>&lt;Gout&gt;</b>"));
    }
}
