//! The server's own records: the default branch a receiving repository's HEAD names, and the
//! last tip of each deleted branch, kept under `refs/execguard/deleted/`. Writing those refs is
//! the one write this crate makes, and only into the receiving (server) repository, from its
//! pre-receive hook: a client's refs are never written.

use crate::error::read_err;
use crate::{GitError, ObjectId, Repo};

/// Where the last tip of a deleted branch is kept.
pub const DELETED_PREFIX: &str = "refs/execguard/deleted/";

/// The branch HEAD names (`main`), whether or not it has a commit yet; `None` for a detached
/// HEAD.
pub fn default_branch(repo: &Repo) -> Option<String> {
    let head = repo.git().find_reference("HEAD").ok()?;
    let target = head.symbolic_target()?;
    target.strip_prefix("refs/heads/").map(str::to_string)
}

/// The commit `name` points at, peeled; `None` when there is no such ref.
pub fn ref_commit(repo: &Repo, name: &str) -> Option<ObjectId> {
    let reference = repo.git().find_reference(name).ok()?;
    let commit = reference.peel_to_commit().ok()?;
    Some(ObjectId::from_git(commit.id()))
}

/// The last tip remembered for the deleted branch `branch`, if any.
pub fn remembered_tip(repo: &Repo, branch: &str) -> Option<ObjectId> {
    ref_commit(repo, &format!("{DELETED_PREFIX}{branch}"))
}

/// Remembers `tip` as the last tip of the deleted branch `branch`, replacing what was kept.
/// The commit is already in the repository's own object store (it was the branch's tip), so the
/// ref is sound whatever becomes of the push's quarantined objects.
pub fn remember_deleted(repo: &Repo, branch: &str, tip: ObjectId) -> Result<(), GitError> {
    let name = format!("{DELETED_PREFIX}{branch}");
    repo.git()
        .reference(
            &name,
            tip.git(),
            true,
            &format!("execguard: {branch} deleted at {tip}"),
        )
        .map(|_| ())
        .map_err(read_err(format!("the ref {name} (writing it)")))
}
