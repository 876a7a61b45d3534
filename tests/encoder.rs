//! The Rust sentence encoder against sentence-transformers' own vectors, and the shipped model
//! files against their recorded hashes.

use std::path::Path;

use healthbot::encoder::{DIM, Encoder, cosine};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Least cosine between our vector and sentence-transformers' for the same sentence.
const MIN_COSINE: f32 = 1.0 - 1e-3;

/// Upstream `sentence-transformers/all-MiniLM-L6-v2` at revision
/// 1110a243fdf4706b3f48f1d95db1a4f5529b4d41, as recorded in the model's README.
const UPSTREAM: [(&str, &str); 3] = [
    (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
    (
        "config.json",
        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    ),
];

#[derive(Deserialize)]
struct Reference {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    text: String,
    tokens: usize,
    vector: Vec<f32>,
}

fn reference() -> Reference {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/minilm-reference.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn vectors_match_sentence_transformers_alone_and_in_a_padded_batch() {
    let encoder = Encoder::load(&crate::util::model_dir()).expect("the bundled model loads");
    let reference = reference();
    assert!(reference.items.len() >= 10);
    assert!(
        reference.items.iter().any(|i| i.tokens > 128)
            && reference.items.iter().any(|i| i.tokens == 256),
        "the fixture must cover inputs past 128 word pieces and truncation at 256"
    );
    let texts: Vec<&str> = reference.items.iter().map(|i| i.text.as_str()).collect();
    let batch = encoder.encode_batch(&texts).unwrap();
    for (item, got) in reference.items.iter().zip(&batch) {
        assert_eq!(got.len(), DIM);
        let c = cosine(got, &item.vector);
        assert!(
            c >= MIN_COSINE,
            "batched {:?}: cosine {c}",
            &item.text[..item.text.len().min(40)]
        );
        let alone = encoder.encode(&item.text).unwrap();
        let c = cosine(&alone, &item.vector);
        assert!(
            c >= MIN_COSINE,
            "alone {:?}: cosine {c}",
            &item.text[..item.text.len().min(40)]
        );
    }
}

#[test]
fn shipped_model_files_have_the_upstream_hashes() {
    for (file, want) in UPSTREAM {
        let bytes = std::fs::read(crate::util::model_dir().join(file)).unwrap();
        let got = format!("{:x}", Sha256::digest(&bytes));
        assert_eq!(got, want, "{file} differs from upstream");
    }
    let readme = std::fs::read_to_string(crate::util::model_dir().join("README.md")).unwrap();
    for (_, hash) in UPSTREAM {
        assert!(readme.contains(hash), "the model README must record {hash}");
    }
}

#[test]
fn a_missing_model_is_reported_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    let err = Encoder::load(dir.path())
        .err()
        .expect("an empty folder has no model");
    assert!(
        matches!(err, healthbot::encoder::EncoderError::Missing { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("MODEL_DIR"), "{err}");
}

#[test]
fn the_shipped_library_vectors_cover_every_bundled_text() {
    let bundle = healthbot::content::load_dir(&crate::util::content_dir()).unwrap();
    let encoder = Encoder::load(&crate::util::model_dir()).unwrap();
    let seed = crate::util::content_dir()
        .join(healthbot::app::SEED_DIR)
        .join(format!("{}.vec", encoder.id()));
    let mut cache = healthbot::encoder::VectorCache::in_memory();
    cache.seed_from(&seed);
    let missing: Vec<String> = healthbot::app::texts_to_embed(&bundle.articles, &bundle.off_topic)
        .into_iter()
        .filter(|t| !cache.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "{} bundled texts have no shipped vector (first: {:?}); run `healthbot embed` after editing content/",
        missing.len(),
        missing.first()
    );
}

#[test]
fn a_cold_cache_embeds_what_it_lacks_and_keeps_it_for_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let encoder = Encoder::load(&crate::util::model_dir()).unwrap();
    let texts = ["my ankle is swollen", "how long does a cold last"];
    let mut cache = healthbot::encoder::VectorCache::open(dir.path(), encoder.id(), "ns");
    assert!(cache.is_empty());
    let vectors = cache.embed(&encoder, &texts).unwrap();
    assert_eq!(vectors.len(), 2);
    assert!((cosine(&vectors[0], &encoder.encode(texts[0]).unwrap()) - 1.0).abs() < 1e-4);
    cache.save().unwrap();
    let again = healthbot::encoder::VectorCache::open(dir.path(), encoder.id(), "ns");
    assert!(texts.iter().all(|t| again.contains(t)));
}
