//! `frozen-spec`: a change to a spec frozen in the base.

use serde::Serialize;

use super::{markers_in_words, About, CaseCollision};
use crate::model::{Action, RepoPath};
use crate::rule_id::RuleId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FrozenSpec {
    /// The change modifies, deletes, renames away or re-modes a frozen spec.
    Changed(SpecChanged),
    /// The change adds a path that a case-insensitive checkout writes over a frozen spec.
    CaseCollision(SpecCollision),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecChanged {
    /// The frozen spec.
    pub path: RepoPath,
    /// The feature it specifies: its file stem.
    pub feature: String,
    /// What the change does to it.
    #[serde(flatten)]
    pub action: Action,
    /// The markers that freeze a spec (`[layout] spec-marker`).
    pub markers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecCollision {
    #[serde(flatten)]
    pub collision: CaseCollision,
    /// The markers that freeze a spec (`[layout] spec-marker`).
    pub markers: Vec<String>,
}

impl FrozenSpec {
    pub fn changed(path: &RepoPath, action: Action, markers: &[String]) -> Self {
        FrozenSpec::Changed(SpecChanged {
            path: path.clone(),
            feature: path.stem(),
            action,
            markers: markers.to_vec(),
        })
    }

    pub fn case_collision(collision: CaseCollision, markers: &[String]) -> Self {
        FrozenSpec::CaseCollision(SpecCollision {
            collision,
            markers: markers.to_vec(),
        })
    }

    pub(super) fn path(&self) -> &RepoPath {
        match self {
            FrozenSpec::Changed(found) => &found.path,
            FrozenSpec::CaseCollision(found) => &found.collision.added,
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            FrozenSpec::Changed(found) => format!(
                "{} {}; {path} is a frozen spec ({} in {}). A frozen spec is the human's decision and may not be changed during EXEC.",
                about.subject,
                found.action.describe(&found.path),
                markers_in_words(&found.markers),
                about.base,
                path = found.path,
            ),
            FrozenSpec::CaseCollision(found) => found.collision.message(
                about,
                &format!(
                    "a frozen spec ({} in {})",
                    markers_in_words(&found.markers),
                    about.base
                ),
            ),
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        match self {
            FrozenSpec::Changed(_) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`): EXEC must return to SPEC mode; do not retry or work around this. Restore the spec ({undo}) and ask the spec's owner. If a human approved this change, add the trailer `Execguard-Override: frozen-spec: <reason>`.",
                undo = about.undo
            ),
            FrozenSpec::CaseCollision(found) => found.collision.hint(about, RuleId::FrozenSpec),
        }
    }
}
