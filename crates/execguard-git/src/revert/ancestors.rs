//! A revert that does not name the commit it undoes (`revert: ...`, `Back out ...`): found among
//! the recent first-parent ancestors of the change's base, by its trees alone.

use execguard_core::{EntryKind, RepoPath, Side, TreeError};
use git2::{Commit, ObjectType, Repository, Tree};

use crate::objects::{as_path, kind_of, tree_error};

/// How many first-parent ancestors a revert that names no commit is compared with: the search
/// stays bounded in time on any history, so a revert of an older commit is not verified.
pub(crate) const MOST_ANCESTORS: usize = execguard_core::MOST_REVERTED_ANCESTORS;

/// What a path holds on one side: its kind and object id; `None` when absent.
pub(crate) type Held = Option<(EntryKind, String)>;

/// A change to compare with earlier commits: every path it alters (both ends of a rename), and
/// what its two sides hold at a path.
pub(crate) struct Undo<'a> {
    pub paths: Vec<RepoPath>,
    pub at: &'a dyn Fn(Side, &RepoPath) -> Result<Held, TreeError>,
}

/// The commit `undo`, made on top of `start`, is exactly the inverse of, if any: `start` or one of
/// its first `most` first-parent ancestors: it alters the same paths as that commit against its first
/// parent, and at each holds before what the commit left and after what its parent held. Each
/// ancestor is first probed at one path by tree lookups and compared in full only when that path
/// matches. A history cut short (a shallow clone, a root) ends the search.
pub(crate) fn undoes_an_ancestor(
    repo: &Repository,
    start: Commit<'_>,
    undo: &Undo<'_>,
    most: usize,
) -> Result<Option<git2::Oid>, TreeError> {
    let Some(probe) = undo.paths.first() else {
        return Ok(None);
    };
    let (probe_before, probe_after) = ((undo.at)(Side::Base, probe)?, (undo.at)(Side::New, probe)?);
    let read = |id| tree_error(format!("commit {id}"));
    let mut candidate = start;
    for _ in 0..most {
        let id = candidate.id();
        if candidate.parent_count() == 0 {
            return Ok(None);
        }
        let Ok(parent) = candidate.parent(0) else {
            return Ok(None);
        };
        let tree = candidate.tree().map_err(read(id))?;
        let parent_tree = parent.tree().map_err(read(parent.id()))?;
        if held(&tree, probe) == probe_before
            && held(&parent_tree, probe) == probe_after
            && inverse_of(repo, undo, &parent_tree, &tree).map_err(read(id))?
        {
            return Ok(Some(id));
        }
        candidate = parent;
    }
    Ok(None)
}

/// Whether `undo` alters exactly the paths the change from `before` to `after` alters, and
/// takes each back.
fn inverse_of(
    repo: &Repository,
    undo: &Undo<'_>,
    before: &Tree<'_>,
    after: &Tree<'_>,
) -> Result<bool, git2::Error> {
    let Some(forward) = super::changed_paths(repo, before, after)? else {
        return Ok(false);
    };
    if forward.len() != undo.paths.len() {
        return Ok(false);
    }
    for (path, (was, is)) in forward {
        let path = RepoPath::new(path);
        let (Ok(before), Ok(after)) = ((undo.at)(Side::Base, &path), (undo.at)(Side::New, &path))
        else {
            return Ok(false);
        };
        // The same paths: each one the commit alters, the undo alters back (the counts agree).
        if !super::takes_back((&was, &is), (&before, &after)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What `tree` holds at `path`: its kind and id; `None` when absent, a folder or unreadable.
pub(crate) fn held(tree: &Tree<'_>, path: &RepoPath) -> Held {
    let entry = tree.get_path(&as_path(path)).ok()?;
    if entry.kind() == Some(ObjectType::Tree) {
        return None;
    }
    Some((kind_of(entry.filemode() as u32)?, entry.id().to_string()))
}
