//! The bot's slash commands, parsed by teloxide's `BotCommands`.
//!
//! [`Command`] is for everyone; [`AdminCommand`] only for the numeric ids in `ADMIN_IDS`.

use teloxide::utils::command::BotCommands;

/// Commands every user can send.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(
    rename_rule = "lowercase",
    description = "I answer everyday health questions. Commands:"
)]
pub enum Command {
    /// Welcome and examples.
    Start(String),
    /// How to use the bot.
    Help,
    /// Ask a health question, e.g. /ask how long does a cold last
    Ask(String),
    /// Browse articles by topic.
    Topics,
    /// Get a health tip now.
    Tip,
    /// Daily tip, e.g. /subscribe 07:30 Europe/Berlin
    Subscribe(String),
    /// Stop the daily tip.
    Unsubscribe,
    /// Your daily-tip settings.
    Settings,
    /// Set your timezone, e.g. /timezone Europe/Berlin
    Timezone(String),
    /// What the bot stores about you.
    Privacy,
    /// Delete everything stored about you.
    Forget,
}

/// Commands for admins only.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase", description = "Admin commands:")]
pub enum AdminCommand {
    /// Add an article: /add <title>, then url, optional "tags:" and "category:" lines, body.
    Add(String),
    /// Edit an article: /edit <slug>
    Edit(String),
    /// Delete an article: /delete <slug>
    Delete(String),
    /// Show an article: /show <slug>
    Show(String),
    /// List articles: /list [page|tag]
    List(String),
    /// Import articles: send a .jsonl or .md file with the caption /import
    Import,
    /// Export the library as .jsonl
    Export,
    /// Add a daily tip: /addtip <text>
    AddTip(String),
    /// Delete a daily tip: /deltip <id>
    DelTip(String),
    /// List daily tips: /tips [page]
    Tips(String),
    /// Usage and what to write next: /stats [chart]
    Stats(String),
    /// Message all subscribers: /broadcast <text>
    Broadcast(String),
    /// Recent admin changes: /audit [page]
    Audit(String),
    /// Teach the bot unanswered and 👎 questions, one tap each.
    Review,
    /// Attach a question to an article: /teach <slug> <question>
    Teach(String),
    /// An article's phrasings, with delete buttons: /phrasings <slug>
    Phrasings(String),
    /// Why the bot answers a question as it does: /why <question>
    Why(String),
    /// Cancel the current step-by-step dialogue.
    Cancel,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ask_keeps_the_whole_question() {
        let cmd = Command::parse("/ask how long does a cold last?", "healthbot").unwrap();
        assert_eq!(cmd, Command::Ask("how long does a cold last?".into()));
    }

    #[test]
    fn start_carries_its_deep_link_payload() {
        assert_eq!(
            Command::parse("/start a_migraine", "healthbot").unwrap(),
            Command::Start("a_migraine".into())
        );
        assert_eq!(
            Command::parse("/start", "healthbot").unwrap(),
            Command::Start(String::new())
        );
    }

    #[test]
    fn unknown_command_is_not_parsed() {
        assert!(Command::parse("/frobnicate", "healthbot").is_err());
    }

    #[test]
    fn admin_commands_are_separate_from_user_commands() {
        assert_eq!(
            AdminCommand::parse("/addtip Drink water", "healthbot").unwrap(),
            AdminCommand::AddTip("Drink water".into())
        );
        assert!(Command::parse("/addtip Drink water", "healthbot").is_err());
    }

    #[test]
    fn teach_keeps_slug_and_question_together() {
        assert_eq!(
            AdminCommand::parse("/teach gout my toe is on fire", "healthbot").unwrap(),
            AdminCommand::Teach("gout my toe is on fire".into())
        );
        assert!(Command::parse("/why sore toe", "healthbot").is_err());
    }
}
