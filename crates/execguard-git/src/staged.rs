//! The staged tree, read straight from the index file.
//!
//! libgit2 verifies the whole index file's checksum and validates every path each time it loads
//! an index, which on a 100,000-file repository costs several times what `git diff --cached`
//! spends altogether. git itself does neither on read, and skips every directory whose cached
//! tree id (the index's cache-tree) still matches the base tree. This module does the same: the
//! index is decoded once without the checksum, and only directories the cache-tree marks as
//! changed are compared entry by entry.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use bstr::ByteSlice;
use execguard_core::{Entry, FileChange, RepoPath};
use git2::{ObjectType, Oid, Repository, Tree};
use gix_index::extension::Tree as CacheTree;

use crate::error::read_err;
use crate::objects::{blob_size_if_present, kind_of};
use crate::GitError;

/// The index, decoded.
pub struct StagedIndex {
    file: gix_index::File,
}

impl StagedIndex {
    /// Reads the index at `path`; a missing file is an empty index (nothing staged yet).
    pub fn open(path: &Path) -> Result<Self, GitError> {
        let kind = gix_index::hash::Kind::Sha1;
        let file = if path.exists() {
            gix_index::File::at(path, kind, true, Default::default()).map_err(|e| {
                GitError::Index {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }
            })?
        } else {
            gix_index::File::from_state(gix_index::State::new(kind), path)
        };
        if file.is_sparse() {
            return Err(GitError::SparseIndex);
        }
        if let Some(conflicted) = file.entries().iter().find(|e| e.stage_raw() != 0) {
            return Err(GitError::Unmerged(
                conflicted.path(&file).to_str_lossy().into_owned(),
            ));
        }
        Ok(Self { file })
    }

    fn path_of(&self, entry: &gix_index::Entry) -> &[u8] {
        entry.path(&self.file).as_bytes()
    }

    fn is_staged(entry: &gix_index::Entry) -> bool {
        !entry.flags.contains(gix_index::entry::Flags::INTENT_TO_ADD)
    }

    /// The staged entry at `path`: its git mode and id. Intent-to-add entries are not staged.
    pub(crate) fn get(&self, path: &[u8]) -> Option<(u32, Oid)> {
        let entry = self.file.entry_by_path(path.as_bstr())?;
        Self::is_staged(entry).then(|| (entry.mode.bits(), to_oid(&entry.id)))
    }

    /// Every staged entry below `dir` (recursively), as (path, git mode, id).
    pub(crate) fn below(&self, dir: &[u8]) -> Vec<(Vec<u8>, u32, Oid)> {
        let mut prefix = dir.to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let Some(entries) = self.file.prefixed_entries(prefix.as_bstr()) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|e| Self::is_staged(e))
            .map(|e| (self.path_of(e).to_vec(), e.mode.bits(), to_oid(&e.id)))
            .collect()
    }
}

fn to_oid(id: &gix_index::hash::ObjectId) -> Oid {
    // Both are SHA-1 here: SHA-256 repositories are refused when opened.
    Oid::from_bytes(id.as_bytes()).unwrap_or_else(|_| Oid::zero())
}

/// One side of a path in the comparison.
#[derive(Clone, Copy)]
pub(crate) struct Side {
    pub(crate) mode: u32,
    pub(crate) id: Oid,
}

/// The staged changes against `base`: every path whose entry differs, directories that the
/// cache-tree shows unchanged skipped whole.
pub(crate) fn staged_files(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    index: &StagedIndex,
) -> Result<Vec<FileChange>, GitError> {
    let mut raw: Raw = Vec::new();
    let entries = index.file.entries();
    let walk = Walk { repo, index };
    walk.level(
        b"",
        base.map(Tree::id),
        0..entries.len(),
        index.file.tree(),
        &mut raw,
    )?;
    // The index records each file's size as it was staged: the size of its blob, unless a
    // clean filter changed it; used only for a blob the object store lacks.
    let recorded = |path: &[u8]| -> Option<u64> {
        let entry = index.file.entry_by_path(path.as_bstr())?;
        Some(u64::from(entry.stat.size))
    };
    to_file_changes(repo, raw, &recorded)
}

/// Turns compared entries into the core's file changes, with blob sizes, sorted by path. A new
/// blob the object store lacks (a partial clone) is sized by `recorded`, the size the index
/// records for its path, where there is one; else it has no size, and a rule that needs its
/// content cannot judge it.
/// As [`to_file_changes`] without reading any size: for the re-merge, whose rename detection
/// reads the sizes of the few blobs it scores.
pub(crate) fn to_unsized_file_changes(raw: Raw) -> Vec<FileChange> {
    let entry = |side: Option<Side>| {
        let side = side?;
        Some(Entry {
            kind: kind_of(side.mode)?,
            id: side.id.to_string(),
            size: None,
        })
    };
    let mut files: Vec<FileChange> = raw
        .into_iter()
        .map(|(path, old, new)| FileChange {
            path: RepoPath::new(path),
            renamed_from: None,
            old: entry(old),
            new: entry(new),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

pub(crate) fn to_file_changes(
    repo: &Repository,
    raw: Raw,
    recorded: &dyn Fn(&[u8]) -> Option<u64>,
) -> Result<Vec<FileChange>, GitError> {
    let mut files = Vec::with_capacity(raw.len());
    for (path, old, new) in raw {
        let entry = |side: Option<Side>, sized: bool| -> Result<Option<Entry>, GitError> {
            let Some(side) = side else { return Ok(None) };
            let Some(kind) = kind_of(side.mode) else {
                return Ok(None);
            };
            let size = if kind.is_blob() && sized {
                match blob_size_if_present(repo, side.id)? {
                    Some(size) => Some(size),
                    None => recorded(&path),
                }
            } else {
                None
            };
            Ok(Some(Entry {
                kind,
                id: side.id.to_string(),
                size,
            }))
        };
        let (old, new) = (entry(old, false)?, entry(new, true)?);
        files.push(FileChange {
            path: RepoPath::new(path),
            renamed_from: None,
            old,
            new,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

struct Walk<'a, 'r> {
    repo: &'r Repository,
    index: &'a StagedIndex,
}

pub(crate) type Raw = Vec<(Vec<u8>, Option<Side>, Option<Side>)>;

impl Walk<'_, '_> {
    /// Compares the index entries in `range` (all below `prefix`) with `tree`.
    fn level(
        &self,
        prefix: &[u8],
        tree: Option<Oid>,
        range: Range<usize>,
        cache: Option<&CacheTree>,
        out: &mut Raw,
    ) -> Result<(), GitError> {
        // A directory whose cached tree id is the base's is unchanged: decided before the base
        // tree is even read, as most directories of a wide repository are.
        if let (Some(tree), Some(cache)) = (tree, cache) {
            if cache.num_entries.is_some() && cache.id.as_bytes() == tree.as_bytes() {
                return Ok(());
            }
        }
        let tree = tree
            .map(|id| {
                self.repo
                    .find_tree(id)
                    .map_err(read_err(format!("tree {id}")))
            })
            .transpose()?;
        // The cached subtrees by name, for directories with many subdirectories.
        let children: HashMap<&[u8], &CacheTree> = cache
            .filter(|c| c.children.len() > 8)
            .map(|c| {
                c.children
                    .iter()
                    .map(|child| (child.name.as_slice(), child))
                    .collect()
            })
            .unwrap_or_default();
        // The base tree's entries, in tree order, which is the index's order too (a directory
        // sorts as its name and a slash): one pass over both, no lookups.
        let base_len = tree.as_ref().map_or(0, Tree::len);
        let mut next_base = 0;
        let entries = self.index.file.entries();
        let mut at = range.start;
        while at < range.end {
            let entry = &entries[at];
            let path = self.index.path_of(entry);
            let rest = &path[prefix.len()..];
            let slash = rest.iter().position(|&b| b == b'/');
            let name = &rest[..slash.unwrap_or(rest.len())];
            // Base entries sorting before this one are gone from the index.
            let mut old = None;
            while let Some(item) = tree
                .as_ref()
                .filter(|_| next_base < base_len)
                .and_then(|t| t.get(next_base))
            {
                let item_is_tree = is_tree(item.filemode() as u32);
                match tree_order(item.name_bytes(), item_is_tree, name, slash.is_some()) {
                    std::cmp::Ordering::Less => {
                        let mut gone = prefix.to_vec();
                        gone.extend_from_slice(item.name_bytes());
                        self.deleted(gone, item.filemode() as u32, item.id(), out)?;
                        next_base += 1;
                    }
                    std::cmp::Ordering::Equal => {
                        old = Some(Side {
                            mode: item.filemode() as u32,
                            id: item.id(),
                        });
                        next_base += 1;
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            match slash {
                None => {
                    at += 1;
                    if !StagedIndex::is_staged(entry) {
                        if let Some(old) = old {
                            out.push((path.to_vec(), Some(old), None));
                        }
                        continue;
                    }
                    let new = Side {
                        mode: entry.mode.bits(),
                        id: to_oid(&entry.id),
                    };
                    match old {
                        Some(old) if old.id != new.id || old.mode != new.mode => {
                            out.push((path.to_vec(), Some(old), Some(new)));
                        }
                        Some(_) => {}
                        None => out.push((path.to_vec(), None, Some(new))),
                    }
                }
                Some(slash) => {
                    let group = &path[..prefix.len() + slash + 1];
                    let end = at
                        + entries[at..range.end]
                            .partition_point(|e| self.index.path_of(e).starts_with(group));
                    let child = if children.is_empty() {
                        cache.and_then(|c| c.children.iter().find(|t| t.name.as_slice() == name))
                    } else {
                        children.get(name).copied()
                    };
                    let group = group.to_vec();
                    self.level(&group, old.map(|o| o.id), at..end, child, out)?;
                    at = end;
                }
            }
        }
        while let Some(item) = tree
            .as_ref()
            .filter(|_| next_base < base_len)
            .and_then(|t| t.get(next_base))
        {
            let mut gone = prefix.to_vec();
            gone.extend_from_slice(item.name_bytes());
            self.deleted(gone, item.filemode() as u32, item.id(), out)?;
            next_base += 1;
        }
        Ok(())
    }

    /// Records a base entry the index no longer has: a file, or every file of a directory.
    fn deleted(&self, path: Vec<u8>, mode: u32, id: Oid, out: &mut Raw) -> Result<(), GitError> {
        if is_tree(mode) {
            all_files(self.repo, &path, id, true, out)
        } else {
            out.push((path, Some(Side { mode, id }), None));
            Ok(())
        }
    }
}

/// How git orders two names within a tree: byte by byte, a directory's name followed by a slash.
fn tree_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> std::cmp::Ordering {
    let common = a.len().min(b.len());
    a[..common].cmp(&b[..common]).then_with(|| {
        let end = |name: &[u8], dir: bool| match name.get(common) {
            Some(&byte) => byte,
            None if dir => b'/',
            None => 0,
        };
        end(a, a_dir).cmp(&end(b, b_dir))
    })
}

/// Records every file below the directory `path` (tree `id`) as deleted (`deleted`) or added.
pub(crate) fn all_files(
    repo: &Repository,
    path: &[u8],
    id: Oid,
    deleted: bool,
    out: &mut Raw,
) -> Result<(), GitError> {
    let tree = repo.find_tree(id).map_err(read_err(format!("tree {id}")))?;
    let mut found = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        if entry.kind() != Some(ObjectType::Tree) {
            let mut full = path.to_vec();
            full.push(b'/');
            full.extend_from_slice(root.as_bytes());
            full.extend_from_slice(entry.name_bytes());
            let side = Some(Side {
                mode: entry.filemode() as u32,
                id: entry.id(),
            });
            found.push(if deleted {
                (full, side, None)
            } else {
                (full, None, side)
            });
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(read_err(format!("tree {id}")))?;
    out.extend(found);
    Ok(())
}

pub(crate) fn is_tree(mode: u32) -> bool {
    mode == 0o040000
}

#[cfg(test)]
mod tests {
    use super::tree_order;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn tree_order_sorts_a_directory_as_its_name_and_a_slash() {
        assert_eq!(tree_order(b"a", false, b"a-b", false), Less);
        assert_eq!(tree_order(b"a", true, b"a-b", false), Greater);
        assert_eq!(tree_order(b"a", true, b"a0", false), Less);
        assert_eq!(tree_order(b"a", false, b"a", true), Less);
        assert_eq!(tree_order(b"a", true, b"a", true), Equal);
        assert_eq!(tree_order(b"b", false, b"a", true), Greater);
    }
}
