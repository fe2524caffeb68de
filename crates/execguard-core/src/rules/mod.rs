//! One module per rule, named after its id. Each has a `DOC` (printed by `execguard explain`) and
//! a `check` over the [`Context`]; [`RULES`] pairs every id with them.

use crate::config::CONFIG_PATH;
use crate::context::Context;
use crate::findings::{
    CaseCollision, Finding, FrozenDesign, FrozenSpec, GuardConfig, ProtectedPath,
};
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;
use crate::rule_id::RuleId;

/// Declares a rule's documentation once, as both its rustdoc and the text `explain` prints.
macro_rules! rule_doc {
    ($text:literal) => {
        #[doc = $text]
        pub const DOC: &str = $text;
    };
}

mod action;
pub mod branch_net_change;
pub mod commit_message;
pub mod commit_size;
pub mod execplan_deleted;
pub mod execplan_ready;
pub mod execplan_sections;
pub mod frozen_design;
pub mod frozen_spec;
pub mod guard_config;
pub mod progress_update;
pub mod protected_path;
pub mod spec_freeze_owner;

/// What a rule's check does: the findings of one rule over a change.
type Check = fn(&Context<'_>) -> Result<Vec<Violation>, TreeError>;

/// A rule: its id, its documentation and its check.
pub struct Rule {
    pub id: RuleId,
    /// What it checks / Why / Example / How to comply / Configuration, as `explain` prints it.
    pub doc: &'static str,
    check: Check,
}

/// Every rule, in the order of [`ALL_RULES`](crate::rule_id::ALL_RULES).
pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::FrozenSpec,
        doc: frozen_spec::DOC,
        check: frozen_spec::check,
    },
    Rule {
        id: RuleId::FrozenDesign,
        doc: frozen_design::DOC,
        check: frozen_design::check,
    },
    Rule {
        id: RuleId::ProtectedPath,
        doc: protected_path::DOC,
        check: protected_path::check,
    },
    Rule {
        id: RuleId::GuardConfig,
        doc: guard_config::DOC,
        check: guard_config::check,
    },
    Rule {
        id: RuleId::ProgressUpdate,
        doc: progress_update::DOC,
        check: progress_update::check,
    },
    Rule {
        id: RuleId::ExecplanReady,
        doc: execplan_ready::DOC,
        check: execplan_ready::check,
    },
    Rule {
        id: RuleId::ExecplanSections,
        doc: execplan_sections::DOC,
        check: execplan_sections::check,
    },
    Rule {
        id: RuleId::ExecplanDeleted,
        doc: execplan_deleted::DOC,
        check: execplan_deleted::check,
    },
    Rule {
        id: RuleId::CommitSize,
        doc: commit_size::DOC,
        check: commit_size::check,
    },
    Rule {
        id: RuleId::CommitMessage,
        doc: commit_message::DOC,
        check: commit_message::check,
    },
    Rule {
        id: RuleId::BranchNetChange,
        doc: branch_net_change::DOC,
        check: branch_net_change::check,
    },
    Rule {
        id: RuleId::SpecFreezeOwner,
        doc: spec_freeze_owner::DOC,
        check: spec_freeze_owner::check,
    },
];

/// The sections every rule's documentation must have, in this order.
pub const DOC_SECTIONS: &[&str] = &[
    "What it checks",
    "Why",
    "Example",
    "How to comply",
    "Configuration",
];

/// The table's row for `id`.
pub fn rule(id: RuleId) -> &'static Rule {
    // A test holds the table to every id of `ALL_RULES`: this cannot fail in a released build.
    #[allow(clippy::expect_used)]
    RULES
        .iter()
        .find(|rule| rule.id == id)
        .expect("every rule id has a row in the table")
}

impl RuleId {
    /// The rule's documentation: What it checks / Why / Example / How to comply / Configuration.
    pub fn doc(self) -> &'static str {
        rule(self).doc
    }

    /// The first line of the rule's documentation.
    pub fn summary(self) -> &'static str {
        self.doc().lines().next().unwrap_or_default()
    }
}

pub(crate) fn run(rule_id: RuleId, cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let mut found = (rule(rule_id).check)(cx)?;
    if rule_id.is_path_rule() {
        found.extend(case_collisions(rule_id, cx)?);
    }
    Ok(found)
}

/// Whether `rule` protects `path` on `side`: a change to it there would be a finding. Only the
/// path rules protect paths.
pub(crate) fn protects(
    rule: RuleId,
    cx: &Context<'_>,
    side: Side,
    path: &RepoPath,
) -> Result<bool, TreeError> {
    match rule {
        RuleId::FrozenSpec => frozen_spec::protects(cx, side, path),
        RuleId::FrozenDesign => frozen_design::protects(cx, side, path),
        RuleId::ProtectedPath => Ok(cx
            .config
            .rules
            .protected_path
            .paths
            .is_match_checked_out(path)),
        RuleId::GuardConfig => Ok(path.as_bytes() == CONFIG_PATH.as_bytes()),
        _ => Ok(false),
    }
}

/// Whether `rule` watched `path` on `side`, for a merge taking another parent's version of it: it
/// protects the path, or (`protected-path`) a section of it.
pub(crate) fn watches(
    rule: RuleId,
    cx: &Context<'_>,
    side: Side,
    path: &RepoPath,
) -> Result<bool, TreeError> {
    if protects(rule, cx, side, path)? {
        return Ok(true);
    }
    Ok(rule == RuleId::ProtectedPath
        && cx
            .config
            .rules
            .protected_path
            .sections
            .iter()
            .any(|section| &section.path == path))
}

/// A path the change adds that a case-insensitive checkout (macOS, Windows) writes over a path
/// that `rule` protects in the base: `specs/Login.md` beside a frozen `specs/login.md` is that
/// spec for many of the people who check it out.
fn case_collisions(rule: RuleId, cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let mut found = Vec::new();
    for (added, existing) in cx.case_collisions()? {
        if !protects(rule, cx, Side::Base, &existing)? {
            continue;
        }
        let undo = match &cx.change.commit {
            None => format!("`git rm --cached -- {added}`, then delete or rename the file"),
            Some(_) => cx.undo_hint(&added),
        };
        let collision = CaseCollision { added, existing };
        let finding = match rule {
            RuleId::FrozenSpec => Finding::FrozenSpec(FrozenSpec::case_collision(
                collision,
                cx.config.layout.spec_marker.names(),
            )),
            RuleId::FrozenDesign => Finding::FrozenDesign(FrozenDesign::CaseCollision(collision)),
            RuleId::ProtectedPath => {
                Finding::ProtectedPath(ProtectedPath::CaseCollision(collision))
            }
            _ => Finding::GuardConfig(GuardConfig::CaseCollision(collision)),
        };
        found.push(cx.violation_with_undo(finding, undo));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule_id::ALL_RULES;

    #[test]
    fn the_table_has_every_rule_once_in_order() {
        let ids: Vec<RuleId> = RULES.iter().map(|rule| rule.id).collect();
        assert_eq!(ids, ALL_RULES);
        for id in ALL_RULES {
            assert_eq!(rule(*id).id, *id);
        }
    }

    #[test]
    fn every_rule_doc_has_every_section_in_order() {
        for rule in ALL_RULES {
            let doc = rule.doc();
            assert!(
                doc.starts_with(&format!("{rule}: ")),
                "{rule} doc names another rule"
            );
            let mut last = 0;
            for section in DOC_SECTIONS {
                let heading = format!("\n## {section}\n");
                let at = doc
                    .find(&heading)
                    .unwrap_or_else(|| panic!("{rule} doc lacks section `{section}`"));
                assert!(at >= last, "{rule} doc has `{section}` out of order");
                last = at;
                let body = &doc[at + heading.len()..];
                let body = body.split("\n## ").next().unwrap_or_default();
                assert!(
                    !body.trim().is_empty(),
                    "{rule} doc has an empty `{section}`"
                );
            }
        }
    }
}
