//! `protected-path`: a change to a path only a human may change.

use serde::Serialize;

use super::{About, CaseCollision};
use crate::model::{Action, RepoPath};
use crate::rule_id::RuleId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProtectedPath {
    /// The change adds, modifies, deletes, renames or re-modes a protected path.
    Changed(PathChanged),
    /// The change adds a path that a case-insensitive checkout writes over a protected one.
    CaseCollision(CaseCollision),
    /// The change adds, modifies or removes a protected section of a file.
    SectionChanged(SectionChanged),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SectionChanged {
    pub path: RepoPath,
    /// The protected section's title, as the config writes it.
    pub heading: String,
    pub change: SectionChange,
}

/// What a change does to a protected section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionChange {
    Adds,
    Modifies,
    /// The section, or its heading, is gone (or the file with it).
    Removes,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PathChanged {
    pub path: RepoPath,
    /// What the change does to it.
    #[serde(flatten)]
    pub action: Action,
}

impl ProtectedPath {
    pub fn changed(path: &RepoPath, action: Action) -> Self {
        ProtectedPath::Changed(PathChanged {
            path: path.clone(),
            action,
        })
    }

    pub(super) fn path(&self) -> &RepoPath {
        match self {
            ProtectedPath::Changed(found) => &found.path,
            ProtectedPath::CaseCollision(found) => &found.added,
            ProtectedPath::SectionChanged(found) => &found.path,
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            ProtectedPath::Changed(found) => format!(
                "{} {}, a protected path: only a human may change it.",
                about.subject,
                found.action.describe(&found.path)
            ),
            ProtectedPath::CaseCollision(found) => found.message(about, "a protected path"),
            ProtectedPath::SectionChanged(found) => format!(
                "{} {} the section \"{}\" of {}, a protected section: only a human may change it.",
                about.subject,
                match found.change {
                    SectionChange::Adds => "adds",
                    SectionChange::Modifies => "modifies",
                    SectionChange::Removes => "removes",
                },
                found.heading,
                found.path
            ),
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        match self {
            ProtectedPath::Changed(_) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. Restore it ({undo}) and ask a human. A deliberate human change carries `Execguard-Override: protected-path: <reason>`.",
                undo = about.undo
            ),
            ProtectedPath::CaseCollision(found) => found.hint(about, RuleId::ProtectedPath),
            ProtectedPath::SectionChanged(found) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. Put the section back as {base} has it, keeping your other changes to {path} (restoring the whole file is {undo}), and ask a human. A deliberate human change carries `Execguard-Override: protected-path: <reason>`.",
                base = about.base,
                path = found.path,
                undo = about.undo
            ),
        }
    }
}
