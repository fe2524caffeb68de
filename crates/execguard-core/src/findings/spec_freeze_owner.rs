//! `spec-freeze-owner`: freezing, un-freezing or a design note brought by someone who does not
//! own the spec.

use serde::Serialize;

use super::About;
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecFreezeOwner {
    /// The spec or design note the change acts on.
    pub path: RepoPath,
    /// What the change does to it.
    #[serde(rename = "kind")]
    pub act: OwnerAct,
    /// Who brings the change: `None` when nobody was named (a CI check without `--pusher`) or
    /// nobody is asked (a client hook, where the finding is advice).
    pub pusher: Option<String>,
    /// Who may: `[server] spec-owners` for this spec, else `[server] override-users`.
    pub owners: Vec<String>,
    /// Whether the finding is advice on a client, which cannot know who will push.
    pub advice: bool,
}

/// An act that only a spec's owners may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerAct {
    /// Adds the marker to a spec, or adds a spec that carries it.
    Freezes,
    /// Takes the marker out of a spec, or deletes or renames a frozen spec.
    Unfreezes,
    /// Adds, changes or deletes a design note.
    ChangesDesign,
}

impl SpecFreezeOwner {
    pub(super) fn message(&self, about: &About) -> String {
        let act = match self.act {
            OwnerAct::Freezes => format!("freezes {}", self.path),
            OwnerAct::Unfreezes => format!("un-freezes {}", self.path),
            OwnerAct::ChangesDesign => format!("changes the design note {}", self.path),
        };
        let who = match self.owners.as_slice() {
            [] => "nobody may do that here ([server] spec-owners and override-users of the config in force are empty)".to_string(),
            owners => format!("only {} may do that", owners.join(", ")),
        };
        let pusher = match (&self.pusher, self.advice) {
            (_, true) => {
                "; the server will refuse the push unless one of them pushes it".to_string()
            }
            (Some(pusher), false) => format!(", and the pusher is `{pusher}`"),
            (None, false) => ", and no pusher was named (`--pusher`)".to_string(),
        };
        format!(
            "{} {act}: freezing a spec, un-freezing it and its design note are the decision of the spec's owners, and {who}{pusher}.",
            about.subject
        )
    }

    pub(super) fn hint(&self, about: &About) -> String {
        let ask = match self.owners.as_slice() {
            [] => "ask a server administrator to name the spec's owners in [server] spec-owners"
                .to_string(),
            owners => format!("ask {} to review it and push it", owners.join(" or ")),
        };
        format!(
            "Stop and escalate (`execguard escalate \"<question>\"`); do not retry, reword or split the commit: only a human owner freezes a spec. Either {ask}, or take that change out ({undo}) and leave the spec to its owner.",
            undo = about.undo
        )
    }
}
