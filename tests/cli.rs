//! The `healthbot` binary's offline commands, run as a user would run them.

use std::io::Write;
use std::process::Stdio;

use crate::util::{ask_json, healthbot, scratch, stderr, stdout};

#[test]
fn ask_answers_tooth_extraction_bleeding_with_its_source() {
    let (_dir, data) = scratch();
    let a = ask_json(
        &data,
        "how long should bleeding last after tooth extraction",
    );
    assert_eq!(a["answered"], true, "{a}");
    assert_eq!(a["emergency"], false, "{a}");
    assert_eq!(a["best"]["slug"], "tooth-extraction-bleeding", "{a}");
    assert!(
        a["best"]["url"].as_str().unwrap().starts_with("https://"),
        "{a}"
    );
    let summary = a["best"]["summary"].as_str().unwrap();
    assert!(
        // A "how long" question is answered with the sentence that states the time span.
        summary.chars().count() <= 400 && summary.contains("24 to 48 hours"),
        "{summary}"
    );
    assert_eq!(
        a["related"].as_array().unwrap().len(),
        3,
        "best + related = --top 4 by default"
    );
}

#[test]
fn ask_understands_lay_terms_and_typos() {
    let (_dir, data) = scratch();
    for (question, slug) in [
        ("migrane with flashing lights", "migraine"),
        (
            "bleeding after my tooth was pulled",
            "tooth-extraction-bleeding",
        ),
        ("it stings when I pee", "urinary-tract-infection"),
        (
            "itchy bum and blood on the toilet paper",
            "hemorrhoids|anal-fissure",
        ),
    ] {
        let a = ask_json(&data, question);
        let got = a["best"]["slug"].as_str().unwrap_or_default();
        assert!(slug.split('|').any(|s| s == got), "{question}: {a}");
    }
}

#[test]
fn ask_explains_a_meaning_based_match_with_the_encoder_active() {
    let (_dir, data) = scratch();
    let out = healthbot(&data)
        .args([
            "ask",
            "--json",
            "--explain",
            "my wee burns and smells weird and i need to go every 5 minutes",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let why = &a["explain"];
    assert_eq!(
        why["semantic"], true,
        "the encoder must be loaded, not the fallback: {why}"
    );
    assert_eq!(a["best"]["slug"], "urinary-tract-infection", "{a}");
    assert!(why["probability"].as_f64().unwrap() >= why["threshold"].as_f64().unwrap());
    assert!(
        why["candidates"][0]["cosine"].as_f64().unwrap() > 0.5,
        "{why}"
    );
    let text = healthbot(&data)
        .args(["ask", "--explain", "my wee burns"])
        .output()
        .unwrap();
    let text = stdout(&text);
    for part in [
        "Words matched:",
        "Nearest text of",
        "Gate: probability",
        "Decision:",
    ] {
        assert!(text.contains(part), "{part} missing from:\n{text}");
    }
}

#[test]
fn without_a_model_ask_warns_once_and_still_answers() {
    let (dir, data) = scratch();
    let out = healthbot(&data)
        .env("MODEL_DIR", dir.path().join("no-model"))
        .env("RUST_LOG", "warn")
        .args([
            "ask",
            "--json",
            "how long should bleeding last after tooth extraction",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    let warnings = log.lines().filter(|l| l.contains("MODEL_DIR")).count();
    assert_eq!(warnings, 1, "one clear warning: {log}");
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["best"]["slug"], "tooth-extraction-bleeding", "{a}");
}

#[test]
fn off_topic_questions_get_no_confident_answer() {
    let (_dir, data) = scratch();
    for question in ["what's the weather tomorrow", "how do I fix a bike tyre"] {
        let a = ask_json(&data, question);
        assert_eq!(a["answered"], false, "{question}: {a}");
        assert!(a["best"].is_null(), "{a}");
        assert!(a["related"].as_array().unwrap().len() <= 4, "{a}");
    }
}

#[test]
fn emergencies_lead_with_emergency_advice() {
    let (_dir, data) = scratch();
    let out = healthbot(&data)
        .args(["ask", "my dad has crushing chest pain and is sweating"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.starts_with("EMERGENCY:") && text.contains("emergency number"),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("not medical advice. If you are worried, talk to a doctor or pharmacist."),
        "{text}"
    );
    assert_eq!(ask_json(&data, "I want to end my life")["emergency"], true);
}

#[test]
fn batch_mode_answers_one_question_per_line() {
    let (_dir, data) = scratch();
    let mut child = healthbot(&data)
        .args(["ask", "--json", "--top", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"sunburn blisters\n\nhow to stop hiccups\nbike chain slipping\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "blank lines are skipped");
    assert_eq!(lines[0]["best"]["slug"], "sunburn");
    assert_eq!(lines[1]["best"]["slug"], "hiccups");
    assert_eq!(
        lines[0]["related"].as_array().unwrap().len(),
        1,
        "--top 2 = best + 1"
    );
    assert_eq!(lines[2]["answered"], false);
}

#[test]
fn corpus_mode_answers_from_the_file_and_leaves_data_dir_alone() {
    let (dir, data) = scratch();
    let corpus = dir.path().join("corpus.jsonl");
    std::fs::write(
        &corpus,
        "{\"id\":\"d1\",\"title\":\"Gardening and back strain\",\"url\":\"\",\"body\":\"Lift soil bags with bent knees.\"}\n\
         {\"id\":\"d2\",\"title\":\"Sun cream\",\"url\":\"https://example.org\",\"body\":\"Reapply every two hours.\",\"tags\":[\"sunscreen\"]}\n",
    )
    .unwrap();
    let out = healthbot(&data)
        .args(["ask", "--json", "--corpus"])
        .arg(&corpus)
        .arg("when should I reapply sunscreen")
        .output()
        .unwrap();
    let a: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(a["best"]["slug"], "d2", "{a}");
    assert!(!data.exists(), "--corpus must not create DATA_DIR");
}

#[test]
fn malformed_corpus_line_is_named() {
    let (dir, data) = scratch();
    let corpus = dir.path().join("bad.jsonl");
    std::fs::write(
        &corpus,
        "{\"id\":\"d1\",\"title\":\"T\",\"body\":\"B\"}\nnot json\n",
    )
    .unwrap();
    let out = healthbot(&data)
        .args(["ask", "--corpus"])
        .arg(&corpus)
        .arg("q")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bad.jsonl:2"), "{}", stderr(&out));
}

#[test]
fn run_without_a_token_suggests_ask() {
    let (_dir, data) = scratch();
    for args in [&[][..], &["run"][..]] {
        let out = healthbot(&data).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains("TELOXIDE_TOKEN") && err.contains("healthbot ask"),
            "{err}"
        );
    }
}

#[test]
fn invalid_setting_is_named_in_the_error() {
    let (_dir, data) = scratch();
    let out = healthbot(&data)
        .env("TIPS_DEFAULT_TIME", "25:99")
        .args(["ask", "cold"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("TIPS_DEFAULT_TIME"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn data_dir_held_by_another_process_fails_at_once_naming_data_dir() {
    let (_dir, data) = scratch();
    let _held = healthbot::store::Store::open(&data).unwrap();
    let started = std::time::Instant::now();
    let out = healthbot(&data).args(["ask", "cold"]).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("DATA_DIR"), "{}", stderr(&out));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "must not wait for the lock"
    );
}

#[test]
fn check_content_passes_on_the_bundled_library() {
    let (_dir, data) = scratch();
    let out = healthbot(&data).arg("check-content").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok:"), "{}", stdout(&out));
}

#[test]
fn check_content_names_each_broken_file_and_line() {
    let (dir, data) = scratch();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(
        content.join("articles/good.md"),
        "+++\ntitle = \"Good\"\nurl = \"https://www.nhs.uk/\"\ncategory = \"skin\"\n+++\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        content.join("articles/broken.md"),
        "+++\ntitle = \"Broken\"\nurl = https://x\n+++\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        content.join("articles/insecure.md"),
        "+++\ntitle = \"Insecure\"\nurl = \"http://www.nhs.uk/\"\n+++\nBody.\n",
    )
    .unwrap();
    std::fs::write(content.join("tips.toml"), "[[tip]]\ntext = \"\"\n").unwrap();
    let out = healthbot(&data)
        .env("CONTENT_DIR", &content)
        .arg("check-content")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("broken.md:3:"), "{err}");
    assert!(
        err.contains("insecure.md:") && err.contains("https"),
        "{err}"
    );
    assert!(err.contains("tips.toml:1:"), "{err}");
    assert!(!err.contains("good.md"), "{err}");
}

/// Writes a minimal article into `content/articles/`: a condition article with the house
/// sections, so only its category can be wrong.
fn write_article(content: &std::path::Path, slug: &str, category: Option<&str>) {
    let category = category.map_or(String::new(), |c| format!("category = \"{c}\"\n"));
    let body = "Body.\n\n## What you can do now\n\n- Rest.\n\n## See a doctor if\n\n- It lasts.\n";
    std::fs::write(
        content.join(format!("articles/{slug}.md")),
        format!("+++\ntitle = \"{slug}\"\nurl = \"https://www.nhs.uk/\"\n{category}+++\n{body}"),
    )
    .unwrap();
}

#[test]
fn check_content_wants_a_known_category_on_every_article_and_three_in_each() {
    let (dir, data) = scratch();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(
        content.join("categories.toml"),
        "[[category]]\nid = \"skin\"\nname = \"Skin\"\norder = 1\n\n\
         [[category]]\nid = \"teeth\"\nname = \"Teeth\"\norder = 2\n",
    )
    .unwrap();
    for slug in ["acne", "boils", "corns"] {
        write_article(&content, slug, Some("skin"));
    }
    write_article(&content, "loose", None);
    write_article(&content, "toothache", Some("teeth"));
    let check = || {
        healthbot(&data)
            .env("CONTENT_DIR", &content)
            .arg("check-content")
            .output()
            .unwrap()
    };
    let out = check();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("loose.md:") && err.contains("no `category`"),
        "{err}"
    );
    assert!(
        err.contains("categories.toml:6:") && err.contains("`teeth` has 1"),
        "{err}"
    );
    assert!(!err.contains("acne.md") && !err.contains("`skin`"), "{err}");

    write_article(&content, "loose", Some("teth"));
    let err = stderr(&check());
    assert!(
        err.contains("loose.md:4:") && err.contains("unknown category `teth`"),
        "{err}"
    );

    for slug in ["loose", "gum-boil", "tooth-decay"] {
        write_article(&content, slug, Some("teeth"));
    }
    let out = check();
    assert!(out.status.success(), "{}", stderr(&out));
}
