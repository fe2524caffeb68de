//! Which refs of the receiving side hide their commits from a pushed ref.
//!
//! A commit is new to a branch unless a ref whose commits were judged under a scope that covers
//! that branch already carries it. A commit pushed first to a branch outside `[scope]` was never
//! judged, so such a branch must not hide it when it later reaches a branch in scope. Tags and
//! forge namespaces (`refs/merge-requests/*`, `refs/pull/*`, `refs/keep-around/*`) hide nothing
//! from a branch: the forge writes some of them itself, and a tag push is judged only for what
//! the repository lacks. Re-judging a commit is always safe, only slower, so whenever the scope
//! is uncertain, fewer refs hide.

use std::collections::HashSet;

use execguard_core::Config;
use execguard_git::{GitError, ObjectId, Repo};

use super::ref_update::{branch_of, RefUpdate};

/// A ref the receiving side has: the branch it stands for (`None` for a tag or any other ref)
/// and the commit it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownRef {
    pub branch: Option<String>,
    pub commit: ObjectId,
}

impl KnownRef {
    /// The refs of a receiving repository, as [`execguard_git::ref_tips`] lists them: branches
    /// are `refs/heads/*`, everything else stands for no branch.
    pub fn on_server(tips: Vec<(String, ObjectId)>) -> Vec<KnownRef> {
        tips.into_iter()
            .map(|(name, commit)| KnownRef {
                branch: branch_of(&name),
                commit,
            })
            .collect()
    }

    /// The remote-tracking refs of the remote a push goes to: `refs/remotes/origin/exec/login`
    /// stands for the remote's branch `exec/login`.
    pub fn remote_tracking(tips: Vec<(String, ObjectId)>, prefixes: &[String]) -> Vec<KnownRef> {
        tips.into_iter()
            .filter_map(|(name, commit)| {
                let branch = prefixes
                    .iter()
                    .find_map(|prefix| name.strip_prefix(prefix.as_str()))?;
                Some(KnownRef {
                    // `refs/remotes/origin/HEAD` mirrors another branch; it stands for none.
                    branch: (branch != "HEAD").then(|| branch.to_string()),
                    commit,
                })
            })
            .collect()
    }
}

/// The commits that hide what a pushed ref adds, by the kind of ref it is.
#[derive(Debug, Default)]
pub struct HiddenRefs {
    /// Hidden from a branch: the tips of the branches every scope in force covers.
    for_branches: Vec<ObjectId>,
    /// Hidden from a tag or any other ref: everything the receiving side has.
    for_others: Vec<ObjectId>,
    /// The pinned config, whose scope is known before any commit is read: a branch outside it
    /// is not judged at all.
    pinned: Option<Config>,
    /// Whether the baselines a pushed tip's own `.execguard.toml` names hide its history without
    /// a pinned config that guards them (see [`crate::commits::baseline`]).
    trust_tip_baselines: bool,
}

impl HiddenRefs {
    /// Decides what hides from each of `updates`. `pinned` is the config that judges every
    /// commit (the server's pinned file, `--config`); without it each commit's parent's
    /// `.execguard.toml` judges it, and the scope is read from the configs the refs carry.
    pub fn new(
        repo: &Repo,
        known: &[KnownRef],
        updates: &[RefUpdate],
        pinned: Option<&Config>,
    ) -> anyhow::Result<Self> {
        let scopes = match pinned {
            Some(config) => vec![config.clone()],
            None => repository_scopes(repo, known, updates)?,
        };
        let for_branches = known
            .iter()
            .filter(|r| {
                r.branch
                    .as_deref()
                    .is_some_and(|branch| covered_by_all(&scopes, branch))
            })
            .map(|r| r.commit)
            .collect();
        let for_others = known.iter().map(|r| r.commit).collect();
        Ok(Self {
            for_branches,
            for_others,
            pinned: pinned.cloned(),
            trust_tip_baselines: false,
        })
    }

    /// Lets the baselines named by a pushed tip's own `.execguard.toml` hide its history: on
    /// the client's pre-push, which honours every override trailer anyway, so a baseline the
    /// pushed commits name themselves opens no new way around the rules.
    pub fn trusting_tip_baselines(mut self) -> Self {
        self.trust_tip_baselines = true;
        self
    }

    /// Whether the baselines a pushed tip names itself count without a guarding pinned config.
    pub fn trusts_tip_baselines(&self) -> bool {
        self.trust_tip_baselines
    }

    /// The commits hiding what a push to `branch` (`None`: a tag or another ref) adds.
    pub fn for_ref(&self, branch: Option<&str>) -> &[ObjectId] {
        match branch {
            Some(_) => &self.for_branches,
            None => &self.for_others,
        }
    }

    /// Whether commits pushed to `branch` are judged at all: `false` only when a pinned
    /// config's scope leaves the branch out (without one, each commit's own config decides).
    pub fn judges_branch(&self, branch: &str) -> bool {
        self.pinned
            .as_ref()
            .is_none_or(|config| config.applies_to_branch(Some(branch)))
    }
}

/// Whether every scope puts `branch` in scope.
fn covered_by_all(scopes: &[Config], branch: &str) -> bool {
    scopes
        .iter()
        .all(|config| config.applies_to_branch(Some(branch)))
}

/// Without a pinned config, each commit is judged by its parent's `.execguard.toml`, and a
/// push to a branch outside that scope can change the file unjudged. A branch's own tip cannot
/// vouch for the commits below it, so the scope is the one every config the refs carry agrees
/// on: the configs at the tips of the known branches and of the pushed branches. A config that
/// does not parse tells nothing about the commits below it and is left out, as if its ref did
/// not exist (a commit on top of it cannot be judged, and is refused).
fn repository_scopes(
    repo: &Repo,
    known: &[KnownRef],
    updates: &[RefUpdate],
) -> anyhow::Result<Vec<Config>> {
    let pushed = updates
        .iter()
        .filter(|u| branch_of(&u.name).is_some())
        .filter_map(|u| u.new.as_deref())
        .filter_map(|id| execguard_git::peel_to_commit(repo, id));
    let tips = known
        .iter()
        .filter(|r| r.branch.is_some())
        .map(|r| r.commit)
        .chain(pushed);
    let mut seen = HashSet::new();
    let mut scopes = Vec::new();
    for tip in tips {
        let blob = execguard_git::commit_config_blob(repo, tip)?;
        if !seen.insert(blob) {
            continue;
        }
        let Some(blob) = blob else {
            scopes.push(Config::embedded_default());
            continue;
        };
        let name = format!(
            "{}:{}",
            execguard_core::engine::short(&tip.to_string()),
            execguard_core::config::CONFIG_PATH
        );
        match execguard_git::read_config_blob(repo, blob, &name) {
            Ok(config) => scopes.push(config),
            Err(GitError::Config(_)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(scopes)
}
