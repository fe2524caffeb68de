//! The base a criss-cross merge is re-merged over, built as libgit2's recursive merge builds it:
//! the merge of the two merge bases over their own merge base, where a file both sides changed
//! keeps both versions between conflict markers and any other conflicting path is left out.
//!
//! libgit2's `merge_commits` finds the merge bases again with a walk that reads every commit
//! from the packs, twice (the sides' bases, then the bases' own): on git's history a criss-cross
//! merge took as long as all the others. The bases are known here from the walk that is kept.

use git2::{Index, IndexEntry, MergeFileOptions, MergeOptions, Oid, Repository, Tree};

use crate::merge_base::all_merge_bases;

/// The merged base of the criss-cross merge of `ours` and `theirs`, or `None` for a history
/// this does not build (more than two merge bases, bases with several of their own, conflicts
/// libgit2 may settle otherwise): libgit2's recursive merge then builds it.
pub(crate) fn virtual_base<'r>(
    repo: &'r Repository,
    ours: Oid,
    theirs: Oid,
) -> Result<Option<Tree<'r>>, git2::Error> {
    // libgit2 asks for the bases of (theirs, ours), newest first, and merges them oldest first.
    let [newer, older] = all_merge_bases(repo, theirs, ours)?[..] else {
        return Ok(None);
    };
    let [below] = all_merge_bases(repo, newer, older)?[..] else {
        return Ok(None);
    };
    let tree = |id: Oid| repo.find_commit(id).and_then(|commit| commit.tree());
    let mut options = MergeOptions::new();
    options.fail_on_conflict(false);
    let mut index =
        repo.merge_trees(&tree(below)?, &tree(older)?, &tree(newer)?, Some(&options))?;
    if index.has_conflicts() && !accept_conflicts(repo, &mut index)? {
        return Ok(None);
    }
    // Written to the in-memory object store that sits in front of the repository's.
    let id = index.write_tree_to(repo)?;
    repo.find_tree(id).map(Some)
}

/// Settles every conflict as libgit2's virtual base does: a file both sides hold keeps both
/// versions between markers, and any other conflicting path is left out (libgit2 reads the
/// virtual base without its conflicts). Returns false, settling nothing more, where libgit2 may
/// decide otherwise (renames on both sides, links, submodules, modes that differ).
fn accept_conflicts(repo: &Repository, index: &mut Index) -> Result<bool, git2::Error> {
    let regular = |entry: &IndexEntry| matches!(entry.mode, 0o100644 | 0o100755);
    let mut settled = Vec::new();
    let mut left_out = Vec::new();
    for conflict in index.conflicts()? {
        let conflict = conflict?;
        let (ours, theirs) = match (conflict.our, conflict.their) {
            (Some(ours), Some(theirs)) => (ours, theirs),
            (ours, theirs) => {
                if let Some(entry) = conflict.ancestor.or(ours).or(theirs) {
                    left_out.push(entry.path);
                }
                continue;
            }
        };
        let ancestor = match conflict.ancestor {
            Some(ancestor) if regular(&ancestor) => ancestor,
            Some(_) => return Ok(false),
            // Added on both sides: merged over nothing.
            None if ours.mode == theirs.mode => entry(ours.mode, repo.blob(b"")?, &ours.path),
            None => return Ok(false),
        };
        if ours.path != theirs.path || !regular(&ours) || !regular(&theirs) {
            return Ok(false);
        }
        let mut labels = MergeFileOptions::new();
        labels
            .ancestor_label("merged common ancestors")
            .our_label("Temporary merge branch 1")
            .their_label("Temporary merge branch 2")
            .accept_conflicts(true)
            .marker_size(9);
        let merged = repo.merge_file_from_index(&ancestor, &ours, &theirs, Some(&mut labels))?;
        let id = repo.blob(merged.content())?;
        settled.push(entry(merged.mode(), id, &ours.path));
    }
    let as_path = |path: &[u8]| crate::objects::as_path(&execguard_core::RepoPath::new(path));
    for path in left_out {
        index.conflict_remove(&as_path(&path))?;
    }
    for entry in settled {
        index.conflict_remove(&as_path(&entry.path))?;
        index.add(&entry)?;
    }
    Ok(true)
}

fn entry(mode: u32, id: Oid, path: &[u8]) -> IndexEntry {
    IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode,
        uid: 0,
        gid: 0,
        file_size: 0,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.to_vec(),
    }
}
