//! `content/section-roles.toml`: what each `## ` heading of an article is for ("self-care",
//! "see-doctor", "emergency"...), matched by plain-text patterns where `*` stands for any
//! run of text, or set by hand in an article's front matter (`role`). Guard tests and
//! `check-content` use it to keep the heading layout consistent; summaries use it to find
//! the section that answers a question.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Article, Bundle, ContentError, line_containing, parse_toml};

/// The role of the section that says what to do about a condition.
pub const SELF_CARE: &str = "self-care";
/// The role of the section that says when to see a doctor.
pub const SEE_DOCTOR: &str = "see-doctor";
/// The role of the section that says when to call an ambulance.
pub const EMERGENCY: &str = "emergency";
/// The role of the text before an article's first heading, which introduces it.
pub const OVERVIEW: &str = "overview";

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

    /// The role of one of `article`'s headings: its front matter's `role` override if it has
    /// one, else the file's patterns.
    pub fn role_in<'a>(
        &'a self,
        overrides: &'a BTreeMap<String, String>,
        heading: &str,
    ) -> Option<&'a str> {
        overrides
            .get(heading.trim())
            .map(String::as_str)
            .or_else(|| self.role_of(heading))
    }

    /// Every role name, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|r| r.name.as_str())
    }
}

/// What is wrong with one article's sections, each with a text to find its line by: a
/// front-matter override naming an unknown role or a missing heading, a heading with no
/// role, and a condition article with no self-care or see-a-doctor section.
pub fn problems(article: &Article, roles: &SectionRoles) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let known: HashSet<&str> = roles.names().collect();
    let present: Vec<&str> = headings(&article.body).collect();
    for (heading, role) in &article.role {
        if !known.contains(role.as_str()) {
            out.push((
                "[role]".to_owned(),
                format!("`role` gives {heading:?} the unknown role {role:?}"),
            ));
        } else if !present.contains(&heading.as_str()) {
            out.push((
                "[role]".to_owned(),
                format!("`role` names {heading:?}, which is not a `## ` heading of the body"),
            ));
        }
    }
    let mut found = HashSet::new();
    for heading in &present {
        match roles.role_in(&article.role, heading) {
            Some(role) => {
                found.insert(role);
            }
            None => out.push((
                format!("## {heading}"),
                format!(
                    "the heading {heading:?} has no section role: use a house heading, add it \
                     to section-roles.toml or set `role` in the front matter"
                ),
            )),
        }
    }
    if article.kind == Kind::Condition {
        for (role, what) in [(SELF_CARE, "self-care"), (SEE_DOCTOR, "see-a-doctor")] {
            if !found.contains(role) {
                out.push((
                    "+++".to_owned(),
                    format!(
                        "a condition article needs a {what} section (or `kind = \"information\"`)"
                    ),
                ));
            }
        }
    }
    out
}

/// What an article is about, which decides the sections it must have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A condition or symptom: it needs self-care and see-a-doctor sections.
    #[default]
    Condition,
    /// General information (healthy eating, vaccinations), exempt from those sections.
    Information,
}

impl Kind {
    /// Whether this is the default kind (used to leave it out of exports).
    pub fn is_condition(&self) -> bool {
        *self == Self::Condition
    }
}

/// Problems with the structure of a loaded library's articles that `check-content` reports
/// but the bot can live with: headings with no section role, and condition articles without
/// a self-care or see-a-doctor section.
pub fn structure_problems(bundle: &Bundle, dir: &Path) -> Vec<ContentError> {
    let dir = dir.join("articles");
    bundle
        .articles
        .iter()
        .flat_map(|a| {
            let path = dir.join(format!("{}.md", a.slug));
            problems(a, &bundle.section_roles)
                .into_iter()
                .map(move |(needle, message)| ContentError {
                    line: line_containing(&path, &needle),
                    path: path.clone(),
                    message,
                })
        })
        .collect()
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
    fn front_matter_overrides_win_over_patterns() {
        let roles = SectionRoles::bundled();
        let overrides = BTreeMap::from([("Dry socket".to_owned(), SEE_DOCTOR.to_owned())]);
        assert_eq!(roles.role_in(&overrides, "Dry socket"), Some(SEE_DOCTOR));
        assert_eq!(
            roles.role_in(&BTreeMap::new(), "Dry socket"),
            Some("detail")
        );
    }

    #[test]
    fn problems_name_roleless_headings_and_missing_sections() {
        let roles = SectionRoles::bundled();
        let mut article = Article {
            body: "Intro.\n\n## Odd heading\n\nText.\n\n## What you can do now\n\n- Rest."
                .to_owned(),
            ..Article::default()
        };
        let found: Vec<String> = problems(&article, &roles)
            .into_iter()
            .map(|p| p.1)
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("\"Odd heading\" has no section role"));
        assert!(found[1].contains("see-a-doctor"));
        article.kind = Kind::Information;
        article.role = BTreeMap::from([("Odd heading".to_owned(), "nonsense".to_owned())]);
        let found: Vec<String> = problems(&article, &roles)
            .into_iter()
            .map(|p| p.1)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("unknown role"));
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
