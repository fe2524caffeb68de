//! Where a git command about to run would take working-tree files from (`git checkout main --
//! specs/x.md`, `git cherry-pick C`, `git stash pop`), read without running it: the revisions
//! such commands name, resolved as git resolves them, and whether a path's content there differs.
//! Also the working tree's status with untracked files told apart, and the file name extensions
//! the index tracks, for the agent's Stop.

use std::collections::BTreeSet;

use execguard_core::RepoPath;

use crate::error::read_err;
use crate::{GitError, Repo};

/// The commit `rev` names (`main`, `v1^`, `stash@{0}`, `@{upstream}`), as a hex id; `None` when
/// it names no commit.
pub fn commit_named(repo: &Repo, rev: &str) -> Option<String> {
    let object = repo.git().revparse_single(rev).ok()?;
    let commit = object.peel_to_commit().ok()?;
    Some(commit.id().to_string())
}

/// The first parent of commit `rev`; `None` when it has none or cannot be read.
pub fn first_parent(repo: &Repo, rev: &str) -> Option<String> {
    let commit = repo
        .git()
        .revparse_single(rev)
        .ok()?
        .peel_to_commit()
        .ok()?;
    Some(commit.parent_id(0).ok()?.to_string())
}

/// The best common ancestor of HEAD and `rev`; `None` when there is none or it cannot be read.
pub fn merge_base_with_head(repo: &Repo, rev: &str) -> Option<String> {
    let repo = repo.git();
    let head = repo.head().ok()?.peel_to_commit().ok()?.id();
    let other = repo.revparse_single(rev).ok()?.peel_to_commit().ok()?.id();
    Some(repo.merge_base(head, other).ok()?.to_string())
}

/// The paths among `paths` whose entry (content, mode or presence) differs between the trees of
/// the commits `from` and `to`; `None` when either cannot be read.
pub fn differing_paths(
    repo: &Repo,
    from: &str,
    to: &str,
    paths: &[RepoPath],
) -> Option<Vec<RepoPath>> {
    let repo = repo.git();
    let tree = |rev: &str| {
        repo.revparse_single(rev)
            .ok()?
            .peel_to_commit()
            .ok()?
            .tree()
            .ok()
    };
    let (from, to) = (tree(from)?, tree(to)?);
    let entry = |tree: &git2::Tree<'_>, path: &RepoPath| {
        tree.get_path(std::path::Path::new(&path.to_text()))
            .ok()
            .map(|e| (e.id(), e.filemode()))
    };
    Some(
        paths
            .iter()
            .filter(|path| entry(&from, path) != entry(&to, path))
            .cloned()
            .collect(),
    )
}

/// A path that differs from HEAD in the working tree, and whether git does not track it yet
/// (neither HEAD nor the index has it).
pub fn worktree_status(repo: &Repo) -> Result<Vec<(RepoPath, bool)>, GitError> {
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repo
        .git()
        .statuses(Some(&mut options))
        .map_err(read_err("the working tree's status"))?;
    let mut out: Vec<(RepoPath, bool)> = statuses
        .iter()
        .filter(|entry| entry.status() != git2::Status::CURRENT)
        .map(|entry| {
            (
                RepoPath::new(entry.path_bytes().to_vec()),
                entry.status() == git2::Status::WT_NEW,
            )
        })
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The file name extensions (`rs`, `toml`) of the paths the index tracks.
pub fn tracked_extensions(repo: &Repo) -> Result<BTreeSet<Vec<u8>>, GitError> {
    let index = repo.git().index().map_err(read_err("the index"))?;
    let mut out = BTreeSet::new();
    for entry in index.iter() {
        let name = entry.path.rsplit(|b| *b == b'/').next().unwrap_or(&[]);
        if let Some(dot) = name.iter().rposition(|b| *b == b'.') {
            if dot > 0 {
                out.insert(name[dot + 1..].to_vec());
            }
        }
    }
    Ok(out)
}
