//! `frozen-design`: a change to the design note of a feature whose spec is frozen.

use serde::Serialize;

use super::{markers_in_words, About, CaseCollision};
use crate::model::{Action, RepoPath};
use crate::rule_id::RuleId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FrozenDesign {
    /// The change adds, modifies, deletes, renames or re-modes the design note.
    Changed(DesignChanged),
    /// The change adds a path that a case-insensitive checkout writes over such a design note.
    CaseCollision(CaseCollision),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DesignChanged {
    /// The design note.
    pub path: RepoPath,
    pub feature: String,
    /// What the change does to it.
    #[serde(flatten)]
    pub action: Action,
    /// The feature's spec, frozen in the base.
    pub spec: RepoPath,
    /// The markers that freeze a spec (`[layout] spec-marker`).
    pub markers: Vec<String>,
}

impl FrozenDesign {
    pub fn changed(
        path: &RepoPath,
        feature: &str,
        action: Action,
        spec: &RepoPath,
        markers: &[String],
    ) -> Self {
        FrozenDesign::Changed(DesignChanged {
            path: path.clone(),
            feature: feature.to_string(),
            action,
            spec: spec.clone(),
            markers: markers.to_vec(),
        })
    }

    pub(super) fn path(&self) -> &RepoPath {
        match self {
            FrozenDesign::Changed(found) => &found.path,
            FrozenDesign::CaseCollision(found) => &found.added,
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            FrozenDesign::Changed(found) => format!(
                "{} {} while {} is frozen ({} in {}). The design note is part of the approved agreement and is read-only during EXEC.",
                about.subject,
                found.action.describe(&found.path),
                found.spec,
                markers_in_words(&found.markers),
                about.base
            ),
            FrozenDesign::CaseCollision(found) => {
                found.message(about, "the design note of a frozen spec")
            }
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        match self {
            FrozenDesign::Changed(_) => format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. Restore it ({undo}), note the question in the execplan, and ask the human. An approved change carries `Execguard-Override: frozen-design: <reason>`.",
                undo = about.undo
            ),
            FrozenDesign::CaseCollision(found) => found.hint(about, RuleId::FrozenDesign),
        }
    }
}
