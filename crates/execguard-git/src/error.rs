//! The crate's error type: why a repository could not be read or judged, with libgit2's errors
//! shown as their sentence alone.

use std::path::PathBuf;

use crate::object_id::ObjectId;
use crate::tree_problem::MalformedTree;

/// How to deepen a shallow clone, locally and in CI.
pub const DEEPEN: &str = "deepen it with `git fetch --unshallow` (in GitHub Actions, `fetch-depth: 0` on actions/checkout)";

/// The repository could not be read or is not one execguard can judge.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot open the git repository: {0}")]
    Open(#[source] Libgit2Error),
    /// The repository belongs to another user and no `safe.directory` entry trusts it: git and
    /// libgit2 refuse to work in it. `path` is where the lookup started.
    #[error("{} belongs to another user, and git refuses to work in a repository another user owns (see `safe.directory` in git-config(1))", path.display())]
    NotOwned { path: PathBuf },
    #[error("this repository uses {0}, which execguard cannot read yet; the check cannot run")]
    Unsupported(String),
    #[error("cannot read {what}: {}", source.message())]
    Read {
        what: String,
        #[source]
        source: Libgit2Error,
    },
    /// An index with sparse directory entries. The way out keeps the sparse checkout and what is
    /// staged (`git read-tree` would reset the index, losing staged work).
    #[error("this repository uses a sparse index (index.sparse), which execguard cannot read yet; the check cannot run. Turn it off, keeping the sparse checkout and what is staged, with `git sparse-checkout reapply --no-sparse-index`")]
    SparseIndex,
    #[error("cannot read the index {path}: {reason}")]
    Index { path: String, reason: String },
    #[error("the index has unresolved conflicts ({0}); resolve them before checking")]
    Unmerged(String),
    #[error("cannot read the config file {path}: {source}")]
    ConfigFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] execguard_core::ConfigError),
    /// A tree git's fsck rejects (a name listed twice, a `.git` entry, ...): a checkout of it may
    /// not show what execguard reads, so it cannot be judged.
    #[error(transparent)]
    MalformedTree(Box<MalformedTree>),
    /// A range that names no commits, or a revision that is not in the repository.
    #[error("{0}")]
    Range(String),
    /// A parent of `commit` is not in the repository: the boundary of a shallow clone (`shallow`),
    /// or a history pruned below it. The commit cannot be judged against it, nor as a root.
    #[error("commit {commit} cannot be judged: its parent {parent} is not in this repository{}", if *shallow { format!(" (the clone is shallow there; {})", DEEPEN) } else { String::new() })]
    MissingParent {
        commit: ObjectId,
        parent: ObjectId,
        shallow: bool,
    },
    /// A push from a shallow clone whose commits reach below its boundary into history the
    /// receiving side lacks: their parents were not sent, so they cannot be judged.
    #[error("the push comes from a shallow clone whose history stops at {}, and this server does not have the commits below it, so the pushed commits cannot be judged against their parents; deepen the clone with `git fetch --unshallow`, then push again", boundary.iter().map(|id| format!("commit {}", execguard_core::engine::short(&id.to_string()))).collect::<Vec<_>>().join(", "))]
    ShallowPush { boundary: Vec<ObjectId> },
    #[error("cannot set {key} in the repository's git config: {}", source.message())]
    SetConfig {
        key: String,
        #[source]
        source: Libgit2Error,
    },
}

/// An error from libgit2, shown as its sentence alone: libgit2's own rendering appends
/// `; class=Odb (9); code=NotFound (-3)`, which tells a person nothing.
#[derive(Debug)]
pub struct Libgit2Error(git2::Error);

impl std::fmt::Display for Libgit2Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.0.message().trim().trim_end_matches('.');
        if message.is_empty() {
            f.write_str("libgit2 gave no reason")
        } else {
            f.write_str(message)
        }
    }
}

impl std::error::Error for Libgit2Error {}

impl Libgit2Error {
    pub(crate) fn from_git(error: git2::Error) -> Self {
        Self(error)
    }

    /// Whether libgit2 found no such thing (an object, a repository, a ref).
    pub fn is_not_found(&self) -> bool {
        self.0.code() == git2::ErrorCode::NotFound
    }

    /// libgit2's sentence, as it wrote it.
    pub fn message(&self) -> &str {
        self.0.message()
    }
}

impl GitError {
    /// Whether opening failed because there is no repository at or above the path.
    pub fn is_no_repository(&self) -> bool {
        matches!(self, GitError::Open(source) if source.is_not_found())
    }
}

/// A message without the `; class=Odb (9); code=NotFound (-3)` that libgit2 appends to its own:
/// it tells a person nothing. Errors from libgit2 are mapped to sentences where they arise; this
/// keeps any that slip through readable.
pub fn without_error_codes(text: &str) -> String {
    match text.find("; class=") {
        Some(at) => text[..at].to_string(),
        None => text.to_string(),
    }
}

pub(crate) fn read_err(what: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
    let what = what.into();
    move |source| GitError::Read {
        what,
        source: Libgit2Error::from_git(source),
    }
}

#[cfg(test)]
mod error_text_tests {
    use super::*;

    /// libgit2's own Display appends `; class=...; code=...`, which means nothing to a person.
    #[test]
    fn libgit2_errors_read_as_their_message_alone() {
        let source = || {
            git2::Error::new(
                git2::ErrorCode::NotFound,
                git2::ErrorClass::Config,
                "config value 'x' was not found",
            )
        };
        assert!(source().to_string().contains("class="));
        for error in [
            GitError::Open(Libgit2Error(source())),
            GitError::Read {
                what: "the repository's git config".into(),
                source: Libgit2Error(source()),
            },
            GitError::SetConfig {
                key: "receive.fsckObjects".into(),
                source: Libgit2Error(source()),
            },
        ] {
            let text = error.to_string();
            assert!(text.ends_with("config value 'x' was not found"), "{text}");
            assert!(
                !text.contains("class=") && !text.contains("code="),
                "{text}"
            );
        }
    }

    #[test]
    fn libgit2_codes_are_cut() {
        assert_eq!(
            without_error_codes("object not found; class=Odb (9); code=NotFound (-3)"),
            "object not found"
        );
        assert_eq!(without_error_codes("plain"), "plain");
    }
}
