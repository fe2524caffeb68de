//! Checking recorded commits — a range in CI, the commits a push adds — in parallel, each against
//! its first parent, through the same engine as a staged change.

use execguard_core::{Config, Options, OverridePolicy, Report};
use execguard_git::{Oid, ReadCache, Repository};
use rayon::prelude::*;
use std::collections::HashMap;

/// One commit to judge, and the branch it lands on (for `[scope]` and the feature).
#[derive(Clone, Debug)]
pub struct CommitJob {
    pub id: Oid,
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
}

/// Judges every job; the reports come back in the jobs' order. `open` opens the repository once
/// per worker thread (a `Repository` cannot be shared between threads).
pub fn check_commits<F>(
    open: F,
    jobs: &[CommitJob],
    settings: &CommitSettings,
) -> anyhow::Result<Vec<Report>>
where
    F: Fn() -> anyhow::Result<Repository> + Sync,
{
    let explicit = settings.config.as_ref();
    let options = Options {
        overrides: settings.overrides.clone(),
        ..Options::default()
    };
    jobs.par_iter()
        .map_init(
            || {
                (
                    open(),
                    HashMap::<Option<Oid>, Config>::new(),
                    ReadCache::default(),
                )
            },
            |(repo, configs, cache), job| {
                let repo = repo.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
                check_one(repo, job, explicit, configs, cache, &options)
            },
        )
        .collect()
}

fn check_one(
    repo: &Repository,
    job: &CommitJob,
    explicit: Option<&Config>,
    configs: &mut HashMap<Option<Oid>, Config>,
    cache: &ReadCache,
    options: &Options,
) -> anyhow::Result<Report> {
    let config = match explicit {
        Some(config) => config,
        None => {
            let base_tree = execguard_git::first_parent_tree(repo, job.id)?;
            let key = execguard_git::config_blob_id(base_tree.as_ref());
            match configs.entry(key) {
                std::collections::hash_map::Entry::Occupied(entry) => &*entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    let base_name = execguard_git::parent_name(&job.id.to_string());
                    let (config, _) =
                        execguard_git::load_commit_config(repo, base_tree.as_ref(), &base_name)?;
                    &*entry.insert(config)
                }
            }
        }
    };
    // A commit whose config leaves its branch out is not judged: skip comparing its trees. A
    // push that hides less (see `push::HiddenRefs`) may walk many such commits.
    if !config.applies_to_branch(job.branch.as_deref()) {
        return Ok(Report {
            out_of_scope: job.branch.clone(),
            ..Report::default()
        });
    }
    let commit = execguard_git::commit_change(repo, job.id, job.branch.as_deref(), Some(cache))?;
    Ok(execguard_core::check(
        config,
        &commit.change,
        &commit.trees,
        options,
    )?)
}

/// Merges per-commit reports into one.
pub fn merge(reports: Vec<Report>) -> Report {
    let mut all = Report::default();
    for report in reports {
        all.extend(report);
    }
    all
}
