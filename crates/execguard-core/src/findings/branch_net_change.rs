//! `branch-net-change`: a ref update that, old tip to new, drops what the branch kept.

use serde::Serialize;

use super::{About, Loosening};
use crate::model::{Action, RepoPath};
use crate::rule_id::RuleId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum BranchNetChange {
    /// A path guarded at the old tip differs at the new one, and no commit between them changed
    /// it with an honoured override.
    PathChanged(NetPathChanged),
    /// The config at the new tip is looser than the one at the old tip.
    ConfigLoosened(NetConfigLoosened),
    /// The push deletes a protected branch, and the pusher may not.
    ProtectedBranchDeleted(ProtectedBranchDeleted),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NetPathChanged {
    pub path: RepoPath,
    /// What the update does to it.
    #[serde(flatten)]
    pub action: Action,
    /// The rule that guards it at the old tip.
    pub guarded_by: RuleId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NetConfigLoosened {
    pub path: RepoPath,
    pub loosenings: Vec<Loosening>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProtectedBranchDeleted {
    /// The deleted ref (`refs/heads/main`).
    pub name: String,
    /// Who pushes the deletion.
    pub pusher: String,
    /// Who may delete it: `[server] override-users`.
    pub allowed: Vec<String>,
}

impl BranchNetChange {
    pub(super) fn path(&self) -> Option<&RepoPath> {
        match self {
            BranchNetChange::PathChanged(found) => Some(&found.path),
            BranchNetChange::ConfigLoosened(found) => Some(&found.path),
            BranchNetChange::ProtectedBranchDeleted(_) => None,
        }
    }

    /// A deletion cannot carry a trailer; the rest are set aside only by the commits that made
    /// the change, so a trailer on the update as a whole means nothing either way.
    pub(super) fn overridable(&self) -> bool {
        !matches!(self, BranchNetChange::ProtectedBranchDeleted(_))
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            BranchNetChange::PathChanged(found) => format!(
                "{} {}, {} at {}, though no commit between the two tips changes it with an honoured override: the branch would lose what it kept there.",
                about.subject,
                found.action.describe(&found.path),
                guarded_as(found.guarded_by),
                about.base
            ),
            BranchNetChange::ConfigLoosened(found) => format!(
                "{} leaves {} looser than at {}, though no commit between the two tips changes it with an honoured override: {}.",
                about.subject,
                found.path,
                about.base,
                found
                    .loosenings
                    .iter()
                    .map(|l| format!("{}: {} → {}", l.key, l.old, l.new))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            BranchNetChange::ProtectedBranchDeleted(found) => format!(
                "the push deletes {}, a branch listed in [server] protected-branches, and the pusher `{}` {}.",
                found.name,
                found.pusher,
                match found.allowed.as_slice() {
                    [] => "may not: [server] override-users is empty, so nobody may".to_string(),
                    users => format!("is not among those who may ({})", users.join(", ")),
                }
            ),
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        match self {
            BranchNetChange::PathChanged(found) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry, merge with `-s ours`, or delete and re-create the branch. {undo}: a stale branch must take the branch's version of {path}, not replace it. A human who means to change {path} commits that change with `Execguard-Override: {rule}: <reason>`.",
                undo = capitalised(&about.undo),
                path = found.path,
                rule = found.guarded_by
            ),
            BranchNetChange::ConfigLoosened(found) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. {undo}. A human who means to loosen it commits that change with `Execguard-Override: guard-config: <reason>`.",
                undo = capitalised(&about.undo.replace("{path}", &found.path.to_string()))
            ),
            BranchNetChange::ProtectedBranchDeleted(found) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry or push the branch under another name. Ask {} to delete {} if it must go.",
                match found.allowed.as_slice() {
                    [] => "a server administrator".to_string(),
                    users => users.join(" or "),
                },
                found.name
            ),
        }
    }
}

/// What a path is to the rule that guards it.
fn guarded_as(rule: RuleId) -> &'static str {
    match rule {
        RuleId::FrozenSpec => "a frozen spec",
        RuleId::FrozenDesign => "the design note of a frozen spec",
        RuleId::GuardConfig => "the guard's config",
        _ => "a protected path",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
