//! Merges: which parents count, the merge base each shares with the first, and what a merge adds
//! of its own beyond a clean re-merge of its parents (the idea of git's `--remerge-diff`).
//!
//! Nothing is written: the re-merge lives in an in-memory index, and a conflicted path's content
//! (with git's conflict markers) is kept beside it under the id its blob would have.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use execguard_core::FileChange;
use git2::{Commit, MergeOptions, ObjectType, Oid, Repository, Tree};

use crate::staged::{to_file_changes, Raw, Side};
use crate::{as_path, read_err, tree_diff, GitError, GitTrees, Snapshot};

/// git's id of the empty tree, which libgit2 knows without reading it.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// A merge's parts: what it adds of its own, and its change against each parent.
pub struct MergeParts<'r> {
    /// The result against the re-merge of the parents; `is_merge` is false, so every content rule
    /// judges it as an ordinary change.
    pub own_files: Vec<FileChange>,
    /// `Side::Base` is the re-merge, `Side::New` the merge's result.
    pub own_trees: GitTrees<'r>,
    /// One per parent that contributes, in order, the first parent first.
    pub parents: Vec<ParentSide<'r>>,
}

/// A merge seen from one of its parents: the path rules judge the merge against every parent,
/// so that the order of the parents cannot hide a change.
pub struct ParentSide<'r> {
    pub id: Oid,
    /// The merge's change against this parent.
    pub files: Vec<FileChange>,
    /// `Side::Base` is this parent's tree, `Side::New` the merge's result.
    pub trees: GitTrees<'r>,
    /// Every other parent that shares history with this one.
    pub others: Vec<OtherParentTrees<'r>>,
}

/// Another parent, beside the merge base it shares with the parent a [`ParentSide`] is about.
pub struct OtherParentTrees<'r> {
    pub id: Oid,
    /// `Side::Base` is the merge base's tree, `Side::New` this parent's tree.
    pub trees: GitTrees<'r>,
    /// The merge base's tree, whose `.execguard.toml` says what was protected there.
    pub merge_base_tree: Tree<'r>,
    pub merge_base: Oid,
}

/// The re-merge of a merge's parents, as the base side of its own change.
pub struct Remerge {
    index: git2::Index,
    /// Conflicted paths: the mode and id of the content with conflict markers.
    conflicts: HashMap<Vec<u8>, (u32, Oid)>,
    /// For paths both sides changed: the two sides' blobs, whose lines a resolution may keep.
    sides: HashMap<Vec<u8>, [Oid; 2]>,
    /// That content, by id.
    blobs: HashMap<Oid, Rc<[u8]>>,
}

impl Remerge {
    pub(crate) fn get(&self, path: &[u8]) -> Option<(u32, Oid)> {
        if let Some(found) = self.conflicts.get(path) {
            return Some(*found);
        }
        self.index
            .get_path(&as_path(&execguard_core::RepoPath::new(path)), 0)
            .map(|entry| (entry.mode, entry.id))
    }

    pub(crate) fn blob(&self, id: Oid) -> Option<Rc<[u8]>> {
        self.blobs.get(&id).cloned()
    }

    /// Every entry below `dir` (all entries for the root): `(path, mode, id)`.
    pub(crate) fn below(&self, dir: &[u8]) -> Vec<(Vec<u8>, u32, Oid)> {
        let mut prefix = dir.to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let mut found: BTreeSet<Vec<u8>> = BTreeSet::new();
        let mut out = Vec::new();
        for entry in self.index.iter() {
            if entry.path.starts_with(&prefix) && found.insert(entry.path.clone()) {
                if let Some((mode, id)) = self.get(&entry.path) {
                    out.push((entry.path, mode, id));
                }
            }
        }
        out
    }
}

/// The parents that contribute something: a parent that is an ancestor of (or the same as)
/// another contributes nothing, so `git commit-tree -p HEAD -p HEAD~1` is an ordinary commit on
/// HEAD. Order is kept.
pub(crate) fn effective_parents<'r>(
    repo: &'r Repository,
    parents: Vec<Commit<'r>>,
) -> Result<Vec<Commit<'r>>, GitError> {
    if parents.len() < 2 {
        return Ok(parents);
    }
    let ids: Vec<Oid> = parents.iter().map(Commit::id).collect();
    let mut keep = vec![true; ids.len()];
    for (i, &id) in ids.iter().enumerate() {
        for (j, &other) in ids.iter().enumerate() {
            if i == j || !keep[j] {
                continue;
            }
            let contained = if other == id {
                j < i
            } else {
                repo.graph_descendant_of(other, id)
                    .map_err(read_err(format!("the history between {other} and {id}")))?
            };
            if contained {
                keep[i] = false;
                break;
            }
        }
    }
    Ok(parents
        .into_iter()
        .zip(keep)
        .filter_map(|(parent, kept)| kept.then_some(parent))
        .collect())
}

/// The merge base of two commits, `None` for unrelated histories.
fn merge_base(repo: &Repository, one: Oid, two: Oid) -> Result<Option<Oid>, GitError> {
    match repo.merge_base(one, two) {
        Ok(base) => Ok(Some(base)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(read_err(format!("the merge base of {one} and {two}"))(e)),
    }
}

/// Builds the parts of a merge whose parents are `parents` (at least two, each contributing)
/// and whose result is `new` (a commit's tree, or the staged index); `files` is its change
/// against the first parent.
pub(crate) fn merge_parts<'r>(
    repo: &'r Repository,
    parents: &[Commit<'r>],
    new: &Snapshot<'r>,
    files: &[FileChange],
) -> Result<MergeParts<'r>, GitError> {
    let trees = parents
        .iter()
        .map(|p| {
            p.tree()
                .map_err(read_err(format!("the tree of {}", p.id())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Merge bases of every pair, with their trees.
    let mut bases: HashMap<(usize, usize), (Oid, Tree<'r>)> = HashMap::new();
    for i in 0..parents.len() {
        for j in i + 1..parents.len() {
            if let Some(id) = merge_base(repo, parents[i].id(), parents[j].id())? {
                let tree = repo
                    .find_commit(id)
                    .and_then(|c| c.tree())
                    .map_err(read_err(format!("the tree of the merge base {id}")))?;
                bases.insert((i, j), (id, tree.clone()));
                bases.insert((j, i), (id, tree));
            }
        }
    }
    let mut sides = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        let against = if i == 0 {
            files.to_vec()
        } else {
            files_against(repo, &trees[i], new)?
        };
        let others = (0..parents.len())
            .filter(|&j| j != i)
            .filter_map(|j| {
                let (base, base_tree) = bases.get(&(i, j))?;
                Some(OtherParentTrees {
                    id: parents[j].id(),
                    trees: GitTrees {
                        repo,
                        base: Snapshot::Tree(base_tree.clone()),
                        new: Snapshot::Tree(trees[j].clone()),
                        cache: None,
                    },
                    merge_base_tree: base_tree.clone(),
                    merge_base: *base,
                })
            })
            .collect();
        sides.push(ParentSide {
            id: parent.id(),
            files: against,
            trees: GitTrees {
                repo,
                base: Snapshot::Tree(trees[i].clone()),
                new: share(new),
                cache: None,
            },
            others,
        });
    }

    let (own_files, own_base) = match &trees[..] {
        [first_tree, theirs] => {
            let base = bases.get(&(0, 1)).map(|(_, tree)| tree);
            let remerge = remerge(repo, base, first_tree, theirs)?;
            // Only where the first parent, the re-merge or the result differ can the result
            // differ from the re-merge; the re-merge differs from the first parent only where the
            // other parent does.
            let mut candidates: BTreeSet<Vec<u8>> =
                files.iter().map(|f| f.path.as_bytes().to_vec()).collect();
            for file in tree_diff::tree_files(repo, Some(first_tree), theirs)? {
                candidates.insert(file.path.as_bytes().to_vec());
            }
            let mut raw: Raw = Vec::new();
            for path in candidates {
                let before = remerge.get(&path);
                let after = lookup(new, &path)?;
                if before != after && !keeps_only_either_side(repo, &remerge, &path, after)? {
                    let side =
                        |found: Option<(u32, Oid)>| found.map(|(mode, id)| Side { mode, id });
                    raw.push((path, side(before), side(after)));
                }
            }
            (
                to_file_changes(repo, raw)?,
                Snapshot::Remerge(Box::new(remerge)),
            )
        }
        _ => {
            // An octopus merge cannot be re-merged without writing trees; what differs from
            // every parent is its own.
            let own = files
                .iter()
                .filter(|file| differs_from_every_tree(file, &trees[1..]))
                .cloned()
                .collect();
            (own, Snapshot::Tree(trees[0].clone()))
        }
    };
    Ok(MergeParts {
        own_files,
        own_trees: GitTrees {
            repo,
            base: own_base,
            new: share(new),
            cache: None,
        },
        parents: sides,
    })
}

/// The same snapshot again, sharing what it holds.
fn share<'r>(snapshot: &Snapshot<'r>) -> Snapshot<'r> {
    match snapshot {
        Snapshot::Empty | Snapshot::Remerge(_) => Snapshot::Empty,
        Snapshot::Tree(tree) => Snapshot::Tree(tree.clone()),
        Snapshot::Staged(index) => Snapshot::Staged(index.clone()),
    }
}

/// The change from `base` to `new`.
fn files_against(
    repo: &Repository,
    base: &Tree<'_>,
    new: &Snapshot<'_>,
) -> Result<Vec<FileChange>, GitError> {
    match new {
        Snapshot::Tree(tree) => tree_diff::tree_files(repo, Some(base), tree),
        Snapshot::Staged(index) => crate::staged::staged_files(repo, Some(base), index),
        Snapshot::Empty | Snapshot::Remerge(_) => Ok(Vec::new()),
    }
}

/// Whether the result at a conflicted path is made only of lines of the two sides: choosing
/// between them, or keeping both, adds nothing of the merge's own.
fn keeps_only_either_side(
    repo: &Repository,
    remerge: &Remerge,
    path: &[u8],
    result: Option<(u32, Oid)>,
) -> Result<bool, GitError> {
    let (Some([ours, theirs]), Some((_, result))) = (remerge.sides.get(path), result) else {
        return Ok(false);
    };
    let read = |id: &Oid| {
        repo.find_blob(*id)
            .map(|blob| blob.content().to_vec())
            .map_err(read_err(format!("blob {id}")))
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

/// What `snapshot` holds at `path`: mode and id, or `None` for nothing or a directory.
fn lookup(snapshot: &Snapshot<'_>, path: &[u8]) -> Result<Option<(u32, Oid)>, GitError> {
    Ok(match snapshot {
        Snapshot::Empty => None,
        Snapshot::Tree(tree) => match tree.get_path(&as_path(&execguard_core::RepoPath::new(path)))
        {
            Ok(entry) if entry.kind() != Some(ObjectType::Tree) => {
                Some((entry.filemode() as u32, entry.id()))
            }
            Ok(_) => None,
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => {
                return Err(read_err(String::from_utf8_lossy(path).into_owned())(e));
            }
        },
        Snapshot::Staged(index) => index.get(path),
        Snapshot::Remerge(remerge) => remerge.get(path),
    })
}

pub(crate) fn differs_from_every_tree(file: &FileChange, others: &[Tree<'_>]) -> bool {
    others.iter().all(|tree| {
        let theirs = tree.get_path(&as_path(&file.path)).ok();
        match (&file.new, theirs) {
            (None, None) => false,
            (Some(ours), Some(theirs)) => {
                ours.id != theirs.id().to_string()
                    || crate::kind_of(theirs.filemode() as u32) != Some(ours.kind)
            }
            _ => true,
        }
    })
}

/// Merges `ours` and `theirs` over `base` (the empty tree for unrelated histories) in memory.
fn remerge(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    ours: &Tree<'_>,
    theirs: &Tree<'_>,
) -> Result<Remerge, GitError> {
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
    let index = repo
        .merge_trees(base, ours, theirs, Some(&options))
        .map_err(read_err("the re-merge of the merge's parents"))?;
    let mut conflicts = HashMap::new();
    let mut blobs = HashMap::new();
    let mut sides = HashMap::new();
    if index.has_conflicts() {
        let found = index
            .conflicts()
            .map_err(read_err("the re-merge's conflicts"))?;
        for conflict in found {
            let conflict = conflict.map_err(read_err("the re-merge's conflicts"))?;
            let (our, their) = (conflict.our, conflict.their);
            let (path, mode, content) = match (&conflict.ancestor, &our, &their) {
                (Some(ancestor), Some(o), Some(t)) => {
                    let merged = repo
                        .merge_file_from_index(ancestor, o, t, None)
                        .map_err(read_err("a conflicted file of the re-merge"))?;
                    (o.path.clone(), o.mode, merged.content().to_vec())
                }
                (None, Some(o), Some(t)) => {
                    let read = |id: Oid| {
                        repo.find_blob(id)
                            .map(|b| b.content().to_vec())
                            .map_err(read_err(format!("blob {id}")))
                    };
                    let mut content = b"<<<<<<< ours\n".to_vec();
                    content.extend(read(o.id)?);
                    content.extend_from_slice(b"=======\n");
                    content.extend(read(t.id)?);
                    content.extend_from_slice(b">>>>>>> theirs\n");
                    (o.path.clone(), o.mode, content)
                }
                // Modified on one side, deleted on the other: the modified side stands.
                (_, Some(side), None) | (_, None, Some(side)) => {
                    conflicts.insert(side.path.clone(), (side.mode, side.id));
                    continue;
                }
                _ => continue,
            };
            let id = Oid::hash_object(ObjectType::Blob, &content)
                .map_err(read_err("a conflicted file of the re-merge"))?;
            if let (Some(o), Some(t)) = (&our, &their) {
                sides.insert(path.clone(), [o.id, t.id]);
            }
            conflicts.insert(path, (mode, id));
            blobs.insert(id, Rc::from(content));
        }
    }
    Ok(Remerge {
        index,
        conflicts,
        sides,
        blobs,
    })
}
