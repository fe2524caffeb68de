//! The execguard rule engine.
//!
//! Pure: it is handed a [`Change`], read access to the two trees ([`Trees`]), a validated
//! [`Config`] and returns a [`Report`]. No git, no printing, no process exit, no environment.
//!
//! The modules, each importing only those listed before it, so that no import runs in a circle:
//!
//! - [`rule_id`]: the rule ids and their kebab-case names; it imports nothing from the crate.
//!   `memo`: small per-thread memos of readings of a text.
//! - [`markdown`] (documents read as a person reads them), [`progress`] (how an execplan's
//!   Progress section changed), [`model`] (the change and the trees, with the Progress entries
//!   its branch had earlier), [`trailers`] (commit messages read as git reads them), [`config`]
//!   (raw file, validated config). [`status`]: what `execguard status` tells of a plan or a spec.
//! - [`findings`]: what each rule finds, as typed facts, and the text rendered from them.
//! - [`report`]: what a check finds: the findings, refused, overridden or skipped.
//! - [`context`]: what a rule may ask about the change, with reads cached.
//! - [`rules`]: one module per rule, and the table pairing each id with its check and its doc.
//! - [`engine`] (runs the rules over a change, applies overrides and skips) and [`write_guard`]
//!   (whether a path may be written at all).
#![warn(clippy::print_stdout, clippy::print_stderr)]

mod common_ends;
pub mod config;
pub mod context;
pub mod engine;
pub mod findings;
pub mod markdown;
mod memo;
pub mod model;
pub mod progress;
pub mod report;
pub mod rule_id;
pub mod rules;
pub mod status;
pub mod trailers;
pub mod write_guard;

pub use config::{Config, ConfigError};
pub use engine::{
    check, check_change, check_ref_update, MergeView, Options, OtherParent, OverridePolicy,
    ParentView, Pusher,
};
pub use findings::{About, Finding};
pub use model::{
    Change, ChangeLabel, Entry, EntryKind, FileChange, MergedMessages, RefUpdateChange, RepoPath,
    Side, TreeError, Trees, MOST_REVERTED_ANCESTORS,
};
pub use report::{CommitError, Overridden, ProgressLedger, RefusedOverride, Report, Violation};
pub use rule_id::{RuleId, ALL_RULES};
