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
use super::progress_rule::{ProgressUpdateConfig, Require, UnplannedVerdict, Within};
use super::render::{integer, strings};
use super::server::ServerConfig;
use super::validated::{
    CommitMessageConfig, CommitSizeConfig, Config, ExecplanDeletedConfig, ExecplanReadyConfig,
    ExecplanSectionsConfig, ProtectedPathConfig, RulesConfig, Scope,
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
        let ServerConfig {
            override_users,
            protected_branches,
            spec_owners,
        } = server;
        found.adds_none(
            "server.override-users",
            override_users,
            &newer.server.override_users,
        );
        found.covers(
            "server.protected-branches",
            protected_branches,
            &newer.server.protected_branches,
        );
        // Each owner with the specs they own: a new pair lets someone else freeze. An empty list
        // hands the specs to the override users, which no list can be shown to tighten.
        let pairs = |owners: &[super::server::SpecOwners]| -> Vec<String> {
            owners.iter().flat_map(|entry| entry.describe()).collect()
        };
        let (was, now) = (pairs(spec_owners), pairs(&newer.server.spec_owners));
        if now.is_empty() && !was.is_empty() {
            found.push("server.spec-owners", strings(&was), strings(&now));
        } else {
            found.adds_none("server.spec-owners", &was, &now);
        }
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
        binary_is_code,
        release_metadata_is_code,
        branch_patterns,
        closed_plans,
        shelved_plans,
        generated_markers,
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
    // Binary blobs that were code and are no longer escape progress-update and execplan-ready.
    found.switch("layout.binary-is-code", *binary_is_code, new.binary_is_code);
    // Manifest changes that were code and are no longer escape progress-update.
    found.switch(
        "layout.release-metadata-is-code",
        *release_metadata_is_code,
        new.release_metadata_is_code,
    );
    // A plan counted closed no longer makes the work beside it planned work.
    found.adds_none(
        "layout.closed-plans",
        closed_plans.patterns(),
        new.closed_plans.patterns(),
    );
    // A plan counted shelved no longer makes the work beside it planned work either, and may be
    // put aside with none of its steps done.
    found.adds_none(
        "layout.shelved-plans",
        shelved_plans.patterns(),
        new.shelved_plans.patterns(),
    );
    // A marker added makes more files generated, which then need no Progress entry.
    found.adds_none(
        "layout.generated-markers",
        generated_markers.texts(),
        new.generated_markers.texts(),
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
        execplan_deleted,
        commit_size,
        commit_message,
    } = old;
    for rule in ALL_RULES {
        let was = old.enabled.get(rule).copied().unwrap_or(true);
        let now = new.enabled.get(rule).copied().unwrap_or(true);
        found.switch(&format!("rules.{rule}.enabled"), was, now);
    }

    let ProtectedPathConfig { paths, sections } = protected_path;
    found.covers(
        "rules.protected-path.paths",
        paths,
        &new.protected_path.paths,
    );
    let keys = |sections: &[crate::config::ProtectedSection]| -> Vec<String> {
        sections.iter().map(|s| s.key()).collect()
    };
    found.keeps_every(
        "rules.protected-path.sections",
        &keys(sections),
        &keys(&new.protected_path.sections),
    );

    compare_progress_update(found, progress_update, &new.progress_update);

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

    // Without it, a plan can be closed with none of its steps done.
    let ExecplanDeletedConfig { closing_unstarted } = execplan_deleted;
    found.switch(
        "rules.execplan-deleted.closing-unstarted",
        *closing_unstarted,
        new.execplan_deleted.closing_unstarted,
    );

    compare_commit_size(found, commit_size, &new.commit_size);

    let CommitMessageConfig {
        max_subject,
        exempt_generated,
    } = commit_message;
    // Exempting generated subjects again loosens.
    if !*exempt_generated && new.commit_message.exempt_generated {
        found.push(
            "rules.commit-message.exempt-generated",
            Value::Boolean(false),
            Value::Boolean(true),
        );
    }
    found.limit(
        "rules.commit-message.max-subject",
        *max_subject as u64,
        new.commit_message.max_subject as u64,
    );
}

/// `[rules.progress-update]`: the section is fixed; letting the entry come later in the push,
/// exempting more authors or trailers, or allowing larger fixes and resolutions without an entry
/// loosens.
fn compare_progress_update(
    found: &mut Loosenings,
    old: &ProgressUpdateConfig,
    new: &ProgressUpdateConfig,
) {
    let ProgressUpdateConfig {
        section,
        within,
        exempt_authors,
        exempt_trailers,
        small_fix_lines,
        small_fix_files,
        merge_resolution_lines,
        require,
        unplanned_max_lines,
        unplanned_max_files,
        unplanned_spread_lines,
        unplanned_spread_folders,
        unplanned_exclude,
        unplanned_verdict,
        plan_touch_small_work,
    } = old;
    let key = |name: &str| format!("rules.progress-update.{name}");
    // Asking entries of planned work only lets unattributed code through up to the unplanned
    // limits; raising those lets larger work through.
    if *require == Require::EveryCodeCommit && new.require == Require::PlannedWork {
        found.fixed(&key("require"), require.as_str(), new.require.as_str());
    }
    found.limit(
        &key("unplanned-max-lines"),
        *unplanned_max_lines,
        new.unplanned_max_lines,
    );
    found.limit(
        &key("unplanned-max-files"),
        *unplanned_max_files,
        new.unplanned_max_files,
    );
    found.limit(
        &key("unplanned-spread-lines"),
        *unplanned_spread_lines,
        new.unplanned_spread_lines,
    );
    found.limit(
        &key("unplanned-spread-folders"),
        *unplanned_spread_folders,
        new.unplanned_spread_folders,
    );
    // A warning lets unplanned complex work through.
    if *unplanned_verdict == UnplannedVerdict::Refuse
        && new.unplanned_verdict == UnplannedVerdict::Warn
    {
        found.fixed(
            &key("unplanned-complex-work"),
            unplanned_verdict.as_str(),
            new.unplanned_verdict.as_str(),
        );
    }
    // A warning lets small work that touches an open plan through without its entry.
    if *plan_touch_small_work == UnplannedVerdict::Refuse
        && new.plan_touch_small_work == UnplannedVerdict::Warn
    {
        found.fixed(
            &key("plan-touch-small-work"),
            plan_touch_small_work.as_str(),
            new.plan_touch_small_work.as_str(),
        );
    }
    // Code left out of the unplanned size lets larger work through unnamed.
    found.adds_none(
        &key("unplanned-exclude"),
        unplanned_exclude.patterns(),
        new.unplanned_exclude.patterns(),
    );
    found.fixed(&key("section"), section, &new.section);
    if *within == Within::Commit && new.within == Within::Push {
        found.fixed(&key("within"), within.as_str(), new.within.as_str());
    }
    found.adds_none(
        &key("exempt-authors"),
        exempt_authors.texts(),
        new.exempt_authors.texts(),
    );
    found.adds_none(
        &key("exempt-trailers"),
        exempt_trailers.texts(),
        new.exempt_trailers.texts(),
    );
    // A small-fix allowance of 0 lines is none at all: allowing one loosens, whatever its files.
    found.limit(
        &key("small-fix-lines"),
        *small_fix_lines,
        new.small_fix_lines,
    );
    if *small_fix_lines > 0 && new.small_fix_lines > 0 {
        found.limit(
            &key("small-fix-files"),
            *small_fix_files,
            new.small_fix_files,
        );
    }
    found.limit(
        &key("merge-resolution-lines"),
        *merge_resolution_lines,
        new.merge_resolution_lines,
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
#[path = "strictness_tests.rs"]
mod tests;
