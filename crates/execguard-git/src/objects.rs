//! How libgit2's objects read as the core's: a path as libgit2 looks it up, a tree entry's mode
//! as the core's kind, a blob's size from its header, and libgit2's errors as the core's.

use std::path::PathBuf;

use execguard_core::{EntryKind, RepoPath, TreeError};
use git2::{Oid, Repository};

use crate::GitError;

/// Bytes of a git path as a filesystem-style path for libgit2's lookups.
#[cfg(unix)]
pub(crate) fn as_path(path: &RepoPath) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(path.as_bytes()))
}

#[cfg(not(unix))]
pub(crate) fn as_path(path: &RepoPath) -> PathBuf {
    PathBuf::from(path.to_text())
}

pub(crate) fn kind_of(mode: u32) -> Option<EntryKind> {
    match mode {
        0o100644 | 0o100664 => Some(EntryKind::File),
        0o100755 => Some(EntryKind::Executable),
        0o120000 => Some(EntryKind::Symlink),
        0o160000 => Some(EntryKind::Submodule),
        _ => None,
    }
}

pub(crate) fn tree_error(what: String) -> impl FnOnce(git2::Error) -> TreeError {
    move |e| TreeError {
        what,
        reason: e.message().to_string(),
    }
}

pub(crate) fn blob_size_git(repo: &Repository, id: Oid) -> Result<u64, GitError> {
    blob_size(repo, id).map_err(|e| GitError::Read {
        what: e.what,
        source: crate::error::Libgit2Error::from_git(git2::Error::from_str(&e.reason)),
    })
}

/// A blob's size from its header, `None` when the object store lacks the blob (a partial clone,
/// a pruned object): the caller decides what that means.
pub(crate) fn blob_size_if_present(repo: &Repository, id: Oid) -> Result<Option<u64>, GitError> {
    let odb = repo
        .odb()
        .map_err(crate::error::read_err("the object database"))?;
    match odb.read_header(id) {
        Ok((size, _)) => Ok(Some(size as u64)),
        Err(e) if is_missing(&e) => Ok(None),
        Err(e) => Err(crate::error::read_err(format!("object {id}"))(e)),
    }
}

/// Whether libgit2's error says the object is not in the store.
pub(crate) fn is_missing(error: &git2::Error) -> bool {
    let message = error.message().to_ascii_lowercase();
    error.code() == git2::ErrorCode::NotFound
        || message.contains("not found")
        || message.contains("no match for id")
}

fn blob_size(repo: &Repository, id: Oid) -> Result<u64, TreeError> {
    let odb = repo
        .odb()
        .map_err(tree_error("the object database".into()))?;
    let (size, _) = odb
        .read_header(id)
        .map_err(tree_error(format!("object {id}")))?;
    Ok(size as u64)
}
