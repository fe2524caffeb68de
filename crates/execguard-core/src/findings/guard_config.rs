//! `guard-config`: a change that loosens the guard's own config, or leaves one nobody can load.

use serde::Serialize;

use super::{About, CaseCollision};
use crate::model::{Action, EntryKind, RepoPath};
use crate::rule_id::RuleId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum GuardConfig {
    /// The config the change leaves is looser than the config in force.
    Loosened(ConfigLoosened),
    /// The config the change leaves does not parse or validate; never overridden.
    Invalid(ConfigInvalid),
    /// The change leaves something other than a regular file at the config's path; never
    /// overridden.
    NotAFile(ConfigNotAFile),
    /// The change adds a path that a case-insensitive checkout writes over the config.
    CaseCollision(CaseCollision),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ConfigLoosened {
    pub path: RepoPath,
    /// What the change does to the config.
    #[serde(flatten)]
    pub action: Action,
    /// Whether the change leaves no config, so that the embedded default is in force after it.
    pub removed: bool,
    /// Which config the change is compared with.
    pub in_force: ConfigInForce,
    /// Every key the change loosens.
    pub loosenings: Vec<Loosening>,
}

/// The config in force before a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigInForce {
    /// The base's config file.
    Base,
    /// The embedded default, as the base's file is not a valid config.
    DefaultForInvalidBase,
    /// The embedded default, as the base has no config file.
    Default,
}

/// One way a config is looser than the config in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Loosening {
    /// The dotted key, such as `rules.commit-size.max-lines`.
    pub key: String,
    /// The value in force, as TOML.
    pub old: String,
    /// The newer value, as TOML.
    pub new: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ConfigInvalid {
    pub path: RepoPath,
    #[serde(flatten)]
    pub action: Action,
    /// What is wrong with the new config, and where.
    pub error: ConfigProblem,
}

/// Where a config fails to parse or validate, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ConfigProblem {
    /// How the file is named: `.execguard.toml`, `1a2b3c4:.execguard.toml`.
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ConfigNotAFile {
    pub path: RepoPath,
    #[serde(flatten)]
    pub action: Action,
    /// What the change leaves at the path instead.
    pub found: EntryKind,
}

impl From<&crate::config::Loosening> for Loosening {
    fn from(loosening: &crate::config::Loosening) -> Self {
        Loosening {
            key: loosening.key.clone(),
            old: loosening.old.clone(),
            new: loosening.new.clone(),
        }
    }
}

impl From<&crate::config::ConfigError> for ConfigProblem {
    fn from(error: &crate::config::ConfigError) -> Self {
        ConfigProblem {
            origin: error.origin.clone(),
            line: error.line,
            column: error.column,
            message: error.message.clone(),
        }
    }
}

impl GuardConfig {
    pub(super) fn path(&self) -> &RepoPath {
        match self {
            GuardConfig::Loosened(found) => &found.path,
            GuardConfig::Invalid(found) => &found.path,
            GuardConfig::NotAFile(found) => &found.path,
            GuardConfig::CaseCollision(found) => &found.added,
        }
    }

    /// A config nobody could load cannot be accepted: it would stop every later check.
    pub(super) fn overridable(&self) -> bool {
        !matches!(self, GuardConfig::Invalid(_) | GuardConfig::NotAFile(_))
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            GuardConfig::Loosened(found) => {
                let what = if found.removed {
                    ", leaving the embedded default config, which is looser than"
                } else {
                    " with a config looser than"
                };
                let in_force = match found.in_force {
                    ConfigInForce::Base => format!("{} at {}", found.path, about.base),
                    ConfigInForce::DefaultForInvalidBase => format!(
                        "the embedded default config, as {} at {} is not a valid config",
                        found.path, about.base
                    ),
                    ConfigInForce::Default => "the embedded default config".to_string(),
                };
                let listed = found
                    .loosenings
                    .iter()
                    .map(|l| format!("{}: {} → {}", l.key, l.old, l.new))
                    .collect::<Vec<_>>()
                    .join("; ");
                format!(
                    "{} {}{what} the config in force ({in_force}): {listed}. The rules are a human decision.",
                    about.subject,
                    found.action.describe(&found.path),
                )
            }
            GuardConfig::Invalid(found) => format!(
                "{} {}, and the new config is invalid: {}:{}:{}: {}. Accepted, it would make every later commit fail to check, so this cannot be overridden or skipped.",
                about.subject,
                found.action.describe(&found.path),
                found.error.origin,
                found.error.line,
                found.error.column,
                found.error.message
            ),
            GuardConfig::NotAFile(found) => format!(
                "{} {}: the config must be a regular file, and the guard cannot read a {} as one. Accepted, it would break every later check, so this cannot be overridden or skipped.",
                about.subject,
                found.action.describe(&found.path),
                found.found.describe()
            ),
            GuardConfig::CaseCollision(found) => found.message(about, "the guard's own config"),
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        let undo = &about.undo;
        match self {
            GuardConfig::Loosened(_) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. Restore it ({undo}) or change it only in ways that keep every rule at least as strict. Loosening the rules needs a human's approval: a human who approves adds `Execguard-Override: guard-config: <reason>` to the commit."
            ),
            GuardConfig::Invalid(found) => format!(
                "Fix the file (`execguard config --check {path}` shows what is wrong; `execguard init --stdout` prints every valid key) or restore it ({undo}).",
                path = found.path
            ),
            GuardConfig::NotAFile(_) => {
                format!("Commit the config as a regular file, or restore it ({undo}).")
            }
            GuardConfig::CaseCollision(found) => found.hint(about, RuleId::GuardConfig),
        }
    }
}
