//! The clean re-merge of a merge's two parents, in memory: the base side of what the merge adds
//! of its own.
//!
//! Nothing is written: the re-merge lives in an in-memory index, and a conflicted path's content
//! (both sides of each conflicting region, one after the other) is kept beside it under the id
//! its blob would have.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use execguard_core::FileChange;
use git2::{Commit, MergeOptions, ObjectType, Oid, Repository, Tree};

use crate::error::read_err;
use crate::folders::Folders;
use crate::objects::as_path;
use crate::{tree_diff, GitError};

/// git's id of the empty tree, which libgit2 knows without reading it.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// The re-merge of a merge's parents, as the base side of its own change.
pub struct Remerge<'r> {
    /// Paths not in `decided` are as `rest` holds them.
    rest: Rest<'r>,
    /// What the re-merge holds at the paths it decided itself (`None`: nothing).
    decided: HashMap<Vec<u8>, Option<(u32, Oid)>>,
    /// For paths both sides changed and that conflict: the two sides' blobs, whose lines a
    /// resolution may keep.
    sides: HashMap<Vec<u8>, [Oid; 2]>,
    /// Merged and conflicted content, by the id its blob would have.
    blobs: HashMap<Oid, Rc<[u8]>>,
    /// The folders of the merge's trees read so far.
    folders: Rc<Folders<'r>>,
}

enum Rest<'r> {
    /// The first parent's tree: a merge whose sides rename nothing is merged path by path.
    Tree(Tree<'r>),
    /// libgit2's merge of the trees, which follows renames.
    Index(git2::Index),
}

impl<'r> Remerge<'r> {
    pub(crate) fn get(&self, path: &[u8]) -> Option<(u32, Oid)> {
        if let Some(found) = self.decided.get(path) {
            return *found;
        }
        let as_repo_path = execguard_core::RepoPath::new(path);
        match &self.rest {
            Rest::Index(index) => index
                .get_path(&as_path(&as_repo_path), 0)
                .map(|entry| (entry.mode, entry.id)),
            // The first parent's tree was read whole to merge it: a lookup that fails finds
            // nothing, as before.
            Rest::Tree(tree) => self.folders.file(tree, path).ok().flatten(),
        }
    }

    /// What `tree`, one of the merge's trees, holds at `path`, as [`file_in_tree`] finds it;
    /// the folders on the way are read once for every lookup of the merge.
    pub(crate) fn file_in(
        &self,
        tree: &Tree<'r>,
        path: &[u8],
    ) -> Result<Option<(u32, Oid)>, git2::Error> {
        self.folders.file(tree, path)
    }

    /// Moves what the re-merge holds at `from` to `to`, as a directory rename does.
    pub(crate) fn relocate(&mut self, from: &[u8], to: &[u8], entry: (u32, Oid)) {
        self.decided.insert(from.to_vec(), None);
        self.decided.insert(to.to_vec(), Some(entry));
        if let Some(sides) = self.sides.remove(from) {
            self.sides.insert(to.to_vec(), sides);
        }
    }

    pub(crate) fn blob(&self, id: Oid) -> Option<Rc<[u8]>> {
        self.blobs.get(&id).cloned()
    }

    /// Every entry below `dir` (all entries for the root): `(path, mode, id)`.
    pub(crate) fn below(
        &self,
        repo: &Repository,
        dir: &[u8],
    ) -> Result<Vec<(Vec<u8>, u32, Oid)>, GitError> {
        let mut prefix = dir.to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let mut paths: BTreeSet<Vec<u8>> = BTreeSet::new();
        match &self.rest {
            Rest::Index(index) => {
                for entry in index.iter() {
                    if entry.path.starts_with(&prefix) {
                        paths.insert(entry.path);
                    }
                }
            }
            Rest::Tree(tree) => {
                let subtree = if dir.is_empty() {
                    Some(tree.clone())
                } else {
                    match tree.get_path(&as_path(&execguard_core::RepoPath::new(dir))) {
                        Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Some(
                            repo.find_tree(entry.id())
                                .map_err(read_err(String::from_utf8_lossy(dir).into_owned()))?,
                        ),
                        _ => None,
                    }
                };
                if let Some(subtree) = subtree {
                    subtree
                        .walk(git2::TreeWalkMode::PreOrder, |root, entry| {
                            if entry.kind() != Some(ObjectType::Tree) {
                                let mut path = prefix.clone();
                                path.extend_from_slice(root.as_bytes());
                                path.extend_from_slice(entry.name_bytes());
                                paths.insert(path);
                            }
                            git2::TreeWalkResult::Ok
                        })
                        .map_err(read_err(String::from_utf8_lossy(dir).into_owned()))?;
                }
            }
        }
        paths.extend(
            self.decided
                .keys()
                .filter(|path| path.starts_with(&prefix))
                .cloned(),
        );
        Ok(paths
            .into_iter()
            .filter_map(|path| self.get(&path).map(|(mode, id)| (path, mode, id)))
            .collect())
    }
}

/// Whether the result at a conflicted path is made only of lines of the two sides: choosing
/// between them, or keeping both, adds nothing of the merge's own.
pub(crate) fn keeps_only_either_side(
    repo: &Repository,
    remerge: &Remerge<'_>,
    path: &[u8],
    result: Option<(u32, Oid)>,
) -> Result<bool, GitError> {
    let (Some([ours, theirs]), Some((_, result))) = (remerge.sides.get(path), result) else {
        return Ok(false);
    };
    let read = |id: &Oid| {
        crate::merge_file::blob_content(repo, *id).map_err(read_err(format!("blob {id}")))
    };
    let (ours, theirs, result) = (read(ours)?, read(theirs)?, read(&result)?);
    let kept: std::collections::HashSet<&[u8]> = ours
        .split(|&b| b == b'\n')
        .chain(theirs.split(|&b| b == b'\n'))
        .collect();
    Ok(result
        .split(|&b| b == b'\n')
        .all(|line| kept.contains(line)))
}

/// What `tree` holds at `path` (nothing when there is no tree): mode and id, or `None` for
/// nothing or a directory.
fn in_tree<'r>(
    folders: &Folders<'r>,
    tree: Option<&Tree<'r>>,
    path: &[u8],
) -> Result<Option<(u32, Oid)>, GitError> {
    match tree {
        Some(tree) => folders
            .file(tree, path)
            .map_err(read_err(String::from_utf8_lossy(path).into_owned())),
        None => Ok(None),
    }
}

/// Merges `ours` and `theirs` over `base` (the empty tree for unrelated histories) in memory;
/// also returns every path where the re-merge may differ from `ours`. `criss_cross` holds the
/// two commits when they have several merge bases: they are then merged over the merge of their
/// merge bases, as git does, and `base` (the first merge base) only finds directory renames.
pub(crate) fn remerge<'r>(
    repo: &'r Repository,
    base: Option<&Tree<'r>>,
    ours: &Tree<'r>,
    theirs: &Tree<'r>,
    criss_cross: Option<[&Commit<'r>; 2]>,
    folders: Rc<Folders<'r>>,
) -> Result<(Remerge<'r>, Vec<Vec<u8>>), GitError> {
    // Sizes are not needed: rename detection reads those of the blobs it scores.
    let theirs_changed = tree_diff::tree_changes(repo, Some(&folders), base, theirs)?;
    let paths = |files: &[FileChange]| -> Vec<Vec<u8>> {
        files.iter().map(|f| f.path.as_bytes().to_vec()).collect()
    };
    let renames_matter = match (criss_cross, base) {
        (Some(_), _) => true,
        (None, Some(base)) => crate::rename_relevance::renames_may_matter(
            &folders,
            base,
            ours,
            theirs,
            &theirs_changed,
        )?,
        // Unrelated histories: nothing was removed, so nothing was renamed.
        (None, None) => false,
    };
    if renames_matter {
        // A side may have renamed a path the other changed: libgit2's merge follows renames.
        let ours_changed = tree_diff::tree_changes(repo, Some(&folders), base, ours)?;
        let mut candidates = paths(&theirs_changed);
        candidates.extend(paths(&ours_changed));
        let mut remerge = remerge_with_renames(repo, base, ours, theirs, criss_cross, folders)?;
        if let Some(base) = base {
            // libgit2 follows renames of files only; git also follows renamed directories.
            let moves = crate::dir_renames::moves(
                repo,
                base,
                [ours, theirs],
                [&ours_changed, &theirs_changed],
                |path| remerge.get(path).is_some(),
            )?;
            for (from, to) in moves {
                if let Some(entry) = remerge.get(&from) {
                    remerge.relocate(&from, &to, entry);
                    candidates.push(to);
                }
            }
        }
        return Ok((remerge, candidates));
    }
    let mut remerge = Remerge {
        rest: Rest::Tree(ours.clone()),
        decided: HashMap::new(),
        sides: HashMap::new(),
        blobs: HashMap::new(),
        folders,
    };
    for file in &theirs_changed {
        let path = file.path.as_bytes();
        let folders = &remerge.folders;
        let their = in_tree(folders, Some(theirs), path)?;
        let our = in_tree(folders, Some(ours), path)?;
        let ancestor = in_tree(folders, base, path)?;
        if our == their || ancestor == their {
            continue;
        }
        if ancestor == our {
            remerge.decided.insert(path.to_vec(), their);
            continue;
        }
        // Both sides changed the path, differently.
        match (ancestor, our, their) {
            (_, Some(o), Some(t)) if is_text_blob(o.0) && is_text_blob(t.0) => {
                let merged = merge_contents(repo, path, ancestor, o, t)?;
                let id = Oid::hash_object(ObjectType::Blob, &merged.content)
                    .map_err(read_err("a merged file of the re-merge"))?;
                if merged.conflicted {
                    remerge.sides.insert(path.to_vec(), [o.1, t.1]);
                }
                remerge.decided.insert(path.to_vec(), Some((o.0, id)));
                remerge.blobs.insert(id, Rc::from(merged.content));
            }
            // Modified on one side, deleted on the other: the modified side stands.
            (_, None, Some(t)) => {
                remerge.decided.insert(path.to_vec(), Some(t));
            }
            // Modes, links and submodules that conflict: the first parent's stands.
            _ => {}
        }
    }
    Ok((remerge, paths(&theirs_changed)))
}

fn is_text_blob(mode: u32) -> bool {
    matches!(mode, 0o100644 | 0o100664 | 0o100755)
}

struct Merged {
    content: Vec<u8>,
    conflicted: bool,
}

/// The three-way merge of one file's contents; where the sides conflict, both versions.
fn merge_contents(
    repo: &Repository,
    path: &[u8],
    ancestor: Option<(u32, Oid)>,
    ours: (u32, Oid),
    theirs: (u32, Oid),
) -> Result<Merged, GitError> {
    let Some(ancestor) = ancestor else {
        return Ok(Merged {
            content: both_sides(repo, ours.1, theirs.1)?,
            conflicted: true,
        });
    };
    let what = || format!("the merge of {}", String::from_utf8_lossy(path));
    // Each version is read once, through the pack reader, for both merges below.
    let read =
        |(_, id): (u32, Oid)| crate::merge_file::blob_content(repo, id).map_err(read_err(what()));
    let contents = [read(ancestor)?, read(ours)?, read(theirs)?];
    let modes = [ancestor.0, ours.0, theirs.0];
    let merged = crate::merge_file::merge_contents(path, modes, &contents, false)
        .map_err(read_err(what()))?;
    if merged.clean {
        return Ok(Merged {
            conflicted: false,
            content: merged.content,
        });
    }
    // Where both sides changed a region, the re-merge holds both versions, one after the other
    // and without markers: what a resolution keeps of either side is then no change of its own,
    // and two Progress entries added on two sides stay two entries.
    let merged = crate::merge_file::merge_contents(path, modes, &contents, true)
        .map_err(read_err(what()))?;
    Ok(Merged {
        conflicted: true,
        content: merged.content,
    })
}

/// Both sides of an add/add conflict, one after the other.
fn both_sides(repo: &Repository, ours: Oid, theirs: Oid) -> Result<Vec<u8>, GitError> {
    let read =
        |id: Oid| crate::merge_file::blob_content(repo, id).map_err(read_err(format!("blob {id}")));
    let mut content = read(ours)?;
    if !content.is_empty() && !content.ends_with(b"\n") {
        content.push(b'\n');
    }
    content.extend(read(theirs)?);
    Ok(content)
}

/// The re-merge through libgit2's tree merge, which detects renames.
fn remerge_with_renames<'r>(
    repo: &'r Repository,
    base: Option<&Tree<'r>>,
    ours: &Tree<'r>,
    theirs: &Tree<'r>,
    criss_cross: Option<[&Commit<'r>; 2]>,
    folders: Rc<Folders<'r>>,
) -> Result<Remerge<'r>, GitError> {
    let empty;
    let base = match base {
        Some(tree) => tree,
        None => {
            let id = Oid::from_str(EMPTY_TREE).map_err(read_err("the empty tree"))?;
            empty = repo.find_tree(id).map_err(read_err("the empty tree"))?;
            &empty
        }
    };
    let mut options = MergeOptions::new();
    // Not `skip_reuc`: in git2 0.20 it sets the fail-on-conflict flag instead.
    options.fail_on_conflict(false);
    let virtual_base = match criss_cross {
        Some([one, two]) => crate::virtual_base::virtual_base(repo, one.id(), two.id())
            .map_err(read_err("the merge of the merge bases"))?,
        None => None,
    };
    let index = match (criss_cross, virtual_base) {
        (Some(_), Some(merged_bases)) => {
            repo.merge_trees(&merged_bases, ours, theirs, Some(&options))
        }
        // libgit2 merges the merge bases into a virtual one first, as git's recursive and ort
        // strategies do.
        (Some([one, two]), None) => repo.merge_commits(one, two, Some(&options)),
        (None, _) => repo.merge_trees(base, ours, theirs, Some(&options)),
    }
    .map_err(read_err("the re-merge of the merge's parents"))?;
    let mut remerge = Remerge {
        rest: Rest::Index(git2::Index::new().map_err(read_err("an in-memory index"))?),
        decided: HashMap::new(),
        sides: HashMap::new(),
        blobs: HashMap::new(),
        folders,
    };
    if index.has_conflicts() {
        let found = index
            .conflicts()
            .map_err(read_err("the re-merge's conflicts"))?;
        for conflict in found {
            let conflict = conflict.map_err(read_err("the re-merge's conflicts"))?;
            let side = |entry: &Option<git2::IndexEntry>| entry.as_ref().map(|e| (e.mode, e.id));
            let (ancestor, our, their) = (
                side(&conflict.ancestor),
                side(&conflict.our),
                side(&conflict.their),
            );
            let path = match (&conflict.our, &conflict.their) {
                (Some(entry), _) | (None, Some(entry)) => entry.path.clone(),
                _ => continue,
            };
            match (our, their) {
                (Some(o), Some(t)) => {
                    let merged = merge_contents(repo, &path, ancestor, o, t)?;
                    let id = Oid::hash_object(ObjectType::Blob, &merged.content)
                        .map_err(read_err("a conflicted file of the re-merge"))?;
                    remerge.sides.insert(path.clone(), [o.1, t.1]);
                    remerge.decided.insert(path, Some((o.0, id)));
                    remerge.blobs.insert(id, Rc::from(merged.content));
                }
                // Modified on one side, deleted on the other: the modified side stands.
                (Some(present), None) | (None, Some(present)) => {
                    remerge.decided.insert(path, Some(present));
                }
                (None, None) => {}
            }
        }
    }
    remerge.rest = Rest::Index(index);
    Ok(remerge)
}

#[cfg(test)]
#[path = "remerge_tests.rs"]
mod tests;
