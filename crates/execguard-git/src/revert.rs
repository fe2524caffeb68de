//! Reverts: whether a change really undoes the commit its `git revert` message names, or, for a
//! revert written in another form (`revert: ...`), one of its recent first-parent ancestors. A
//! message alone is free to write; only the trees show that the work taken back is a commit's.

use std::collections::BTreeMap;

use execguard_core::trailers::Message;
use execguard_core::{RepoPath, Side};
use git2::{Commit, Delta, DiffFile, DiffOptions, Repository, Tree};

use crate::error::read_err;
use crate::objects::{as_path, kind_of};
use crate::GitError;

pub(crate) mod ancestors;

use ancestors::{Held, MOST_ANCESTORS};

/// How many paths a reverted commit may change and still be verified: a larger one is judged
/// by its size, as any other change, rather than compared path by path.
const MOST_PATHS: usize = 5_000;

/// Each changed path with its two sides, before and after.
type Changed = BTreeMap<Vec<u8>, (Held, Held)>;

/// Whether a path that goes from `before` to `after` takes back one that went from `was` to
/// `is`: it holds before what the other left and after what the other found, kind and object
/// alike, so a flipped executable bit must be flipped back too. Kinds are compared rather than
/// raw modes: git reads a legacy group-writable file (100664) as 100644 and `git revert` writes
/// it back so. A path whose two sides are the same is not taken back.
fn takes_back((was, is): (&Held, &Held), (before, after): (&Held, &Held)) -> bool {
    before == is && after == was && before != after
}

/// Whether `commit`, of one parent, claims a revert and proves it: `git revert`'s message and the
/// commit it names undone, or a message in another form and one of its recent first-parent
/// ancestors undone. The message is read first: a commit that does not claim to revert reads no
/// tree.
pub(crate) fn commit_undoes_named(
    repo: &Repository,
    commit: &Commit<'_>,
) -> Result<bool, GitError> {
    let message = String::from_utf8_lossy(commit.message_raw_bytes());
    let parsed = Message::parse(&message, None);
    if commit.parent_count() != 1 || !parsed.claims_revert() {
        return Ok(false);
    }
    if parsed.is_git_revert() {
        let id = commit.id();
        let tree = commit
            .tree()
            .map_err(read_err(format!("the tree of {id}")))?;
        let parent_tree = commit
            .parent(0)
            .and_then(|parent| parent.tree())
            .map_err(read_err(format!("the parent tree of {id}")))?;
        if undoes_named_commit(repo, &parent_tree, &tree, &message) {
            return Ok(true);
        }
    }
    Ok(undoes_an_ancestor(repo, commit, MOST_ANCESTORS))
}

/// Whether `commit`, of one parent, is exactly the inverse of one of its first `most`
/// first-parent ancestors (its parent first). An object that cannot be read is not verified.
pub(crate) fn undoes_an_ancestor(repo: &Repository, commit: &Commit<'_>, most: usize) -> bool {
    let found = || -> Result<bool, git2::Error> {
        if commit.parent_count() != 1 {
            return Ok(false);
        }
        let parent = commit.parent(0)?;
        let (base, new) = (parent.tree()?, commit.tree()?);
        let Some(changed) = changed_paths(repo, &base, &new)? else {
            return Ok(false);
        };
        let at = |side: Side, path: &RepoPath| {
            Ok(ancestors::held(
                match side {
                    Side::Base => &base,
                    Side::New => &new,
                },
                path,
            ))
        };
        let undo = ancestors::Undo {
            paths: changed.into_keys().map(RepoPath::new).collect(),
            at: &at,
        };
        Ok(ancestors::undoes_an_ancestor(repo, parent, &undo, most)
            .is_ok_and(|found| found.is_some()))
    };
    found().unwrap_or(false)
}

/// Whether `message` is `git revert`'s and the change from `base` to `new` is exactly the inverse
/// of the commit it names: the same paths differ, and at each `base` holds what the commit holds
/// and `new` what its first parent holds (see [`takes_back`]). Only tree entries are compared, no
/// blob is read. An unknown or ambiguous id, a root commit or a diff too large to compare is not
/// verified.
pub(crate) fn undoes_named_commit(
    repo: &Repository,
    base: &Tree<'_>,
    new: &Tree<'_>,
    message: &str,
) -> bool {
    let message = Message::parse(message, None);
    if !message.is_git_revert() {
        return false;
    }
    let Some(named) = message.reverted_commit() else {
        return false;
    };
    let Ok(reverted) = repo.find_commit_by_prefix(&named) else {
        return false;
    };
    inverse_of(repo, base, new, &reverted).unwrap_or(false)
}

/// Whether the change from `base` to `new` is the inverse of `reverted` against its first parent.
fn inverse_of(
    repo: &Repository,
    base: &Tree<'_>,
    new: &Tree<'_>,
    reverted: &Commit<'_>,
) -> Result<bool, git2::Error> {
    if reverted.parent_count() == 0 {
        return Ok(false);
    }
    let parent_tree = reverted.parent(0)?.tree()?;
    let Some(backward) = changed_paths(repo, base, new)? else {
        return Ok(false);
    };
    inverse_of_changes(repo, &backward, &parent_tree, &reverted.tree()?)
}

/// Whether `backward` (a change's paths, each with its two sides) is exactly the inverse of the
/// change from `before` to `after`.
fn inverse_of_changes(
    repo: &Repository,
    backward: &Changed,
    before: &Tree<'_>,
    after: &Tree<'_>,
) -> Result<bool, git2::Error> {
    let Some(forward) = changed_paths(repo, before, after)? else {
        return Ok(false);
    };
    if forward.is_empty() || forward.len() != backward.len() {
        return Ok(false);
    }
    Ok(forward.iter().all(|(path, (was, is))| {
        backward
            .get(path)
            .is_some_and(|(before, after)| takes_back((was, is), (before, after)))
    }))
}

/// The paths where `old` and `new` differ, each with its two sides; `None` when there are more
/// than [`MOST_PATHS`], a path is listed twice or an entry's mode is of no known kind.
pub(super) fn changed_paths(
    repo: &Repository,
    old: &Tree<'_>,
    new: &Tree<'_>,
) -> Result<Option<Changed>, git2::Error> {
    let mut options = DiffOptions::new();
    // One entry per path even when its kind changes (a file turned symlink).
    options.include_typechange(true).skip_binary_check(true);
    let diff = repo.diff_tree_to_tree(Some(old), Some(new), Some(&mut options))?;
    if diff.deltas().len() > MOST_PATHS {
        return Ok(None);
    }
    let mut paths = BTreeMap::new();
    for delta in diff.deltas() {
        let (old_file, new_file) = (delta.old_file(), delta.new_file());
        let Some(path) = new_file.path_bytes().or(old_file.path_bytes()) else {
            return Ok(None);
        };
        // The mode as the tree entry gives it, normalized as git reads it (100664 and 100600
        // are 100644): the diff keeps the raw mode, which git2 panics on outside its list.
        // `None` for a mode of no known kind, `Some(None)` for an absent side.
        let side = |present: bool, tree: &Tree<'_>, file: &DiffFile<'_>| {
            if !present {
                return Ok(Some(None));
            }
            let entry = tree.get_path(&as_path(&RepoPath::new(path.to_vec())))?;
            let kind = kind_of(entry.filemode() as u32);
            Ok::<_, git2::Error>(kind.map(|kind| Some((kind, file.id().to_string()))))
        };
        let (Some(before), Some(after)) = (
            side(delta.status() != Delta::Added, old, &old_file)?,
            side(delta.status() != Delta::Deleted, new, &new_file)?,
        ) else {
            return Ok(None);
        };
        if paths.insert(path.to_vec(), (before, after)).is_some() {
            return Ok(None);
        }
    }
    Ok(Some(paths))
}
