//! The guard's configuration: parsed strictly from TOML, then validated into a [`Config`] that
//! cannot hold an invalid glob or regex.

use std::collections::BTreeMap;
use std::ops::Range;

use globset::GlobSetBuilder;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::rule_id::RuleId;

mod adoption;
mod keys;
mod layout;
mod patterns;
mod strictness;

pub use adoption::{is_full_commit_id, AdoptionConfig};
pub use layout::{Layout, DEFAULT_BRANCH_PATTERNS, DEFAULT_NOT_CODE, DEFAULT_NOT_PLANNING};
use patterns::glob;
pub use patterns::{BranchPatterns, Globs, Markers, SpecGlob, SpecGlobs, Template, Templates};
pub use strictness::Loosening;

/// The documented default configuration: `config/execguard.toml` of this crate, which the
/// repository's top-level `config/execguard.toml` copies.
pub const DEFAULT_CONFIG: &str = include_str!("../config/execguard.toml");

/// Where the guard looks for its own config in a repository.
pub const CONFIG_PATH: &str = ".execguard.toml";

/// A config file could not be used. Names the file, the line and column, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ConfigError {
    fn at(origin: &str, text: &str, span: Range<usize>, message: String) -> Self {
        let (line, column) = line_column(text, span.start);
        Self {
            origin: origin.to_string(),
            line,
            column,
            message,
        }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

// ---------------------------------------------------------------------------------------------
// The file's shape, as serde reads it.

/// The execguard configuration (`.execguard.toml`): where the planning documents live, which
/// branches are guarded, and each rule's settings. Only tightening changes are accepted in a commit.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "execguard configuration")]
struct RawConfig {
    /// Where the planning documents live and what counts as code.
    #[serde(default)]
    layout: RawLayout,
    /// Which branches the guard judges.
    #[serde(default)]
    scope: RawScope,
    /// Each rule's settings; every rule takes `enabled = false`.
    #[serde(default)]
    rules: RawRules,
    /// What the server-side hook needs beyond the rules.
    #[serde(default)]
    server: RawServer,
    /// The commits whose history predates the guard.
    #[serde(default)]
    adoption: adoption::RawAdoption,
}

/// A value written as one string or as a list of strings.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The JSON Schema of `.execguard.toml`, generated from the types the file is read into, for
/// editors (taplo, Even Better TOML) and `execguard config --schema`. It says what shape a valid
/// file has; what the validation adds (valid globs and regexes, `{feature}` in templates) is for
/// `execguard config --check`.
pub fn json_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<RawConfig>();
    schemars::transform::Transform::transform(
        &mut schemars::transform::RecursiveTransform(no_nulls),
        &mut schema,
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// TOML has no null: a key is left out instead, so the schema offers no `null` type or default.
fn no_nulls(schema: &mut schemars::Schema) {
    use serde_json::Value;
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.get("default") == Some(&Value::Null) {
        object.remove("default");
    }
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|kind| kind != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "server")]
struct RawServer {
    /// The pushers whose `Execguard-Override` trailers the server honours.
    #[schemars(with = "Vec<String>")]
    override_users: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "layout")]
struct RawLayout {
    // One string or a list of them each.
    /// Spec glob(s); the feature is the file stem. Default `specs/**/*.md`.
    #[schemars(with = "OneOrMany")]
    specs: Option<Spanned<toml::Value>>,
    /// Design note template(s) with `{feature}` once. Default `designs/{feature}.md`.
    #[schemars(with = "OneOrMany")]
    designs: Option<Spanned<toml::Value>>,
    /// Execplan template(s) with `{feature}` once; new plans go to the first. Default `plans/{feature}-execplan.md`.
    #[schemars(with = "OneOrMany")]
    execplans: Option<Spanned<toml::Value>>,
    /// Globs that are never a spec, design note or plan.
    #[schemars(with = "Vec<String>")]
    not_planning: Option<Vec<Spanned<String>>>,
    /// The state(s) that freeze a spec. Default `EXEC-READY`.
    #[schemars(with = "OneOrMany")]
    spec_marker: Option<Spanned<toml::Value>>,
    /// The state(s) that make a plan ready. Default `EXECPLAN-READY`.
    #[schemars(with = "OneOrMany")]
    execplan_marker: Option<Spanned<toml::Value>>,
    /// Globs of code; code matches `code` and not `not-code`.
    #[schemars(with = "Vec<String>")]
    code: Option<Vec<Spanned<String>>>,
    /// Globs that are not code.
    #[schemars(with = "Vec<String>")]
    not_code: Option<Vec<Spanned<String>>>,
    /// Regexes naming the feature of a branch with a `(?P<feature>...)` group.
    #[schemars(with = "Vec<String>")]
    branch_patterns: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "scope")]
struct RawScope {
    /// Globs of the branches judged; a detached HEAD is always judged. Default `["**"]`.
    #[schemars(with = "Vec<String>")]
    branches: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "rules")]
struct RawRules {
    #[serde(default)]
    frozen_spec: RawToggle,
    #[serde(default)]
    frozen_design: RawToggle,
    #[serde(default)]
    protected_path: RawProtectedPath,
    #[serde(default)]
    guard_config: RawToggle,
    #[serde(default)]
    progress_update: RawProgressUpdate,
    #[serde(default)]
    execplan_ready: RawExecplanReady,
    #[serde(default)]
    execplan_sections: RawExecplanSections,
    #[serde(default)]
    commit_size: RawCommitSize,
    #[serde(default)]
    commit_message: RawCommitMessage,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "toggle")]
struct RawToggle {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "protected-path")]
struct RawProtectedPath {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
    /// Globs of paths no commit may change. Default `["backend/PLANS.md"]`.
    #[schemars(with = "Vec<String>")]
    paths: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "progress-update")]
struct RawProgressUpdate {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
    /// The execplan section that code commits must add to. Default `Progress`.
    #[schemars(with = "String")]
    section: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "execplan-ready")]
struct RawExecplanReady {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
    /// Whether code also needs the plan's spec frozen. Default true.
    require_spec: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "execplan-sections")]
struct RawExecplanSections {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
    /// The sections every execplan needs.
    #[schemars(with = "Vec<String>")]
    required: Option<Vec<Spanned<String>>>,
    /// Whether an execplan must name its spec. Default true.
    require_spec_path: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "commit-size")]
struct RawCommitSize {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
    /// Changed lines (added plus deleted) a commit may have. Default 400.
    #[schemars(with = "u64", range(min = 1))]
    max_lines: Option<Spanned<i64>>,
    /// Files a commit may change. Default 25.
    #[schemars(with = "u64", range(min = 1))]
    max_files: Option<Spanned<i64>>,
    /// The largest blob a commit may add or modify. Default 1048576.
    #[schemars(with = "u64", range(min = 1))]
    max_file_bytes: Option<Spanned<i64>>,
    /// Bytes of binary content a commit may add or modify. Default 262144.
    #[schemars(with = "u64", range(min = 1))]
    max_binary_bytes: Option<Spanned<i64>>,
    /// A changed line counts once per started `line-bytes` bytes. Default 200.
    #[schemars(with = "u64", range(min = 1))]
    line_bytes: Option<Spanned<i64>>,
    /// Globs that count toward neither lines nor binary bytes.
    #[schemars(with = "Vec<String>")]
    exclude: Option<Vec<Spanned<String>>>,
    /// Globs whose blobs may exceed `max-file-bytes`.
    #[schemars(with = "Vec<String>")]
    large_files: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "commit-message")]
struct RawCommitMessage {
    /// Whether the rule runs. Default true.
    enabled: Option<bool>,
    /// The longest subject line. Default 72.
    #[schemars(with = "u64", range(min = 1))]
    max_subject: Option<Spanned<i64>>,
}

// ---------------------------------------------------------------------------------------------
// The validated model.

#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub branches: Globs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProtectedPathConfig {
    pub paths: Globs,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProgressUpdateConfig {
    pub section: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExecplanReadyConfig {
    /// Whether code also needs the plan's spec frozen in the base; `false` for repositories that
    /// keep plans but no per-feature specs.
    pub require_spec: bool,
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
}

#[derive(Clone, Debug, PartialEq)]
pub struct RulesConfig {
    pub enabled: BTreeMap<RuleId, bool>,
    pub protected_path: ProtectedPathConfig,
    pub progress_update: ProgressUpdateConfig,
    pub execplan_ready: ExecplanReadyConfig,
    pub execplan_sections: ExecplanSectionsConfig,
    pub commit_size: CommitSizeConfig,
    pub commit_message: CommitMessageConfig,
}

/// What the pre-receive hook needs beyond the rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerConfig {
    /// The pushers whose `Execguard-Override` trailers the server honours.
    pub override_users: Vec<String>,
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

    /// The embedded default config.
    pub fn embedded_default() -> Self {
        // The embedded file is checked by a unit test, so this cannot fail in a released build.
        #[allow(clippy::expect_used)]
        Self::parse("embedded default config", DEFAULT_CONFIG)
            .expect("the embedded default config is valid")
    }

    /// This config with every rule but the path rules turned off: for judging what a change
    /// does to frozen and protected paths alone (an amend's delta, a rewritten branch).
    pub fn path_rules_only(&self) -> Config {
        let mut config = self.clone();
        for rule in crate::rule_id::ALL_RULES {
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
        branch.is_none_or(|name| self.scope.branches.set.is_match(name))
    }
}

/// What serde found wrong, led by the key it is about when the text parses (a wrong type, an
/// unknown key), and without the names of the parser's own structs.
fn serde_message(error: &toml::de::Error, text: &str, span: Range<usize>) -> String {
    let mut message = error.message().trim().replace('\n', "; ");
    if let Some(at) = message.find("expected struct Raw") {
        message.replace_range(at.., "expected a table");
    }
    match keys::key_at(text, span.start) {
        Some(key) => format!("{key}: {message}"),
        None => message,
    }
}

struct Validator<'a> {
    origin: &'a str,
    text: &'a str,
}

impl Validator<'_> {
    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError::at(self.origin, self.text, span, message)
    }

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
            (RuleId::CommitSize, r.commit_size.enabled),
            (RuleId::CommitMessage, r.commit_message.enabled),
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
            },
            progress_update: ProgressUpdateConfig {
                section: self.non_empty(
                    "rules.progress-update.section",
                    r.progress_update.section,
                    "Progress",
                )?,
            },
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
            },
        };
        let server = ServerConfig {
            override_users: raw
                .server
                .override_users
                .unwrap_or_default()
                .into_iter()
                .map(|user| self.non_empty("server.override-users", Some(user), ""))
                .collect::<Result<_, _>>()?,
        };
        let adoption = self.adoption(raw.adoption)?;
        Ok(Config {
            layout,
            scope,
            rules,
            server,
            adoption,
        })
    }

    fn non_empty(
        &self,
        key: &str,
        value: Option<Spanned<String>>,
        default: &str,
    ) -> Result<String, ConfigError> {
        match value {
            None => Ok(default.to_string()),
            Some(v) if v.get_ref().trim().is_empty() => {
                Err(self.error(v.span(), format!("{key}: must not be empty")))
            }
            Some(v) => Ok(v.into_inner()),
        }
    }

    fn limit(
        &self,
        key: &str,
        value: Option<Spanned<i64>>,
        default: u64,
    ) -> Result<u64, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => u64::try_from(*v.get_ref())
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    self.error(v.span(), format!("{key}: must be a positive whole number"))
                }),
        }
    }

    fn globs(
        &self,
        key: &str,
        value: Option<Vec<Spanned<String>>>,
        default: &[&str],
    ) -> Result<Globs, ConfigError> {
        let items: Vec<(String, Range<usize>)> = match value {
            None => default.iter().map(|s| (s.to_string(), 0..0)).collect(),
            Some(list) => list
                .into_iter()
                .map(|s| (s.get_ref().clone(), s.span()))
                .collect(),
        };
        let mut builder = GlobSetBuilder::new();
        for (pattern, span) in &items {
            builder
                .add(glob(pattern).map_err(|m| self.error(span.clone(), format!("{key}: {m}")))?);
        }
        let set = builder
            .build()
            .map_err(|e| self.error(0..0, format!("{key}: {e}")))?;
        Ok(Globs {
            patterns: items.into_iter().map(|(p, _)| p).collect(),
            set,
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults written in code, for comparison with the shipped file.
    fn builtin() -> Config {
        Config::parse("builtin", "").expect("empty config is valid")
    }

    #[test]
    fn embedded_default_parses_and_equals_builtin() {
        assert_eq!(Config::embedded_default(), builtin());
    }

    #[test]
    fn unknown_key_is_named_with_line() {
        let err =
            Config::parse(".execguard.toml", "[rules.commit-size]\nmax-line = 3\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(err.message.contains("max-line"), "{err}");
    }

    #[test]
    fn wrong_type_names_the_key_not_the_parser() {
        let err =
            Config::parse("c.toml", "[rules.commit-size]\nmax-lines = \"300\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 13));
        assert!(
            err.message
                .starts_with("rules.commit-size.max-lines: invalid type"),
            "{err}"
        );
        let err = Config::parse("c.toml", "layout = 3\n").unwrap_err();
        assert_eq!(
            err.message,
            "layout: invalid type: integer `3`, expected a table"
        );
        let err = Config::parse("c.toml", "[scope]\nbranches = \n").unwrap_err();
        assert!(!err.message.contains('\n'), "{err}");
    }

    #[test]
    fn bad_glob_is_named_with_line_and_key() {
        let err =
            Config::parse("c.toml", "[rules.protected-path]\npaths = [\"a/[b\"]\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("rules.protected-path.paths"), "{err}");
        assert!(err.to_string().starts_with("c.toml:2:"), "{err}");
    }

    #[test]
    fn bad_regex_and_missing_group_are_errors() {
        let err = Config::parse("c.toml", "[layout]\nbranch-patterns = [\"(\"]\n").unwrap_err();
        assert!(err.message.contains("invalid regex"), "{err}");
        let err =
            Config::parse("c.toml", "[layout]\nbranch-patterns = [\"^x/(.*)$\"]\n").unwrap_err();
        assert!(err.message.contains("feature"), "{err}");
    }

    #[test]
    fn templates_need_feature_once() {
        let err = Config::parse("c.toml", "[layout]\nexecplans = \"plans/x.md\"\n").unwrap_err();
        assert!(err.message.contains("{feature}"), "{err}");
    }

    #[test]
    fn layout_helpers() {
        let config = builtin();
        let layout = &config.layout;
        assert_eq!(layout.specs.roots(), ["specs"]);
        assert!(layout.specs.is_match(&"specs/auth/login.md".into()));
        assert!(!layout.specs.is_match(&"docs/specs/login.md".into()));
        assert_eq!(
            layout
                .execplans
                .feature_of(&"plans/login-execplan.md".into())
                .as_deref(),
            Some("login")
        );
        assert_eq!(
            layout
                .execplans
                .feature_of(&"plans/x/login-execplan.md".into()),
            None
        );
        assert!(layout.is_code(&"src/main.rs".into()));
        assert!(!layout.is_code(&"docs/readme.md".into()));
        assert_eq!(
            layout.branch_patterns.feature_of("exec/login").as_deref(),
            Some("login")
        );
        assert_eq!(layout.branch_patterns.feature_of("main"), None);
    }

    #[test]
    fn zero_limit_is_an_error() {
        let err = Config::parse("c.toml", "[rules.commit-size]\nmax-lines = 0\n").unwrap_err();
        assert!(err.message.contains("max-lines"), "{err}");
        for key in ["max-binary-bytes", "line-bytes"] {
            let text = format!("[rules.commit-size]\n{key} = 0\n");
            let err = Config::parse("c.toml", &text).unwrap_err();
            assert!(err.message.contains(key), "{err}");
            assert_eq!(err.line, 2, "{err}");
        }
    }

    #[test]
    fn commit_size_defaults_and_overrides() {
        let size = builtin().rules.commit_size;
        assert_eq!(size.max_binary_bytes, DEFAULT_MAX_BINARY_BYTES);
        assert_eq!(size.line_bytes, DEFAULT_LINE_BYTES);
        assert!(size.exclude.patterns().is_empty());
        let custom = Config::parse(
            "c.toml",
            "[rules.commit-size]\nmax-binary-bytes = 5\nline-bytes = 80\nexclude = [\"vendor/**\"]\n",
        )
        .unwrap()
        .rules
        .commit_size;
        assert_eq!((custom.max_binary_bytes, custom.line_bytes), (5, 80));
        assert!(custom.exclude.is_match(&"vendor/x.js".into()));
    }
}

/// A list of strings as a TOML value.
pub(crate) fn strings(items: &[impl AsRef<str>]) -> toml::Value {
    toml::Value::Array(
        items
            .iter()
            .map(|s| toml::Value::String(s.as_ref().to_string()))
            .collect(),
    )
}

/// A limit as a TOML integer (TOML integers are signed).
pub(crate) fn integer(n: u64) -> toml::Value {
    toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Config {
    /// The effective configuration as TOML, every key spelled out.
    pub fn to_toml(&self) -> String {
        use toml::{Table, Value};
        let layout = &self.layout;
        let mut layout_table = Table::new();
        // A key written as a list stays a list; one value is written as a string, as before.
        fn one_or_many(items: &[impl AsRef<str>]) -> Value {
            match items {
                [one] => Value::String(one.as_ref().to_string()),
                _ => strings(items),
            }
        }
        layout_table.insert("specs".into(), one_or_many(&layout.specs.texts()));
        layout_table.insert("designs".into(), one_or_many(&layout.designs.texts()));
        layout_table.insert("execplans".into(), one_or_many(&layout.execplans.texts()));
        layout_table.insert(
            "not-planning".into(),
            strings(layout.not_planning.patterns()),
        );
        layout_table.insert("spec-marker".into(), one_or_many(layout.spec_marker.list()));
        layout_table.insert(
            "execplan-marker".into(),
            one_or_many(layout.execplan_marker.list()),
        );
        layout_table.insert("code".into(), strings(layout.code.patterns()));
        layout_table.insert("not-code".into(), strings(layout.not_code.patterns()));
        layout_table.insert(
            "branch-patterns".into(),
            strings(&layout.branch_patterns.patterns()),
        );

        let mut scope = Table::new();
        scope.insert("branches".into(), strings(self.scope.branches.patterns()));

        let mut rules = Table::new();
        for rule in crate::rule_id::ALL_RULES {
            let mut table = Table::new();
            table.insert("enabled".into(), Value::Boolean(self.is_enabled(*rule)));
            let r = &self.rules;
            match rule {
                RuleId::ProtectedPath => {
                    table.insert("paths".into(), strings(r.protected_path.paths.patterns()));
                }
                RuleId::ProgressUpdate => {
                    table.insert(
                        "section".into(),
                        Value::String(r.progress_update.section.clone()),
                    );
                }
                RuleId::ExecplanReady => {
                    table.insert(
                        "require-spec".into(),
                        Value::Boolean(r.execplan_ready.require_spec),
                    );
                }
                RuleId::ExecplanSections => {
                    table.insert("required".into(), strings(&r.execplan_sections.required));
                    table.insert(
                        "require-spec-path".into(),
                        Value::Boolean(r.execplan_sections.require_spec_path),
                    );
                }
                RuleId::CommitSize => {
                    table.insert("max-lines".into(), integer(r.commit_size.max_lines));
                    table.insert("max-files".into(), integer(r.commit_size.max_files));
                    table.insert(
                        "max-file-bytes".into(),
                        integer(r.commit_size.max_file_bytes),
                    );
                    table.insert(
                        "max-binary-bytes".into(),
                        integer(r.commit_size.max_binary_bytes),
                    );
                    table.insert("line-bytes".into(), integer(r.commit_size.line_bytes));
                    table.insert("exclude".into(), strings(r.commit_size.exclude.patterns()));
                    table.insert(
                        "large-files".into(),
                        strings(r.commit_size.large_files.patterns()),
                    );
                }
                RuleId::CommitMessage => {
                    table.insert(
                        "max-subject".into(),
                        integer(r.commit_message.max_subject as u64),
                    );
                }
                _ => {}
            }
            rules.insert(rule.as_str().into(), Value::Table(table));
        }
        let mut server = Table::new();
        server.insert(
            "override-users".into(),
            strings(&self.server.override_users),
        );
        let mut adoption = Table::new();
        adoption.insert("baseline".into(), strings(&self.adoption.baseline));
        let mut root = Table::new();
        root.insert("layout".into(), Value::Table(layout_table));
        root.insert("scope".into(), Value::Table(scope));
        root.insert("rules".into(), Value::Table(rules));
        root.insert("server".into(), Value::Table(server));
        root.insert("adoption".into(), Value::Table(adoption));
        toml::to_string(&root).unwrap_or_default()
    }
}

#[cfg(test)]
mod render_tests {
    use super::*;

    #[test]
    fn rendered_config_parses_back_to_itself() {
        let custom = Config::parse(
            "c.toml",
            "[rules.commit-size]\nmax-lines = 10\n[rules.frozen-design]\nenabled = false\n[scope]\nbranches = [\"exec/**\"]\n[server]\noverride-users = [\"ana\"]\n[adoption]\nbaseline = [\"0123456789abcdef0123456789abcdef01234567\"]\n",
        )
        .unwrap();
        for config in [Config::embedded_default(), custom] {
            let text = config.to_toml();
            assert_eq!(Config::parse("rendered", &text).unwrap(), config, "{text}");
        }
    }
}
