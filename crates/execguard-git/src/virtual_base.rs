//! The base a criss-cross merge is re-merged over, built as libgit2's recursive merge builds it:
//! the merge bases merged oldest first, each merge over their own base (itself built so when
//! they have several), where a file both sides changed keeps both versions between conflict
//! markers and any other conflicting path is left out.
//!
//! libgit2's `merge_commits` finds the merge bases again with a walk that reads every commit
//! from the packs, twice (the sides' bases, then the bases' own): on git's history a criss-cross
//! merge took as long as all the others. The bases are known here from the walk that is kept.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

use git2::{Index, IndexEntry, MergeFileOptions, MergeOptions, Oid, Repository, Tree};

use crate::merge_base::merge_bases_many;

/// A side of one of the merges that build the base: a commit, or a merge of merge bases.
enum Side<'r> {
    Commit(Oid),
    Merged { tree: Tree<'r>, heads: Vec<Oid> },
}

impl<'r> Side<'r> {
    /// The commits it stands for: a merge of merge bases stands for the bases it merged.
    fn heads(&self) -> Vec<Oid> {
        match self {
            Side::Commit(id) => vec![*id],
            Side::Merged { heads, .. } => heads.clone(),
        }
    }

    fn tree(&self, repo: &'r Repository) -> Result<Tree<'r>, git2::Error> {
        match self {
            Side::Commit(id) => repo.find_commit(*id)?.tree(),
            Side::Merged { tree, .. } => Ok(tree.clone()),
        }
    }
}

/// The merged base of the criss-cross merge of `ours` and `theirs`, or `None` where libgit2
/// may build it otherwise (conflicts it may settle otherwise, no merge base at some step): its
/// recursive merge then builds it.
pub(crate) fn virtual_base<'r>(
    repo: &'r Repository,
    ours: Oid,
    theirs: Oid,
) -> Result<Option<Tree<'r>>, git2::Error> {
    match base_of(repo, &Side::Commit(ours), &Side::Commit(theirs))? {
        Some(base) => base.tree(repo).map(Some),
        None => Ok(None),
    }
}

/// libgit2's `compute_base`: the merge bases of `one` and `two`, merged oldest first.
fn base_of<'r>(
    repo: &'r Repository,
    one: &Side<'r>,
    two: &Side<'r>,
) -> Result<Option<Side<'r>>, git2::Error> {
    // `two` first: `one` may be a merge, standing for several commits.
    let mut heads = two.heads();
    heads.extend(one.heads());
    let Some((first, others)) = heads.split_first() else {
        return Ok(None);
    };
    let mut bases = merge_bases_many(repo, *first, others)?;
    bases.reverse();
    let Some((oldest, newer)) = bases.split_first() else {
        return Ok(None);
    };
    if newer.is_empty() {
        return Ok(Some(Side::Commit(*oldest)));
    }
    let key = (repo.path().to_path_buf(), bases.clone());
    if let Some(known) = MERGED_BASES.with(|memo| memo.borrow().get(&key).copied()) {
        // Written to this thread's repository before; another one (a repository opened again)
        // does not hold it, and builds it again.
        match known.map(|id| repo.find_tree(id)) {
            None => return Ok(None),
            Some(Ok(tree)) => return Ok(Some(Side::Merged { tree, heads: bases })),
            Some(Err(_)) => {}
        }
    }
    #[cfg(test)]
    BUILT.with(|built| built.set(built.get() + 1));
    let mut base = Side::Commit(*oldest);
    for other in newer {
        match merged(repo, &base, &Side::Commit(*other))? {
            Some(merged) => base = merged,
            None => {
                remember(key, None);
                return Ok(None);
            }
        }
    }
    if let Side::Merged { tree, .. } = &base {
        remember(key, Some(tree.id()));
    }
    Ok(Some(base))
}

/// The merged bases built, by repository and merge bases (oldest first): consecutive merges
/// of git's history often share theirs, and each build merges whole trees.
type MergedBases = HashMap<(PathBuf, Vec<Oid>), Option<Oid>>;

/// Merged bases kept per thread; a range has a few dozen criss-cross merges.
const MAX_MERGED_BASES: usize = 256;

thread_local! {
    static MERGED_BASES: RefCell<MergedBases> = RefCell::new(HashMap::new());
}

fn remember(key: (PathBuf, Vec<Oid>), tree: Option<Oid>) {
    MERGED_BASES.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= MAX_MERGED_BASES {
            memo.clear();
        }
        memo.insert(key, tree);
    });
}

/// libgit2's `create_virtual_base`: `one` and `two` merged over their own base, conflicts
/// settled as a base settles them.
fn merged<'r>(
    repo: &'r Repository,
    one: &Side<'r>,
    two: &Side<'r>,
) -> Result<Option<Side<'r>>, git2::Error> {
    let Some(below) = base_of(repo, one, two)? else {
        return Ok(None);
    };
    let mut options = MergeOptions::new();
    options.fail_on_conflict(false);
    let mut index = repo.merge_trees(
        &below.tree(repo)?,
        &one.tree(repo)?,
        &two.tree(repo)?,
        Some(&options),
    )?;
    if index.has_conflicts() && !accept_conflicts(repo, &mut index)? {
        return Ok(None);
    }
    // Written to the in-memory object store that sits in front of the repository's.
    let id = index.write_tree_to(repo)?;
    let mut heads = one.heads();
    heads.extend(two.heads());
    Ok(Some(Side::Merged {
        tree: repo.find_tree(id)?,
        heads,
    }))
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

/// An index entry of `path` with only what a merge reads: its mode and object.
pub(crate) fn entry(mode: u32, id: Oid, path: &[u8]) -> IndexEntry {
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

#[cfg(test)]
thread_local! {
    static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many merged bases this thread built.
#[cfg(test)]
pub(crate) fn merged_bases_built() -> usize {
    BUILT.with(std::cell::Cell::get)
}
