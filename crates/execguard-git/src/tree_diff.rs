//! Commit against parent: a tree-to-tree comparison that skips every subtree whose id is
//! unchanged, as git's own does, without libgit2's general diff machinery (a third of a range
//! check's time went there).

use std::cmp::Ordering;

use execguard_core::FileChange;
use git2::{Repository, Tree};

use crate::staged::{all_files, is_tree, to_file_changes, Raw, Side};
use crate::{read_err, GitError};

/// The files that differ between `old` (none: the empty tree) and `new`.
pub fn tree_files(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
) -> Result<Vec<FileChange>, GitError> {
    let mut raw = Raw::new();
    compare(repo, b"", old, Some(new), &mut raw)?;
    to_file_changes(repo, raw)
}

fn compare(
    repo: &Repository,
    prefix: &[u8],
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    out: &mut Raw,
) -> Result<(), GitError> {
    if let (Some(old), Some(new)) = (old, new) {
        if old.id() == new.id() {
            return Ok(());
        }
    }
    let entries = |tree: Option<&Tree<'_>>| -> Vec<(Vec<u8>, Side)> {
        tree.map(|t| {
            t.iter()
                .map(|e| {
                    (
                        e.name_bytes().to_vec(),
                        Side {
                            mode: e.filemode() as u32,
                            id: e.id(),
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let old_entries = entries(old);
    let new_entries = entries(new);
    let (mut i, mut j) = (0, 0);
    while i < old_entries.len() || j < new_entries.len() {
        let order = match (old_entries.get(i), new_entries.get(j)) {
            (Some((a, sa)), Some((b, sb))) => tree_order(a, is_tree(sa.mode), b, is_tree(sb.mode)),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                let (name, side) = &old_entries[i];
                gone_or_new(repo, prefix, name, *side, true, out)?;
                i += 1;
            }
            Ordering::Greater => {
                let (name, side) = &new_entries[j];
                gone_or_new(repo, prefix, name, *side, false, out)?;
                j += 1;
            }
            Ordering::Equal => {
                let (name, before) = &old_entries[i];
                let after = new_entries[j].1;
                if before.id != after.id || before.mode != after.mode {
                    let path = join(prefix, name);
                    if is_tree(before.mode) {
                        let a = repo
                            .find_tree(before.id)
                            .map_err(read_err(format!("tree {}", before.id)))?;
                        let b = repo
                            .find_tree(after.id)
                            .map_err(read_err(format!("tree {}", after.id)))?;
                        compare(repo, &path, Some(&a), Some(&b), out)?;
                    } else {
                        out.push((path, Some(*before), Some(after)));
                    }
                }
                i += 1;
                j += 1;
            }
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
    if is_tree(side.mode) {
        all_files(repo, &path, side.id, gone, out)
    } else {
        out.push(if gone {
            (path, Some(side), None)
        } else {
            (path, None, Some(side))
        });
        Ok(())
    }
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
