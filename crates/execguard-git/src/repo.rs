//! The handles the rest of execguard holds: an open repository ([`Repo`]) and a tree read from it
//! ([`RepoTree`]). They own libgit2's handles without showing them; the conversions stay inside
//! this crate.

use std::path::Path;

use crate::object_id::ObjectId;

/// An open git repository, as [`open_at`](crate::open_at) or
/// [`open_from_env`](crate::open_from_env) found it.
pub struct Repo(git2::Repository);

impl Repo {
    pub(crate) fn from_git(repo: git2::Repository) -> Self {
        Repo(repo)
    }

    pub(crate) fn git(&self) -> &git2::Repository {
        &self.0
    }

    /// The tree of commit `id`, each failure named by what could not be read.
    pub(crate) fn commit_tree(&self, id: ObjectId) -> Result<git2::Tree<'_>, crate::GitError> {
        let commit = self
            .0
            .find_commit(id.git())
            .map_err(crate::error::read_err(format!("commit {id}")))?;
        commit
            .tree()
            .map_err(crate::error::read_err(format!("the tree of {id}")))
    }

    /// The working tree, `None` for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.0.workdir()
    }

    /// The git directory (`.git`, or a linked worktree's own directory).
    pub fn git_dir(&self) -> &Path {
        self.0.path()
    }

    /// The directory shared by all worktrees (config, hooks, refs, objects).
    pub fn common_dir(&self) -> &Path {
        self.0.commondir()
    }

    /// Whether the repository has no working tree.
    pub fn is_bare(&self) -> bool {
        self.0.is_bare()
    }
}

/// A tree of the repository (a commit's, HEAD's, a merge base's), kept open for reading.
pub struct RepoTree<'r>(git2::Tree<'r>);

impl<'r> RepoTree<'r> {
    pub(crate) fn from_git(tree: git2::Tree<'r>) -> Self {
        RepoTree(tree)
    }

    pub(crate) fn git(&self) -> &git2::Tree<'r> {
        &self.0
    }

    /// The tree's id.
    pub fn id(&self) -> ObjectId {
        ObjectId::from_git(self.0.id())
    }
}
