//! Building a change to judge: the staged change, one commit against its first parent, or the
//! change between two tips, each with the trees the rules read and, for a merge, its parts.

use std::path::Path;

use execguard_core::Change;
use git2::{Oid, Repository};

use crate::error::read_err;
use crate::folders::Folders;
use crate::head::{branch_of, head_commit};
use crate::read_cache::ReadCache;
use crate::trees::Snapshot;
use crate::{merge, renames, revert, revwalk, staged, tree_diff};
use crate::{GitError, GitTrees, MergeParts, ObjectId, Repo, RepoTree, StagedIndex};

/// A change ready to judge: the staged change, or one commit against its first parent (a root
/// commit against the empty tree, with its message), and the trees the rules read.
pub struct LoadedChange<'r> {
    pub change: Change,
    pub trees: GitTrees<'r>,
    /// The base tree, whose `.execguard.toml` judges the change; `None` on an unborn branch or
    /// for a root commit.
    pub base_tree: Option<RepoTree<'r>>,
    /// For a merge (two or more parents that each contribute something): what it takes from
    /// each and what it adds of its own. `change` is then its change against the first parent.
    pub merge: Option<MergeParts<'r>>,
}

/// The change the next commit would record: the index against HEAD (or, for `--amend`, against
/// HEAD's first parent). During a merge (`MERGE_HEAD`), the merge also gets its [`MergeParts`].
pub fn staged_change<'r>(
    repo: &'r Repo,
    index_file: Option<&Path>,
    amend: bool,
) -> Result<LoadedChange<'r>, GitError> {
    let repo = repo.git();
    let index_path = match index_file {
        Some(path) => path.to_path_buf(),
        None => repo.path().join("index"),
    };
    let index = StagedIndex::open(&index_path)?;

    let head = head_commit(repo)?;
    // The commit being made: its parents decide the base and whether it is a merge.
    let mut parents: Vec<git2::Commit<'r>> = Vec::new();
    match (&head, amend) {
        (Some(head), true) => parents.extend(head.parents()),
        (Some(head), false) => {
            parents.push(head.clone());
            for id in merge_heads(repo) {
                parents.push(
                    repo.find_commit(id)
                        .map_err(read_err(format!("MERGE_HEAD {id}")))?,
                );
            }
        }
        (None, _) => {}
    }
    let parents = merge::effective_parents(repo, parents)?;
    let base_tree = match parents.first() {
        Some(parent) => Some(parent.tree().map_err(read_err("the base tree"))?),
        None => None,
    };
    let is_merge = parents.len() > 1;
    let mut files = staged::staged_files(repo, base_tree.as_ref(), &index)?;
    if !is_merge {
        renames::detect_renames(repo, &mut files)?;
    }
    let new = Snapshot::Staged(std::rc::Rc::new(index));
    let merge = if is_merge {
        let folders = std::rc::Rc::new(Folders::new(repo));
        Some(merge::merge_parts(repo, &parents, &new, &files, folders)?)
    } else {
        None
    };

    let change = Change {
        commit: None,
        is_merge,
        branch: branch_of(repo),
        message: None,
        root: parents.is_empty(),
        files,
        label: None,
        author: staged_author(repo),
        ..Change::default()
    };
    let trees = GitTrees {
        repo,
        base: base_tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new,
        cache: None,
        folders: None,
    };
    Ok(LoadedChange {
        change,
        trees,
        base_tree: base_tree.map(RepoTree::from_git),
        merge,
    })
}

/// The author of the commit being made: git's `GIT_AUTHOR_NAME` and `GIT_AUTHOR_EMAIL` when set
/// (`git commit --author` and bots set them), else the configured identity.
fn staged_author(repo: &Repository) -> Option<String> {
    match (
        std::env::var("GIT_AUTHOR_NAME"),
        std::env::var("GIT_AUTHOR_EMAIL"),
    ) {
        (Ok(name), Ok(email)) => Some(format!("{name} <{email}>")),
        _ => repo.signature().ok().map(|who| signature_text(&who)),
    }
}

/// An author or committer as git prints it: `Name <email>`.
fn signature_text(who: &git2::Signature<'_>) -> String {
    format!(
        "{} <{}>",
        String::from_utf8_lossy(who.name_bytes()),
        String::from_utf8_lossy(who.email_bytes())
    )
}

fn merge_heads(repo: &Repository) -> Vec<Oid> {
    let Ok(text) = std::fs::read_to_string(repo.path().join("MERGE_HEAD")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect()
}

/// Builds the change of commit `id` against its first parent. `branch` is the branch it lands on,
/// when known. A parent that is an ancestor of another contributes nothing; a merge of two or more
/// parents that do also gets its [`MergeParts`].
pub fn commit_change<'r>(
    repo: &'r Repo,
    id: ObjectId,
    branch: Option<&str>,
    cache: Option<&'r ReadCache>,
) -> Result<LoadedChange<'r>, GitError> {
    load_commit(repo, id, branch, cache, false)
}

/// Builds the whole change of commit `id` against its recorded first parent, a merge included:
/// what a branch that follows only first parents saw the commit do. A merge's side branch (even
/// one its first parent is an ancestor of, as `git merge --no-ff` makes) is judged through it.
pub fn first_parent_change<'r>(
    repo: &'r Repo,
    id: ObjectId,
    branch: Option<&str>,
    cache: Option<&'r ReadCache>,
) -> Result<LoadedChange<'r>, GitError> {
    load_commit(repo, id, branch, cache, true)
}

fn load_commit<'r>(
    repo: &'r Repo,
    id: ObjectId,
    branch: Option<&str>,
    cache: Option<&'r ReadCache>,
    first_parent_only: bool,
) -> Result<LoadedChange<'r>, GitError> {
    let (repo, id) = (repo.git(), id.git());
    let commit = repo
        .find_commit(id)
        .map_err(read_err(format!("commit {id}")))?;
    let tree = commit
        .tree()
        .map_err(read_err(format!("the tree of {id}")))?;
    let mut parents = revwalk::present_parents(repo, &commit)?;
    let mut merges_only_reverts = false;
    let merge_by_first_parent = first_parent_only && parents.len() > 1;
    let parents = if first_parent_only {
        if parents.len() > 1 {
            merges_only_reverts = merge::brings_only_reverts(repo, &parents)?;
        }
        parents.truncate(1);
        parents
    } else {
        merge::effective_parents(repo, parents)?
    };
    let base_tree = match parents.first() {
        Some(parent) => Some(
            parent
                .tree()
                .map_err(read_err(format!("the tree of {}", parent.id())))?,
        ),
        None => None,
    };
    let is_merge = parents.len() > 1;
    // A merge's trees are compared again against its other parents and in its re-merge.
    let folders = is_merge.then(|| std::rc::Rc::new(Folders::new(repo)));
    let mut files = tree_diff::tree_files(repo, folders.as_deref(), base_tree.as_ref(), &tree)
        .map_err(|e| e.in_commit(id))?;
    if !is_merge {
        renames::detect_renames(repo, &mut files)?;
    }
    let message = String::from_utf8_lossy(commit.message_raw_bytes()).into_owned();
    // A commit of one parent whose `git revert` message is borne out by its trees.
    let revert_verified = match (&base_tree, is_merge, commit.parent_count()) {
        (Some(base), false, 1) => revert::undoes_named_commit(repo, base, &tree, &message),
        _ => false,
    };
    let new = Snapshot::Tree(tree);
    let trees_folders = folders.clone();
    let merge = match folders {
        Some(folders) => Some(merge::merge_parts(repo, &parents, &new, &files, folders)?),
        None => None,
    };
    let change = Change {
        commit: Some(id.to_string()),
        is_merge,
        branch: branch.map(str::to_string),
        message: Some(message),
        root: parents.is_empty(),
        files,
        label: parents.is_empty().then(|| root_commit_label(id)),
        author: Some(signature_text(&commit.author())),
        merges_only_reverts,
        merge_by_first_parent,
        revert_verified,
        ..Change::default()
    };
    let trees = GitTrees {
        repo,
        base: base_tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new,
        cache,
        folders: trees_folders,
    };
    Ok(LoadedChange {
        change,
        trees,
        base_tree: base_tree.map(RepoTree::from_git),
        merge,
    })
}

/// How messages name a root commit: it has no parent to compare with or to restore a path from.
fn root_commit_label(id: Oid) -> execguard_core::ChangeLabel {
    let short = execguard_core::engine::short(&id.to_string()).to_string();
    execguard_core::ChangeLabel {
        subject: format!("root commit {short}"),
        base: format!("the empty tree (root commit {short} has no parent)"),
        undo: format!("rework root commit {short} so that it does not add {{path}}"),
    }
}

/// The change from `old` to `new` (two commits, neither necessarily an ancestor of the other), as
/// one change with `old`'s tree as its base: what a non-fast-forward push does to a branch.
pub fn tips_change<'r>(
    repo: &'r Repo,
    old: ObjectId,
    new: ObjectId,
    branch: Option<&str>,
) -> Result<LoadedChange<'r>, GitError> {
    let (repo, old, new) = (repo.git(), old.git(), new.git());
    let tree_of = |id: Oid| {
        repo.find_commit(id)
            .and_then(|commit| commit.tree())
            .map_err(read_err(format!("the tree of {id}")))
    };
    let (old_tree, new_tree) = (tree_of(old)?, tree_of(new)?);
    let mut files = tree_diff::tree_files(repo, None, Some(&old_tree), &new_tree)
        .map_err(|e| e.in_commit(new))?;
    renames::detect_renames(repo, &mut files)?;
    let change = Change {
        commit: Some(new.to_string()),
        branch: branch.map(str::to_string),
        files,
        ..Change::default()
    };
    let trees = GitTrees {
        repo,
        base: Snapshot::Tree(old_tree.clone()),
        new: Snapshot::Tree(new_tree),
        cache: None,
        folders: None,
    };
    Ok(LoadedChange {
        change,
        trees,
        base_tree: Some(RepoTree::from_git(old_tree)),
        merge: None,
    })
}
