//! The guard's configuration, read the way cargo-deny reads its own: the file as written (`raw`:
//! serde structs with spans) is validated (`validator`, with `layout` and `adoption` for their
//! tables) into a typed [`Config`] (`validated`) that cannot hold an invalid glob or regex. An
//! error names the file, line, column and key (`error`, `keys`); globs, path templates, markers
//! and branch patterns are compiled in `patterns`. `render` writes a config back as TOML, and
//! `strictness` tells whether one config is at least as strict as another.

mod adoption;
mod coverage;
mod error;
mod generated;
mod glob_text;
mod keys;
mod layout;
mod patterns;
mod progress_rule;
mod raw;
mod render;
mod server;
mod spec_glob;
mod strictness;
mod template;
mod validated;
mod validator;

pub use adoption::{is_full_commit_id, AdoptionConfig};
pub use error::ConfigError;
pub use generated::{GeneratedMarkers, DEFAULT_GENERATED_MARKERS};
pub use layout::{
    Layout, DEFAULT_BRANCH_PATTERNS, DEFAULT_CLOSED_PLANS, DEFAULT_NOT_CODE, DEFAULT_NOT_PLANNING,
    DEFAULT_SHELVED_PLANS,
};
pub use patterns::{BranchPatterns, Globs, Markers, SpecGlob, SpecGlobs, Templates};
pub use progress_rule::{
    Patterns, ProgressUpdateConfig, Require, UnplannedVerdict, Within,
    DEFAULT_MERGE_RESOLUTION_LINES, DEFAULT_UNPLANNED_EXCLUDE, DEFAULT_UNPLANNED_MAX_FILES,
    DEFAULT_UNPLANNED_MAX_LINES, DEFAULT_UNPLANNED_SPREAD_FOLDERS, DEFAULT_UNPLANNED_SPREAD_LINES,
};
pub use raw::json_schema;
pub use server::{ServerConfig, SpecOwners, DEFAULT_BRANCH};
pub use strictness::Loosening;
pub use template::Template;
pub use validated::{
    CommitMessageConfig, CommitSizeConfig, Config, ExecplanDeletedConfig, ExecplanReadyConfig,
    ExecplanSectionsConfig, ProtectedPathConfig, ProtectedSection, RulesConfig, Scope,
    DEFAULT_CONFIG, DEFAULT_LINE_BYTES, DEFAULT_MAX_BINARY_BYTES, DEFAULT_SECTIONS,
};

/// Where the guard looks for its own config in a repository.
pub const CONFIG_PATH: &str = ".execguard.toml";

#[cfg(test)]
mod parse_tests;
