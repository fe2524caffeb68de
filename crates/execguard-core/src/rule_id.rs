//! The rule ids: stable kebab-case names, never reused, and the order rules are checked in.
//!
//! The bottom of the crate: it depends on nothing else in it, so the config, the reports and the
//! rules can all name a rule. Each rule's check and documentation are paired with its id by the
//! table in [`rules`](crate::rules), which also gives [`RuleId::doc`].

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

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
    ExecplanDeleted,
    CommitSize,
    CommitMessage,
    BranchNetChange,
    SpecFreezeOwner,
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
    RuleId::ExecplanDeleted,
    RuleId::CommitSize,
    RuleId::CommitMessage,
    RuleId::BranchNetChange,
    RuleId::SpecFreezeOwner,
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
            RuleId::ExecplanDeleted => "execplan-deleted",
            RuleId::CommitSize => "commit-size",
            RuleId::CommitMessage => "commit-message",
            RuleId::BranchNetChange => "branch-net-change",
            RuleId::SpecFreezeOwner => "spec-freeze-owner",
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
}
