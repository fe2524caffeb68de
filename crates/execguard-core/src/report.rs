//! What a check finds, as data: human text, JSON and SARIF are all rendered from this.

use serde::Serialize;

use crate::model::RepoPath;
use crate::rule_id::RuleId;

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: RuleId,
    /// The path the violation is about, when it is about one.
    pub path: Option<RepoPath>,
    /// The commit id, or `None` for a staged change.
    pub commit: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do next.
    pub hint: String,
    /// Whether an `Execguard-Override` trailer or `EXECGUARD_SKIP` may set it aside; `false` for
    /// findings that would lock the branch if accepted (a config that does not parse).
    #[serde(skip_serializing_if = "is_true")]
    pub overridable: bool,
}

fn is_true(value: &bool) -> bool {
    *value
}

/// A violation that a commit trailer `Execguard-Override: <rule>: <reason>` accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overridden {
    #[serde(flatten)]
    pub violation: Violation,
    pub reason: String,
}

/// The verdict on one change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Violations that refuse the change.
    pub violations: Vec<Violation>,
    /// Violations accepted by an override trailer.
    pub overridden: Vec<Overridden>,
    /// Violations of rules that `EXECGUARD_SKIP` set aside in pre-commit; the commit-msg hook
    /// then requires an override trailer for each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Violation>,
    /// Set when the `[scope]` of the config leaves this change's branch out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<String>,
    /// Commits that could not be judged (an object missing from a partial clone, a parent beyond a
    /// shallow clone's boundary): the check is incomplete, and exits with code 2.
    pub errors: Vec<CommitError>,
}

/// A commit that could not be judged, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitError {
    /// The commit id.
    pub commit: String,
    /// The object that could not be read (`blob 1a2b...`, `the parent of 1a2b...`).
    pub object: String,
    /// What is wrong.
    pub message: String,
    /// What to do next.
    pub hint: String,
}

impl Report {
    /// No violations and no commit left unjudged.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty() && self.errors.is_empty()
    }

    pub fn extend(&mut self, other: Report) {
        self.violations.extend(other.violations);
        self.overridden.extend(other.overridden);
        self.skipped.extend(other.skipped);
        self.errors.extend(other.errors);
    }
}
