//! Browsing the library by topic, as the original site did with its category link and
//! previous/next links: categories in their set order, each category's articles by title,
//! lists cut into pages, and an article's neighbours within its category.
//!
//! A [`Catalogue`] is built from the live articles whenever someone browses, so admin changes
//! show at once. [`Link`] is where a browse button leads, in a compact form that fits the
//! 64 bytes a button may carry.

use std::fmt::Write as _;

use crate::content::{self, Article, Categories, Category};

/// Topics per page of the topic list.
pub const TOPICS_PER_PAGE: usize = 10;
/// Articles per page of a topic.
pub const ARTICLES_PER_PAGE: usize = 8;
/// Most bytes a link may take: Telegram's limit on a button's callback data.
pub const MAX_LINK_BYTES: usize = 64;

/// An article as a browse list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub slug: String,
    pub title: String,
}

/// One category and its articles, sorted by title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shelf {
    pub category: Category,
    pub articles: Vec<Entry>,
}

/// The library arranged for browsing: the categories that hold articles, in display order.
/// Articles without a known category are not on any shelf.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    shelves: Vec<Shelf>,
}

/// One page of a list: its items, its 0-based number and how many pages there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page<'a, T> {
    pub items: &'a [T],
    pub number: usize,
    pub count: usize,
}

impl<T> Page<'_, T> {
    /// The page before this one, if any.
    pub fn previous(&self) -> Option<usize> {
        self.number.checked_sub(1)
    }

    /// The page after this one, if any.
    pub fn next(&self) -> Option<usize> {
        (self.number + 1 < self.count).then_some(self.number + 1)
    }
}

/// Where an article stands in its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position<'a> {
    pub category: &'a Category,
    /// 0-based place in the category's list.
    pub index: usize,
    /// Articles in the category.
    pub total: usize,
    /// The page of the category's list that shows the article.
    pub page: usize,
    pub previous: Option<&'a Entry>,
    pub next: Option<&'a Entry>,
}

impl Catalogue {
    /// Shelves the articles by category; each shelf is sorted by title (then slug).
    pub fn new(categories: &Categories, articles: &[Article]) -> Self {
        let shelves = categories
            .iter()
            .filter_map(|category| {
                let mut articles: Vec<Entry> = articles
                    .iter()
                    .filter(|a| a.category.as_deref() == Some(category.id.as_str()))
                    .map(|a| Entry {
                        slug: a.slug.clone(),
                        title: a.title.clone(),
                    })
                    .collect();
                articles.sort_by_cached_key(|e| (e.title.to_lowercase(), e.slug.clone()));
                (!articles.is_empty()).then(|| Shelf {
                    category: category.clone(),
                    articles,
                })
            })
            .collect();
        Self { shelves }
    }

    /// Every shelf, in display order.
    pub fn shelves(&self) -> &[Shelf] {
        &self.shelves
    }

    /// The shelf of the category `id`; `None` if it is unknown or empty.
    pub fn shelf(&self, id: &str) -> Option<&Shelf> {
        self.shelves.iter().find(|s| s.category.id == id)
    }

    /// A page of the topic list (clamped to the last page).
    pub fn topics(&self, page: usize) -> Page<'_, Shelf> {
        page_of(&self.shelves, page, TOPICS_PER_PAGE)
    }

    /// The page of the topic list that shows the category `id` (0 if it is not listed).
    pub fn topics_page_of(&self, id: &str) -> usize {
        self.shelves
            .iter()
            .position(|s| s.category.id == id)
            .map_or(0, |i| i / TOPICS_PER_PAGE)
    }

    /// A page of one category's articles (clamped to the last page); `None` if the category
    /// is unknown or empty.
    pub fn articles(&self, id: &str, page: usize) -> Option<Page<'_, Entry>> {
        self.shelf(id)
            .map(|s| page_of(&s.articles, page, ARTICLES_PER_PAGE))
    }

    /// Where the article `slug` stands in its category; `None` if it is on no shelf.
    pub fn locate(&self, slug: &str) -> Option<Position<'_>> {
        self.shelves.iter().find_map(|shelf| {
            let index = shelf.articles.iter().position(|e| e.slug == slug)?;
            Some(Position {
                category: &shelf.category,
                index,
                total: shelf.articles.len(),
                page: index / ARTICLES_PER_PAGE,
                previous: index.checked_sub(1).map(|i| &shelf.articles[i]),
                next: shelf.articles.get(index + 1),
            })
        })
    }
}

/// Page `page` (0-based, clamped to the last) of `items`, `per_page` at a time. An empty
/// list has one empty page.
pub fn page_of<T>(items: &[T], page: usize, per_page: usize) -> Page<'_, T> {
    let per_page = per_page.max(1);
    let count = items.len().div_ceil(per_page).max(1);
    let number = page.min(count - 1);
    let start = number * per_page;
    Page {
        items: &items[start.min(items.len())..(start + per_page).min(items.len())],
        number,
        count,
    }
}

/// Where a browse button leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// A page of the topic list, shown in place of the current one.
    Topics { page: usize },
    /// A page of one category's articles, shown in place of the current view.
    Topic { id: String, page: usize },
    /// One article with its previous/next neighbours, shown in place of the current view.
    Article { slug: String },
    /// A category's first page in a message of its own: the button under an answer, which
    /// must stay where it is.
    MoreIn { id: String },
}

impl Link {
    /// The compact form carried by a button: `g:<page>`, `c:<page>:<id>`, `v:<slug>` or
    /// `m:<id>`. Slugs (at most 62 bytes) and category ids (at most 24) always fit in
    /// [`MAX_LINK_BYTES`].
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = match self {
            Self::Topics { page } => write!(out, "g:{page}"),
            Self::Topic { id, page } => write!(out, "c:{page}:{id}"),
            Self::Article { slug } => write!(out, "v:{slug}"),
            Self::MoreIn { id } => write!(out, "m:{id}"),
        };
        out
    }

    /// Reads a link back from a button; `None` for anything [`Link::encode`] never writes.
    pub fn decode(data: &str) -> Option<Self> {
        let (kind, rest) = data.split_once(':')?;
        let name = |s: &str| content::validate_slug(s).is_ok().then(|| s.to_owned());
        match kind {
            "g" => rest.parse().ok().map(|page| Self::Topics { page }),
            "c" => {
                let (page, id) = rest.split_once(':')?;
                Some(Self::Topic {
                    id: name(id)?,
                    page: page.parse().ok()?,
                })
            }
            "v" => name(rest).map(|slug| Self::Article { slug }),
            "m" => name(rest).map(|id| Self::MoreIn { id }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;

    const CATEGORIES: &str = "[[category]]\nid = \"skin\"\nname = \"Skin\"\norder = 2\n\n[[category]]\nid = \"teeth\"\nname = \"Teeth\"\norder = 1\n\n[[category]]\nid = \"empty\"\nname = \"Empty\"\norder = 3\n";

    fn in_category(slug: &str, title: &str, category: Option<&str>) -> Article {
        let mut a = article(slug, title, &[], "Body.");
        a.category = category.map(str::to_owned);
        a
    }

    fn catalogue() -> Catalogue {
        let mut articles: Vec<Article> = (0..10)
            .map(|i| in_category(&format!("skin-{i}"), &format!("Skin {i}"), Some("skin")))
            .collect();
        articles.push(in_category("acne", "acne", Some("skin")));
        articles.push(in_category("toothache", "Toothache", Some("teeth")));
        articles.push(in_category("loose", "Loose", None));
        articles.push(in_category("odd", "Odd", Some("unknown")));
        Catalogue::new(&Categories::parse(CATEGORIES).unwrap(), &articles)
    }

    #[test]
    fn shelves_follow_the_category_order_and_skip_empty_categories() {
        let c = catalogue();
        let ids: Vec<&str> = c.shelves().iter().map(|s| s.category.id.as_str()).collect();
        assert_eq!(ids, ["teeth", "skin"]);
        assert!(c.shelf("empty").is_none());
        assert!(c.locate("loose").is_none() && c.locate("odd").is_none());
    }

    #[test]
    fn articles_are_sorted_by_title_whatever_the_case() {
        let c = catalogue();
        let skin = &c.shelf("skin").unwrap().articles;
        assert_eq!(skin[0].slug, "acne");
        assert_eq!(skin[1].slug, "skin-0");
    }

    #[test]
    fn neighbours_stop_at_the_ends_of_the_category() {
        let c = catalogue();
        let first = c.locate("acne").unwrap();
        assert_eq!(
            (first.previous, first.next.map(|e| e.slug.as_str())),
            (None, Some("skin-0"))
        );
        let last = c.locate("skin-9").unwrap();
        assert_eq!(last.previous.map(|e| e.slug.as_str()), Some("skin-8"));
        assert_eq!(
            (last.next, last.index, last.total, last.page),
            (None, 10, 11, 1)
        );
        let only = c.locate("toothache").unwrap();
        assert!(only.previous.is_none() && only.next.is_none());
        assert_eq!(only.category.name, "Teeth");
    }

    #[test]
    fn pages_are_clamped_and_know_their_neighbours() {
        let c = catalogue();
        let p = c.articles("skin", 0).unwrap();
        assert_eq!(
            (p.items.len(), p.count, p.previous(), p.next()),
            (8, 2, None, Some(1))
        );
        let last = c.articles("skin", 99).unwrap();
        assert_eq!((last.items.len(), last.number, last.next()), (3, 1, None));
        assert_eq!(last.previous(), Some(0));
        assert!(c.articles("empty", 0).is_none());
        let empty: Page<'_, u8> = page_of(&[], 3, 10);
        assert_eq!((empty.items.len(), empty.number, empty.count), (0, 0, 1));
    }

    #[test]
    fn the_topic_list_pages_by_ten() {
        let categories: String = (0..23)
            .map(|i| format!("[[category]]\nid = \"c{i}\"\nname = \"C{i}\"\norder = {i}\n"))
            .collect();
        let articles: Vec<Article> = (0..23)
            .map(|i| in_category(&format!("a{i}"), &format!("A{i}"), Some(&format!("c{i}"))))
            .collect();
        let c = Catalogue::new(&Categories::parse(&categories).unwrap(), &articles);
        assert_eq!((c.topics(0).count, c.topics(2).items.len()), (3, 3));
        assert_eq!(c.topics_page_of("c12"), 1);
        assert_eq!(c.topics_page_of("nope"), 0);
    }

    #[test]
    fn links_round_trip_and_always_fit_in_a_button() {
        let longest_slug = "a".repeat(content::MAX_SLUG_LEN);
        let longest_id = "b".repeat(content::categories::MAX_ID_LEN);
        for link in [
            Link::Topics { page: 3 },
            Link::Topic {
                id: longest_id.clone(),
                page: usize::MAX,
            },
            Link::Article { slug: longest_slug },
            Link::MoreIn { id: longest_id },
        ] {
            let data = link.encode();
            assert!(data.len() <= MAX_LINK_BYTES, "{data}");
            assert_eq!(Link::decode(&data), Some(link));
        }
    }

    #[test]
    fn foreign_or_damaged_data_is_not_a_link() {
        for data in [
            "",
            "a:gout",
            "g:x",
            "c:1",
            "c:x:skin",
            "v:",
            "v:Bad Slug",
            "m:-x",
        ] {
            assert_eq!(Link::decode(data), None, "{data}");
        }
    }
}
