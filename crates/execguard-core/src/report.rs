//! What a check finds, as data: human text, JSON and SARIF are all rendered from this.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::findings::{About, Finding};
use crate::model::RepoPath;
use crate::rule_id::RuleId;
use crate::trailers::OVERRIDE_TRAILER;

/// One broken rule: the rule's typed finding, and the change it is about.
///
/// Serialized with `rule`, `path`, `commit`, `message` and `hint` (both rendered from the
/// finding), `"overridable": false` when no trailer can set it aside, and the finding's facts as
/// `finding`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub finding: Finding,
    /// The change it is about, and how its text names it.
    pub about: About,
    /// Set when the change carries an override trailer for the rule that its pusher may not use.
    pub refused_override: Option<RefusedOverride>,
}

/// An override trailer that is not honoured, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedOverride {
    /// The trailer's reason.
    pub reason: String,
    /// Why it is not honoured: `the pusher `ana` is not allowed to override: ...`.
    pub why: String,
    /// What to do instead.
    pub next: String,
}

impl Violation {
    pub fn new(finding: Finding, about: About) -> Self {
        Self {
            finding,
            about,
            refused_override: None,
        }
    }

    pub fn rule(&self) -> RuleId {
        self.finding.rule()
    }

    /// The path the violation is about, when it is about one.
    pub fn path(&self) -> Option<&RepoPath> {
        self.finding.path()
    }

    /// The commit id, or `None` for a staged change.
    pub fn commit(&self) -> Option<&str> {
        self.about.commit.as_deref()
    }

    /// Whether an `Execguard-Override` trailer or `EXECGUARD_SKIP` may set it aside.
    pub fn overridable(&self) -> bool {
        self.finding.overridable()
    }

    /// What is wrong.
    pub fn message(&self) -> String {
        let mut message = self.finding.message(&self.about);
        if let Some(refused) = &self.refused_override {
            message.push_str(&format!(
                " The commit carries `{OVERRIDE_TRAILER}: {}: {}`, but {}.",
                self.rule(),
                refused.reason,
                refused.why
            ));
        }
        message
    }

    /// What to do next.
    pub fn hint(&self) -> String {
        let hint = self.finding.hint(&self.about);
        match &self.refused_override {
            // The commit already carries the trailer: advice to add one is dropped.
            Some(refused) => format!("{} {}", refused.next, without_override_advice(&hint)),
            None => hint,
        }
    }
}

/// A hint without its sentences about adding an override trailer.
fn without_override_advice(hint: &str) -> String {
    hint.split_inclusive(". ")
        .filter(|sentence| !sentence.contains(OVERRIDE_TRAILER))
        .collect::<String>()
        .trim_end()
        .to_string()
}

impl Serialize for Violation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let overridable = self.overridable();
        let mut out = serializer.serialize_struct("Violation", if overridable { 6 } else { 7 })?;
        out.serialize_field("rule", &self.rule())?;
        out.serialize_field("path", &self.path())?;
        out.serialize_field("commit", &self.commit())?;
        out.serialize_field("message", &self.message())?;
        out.serialize_field("hint", &self.hint())?;
        if overridable {
            out.skip_field("overridable")?;
        } else {
            out.serialize_field("overridable", &false)?;
        }
        out.serialize_field("finding", &self.finding)?;
        out.end()
    }
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
    /// Findings that refuse the change only where the pusher is known (the server, CI), given
    /// as advice by client hooks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub advice: Vec<Violation>,
    /// Set when the `[scope]` of the config leaves this change's branch out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_scope: Option<String>,
    /// Commits that could not be judged (an object missing from a partial clone, a parent beyond a
    /// shallow clone's boundary): the check is incomplete, and exits with code 2.
    pub errors: Vec<CommitError>,
    /// Findings a later commit may still settle, reported without refusing: a missing Progress
    /// entry under `[rules.progress-update] within = "push"`, before the commit is pushed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deferred: Vec<Violation>,
    /// What the change did to Progress sections, for judging it beside the other commits of a
    /// push or range; not part of the verdict.
    #[serde(skip)]
    pub progress: ProgressLedger,
}

/// The keys of the Progress entries a change added to one plan, and of those it removed.
pub type EntryKeys = (Vec<String>, Vec<String>);

/// What one change did to the execplans' Progress sections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgressLedger {
    /// Per feature whose execplan the change touched, in the order of the features' names: the
    /// entries (as [`crate::progress::entry_key`] gives them) it added and removed. A range check
    /// keeps one ledger per commit until the range is settled, so these are vectors sized to fit,
    /// not maps (a map's first node takes most of a kilobyte, ten thousand commits 10 MB).
    pub entries: Vec<(String, EntryKeys)>,
    /// The features whose Progress the change updates, as `progress-update` counts it, in order.
    pub updated: Vec<String>,
    /// Whether the config that judged it lets another commit of the push add the entry
    /// (`within = "push"`).
    pub within_push: bool,
    /// Whether the change touches an execplan; under `require = "planned-work"`, an open one
    /// (with its Progress section, not closed), which makes its push or range planned work.
    pub touches_plan: bool,
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
        self.advice.extend(other.advice);
        self.errors.extend(other.errors);
        self.deferred.extend(other.deferred);
    }
}
