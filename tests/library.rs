//! Guards on the bundled library in `content/`: it parses, every required topic exists,
//! every article cites reputable https sources and sits in a category, headings follow the
//! house layout, and nothing is duplicated.

use std::collections::{HashMap, HashSet};

use healthbot::content::{self, Bundle, categories, sections};

use crate::util::content_dir;

/// Topics the library must always cover (file name = slug).
const REQUIRED_SLUGS: &[&str] = &[
    "bone-tumor-treatment",
    "bone-cancer-inheritance",
    "lung-cancer-in-women",
    "early-signs-of-lung-tumors",
    "laundry-dye-transfer",
    "flat-warts-turning-black",
    "ovarian-cancer-prevention-diet",
    "sweating-during-exercise",
    "uterine-fibroids-treatment",
    "wisdom-tooth-gum-swelling",
    "renal-angiomyolipoma",
    "kidney-cancer-causes",
    "tooth-extraction-bleeding",
    "lumbar-cyst-symptoms",
    "knee-pain-running",
    "nail-biting-and-bad-habits",
    "emergency-contraception-failure",
    "flea-bite-blisters",
    "common-cold",
    "flu-vs-cold",
    "fever-in-children",
    "migraine",
    "tension-headache",
    "high-blood-pressure",
    "type-2-diabetes-symptoms",
    "low-blood-sugar",
    "heartburn-acid-reflux",
    "insomnia",
    "lower-back-pain",
    "sunburn",
    "food-poisoning",
    "dehydration",
    "hay-fever",
    "asthma-attack",
    "panic-attack",
    "depression-signs",
    "sprained-ankle",
    "minor-burns-first-aid",
    "nosebleed",
    "sore-throat",
    "ear-infection",
    "pink-eye",
    "urinary-tract-infection",
    "kidney-stones",
    "constipation",
    "diarrhea",
    "hemorrhoids",
    "acne",
    "eczema",
    "dandruff",
    "hair-loss",
    "high-cholesterol",
    "iron-deficiency-anemia",
    "vitamin-d-deficiency",
    "early-pregnancy-signs",
    "period-pain",
    "menopause-symptoms",
    "osteoporosis",
    "gout",
    "osteoarthritis",
    "tick-bites",
    "bee-stings",
    "dog-bites",
    "motion-sickness",
    "hangover",
    "quitting-smoking",
    "snoring-sleep-apnea",
    "dry-eyes",
    "toothache",
    "bad-breath",
    "bleeding-gums",
    "mouth-ulcers",
    "cold-sores",
    "chickenpox",
    "shingles",
    "heat-stroke",
    "frostbite",
    "stroke-signs",
    "heart-attack-symptoms",
    "choking-first-aid",
    "anaphylaxis",
    "head-lice",
    "thrush",
    "varicose-veins",
    "carpal-tunnel",
    "plantar-fasciitis",
    "tinnitus",
    "vertigo",
    "hiccups",
    // The common questions the library once had no article for.
    "tooth-decay",
    "sepsis",
    "meningitis",
    "scarlet-fever",
    "bronchiolitis",
    "bleeding-in-pregnancy",
    "miscarriage",
    "postnatal-depression",
    "dementia-signs",
    "eating-disorders",
    "paracetamol-overdose",
    "suicidal-thoughts",
    "self-harm",
    "threadworms",
    "palpitations",
    "flu",
    "headaches",
    "asthma",
    "kidney-infection",
    "sciatica",
    "glandular-fever",
    "heat-rash",
    "coeliac-disease",
    "lactose-intolerance",
    "diverticulitis",
    "bowel-cancer-signs",
    "prostate-cancer-signs",
    "cervical-screening",
    "hiv-and-prep",
    "long-covid",
    "restless-legs",
    "vomiting-in-children",
    "cradle-cap",
    "safe-sleep-for-babies",
    "ectopic-pregnancy",
    "anal-fissure",
    "dizziness",
    "tiredness-and-fatigue",
];

/// Fewest articles the library may hold.
const MIN_ARTICLES: usize = 230;

/// Public health bodies and professional organisations whose pages articles may cite.
const REPUTABLE_HOSTS: &[&str] = &[
    "nhs.uk",
    "nhsinform.scot",
    "medlineplus.gov",
    "nih.gov",
    "cdc.gov",
    "who.int",
    "mayoclinic.org",
    "cancer.org",
    "cancer.gov",
    "aad.org",
    "mouthhealthy.org",
    "ada.org",
    "heart.org",
    "asthma.org.uk",
    "healthdirect.gov.au",
    "foodsafety.gov",
    "fda.gov",
];

fn bundle() -> Bundle {
    content::load_dir(&content_dir()).unwrap_or_else(|errors| {
        panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn assert_reputable(url: &str, context: &str) {
    let host = url::Url::parse(url).unwrap_or_else(|e| panic!("{context}: {url}: {e}"));
    let host = host.host_str().unwrap_or_default();
    assert!(
        REPUTABLE_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}"))),
        "{context}: {url} is not on a reputable health source"
    );
}

#[test]
fn library_has_at_least_230_valid_articles() {
    let b = bundle();
    assert!(
        b.articles.len() >= MIN_ARTICLES,
        "only {} articles",
        b.articles.len()
    );
    for a in &b.articles {
        assert!(a.summary.is_some(), "{} has no summary", a.slug);
        assert!(
            a.tags.len() >= 3,
            "{} needs tags with the words people type",
            a.slug
        );
        assert!(a.reviewed.is_some(), "{} has no reviewed date", a.slug);
    }
}

#[test]
fn every_required_topic_exists() {
    let slugs: HashSet<String> = bundle().articles.into_iter().map(|a| a.slug).collect();
    let missing: Vec<&&str> = REQUIRED_SLUGS
        .iter()
        .filter(|s| !slugs.contains(**s))
        .collect();
    assert!(missing.is_empty(), "missing required articles: {missing:?}");
}

#[test]
fn every_link_is_https_on_a_reputable_source() {
    let b = bundle();
    for a in &b.articles {
        assert_reputable(&a.url, &a.slug);
        for s in &a.sources {
            assert_reputable(s, &a.slug);
        }
    }
    for t in &b.tips {
        if let Some(url) = &t.url {
            assert_reputable(url, &t.text);
        }
    }
}

#[test]
fn every_article_cites_at_least_one_source() {
    let unsourced: Vec<String> = bundle()
        .articles
        .into_iter()
        .filter(|a| a.sources.is_empty())
        .map(|a| a.slug)
        .collect();
    assert!(
        unsourced.is_empty(),
        "articles without sources: {unsourced:?}"
    );
}

#[test]
fn every_article_is_in_one_of_12_to_20_categories_of_at_least_3() {
    let b = bundle();
    assert!(
        (12..=20).contains(&b.categories.len()),
        "{} categories",
        b.categories.len()
    );
    let gaps = categories::gaps(&b.articles, &b.categories, &content_dir());
    let gaps: Vec<String> = gaps.iter().map(ToString::to_string).collect();
    assert!(gaps.is_empty(), "{}", gaps.join("\n"));
}

#[test]
fn every_heading_has_a_role_and_every_article_says_what_to_do() {
    let b = bundle();
    // The sections a reader acts on; every article has at least one of them.
    let acting = ["self-care", "see-doctor", "emergency"];
    for name in acting {
        assert!(b.section_roles.names().any(|n| n == name), "no role {name}");
    }
    for a in &b.articles {
        let mut roles = Vec::new();
        for heading in sections::headings(&a.body) {
            let role = b.section_roles.role_of(heading).unwrap_or_else(|| {
                panic!(
                    "{}: \"## {heading}\" has no role: use a house heading, or list it \
                     in section-roles.toml",
                    a.slug
                )
            });
            roles.push(role);
        }
        assert!(
            roles.iter().any(|r| acting.contains(r)),
            "{} has none of the sections {acting:?}: {roles:?}",
            a.slug
        );
    }
}

#[test]
fn slugs_and_titles_are_unique() {
    let b = bundle();
    let mut titles = HashSet::new();
    for a in &b.articles {
        assert!(
            titles.insert(a.title.to_lowercase()),
            "duplicate title {:?}",
            a.title
        );
    }
}

#[test]
fn bodies_are_between_120_and_600_words() {
    for a in bundle().articles {
        let n = word_count(&a.body);
        assert!((120..=600).contains(&n), "{} has {n} words", a.slug);
    }
}

/// Five-word shingles, for near-duplicate detection.
fn shingles(text: &str) -> HashSet<String> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    words.windows(5).map(|w| w.join(" ")).collect()
}

#[test]
fn no_two_bodies_are_near_duplicates() {
    let b = bundle();
    let sets: Vec<(String, HashSet<String>)> = b
        .articles
        .iter()
        .map(|a| (a.slug.clone(), shingles(&a.body)))
        .collect();
    for (i, (sa, a)) in sets.iter().enumerate() {
        for (sb, other) in &sets[i + 1..] {
            let j = a.intersection(other).count() as f64 / a.union(other).count().max(1) as f64;
            assert!(
                j < 0.2,
                "{sa} and {sb} share {:.0}% of their phrasing",
                j * 100.0
            );
        }
    }
}

#[test]
fn tips_are_plentiful_short_and_distinct() {
    let tips = bundle().tips;
    assert!(tips.len() >= 180, "only {} tips", tips.len());
    let mut seen: HashMap<String, &str> = HashMap::new();
    for t in &tips {
        let n = t.text.chars().count();
        assert!((20..=300).contains(&n), "tip of {n} characters: {}", t.text);
        let key: String = t
            .text
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        assert!(
            seen.insert(key, &t.text).is_none(),
            "duplicate tip: {}",
            t.text
        );
    }
    let words: Vec<HashSet<String>> = tips
        .iter()
        .map(|t| {
            t.text
                .to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    for (i, a) in words.iter().enumerate() {
        for (k, b) in words.iter().enumerate().skip(i + 1) {
            let j = a.intersection(b).count() as f64 / a.union(b).count() as f64;
            assert!(
                j < 0.6,
                "tips say the same thing:\n{}\n{}",
                tips[i].text,
                tips[k].text
            );
        }
    }
}

#[test]
fn emergency_wording_is_international() {
    for a in bundle().articles {
        let body = a.body.to_lowercase();
        if body.contains("999") || body.contains("911") {
            assert!(
                body.contains("112") || body.contains("local emergency number"),
                "{} names only one country's number",
                a.slug
            );
        }
    }
}
