//! The typed config the rules read: built from the raw file by the validator, so that it cannot
//! hold an invalid glob, regex or template, and every limit is positive.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::adoption::AdoptionConfig;
use super::error::{serde_message, ConfigError};
use super::layout::Layout;
use super::patterns::Globs;
use super::progress_rule::ProgressUpdateConfig;
use super::raw::RawConfig;
use super::server::ServerConfig;
use super::validator::Validator;
use crate::model::RepoPath;
use crate::rule_id::{RuleId, ALL_RULES};

/// The documented default configuration: `config/execguard.toml` of this crate, which the
/// repository's top-level `config/execguard.toml` copies.
pub const DEFAULT_CONFIG: &str = include_str!("../../config/execguard.toml");

// The validated model.

#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub branches: Globs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProtectedPathConfig {
    pub paths: Globs,
    /// Sections of files only a human may change.
    pub sections: Vec<ProtectedSection>,
}

/// A section of a file only a human may change: from its heading to the next heading of the same
/// or a higher level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectedSection {
    pub path: RepoPath,
    /// The title as written in the config, matched as section titles are.
    pub heading: String,
}

impl ProtectedSection {
    /// `README.md#Plan index`, as the strictness check compares them.
    pub fn key(&self) -> String {
        format!("{}#{}", self.path, self.heading)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecplanReadyConfig {
    /// Whether code also needs the plan's spec frozen in the base; `false` for repositories that
    /// keep plans but no per-feature specs.
    pub require_spec: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecplanDeletedConfig {
    /// Whether moving a plan into `[layout] closed-plans` while its Progress has open items and
    /// none done is a finding: a plan closed with no step recorded as done.
    pub closing_unstarted: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecplanSectionsConfig {
    pub required: Vec<String>,
    pub require_spec_path: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommitSizeConfig {
    /// Changed lines (added plus deleted) a commit may have, long lines weighed by `line_bytes`.
    pub max_lines: u64,
    pub max_files: u64,
    /// The largest blob a commit may add or modify.
    pub max_file_bytes: u64,
    /// The bytes of binary content a commit may add or modify, all files together.
    pub max_binary_bytes: u64,
    /// A changed line counts once per started `line_bytes` bytes.
    pub line_bytes: u64,
    /// Paths trusted not to count toward lines or binary bytes (a human's list; the built-in
    /// lockfile exclusion is separate and checks content).
    pub exclude: Globs,
    /// Paths whose blobs may exceed `max_file_bytes` (assets, fonts); a human's list.
    pub large_files: Globs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommitMessageConfig {
    pub max_subject: usize,
    /// Whether subjects git and the forges generate (merges, reverts) may exceed `max_subject`.
    pub exempt_generated: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RulesConfig {
    pub enabled: BTreeMap<RuleId, bool>,
    pub protected_path: ProtectedPathConfig,
    pub progress_update: ProgressUpdateConfig,
    pub execplan_ready: ExecplanReadyConfig,
    pub execplan_sections: ExecplanSectionsConfig,
    pub execplan_deleted: ExecplanDeletedConfig,
    pub commit_size: CommitSizeConfig,
    pub commit_message: CommitMessageConfig,
}

/// A validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub layout: Layout,
    pub scope: Scope,
    pub rules: RulesConfig,
    pub server: ServerConfig,
    pub adoption: AdoptionConfig,
}

impl Config {
    /// Parses and validates a config file's text. `origin` names the file in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let span = error.span().unwrap_or(0..0);
            ConfigError::at(
                origin,
                text,
                span.clone(),
                serde_message(&error, text, span),
            )
        })?;
        Validator { origin, text }.config(raw)
    }

    /// The embedded default config (`config/default.toml`, what `execguard init` writes). A unit
    /// test holds it equal to the built-in defaults, so those are used without parsing the
    /// documented file (a third of loading a config, paid by every coding-agent event in a
    /// repository without a config file), once per process.
    pub fn embedded_default() -> Self {
        static DEFAULT: OnceLock<Config> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                // An empty config is valid (tested), so this cannot fail.
                #[allow(clippy::expect_used)]
                Self::parse("built-in defaults", "").expect("the built-in defaults are valid")
            })
            .clone()
    }

    /// This config with every rule but the path rules turned off: for judging what a change
    /// does to frozen and protected paths alone (an amend's delta, a rewritten branch).
    pub fn path_rules_only(&self) -> Config {
        let mut config = self.clone();
        for rule in ALL_RULES {
            if !rule.is_path_rule() {
                config.rules.enabled.insert(*rule, false);
            }
        }
        config
    }

    pub fn is_enabled(&self, rule: RuleId) -> bool {
        self.rules.enabled.get(&rule).copied().unwrap_or(true)
    }

    /// Whether the guard applies to a branch. A change whose branch is unknown (detached HEAD) is
    /// always checked: the guard fails closed.
    pub fn applies_to_branch(&self, branch: Option<&str>) -> bool {
        branch.is_none_or(|name| self.scope.branches.is_match_name(name))
    }
}

impl Validator<'_> {
    fn config(&self, raw: RawConfig) -> Result<Config, ConfigError> {
        let layout = self.layout(raw.layout)?;
        let scope = Scope {
            branches: self.globs("scope.branches", raw.scope.branches, &["**"])?,
        };
        let r = raw.rules;
        let mut enabled = BTreeMap::new();
        for (rule, flag) in [
            (RuleId::FrozenSpec, r.frozen_spec.enabled),
            (RuleId::FrozenDesign, r.frozen_design.enabled),
            (RuleId::ProtectedPath, r.protected_path.enabled),
            (RuleId::GuardConfig, r.guard_config.enabled),
            (RuleId::ProgressUpdate, r.progress_update.enabled),
            (RuleId::ExecplanReady, r.execplan_ready.enabled),
            (RuleId::ExecplanSections, r.execplan_sections.enabled),
            (RuleId::ExecplanDeleted, r.execplan_deleted.enabled),
            (RuleId::CommitSize, r.commit_size.enabled),
            (RuleId::CommitMessage, r.commit_message.enabled),
            (RuleId::BranchNetChange, r.branch_net_change.enabled),
            (RuleId::SpecFreezeOwner, r.spec_freeze_owner.enabled),
        ] {
            enabled.insert(rule, flag.unwrap_or(true));
        }
        let rules = RulesConfig {
            enabled,
            protected_path: ProtectedPathConfig {
                paths: self.globs(
                    "rules.protected-path.paths",
                    r.protected_path.paths,
                    &["backend/PLANS.md"],
                )?,
                sections: self.protected_sections(r.protected_path.sections)?,
            },
            progress_update: self.progress_update(r.progress_update)?,
            execplan_ready: ExecplanReadyConfig {
                require_spec: r.execplan_ready.require_spec.unwrap_or(true),
            },
            execplan_sections: ExecplanSectionsConfig {
                required: match r.execplan_sections.required {
                    None => DEFAULT_SECTIONS.iter().map(|s| s.to_string()).collect(),
                    Some(list) => list
                        .into_iter()
                        .map(|s| self.non_empty("rules.execplan-sections.required", Some(s), ""))
                        .collect::<Result<_, _>>()?,
                },
                require_spec_path: r.execplan_sections.require_spec_path.unwrap_or(true),
            },
            execplan_deleted: ExecplanDeletedConfig {
                closing_unstarted: r.execplan_deleted.closing_unstarted.unwrap_or(true),
            },
            commit_size: CommitSizeConfig {
                max_lines: self.limit(
                    "rules.commit-size.max-lines",
                    r.commit_size.max_lines,
                    400,
                )?,
                max_files: self.limit(
                    "rules.commit-size.max-files",
                    r.commit_size.max_files,
                    25,
                )?,
                max_file_bytes: self.limit(
                    "rules.commit-size.max-file-bytes",
                    r.commit_size.max_file_bytes,
                    1024 * 1024,
                )?,
                max_binary_bytes: self.limit(
                    "rules.commit-size.max-binary-bytes",
                    r.commit_size.max_binary_bytes,
                    DEFAULT_MAX_BINARY_BYTES,
                )?,
                line_bytes: self.limit(
                    "rules.commit-size.line-bytes",
                    r.commit_size.line_bytes,
                    DEFAULT_LINE_BYTES,
                )?,
                exclude: self.globs("rules.commit-size.exclude", r.commit_size.exclude, &[])?,
                large_files: self.globs(
                    "rules.commit-size.large-files",
                    r.commit_size.large_files,
                    &[],
                )?,
            },
            commit_message: CommitMessageConfig {
                max_subject: self.limit(
                    "rules.commit-message.max-subject",
                    r.commit_message.max_subject,
                    72,
                )? as usize,
                exempt_generated: r.commit_message.exempt_generated.unwrap_or(true),
            },
        };
        let server = self.server(raw.server)?;
        let adoption = self.adoption(raw.adoption)?;
        Ok(Config {
            layout,
            scope,
            rules,
            server,
            adoption,
        })
    }
}

impl Validator<'_> {
    fn protected_sections(
        &self,
        value: Option<toml::Spanned<Vec<super::raw::RawProtectedSection>>>,
    ) -> Result<Vec<ProtectedSection>, ConfigError> {
        let Some(value) = value else {
            return Ok(Vec::new());
        };
        let span = value.span();
        let key = "rules.protected-path.sections";
        let mut out: Vec<ProtectedSection> = Vec::new();
        for raw in value.into_inner() {
            let path = raw.path.trim().trim_start_matches("./");
            if path.is_empty() || path.starts_with('/') || path.contains("//") {
                return Err(self.error(
                    span.clone(),
                    format!(
                        "{key}: `{}` is not a path from the repository's root",
                        raw.path
                    ),
                ));
            }
            if crate::markdown::normalise_title(&raw.heading).is_empty() {
                return Err(self.error(
                    span.clone(),
                    format!("{key}: the heading of `{path}` must not be empty"),
                ));
            }
            let section = ProtectedSection {
                path: RepoPath::from(path),
                heading: raw.heading.trim().to_string(),
            };
            if out.contains(&section) {
                return Err(self.error(
                    span.clone(),
                    format!("{key}: `{}` is listed twice", section.key()),
                ));
            }
            out.push(section);
        }
        Ok(out)
    }
}

pub const DEFAULT_SECTIONS: &[&str] = &[
    "Progress",
    "Surprises & Discoveries",
    "Decision Log",
    "Outcomes & Retrospective",
];

/// commit-size's budget of binary bytes per commit: room for icons, small images and fixtures,
/// about three times what 400 lines of 200 bytes hold, so that binary content is not a cheaper
/// way in than text.
pub const DEFAULT_MAX_BINARY_BYTES: u64 = 256 * 1024;

/// commit-size's line length: a changed line counts once per started 200 bytes, so that a long
/// line weighs what the same bytes would as ordinary lines.
pub const DEFAULT_LINE_BYTES: u64 = 200;
