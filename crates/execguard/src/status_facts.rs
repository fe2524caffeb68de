//! What `execguard status` reports, read from the repository: every feature the layout finds at
//! HEAD (its spec, design note, plan and Progress, read back through the first-parent history),
//! the current branch's findings against its base, and the trail's refusals and escalations.
//! The facts are plain data; `commands/status.rs` prints them.

use std::collections::{BTreeMap, BTreeSet};

use execguard_core::status as facts;
use execguard_core::{Config, RepoPath};
use execguard_git::{CommitInfo, Repo};
use serde::Serialize;

use crate::commits::{self, CommitJob, CommitSettings};
use crate::trail;

/// The most commits read back from HEAD.
const MOST_COMMITS: usize = 1000;

#[derive(Debug, Serialize)]
pub struct Status {
    pub head: Option<String>,
    pub branch: Option<BranchFacts>,
    pub features: Vec<FeatureFacts>,
    /// Refusals in the trail that name no feature.
    pub other_refusals: usize,
    /// Open escalations that name no feature.
    pub other_escalations: Vec<EscalationFacts>,
}

#[derive(Debug, Serialize)]
pub struct BranchFacts {
    pub name: String,
    pub feature: Option<String>,
    pub base: String,
    pub commits: usize,
    /// Violations by rule, over the branch's commits against its base.
    pub findings: BTreeMap<String, usize>,
}

#[derive(Debug, Serialize)]
pub struct FeatureFacts {
    pub name: String,
    pub spec: SpecFacts,
    pub design: Option<String>,
    pub plan: PlanFacts,
    pub progress: ProgressFacts,
    /// The branch's findings by rule, when the current branch names this feature.
    pub findings: BTreeMap<String, usize>,
    pub refusals: usize,
    pub escalations: Vec<EscalationFacts>,
    /// The commits that touched the feature's plan or code, newest first (for the timeline).
    #[serde(skip)]
    pub timeline: Vec<TimelineCommit>,
}

#[derive(Debug, Serialize)]
pub struct SpecFacts {
    pub path: Option<String>,
    pub frozen: bool,
    /// The commit that froze it, and its author.
    pub since: Option<String>,
    pub by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PlanFacts {
    pub path: Option<String>,
    pub ready: bool,
    pub missing_sections: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ProgressFacts {
    pub done: usize,
    pub total: usize,
    pub last_entry: Option<String>,
    /// The commit that last changed the entries, its time (UTC) and how long ago.
    pub last_entry_commit: Option<String>,
    pub last_entry_time: Option<String>,
    pub last_entry_age_seconds: Option<i64>,
    /// Commits on HEAD's first-parent history after the one that last changed the entries.
    pub commits_since: Option<usize>,
}

#[derive(Debug, Serialize, Clone)]
pub struct EscalationFacts {
    pub id: u64,
    pub question: String,
    pub who: String,
    pub time: String,
}

/// One commit of a feature's timeline: whether it added Progress entries.
#[derive(Debug, Clone)]
pub struct TimelineCommit {
    pub id: String,
    pub time: i64,
    pub summary: String,
    pub progress: bool,
}

pub fn gather(repo: &Repo, config: &Config, base: Option<&str>) -> anyhow::Result<Status> {
    let head = execguard_git::head_commit_id(repo);
    let history = match head {
        Some(head) => execguard_git::first_parent_history(repo, head, None, MOST_COMMITS)?,
        None => Vec::new(),
    };
    let layout = &config.layout;
    let mut names = BTreeSet::new();
    let paths = execguard_git::head_paths(repo)?;
    for path in &paths {
        if layout.specs.is_match(path) {
            names.insert(path.stem());
        }
        names.extend(layout.designs.feature_of(path));
        names.extend(layout.execplans.feature_of(path));
    }
    let records = trail::read(repo.common_dir())?;
    let open = trail::open_escalations(&records);
    let branch = branch_facts(repo, config, base)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut features = Vec::new();
    for name in &names {
        let mut feature = feature_facts(repo, config, &paths, &history, name, now)?;
        feature.refusals = records
            .iter()
            .filter(|r| r.text("kind") == Some("refusal") && r.text("feature") == Some(name))
            .count();
        feature.escalations = open
            .iter()
            .filter(|e| e.feature.as_deref() == Some(name))
            .map(escalation)
            .collect();
        if let Some(branch) = branch
            .as_ref()
            .filter(|b| b.feature.as_deref() == Some(name))
        {
            feature.findings = branch.findings.clone();
        }
        features.push(feature);
    }
    let known = |f: Option<&str>| f.is_some_and(|f| names.contains(f));
    Ok(Status {
        head: head.map(|h| h.to_string()),
        branch,
        other_refusals: records
            .iter()
            .filter(|r| r.text("kind") == Some("refusal") && !known(r.text("feature")))
            .count(),
        other_escalations: open
            .iter()
            .filter(|e| !known(e.feature.as_deref()))
            .map(escalation)
            .collect(),
        features,
    })
}

fn escalation(e: &trail::Escalation) -> EscalationFacts {
    EscalationFacts {
        id: e.id,
        question: e.question.clone(),
        who: e.who.clone(),
        time: e.time.clone(),
    }
}

fn text_at(repo: &Repo, commit: &CommitInfo, path: &RepoPath) -> anyhow::Result<Option<String>> {
    Ok(execguard_git::blob_in_commit(repo, commit.id, path)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

fn feature_facts(
    repo: &Repo,
    config: &Config,
    paths: &[RepoPath],
    history: &[CommitInfo],
    name: &str,
    now: i64,
) -> anyhow::Result<FeatureFacts> {
    let layout = &config.layout;
    let spec_path = paths
        .iter()
        .find(|p| layout.specs.is_match(p) && p.stem() == name);
    let design = paths
        .iter()
        .find(|p| layout.designs.feature_of(p).as_deref() == Some(name));
    let plan_path = paths
        .iter()
        .find(|p| layout.execplans.feature_of(p).as_deref() == Some(name));
    let mut spec = SpecFacts {
        path: spec_path.map(RepoPath::to_text),
        frozen: false,
        since: None,
        by: None,
    };
    if let Some(path) = spec_path {
        let mut frozen = Vec::new();
        for commit in history {
            let text = text_at(repo, commit, path)?;
            let is = text.is_some_and(|t| layout.spec_marker.found_in(&t));
            frozen.push(is);
            if !is {
                break;
            }
        }
        if let Some(at) = facts::frozen_since(&frozen) {
            spec.frozen = true;
            spec.since = Some(history[at].id.to_string());
            spec.by = Some(history[at].author.clone());
        }
    }
    let section = &config.rules.progress_update.section;
    let mut plan = PlanFacts {
        path: plan_path.map(RepoPath::to_text),
        ready: false,
        missing_sections: Vec::new(),
    };
    let mut progress = ProgressFacts {
        done: 0,
        total: 0,
        last_entry: None,
        last_entry_commit: None,
        last_entry_time: None,
        last_entry_age_seconds: None,
        commits_since: None,
    };
    let mut timeline = Vec::new();
    if let (Some(path), Some(newest)) = (plan_path, history.first()) {
        let text = text_at(repo, newest, path)?.unwrap_or_default();
        plan.ready = layout.execplan_marker.found_in(&text);
        plan.missing_sections =
            facts::missing_sections(&text, &config.rules.execplan_sections.required);
        if let Some(tally) = facts::progress_tally(&text, section) {
            progress.done = tally.done;
            progress.total = tally.total;
            progress.last_entry = tally.last;
        }
        let mut entries = Vec::new();
        for commit in history {
            let text = text_at(repo, commit, path)?;
            let read = text.and_then(|t| facts::progress_entries(&t, section));
            let gone = read.is_none();
            entries.push(read);
            if gone {
                break;
            }
        }
        if let Some(at) = facts::last_progress_change(&entries) {
            let commit = &history[at];
            progress.last_entry_commit = Some(commit.id.to_string());
            progress.last_entry_time = Some(trail::time::format_utc(commit.time));
            progress.last_entry_age_seconds = Some(now - commit.time);
            progress.commits_since = Some(at);
        }
        // The timeline: the commits since the plan appeared, marking those that changed its
        // Progress entries.
        for (at, commit) in history.iter().enumerate().take(entries.len()) {
            let older = entries.get(at + 1).cloned().flatten();
            timeline.push(TimelineCommit {
                id: commit.id.to_string(),
                time: commit.time,
                summary: commit.summary.clone(),
                progress: entries[at].is_some() && entries[at] != older,
            });
        }
    }
    Ok(FeatureFacts {
        name: name.to_string(),
        spec,
        design: design.map(RepoPath::to_text),
        plan,
        progress,
        findings: BTreeMap::new(),
        refusals: 0,
        escalations: Vec::new(),
        timeline,
    })
}

/// The current branch against its base (`--base`, else `main` or `master` when HEAD is on
/// another branch): its commits judged as `execguard check --range base..HEAD` judges them.
fn branch_facts(
    repo: &Repo,
    config: &Config,
    base: Option<&str>,
) -> anyhow::Result<Option<BranchFacts>> {
    let Some(name) = execguard_git::current_branch(repo) else {
        return Ok(None);
    };
    let base = match base {
        Some(base) => base.to_string(),
        None => match ["main", "master"]
            .into_iter()
            .find(|b| *b != name && execguard_git::commit_named(repo, b).is_some())
        {
            Some(b) => b.to_string(),
            None => return Ok(None),
        },
    };
    let Some(fork) = execguard_git::merge_base_with_head(repo, &base) else {
        anyhow::bail!("--base {base}: no commit of that name shares history with HEAD");
    };
    let ids = execguard_git::commits_in_range(
        repo,
        &format!("{fork}..HEAD"),
        execguard_git::RangeOptions::default(),
    )?;
    let ids = commits::baseline::range_for_check(repo, ids, None, None)?;
    let jobs: Vec<CommitJob> = ids
        .into_iter()
        .map(|id| CommitJob {
            id,
            branch: Some(name.clone()),
        })
        .collect();
    let settings = CommitSettings {
        config: None,
        overrides: execguard_core::OverridePolicy::ListedPusher { pusher: None },
        pusher: execguard_core::Pusher::Unnamed,
        whole_first_parent_changes: false,
    };
    let reports = commits::check_branch_commits(repo, &jobs, &settings)?;
    let report = commits::merge(reports);
    let mut findings = BTreeMap::new();
    for violation in &report.violations {
        *findings
            .entry(violation.rule().as_str().to_string())
            .or_insert(0) += 1;
    }
    Ok(Some(BranchFacts {
        feature: config.layout.branch_patterns.feature_of(&name),
        name,
        base,
        commits: jobs.len(),
        findings,
    }))
}
