//! Commit against parent: a tree-to-tree comparison that skips every subtree whose id is
//! unchanged, as git's own does, without libgit2's general diff machinery (a third of a range
//! check's time went there).
//!
//! Every tree of the new side the comparison reads is checked as git's fsck checks it
//! ([`crate::tree_check`]) on the way: a crafted tree (a name listed twice, a `.git` entry) makes
//! the comparison fail. Subtrees whose id is unchanged were checked when they arrived and are
//! not read again.

use std::cmp::Ordering;

use execguard_core::FileChange;
use git2::{Oid, Repository, Tree};

use crate::error::read_err;
use crate::folders::Folders;
use crate::staged::{all_files, is_tree, to_file_changes, to_unsized_file_changes, Raw, Side};
use crate::tree_check::{check_tree, find_new_tree, new_tree_error};
use crate::GitError;

/// The files that differ between `old` (none: the empty tree) and `new`. Fails with
/// [`GitError::MalformedTree`] when a tree of `new` that differs from `old` is one git's fsck
/// rejects. The subtrees are read through `folders` when given: a merge's trees are compared
/// more than once.
pub(crate) fn tree_files<'r>(
    repo: &'r Repository,
    folders: Option<&Folders<'r>>,
    old: Option<&Tree<'r>>,
    new: &Tree<'r>,
) -> Result<Vec<FileChange>, GitError> {
    let mut raw = Raw::new();
    let trees = Reader { repo, folders };
    compare(&trees, b"", old, Some(new), &mut raw)?;
    to_file_changes(repo, raw, &|_| None)
}

/// As [`tree_files`], without the sizes of the new side's blobs.
pub(crate) fn tree_changes<'r>(
    repo: &'r Repository,
    folders: Option<&Folders<'r>>,
    old: Option<&Tree<'r>>,
    new: &Tree<'r>,
) -> Result<Vec<FileChange>, GitError> {
    let mut raw = Raw::new();
    let trees = Reader { repo, folders };
    compare(&trees, b"", old, Some(new), &mut raw)?;
    Ok(to_unsized_file_changes(raw))
}

/// Where a comparison reads its subtrees: libgit2, or a merge's folders.
struct Reader<'a, 'r> {
    repo: &'r Repository,
    folders: Option<&'a Folders<'r>>,
}

impl<'r> Reader<'_, 'r> {
    fn old_tree(&self, id: Oid) -> Result<Tree<'r>, GitError> {
        match self.folders {
            Some(folders) => folders.tree(id),
            None => self.repo.find_tree(id),
        }
        .map_err(read_err(format!("tree {id}")))
    }

    fn new_tree(&self, path: &[u8], id: Oid) -> Result<Tree<'r>, GitError> {
        match self.folders {
            Some(folders) => folders
                .tree(id)
                .map_err(|error| new_tree_error(path, id, error)),
            None => find_new_tree(self.repo, path, id),
        }
    }
}

fn compare<'r>(
    trees: &Reader<'_, 'r>,
    prefix: &[u8],
    old: Option<&Tree<'r>>,
    new: Option<&Tree<'r>>,
    out: &mut Raw,
) -> Result<(), GitError> {
    let repo = trees.repo;
    if let (Some(old), Some(new)) = (old, new) {
        if old.id() == new.id() {
            return Ok(());
        }
    }
    if let Some(new) = new {
        check_tree(new, prefix)?;
    }
    let side_of = |entry: &git2::TreeEntry<'_>| Side {
        mode: entry.filemode() as u32,
        id: entry.id(),
    };
    let old_len = old.map_or(0, Tree::len);
    let new_len = new.map_or(0, Tree::len);
    let (mut i, mut j) = (0, 0);
    while i < old_len || j < new_len {
        let before = old.and_then(|t| t.get(i)).filter(|_| i < old_len);
        let after = new.and_then(|t| t.get(j)).filter(|_| j < new_len);
        let order = match (&before, &after) {
            (Some(a), Some(b)) => tree_order(
                a.name_bytes(),
                is_tree(a.filemode() as u32),
                b.name_bytes(),
                is_tree(b.filemode() as u32),
            ),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match (order, before, after) {
            (Ordering::Less, Some(gone), _) => {
                gone_or_new(repo, prefix, gone.name_bytes(), side_of(&gone), true, out)?;
                i += 1;
            }
            (Ordering::Equal, Some(before), Some(after)) => {
                let (a, b) = (side_of(&before), side_of(&after));
                if a.id != b.id || a.mode != b.mode {
                    let path = join(prefix, before.name_bytes());
                    if is_tree(a.mode) {
                        let a_tree = trees.old_tree(a.id)?;
                        let b_tree = trees.new_tree(&path, b.id)?;
                        compare(trees, &path, Some(&a_tree), Some(&b_tree), out)?;
                    } else {
                        out.push((path, Some(a), Some(b)));
                    }
                }
                i += 1;
                j += 1;
            }
            (_, _, Some(added)) => {
                gone_or_new(
                    repo,
                    prefix,
                    added.name_bytes(),
                    side_of(&added),
                    false,
                    out,
                )?;
                j += 1;
            }
            // Unreachable: an order is only computed while one side has an entry.
            (_, _, None) => i += 1,
        }
    }
    Ok(())
}

fn gone_or_new(
    repo: &Repository,
    prefix: &[u8],
    name: &[u8],
    side: Side,
    gone: bool,
    out: &mut Raw,
) -> Result<(), GitError> {
    let path = join(prefix, name);
    if is_tree(side.mode) && gone {
        all_files(repo, &path, side.id, gone, out)
    } else if is_tree(side.mode) {
        added_files(repo, &path, side.id, out)
    } else {
        out.push(if gone {
            (path, Some(side), None)
        } else {
            (path, None, Some(side))
        });
        Ok(())
    }
}

/// Records every file below the new directory `path` (tree `id`) as added, checking each tree.
/// Iterative: a crafted history may nest directories deeper than a thread's stack.
fn added_files(repo: &Repository, path: &[u8], id: Oid, out: &mut Raw) -> Result<(), GitError> {
    let mut pending = vec![(path.to_vec(), id)];
    while let Some((dir, id)) = pending.pop() {
        let tree = find_new_tree(repo, &dir, id)?;
        check_tree(&tree, &dir)?;
        for entry in tree.iter() {
            let side = Side {
                mode: entry.filemode() as u32,
                id: entry.id(),
            };
            let full = join(&dir, entry.name_bytes());
            if is_tree(side.mode) {
                pending.push((full, side.id));
            } else {
                out.push((full, None, Some(side)));
            }
        }
    }
    Ok(())
}

fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = Vec::with_capacity(prefix.len() + name.len() + 1);
    path.extend_from_slice(prefix);
    if !prefix.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    path
}

/// git's order of tree entries: by name, a directory's name compared as if it ended in `/`.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let common = a.len().min(b.len());
    match a[..common].cmp(&b[..common]) {
        Ordering::Equal => {}
        other => return other,
    }
    let next = |name: &[u8], tree: bool| -> Option<u8> {
        name.get(common)
            .copied()
            .or(if tree { Some(b'/') } else { None })
    };
    match (next(a, a_tree), next(b, b_tree)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}
