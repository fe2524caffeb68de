//! The commit-size rule: a commit's changed lines, files and bytes.

pub(crate) mod content;
pub(crate) mod distance;
mod lockfiles;
mod matching;
#[cfg(test)]
mod oracle;

use crate::context::Context;
use std::collections::HashSet;

use crate::findings::{
    BinaryContent, BlobChange, CommitSize, FileLines, Finding, LargeBlob, TooLarge,
};
use crate::model::{Entry, FileChange, RepoPath, Side, TreeError};
use crate::report::Violation;

use distance::Count;
use lockfiles::Lockfile;

rule_doc!(
    r#"commit-size: commits stay small enough to review.

## What it checks
A commit may change at most 400 lines in at most 25 files, may not add or modify a blob larger
than 1 MiB, and may add or modify at most 256 KiB of binary content in all.

Only blobs new to the commit count against the 1 MiB limit: renaming or moving a large blob, or
copying one the base already holds, is not refused. A blob over the limit is judged by it alone
and counts toward neither lines nor binary content.

Lines are those of text files, added plus deleted, counted as the smallest line edit between the
two versions (what `git diff --numstat` shows). A changed line counts once per started 200 bytes,
so one line of 500 KB counts 2,500 times. A file is binary by its content, not by one byte: only
when it has a NUL byte, at least a tenth of its bytes are control bytes or not UTF-8, and fewer
than half of its bytes lie in lines of which under a third is such bytes. Code with a stray NUL, or
with control bytes written into its comments, counts its lines (where git calls it binary and
shows `-` for its lines). Compiled message catalogues (`.mo`) read as text too: list them in
`exclude` when they are committed. A rename counts only the lines it changes. Submodules count
toward files only.

A deleted file whose blob the object store lacks (a partial clone) counts as a file, its lines
unread: deleting adds nothing to review. A new blob the store lacks is sized by what the index
records for it; when nothing does, the commit cannot be judged.

Planning documents (specs, design notes, execplans) and lockfiles do not count toward lines. A
lockfile is `Cargo.lock`, `package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, `go.sum`,
`poetry.lock`, `uv.lock`, `Gemfile.lock` or `composer.lock` whose content has that lockfile's
structure; a file with such a name and other content, code for instance, counts like any other.
A path counts by where it ends up: the new path of a rename, the old one of a deletion; a
rename out of a path that does not count (an `exclude` path, a planning document, a lockfile, or
a `large-files` path for the size limit) adds its whole content where it lands. A merge is
judged by what it adds of its own: its result against a clean re-merge of its parents, so lines
written while resolving a conflict, or slipped into a merge, count like any others (`check
--range --first-parent` judges it by its whole change against its first parent instead).

The count is exact up to the limit and stops there: past it, the message says "more than 400
lines". The message names the three files with the most changed lines: past the limit, a file is
still counted (up to the limit) when it may be one of them, so the largest are named, not the
first in path order. No clock is involved, so every machine reaches the same verdict on the same commit. Under
a limit raised into the thousands, a file whose lines both repeat heavily and move far (beyond
what a bounded number of steps can search) counts the lines of an edit anchored on its lines
found once on each side: never fewer than the smallest edit, as git's own diff counts such files.

## Why
A reviewer can judge a few hundred lines; nobody reviews 3,000, nor a megabyte on one line, nor a
binary blob. Small commits also make a bad step cheap to revert and keep the execplan's Progress
in step with the code.

## Example
A commit of 1,210 lines in 31 files is refused:

```text
error[commit-size]: this commit changes 1210 lines in 31 files; the limits are 400 lines and 25 files
```

## How to comply
Split the work: unstage part of it (`git restore --staged <paths>`), commit a coherent piece with
its Progress entry, and continue. Generated or vendored content, large files and binary assets
belong in a package, a build step or Git LFS; when one must be committed, a human adds the
trailer `Execguard-Override: commit-size: <reason>`.

## Configuration
`[rules.commit-size]` `max-lines` (400), `line-bytes` (200), `max-files` (25), `max-file-bytes`
(1048576), `max-binary-bytes` (262144), `exclude` (globs whose files count toward neither lines
nor binary bytes, trusted as written; default none), `large-files` (globs whose blobs may
exceed `max-file-bytes`, such as `"assets/**"` or `"**/*.woff2"`; default none);
`enabled = false` turns it off.
"#
);

/// Blobs larger than this are never read; one on the new side counts as binary content.
const MAX_READ_BLOB: u64 = 16 * 1024 * 1024;

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.change.is_merge {
        return Ok(Vec::new());
    }
    let limits = &cx.config.rules.commit_size;
    let mut out = Vec::new();
    let mut tally = Tally::default();
    let reused = reused_large_blobs(cx)?;
    for file in &cx.change.files {
        if let Some(new) = file.new.as_ref().filter(|n| n.kind.is_blob()) {
            // No size: the object store lacks the blob and nothing recorded its size. The limit
            // cannot be judged without it (fail closed).
            let Some(size) = new.size else {
                return Err(TreeError {
                    what: format!("blob {}", new.id),
                    reason: format!(
                        "not found in the object store, so the size of {} cannot be judged",
                        file.path
                    ),
                });
            };
            if size > limits.max_file_bytes {
                // Judged by this limit alone; it counts toward neither lines nor binary bytes.
                if !reused.contains(new.id.as_str()) {
                    out.extend(large_blob(cx, file, size));
                }
                continue;
            }
        }
        // A path counts by where its content ends up: the new path of a rename.
        if uncounted(cx, &file.path) {
            continue;
        }
        tally.add(cx, file)?;
    }
    let files = cx.change.files.len() as u64;
    if tally.lines > limits.max_lines || files > limits.max_files {
        out.push(
            cx.violation(Finding::CommitSize(CommitSize::TooLarge(TooLarge {
                lines: tally.lines,
                capped: tally.capped,
                files,
                max_lines: limits.max_lines,
                max_files: limits.max_files,
                long_lines: tally.long_lines,
                line_bytes: limits.line_bytes,
                largest: tally.largest(),
                uncounted: tally.uncounted,
            }))),
        );
    }
    if tally.binary_bytes > limits.max_binary_bytes {
        out.push(cx.violation(Finding::CommitSize(CommitSize::BinaryContent(
            BinaryContent {
                bytes: tally.binary_bytes,
                files: tally.binary_files,
                max_binary_bytes: limits.max_binary_bytes,
            },
        ))));
    }
    Ok(out)
}

/// Whether the lines and binary bytes at `path` do not count: an `exclude` path or a planning
/// document (lockfiles are judged by their content).
fn uncounted(cx: &Context<'_>, path: &RepoPath) -> bool {
    cx.config.rules.commit_size.exclude.is_match(path) || cx.config.layout.is_planning(path)
}

/// The ids of the blobs over `max-file-bytes` that the base already holds under some path that
/// is not a `large-files` one: renamed, moved or copied, committed and accepted before, not new
/// to the change. Held only under a `large-files` path, a blob was accepted there and nowhere
/// else. The paths the change deletes or modifies answer most cases; the base tree is walked,
/// once, only for a large blob they do not hold.
fn reused_large_blobs(cx: &Context<'_>) -> Result<HashSet<String>, TreeError> {
    let limits = &cx.config.rules.commit_size;
    let large: HashSet<&str> = cx
        .change
        .files
        .iter()
        .filter(|file| !limits.large_files.is_match(&file.path))
        .filter_map(|file| file.new.as_ref())
        .filter(|new| new.kind.is_blob() && new.size.unwrap_or(0) > limits.max_file_bytes)
        .map(|new| new.id.as_str())
        .collect();
    if large.is_empty() {
        return Ok(HashSet::new());
    }
    let mut reused: HashSet<String> = cx
        .change
        .files
        .iter()
        .filter(|file| !limits.large_files.is_match(file.old_path()))
        .filter_map(|file| file.old.as_ref())
        .filter(|old| large.contains(old.id.as_str()))
        .map(|old| old.id.clone())
        .collect();
    let unknown: Vec<&str> = large
        .into_iter()
        .filter(|id| !reused.contains(*id))
        .collect();
    if !unknown.is_empty() {
        let counts = |path: &RepoPath| !limits.large_files.is_match(path);
        reused.extend(cx.trees.held_blobs(Side::Base, &unknown, &counts)?);
    }
    Ok(reused)
}

/// A blob new to the change over `max-file-bytes`, unless its path is a `large-files` one.
fn large_blob(cx: &Context<'_>, file: &FileChange, size: u64) -> Option<Violation> {
    let limits = &cx.config.rules.commit_size;
    if limits.large_files.is_match(&file.path) {
        return None;
    }
    let change = match (&file.renamed_from, &file.old) {
        (Some(from), _) if limits.large_files.is_match(from) => BlobChange::MovesOutOfLargeFiles,
        (Some(_), _) => BlobChange::RenamesAndChanges,
        (None, Some(_)) => BlobChange::Changes,
        (None, None) => BlobChange::Adds,
    };
    Some(
        cx.violation(Finding::CommitSize(CommitSize::LargeBlob(LargeBlob {
            path: file.path.clone(),
            change,
            renamed_from: file.renamed_from.clone(),
            size,
            max_file_bytes: limits.max_file_bytes,
        }))),
    )
}

/// What a commit adds up to so far.
#[derive(Default)]
struct Tally {
    lines: u64,
    /// Whether `lines` is only a lower bound: counting stopped past the limit.
    capped: bool,
    /// Whether a counted text has a line longer than `line-bytes`.
    long_lines: bool,
    binary_bytes: u64,
    binary_files: Vec<RepoPath>,
    /// Each counted file's lines; `true` when the count is a lower bound.
    per_file: Vec<(RepoPath, u64, bool)>,
    /// Files left uncounted once the count passed the limit.
    uncounted: usize,
}

/// One side of a file, as far as counting goes.
pub(crate) enum Content {
    /// No blob: the side does not exist, or it is a submodule.
    Nothing,
    Text(Vec<u8>),
    /// Binary by content, or too large to read; with its size.
    Binary(u64),
}

impl Content {
    pub(crate) fn read(cx: &Context<'_>, entry: Option<&Entry>) -> Result<Self, TreeError> {
        let Some(entry) = entry.filter(|e| e.kind.is_blob()) else {
            return Ok(Content::Nothing);
        };
        if let Some(size) = entry.size.filter(|&size| size > MAX_READ_BLOB) {
            return Ok(Content::Binary(size));
        }
        let data = cx.trees.blob(&entry.id)?;
        Ok(if content::is_binary(&data) {
            Content::Binary(data.len() as u64)
        } else {
            Content::Text(data)
        })
    }

    pub(crate) fn text(&self) -> Option<&[u8]> {
        match self {
            Content::Text(data) => Some(data),
            _ => None,
        }
    }
}

impl Tally {
    fn add(&mut self, cx: &Context<'_>, file: &FileChange) -> Result<(), TreeError> {
        let limits = &cx.config.rules.commit_size;
        // Renamed out of a path whose content does not count (an `exclude` path, a planning
        // document, a genuine lockfile): everything it holds is new where it lands.
        let moved_out_of_uncounted = match &file.renamed_from {
            Some(from) => {
                uncounted(cx, from)
                    || match Lockfile::of(from) {
                        Some(kind) if Lockfile::of(&file.path) != Some(kind) => {
                            let side = Content::read(cx, file.old.as_ref())?;
                            side.text().is_some_and(|data| kind.is_genuine(data))
                        }
                        _ => false,
                    }
            }
            None => false,
        };
        if let (Some(old), Some(new)) = (&file.old, &file.new) {
            if old.id == new.id && !moved_out_of_uncounted {
                return Ok(());
            }
        }
        // A deletion whose content the object store lacks (a partial clone) adds nothing to
        // review: it counts as a file, its lines are not read.
        if let (Some(old), None) = (&file.old, &file.new) {
            if old.kind.is_blob() && !cx.trees.has_blob(&old.id) {
                return Ok(());
            }
        }
        let new = Content::read(cx, file.new.as_ref())?;
        let mut old = moved_out_of_uncounted.then_some(Content::Nothing);
        if let Some(kind) = Lockfile::of(&file.path) {
            // The new side decides; a deleted lockfile, its old side.
            let genuine = match &new {
                Content::Nothing if file.new.is_none() => {
                    let side = Content::read(cx, file.old.as_ref())?;
                    let genuine = side.text().is_some_and(|data| kind.is_genuine(data));
                    old = Some(side);
                    genuine
                }
                side => side.text().is_some_and(|data| kind.is_genuine(data)),
            };
            if genuine {
                return Ok(());
            }
        }
        if let Content::Binary(size) = new {
            self.binary_bytes = self.binary_bytes.saturating_add(size);
            self.binary_files.push(file.path.clone());
        }
        let past_limit = self.lines > limits.max_lines;
        if past_limit {
            // Past the limit the verdict is known; the rest counts only toward naming the
            // largest files.
            self.capped = true;
            if matches!(new, Content::Binary(_)) {
                return Ok(());
            }
        }
        let old = match old {
            Some(side) => side,
            None => Content::read(cx, file.old.as_ref())?,
        };
        if past_limit {
            self.count_past_limit(file, &old, &new, limits.line_bytes, limits.max_lines);
            return Ok(());
        }
        let remaining = limits.max_lines - self.lines;
        let count = self.count_file(file, &old, &new, limits.line_bytes, remaining);
        match count {
            Count::Exact(lines) => self.lines = self.lines.saturating_add(lines),
            Count::MoreThan(_) => {
                self.lines = limits.max_lines.saturating_add(1);
                self.capped = true;
            }
        }
        Ok(())
    }
}

impl Tally {
    /// A file met once the count has passed the limit: counted (up to the limit) only when it
    /// may be one of the three largest, so that the message names the largest files, not the
    /// first ones in path order. Every line of both sides bounds its count from above.
    fn count_past_limit(
        &mut self,
        file: &FileChange,
        old: &Content,
        new: &Content,
        line_bytes: u64,
        max_lines: u64,
    ) {
        let weight = |side: &Content| {
            side.text()
                .map_or(0, |t| distance::text_weight(t, line_bytes))
        };
        let bound = weight(old).saturating_add(weight(new));
        let mut counted: Vec<u64> = self.per_file.iter().map(|(_, lines, _)| *lines).collect();
        counted.sort_unstable_by(|a, b| b.cmp(a));
        let third = counted.get(2).copied().unwrap_or(0);
        if bound <= third {
            self.uncounted += 1;
            return;
        }
        self.count_file(file, old, new, line_bytes, max_lines);
    }

    /// Counts `file`'s changed lines, up to `limit`, notes whether a side has a long line, and
    /// records the count among the files counted.
    fn count_file(
        &mut self,
        file: &FileChange,
        old: &Content,
        new: &Content,
        line_bytes: u64,
        limit: u64,
    ) -> Count {
        let count = match (old.text(), new.text()) {
            (Some(before), Some(after)) => {
                distance::changed_lines(before, after, line_bytes, limit)
            }
            (Some(text), None) | (None, Some(text)) => {
                Count::Exact(distance::text_weight(text, line_bytes))
            }
            (None, None) => Count::Exact(0),
        };
        self.long_lines |= [old.text(), new.text()]
            .into_iter()
            .flatten()
            .any(|text| has_long_line(text, line_bytes));
        self.per_file.push(match count {
            Count::Exact(lines) => (file.path.clone(), lines, false),
            Count::MoreThan(lines) => (file.path.clone(), lines, true),
        });
        count
    }

    /// The three files with the most counted lines, the largest first; none when nothing was
    /// counted.
    fn largest(&self) -> Vec<FileLines> {
        let mut files: Vec<&(RepoPath, u64, bool)> = self
            .per_file
            .iter()
            .filter(|(_, lines, _)| *lines > 0)
            .collect();
        files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        files
            .into_iter()
            .take(3)
            .map(|(path, lines, capped)| FileLines {
                path: path.clone(),
                lines: *lines,
                capped: *capped,
            })
            .collect()
    }
}

fn has_long_line(text: &[u8], line_bytes: u64) -> bool {
    distance::lines(text).any(|line| distance::line_weight(line, line_bytes) > 1)
}
