//! The bot's slash commands, parsed by teloxide's `BotCommands`.

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
}
