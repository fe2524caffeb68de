//! The execguard rule engine.
//!
//! Pure: it is handed a [`Change`](model::Change), read access to the two trees
//! ([`Trees`](model::Trees)), a validated [`Config`](config::Config) and returns a
//! [`Report`](report::Report). No git, no printing, no process exit, no environment.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod context;
pub mod engine;
pub mod markdown;
mod memo;
pub mod model;
pub mod progress;
pub mod report;
pub mod rule_id;
pub mod rules;
pub mod trailers;
pub mod write_guard;

pub use config::{Config, ConfigError};
pub use engine::{
    check, check_change, MergeView, Options, OtherParent, OverridePolicy, ParentView,
};
pub use model::{
    Change, ChangeLabel, Entry, EntryKind, FileChange, RepoPath, Side, TreeError, Trees,
};
pub use report::{CommitError, Overridden, Report, Violation};
pub use rule_id::{RuleId, ALL_RULES};
