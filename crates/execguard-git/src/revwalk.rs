//! The commit graph: which commits a range names, as `git rev-list` reads it, whether a commit's
//! parents are all in the repository (a shallow clone's boundary, a pruned or partial history),
//! ancestry, and the lookups of one commit (its parents, message, first parent's tree).

use git2::{Commit, Oid, Repository};

use crate::error::{read_err, DEEPEN};
use crate::{GitError, ObjectId, Repo, RepoTree};

/// How the commits of a range are walked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RangeOptions {
    /// Follow only first parents (`git rev-list --first-parent`).
    pub first_parent: bool,
    /// Accept a range with no excluded side (`X` alone): every ancestor of `X`, down to the root.
    pub whole_history: bool,
}

/// The commits `git rev-list <range>` lists, oldest first. `range` holds whitespace-separated
/// revisions as `git rev-list` takes them: `A..B`, `A...B`, `^A B`, `X^!`, `X^@`, `X^-N`; an
/// empty side of `..` or `...` is `HEAD`. A range that excludes nothing is refused unless
/// `whole_history` is set, and every refusal is a sentence that names the problem.
pub fn commits_in_range(
    repo: &Repo,
    range: &str,
    options: RangeOptions,
) -> Result<Vec<ObjectId>, GitError> {
    let repo = repo.git();
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    // Whether the user wrote an excluding form, even one that excludes nothing (a root's `X^!`).
    let mut bounded = false;
    let tokens: Vec<&str> = range.split_whitespace().collect();
    if tokens.is_empty() {
        return Err(range_error(
            "the range is empty; give one such as `origin/main..HEAD`",
        ));
    }
    for token in tokens {
        if let Some((left, right)) = token.split_once("...") {
            let (a, b) = (endpoint(repo, left, token)?, endpoint(repo, right, token)?);
            bounded = true;
            include.extend([a, b]);
            let bases = repo
                .merge_bases(a, b)
                .map(|bases| bases.iter().copied().collect::<Vec<_>>());
            match bases {
                Ok(bases) => exclude.extend(bases),
                Err(e) if e.code() == git2::ErrorCode::NotFound => {}
                Err(e) => return Err(read_err(format!("the merge base of {token}"))(e)),
            }
        } else if let Some((left, right)) = token.split_once("..") {
            let (a, b) = (endpoint(repo, left, token)?, endpoint(repo, right, token)?);
            bounded = true;
            exclude.push(a);
            include.push(b);
        } else if let Some(rev) = token.strip_prefix('^') {
            bounded = true;
            exclude.push(revision(repo, rev)?);
        } else if let Some(rev) = token.strip_suffix("^!") {
            bounded = true;
            let commit = commit_of(repo, rev)?;
            include.push(commit.id());
            exclude.extend(commit.parent_ids());
        } else if let Some(rev) = token.strip_suffix("^@") {
            include.extend(commit_of(repo, rev)?.parent_ids());
        } else if let Some((rev, nth)) = parent_shorthand(token) {
            bounded = true;
            let commit = commit_of(repo, rev)?;
            let parent = commit.parent_id(nth - 1).map_err(|_| {
                range_error(&format!(
                    "`{token}` names parent {nth} of {rev}, which it does not have"
                ))
            })?;
            include.push(commit.id());
            exclude.push(parent);
        } else {
            include.push(revision(repo, token)?);
        }
    }
    if !bounded && !options.whole_history {
        return Err(range_error(&format!(
            "`{range}` excludes nothing, so it would check every commit in its history down to the root; give a range such as `origin/main..{range}`, use `--commit {range}` for one commit, or add `--whole-history` to check all of its ancestors"
        )));
    }
    walk(repo, &include, &exclude, options.first_parent)
}

/// `X^-` or `X^-N`: `X^N..X`.
fn parent_shorthand(token: &str) -> Option<(&str, usize)> {
    let (rev, nth) = token.rsplit_once("^-")?;
    if rev.is_empty() {
        return None;
    }
    if nth.is_empty() {
        return Some((rev, 1));
    }
    nth.parse().ok().filter(|&n| n > 0).map(|n| (rev, n))
}

fn walk(
    repo: &Repository,
    include: &[Oid],
    exclude: &[Oid],
    first_parent: bool,
) -> Result<Vec<ObjectId>, GitError> {
    let mut walk = repo.revwalk().map_err(read_err("the history"))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
        .map_err(read_err("the history"))?;
    if first_parent {
        walk.simplify_first_parent()
            .map_err(read_err("the history"))?;
    }
    for id in include {
        walk.push(*id).map_err(read_err(format!("commit {id}")))?;
    }
    for id in exclude {
        walk.hide(*id).map_err(read_err(format!("commit {id}")))?;
    }
    walk.map(|id| id.map(ObjectId::from_git))
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_err("the history"))
}

/// One side of `A..B` or `A...B`; empty is `HEAD`, and both empty names nothing.
fn endpoint(repo: &Repository, side: &str, token: &str) -> Result<Oid, GitError> {
    if token == ".." || token == "..." {
        return Err(range_error(&format!(
            "`{token}` alone names no commits (it is HEAD{token}HEAD); give a range such as `origin/main{token}HEAD`"
        )));
    }
    revision(repo, if side.is_empty() { "HEAD" } else { side })
}

fn revision(repo: &Repository, rev: &str) -> Result<Oid, GitError> {
    commit_of(repo, rev).map(|commit| commit.id())
}

fn commit_of<'r>(repo: &'r Repository, rev: &str) -> Result<Commit<'r>, GitError> {
    let object = repo.revparse_single(rev).map_err(|_| {
        let mut sentence = format!("`{rev}` names no commit in this repository");
        if repo.is_shallow() {
            sentence.push_str(&format!(
                "; this clone is shallow, so `{rev}` may lie beyond its boundary: {DEEPEN}"
            ));
        } else {
            sentence.push_str("; check the spelling, or fetch it (`git fetch origin`)");
        }
        range_error(&sentence)
    })?;
    object.peel_to_commit().map_err(|_| {
        range_error(&format!(
            "`{rev}` names a {}, not a commit",
            object.kind().map_or("object", |kind| kind.str())
        ))
    })
}

fn range_error(sentence: &str) -> GitError {
    GitError::Range(sentence.to_string())
}

/// Resolves one revision to a commit id; an unknown one is refused with a sentence.
pub fn resolve_commit(repo: &Repo, revision: &str) -> Result<ObjectId, GitError> {
    self::revision(repo.git(), revision).map(ObjectId::from_git)
}

/// The parents a commit records, each of which must be in the repository: a parent beyond a
/// shallow clone's boundary or pruned from it is an error, never a root commit.
pub(crate) fn present_parents<'r>(
    repo: &'r Repository,
    commit: &Commit<'r>,
) -> Result<Vec<Commit<'r>>, GitError> {
    let mut parents = Vec::new();
    for id in recorded_parents(commit) {
        match repo.find_commit(id) {
            Ok(parent) => parents.push(parent),
            Err(_) => {
                return Err(GitError::MissingParent {
                    commit: ObjectId::from_git(commit.id()),
                    parent: ObjectId::from_git(id),
                    shallow: is_shallow_boundary(repo, commit.id()),
                })
            }
        }
    }
    Ok(parents)
}

/// The parent ids written in the commit object, which a shallow clone's grafts hide from
/// libgit2's own parent list.
fn recorded_parents(commit: &Commit<'_>) -> Vec<Oid> {
    let header = commit.raw_header_bytes();
    header
        .split(|&b| b == b'\n')
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.strip_prefix(b"parent "))
        .filter_map(|hex| std::str::from_utf8(hex).ok())
        .filter_map(|hex| Oid::from_str(hex.trim()).ok())
        .collect()
}

/// Whether `id` is listed in the repository's `shallow` file: a boundary of a shallow clone.
fn is_shallow_boundary(repo: &Repository, id: Oid) -> bool {
    if !repo.is_shallow() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(repo.commondir().join("shallow")) else {
        return false;
    };
    let id = id.to_string();
    text.lines().any(|line| line.trim() == id)
}

/// The remote a partial clone fetches missing objects from (`remote.<name>.promisor`), with the
/// filter it was cloned with.
pub fn promisor_remote(repo: &Repo) -> Option<(String, Option<String>)> {
    let repo = repo.git();
    let config = repo.config().ok()?;
    let remotes = repo.remotes().ok()?;
    for name in remotes.iter().flatten() {
        if config
            .get_bool(&format!("remote.{name}.promisor"))
            .unwrap_or(false)
        {
            let filter = config
                .get_string(&format!("remote.{name}.partialclonefilter"))
                .ok();
            return Some((name.to_string(), filter));
        }
    }
    let name = config.get_string("extensions.partialclone").ok()?;
    Some((name, None))
}

/// Whether an object id is git's all-zero id (a new ref or a deletion), whatever its length.
pub fn is_zero_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b == b'0')
}

/// Peels an object id (a commit or an annotated tag) to a commit; `None` when it names no commit
/// (a tag of a tree or a blob) or is not in the repository.
pub fn peel_to_commit(repo: &Repo, id: &str) -> Option<ObjectId> {
    let oid = Oid::from_str(id).ok()?;
    let object = repo.git().find_object(oid, None).ok()?;
    object
        .peel_to_commit()
        .ok()
        .map(|c| ObjectId::from_git(c.id()))
}

/// Whether `ancestor` is `descendant` or one of its ancestors.
pub fn is_ancestor(
    repo: &Repo,
    ancestor: ObjectId,
    descendant: ObjectId,
) -> Result<bool, GitError> {
    if ancestor == descendant {
        return Ok(true);
    }
    repo.git()
        .graph_descendant_of(descendant.git(), ancestor.git())
        .map_err(read_err(format!(
            "the history between {ancestor} and {descendant}"
        )))
}

/// The parents commit `id` records, as libgit2 reads them.
pub fn parent_ids(repo: &Repo, id: ObjectId) -> Result<Vec<ObjectId>, GitError> {
    let commit = repo
        .git()
        .find_commit(id.git())
        .map_err(read_err(format!("commit {id}")))?;
    Ok(commit.parent_ids().map(ObjectId::from_git).collect())
}

/// The raw message of commit `id`.
pub fn commit_message(repo: &Repo, id: ObjectId) -> Result<String, GitError> {
    let commit = repo
        .git()
        .find_commit(id.git())
        .map_err(read_err(format!("commit {id}")))?;
    Ok(String::from_utf8_lossy(commit.message_raw_bytes()).into_owned())
}

/// The tree of commit `id`'s first parent; `None` for a root commit.
pub fn first_parent_tree(repo: &Repo, id: ObjectId) -> Result<Option<RepoTree<'_>>, GitError> {
    let repo = repo.git();
    let commit = repo
        .find_commit(id.git())
        .map_err(read_err(format!("commit {id}")))?;
    let Some(parent) = present_parents(repo, &commit)?.into_iter().next() else {
        return Ok(None);
    };
    parent
        .tree()
        .map(|tree| Some(RepoTree::from_git(tree)))
        .map_err(read_err(format!("the tree of {}", parent.id())))
}

/// Whether commit `id` is in the repository.
pub fn has_commit(repo: &Repo, id: ObjectId) -> bool {
    repo.git().find_commit(id.git()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::parent_shorthand;

    #[test]
    fn parent_shorthand_reads_the_parent_number() {
        assert_eq!(parent_shorthand("main^-"), Some(("main", 1)));
        assert_eq!(parent_shorthand("main^-2"), Some(("main", 2)));
        assert_eq!(parent_shorthand("main^-0"), None);
        assert_eq!(parent_shorthand("main^-x"), None);
        assert_eq!(parent_shorthand("^-"), None);
        assert_eq!(parent_shorthand("main"), None);
    }
}
