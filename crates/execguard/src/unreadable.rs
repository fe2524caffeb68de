//! A commit that cannot be read, as an error entry of the report: which commit, which object,
//! why, and how to get what is missing (fetch from a partial clone's remote, deepen a shallow
//! clone). The other commits of the range are still judged.

use execguard_core::{CommitError, Report, TreeError};
use execguard_git::{GitError, ObjectId, Repo};

/// The report of a commit that could not be judged because of `error`.
pub fn report(repo: &Repo, commit: ObjectId, error: &anyhow::Error) -> Report {
    Report {
        errors: vec![describe(repo, commit, error)],
        ..Report::default()
    }
}

fn describe(repo: &Repo, commit: ObjectId, error: &anyhow::Error) -> CommitError {
    let short = execguard_core::engine::short(&commit.to_string()).to_string();
    let entry = |object: String, message: String, hint: String| CommitError {
        commit: commit.to_string(),
        object,
        message,
        hint,
    };
    if let Some(GitError::MissingParent {
        parent, shallow, ..
    }) = error.downcast_ref::<GitError>()
    {
        let object = format!("commit {parent}");
        return if *shallow {
            entry(
                object,
                format!("the history is shallow at commit {short}: its parent {parent} is not in this clone, so the commit cannot be judged (and is not judged as a root commit)."),
                format!("Fetch the full history: {}; then run the check again.", execguard_git::DEEPEN),
            )
        } else {
            entry(
                object,
                format!("commit {short} cannot be judged: its parent {parent} is not in this repository."),
                "Fetch the missing history (`git fetch origin`), then run the check again.".to_string(),
            )
        };
    }
    if let Some(object) = missing_object(error) {
        let message =
            format!("commit {short} cannot be judged: {object} is missing from this repository.");
        return entry(object.clone(), message, fetch_hint(repo, &object));
    }
    entry(
        format!("commit {commit}"),
        format!("commit {short} cannot be judged: {error:#}"),
        "Fix the problem above and run the check again; the commit was not judged, so the range is refused.".to_string(),
    )
}

/// The object an error says is missing (`blob 1a2b...`), when it is about a missing object.
fn missing_object(error: &anyhow::Error) -> Option<String> {
    for cause in error.chain() {
        if let Some(GitError::Read { what, source }) = cause.downcast_ref::<GitError>() {
            if source.is_not_found() || is_not_found(source.message()) {
                return Some(what.clone());
            }
        }
        if let Some(TreeError { what, reason }) = cause.downcast_ref::<TreeError>() {
            if is_not_found(reason) {
                return Some(what.clone());
            }
        }
    }
    None
}

fn is_not_found(reason: &str) -> bool {
    let reason = reason.to_ascii_lowercase();
    reason.contains("not found") || reason.contains("no match for id")
}

/// How to fetch a missing object: from a partial clone's remote, else the history again.
fn fetch_hint(repo: &Repo, object: &str) -> String {
    let id = object
        .split_whitespace()
        .find(|word| word.len() == 40 && word.bytes().all(|b| b.is_ascii_hexdigit()));
    match execguard_git::promisor_remote(repo) {
        Some((remote, filter)) => {
            let filter = filter.map(|f| format!(", filter `{f}`")).unwrap_or_default();
            let one = id
                .map(|id| format!("`git fetch {remote} {id}` fetches this object; "))
                .unwrap_or_default();
            format!(
                "This is a partial clone (remote `{remote}`{filter}) and execguard does not fetch objects on demand: {one}`git fetch --refetch --no-filter {remote}` fetches every object the clone left out. Then run the check again."
            )
        }
        None => "The object store is incomplete (a pruned or damaged clone): run `git fsck`, fetch the history again (`git fetch origin`), then run the check again.".to_string(),
    }
}
