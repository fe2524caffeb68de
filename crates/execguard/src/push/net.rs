//! The net check of a ref update (rule branch-net-change): from the old tip to the new one,
//! fast-forward or not, what the branch kept at the old tip (frozen specs, their design notes,
//! protected paths, the config) may differ only where a commit between the tips changed it with
//! an honoured override. Per-commit judging cannot see a change no single commit makes: a stale
//! branch merged with `-s ours` and pushed as the branch drops a human's change in no commit.

use std::collections::BTreeSet;

use execguard_core::engine::{parse_override, short, OVERRIDE_TRAILER};
use execguard_core::trailers::Message;
use execguard_core::{ChangeLabel, OverridePolicy, RefUpdateChange, RepoPath, Report};
use execguard_git::{ObjectId, PushedTip, Repo};

use super::ref_update::branch_of;
use crate::commits::{self, CommitJob, CommitSettings};

/// The old tip an update is judged from.
#[derive(Clone, Copy, Debug)]
pub struct OldTip {
    pub id: ObjectId,
    /// Whether it is a deleted branch's remembered tip, not the ref's current value.
    pub remembered: bool,
}

/// Judges the update of `ref_name` from `old` to `tip` as one change: the config in force at the
/// old tip (or `settings.config`) decides what is guarded. `baselines` are the adoption
/// baselines that count for the update: an update that brings commits from before the guard
/// (reachable from one) crosses the adoption, and what changed then was never the guard's.
/// `between`: the commits reachable from `tip` and not from `old`, when the caller has walked
/// them already (a range check's `A..B`); otherwise they are walked here.
#[allow(clippy::too_many_arguments)]
pub fn judge_net(
    repo: &Repo,
    open: &(dyn Fn() -> anyhow::Result<Repo> + Sync),
    ref_name: &str,
    old: OldTip,
    tip: ObjectId,
    baselines: &[ObjectId],
    between: Option<Vec<ObjectId>>,
    settings: &CommitSettings,
) -> anyhow::Result<Report> {
    let branch = branch_of(ref_name);
    let mut loaded = execguard_git::tips_change(repo, old.id, tip, branch.as_deref())?;
    if loaded.change.files.is_empty() {
        return Ok(Report::default());
    }
    let between = match between {
        Some(between) => between,
        None => execguard_git::new_commits_per_tip(
            repo,
            &[PushedTip {
                tip,
                hidden: vec![old.id],
            }],
        )?
        .pop()
        .unwrap_or_default(),
    };
    if !baselines.is_empty()
        && execguard_git::baseline::not_reachable_from(repo, &between, baselines)?.len()
            < between.len()
    {
        return Ok(Report::default());
    }
    let old_short = short(&old.id.to_string()).to_string();
    let tip_short = short(&tip.to_string()).to_string();
    let config = match &settings.config {
        Some(config) => config.clone(),
        None => {
            match execguard_git::load_commit_config(repo, loaded.base_tree.as_ref(), &old_short) {
                Ok((config, _)) => config,
                // A broken config at the old tip guards nothing the default does not: its repair
                // was judged commit by commit, against the default.
                Err(execguard_git::GitError::Config(_)) => {
                    execguard_core::Config::embedded_default()
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    let overridden = overridden_paths(repo, open, between, branch.as_deref(), settings)?;
    // The finding is about the update, not about one commit of it.
    loaded.change.commit = None;
    loaded.change.ref_update = Some(RefUpdateChange {
        name: ref_name.to_string(),
        old: old.id.to_string(),
        new: tip.to_string(),
        remembered: old.remembered,
        overridden,
    });
    loaded.change.label = Some(if old.remembered {
        ChangeLabel {
            subject: format!(
                "the push that re-creates {ref_name} at {tip_short}, judged against the tip {old_short} the deleted branch had,"
            ),
            base: format!("the deleted branch's tip {old_short}"),
            undo: format!(
                "push a history that builds on {old_short} (the tip {ref_name} had when it was deleted) and keeps {{path}} as it has it"
            ),
        }
    } else {
        ChangeLabel {
            subject: format!("the update of {ref_name} ({old_short} to {tip_short})"),
            base: format!("the old tip {old_short}"),
            undo: format!(
                "push a history that keeps {{path}} as the old tip {old_short} has it (merge {ref_name} in normally and keep its version)"
            ),
        }
    });
    Ok(execguard_core::check_ref_update(
        &config,
        &loaded.change,
        &loaded.trees,
    )?)
}

/// The paths that a commit of `between` (the commits reachable from the new tip and not from
/// the old) changed where an override trailer set a path rule's finding aside. Only commits whose
/// message names a path rule in a trailer are judged again, with every trailer counting: a commit
/// judged by this push whose trailer is not honoured is refused on its own, and one already on
/// the branch was accepted.
fn overridden_paths(
    repo: &Repo,
    open: &(dyn Fn() -> anyhow::Result<Repo> + Sync),
    between: Vec<ObjectId>,
    branch: Option<&str>,
    settings: &CommitSettings,
) -> anyhow::Result<BTreeSet<RepoPath>> {
    let mut jobs = Vec::new();
    for id in between {
        let raw = execguard_git::commit_message(repo, id)?;
        let names_a_path_rule = Message::parse(&raw, None)
            .trailer_values(OVERRIDE_TRAILER)
            .iter()
            .any(|value| parse_override(value).is_ok_and(|(rule, _)| rule.is_path_rule()));
        if names_a_path_rule {
            jobs.push(CommitJob {
                id,
                branch: branch.map(str::to_string),
            });
        }
    }
    if jobs.is_empty() {
        return Ok(BTreeSet::new());
    }
    let honouring = CommitSettings {
        overrides: OverridePolicy::Honour,
        ..settings.clone()
    };
    let reports = commits::check_commits(open, &jobs, &honouring)?;
    Ok(reports
        .iter()
        .flat_map(|report| &report.overridden)
        .filter(|found| found.violation.rule().is_path_rule())
        .filter_map(|found| found.violation.path().cloned())
        .collect())
}
