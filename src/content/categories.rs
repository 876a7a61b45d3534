//! `content/categories.toml`: the browsing categories (id, display name, order), and the
//! rules that tie articles to them: every article names a known category, and every
//! category holds enough articles to be worth a button.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::{Article, ContentError, parse_toml, validate_slug};

/// The categories that ship with the binary, used when the content folder has none.
pub const BUNDLED: &str = include_str!("../../content/categories.toml");
/// The data file's name inside a content folder.
pub const FILE: &str = "categories.toml";
/// Longest category id: ids travel in button data, which Telegram caps at 64 bytes.
pub const MAX_ID_LEN: usize = 24;
/// Longest display name, in characters: it is a button label.
pub const MAX_NAME_LEN: usize = 40;
/// Fewest articles a category may hold in a finished library.
pub const MIN_ARTICLES: usize = 3;

/// One browsing category.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// Position in `/topics`, smallest first.
    pub order: i64,
    /// What belongs here, for authors; readers never see it.
    #[serde(default)]
    pub scope: Option<String>,
    /// The 1-based line of its `[[category]]` header, for problem reports.
    #[serde(skip)]
    pub line: usize,
}

/// Every category, sorted by `order`. A cheap `Clone`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Categories(Arc<Vec<Category>>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    category: Vec<Category>,
}

impl Categories {
    /// The bundled categories (`content/categories.toml`, compiled in).
    pub fn bundled() -> Self {
        // The bundled file is checked by a unit test, so this cannot fail in a release.
        Self::parse(BUNDLED).unwrap_or_else(|(_, e)| panic!("bundled categories.toml: {e}"))
    }

    /// Parses `categories.toml`: `[[category]]` tables with `id`, `name`, `order` and an
    /// optional `scope`.
    ///
    /// # Errors
    /// Returns the 1-based line (when known) and what is wrong.
    pub fn parse(text: &str) -> Result<Self, (Option<usize>, String)> {
        let file: File = parse_toml(text)?;
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[category]]")
            .map(|(i, _)| i + 1)
            .collect();
        let mut list = file.category;
        let (mut ids, mut names, mut orders) = (HashSet::new(), HashSet::new(), HashSet::new());
        for (i, c) in list.iter_mut().enumerate() {
            c.line = headers.get(i).copied().unwrap_or_default();
            let at = |message: String| (headers.get(i).copied(), message);
            c.id = c.id.trim().to_owned();
            c.name = c.name.trim().to_owned();
            validate_slug(&c.id).map_err(|e| at(format!("category id: {e}")))?;
            if c.id.len() > MAX_ID_LEN {
                return Err(at(format!(
                    "category id {:?} is longer than {MAX_ID_LEN} characters",
                    c.id
                )));
            }
            if c.name.is_empty() || c.name.chars().count() > MAX_NAME_LEN {
                return Err(at(format!(
                    "category {:?}: `name` must be 1 to {MAX_NAME_LEN} characters",
                    c.id
                )));
            }
            if !ids.insert(c.id.clone()) {
                return Err(at(format!("category id {:?} appears twice", c.id)));
            }
            if !names.insert(c.name.to_lowercase()) {
                return Err(at(format!("category name {:?} appears twice", c.name)));
            }
            if !orders.insert(c.order) {
                return Err(at(format!(
                    "category {:?}: order {} is already taken",
                    c.id, c.order
                )));
            }
        }
        list.sort_by_key(|c| c.order);
        Ok(Self(Arc::new(list)))
    }

    /// The category with this id.
    pub fn get(&self, id: &str) -> Option<&Category> {
        self.0.iter().find(|c| c.id == id)
    }

    /// Every category, in display order.
    pub fn iter(&self) -> std::slice::Iter<'_, Category> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks an article's category against the list: `None` is allowed (an article that is
    /// not browsable yet), an unknown id is not.
    ///
    /// # Errors
    /// A sentence naming the unknown id and the known ones.
    pub fn check(&self, category: Option<&str>) -> Result<(), String> {
        match category {
            Some(id) if self.get(id).is_none() => Err(format!(
                "unknown category `{id}`; use one of: {}",
                self.ids().join(", ")
            )),
            _ => Ok(()),
        }
    }

    /// The category an admin typed: its id or its name, in any case.
    pub fn find(&self, typed: &str) -> Option<&Category> {
        let typed = typed.trim();
        self.iter()
            .find(|c| c.id.eq_ignore_ascii_case(typed) || c.name.eq_ignore_ascii_case(typed))
    }

    /// Every id, in display order.
    pub fn ids(&self) -> Vec<&str> {
        self.iter().map(|c| c.id.as_str()).collect()
    }
}

/// Articles whose category is not in `categories`: a typo that would hide them from browsing.
pub(super) fn unknown(
    articles: &[Article],
    categories: &Categories,
    dir: &Path,
) -> Vec<ContentError> {
    articles
        .iter()
        .filter_map(|a| {
            let problem = categories.check(a.category.as_deref()).err()?;
            let path = article_path(dir, &a.slug);
            Some(ContentError {
                line: super::line_containing(&path, "category"),
                path,
                message: problem,
            })
        })
        .collect()
}

/// What a finished library still lacks: articles without a category, and categories with
/// fewer than [`MIN_ARTICLES`] articles. `healthbot check-content` reports these; the bot
/// itself starts without them, so a small or growing library still runs.
pub fn gaps(articles: &[Article], categories: &Categories, dir: &Path) -> Vec<ContentError> {
    let mut problems: Vec<ContentError> = articles
        .iter()
        .filter(|a| a.category.is_none())
        .map(|a| ContentError {
            path: article_path(dir, &a.slug),
            line: Some(2),
            message: format!("no `category`; add one of: {}", categories.ids().join(", ")),
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for id in articles.iter().filter_map(|a| a.category.as_deref()) {
        *counts.entry(id).or_default() += 1;
    }
    for c in categories.iter() {
        let n = counts.get(c.id.as_str()).copied().unwrap_or_default();
        if n < MIN_ARTICLES {
            problems.push(ContentError {
                path: dir.join(FILE),
                line: Some(c.line),
                message: format!(
                    "category `{}` has {n} article(s); each needs at least {MIN_ARTICLES}",
                    c.id
                ),
            });
        }
    }
    problems
}

fn article_path(dir: &Path, slug: &str) -> std::path::PathBuf {
    dir.join("articles").join(format!("{slug}.md"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;

    const TWO: &str = "[[category]]\nid = \"skin\"\nname = \"Skin\"\norder = 2\n\n[[category]]\nid = \"teeth\"\nname = \"Teeth\"\norder = 1\n";

    #[test]
    fn the_bundled_categories_parse_in_order() {
        let c = Categories::bundled();
        assert_eq!(c.len(), 20);
        assert_eq!(c.ids()[0], "first-aid");
        assert!(
            c.iter()
                .zip(c.iter().skip(1))
                .all(|(a, b)| a.order < b.order)
        );
    }

    #[test]
    fn categories_are_sorted_by_order_and_found_by_id_or_name() {
        let c = Categories::parse(TWO).unwrap();
        assert_eq!(c.ids(), ["teeth", "skin"]);
        assert_eq!(c.find("SKIN").map(|c| c.line), Some(1));
        assert_eq!(c.find("teeth").map(|c| c.name.as_str()), Some("Teeth"));
        assert!(c.find("bones").is_none());
    }

    #[test]
    fn problems_name_the_line_of_the_category() {
        let dup = TWO.replace("\"teeth\"", "\"skin\"");
        assert_eq!(Categories::parse(&dup).unwrap_err().0, Some(6));
        let bad_id = TWO.replace("\"teeth\"", "\"Teeth & gums\"");
        assert_eq!(Categories::parse(&bad_id).unwrap_err().0, Some(6));
        let same_order = TWO.replace("order = 1", "order = 2");
        assert!(
            Categories::parse(&same_order)
                .unwrap_err()
                .1
                .contains("order")
        );
        let unknown_key = TWO.replace("order = 1", "order = 1\ncolour = \"red\"");
        assert!(Categories::parse(&unknown_key).unwrap_err().0.is_some());
    }

    #[test]
    fn unknown_ids_are_refused_and_missing_ones_allowed() {
        let c = Categories::parse(TWO).unwrap();
        assert!(c.check(None).is_ok());
        assert!(c.check(Some("skin")).is_ok());
        let err = c.check(Some("skn")).unwrap_err();
        assert!(err.contains("skn") && err.contains("teeth, skin"), "{err}");
    }

    #[test]
    fn gaps_list_uncategorised_articles_and_thin_categories() {
        let c = Categories::parse(TWO).unwrap();
        let mut articles: Vec<Article> = (0..3)
            .map(|i| {
                let mut a = article(&format!("s{i}"), "S", &[], "Body.");
                a.category = Some("skin".into());
                a
            })
            .collect();
        articles.push(article("loose", "Loose", &[], "Body."));
        let problems = gaps(&articles, &c, Path::new("content"));
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0].starts_with("content/articles/loose.md:2:"),
            "{text:?}"
        );
        assert!(
            text[1].starts_with("content/categories.toml:6:"),
            "{text:?}"
        );
        assert!(text[1].contains("`teeth` has 0"), "{text:?}");
    }
}
