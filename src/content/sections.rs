//! `content/section-roles.toml`: what each `## ` heading of an article is for ("self-care",
//! "see-doctor", "emergency"...), matched by plain-text patterns where `*` stands for any
//! run of text. Guard tests use it to keep the heading layout consistent; summaries can use
//! it to find the section that answers a question.

use std::collections::HashSet;

use serde::Deserialize;

use super::parse_toml;

/// The roles that ship with the binary, used when the content folder has none.
pub const BUNDLED: &str = include_str!("../../content/section-roles.toml");
/// The data file's name inside a content folder.
pub const FILE: &str = "section-roles.toml";

/// One role and the headings that have it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Role {
    name: String,
    headings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    role: Vec<Role>,
}

/// The parsed roles, in file order: the first role with a matching pattern wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionRoles {
    roles: Vec<Role>,
}

impl SectionRoles {
    /// The bundled roles (`content/section-roles.toml`, compiled in).
    pub fn bundled() -> Self {
        // The bundled file is checked by a unit test, so this cannot fail in a release.
        Self::parse(BUNDLED).unwrap_or_else(|(_, e)| panic!("bundled section-roles.toml: {e}"))
    }

    /// Parses `section-roles.toml`: `[[role]]` tables with a `name` and `headings` patterns.
    ///
    /// # Errors
    /// Returns the 1-based line (when known) and what is wrong.
    pub fn parse(text: &str) -> Result<Self, (Option<usize>, String)> {
        let file: File = parse_toml(text)?;
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[role]]")
            .map(|(i, _)| i + 1)
            .collect();
        let mut names = HashSet::new();
        for (i, role) in file.role.iter().enumerate() {
            let at = |message: String| (headers.get(i).copied(), message);
            if role.name.trim().is_empty() {
                return Err(at("a role has an empty `name`".to_owned()));
            }
            if !names.insert(role.name.as_str()) {
                return Err(at(format!("role {:?} appears twice", role.name)));
            }
            if let Some(p) = role
                .headings
                .iter()
                .find(|p| p.trim().is_empty() || p.trim() == "*")
            {
                return Err(at(format!(
                    "role {:?}: the pattern {p:?} would match every heading",
                    role.name
                )));
            }
        }
        Ok(Self { roles: file.role })
    }

    /// The role of one heading (without its `## `), or `None` when no pattern matches.
    pub fn role_of(&self, heading: &str) -> Option<&str> {
        let heading = heading.trim();
        self.roles
            .iter()
            .find(|r| r.headings.iter().any(|p| matches(p, heading)))
            .map(|r| r.name.as_str())
    }

    /// Every role name, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|r| r.name.as_str())
    }
}

/// The `## ` headings of a Markdown body, in order, without the marker.
pub fn headings(body: &str) -> impl Iterator<Item = &str> {
    body.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::trim)
}

/// Whether `pattern` matches all of `text`, where each `*` stands for any run of text.
fn matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        // No `*`: the pattern is the whole heading.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_headings_with_stars_for_any_text() {
        assert!(matches("See a * if", "See a dentist if"));
        assert!(matches("See a * if", "See a GP or sexual health clinic if"));
        assert!(!matches("See a * if", "See an optician if"));
        assert!(!matches("See a * if", "See a dentist if you can"));
        assert!(matches("Symptoms*", "Symptoms"));
        assert!(matches("What you can do now", "What you can do now"));
        assert!(!matches(
            "What you can do now",
            "What you can do now and later"
        ));
        assert!(matches("How * is treated", "How gout is treated"));
        assert!(matches("a*b*c", "a-x-b-y-c"));
        assert!(!matches("a*b*c", "a-x-c"));
    }

    #[test]
    fn the_bundled_roles_give_house_headings_their_role() {
        let roles = SectionRoles::bundled();
        for (heading, role) in [
            ("What you can do now", "self-care"),
            ("Treatment", "self-care"),
            ("See a doctor if", "see-doctor"),
            ("See an optician or doctor if", "see-doctor"),
            ("Get emergency help if", "emergency"),
            ("Call 999 or 112 if", "emergency"),
            ("Who is more likely to get gout", "causes"),
            ("What sepsis is", "overview"),
            ("How long a cold lasts", "duration"),
            ("Tourniquets", "detail"),
        ] {
            assert_eq!(roles.role_of(heading), Some(role), "{heading}");
        }
        assert_eq!(roles.role_of("Something else entirely"), None);
    }

    #[test]
    fn duplicate_roles_and_catch_all_patterns_are_refused_with_their_line() {
        let dup = "[[role]]\nname = \"a\"\nheadings = [\"A\"]\n\n[[role]]\nname = \"a\"\nheadings = [\"B\"]\n";
        assert_eq!(SectionRoles::parse(dup).unwrap_err().0, Some(5));
        let all = "[[role]]\nname = \"a\"\nheadings = [\"*\"]\n";
        assert_eq!(SectionRoles::parse(all).unwrap_err().0, Some(1));
    }

    #[test]
    fn headings_are_the_level_two_lines() {
        let body = "Intro.\n\n## What is normal\nText.\n### Deeper\n## See a doctor if \n";
        assert_eq!(
            headings(body).collect::<Vec<_>>(),
            ["What is normal", "See a doctor if"]
        );
    }
}
