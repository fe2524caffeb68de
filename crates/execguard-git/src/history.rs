//! A branch's first-parent history with what one file held at each commit: for `execguard
//! status`, which tells since when a spec is frozen and how long ago a plan's Progress moved.

use execguard_core::RepoPath;

use crate::error::read_err;
use crate::{GitError, ObjectId, Repo};

/// One commit of the history: who wrote it, when (seconds since the epoch) and its subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub author: String,
    pub time: i64,
    pub summary: String,
}

/// The first-parent history of `tip`, newest first, stopping before `stop` (excluded) and after
/// `most` commits.
pub fn first_parent_history(
    repo: &Repo,
    tip: ObjectId,
    stop: Option<ObjectId>,
    most: usize,
) -> Result<Vec<CommitInfo>, GitError> {
    let git = repo.git();
    let mut out = Vec::new();
    let mut at = Some(tip.git());
    while let Some(id) = at {
        if out.len() >= most || stop.is_some_and(|stop| stop.git() == id) {
            break;
        }
        let commit = git
            .find_commit(id)
            .map_err(read_err(format!("commit {id}")))?;
        out.push(CommitInfo {
            id: ObjectId::from_git(id),
            author: String::from_utf8_lossy(commit.author().name_bytes()).into_owned(),
            time: commit.time().seconds(),
            summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                .into_owned(),
        });
        at = commit.parent_id(0).ok();
    }
    Ok(out)
}

/// Which of `paths` commit `id` holds as the blob given with it (the same path, the same
/// bytes); read from the tree without any blob's content.
pub fn held_in_commit(
    repo: &Repo,
    id: ObjectId,
    paths: &[(&RepoPath, &str)],
) -> Result<Vec<RepoPath>, GitError> {
    let tree = repo.commit_tree(id)?;
    Ok(paths
        .iter()
        .filter(|(path, blob)| {
            tree.get_path(std::path::Path::new(&path.to_text()))
                .is_ok_and(|entry| {
                    entry.kind() == Some(git2::ObjectType::Blob) && entry.id().to_string() == *blob
                })
        })
        .map(|(path, _)| (*path).clone())
        .collect())
}

/// The content of `path` in commit `id`, `None` when the commit has no blob there.
pub fn blob_in_commit(
    repo: &Repo,
    id: ObjectId,
    path: &RepoPath,
) -> Result<Option<Vec<u8>>, GitError> {
    let git = repo.git();
    let tree = repo.commit_tree(id)?;
    let Ok(entry) = tree.get_path(std::path::Path::new(&path.to_text())) else {
        return Ok(None);
    };
    match entry.to_object(git).ok().and_then(|o| o.into_blob().ok()) {
        Some(blob) => Ok(Some(blob.content().to_vec())),
        None => Ok(None),
    }
}

/// The path of every blob below the folder `dir` (the whole tree when empty) of commit `id`,
/// read from its trees without any blob's content; none when the commit has no such folder.
pub fn paths_in_commit(
    repo: &Repo,
    id: ObjectId,
    dir: &RepoPath,
) -> Result<Vec<RepoPath>, GitError> {
    let git = repo.git();
    let tree = repo.commit_tree(id)?;
    let tree = if dir.as_bytes().is_empty() {
        tree
    } else {
        match tree.get_path(std::path::Path::new(&dir.to_text())) {
            Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => git
                .find_tree(entry.id())
                .map_err(read_err(format!("{dir} in commit {id}")))?,
            _ => return Ok(Vec::new()),
        }
    };
    let mut prefix = dir.as_bytes().to_vec();
    if !prefix.is_empty() {
        prefix.push(b'/');
    }
    let mut found = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            let mut path = prefix.clone();
            path.extend_from_slice(root.as_bytes());
            path.extend_from_slice(entry.name_bytes());
            found.push(RepoPath::new(path));
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(read_err(format!("the tree of {id}")))?;
    Ok(found)
}
