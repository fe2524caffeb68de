//! `commit-size`: a commit too large to review.

use serde::Serialize;

use super::{plural, About};
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CommitSize {
    /// Too many changed lines or files.
    TooLarge(TooLarge),
    /// Too much binary content.
    BinaryContent(BinaryContent),
    /// A blob new to the change over the size limit.
    LargeBlob(LargeBlob),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TooLarge {
    /// The changed lines counted; only a lower bound when `capped`.
    pub lines: u64,
    /// Whether counting stopped past `max-lines`.
    pub capped: bool,
    /// The changed files.
    pub files: u64,
    pub max_lines: u64,
    pub max_files: u64,
    /// Whether a counted text has a line longer than `line-bytes`, which counts once per started
    /// `line-bytes`.
    pub long_lines: bool,
    pub line_bytes: u64,
    /// Up to three files with the most counted lines, the largest first.
    pub largest: Vec<FileLines>,
    /// Files left uncounted once the count passed the limit.
    pub uncounted: usize,
}

/// One file's counted lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileLines {
    pub path: RepoPath,
    pub lines: u64,
    /// Whether `lines` is a lower bound: counting stopped at the limit.
    pub capped: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct BinaryContent {
    /// The binary bytes the change adds or modifies.
    pub bytes: u64,
    /// The binary files.
    pub files: Vec<RepoPath>,
    pub max_binary_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LargeBlob {
    pub path: RepoPath,
    /// How the blob comes to the path.
    pub change: BlobChange,
    /// The old path, for a rename.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<RepoPath>,
    /// The blob's size in bytes.
    pub size: u64,
    pub max_file_bytes: u64,
}

/// How a large blob comes to its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlobChange {
    Adds,
    Changes,
    RenamesAndChanges,
    /// Moves it, unchanged or not, out of a `large-files` path: new where it lands.
    MovesOutOfLargeFiles,
}

impl CommitSize {
    pub(super) fn path(&self) -> Option<&RepoPath> {
        match self {
            CommitSize::LargeBlob(found) => Some(&found.path),
            _ => None,
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            CommitSize::TooLarge(found) => {
                let lines = if found.capped {
                    format!("more than {} lines", found.max_lines)
                } else {
                    format!("{} lines", found.lines)
                };
                let note = if found.long_lines {
                    format!(
                        " A changed line counts once per started {} bytes.",
                        found.line_bytes
                    )
                } else {
                    String::new()
                };
                format!(
                    "{} changes {lines} in {} files; the limits are {} lines and {} files.{}{note}",
                    about.subject,
                    found.files,
                    found.max_lines,
                    found.max_files,
                    found.largest_in_words()
                )
            }
            CommitSize::BinaryContent(found) => format!(
                "{} adds {} bytes of binary content ({}); the limit is {} bytes of binary content per commit.",
                about.subject,
                found.bytes,
                listing(&found.files),
                found.max_binary_bytes
            ),
            CommitSize::LargeBlob(found) => {
                let path = &found.path;
                let what = match (&found.change, &found.renamed_from) {
                    (BlobChange::RenamesAndChanges, Some(from)) => {
                        format!("renames {from} to {path} and changes it into")
                    }
                    (BlobChange::MovesOutOfLargeFiles, Some(from)) => {
                        format!("moves {from}, a `large-files` path, to {path}, which is not one:")
                    }
                    (BlobChange::Adds, _) => format!("adds {path},"),
                    _ => format!("changes {path} into"),
                };
                format!(
                    "{} {what} a blob of {} bytes; the limit is {} bytes.",
                    about.subject, found.size, found.max_file_bytes
                )
            }
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        match self {
            CommitSize::TooLarge(_) => format!(
                "{} Generated or vendored content belongs in a package or a build step; if it must be committed, a human adds `Execguard-Override: commit-size: <reason>`.",
                match (&about.commit, about.root) {
                    // No HEAD yet: `git restore --staged` needs one.
                    (None, true) => "Split the work into smaller commits: unstage part of it (`git rm --cached <paths>`, which keeps the files), commit a coherent piece, then continue.".to_string(),
                    (None, false) => "Split the work into smaller commits: unstage part of it (`git restore --staged <paths>`, which keeps the files), commit a coherent piece with its Progress entry, then continue.".to_string(),
                    (Some(id), _) => format!(
                        "Split commit {} into smaller commits, each a coherent piece with its Progress entry, for example with `git rebase -i`.",
                        id.get(..7).unwrap_or(id)
                    ),
                }
            ),
            CommitSize::BinaryContent(_) => "Binary content cannot be reviewed line by line: keep it out of the repository (use a package, a download step or Git LFS). If it must be committed, a human adds `Execguard-Override: commit-size: <reason>`.".to_string(),
            CommitSize::LargeBlob(_) => "Keep large files out of the repository (use a package, a download step or Git LFS). If it must be committed, a human adds `Execguard-Override: commit-size: <reason>`, or lists its path in `large-files` of `[rules.commit-size]`.".to_string(),
        }
    }
}

impl TooLarge {
    /// ` The largest: a (300 lines), b (12 lines).`, saying how many files went uncounted past
    /// the limit; empty when nothing was counted.
    fn largest_in_words(&self) -> String {
        if self.largest.is_empty() {
            return String::new();
        }
        let shown = self
            .largest
            .iter()
            .map(|file| {
                let more = if file.capped { "more than " } else { "" };
                format!(
                    "{} ({more}{} line{})",
                    file.path,
                    file.lines,
                    if file.lines == 1 { "" } else { "s" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        match self.uncounted {
            0 => format!(" The largest: {shown}."),
            n => format!(
                " The largest counted: {shown}; counting stopped at the limit, before {n} more file{}.",
                plural(n)
            ),
        }
    }
}

/// A few paths, then how many more.
fn listing(paths: &[RepoPath]) -> String {
    const SHOWN: usize = 3;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}
