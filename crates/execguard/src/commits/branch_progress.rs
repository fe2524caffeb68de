//! The commits a push or range adds to one branch, judged together for `progress-update`. Each
//! commit is first judged alone, against its first parent. Then, oldest first:
//!
//! - a commit that adds a Progress entry the branch already had earlier in the push or range
//!   (an entry deleted and added back, a box ticked, unticked and ticked again) is judged again,
//!   knowing those entries: they are not new. "Earlier" is every entry the commits before it
//!   added or removed; the entries of the range's base that no commit removed are in its parent
//!   already.
//! - under `[rules.progress-update] within = "push"`, a code commit without an entry is settled
//!   when another commit of the same push or range, before or after it, updates the same
//!   feature's Progress (any feature's, when the commit names none): the push is the stopping
//!   point, so a follow-up fix after the commit that wrote the entry needs none of its own. Under `require = "planned-work"`, a commit no
//!   feature is named for needs an entry only when some commit of the push or range touches an
//!   execplan. A finding given as a warning (unplanned complex work, small work touching a plan)
//!   is settled, or dropped, as the same finding given as a refusal would be.

use std::collections::BTreeMap;
use std::sync::Arc;

use execguard_core::findings::ProgressUpdate;
use execguard_core::model::EarlierProgress;
use execguard_core::progress::EarlierEntries;
use execguard_core::{Change, Config, Finding, RepoPath, Report, Violation};
use execguard_git::{GitError, Repo};

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
    let mut bases: Option<Vec<execguard_git::ObjectId>> = None;
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
                    if bases.is_none() {
                        bases = Some(super::range_bases(repo, jobs, settings)?);
                    }
                    let again = judge_again(
                        repo,
                        &jobs[index],
                        settings,
                        Arc::new(earlier.clone()),
                        bases.as_deref().unwrap_or_default(),
                    )?;
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
        let group_touches_plan = group
            .iter()
            .any(|&index| reports[index].progress.touches_plan);
        let updates = PushUpdates::of(group.iter().map(|&index| &reports[index]));
        for &index in group {
            if !reports[index].progress.within_push {
                continue;
            }
            // Whatever settles a refusal settles the same finding given as a warning.
            let report = &mut reports[index];
            let own = std::mem::take(&mut report.progress.updated);
            for findings in [&mut report.violations, &mut report.advice] {
                if !group_touches_plan {
                    findings.retain(|violation| !unattributed(violation));
                }
                findings.retain(|violation| !settled_in_push(violation, &updates, &own));
            }
            report.progress.updated = own;
        }
    }
    Ok(())
}

/// A missing entry of work no feature is named for, under `require = "planned-work"`.
fn unattributed(violation: &Violation) -> bool {
    matches!(
        &violation.finding,
        Finding::ProgressUpdate(ProgressUpdate::NoPlanUpdated(found)) if found.unattributed
    )
}

/// How many commits of a push or range update each feature's Progress, and how many update any:
/// counted once, so that asking whether the others did is not a pass over the push per commit.
#[derive(Default)]
struct PushUpdates {
    by_feature: BTreeMap<String, usize>,
    any: usize,
}

impl PushUpdates {
    fn of<'r>(reports: impl Iterator<Item = &'r Report>) -> Self {
        let mut updates = PushUpdates::default();
        for report in reports {
            let updated = &report.progress.updated;
            updates.any += usize::from(!updated.is_empty());
            for feature in updated {
                *updates.by_feature.entry(feature.clone()).or_default() += 1;
            }
        }
        updates
    }

    /// Whether a commit other than the one that updated `own` updates `feature`'s Progress.
    fn by_others(&self, own: &[String], feature: &str) -> bool {
        let all = self.by_feature.get(feature).copied().unwrap_or(0);
        all > usize::from(own.iter().any(|updated| updated == feature))
    }

    /// Whether a commit other than the one that updated `own` updates any Progress.
    fn any_by_others(&self, own: &[String]) -> bool {
        self.any > usize::from(!own.is_empty())
    }
}

/// Whether another commit's Progress update, in the same push or range, settles a missing entry.
fn settled_in_push(violation: &Violation, updates: &PushUpdates, own: &[String]) -> bool {
    match &violation.finding {
        Finding::ProgressUpdate(ProgressUpdate::PlanNotUpdated(found)) => {
            updates.by_others(own, &found.feature)
        }
        Finding::ProgressUpdate(
            ProgressUpdate::NoPlanUpdated(_) | ProgressUpdate::UnplannedComplexWork(_),
        ) => updates.any_by_others(own),
        _ => false,
    }
}

/// The Progress entries each execplan `change` touches had earlier on its branch, read from the
/// contents `history` gives for those plans (see `execguard_git::branch_history`): an entry
/// deleted on the branch and added back, or ticked, unticked and ticked again, is then not new.
pub fn earlier_entries(
    config: &Config,
    change: &Change,
    history: impl FnOnce(&[RepoPath]) -> Result<Vec<(RepoPath, Vec<u8>)>, GitError>,
) -> anyhow::Result<Option<EarlierProgress>> {
    let plans: Vec<RepoPath> = change
        .files
        .iter()
        .filter(|file| config.layout.execplans.feature_of(&file.path).is_some())
        .map(|file| file.path.clone())
        .collect();
    if plans.is_empty() {
        return Ok(None);
    }
    let section = &config.rules.progress_update.section;
    let mut earlier: BTreeMap<String, EarlierEntries> = BTreeMap::new();
    for (path, blob) in history(&plans)? {
        let Some(feature) = config.layout.execplans.feature_of(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&blob);
        let seen = earlier.entry(feature).or_default();
        for key in execguard_core::progress::section_keys(&text, section) {
            seen.insert(&key);
        }
    }
    Ok((!earlier.is_empty()).then(|| Arc::new(earlier)))
}

/// `check --commit` of a commit on the current branch: the entries the commit hooks would have
/// known when it was made (the branch since its upstream, before the commit), so that judged
/// alone it gets the verdict a range of the branch gives it. `None` when there are none, or when
/// the config cannot be read (the commit's own check says so).
pub fn earlier_for_commit(
    repo: &Repo,
    job: &CommitJob,
    settings: &CommitSettings,
) -> anyhow::Result<Option<EarlierProgress>> {
    let commit = execguard_git::commit_change(repo, job.id, job.branch.as_deref(), None)?;
    let config = match &settings.config {
        Some(config) => config.clone(),
        None => {
            let name = execguard_git::parent_name(&job.id.to_string());
            match execguard_git::load_commit_config(repo, commit.base_tree.as_ref(), &name) {
                Ok((config, _)) => config,
                Err(_) => return Ok(None),
            }
        }
    };
    earlier_entries(&config, &commit.change, |plans| {
        execguard_git::branch_history::since_upstream_before(repo, job.id, plans)
    })
}
