//! Whether one config is at least as strict as another, field by field.
//!
//! `guard-config` lets a commit change `.execguard.toml` only when the new config keeps every
//! rule of the config in force. Strictness is judged per key, conservatively: a change that cannot
//! be shown to tighten (a renamed marker, a moved template, a rewritten glob) counts as a
//! loosening. Each comparison destructures its struct, so a field added to the config does not
//! compile until it is compared here.

use std::fmt;

use toml::Value;

use super::adoption::AdoptionConfig;
use super::layout::Layout;
use super::patterns::Globs;
use super::render::{integer, strings};
use super::validated::{
    CommitMessageConfig, CommitSizeConfig, Config, ExecplanReadyConfig, ExecplanSectionsConfig,
    ProgressUpdateConfig, ProtectedPathConfig, RulesConfig, Scope, ServerConfig,
};
use crate::rule_id::{RuleId, ALL_RULES};

/// One way a newer config relaxes an older one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loosening {
    /// The dotted key, such as `rules.commit-size.max-lines`.
    pub key: String,
    /// The value in force, as TOML.
    pub old: String,
    /// The newer value, as TOML.
    pub new: String,
}

impl fmt::Display for Loosening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} → {}", self.key, self.old, self.new)
    }
}

impl Config {
    /// Every way `newer` is looser than `self`; empty when `newer` is at least as strict.
    pub fn loosenings(&self, newer: &Config) -> Vec<Loosening> {
        let Config {
            layout,
            scope,
            rules,
            server,
            adoption,
        } = self;
        let mut found = Loosenings::default();
        compare_layout(&mut found, layout, &newer.layout, &newer.rules);
        let Scope { branches } = scope;
        found.covers("scope.branches", branches, &newer.scope.branches);
        compare_rules(&mut found, rules, &newer.rules);
        let ServerConfig { override_users } = server;
        found.adds_none(
            "server.override-users",
            override_users,
            &newer.server.override_users,
        );
        // A baseline exempts its commits and all their history from judgement: naming another
        // commit loosens, dropping one tightens.
        let AdoptionConfig { baseline } = adoption;
        found.adds_none("adoption.baseline", baseline, &newer.adoption.baseline);
        found.0
    }
}

/// `[layout]`: anything that moves a planning document frees the path it guarded; code may only
/// grow and not-code only shrink.
///
/// The planning locations (`specs`, `designs`, `execplans`) and `not-planning` may not change at
/// all, in either direction: removing a location or adding an exclusion frees the documents it
/// named (a frozen spec is no longer one), and adding a location or dropping an exclusion takes
/// its files out of code and out of commit-size's count, and lets a plan there answer for code.
/// The order of a list does not matter.
///
/// A spec marker may be added only while no rule takes a frozen spec as a licence to write code
/// (`execplan-ready` off or its `require-spec` false): it freezes more specs, but lets code start
/// from a spec in that state. Removing one frees every spec frozen by it. An execplan marker may
/// be removed (fewer plans are ready) but not added.
fn compare_layout(found: &mut Loosenings, old: &Layout, new: &Layout, new_rules: &RulesConfig) {
    let Layout {
        specs,
        designs,
        execplans,
        not_planning,
        spec_marker,
        execplan_marker,
        code,
        not_code,
        branch_patterns,
    } = old;
    found.same_set("layout.specs", &specs.texts(), &new.specs.texts());
    found.same_set("layout.designs", &designs.texts(), &new.designs.texts());
    found.same_set(
        "layout.execplans",
        &execplans.texts(),
        &new.execplans.texts(),
    );
    found.same_set(
        "layout.not-planning",
        not_planning.patterns(),
        new.not_planning.patterns(),
    );
    let code_from_frozen_specs = new_rules
        .enabled
        .get(&RuleId::ExecplanReady)
        .copied()
        .unwrap_or(true)
        && new_rules.execplan_ready.require_spec;
    if code_from_frozen_specs {
        found.same_set(
            "layout.spec-marker",
            spec_marker.list(),
            new.spec_marker.list(),
        );
    } else {
        found.keeps_every(
            "layout.spec-marker",
            spec_marker.list(),
            new.spec_marker.list(),
        );
    }
    found.adds_none(
        "layout.execplan-marker",
        execplan_marker.list(),
        new.execplan_marker.list(),
    );
    found.covers("layout.code", code, &new.code);
    found.adds_none(
        "layout.not-code",
        not_code.patterns(),
        new.not_code.patterns(),
    );
    // Which feature a branch names decides which execplan a commit answers to; a changed list
    // cannot be shown to be stricter.
    found.fixed_list(
        "layout.branch-patterns",
        &branch_patterns.patterns(),
        &new.branch_patterns.patterns(),
    );
}

fn compare_rules(found: &mut Loosenings, old: &RulesConfig, new: &RulesConfig) {
    let RulesConfig {
        enabled: _,
        protected_path,
        progress_update,
        execplan_ready,
        execplan_sections,
        commit_size,
        commit_message,
    } = old;
    for rule in ALL_RULES {
        let was = old.enabled.get(rule).copied().unwrap_or(true);
        let now = new.enabled.get(rule).copied().unwrap_or(true);
        found.switch(&format!("rules.{rule}.enabled"), was, now);
    }

    let ProtectedPathConfig { paths } = protected_path;
    found.covers(
        "rules.protected-path.paths",
        paths,
        &new.protected_path.paths,
    );

    let ProgressUpdateConfig { section } = progress_update;
    found.fixed(
        "rules.progress-update.section",
        section,
        &new.progress_update.section,
    );

    // Without it, code needs no frozen spec.
    let ExecplanReadyConfig { require_spec } = execplan_ready;
    found.switch(
        "rules.execplan-ready.require-spec",
        *require_spec,
        new.execplan_ready.require_spec,
    );

    let ExecplanSectionsConfig {
        required,
        require_spec_path,
    } = execplan_sections;
    found.keeps_every(
        "rules.execplan-sections.required",
        required,
        &new.execplan_sections.required,
    );
    found.switch(
        "rules.execplan-sections.require-spec-path",
        *require_spec_path,
        new.execplan_sections.require_spec_path,
    );

    compare_commit_size(found, commit_size, &new.commit_size);

    let CommitMessageConfig { max_subject } = commit_message;
    found.limit(
        "rules.commit-message.max-subject",
        *max_subject as u64,
        new.commit_message.max_subject as u64,
    );
}

/// `[rules.commit-size]`: every limit may only go down, and no more paths may be excluded. A new
/// limit is one more row.
fn compare_commit_size(found: &mut Loosenings, old: &CommitSizeConfig, new: &CommitSizeConfig) {
    let CommitSizeConfig {
        max_lines,
        max_files,
        max_file_bytes,
        max_binary_bytes,
        line_bytes,
        exclude,
        large_files,
    } = old;
    // A longer `line-bytes` counts a long line as fewer lines: raising it loosens too.
    for (key, was, now) in [
        ("max-lines", *max_lines, new.max_lines),
        ("max-files", *max_files, new.max_files),
        ("max-file-bytes", *max_file_bytes, new.max_file_bytes),
        ("max-binary-bytes", *max_binary_bytes, new.max_binary_bytes),
        ("line-bytes", *line_bytes, new.line_bytes),
    ] {
        found.limit(&format!("rules.commit-size.{key}"), was, now);
    }
    found.adds_none(
        "rules.commit-size.exclude",
        exclude.patterns(),
        new.exclude.patterns(),
    );
    // A path exempted from `max-file-bytes` may hold a blob of any size: adding one loosens.
    found.adds_none(
        "rules.commit-size.large-files",
        large_files.patterns(),
        new.large_files.patterns(),
    );
}

/// The loosenings found so far, with one comparison per kind of field.
#[derive(Default)]
struct Loosenings(Vec<Loosening>);

impl Loosenings {
    fn push(&mut self, key: &str, old: Value, new: Value) {
        self.0.push(Loosening {
            key: key.to_string(),
            old: old.to_string(),
            new: new.to_string(),
        });
    }

    /// A switch that may be turned on, never off.
    fn switch(&mut self, key: &str, old: bool, new: bool) {
        if old && !new {
            self.push(key, Value::Boolean(old), Value::Boolean(new));
        }
    }

    /// A limit that may be lowered, never raised.
    fn limit(&mut self, key: &str, old: u64, new: u64) {
        if new > old {
            self.push(key, integer(old), integer(new));
        }
    }

    /// A value that may not change at all.
    fn fixed(&mut self, key: &str, old: &str, new: &str) {
        if old != new {
            self.push(key, Value::String(old.into()), Value::String(new.into()));
        }
    }

    /// A list whose entries may not change, in any order.
    fn same_set(&mut self, key: &str, old: &[impl AsRef<str>], new: &[impl AsRef<str>]) {
        if !keeps_every(old, new) || !keeps_every(new, old) {
            self.push(key, strings(old), strings(new));
        }
    }

    /// A list that may not change at all.
    fn fixed_list(&mut self, key: &str, old: &[impl AsRef<str>], new: &[impl AsRef<str>]) {
        let same =
            old.len() == new.len() && old.iter().zip(new).all(|(o, n)| o.as_ref() == n.as_ref());
        if !same {
            self.push(key, strings(old), strings(new));
        }
    }

    /// A list that may gain entries but must keep every one it had.
    fn keeps_every(&mut self, key: &str, old: &[impl AsRef<str>], new: &[impl AsRef<str>]) {
        if !keeps_every(old, new) {
            self.push(key, strings(old), strings(new));
        }
    }

    /// A list that may lose entries but must not gain one.
    fn adds_none(&mut self, key: &str, old: &[impl AsRef<str>], new: &[impl AsRef<str>]) {
        if !keeps_every(new, old) {
            self.push(key, strings(old), strings(new));
        }
    }

    /// Globs that must match at least what they matched: every pattern is kept, or the new list
    /// holds `**`, which matches everything.
    fn covers(&mut self, key: &str, old: &Globs, new: &Globs) {
        let everything = new.patterns().iter().any(|p| p == "**");
        if !everything && !keeps_every(old.patterns(), new.patterns()) {
            self.push(key, strings(old.patterns()), strings(new.patterns()));
        }
    }
}

/// Whether every entry of `old` is in `new`.
fn keeps_every(old: &[impl AsRef<str>], new: &[impl AsRef<str>]) -> bool {
    old.iter()
        .all(|o| new.iter().any(|n| n.as_ref() == o.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::parse("c.toml", text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The keys `newer` loosens relative to `older`.
    fn loosened(older: &str, newer: &str) -> Vec<String> {
        config(older)
            .loosenings(&config(newer))
            .into_iter()
            .map(|l| l.key)
            .collect()
    }

    fn from_default(newer: &str) -> Vec<String> {
        loosened("", newer)
    }

    #[test]
    fn the_same_config_loosens_nothing() {
        let default = Config::embedded_default();
        assert_eq!(default.loosenings(&default), vec![]);
        assert_eq!(
            from_default(crate::config::DEFAULT_CONFIG),
            Vec::<String>::new()
        );
    }

    #[test]
    fn disabling_a_rule_loosens_and_enabling_tightens() {
        assert_eq!(
            from_default("[rules.frozen-spec]\nenabled = false\n"),
            ["rules.frozen-spec.enabled"]
        );
        assert_eq!(
            from_default("[rules.guard-config]\nenabled = false\n"),
            ["rules.guard-config.enabled"]
        );
        assert!(loosened("[rules.commit-size]\nenabled = false\n", "").is_empty());
    }

    #[test]
    fn raising_a_limit_loosens_and_lowering_tightens() {
        let found = config("").loosenings(&config(
            "[rules.commit-size]\nmax-lines = 4000\nmax-files = 3\n[rules.commit-message]\nmax-subject = 100\n",
        ));
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "rules.commit-size.max-lines: 400 → 4000",
                "rules.commit-message.max-subject: 72 → 100"
            ]
        );
        assert!(
            from_default("[rules.commit-size]\nmax-lines = 300\nmax-file-bytes = 10\n").is_empty()
        );
    }

    #[test]
    fn exempting_paths_from_max_file_bytes_loosens() {
        assert_eq!(
            from_default("[rules.commit-size]\nlarge-files = [\"assets/**\"]\n"),
            ["rules.commit-size.large-files"]
        );
        // Removing an exemption tightens.
        assert!(loosened("[rules.commit-size]\nlarge-files = [\"assets/**\"]\n", "").is_empty());
    }

    #[test]
    fn protected_paths_may_grow_but_not_lose_one() {
        let more = "[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"Makefile\"]\n";
        assert!(from_default(more).is_empty());
        assert_eq!(
            from_default("[rules.protected-path]\npaths = []\n"),
            ["rules.protected-path.paths"]
        );
        assert_eq!(
            from_default("[rules.protected-path]\npaths = [\"backend/*.md\"]\n"),
            ["rules.protected-path.paths"],
            "a rewritten glob cannot be shown to cover the old one"
        );
        assert!(from_default("[rules.protected-path]\npaths = [\"**\"]\n").is_empty());
    }

    #[test]
    fn scope_may_widen_but_not_narrow() {
        let exec = "[scope]\nbranches = [\"exec/**\"]\n";
        assert_eq!(from_default(exec), ["scope.branches"]);
        assert!(loosened(exec, "[scope]\nbranches = [\"exec/**\", \"feat/**\"]\n").is_empty());
        assert!(loosened(exec, "").is_empty(), "no scope is every branch");
        assert_eq!(
            loosened(exec, "[scope]\nbranches = [\"feat/**\"]\n"),
            ["scope.branches"]
        );
    }

    #[test]
    fn exclusions_and_not_code_may_shrink_but_not_grow() {
        assert_eq!(
            from_default("[rules.commit-size]\nexclude = [\"**/Cargo.lock\", \"vendor/**\"]\n"),
            ["rules.commit-size.exclude"]
        );
        assert!(from_default("[rules.commit-size]\nexclude = []\n").is_empty());
        assert_eq!(
            from_default("[layout]\nnot-code = [\"**/*.md\", \".execguard.toml\", \"tools/**\"]\n"),
            ["layout.not-code"]
        );
        assert!(from_default("[layout]\nnot-code = []\n").is_empty());
        assert_eq!(
            from_default("[layout]\ncode = [\"src/**\"]\n"),
            ["layout.code"]
        );
        assert!(loosened("[layout]\ncode = [\"src/**\"]\n", "").is_empty());
    }

    #[test]
    fn planning_layout_and_markers_may_not_change() {
        for (text, key) in [
            ("[layout]\nspecs = \"docs/specs/*.md\"\n", "layout.specs"),
            (
                "[layout]\ndesigns = \"notes/{feature}.md\"\n",
                "layout.designs",
            ),
            (
                "[layout]\nexecplans = \"plans/{feature}.md\"\n",
                "layout.execplans",
            ),
            ("[layout]\nspec-marker = \"FROZEN\"\n", "layout.spec-marker"),
            (
                "[layout]\nexecplan-marker = \"READY\"\n",
                "layout.execplan-marker",
            ),
            (
                "[layout]\nbranch-patterns = ['^exec/(?P<feature>[^/]+)$']\n",
                "layout.branch-patterns",
            ),
            (
                "[rules.progress-update]\nsection = \"Log\"\n",
                "rules.progress-update.section",
            ),
        ] {
            assert_eq!(from_default(text), [key], "{text}");
        }
    }

    #[test]
    fn required_sections_may_grow_and_the_spec_path_stay_required() {
        assert!(from_default(
            "[rules.execplan-sections]\nrequired = [\"Progress\", \"Surprises & Discoveries\", \"Decision Log\", \"Outcomes & Retrospective\", \"Risks\"]\n"
        )
        .is_empty());
        assert_eq!(
            from_default("[rules.execplan-sections]\nrequired = [\"Progress\"]\n"),
            ["rules.execplan-sections.required"]
        );
        assert_eq!(
            from_default("[rules.execplan-sections]\nrequire-spec-path = false\n"),
            ["rules.execplan-sections.require-spec-path"]
        );
    }

    #[test]
    fn override_users_may_be_removed_but_not_added() {
        let ana = "[server]\noverride-users = [\"ana\"]\n";
        assert_eq!(from_default(ana), ["server.override-users"]);
        assert!(loosened(ana, "").is_empty());
    }

    #[test]
    fn a_baseline_may_be_removed_but_not_added() {
        let one = "[adoption]\nbaseline = [\"0123456789abcdef0123456789abcdef01234567\"]\n";
        let two = "[adoption]\nbaseline = [\"0123456789abcdef0123456789abcdef01234567\", \"89abcdef0123456789abcdef0123456789abcdef\"]\n";
        assert_eq!(from_default(one), ["adoption.baseline"]);
        assert_eq!(loosened(one, two), ["adoption.baseline"]);
        assert!(loosened(two, one).is_empty());
        assert!(loosened(one, "").is_empty());
        assert!(loosened(one, one).is_empty());
    }

    #[test]
    fn every_loosening_is_named_at_once() {
        let found = from_default(
            "[scope]\nbranches = [\"exec/**\"]\n[rules.frozen-spec]\nenabled = false\n[server]\noverride-users = [\"bo\"]\n",
        );
        assert_eq!(
            found,
            [
                "scope.branches",
                "rules.frozen-spec.enabled",
                "server.override-users"
            ]
        );
    }

    #[test]
    fn the_old_default_layout_is_looser_than_the_new_one() {
        // `execguard init` used to write planning folders into not-code: dropping them tightens.
        let mut old_not_code = vec!["specs/**", "designs/**", "plans/**"];
        old_not_code.extend(crate::config::DEFAULT_NOT_CODE);
        let old_init = format!(
            "[layout]\nnot-code = [{}]\n",
            old_not_code
                .iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(loosened(&old_init, "").is_empty());
        assert_eq!(from_default(&old_init), ["layout.not-code"]);
    }

    #[test]
    fn tool_config_left_out_of_code_by_default_loosens_an_older_not_code() {
        // A config written before licences and CI config left code must not quietly gain them.
        let older = "[layout]\nnot-code = [\"**/*.md\", \".execguard.toml\"]\n";
        assert_eq!(loosened(older, ""), ["layout.not-code"]);
    }

    #[test]
    fn planning_locations_and_exclusions_may_not_change_either_way() {
        let two = "[layout]\nexecplans = [\"plans/{feature}-execplan.md\", \"docs/execplans/{feature}.md\"]\n";
        assert_eq!(from_default(two), ["layout.execplans"], "a folder added");
        assert_eq!(loosened(two, ""), ["layout.execplans"], "a folder removed");
        let swapped = "[layout]\nexecplans = [\"docs/execplans/{feature}.md\", \"plans/{feature}-execplan.md\"]\n";
        assert!(loosened(two, swapped).is_empty(), "order does not matter");
        assert!(
            from_default("[layout]\nexecplans = [\"plans/{feature}-execplan.md\"]\n").is_empty(),
            "a list of one is the string"
        );
        assert_eq!(
            from_default("[layout]\nspecs = [\"specs/**/*.md\", \"docs/specs/*.md\"]\n"),
            ["layout.specs"]
        );
        assert_eq!(
            from_default("[layout]\nnot-planning = [\"**/README.md\", \"**/TEMPLATE.md\", \"plans/archive/**\"]\n"),
            ["layout.not-planning"],
            "an exclusion added frees the documents it names"
        );
        assert_eq!(
            from_default("[layout]\nnot-planning = []\n"),
            ["layout.not-planning"],
            "an exclusion dropped takes files out of code and commit-size"
        );
    }

    #[test]
    fn removing_a_freezing_state_loosens_and_adding_one_needs_no_code_from_specs() {
        let approved = "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\"]\n";
        assert_eq!(
            loosened(approved, "[layout]\nspec-marker = [\"APPROVED\"]\n"),
            ["layout.spec-marker"]
        );
        // More frozen states protect more specs, but let execplan-ready accept code on them.
        assert_eq!(
            loosened(
                approved,
                "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\", \"DRAFT\"]\n"
            ),
            ["layout.spec-marker"]
        );
        let no_spec = "[rules.execplan-ready]\nrequire-spec = false\n";
        assert!(loosened(
            &format!("{approved}{no_spec}"),
            &format!(
                "[layout]\nspec-marker = [\"APPROVED\", \"COMPLETED\", \"IMPLEMENTED\"]\n{no_spec}"
            )
        )
        .is_empty());
    }

    #[test]
    fn execplan_states_may_shrink_but_not_grow() {
        let two = "[layout]\nexecplan-marker = [\"EXECPLAN-READY\", \"IN PROGRESS\"]\n";
        assert_eq!(from_default(two), ["layout.execplan-marker"]);
        assert!(loosened(two, "").is_empty());
    }

    #[test]
    fn not_requiring_a_spec_loosens() {
        assert_eq!(
            from_default("[rules.execplan-ready]\nrequire-spec = false\n"),
            ["rules.execplan-ready.require-spec"]
        );
        assert!(loosened("[rules.execplan-ready]\nrequire-spec = false\n", "").is_empty());
    }
}
