//! The one list of rules. Ids are stable kebab-case and never reused.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::rules;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    FrozenSpec,
    FrozenDesign,
    ProtectedPath,
    GuardConfig,
    ProgressUpdate,
    ExecplanReady,
    ExecplanSections,
    CommitSize,
    CommitMessage,
}

/// Every rule, in the order they are checked and reported.
pub const ALL_RULES: &[RuleId] = &[
    RuleId::FrozenSpec,
    RuleId::FrozenDesign,
    RuleId::ProtectedPath,
    RuleId::GuardConfig,
    RuleId::ProgressUpdate,
    RuleId::ExecplanReady,
    RuleId::ExecplanSections,
    RuleId::CommitSize,
    RuleId::CommitMessage,
];

impl RuleId {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::FrozenSpec => "frozen-spec",
            RuleId::FrozenDesign => "frozen-design",
            RuleId::ProtectedPath => "protected-path",
            RuleId::GuardConfig => "guard-config",
            RuleId::ProgressUpdate => "progress-update",
            RuleId::ExecplanReady => "execplan-ready",
            RuleId::ExecplanSections => "execplan-sections",
            RuleId::CommitSize => "commit-size",
            RuleId::CommitMessage => "commit-message",
        }
    }

    /// The rule's documentation: What it checks / Why / Example / How to comply / Configuration.
    pub fn doc(self) -> &'static str {
        match self {
            RuleId::FrozenSpec => rules::frozen_spec::DOC,
            RuleId::FrozenDesign => rules::frozen_design::DOC,
            RuleId::ProtectedPath => rules::protected_path::DOC,
            RuleId::GuardConfig => rules::guard_config::DOC,
            RuleId::ProgressUpdate => rules::progress_update::DOC,
            RuleId::ExecplanReady => rules::execplan_ready::DOC,
            RuleId::ExecplanSections => rules::execplan_sections::DOC,
            RuleId::CommitSize => rules::commit_size::DOC,
            RuleId::CommitMessage => rules::commit_message::DOC,
        }
    }

    /// Whether the rule is about which paths a change may touch (frozen and protected files, the
    /// guard's own config), rather than about the content of the work.
    pub fn is_path_rule(self) -> bool {
        matches!(
            self,
            RuleId::FrozenSpec | RuleId::FrozenDesign | RuleId::ProtectedPath | RuleId::GuardConfig
        )
    }

    /// The first line of the rule's documentation.
    pub fn summary(self) -> &'static str {
        self.doc().lines().next().unwrap_or_default()
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a rule id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}`")]
pub struct UnknownRule(pub String);

impl FromStr for RuleId {
    type Err = UnknownRule;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ALL_RULES
            .iter()
            .copied()
            .find(|rule| rule.as_str() == text.trim())
            .ok_or_else(|| UnknownRule(text.trim().to_string()))
    }
}

/// The sections every rule's documentation must have, in this order.
pub const DOC_SECTIONS: &[&str] = &[
    "What it checks",
    "Why",
    "Example",
    "How to comply",
    "Configuration",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in ALL_RULES {
            assert_eq!(rule.as_str().parse::<RuleId>(), Ok(*rule));
            assert!(seen.insert(rule.as_str()));
        }
        assert!("no-such-rule".parse::<RuleId>().is_err());
    }

    #[test]
    fn every_rule_doc_has_every_section_in_order() {
        for rule in ALL_RULES {
            let doc = rule.doc();
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
