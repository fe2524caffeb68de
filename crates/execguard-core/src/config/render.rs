//! The effective config written back as TOML, every key spelled out (`execguard config`); a
//! rendered config parses back to itself.

use toml::{Table, Value};

use super::validated::Config;
use crate::rule_id::{RuleId, ALL_RULES};

/// A list of strings as a TOML value.
pub(super) fn strings(items: &[impl AsRef<str>]) -> toml::Value {
    toml::Value::Array(
        items
            .iter()
            .map(|s| toml::Value::String(s.as_ref().to_string()))
            .collect(),
    )
}

/// A limit as a TOML integer (TOML integers are signed).
pub(super) fn integer(n: u64) -> toml::Value {
    toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

impl Config {
    /// The effective configuration as TOML, every key spelled out.
    pub fn to_toml(&self) -> String {
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
            "closed-plans".into(),
            strings(layout.closed_plans.patterns()),
        );
        layout_table.insert(
            "shelved-plans".into(),
            strings(layout.shelved_plans.patterns()),
        );
        layout_table.insert(
            "generated-markers".into(),
            strings(layout.generated_markers.texts()),
        );
        layout_table.insert(
            "binary-is-code".into(),
            Value::Boolean(layout.binary_is_code),
        );
        layout_table.insert(
            "release-metadata-is-code".into(),
            Value::Boolean(layout.release_metadata_is_code),
        );
        layout_table.insert(
            "branch-patterns".into(),
            strings(&layout.branch_patterns.patterns()),
        );

        let mut scope = Table::new();
        scope.insert("branches".into(), strings(self.scope.branches.patterns()));

        let mut rules = Table::new();
        for rule in ALL_RULES {
            let mut table = Table::new();
            table.insert("enabled".into(), Value::Boolean(self.is_enabled(*rule)));
            let r = &self.rules;
            match rule {
                RuleId::ProtectedPath => {
                    table.insert("paths".into(), strings(r.protected_path.paths.patterns()));
                    if !r.protected_path.sections.is_empty() {
                        let sections = r
                            .protected_path
                            .sections
                            .iter()
                            .map(|section| {
                                let mut one = Table::new();
                                one.insert("path".into(), Value::String(section.path.to_text()));
                                one.insert(
                                    "heading".into(),
                                    Value::String(section.heading.clone()),
                                );
                                Value::Table(one)
                            })
                            .collect();
                        table.insert("sections".into(), Value::Array(sections));
                    }
                }
                RuleId::ProgressUpdate => {
                    let p = &r.progress_update;
                    table.insert("section".into(), Value::String(p.section.clone()));
                    table.insert("within".into(), Value::String(p.within.as_str().into()));
                    table.insert("exempt-authors".into(), strings(p.exempt_authors.texts()));
                    table.insert("exempt-trailers".into(), strings(p.exempt_trailers.texts()));
                    table.insert("small-fix-lines".into(), integer(p.small_fix_lines));
                    table.insert("small-fix-files".into(), integer(p.small_fix_files));
                    table.insert(
                        "merge-resolution-lines".into(),
                        integer(p.merge_resolution_lines),
                    );
                    table.insert("require".into(), Value::String(p.require.as_str().into()));
                    table.insert("unplanned-max-lines".into(), integer(p.unplanned_max_lines));
                    table.insert("unplanned-max-files".into(), integer(p.unplanned_max_files));
                    table.insert(
                        "unplanned-spread-lines".into(),
                        integer(p.unplanned_spread_lines),
                    );
                    table.insert(
                        "unplanned-spread-folders".into(),
                        integer(p.unplanned_spread_folders),
                    );
                    table.insert(
                        "unplanned-complex-work".into(),
                        Value::String(p.unplanned_verdict.as_str().into()),
                    );
                    table.insert(
                        "plan-touch-small-work".into(),
                        Value::String(p.plan_touch_small_work.as_str().into()),
                    );
                    table.insert(
                        "unplanned-exclude".into(),
                        strings(p.unplanned_exclude.patterns()),
                    );
                }
                RuleId::ExecplanReady => {
                    table.insert(
                        "require-spec".into(),
                        Value::Boolean(r.execplan_ready.require_spec),
                    );
                }
                RuleId::ExecplanDeleted => {
                    table.insert(
                        "closing-unstarted".into(),
                        Value::Boolean(r.execplan_deleted.closing_unstarted),
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
                    table.insert(
                        "exempt-generated".into(),
                        Value::Boolean(r.commit_message.exempt_generated),
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
        server.insert(
            "protected-branches".into(),
            strings(self.server.protected_branches.patterns()),
        );
        let owners = self
            .server
            .spec_owners
            .iter()
            .map(|entry| match &entry.paths {
                None => match entry.users.as_slice() {
                    [one] => Value::String(one.clone()),
                    _ => strings(&entry.users),
                },
                Some(globs) => {
                    let mut table = Table::new();
                    table.insert("paths".into(), strings(globs.patterns()));
                    table.insert("users".into(), strings(&entry.users));
                    Value::Table(table)
                }
            })
            .collect();
        server.insert("spec-owners".into(), Value::Array(owners));
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
            "[rules.commit-size]\nmax-lines = 10\n[rules.frozen-design]\nenabled = false\n[scope]\nbranches = [\"exec/**\"]\n[server]\noverride-users = [\"ana\"]\nprotected-branches = [\"<default>\", \"release/*\"]\nspec-owners = [\"ana\", { paths = [\"specs/pay*.md\"], users = [\"bo\", \"cy\"] }]\n[adoption]\nbaseline = [\"0123456789abcdef0123456789abcdef01234567\"]\n",
        )
        .unwrap();
        for config in [Config::embedded_default(), custom] {
            let text = config.to_toml();
            assert_eq!(Config::parse("rendered", &text).unwrap(), config, "{text}");
        }
    }
}
