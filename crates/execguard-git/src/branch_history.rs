//! What the current branch held at some paths since it left its upstream: for the commit hooks
//! and `check --commit`, which otherwise know only the change's parent, to tell a Progress entry
//! that comes back from a new one. Also the branch's commits not yet pushed, which the agent Stop
//! hook judges as pre-push would.

use std::collections::BTreeSet;

use execguard_core::RepoPath;
use git2::{Oid, Repository};

use crate::error::read_err;
use crate::head::head_commit;
use crate::{GitError, ObjectId, Repo};

/// The most commits walked back from HEAD: a branch longer than this since its upstream is
/// compared with its most recent commits only.
const MOST_COMMITS: usize = 500;

/// The distinct contents each of `paths` had in the commits HEAD has and its upstream lacks, and
/// at their merge base: `(path, blob)`, the blobs HEAD itself holds left out (the change's base
/// has them anyway). Nothing when the branch has no upstream or HEAD is unborn.
pub fn since_upstream(
    repo: &Repo,
    paths: &[RepoPath],
) -> Result<Vec<(RepoPath, Vec<u8>)>, GitError> {
    let Some(head) = head_commit(repo.git())? else {
        return Ok(Vec::new());
    };
    since_upstream_from(repo, head.id(), paths)
}

/// As [`since_upstream`], for a recorded commit of the current branch judged against its first
/// parent: the contents the commits before it had since the branch left its upstream. Nothing
/// for a root commit.
pub fn since_upstream_before(
    repo: &Repo,
    commit: ObjectId,
    paths: &[RepoPath],
) -> Result<Vec<(RepoPath, Vec<u8>)>, GitError> {
    let git = repo.git();
    let found = git
        .find_commit(commit.git())
        .map_err(read_err(format!("commit {commit}")))?;
    match found.parent_ids().next() {
        Some(parent) => since_upstream_from(repo, parent, paths),
        None => Ok(Vec::new()),
    }
}

/// The walk of [`since_upstream`] back from `tip`, the change's base.
fn since_upstream_from(
    repo: &Repo,
    tip: Oid,
    paths: &[RepoPath],
) -> Result<Vec<(RepoPath, Vec<u8>)>, GitError> {
    let git = repo.git();
    let Some(upstream) = upstream_of(git) else {
        return Ok(Vec::new());
    };
    let Ok(base) = git.merge_base(tip, upstream) else {
        return Ok(Vec::new());
    };
    let mut walk = git.revwalk().map_err(read_err("the branch's history"))?;
    walk.push(tip).map_err(read_err(format!("commit {tip}")))?;
    walk.hide(base)
        .map_err(read_err("the merge base with the upstream"))?;
    let mut commits: Vec<Oid> = walk.take(MOST_COMMITS).filter_map(Result::ok).collect();
    commits.push(base);
    let in_tip = blobs_at(git, tip, paths)?;
    let mut seen: BTreeSet<Oid> = in_tip.iter().map(|(_, id)| *id).collect();
    let mut out = Vec::new();
    for commit in commits.into_iter().filter(|id| *id != tip) {
        for (path, id) in blobs_at(git, commit, paths)? {
            if seen.insert(id) {
                let blob = git.find_blob(id).map_err(read_err(format!("blob {id}")))?;
                out.push((path, blob.content().to_vec()));
            }
        }
    }
    Ok(out)
}

/// The commits of HEAD not yet pushed, oldest first (the latest [`MOST_COMMITS`]): those its
/// upstream lacks, or, when the branch has none, those the default branch lacks (the remote's
/// `origin/HEAD`, else `main` or `master`, remote or local, other than the current branch).
/// Nothing when HEAD is unborn or no such branch is found.
pub fn unpushed(repo: &Repo) -> Result<Vec<ObjectId>, GitError> {
    let git = repo.git();
    let Some(head) = head_commit(git)? else {
        return Ok(Vec::new());
    };
    let Some(hidden) = upstream_of(git).or_else(|| default_branch_tip(git)) else {
        return Ok(Vec::new());
    };
    let mut walk = git.revwalk().map_err(read_err("the branch's history"))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL)
        .map_err(read_err("the branch's history"))?;
    walk.push(head.id()).map_err(read_err("HEAD"))?;
    walk.hide(hidden)
        .map_err(read_err(format!("commit {hidden} (the branch's base)")))?;
    let mut commits: Vec<ObjectId> = walk
        .take(MOST_COMMITS)
        .map(|id| id.map(ObjectId::from_git))
        .collect::<Result<_, _>>()
        .map_err(read_err("the branch's history"))?;
    commits.reverse();
    Ok(commits)
}

/// The tip of the branch the current one would be merged into, when it has no upstream.
fn default_branch_tip(git: &Repository) -> Option<Oid> {
    let current = git
        .find_reference("HEAD")
        .ok()?
        .symbolic_target()
        .map(str::to_string);
    let mut names = Vec::new();
    if let Some(target) = git
        .find_reference("refs/remotes/origin/HEAD")
        .ok()
        .and_then(|head| head.symbolic_target().map(str::to_string))
    {
        names.push(target);
    }
    for name in ["main", "master"] {
        names.push(format!("refs/remotes/origin/{name}"));
        names.push(format!("refs/heads/{name}"));
    }
    names
        .into_iter()
        .filter(|name| Some(name) != current.as_ref())
        .find_map(|name| git.refname_to_id(&name).ok())
}

/// The commit the current branch's upstream points at.
fn upstream_of(git: &Repository) -> Option<Oid> {
    let head = git.find_reference("HEAD").ok()?;
    let branch = head.symbolic_target()?.to_string();
    let upstream = git.branch_upstream_name(&branch).ok()?;
    let name = upstream.as_str()?;
    git.refname_to_id(name).ok()
}

/// The blob each of `paths` names in `commit`'s tree, where it names one.
fn blobs_at(
    git: &Repository,
    commit: Oid,
    paths: &[RepoPath],
) -> Result<Vec<(RepoPath, Oid)>, GitError> {
    let tree = git
        .find_commit(commit)
        .and_then(|commit| commit.tree())
        .map_err(read_err(format!("the tree of {commit}")))?;
    let mut out = Vec::new();
    for path in paths {
        let Ok(text) = std::str::from_utf8(path.as_bytes()) else {
            continue;
        };
        if let Ok(entry) = tree.get_path(std::path::Path::new(text)) {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                out.push((path.clone(), entry.id()));
            }
        }
    }
    Ok(out)
}
