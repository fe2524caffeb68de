//! `execplan-ready`: code for a feature whose execplan was not ready, or whose spec was not
//! frozen, before the change.

use serde::Serialize;

use super::{markers_in_words, About};
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ExecplanReady {
    /// The feature's execplan is not ready in the base, or the change withdraws it.
    PlanNotReady(PlanNotReady),
    /// The spec the execplan implements is not frozen in the base.
    SpecNotFrozen(SpecNotFrozen),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlanNotReady {
    pub feature: String,
    pub plan: RepoPath,
    pub problem: PlanProblem,
    /// The markers that make an execplan ready (`[layout] execplan-marker`).
    pub markers: Vec<String>,
}

/// What is wrong with the execplan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanProblem {
    /// Ready in the base; the change removes the marker.
    MarkerRemoved,
    /// Ready in the base; the change deletes the plan.
    Deleted,
    /// Not ready in the base; the change adds the marker.
    ReadiedByThisCommit,
    /// Not ready in the base.
    NotReady,
    /// The change adds the plan, ready.
    AddedReady,
    /// No plan in the base.
    Missing,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecNotFrozen {
    pub feature: String,
    /// The execplan, read as the base has it.
    pub plan: RepoPath,
    /// The spec, when one was found.
    pub spec: Option<RepoPath>,
    /// Whether the plan names the spec (rather than the spec having the plan's stem).
    pub named_by_plan: bool,
    pub problem: SpecProblem,
    /// The markers that freeze a spec (`[layout] spec-marker`).
    pub markers: Vec<String>,
    /// The spec globs (`[layout] specs`), when no spec was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specs: Option<String>,
    /// A spec frozen in the base that the plan names only as this change leaves it (its new
    /// `Spec:` line comes with the code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named_by_this_change: Option<RepoPath>,
}

/// What is wrong with the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpecProblem {
    /// Not frozen in the base; the change freezes it.
    FrozenByThisCommit,
    /// Not frozen in the base.
    NotFrozen,
    /// The spec the plan names does not exist in the base.
    Missing,
    /// The plan names no spec, and none has its stem.
    NoneFound,
}

impl ExecplanReady {
    pub(super) fn path(&self) -> Option<&RepoPath> {
        match self {
            ExecplanReady::PlanNotReady(found) => Some(&found.plan),
            ExecplanReady::SpecNotFrozen(found) => found.spec.as_ref(),
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        let base = &about.base;
        match self {
            ExecplanReady::PlanNotReady(found) => {
                let plan = &found.plan;
                let markers = markers_in_words(&found.markers);
                let problem = match found.problem {
                    PlanProblem::MarkerRemoved => {
                        format!("this commit removes the {markers} marker from {plan}")
                    }
                    PlanProblem::Deleted => format!("this commit deletes {plan}"),
                    PlanProblem::ReadiedByThisCommit => {
                        format!("{plan} is marked {markers} only by this commit, not in {base}")
                    }
                    PlanProblem::NotReady => format!("{plan} is not marked {markers} in {base}"),
                    PlanProblem::AddedReady => {
                        format!(
                            "{plan} is added, ready, by this commit: it does not exist in {base}"
                        )
                    }
                    PlanProblem::Missing => format!("{plan} does not exist in {base}"),
                };
                format!(
                    "{} changes code for feature `{}` but {problem}: EXEC starts only from an execplan that was ready before the code.",
                    about.subject, found.feature
                )
            }
            ExecplanReady::SpecNotFrozen(found) => {
                let plan = &found.plan;
                let markers = markers_in_words(&found.markers);
                let spec = found
                    .spec
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let problem = match (found.problem, found.named_by_plan) {
                    (SpecProblem::FrozenByThisCommit, true) => format!("{spec}, the spec {plan} names, is frozen with {markers} only by this commit, not in {base}"),
                    (SpecProblem::NotFrozen, true) => format!("{spec}, the spec {plan} names, is not frozen with {markers} in {base}"),
                    (SpecProblem::Missing, _) => format!("{plan} names the spec {spec}, which does not exist in {base}"),
                    (SpecProblem::FrozenByThisCommit, false) => format!("{spec} is frozen with {markers} only by this commit, not in {base}"),
                    (SpecProblem::NotFrozen, false) => format!("{spec} is not frozen with {markers} in {base}"),
                    (SpecProblem::NoneFound, _) => format!(
                        "{plan} names no spec and no spec for it matches {} in {base}",
                        found.specs.as_deref().unwrap_or_default()
                    ),
                };
                let repointed = found
                    .named_by_this_change
                    .as_ref()
                    .map(|frozen| {
                        format!(
                            " {plan} names {frozen}, frozen in {base}, only as {} leaves it.",
                            about.subject
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "{} changes code for feature `{}` but {problem}: EXEC starts only from a spec that was frozen before the code.{repointed}",
                    about.subject, found.feature
                )
            }
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        match self {
            ExecplanReady::SpecNotFrozen(SpecNotFrozen {
                named_by_this_change: Some(frozen),
                plan,
                ..
            }) => {
                let split = match about.commit.as_deref() {
                    Some(id) => format!(
                        "split commit {} in two with `git rebase -i` (`edit` it, `git reset HEAD~1`, commit {plan} alone, then the rest)",
                        super::short_id(id)
                    ),
                    None => format!(
                        "unstage all but the plan with `git restore --staged -- . ':(exclude){plan}'`, commit {plan} alone, then stage and commit the code with its Progress entry"
                    ),
                };
                format!(
                    "The spec is frozen already; what is missing is the plan pointing at it before the code: the execplan's `Spec:` line naming {frozen} lands in a commit of its own, then the code on top of it. So {split}. Do not touch the spec or its marker."
                )
            }
            ExecplanReady::PlanNotReady(found) => format!(
                "Commit the complete execplan, with a line `{}`, on its own first; then commit the code on top of it. If intent is unclear, stop and escalate (`execguard escalate \"<question>\"`) instead.",
                found.markers.first().map_or("", String::as_str)
            ),
            ExecplanReady::SpecNotFrozen(_) => "Stop and escalate (`execguard escalate \"<question>\"`): only a human freezes a spec, in a commit of its own that lands before any code. Do not add the marker yourself; ask the spec's owner.".to_string(),
        }
    }
}
