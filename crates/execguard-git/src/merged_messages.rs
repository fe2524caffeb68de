//! The messages of the commits a merge brings in beside its first parent: what a merge judged
//! as one change against its first parent may record through them (see `execplan-deleted`).

use execguard_core::{MergedMessages, TreeError};
use git2::{Oid, Repository};

use crate::objects::tree_error;
use crate::GitError;

/// The messages of the commits merge `id` brings in beside its first parent (those its other
/// parents reach and the first does not), or [`MergedMessages::TooMany`] when there are more
/// than `most`: the walk stays bounded on any history.
pub(crate) fn merged_messages(
    repo: &Repository,
    id: Oid,
    most: usize,
) -> Result<MergedMessages, TreeError> {
    let as_tree_error = |e: GitError| TreeError {
        what: format!("the commits merge {id} brings in"),
        reason: e.to_string(),
    };
    let merge = repo
        .find_commit(id)
        .map_err(tree_error(format!("commit {id}")))?;
    let parents = crate::revwalk::present_parents(repo, &merge).map_err(as_tree_error)?;
    let Some((first, others)) = parents.split_first() else {
        return Ok(MergedMessages::Read(Vec::new()));
    };
    let walk_err = || tree_error(format!("the commits merged beside {}", first.id()));
    let mut walk = repo.revwalk().map_err(walk_err())?;
    for other in others {
        walk.push(other.id()).map_err(walk_err())?;
    }
    walk.hide(first.id()).map_err(walk_err())?;
    let mut messages = Vec::new();
    for brought in walk {
        let brought = brought.map_err(walk_err())?;
        if messages.len() == most {
            return Ok(MergedMessages::TooMany(most));
        }
        let commit = repo
            .find_commit(brought)
            .map_err(tree_error(format!("commit {brought}")))?;
        messages.push(String::from_utf8_lossy(commit.message_raw_bytes()).into_owned());
    }
    Ok(MergedMessages::Read(messages))
}
