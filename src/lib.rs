//! healthbot answers everyday health questions from a curated library of sourced articles.
//!
//! # Layout
//! - [`config`]: settings from the environment, validated once.
//! - [`clock`]: where "now" comes from, one clock shared by handlers and the tips task.
//! - [`content`]: the bundled library on disk (articles, tips, synonyms).
//! - [`text`]: word normalisation shared by search, summary and safety, and text clipping.
//! - [`synonyms`]: lay/medical synonym groups, parsed with the content, matched by search.
//! - [`search`]: the tantivy index and question matching.
//! - [`intent`]: what kind of answer a question wants (treat, worry, duration...), from cue phrases.
//! - [`summary`]: the question-focused extractive summary.
//! - [`safety`]: red-flag (emergency) detection, run before matching.
//! - [`encoder`]: the sentence encoder (all-MiniLM-L6-v2 on candle) and its vector cache.
//! - [`dense`]: the semantic index: sentence vectors of articles and phrasings, searched by cosine.
//! - [`gate`]: the calibrated answer gate (logistic model over confidence features).
//! - [`smalltalk`]: greetings, thanks and "are you a doctor": friendly replies from a data file.
//! - [`ranker`]: the hybrid ranking: lexical and dense scores fused, with the gate's features.
//! - [`eval`]: ranking metrics, latency percentiles and peak memory for `healthbot eval`.
//! - [`answer`]: safety + search + summary, composed into one [`answer::Answer`].
//! - [`store`]: durable state in sled.
//! - [`flood`]: per-user flood control.
//! - [`followup`]: the article each chat was last given, in memory, for follow-up questions.
//! - [`pacer`]: when an outgoing message may leave (Telegram's send limits), replies first.
//! - [`tips`]: daily tips: schedule, rotation, subscriptions and the delivery task.
//! - [`topics`]: browsing by topic: categories in order, paged lists, previous/next articles.
//! - [`library`]: admin curation of the library (add, edit, delete, import, export).
//! - [`stats`]: the admin's work queue: usage figures and what to write next.
//! - [`telemetry`]: the metrics (names, labels) and their Prometheus recorder.
//! - [`health`]: whether the bot is healthy: the store answers and the Bot API was reached.
//! - [`monitor`]: the operators' HTTP listener: `/metrics` and `/healthz`.
//! - [`links`]: checking that the library's links still lead somewhere (`check-links`).
//! - [`review`]: the admins' review queue: unanswered and 👎 questions to teach the bot.
//! - [`app`]: the app's assembly (store, content sync, index, engine), shared by bot and CLI.
//! - [`cli`]: the command-line interface.
//! - [`bot`], [`commands`] and [`handlers`]: the Telegram layer, the only code that knows teloxide.

#![forbid(unsafe_code)]

pub mod answer;
pub mod app;
pub mod bot;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod content;
pub mod dense;
pub mod encoder;
pub mod error;
pub mod eval;
pub mod flood;
pub mod followup;
pub mod gate;
pub mod handlers;
pub mod health;
pub mod intent;
pub mod library;
pub mod links;
pub mod monitor;
pub mod pacer;
pub mod ranker;
pub mod review;
pub mod safety;
pub mod search;
pub mod smalltalk;
pub mod stats;
pub mod store;
pub mod summary;
pub mod synonyms;
pub mod telemetry;
pub mod text;
pub mod tips;
pub mod topics;
