//! Merges: which parents count, the merge base each shares with the first, and a merge's parts:
//! its change against each parent and what it adds of its own beyond a clean re-merge of its
//! parents (the idea of git's `--remerge-diff`; the re-merge itself is in `crate::remerge`).

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use execguard_core::FileChange;
use git2::{Commit, Oid, Repository, Tree};

use crate::error::read_err;
use crate::objects::{as_path, kind_of};
use crate::staged::{to_file_changes, Raw, Side};
use crate::trees::Snapshot;
use crate::{revert, tree_diff, GitError, GitTrees, ObjectId, RepoTree};

use crate::folders::{file_in_tree, Folders};
use crate::remerge::{keeps_only_either_side, remerge};

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
    pub id: ObjectId,
    /// The merge's change against this parent.
    pub files: Vec<FileChange>,
    /// `Side::Base` is this parent's tree, `Side::New` the merge's result.
    pub trees: GitTrees<'r>,
    /// Every other parent that shares history with this one.
    pub others: Vec<OtherParentTrees<'r>>,
}

/// Another parent, beside the merge base it shares with the parent a [`ParentSide`] is about.
pub struct OtherParentTrees<'r> {
    pub id: ObjectId,
    /// `Side::Base` is the merge base's tree, `Side::New` this parent's tree.
    pub trees: GitTrees<'r>,
    /// The merge base's tree, whose `.execguard.toml` says what was protected there.
    pub merge_base_tree: RepoTree<'r>,
    pub merge_base: ObjectId,
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
            // `id` is an ancestor of `other` exactly when it is their merge base; the base is
            // needed again to judge the merge, and is computed once.
            let contained = if other == id {
                j < i
            } else {
                merge_base(repo, other, id)? == Some(id)
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

/// The merge base of two commits, `None` for unrelated histories. A merge asks for the same
/// pairs more than once (which parents contribute, then what each brings), and each answer can
/// walk much of the history: answers are remembered per thread.
fn merge_base(repo: &Repository, one: Oid, two: Oid) -> Result<Option<Oid>, GitError> {
    Ok(merge_bases(repo, one, two)?.map(|(base, _)| base))
}

/// The merge base of two commits (the first, as `git merge-base` prints it) and whether they
/// have several (a criss-cross history), `None` for unrelated histories.
pub(crate) fn merge_bases(repo: &Repository, one: Oid, two: Oid) -> Result<MergeBases, GitError> {
    let key = if one < two { (one, two) } else { (two, one) };
    if let Some(found) = MERGE_BASES.with(|memo| memo.borrow().get(&key).copied()) {
        return Ok(found);
    }
    // One walk answers both: the merge base is the first of all of them.
    let bases = crate::merge_base::all_merge_bases(repo, one, two)
        // A commit the walk could not read (a pruned history): libgit2's own walk says what
        // that means, as it did before.
        .or_else(|_| {
            repo.merge_bases(one, two)
                .map(|bases| bases.iter().copied().collect())
        });
    let found = match bases {
        Ok(bases) => bases.first().map(|base| (*base, bases.len() > 1)),
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(read_err(format!("the merge base of {one} and {two}"))(e)),
    };
    MERGE_BASES.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= 1024 {
            memo.clear();
        }
        memo.insert(key, found);
    });
    Ok(found)
}

/// The first merge base of two commits and whether they have several; `None`: unrelated.
type MergeBases = Option<(Oid, bool)>;

thread_local! {
    static MERGE_BASES: std::cell::RefCell<HashMap<(Oid, Oid), MergeBases>> =
        std::cell::RefCell::new(HashMap::new());
}

/// Builds the parts of a merge whose parents are `parents` (at least two, each contributing)
/// and whose result is `new` (a commit's tree, or the staged index); `files` is its change
/// against the first parent.
pub(crate) fn merge_parts<'r>(
    repo: &'r Repository,
    parents: &[Commit<'r>],
    new: &Snapshot<'r>,
    files: &[FileChange],
    folders: Rc<Folders<'r>>,
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
            files_against(repo, &folders, &trees[i], new)?
        };
        let others = (0..parents.len())
            .filter(|&j| j != i)
            .filter_map(|j| {
                let (base, base_tree) = bases.get(&(i, j))?;
                Some(OtherParentTrees {
                    id: ObjectId::from_git(parents[j].id()),
                    trees: GitTrees {
                        repo,
                        base: Snapshot::Tree(base_tree.clone()),
                        new: Snapshot::Tree(trees[j].clone()),
                        cache: None,
                        folders: Some(Rc::clone(&folders)),
                    },
                    merge_base_tree: RepoTree::from_git(base_tree.clone()),
                    merge_base: ObjectId::from_git(*base),
                })
            })
            .collect();
        sides.push(ParentSide {
            id: ObjectId::from_git(parent.id()),
            files: against,
            trees: GitTrees {
                repo,
                base: Snapshot::Tree(trees[i].clone()),
                new: share(new),
                cache: None,
                folders: Some(Rc::clone(&folders)),
            },
            others,
        });
    }

    let (own_files, own_base) = match &trees[..] {
        [first_tree, theirs] => {
            let base = bases.get(&(0, 1)).map(|(_, tree)| tree);
            let criss_cross = match merge_bases(repo, parents[0].id(), parents[1].id())? {
                Some((_, several)) => several.then_some([&parents[0], &parents[1]]),
                None => None,
            };
            let (remerge, theirs_changed) = remerge(
                repo,
                base,
                first_tree,
                theirs,
                criss_cross,
                Rc::clone(&folders),
            )?;
            // Only where the result differs from the first parent, or the re-merge does, can the
            // result differ from the re-merge.
            let mut candidates: BTreeSet<Vec<u8>> =
                files.iter().map(|f| f.path.as_bytes().to_vec()).collect();
            candidates.extend(theirs_changed);
            let mut raw: Raw = Vec::new();
            for path in candidates {
                let before = remerge.get(&path);
                let after = match new {
                    // The result shares most folders with the parents the re-merge read.
                    Snapshot::Tree(tree) => remerge
                        .file_in(tree, &path)
                        .map_err(read_err(String::from_utf8_lossy(&path).into_owned()))?,
                    _ => lookup(new, &path)?,
                };
                if before != after && !keeps_only_either_side(repo, &remerge, &path, after)? {
                    let side =
                        |found: Option<(u32, Oid)>| found.map(|(mode, id)| Side { mode, id });
                    raw.push((path, side(before), side(after)));
                }
            }
            (
                to_file_changes(repo, raw, &|_| None)?,
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
            folders: Some(Rc::clone(&folders)),
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

/// The change from `base` to `new`, without the sizes of a commit's blobs: only the path rules
/// judge a merge against a parent other than its first, and none of them reads a size.
fn files_against<'r>(
    repo: &'r Repository,
    folders: &Folders<'r>,
    base: &Tree<'r>,
    new: &Snapshot<'r>,
) -> Result<Vec<FileChange>, GitError> {
    match new {
        Snapshot::Tree(tree) => tree_diff::tree_changes(repo, Some(folders), Some(base), tree),
        Snapshot::Staged(index) => crate::staged::staged_files(repo, Some(base), index),
        Snapshot::Empty | Snapshot::Remerge(_) => Ok(Vec::new()),
    }
}

/// What `snapshot` holds at `path`: mode and id, or `None` for nothing or a directory.
fn lookup(snapshot: &Snapshot<'_>, path: &[u8]) -> Result<Option<(u32, Oid)>, GitError> {
    Ok(match snapshot {
        Snapshot::Empty => None,
        Snapshot::Tree(tree) => file_in_tree(tree, path)
            .map_err(read_err(String::from_utf8_lossy(path).into_owned()))?,
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
                    || kind_of(theirs.filemode() as u32) != Some(ours.kind)
            }
            _ => true,
        }
    })
}

/// How many commits a merge may bring in and still be read as only reverts: a longer side is
/// work of its own.
const MOST_REVERTS: usize = 50;

/// Whether every commit a merge brings in beside its first parent (those its other parents
/// reach and the first does not) is a revert its trees prove: a `git revert` that undoes the
/// commit it names, or a revert in another form that undoes a recent first-parent ancestor (see
/// `revert::commit_undoes_named`): a merged revert of a feature.
pub(crate) fn brings_only_reverts(
    repo: &Repository,
    parents: &[Commit<'_>],
) -> Result<bool, GitError> {
    let Some((first, others)) = parents.split_first() else {
        return Ok(false);
    };
    let walk_err = || read_err(format!("the commits merged beside {}", first.id()));
    let mut walk = repo.revwalk().map_err(walk_err())?;
    for other in others {
        walk.push(other.id()).map_err(walk_err())?;
    }
    walk.hide(first.id()).map_err(walk_err())?;
    let mut seen = 0;
    for id in walk {
        let id = id.map_err(walk_err())?;
        seen += 1;
        if seen > MOST_REVERTS {
            return Ok(false);
        }
        let commit = repo
            .find_commit(id)
            .map_err(read_err(format!("commit {id}")))?;
        if !revert::commit_undoes_named(repo, &commit)? {
            return Ok(false);
        }
    }
    Ok(seen > 0)
}
