//! The commits an `[adoption] baseline` names, and the history they exempt from judgement.

use std::collections::HashSet;

use execguard_core::Config;
use git2::Oid;

use crate::error::read_err;
use crate::{GitError, ObjectId, Repo};

/// The baseline ids of a config as commits: those the repository has, and the ids it lacks (a
/// shallow or partial clone, or a commit never fetched), which hide nothing.
pub fn baseline_commits(repo: &Repo, ids: &[String]) -> (Vec<ObjectId>, Vec<String>) {
    let repo = repo.git();
    let mut present = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match Oid::from_str(id)
            .ok()
            .filter(|oid| repo.find_commit(*oid).is_ok())
        {
            Some(oid) => present.push(ObjectId::from_git(oid)),
            None => missing.push(id.clone()),
        }
    }
    (present, missing)
}

/// The config in commit `id`'s own tree: the one in force on a branch whose tip it is. `None`
/// when the tree has no `.execguard.toml`; a config error when it has one that does not parse.
pub fn own_config(repo: &Repo, id: ObjectId) -> Result<Option<Config>, GitError> {
    let Some(blob) = crate::commit_config_blob(repo, id)? else {
        return Ok(None);
    };
    let name = format!(
        "{}:{}",
        execguard_core::engine::short(&id.to_string()),
        execguard_core::config::CONFIG_PATH
    );
    crate::read_config_blob(repo, blob, &name).map(Some)
}

/// The edges of a set of commits as `git rev-list` lists it: its tips (the commits no other commit
/// of the set has as a parent) and its boundary (the parents of its commits outside it, which the
/// range leaves out: its base).
pub fn edges(repo: &Repo, ids: &[ObjectId]) -> Result<(Vec<ObjectId>, Vec<ObjectId>), GitError> {
    let repo = repo.git();
    let members: HashSet<ObjectId> = ids.iter().copied().collect();
    let mut parents = HashSet::new();
    let mut boundary = Vec::new();
    for id in ids {
        let commit = repo
            .find_commit(id.git())
            .map_err(read_err(format!("commit {id}")))?;
        for parent in commit.parent_ids().map(ObjectId::from_git) {
            if !members.contains(&parent) && !boundary.contains(&parent) {
                boundary.push(parent);
            }
            parents.insert(parent);
        }
    }
    let tips = ids
        .iter()
        .filter(|id| !parents.contains(*id))
        .copied()
        .collect();
    Ok((tips, boundary))
}

/// `ids` without the commits reachable from `hidden`, in their order. `ids` is a set as
/// `git rev-list` lists it (everything reachable from some tips and from none of some other
/// commits), so the parents of `ids` outside it bound the walk: it visits `ids` and marks what
/// `hidden` reaches, never the rest of the history.
pub fn not_reachable_from(
    repo: &Repo,
    ids: &[ObjectId],
    hidden: &[ObjectId],
) -> Result<Vec<ObjectId>, GitError> {
    if hidden.is_empty() || ids.is_empty() {
        return Ok(ids.to_vec());
    }
    let (tips, boundary) = edges(repo, ids)?;
    let mut walk = repo.git().revwalk().map_err(read_err("the history"))?;
    for id in tips {
        walk.push(id.git())
            .map_err(read_err(format!("commit {id}")))?;
    }
    // A boundary commit the repository lacks (a shallow clone) hides nothing.
    for id in boundary {
        let _ = walk.hide(id.git());
    }
    for id in hidden {
        let _ = walk.hide(id.git());
    }
    let kept = walk
        .collect::<Result<HashSet<Oid>, _>>()
        .map_err(read_err("the history"))?;
    Ok(ids
        .iter()
        .filter(|id| kept.contains(&id.git()))
        .copied()
        .collect())
}

/// How many commits `tip` and its history hold.
pub fn history_len(repo: &Repo, tip: ObjectId) -> Result<usize, GitError> {
    let mut walk = repo.git().revwalk().map_err(read_err("the history"))?;
    walk.push(tip.git())
        .map_err(read_err(format!("commit {tip}")))?;
    let mut count = 0;
    for id in walk {
        id.map_err(read_err("the history"))?;
        count += 1;
    }
    Ok(count)
}
