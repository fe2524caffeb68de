//! What HEAD and the working tree hold: the current branch, HEAD's commit and tree, and the
//! paths that differ from HEAD in the working tree.

use execguard_core::RepoPath;
use git2::Repository;

use crate::error::read_err;
use crate::trees::Snapshot;
use crate::{GitError, GitTrees, ObjectId, Repo, RepoTree};

/// The short name of the branch HEAD points at, also on an unborn branch; `None` when detached.
pub fn current_branch(repo: &Repo) -> Option<String> {
    branch_of(repo.git())
}

pub(crate) fn branch_of(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let target = head.symbolic_target()?;
    Some(
        target
            .strip_prefix("refs/heads/")
            .unwrap_or(target)
            .to_string(),
    )
}

/// HEAD read once: the short name of the branch it points at (`None` when detached), its tree
/// (`None` on an unborn branch) and that tree as the base side of a change whose new side is not
/// read, as [`current_branch`] and [`head_trees`] give them, which each read HEAD again.
pub fn head_branch_and_trees(
    repo: &Repo,
) -> Result<(Option<String>, Option<RepoTree<'_>>, GitTrees<'_>), GitError> {
    let git = repo.git();
    let head = match git.find_reference("HEAD") {
        Ok(head) => head,
        Err(e) if e.code() == git2::ErrorCode::NotFound => {
            let (tree, trees) = head_trees(repo)?;
            return Ok((None, tree, trees));
        }
        Err(e) => return Err(read_err("HEAD")(e)),
    };
    let branch = head.symbolic_target().map(|target| {
        target
            .strip_prefix("refs/heads/")
            .unwrap_or(target)
            .to_string()
    });
    let tree = match head.resolve() {
        Ok(resolved) => Some(
            resolved
                .peel_to_commit()
                .map_err(read_err("HEAD"))?
                .tree()
                .map_err(read_err("HEAD's tree"))?,
        ),
        // An unborn branch: HEAD names a branch that has no commit yet.
        Err(e) if head.symbolic_target().is_some() && e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(read_err("HEAD")(e)),
    };
    let trees = GitTrees {
        repo: git,
        base: tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new: Snapshot::Empty,
        cache: None,
        folders: None,
    };
    Ok((branch, tree.map(RepoTree::from_git), trees))
}

/// The commit HEAD names; `None` on an unborn branch.
pub(crate) fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, GitError> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit().map_err(read_err("HEAD"))?)),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(read_err("HEAD")(e)),
    }
}

/// HEAD's tree alone, as the base side of a change whose new side is not read: enough to ask
/// whether a path may be written. An unborn branch has an empty base.
pub fn head_trees(repo: &Repo) -> Result<(Option<RepoTree<'_>>, GitTrees<'_>), GitError> {
    let repo = repo.git();
    let tree = match head_commit(repo)? {
        Some(head) => Some(head.tree().map_err(read_err("HEAD's tree"))?),
        None => None,
    };
    let trees = GitTrees {
        repo,
        base: tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new: Snapshot::Empty,
        cache: None,
        folders: None,
    };
    Ok((tree.map(RepoTree::from_git), trees))
}

/// The commit HEAD names, `None` when it names none (an unborn branch, or a HEAD that cannot be
/// read).
pub fn head_commit_id(repo: &Repo) -> Option<ObjectId> {
    let head = repo.git().head().ok()?;
    head.peel_to_commit()
        .ok()
        .map(|commit| ObjectId::from_git(commit.id()))
}

/// HEAD's tree, `None` when HEAD names nothing (an unborn branch); a HEAD whose tree cannot be
/// read is an error.
pub fn head_tree(repo: &Repo) -> Result<Option<RepoTree<'_>>, GitError> {
    match repo.git().head() {
        Ok(head) => head
            .peel_to_tree()
            .map(|tree| Some(RepoTree::from_git(tree)))
            .map_err(read_err("HEAD's tree")),
        Err(_) => Ok(None),
    }
}

/// The path of every file (blob or submodule) of HEAD's tree, sorted; none on an unborn branch.
pub fn head_paths(repo: &Repo) -> Result<Vec<RepoPath>, GitError> {
    let Some(tree) = head_tree(repo)? else {
        return Ok(Vec::new());
    };
    let mut paths = Vec::new();
    tree.git()
        .walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(git2::ObjectType::Tree) {
                let mut path = dir.as_bytes().to_vec();
                path.extend_from_slice(entry.name_bytes());
                paths.push(RepoPath::new(path));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(read_err("HEAD's tree"))?;
    paths.sort();
    Ok(paths)
}
