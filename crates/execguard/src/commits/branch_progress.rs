//! The commits a push or range adds to one branch, judged together for `progress-update`. Each
//! commit is first judged alone, against its first parent. Then, oldest first:
//!
//! - a commit that adds a Progress entry the branch already had earlier in the push or range
//!   (an entry deleted and added back, a box ticked, unticked and ticked again) is judged again,
//!   knowing those entries: they are not new. "Earlier" is every entry the commits before it
//!   added or removed; the entries of the range's base that no commit removed are in its parent
//!   already.
//! - under `[rules.progress-update] within = "push"`, a code commit without an entry is settled
//!   when a later commit of the same push or range updates the same feature's Progress (any
//!   feature's, when the commit names none).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use execguard_core::findings::ProgressUpdate;
use execguard_core::progress::EarlierEntries;
use execguard_core::{Finding, Report, Violation};
use execguard_git::Repo;

use super::{judge_again, CommitJob, CommitSettings};

/// Settles `reports` (one per job) for every group of job indices, each the commits one ref or
/// range adds, oldest first. `open` opens the repository when a commit must be judged again.
pub fn settle(
    open: impl Fn() -> anyhow::Result<Repo>,
    jobs: &[CommitJob],
    groups: &[Vec<usize>],
    settings: &CommitSettings,
    reports: &mut [Report],
) -> anyhow::Result<()> {
    let mut repo: Option<Repo> = None;
    for group in groups {
        let mut earlier: BTreeMap<String, EarlierEntries> = BTreeMap::new();
        for &index in group {
            let report = &reports[index];
            let repeats = report.errors.is_empty()
                && report.progress.entries.iter().any(|(feature, (added, _))| {
                    earlier
                        .get(feature)
                        .is_some_and(|seen| added.iter().any(|key| seen.recalls(key)))
                });
            if repeats {
                if repo.is_none() {
                    repo = Some(open()?);
                }
                if let Some(repo) = &repo {
                    let again =
                        judge_again(repo, &jobs[index], settings, Arc::new(earlier.clone()))?;
                    reports[index] = again;
                }
            }
            for (feature, (added, removed)) in &reports[index].progress.entries {
                let seen = earlier.entry(feature.clone()).or_default();
                for key in added.iter().chain(removed) {
                    seen.insert(key);
                }
            }
        }
        for (position, &index) in group.iter().enumerate() {
            if !reports[index].progress.within_push {
                continue;
            }
            let later: Vec<BTreeSet<String>> = group[position + 1..]
                .iter()
                .map(|&after| reports[after].progress.updated.clone())
                .collect();
            reports[index]
                .violations
                .retain(|violation| !settled_later(violation, &later));
        }
    }
    Ok(())
}

/// Whether a later commit's Progress update settles a missing entry.
fn settled_later(violation: &Violation, later: &[BTreeSet<String>]) -> bool {
    match &violation.finding {
        Finding::ProgressUpdate(ProgressUpdate::PlanNotUpdated(found)) => {
            later.iter().any(|updated| updated.contains(&found.feature))
        }
        Finding::ProgressUpdate(ProgressUpdate::NoPlanUpdated(_)) => {
            later.iter().any(|updated| !updated.is_empty())
        }
        _ => false,
    }
}
