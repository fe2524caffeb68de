//! Checking recorded commits — a range in CI, the commits a push adds — in parallel, each against
//! its first parent, through the same engine as a staged change.

use execguard_core::model::EarlierProgress;
use execguard_core::{Config, Options, OverridePolicy, Pusher, Report};
use execguard_git::{ObjectId, ReadCache, Repo};
use rayon::prelude::*;
use std::collections::HashMap;
use std::rc::Rc;

pub mod baseline;
pub mod branch_progress;

/// One commit to judge, and the branch it lands on (for `[scope]` and the feature).
#[derive(Clone, Debug)]
pub struct CommitJob {
    pub id: ObjectId,
    pub branch: Option<String>,
}

/// How commits are judged.
#[derive(Clone, Debug, Default)]
pub struct CommitSettings {
    /// A config that judges every commit (`--config`, or the server's pinned file).
    pub config: Option<Config>,
    /// Override policy: pre-receive refuses untrusted pushers' trailers, a range check honours
    /// only a named pusher listed in the config in force.
    pub overrides: OverridePolicy,
    /// Who brings the commits: named on the server and by `check --pusher`.
    pub pusher: Pusher,
    /// Judge each commit, a merge included, by its whole change against its first parent (a
    /// range walked with `--first-parent`: the merges bring in commits that are not judged
    /// themselves).
    pub whole_first_parent_changes: bool,
}

/// Judges every job; the reports come back in the jobs' order. `open` opens the repository once
/// per worker thread (a `Repo` cannot be shared between threads). The first commit that
/// cannot be read stops the check.
pub fn check_commits<F>(
    open: F,
    jobs: &[CommitJob],
    settings: &CommitSettings,
) -> anyhow::Result<Vec<Report>>
where
    F: Fn() -> anyhow::Result<Repo> + Sync,
{
    judge_all(open, jobs, settings, |_, _, error| Err(error))
}

/// Judges one branch's commits, oldest first, as a range is judged: each commit as
/// [`check_commits_each`] does, then the Progress entries the range's other commits bring or had
/// before (see [`branch_progress`]).
pub fn check_branch_commits(
    repo: &Repo,
    jobs: &[CommitJob],
    settings: &CommitSettings,
) -> anyhow::Result<Vec<Report>> {
    let at = repo.git_dir().to_path_buf();
    let open = || Ok(execguard_git::open_at(&at)?);
    let mut reports = check_commits_each(open, jobs, settings)?;
    branch_progress::settle(
        open,
        jobs,
        &[(0..jobs.len()).collect()],
        settings,
        &mut reports,
    )?;
    Ok(reports)
}

/// As [`check_commits`], but a commit that cannot be read (an object missing from a partial
/// clone, a parent beyond a shallow clone's boundary) becomes an error entry of its report, naming
/// the commit and the object, and the other commits are judged.
pub fn check_commits_each<F>(
    open: F,
    jobs: &[CommitJob],
    settings: &CommitSettings,
) -> anyhow::Result<Vec<Report>>
where
    F: Fn() -> anyhow::Result<Repo> + Sync,
{
    judge_all(open, jobs, settings, |repo, job, error| {
        Ok(crate::unreadable::report(repo, job.id, &error))
    })
}

fn judge_all<F, E>(
    open: F,
    jobs: &[CommitJob],
    settings: &CommitSettings,
    on_error: E,
) -> anyhow::Result<Vec<Report>>
where
    F: Fn() -> anyhow::Result<Repo> + Sync,
    E: Fn(&Repo, &CommitJob, anyhow::Error) -> anyhow::Result<Report> + Sync,
{
    let explicit = settings.config.as_ref();
    let options = Options {
        overrides: settings.overrides.clone(),
        pusher: settings.pusher.clone(),
        ..Options::default()
    };
    let bases = range_bases(&open()?, jobs, settings)?;
    // Newest first, in short runs handed out in order: packs that git writes store the newest
    // version of a file whole and older ones as deltas against newer ones, and the workers share
    // the versions they decode, so walking back through the same stretch of history together
    // each resolves its blobs from versions one of them has just read.
    let newest_first: Vec<usize> = (0..jobs.len()).rev().collect();
    let runs = newest_first
        .chunks(RUN)
        .par_bridge()
        .map_init(
            || {
                (
                    open(),
                    explicit.map(|config| Rc::new(config.clone())),
                    Configs::new(),
                    ReadCache::default(),
                )
            },
            |(repo, explicit, configs, cache), run| {
                let repo = repo.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
                run.iter()
                    .map(|&index| {
                        let job = &jobs[index];
                        check_one(
                            repo,
                            job,
                            explicit.as_ref(),
                            configs,
                            cache,
                            &options,
                            None,
                            settings,
                            &bases,
                        )
                        .or_else(|error| on_error(repo, job, error))
                        .map(|report| (index, report))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()
            },
        )
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut reports: Vec<(usize, Report)> = runs.into_iter().flatten().collect();
    reports.sort_unstable_by_key(|(index, _)| *index);
    Ok(reports.into_iter().map(|(_, report)| report).collect())
}

/// Commits a worker takes at a time: enough to judge neighbours one after another, few enough
/// that the workers stay close in the history and finish together.
const RUN: usize = 8;

/// The bases of the commits `jobs` judge together (a range, a push): their parents outside the
/// jobs, what the target already has; only first parents when each commit is judged by its
/// whole change against its first parent (a merge's other side is then merged work, not a
/// base). Beyond `MAX_RANGE_BASES` of them none are read: a plan they hold is then judged as
/// new writing.
pub(crate) fn range_bases(
    repo: &Repo,
    jobs: &[CommitJob],
    settings: &CommitSettings,
) -> anyhow::Result<Vec<ObjectId>> {
    let judged: std::collections::HashSet<ObjectId> = jobs.iter().map(|job| job.id).collect();
    let mut bases = Vec::new();
    for job in jobs {
        let parents = execguard_git::parent_ids(repo, job.id)?;
        let taken = if settings.whole_first_parent_changes {
            1
        } else {
            parents.len()
        };
        for parent in parents.into_iter().take(taken) {
            if !judged.contains(&parent) && !bases.contains(&parent) {
                bases.push(parent);
                if bases.len() > MAX_RANGE_BASES {
                    return Ok(Vec::new());
                }
            }
        }
    }
    Ok(bases)
}

/// More bases than this (a push of a long branch that merged its target often) are not read.
const MAX_RANGE_BASES: usize = 16;

/// Judges one commit again, knowing the Progress entries its branch had `earlier` in the same
/// push or range (see [`branch_progress`]); `bases` are the range's (see [`range_bases`]).
pub(crate) fn judge_again(
    repo: &Repo,
    job: &CommitJob,
    settings: &CommitSettings,
    earlier: EarlierProgress,
    bases: &[ObjectId],
) -> anyhow::Result<Report> {
    let explicit = settings
        .config
        .as_ref()
        .map(|config| Rc::new(config.clone()));
    let options = Options {
        overrides: settings.overrides.clone(),
        pusher: settings.pusher.clone(),
        ..Options::default()
    };
    let cache = ReadCache::default();
    check_one(
        repo,
        job,
        explicit.as_ref(),
        &mut Configs::new(),
        &cache,
        &options,
        Some(earlier),
        settings,
        bases,
    )
}

// The two callers pass each of these as it is: a struct would only repeat them.
#[allow(clippy::too_many_arguments)]
fn check_one(
    repo: &Repo,
    job: &CommitJob,
    explicit: Option<&Rc<Config>>,
    configs: &mut Configs,
    cache: &ReadCache,
    options: &Options,
    earlier: Option<EarlierProgress>,
    settings: &CommitSettings,
    bases: &[ObjectId],
) -> anyhow::Result<Report> {
    // A commit whose config leaves its branch out is not judged: skip comparing its trees. A
    // push that hides less (see `push::HiddenRefs`) may walk many such commits. One that changes
    // the config is still read, since a config nobody could load is refused on every branch.
    let first_parent_tree = execguard_git::first_parent_tree(repo, job.id)?;
    let base_name = execguard_git::parent_name(&job.id.to_string());
    let scope_config = config_for(
        repo,
        explicit,
        configs,
        first_parent_tree.as_ref(),
        &base_name,
    );
    if let Ok(scope_config) = &scope_config {
        if !scope_config.applies_to_branch(job.branch.as_deref())
            && execguard_git::config_blob_id(first_parent_tree.as_ref())
                == execguard_git::commit_config_blob(repo, job.id)?
        {
            return Ok(Report {
                out_of_scope: job.branch.clone(),
                ..Report::default()
            });
        }
    }
    let load = if settings.whole_first_parent_changes {
        execguard_git::first_parent_change
    } else {
        execguard_git::commit_change
    };
    let mut commit = load(repo, job.id, job.branch.as_deref(), Some(cache))?;
    commit.change.earlier_progress = earlier;
    // A parent that contributes nothing is dropped, so the base may be another parent's tree.
    let config = match config_for(
        repo,
        explicit,
        configs,
        commit.base_tree.as_ref(),
        &base_name,
    ) {
        Ok(config) => config,
        Err(error) => Rc::new(crate::repair::config_or_repair(Err(error), &commit.change)?),
    };
    commit.change.held_by_range_base = held_by_bases(repo, &commit.change, &config, bases)?;
    commit.change.set_aside_in_range =
        set_aside_in_range(repo, &commit.change, &commit.trees, &config, bases)?;
    let Some(parts) = &commit.merge else {
        return Ok(execguard_core::check(
            &config,
            &commit.change,
            &commit.trees,
            options,
        )?);
    };
    crate::merges::judge(
        &config,
        &commit.change,
        parts,
        |tree, id| {
            let name = execguard_core::engine::short(&id.to_string()).to_string();
            Ok(config_for(repo, explicit, configs, Some(tree), &name)?)
        },
        options,
    )
}

/// The execplans `change` writes whose new blob one of the range's `bases` holds at the same
/// path: restored, not written (see `execplan-sections`).
fn held_by_bases(
    repo: &Repo,
    change: &execguard_core::Change,
    config: &Config,
    bases: &[ObjectId],
) -> anyhow::Result<std::collections::BTreeSet<execguard_core::RepoPath>> {
    let written: Vec<(&execguard_core::RepoPath, &str)> = change
        .files
        .iter()
        .filter(|file| config.layout.execplans.feature_of(&file.path).is_some())
        .filter_map(|file| {
            let new = file.new.as_ref().filter(|new| new.kind.is_blob())?;
            let same = file.old.as_ref().is_some_and(|old| old.id == new.id);
            (!same).then_some((&file.path, new.id.as_str()))
        })
        .collect();
    let mut held = std::collections::BTreeSet::new();
    if written.is_empty() {
        return Ok(held);
    }
    for &base in bases {
        held.extend(execguard_git::held_in_commit(repo, base, &written)?);
    }
    Ok(held)
}

/// The execplans `change` removes from `[layout] shelved-plans` or `closed-plans` that were in
/// use at one of the range's `bases`: the base holds the same feature's plan at a path neither
/// shelved nor closed, and the change's base no longer holds that path (the plan was moved into
/// the archive inside the range). See `execplan-deleted`.
fn set_aside_in_range(
    repo: &Repo,
    change: &execguard_core::Change,
    trees: &dyn execguard_core::Trees,
    config: &Config,
    bases: &[ObjectId],
) -> anyhow::Result<std::collections::BTreeSet<execguard_core::RepoPath>> {
    let layout = &config.layout;
    let set_aside = |path: &execguard_core::RepoPath| {
        layout.shelved_plans.is_match(path) || layout.closed_plans.is_match(path)
    };
    let removed: Vec<(&execguard_core::RepoPath, String)> = change
        .files
        .iter()
        .filter(|file| file.old.is_some())
        .filter_map(|file| {
            let old_path = file.old_path();
            let feature = layout.execplans.feature_of(old_path)?;
            set_aside(old_path).then_some((old_path, feature))
        })
        .collect();
    let mut found = std::collections::BTreeSet::new();
    if removed.is_empty() {
        return Ok(found);
    }
    for &base in bases {
        for folder in layout.execplans.folders() {
            let folder = execguard_core::RepoPath::from(folder.as_str());
            for path in execguard_git::paths_in_commit(repo, base, &folder)? {
                if set_aside(&path) {
                    continue;
                }
                let Some(feature) = layout.execplans.feature_of(&path) else {
                    continue;
                };
                for (old_path, _) in removed.iter().filter(|(_, f)| *f == feature) {
                    if trees
                        .entry(execguard_core::Side::Base, &path)
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                        .is_none()
                    {
                        found.insert((*old_path).clone());
                    }
                }
            }
        }
    }
    Ok(found)
}

/// The config that judges a change whose base is `base_tree`: the explicit one, else the base
/// tree's `.execguard.toml` (parsed once per blob), else the embedded default.
fn config_for(
    repo: &Repo,
    explicit: Option<&Rc<Config>>,
    configs: &mut Configs,
    base_tree: Option<&execguard_git::RepoTree<'_>>,
    base_name: &str,
) -> Result<Rc<Config>, execguard_git::GitError> {
    if let Some(config) = explicit {
        return Ok(config.clone());
    }
    let key = execguard_git::config_blob_id(base_tree);
    if let Some(config) = configs.get(&key) {
        return Ok(config.clone());
    }
    let (config, _) = execguard_git::load_commit_config(repo, base_tree, base_name)?;
    let config = Rc::new(config);
    configs.insert(key, config.clone());
    Ok(config)
}

/// Parsed configs by the id of their `.execguard.toml` blob (`None`: the embedded default).
type Configs = HashMap<Option<ObjectId>, Rc<Config>>;

/// Merges per-commit reports into one.
pub fn merge(reports: Vec<Report>) -> Report {
    let mut all = Report::default();
    for report in reports {
        all.extend(report);
    }
    all
}
