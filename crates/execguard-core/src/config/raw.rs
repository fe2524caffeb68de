//! The file as written: the serde structs `.execguard.toml` is read into, strictly (an unknown
//! key is an error), every value kept with its span so that validation can name the line and
//! column; and the JSON Schema generated from them.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

// The file's shape, as serde reads it.

/// The execguard configuration (`.execguard.toml`): where the planning documents live, which
/// branches are guarded, and each rule's settings. Only tightening changes are accepted in a commit.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "execguard configuration")]
pub(super) struct RawConfig {
    /// Where the planning documents live and what counts as code.
    #[serde(default)]
    pub(super) layout: RawLayout,
    /// Which branches the guard judges.
    #[serde(default)]
    pub(super) scope: RawScope,
    /// Each rule's settings; every rule takes `enabled = false`.
    #[serde(default)]
    pub(super) rules: RawRules,
    /// What the server-side hook needs beyond the rules.
    #[serde(default)]
    pub(super) server: RawServer,
    /// The commits whose history predates the guard.
    #[serde(default)]
    pub(super) adoption: RawAdoption,
}

/// A value written as one string or as a list of strings.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub(super) enum OneOrMany {
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
pub(super) struct RawServer {
    /// The pushers whose `Execguard-Override` trailers the server honours.
    #[schemars(with = "Vec<String>")]
    pub(super) override_users: Option<Vec<Spanned<String>>>,
    /// Branches (globs) whose deletion needs an override user; `<default>` stands for the branch
    /// the server repository's HEAD names. Default `["<default>"]`.
    #[schemars(with = "Vec<String>")]
    pub(super) protected_branches: Option<Vec<Spanned<String>>>,
    /// Who may freeze or un-freeze a spec and add or change a design note: user names for every
    /// spec, or tables `{ paths = [globs], users = [names] }` for the specs they match. Default:
    /// the override users.
    // Read as plain values and validated by hand: serde's untagged enums lose the spans.
    #[schemars(with = "Vec<RawSpecOwner>")]
    pub(super) spec_owners: Option<Vec<Spanned<toml::Value>>>,
}

/// One entry of `[server] spec-owners`, for the schema.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "spec-owner")]
#[allow(dead_code)]
pub(super) enum RawSpecOwner {
    /// A user who owns every spec.
    User(String),
    /// Users who own the specs (and their design notes) that `paths` match.
    Scoped(RawScopedOwners),
}

/// Users who own the specs that `paths` match.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "scoped-spec-owners")]
#[allow(dead_code)]
pub(super) struct RawScopedOwners {
    /// Spec globs (`specs/pay*.md`).
    paths: Vec<String>,
    /// The users who own those specs.
    users: Vec<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "layout")]
pub(super) struct RawLayout {
    // One string or a list of them each.
    /// Spec glob(s); the feature is the file stem. Default `specs/**/*.md`.
    #[schemars(with = "OneOrMany")]
    pub(super) specs: Option<Spanned<toml::Value>>,
    /// Design note template(s): `{feature}` at most once, `**` for any folders. Default `designs/{feature}.md`.
    #[schemars(with = "OneOrMany")]
    pub(super) designs: Option<Spanned<toml::Value>>,
    /// Execplan template(s): `{feature}` at most once, `**` for any folders; new plans go to the first. Default `plans/{feature}-execplan.md`.
    #[schemars(with = "OneOrMany")]
    pub(super) execplans: Option<Spanned<toml::Value>>,
    /// Globs that are never a spec, design note or plan.
    #[schemars(with = "Vec<String>")]
    pub(super) not_planning: Option<Vec<Spanned<String>>>,
    /// The state(s) that freeze a spec. Default `EXEC-READY`.
    #[schemars(with = "OneOrMany")]
    pub(super) spec_marker: Option<Spanned<toml::Value>>,
    /// The state(s) that make a plan ready. Default `EXECPLAN-READY`.
    #[schemars(with = "OneOrMany")]
    pub(super) execplan_marker: Option<Spanned<toml::Value>>,
    /// Globs of code; code matches `code` and not `not-code`.
    #[schemars(with = "Vec<String>")]
    pub(super) code: Option<Vec<Spanned<String>>>,
    /// Globs that are not code.
    #[schemars(with = "Vec<String>")]
    pub(super) not_code: Option<Vec<Spanned<String>>>,
    /// Whether a binary blob (by content) is code. Default false.
    pub(super) binary_is_code: Option<bool>,
    /// Whether a package manifest (`package.json`, `Cargo.toml`, `pyproject.toml`, ...) whose
    /// change touches only the package's release metadata (version, description, licence,
    /// publishing settings) is code for `progress-update`. Default false.
    pub(super) release_metadata_is_code: Option<bool>,
    /// Regexes naming the feature of a branch with a `(?P<feature>...)` group.
    #[schemars(with = "Vec<String>")]
    pub(super) branch_patterns: Option<Vec<Spanned<String>>>,
    /// Globs of execplans closed as done: under `require = "planned-work"`, touching one is not
    /// planned work, and moving a plan here with every Progress item open is refused
    /// (`closing-unstarted`); deleting one kept here already removes no plan in use
    /// (`execplan-deleted`). Default: folders named completed, complete, done, closed.
    #[schemars(with = "Vec<String>")]
    pub(super) closed_plans: Option<Vec<Spanned<String>>>,
    /// Globs of shelved execplans (archived, in a backlog, abandoned, deferred): touching one is
    /// not planned work, moving a plan here, done or not, claims nothing done, and deleting one
    /// kept here already removes no plan in use. Default: folders named archive, archived,
    /// backlog, abandoned, deferred.
    #[schemars(with = "Vec<String>")]
    pub(super) shelved_plans: Option<Vec<Spanned<String>>>,
    /// Words a generator writes in the header comment of its output (`DO NOT EDIT`,
    /// `@generated`): a file whose header comment carries one is not code for
    /// `progress-update`. Default: the markers of the common generators.
    #[schemars(with = "Vec<String>")]
    pub(super) generated_markers: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "scope")]
pub(super) struct RawScope {
    /// Globs of the branches judged; a detached HEAD is always judged. Default `["**"]`.
    #[schemars(with = "Vec<String>")]
    pub(super) branches: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "rules")]
pub(super) struct RawRules {
    #[serde(default)]
    pub(super) frozen_spec: RawToggle,
    #[serde(default)]
    pub(super) frozen_design: RawToggle,
    #[serde(default)]
    pub(super) protected_path: RawProtectedPath,
    #[serde(default)]
    pub(super) guard_config: RawToggle,
    #[serde(default)]
    pub(super) progress_update: RawProgressUpdate,
    #[serde(default)]
    pub(super) execplan_ready: RawExecplanReady,
    #[serde(default)]
    pub(super) execplan_sections: RawExecplanSections,
    #[serde(default)]
    pub(super) execplan_deleted: RawExecplanDeleted,
    #[serde(default)]
    pub(super) commit_size: RawCommitSize,
    #[serde(default)]
    pub(super) commit_message: RawCommitMessage,
    #[serde(default)]
    pub(super) branch_net_change: RawToggle,
    #[serde(default)]
    pub(super) spec_freeze_owner: RawToggle,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "toggle")]
pub(super) struct RawToggle {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "protected-path")]
pub(super) struct RawProtectedPath {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// Globs of paths no commit may change. Default `["backend/PLANS.md"]`.
    #[schemars(with = "Vec<String>")]
    pub(super) paths: Option<Vec<Spanned<String>>>,
    /// Sections of files no commit may change: a file's path and a heading's title. Default none.
    #[schemars(with = "Vec<RawProtectedSection>")]
    pub(super) sections: Option<Spanned<Vec<RawProtectedSection>>>,
}

/// One protected section: from the heading titled `heading` of the file at `path` to the next
/// heading of the same or a higher level.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "protected-section")]
pub(super) struct RawProtectedSection {
    /// The file's path from the repository's root, such as `README.md`.
    pub(super) path: String,
    /// The section's title, matched as execplan section titles are (case and numbering aside).
    pub(super) heading: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "progress-update")]
pub(super) struct RawProgressUpdate {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// The execplan section that code commits must add to. Default `Progress`.
    #[schemars(with = "String")]
    pub(super) section: Option<Spanned<String>>,
    /// Where the entry must come: `commit` (default), or `push` (any commit of the same push or
    /// range may add it, before or after the code; pre-commit warns).
    #[schemars(with = "Within")]
    pub(super) within: Option<Spanned<String>>,
    /// Regexes over a commit's author, `Name <email>`, whose commits need no entry.
    #[schemars(with = "Vec<String>")]
    pub(super) exempt_authors: Option<Vec<Spanned<String>>>,
    /// Regexes over the trailer lines of a message, `Key: value`, that exempt a commit.
    #[schemars(with = "Vec<String>")]
    pub(super) exempt_trailers: Option<Vec<Spanned<String>>>,
    /// Changed lines of code a commit may have without an entry (with `small-fix-files`); 0 (default) turns it off.
    #[schemars(with = "u64")]
    pub(super) small_fix_lines: Option<Spanned<i64>>,
    /// Code files a small fix may touch. Default 1.
    #[schemars(with = "u64")]
    pub(super) small_fix_files: Option<Spanned<i64>>,
    /// Lines of new code a merge's conflict resolution may write without an entry. Default 0.
    #[schemars(with = "u64")]
    pub(super) merge_resolution_lines: Option<Spanned<i64>>,
    /// Which code commits need an entry: `every-code-commit` (default), or `planned-work` (only
    /// work a feature is named for, or beside an execplan change; other work is judged by size).
    #[schemars(with = "Require")]
    pub(super) require: Option<Spanned<String>>,
    /// Under `require = "planned-work"`: changed lines of code a commit no execplan names may
    /// have before it is refused as complex work. Default 200.
    #[schemars(with = "u64")]
    pub(super) unplanned_max_lines: Option<Spanned<i64>>,
    /// Under `require = "planned-work"`: code files a commit no execplan names may touch before
    /// it is refused as complex work. Default 6.
    #[schemars(with = "u64")]
    pub(super) unplanned_max_files: Option<Spanned<i64>>,
    /// Under `require = "planned-work"`: a commit no execplan names that writes more than this
    /// many lines of code across `unplanned-spread-folders` folders or more is refused as
    /// complex work. Default 100.
    #[schemars(with = "u64")]
    pub(super) unplanned_spread_lines: Option<Spanned<i64>>,
    /// Under `require = "planned-work"`: the folders (of the code files written) that make work
    /// of more than `unplanned-spread-lines` lines complex. Default 3.
    #[schemars(with = "u64")]
    pub(super) unplanned_spread_folders: Option<Spanned<i64>>,
    /// Under `require = "planned-work"`: globs of code left out of the unplanned size (lines and
    /// files), by default tests, fixtures and snapshots. They stay code for everything else.
    #[schemars(with = "Vec<String>")]
    pub(super) unplanned_exclude: Option<Vec<Spanned<String>>>,
    /// Under `require = "planned-work"`: what becomes of unplanned complex work, judged by size
    /// alone: `warn` (default: reported, never refused) or `refuse`.
    #[schemars(with = "UnplannedVerdict")]
    pub(super) unplanned_complex_work: Option<Spanned<String>>,
    /// Under `require = "planned-work"`: what becomes of a missing entry when the work is
    /// planned only because it touches an open execplan (no trailer, no feature branch) and its
    /// code is within the unplanned limits: `warn` (default: reported, never refused) or
    /// `refuse`.
    #[schemars(with = "PlanTouchVerdict")]
    pub(super) plan_touch_small_work: Option<Spanned<String>>,
}

/// What becomes of small work that is planned only because it touches an open execplan.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum PlanTouchVerdict {
    Warn,
    Refuse,
}

/// What becomes of unplanned complex work.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum UnplannedVerdict {
    Warn,
    Refuse,
}

/// Which code commits need a Progress entry.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum Require {
    EveryCodeCommit,
    PlannedWork,
}

/// Where a code commit's Progress entry must come.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum Within {
    Commit,
    Push,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "execplan-deleted")]
pub(super) struct RawExecplanDeleted {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// Whether moving a plan into `[layout] closed-plans` while its Progress has open items and
    /// none done is refused. Default true.
    pub(super) closing_unstarted: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "execplan-ready")]
pub(super) struct RawExecplanReady {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// Whether code also needs the plan's spec frozen. Default true.
    pub(super) require_spec: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "execplan-sections")]
pub(super) struct RawExecplanSections {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// The sections every execplan needs.
    #[schemars(with = "Vec<String>")]
    pub(super) required: Option<Vec<Spanned<String>>>,
    /// Whether an execplan must name its spec. Default true.
    pub(super) require_spec_path: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "commit-size")]
pub(super) struct RawCommitSize {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// Changed lines (added plus deleted) a commit may have. Default 400.
    #[schemars(with = "u64", range(min = 1))]
    pub(super) max_lines: Option<Spanned<i64>>,
    /// Files a commit may change. Default 25.
    #[schemars(with = "u64", range(min = 1))]
    pub(super) max_files: Option<Spanned<i64>>,
    /// The largest blob a commit may add or modify. Default 1048576.
    #[schemars(with = "u64", range(min = 1))]
    pub(super) max_file_bytes: Option<Spanned<i64>>,
    /// Bytes of binary content a commit may add or modify. Default 262144.
    #[schemars(with = "u64", range(min = 1))]
    pub(super) max_binary_bytes: Option<Spanned<i64>>,
    /// A changed line counts once per started `line-bytes` bytes. Default 200.
    #[schemars(with = "u64", range(min = 1))]
    pub(super) line_bytes: Option<Spanned<i64>>,
    /// Globs that count toward neither lines nor binary bytes.
    #[schemars(with = "Vec<String>")]
    pub(super) exclude: Option<Vec<Spanned<String>>>,
    /// Globs whose blobs may exceed `max-file-bytes`.
    #[schemars(with = "Vec<String>")]
    pub(super) large_files: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "commit-message")]
pub(super) struct RawCommitMessage {
    /// Whether the rule runs. Default true.
    pub(super) enabled: Option<bool>,
    /// The longest subject line. Default 72.
    #[schemars(with = "u64", range(min = 1))]
    pub(super) max_subject: Option<Spanned<i64>>,
    /// Whether generated merge and revert subjects are exempt from `max-subject`. Default true.
    pub(super) exempt_generated: Option<bool>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "adoption")]
pub(super) struct RawAdoption {
    /// Full commit ids whose history predates the guard and is not judged.
    #[schemars(with = "Vec<String>")]
    pub(super) baseline: Option<Vec<Spanned<String>>>,
}
