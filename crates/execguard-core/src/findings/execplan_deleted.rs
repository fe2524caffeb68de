//! `execplan-deleted`: a plan in use deleted, moved out of the plans or emptied.

use serde::Serialize;

use super::{markers_in_words, plural, About};
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ExecplanDeleted {
    /// The plan, at its path in the base.
    pub path: RepoPath,
    pub feature: String,
    /// What the change does to it, as the finding's kind.
    #[serde(flatten)]
    pub removal: PlanRemoval,
    /// Whether the base's version carries a ready marker.
    pub ready: bool,
    /// The unchecked task items of the base's Progress section.
    pub open_items: usize,
    pub markers: Vec<String>,
    /// The Progress section's title.
    pub section: String,
    /// Whether the finding is advice: the plan is deleted or emptied before the commit message
    /// exists (pre-commit), and the message may yet record its removal by naming it.
    pub advice: bool,
    /// For a merge judged against its first parent: what the messages of the commits it brings
    /// in said of the removal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged: Option<MergedCommits>,
}

/// What the commits a merge brings in said of a plan it removes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "merged-commits", rename_all = "kebab-case")]
pub enum MergedCommits {
    /// Their messages were read, and none names the plan.
    NoneNames,
    /// The merge brings in more than `most` commits: their messages were not read.
    NotRead { most: usize },
}

/// How a change takes a plan away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PlanRemoval {
    Deletes,
    /// Renamed to a path that is no plan (an excluded archive folder, another file name).
    MovesAway {
        to: RepoPath,
    },
    /// Left with no visible content, or without any of the required sections it had.
    Empties,
    /// Moved into `[layout] closed-plans` while its Progress has open items and none done.
    ClosesUnstarted {
        to: RepoPath,
    },
}

impl ExecplanDeleted {
    pub(super) fn message(&self, about: &About) -> String {
        if let PlanRemoval::ClosesUnstarted { to } = &self.removal {
            return format!(
                "{} moves {} to {to}, closing the execplan of feature `{}` (`[layout] closed-plans`) while every item of its {} is open ({} open, none done): a plan closed with none of its steps recorded as done is not finished.",
                about.subject, self.path, self.feature, self.section, self.open_items
            );
        }
        let what = match &self.removal {
            PlanRemoval::Deletes => format!("deletes {}", self.path),
            PlanRemoval::MovesAway { to } => {
                format!("moves {} to {to}, which is no execplan path", self.path)
            }
            PlanRemoval::Empties => format!("empties {} (its sections are gone)", self.path),
            PlanRemoval::ClosesUnstarted { to } => format!("closes {} into {to}", self.path),
        };
        let mut state = Vec::new();
        if self.ready {
            state.push(format!("is ready ({})", markers_in_words(&self.markers)));
        }
        if self.open_items > 0 {
            state.push(format!(
                "has {} open item{} in {}",
                self.open_items,
                plural(self.open_items),
                self.section
            ));
        }
        let why = match (&self.removal, self.advice) {
            (PlanRemoval::Deletes | PlanRemoval::Empties, true) => {
                "a plan in use is removed only by a commit whose message names it, and this hook runs before the message exists".to_string()
            }
            (PlanRemoval::Deletes | PlanRemoval::Empties, false) => match &self.merged {
                None => "a plan in use is not removed without a record, and the commit message does not name it".to_string(),
                Some(MergedCommits::NoneNames) => "a plan in use is not removed without a record, and neither the merge's message nor that of any commit it brings in names it".to_string(),
                Some(MergedCommits::NotRead { most }) => format!("a plan in use is not removed without a record, and the merge's message does not name it; the merge brings in more than {most} commits, whose messages are not read"),
            },
            _ => "a plan in use is not removed by a commit".to_string(),
        };
        format!(
            "{} {what}, the execplan of feature `{}`, which {} in {}: {why}.",
            about.subject,
            self.feature,
            state.join(" and "),
            about.base
        )
    }

    pub(super) fn hint(&self, about: &About) -> String {
        if let PlanRemoval::ClosesUnstarted { .. } = &self.removal {
            return format!(
                "If the work is done, tick each finished item of its {} (`- [x]`, saying what was done) in the commit that closes it. If it was abandoned or is still owed, do not close it: stop and escalate (`execguard escalate \"<question>\"`); a human closing it on purpose adds `Execguard-Override: execplan-deleted: <reason>`.",
                self.section
            );
        }
        if !matches!(self.removal, PlanRemoval::Deletes | PlanRemoval::Empties) {
            return format!(
                "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. Restore the plan ({undo}) and ask a human. A human retiring the plan adds `Execguard-Override: execplan-deleted: <reason>`.",
                undo = about.undo
            );
        }
        if self.advice {
            return format!(
                "If its removal is meant (its work done, the plan superseded or cancelled), name the plan in the commit message to record its removal (`{path}`): the commit-msg hook refuses the commit if the message does not. If nobody asked for it to go, stop and escalate (`execguard escalate \"<question>\"`). Restore the plan ({undo}) and ask a human.",
                path = self.path,
                undo = about.undo
            );
        }
        format!(
            "If nobody asked for the plan to go, stop and escalate (`execguard escalate \"<question>\"`); do not retry. Restore the plan ({undo}) and ask a human. A removal that is meant (its work done, the plan superseded or cancelled) is recorded by naming the plan in the commit message (`{path}`); a human retiring it otherwise adds `Execguard-Override: execplan-deleted: <reason>`.",
            path = self.path,
            undo = about.undo
        )
    }
}
