//! Deleted branches on the server: a branch listed in `[server] protected-branches` may be
//! deleted only by an override user, and any other branch in scope is remembered when it goes
//! (`refs/execguard/deleted/<branch>`, its last judged tip), so that a branch pushed later under
//! its name is judged against what it replaces.

use execguard_core::findings::{BranchNetChange, ProtectedBranchDeleted};
use execguard_core::{About, Config, Finding, OverridePolicy, Report, Violation};
use execguard_git::{ObjectId, Repo};

use super::hidden::HiddenRefs;
use super::ref_update::{branch_of, RefUpdate};
use crate::commits::CommitSettings;

/// The verdict on a push's deletions.
#[derive(Debug, Default)]
pub struct Deletions {
    /// The refused deletions of protected branches.
    pub report: Report,
    /// The refs whose deletion is refused.
    pub refused: Vec<String>,
    /// The branches to remember, with their last tips, once the push is accepted.
    pub remember: Vec<(String, ObjectId)>,
}

/// Judges every branch deletion of `updates` on the receiving side.
pub fn judge_deletions(
    repo: &Repo,
    updates: &[RefUpdate],
    hidden: &HiddenRefs,
    settings: &CommitSettings,
) -> anyhow::Result<Deletions> {
    let mut found = Deletions::default();
    let default_branch = execguard_git::default_branch(repo);
    for update in updates.iter().filter(|u| u.new.is_none()) {
        let Some(branch) = branch_of(&update.name) else {
            continue;
        };
        let Some(old) = update
            .old
            .as_deref()
            .and_then(|id| execguard_git::peel_to_commit(repo, id))
        else {
            continue;
        };
        if !hidden.judges_branch(&branch) {
            continue;
        }
        let config = config_at(repo, old, settings);
        if !config.applies_to_branch(Some(&branch)) {
            continue;
        }
        if config
            .server
            .protects_branch(&branch, default_branch.as_deref())
        {
            if let OverridePolicy::Refuse { pusher, allowed } = &settings.overrides {
                found.report.violations.push(Violation::new(
                    Finding::BranchNetChange(BranchNetChange::ProtectedBranchDeleted(
                        ProtectedBranchDeleted {
                            name: update.name.clone(),
                            pusher: pusher.clone(),
                            allowed: allowed.clone(),
                        },
                    )),
                    About {
                        subject: format!("the deletion of {}", update.name),
                        ..About::default()
                    },
                ));
                found.refused.push(update.name.clone());
                continue;
            }
        }
        found.remember.push((branch, old));
    }
    Ok(found)
}

/// The config that says which branches are protected: the pinned one, else the one the deleted
/// tip carries (the embedded default when it has none or it does not load: a deletion is
/// refused rather than let through on a config nobody can read).
fn config_at(repo: &Repo, tip: ObjectId, settings: &CommitSettings) -> Config {
    if let Some(config) = &settings.config {
        return config.clone();
    }
    execguard_git::baseline::own_config(repo, tip)
        .ok()
        .flatten()
        .unwrap_or_else(Config::embedded_default)
}

/// Records each deleted branch's last tip, once the push is accepted.
pub fn remember_deletions(repo: &Repo, deletions: &Deletions) -> anyhow::Result<()> {
    for (branch, tip) in &deletions.remember {
        execguard_git::remember_deleted(repo, branch, *tip)?;
    }
    Ok(())
}
