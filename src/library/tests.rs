//! Unit tests for [`super::Library`] over a real temporary sled store and an in-RAM index.

use super::*;
use crate::content::testutil::article;
use crate::store::Origin;
use crate::synonyms::Synonyms;

fn library() -> Library {
    library_over(&[article("gout", "Gout", &["joints"], "Gout is joint pain.")])
}

/// A library over these bundled articles, with a lexical index only.
pub(super) fn library_over(bundle: &[Article]) -> Library {
    let store = Store::temporary().unwrap();
    store.sync_bundle(bundle, &[]).unwrap();
    let index =
        crate::search::Index::build(&store.articles().unwrap(), Synonyms::default()).unwrap();
    let engine = Engine::new(index, crate::safety::Safety::new("112", "a crisis line"));
    Library::new(store, engine)
}

pub(super) fn admin() -> Actor {
    Actor {
        id: 1,
        name: "Ann".into(),
    }
}

fn draft(title: &str, body: &str) -> Draft {
    Draft {
        title: title.into(),
        url: "https://www.nhs.uk/conditions/x".into(),
        tags: vec![],
        category: None,
        body: body.into(),
    }
}

fn in_category(title: &str, category: &str) -> Draft {
    Draft {
        category: Some(category.into()),
        ..draft(title, "Body.")
    }
}

fn jsonl(lines: &[&str]) -> Vec<u8> {
    lines.join("\n").into_bytes()
}

#[test]
fn added_article_is_searchable_at_once_and_audited() {
    let lib = library();
    let a = lib
        .add(draft("Hay fever", "Pollen makes you sneeze."), &admin())
        .unwrap();
    assert_eq!(a.slug, "hay-fever");
    let hits = lib.engine.index.search("pollen sneeze", 3).unwrap().hits;
    assert_eq!(hits[0].slug, "hay-fever");
    let (log, _) = lib.store.audit_log(0, 1).unwrap();
    assert_eq!(
        (log[0].admin_id, log[0].action.as_str()),
        (1, "add hay-fever")
    );
}

#[test]
fn slug_clash_gets_a_numeric_suffix() {
    let taken = ["hay-fever", "hay-fever-2"];
    assert_eq!(
        unique_slug("Hay Fever!", |s| taken.contains(&s)),
        "hay-fever-3"
    );
    assert_eq!(unique_slug("Грипп", |_| false), "article");
}

#[test]
fn duplicate_title_is_refused_and_nothing_is_stored() {
    let lib = library();
    let err = lib.add(draft("gout", "Again."), &admin()).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(lib.store.articles().unwrap().len(), 1);
    assert_eq!(lib.store.audit_log(0, 1).unwrap().1, 0);
}

#[test]
fn oversized_body_is_refused() {
    let lib = library();
    let err = lib
        .add(draft("Big", &"a".repeat(5_000_000)), &admin())
        .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    assert!(lib.get("big").unwrap().is_none());
}

#[test]
fn editing_a_bundled_article_marks_it_admin_edited() {
    let lib = library();
    lib.edit("gout", draft("Gout", "New wording about toes."), &admin())
        .unwrap();
    let stored = lib.get("gout").unwrap().unwrap();
    assert_eq!(stored.origin, Origin::BundledEdited);
    assert_eq!(
        lib.engine.index.article("gout").unwrap().unwrap().body,
        "New wording about toes."
    );
}

#[test]
fn deleted_article_leaves_the_index() {
    let lib = library();
    lib.delete("gout", &admin()).unwrap();
    assert!(lib.engine.index.article("gout").unwrap().is_none());
    assert!(matches!(
        lib.delete("gout", &admin()),
        Err(LibraryError::NotFound(_))
    ));
}

#[test]
fn import_with_a_bad_line_writes_nothing_and_names_each_line() {
    let lib = library();
    let file = concat!(
        r#"{"title":"Ok","url":"https://a.org/x","body":"Fine."}"#,
        "\n",
        r#"{"title":"Bad","url":"http://a.org/x","body":"Fine."}"#,
        "\n",
        r#"{"title":"Empty","url":"https://a.org/x","body":" "}"#,
        "\n",
        "{not json",
    );
    let result = lib.import("x.jsonl", file.as_bytes(), &admin());
    let Err(LibraryError::Rejected(problems)) = result else {
        panic!("import must be rejected");
    };
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4]);
    assert!(problems[0].reason.contains("https"), "{problems:?}");
    assert_eq!(lib.store.articles().unwrap().len(), 1);
}

#[test]
fn malformed_json_lines_are_all_reported() {
    let problems = parse_import("x.jsonl", b"{oops\n\n{\"title\":1}").unwrap_err();
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [1, 3]);
}

#[test]
fn import_counts_added_updated_and_unchanged() {
    let lib = library();
    let report = lib
        .import(
            "x.jsonl",
            &jsonl(&[
                r#"{"title":"New one","url":"https://a.org/x","body":"Fresh.","tags":["A"]}"#,
                r#"{"slug":"gout","title":"Gout","url":"https://a.org/g","body":"Edited."}"#,
            ]),
            &admin(),
        )
        .unwrap();
    assert_eq!(
        report,
        ImportReport {
            added: 1,
            updated: 1,
            unchanged: 0,
            ..ImportReport::default()
        }
    );
    assert_eq!(lib.get("new-one").unwrap().unwrap().article.tags, ["a"]);
}

#[test]
fn export_then_import_changes_nothing() {
    let lib = library();
    lib.add(draft("Hay fever", "Pollen."), &admin()).unwrap();
    let before = lib.store.articles().unwrap();
    let bytes = lib.export().unwrap();
    let report = lib.import("library.jsonl", &bytes, &admin()).unwrap();
    assert_eq!(
        report,
        ImportReport {
            added: 0,
            updated: 0,
            unchanged: 2,
            ..ImportReport::default()
        }
    );
    assert_eq!(lib.store.articles().unwrap(), before);
}

#[test]
fn markdown_import_uses_the_bundled_format() {
    let text = "+++\ntitle = \"Hay fever\"\nurl = \"https://www.nhs.uk/x\"\n+++\nPollen.\n";
    let records = parse_import("hay-fever.md", text.as_bytes()).unwrap();
    assert_eq!(records.articles[0].slug.as_deref(), Some("hay-fever"));
    let problems = parse_import("x.md", b"no front matter").unwrap_err();
    assert_eq!(problems[0].line, 1);
}

#[test]
fn duplicate_slugs_in_one_file_are_refused() {
    let lib = library();
    let result = lib.import(
        "x.jsonl",
        &jsonl(&[
            r#"{"slug":"a","title":"A","url":"https://a.org/x","body":"One."}"#,
            r#"{"slug":"a","title":"B","url":"https://a.org/x","body":"Two."}"#,
        ]),
        &admin(),
    );
    let Err(LibraryError::Rejected(problems)) = result else {
        panic!("must be rejected");
    };
    assert!(problems[0].reason.contains("line 1"), "{problems:?}");
}

#[test]
fn categories_are_set_by_id_or_name_and_unknown_ones_refused() {
    let lib = library();
    let a = lib.add(
        in_category("Hay fever", "Eyes, ears, nose and throat"),
        &admin(),
    );
    assert_eq!(a.unwrap().category.as_deref(), Some("eyes-ears"));
    let err = lib
        .add(in_category("Gum boils", "gums"), &admin())
        .unwrap_err();
    assert!(
        matches!(&err, LibraryError::Invalid(m) if m.contains("gums") && m.contains("teeth-mouth")),
        "{err}"
    );
    assert!(lib.get("gum-boils").unwrap().is_none());
}

#[test]
fn an_edit_keeps_the_category_unless_the_form_names_one() {
    let lib = library();
    lib.add(in_category("Hay fever", "eyes-ears"), &admin())
        .unwrap();
    let kept = lib.edit("hay-fever", draft("Hay fever", "Pollen."), &admin());
    assert_eq!(kept.unwrap().category.as_deref(), Some("eyes-ears"));
    let moved = lib.edit("hay-fever", in_category("Hay fever", "lungs"), &admin());
    assert_eq!(moved.unwrap().category.as_deref(), Some("lungs"));
    assert!(
        lib.edit("hay-fever", in_category("Hay fever", "nope"), &admin())
            .is_err()
    );
}

#[test]
fn categories_survive_export_and_import_into_a_fresh_library() {
    let lib = library();
    lib.add(in_category("Hay fever", "eyes-ears"), &admin())
        .unwrap();
    let bytes = lib.export().unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains(r#""category":"eyes-ears""#));
    let fresh = library();
    fresh.import("library.jsonl", &bytes, &admin()).unwrap();
    let hay = fresh.get("hay-fever").unwrap().unwrap().article;
    assert_eq!(hay.category.as_deref(), Some("eyes-ears"));
}

#[test]
fn an_import_with_an_unknown_category_is_refused() {
    let lib = library();
    let result = lib.import(
        "x.jsonl",
        &jsonl(&[r#"{"title":"A","url":"https://a.org/x","body":"One.","category":"nope"}"#]),
        &admin(),
    );
    let Err(LibraryError::Rejected(problems)) = result else {
        panic!("must be rejected");
    };
    assert!(
        problems[0].reason.contains("unknown category `nope`"),
        "{problems:?}"
    );
}
