//! What git's fsck refuses in a tree, checked on every tree a commit brings in.
//!
//! A crafted tree can read one way to execguard and check out another way: with `login.md`
//! listed twice in `specs/`, a lookup finds the first entry (the frozen original) while a checkout
//! writes the second (the edited copy). An entry git treats as `.git` on some file system can
//! plant a repository's hooks or config in a clone. git's fsck refuses such trees; so does this
//! module, for the trees the tree comparison reads anyway, so that a commit that holds one cannot
//! be judged at all. The checks follow git's fsck of a tree entry: order and uniqueness (a file
//! and a directory of one name are duplicates too), empty names, `/`, `.`, `..`, the names git
//! treats as `.git` (any case; NTFS short names, trailing dots and spaces, alternate streams and
//! backslash-separated components; HFS+ ignorable code points), and modes git does not write.

use git2::Oid;

use crate::object_id::ObjectId;
use crate::tree_problem::{MalformedTree, TreeProblem};
use crate::GitError;

mod dotgit;
mod listing;

use listing::check_listing;

impl GitError {
    /// Names the commit a malformed tree belongs to; any other error is returned as it is.
    pub(crate) fn in_commit(self, commit: Oid) -> Self {
        match self {
            GitError::MalformedTree(mut malformed) => {
                malformed.commit.get_or_insert(ObjectId::from_git(commit));
                GitError::MalformedTree(malformed)
            }
            other => other,
        }
    }
}

pub(crate) fn malformed(path: &[u8], tree: Oid, problem: TreeProblem) -> GitError {
    GitError::MalformedTree(Box::new(MalformedTree {
        commit: None,
        path: path.to_vec(),
        tree: ObjectId::from_git(tree),
        problem,
    }))
}

/// Reads the new tree `id` at `path`; a tree libgit2 cannot parse is malformed, not unreadable.
pub(crate) fn find_new_tree<'r>(
    repo: &'r git2::Repository,
    path: &[u8],
    id: Oid,
) -> Result<git2::Tree<'r>, GitError> {
    repo.find_tree(id)
        .map_err(|error| new_tree_error(path, id, error))
}

/// What failing to read the new tree `id` at `path` means: a tree libgit2 cannot parse is
/// malformed, not unreadable.
pub(crate) fn new_tree_error(path: &[u8], id: Oid, error: git2::Error) -> GitError {
    if error.class() == git2::ErrorClass::Tree {
        malformed(
            path,
            id,
            TreeProblem::Unparsable {
                reason: error.message().to_string(),
            },
        )
    } else {
        crate::error::read_err(format!("tree {id}"))(error)
    }
}

/// Trees that passed [`check_tree`] remembered per thread before starting over: a merge's
/// folders are compared against each of its parents and in its re-merge, each time read as new.
const MOST_PASSED: usize = 4096;

thread_local! {
    static PASSED: std::cell::RefCell<std::collections::HashSet<Oid>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// Checks every entry of `tree`, the directory `path` of a new side. The check reads only the
/// tree's own entries, so a tree that passed once passes again, wherever it is found.
pub(crate) fn check_tree(tree: &git2::Tree<'_>, path: &[u8]) -> Result<(), GitError> {
    let id = tree.id();
    if PASSED.with(|passed| passed.borrow().contains(&id)) {
        return Ok(());
    }
    check_listing(tree.len(), |index| tree.get(index))
        .map_err(|problem| malformed(path, id, problem))?;
    PASSED.with(|passed| {
        let mut passed = passed.borrow_mut();
        if passed.len() >= MOST_PASSED {
            passed.clear();
        }
        passed.insert(id);
    });
    Ok(())
}
