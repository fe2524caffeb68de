use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::engine::Context;
use crate::model::{Entry, FileChange, TreeError};
use crate::registry::RuleId;
use crate::report::Violation;

rule_doc!(
    r#"commit-size: commits stay small enough to review.

## What it checks
A commit may change at most 400 lines (added plus deleted, in text files) in at most 25 files, and
may not add or modify a blob larger than 1 MiB. Lockfiles (`Cargo.lock`, `package-lock.json`,
`yarn.lock`, `pnpm-lock.yaml`, `go.sum`, `poetry.lock`, `uv.lock`, `Gemfile.lock`,
`composer.lock`) and the planning documents (specs, design notes, execplans) do not count toward
lines. A rename counts only the lines it changes. Binary files and submodules count toward files,
not lines. Merge commits are exempt.

## Why
A reviewer can judge a few hundred lines; nobody reviews 3,000. Small commits also make a bad step
cheap to revert and keep the execplan's Progress in step with the code.

## Example
A commit of 1,210 lines in 31 files is refused:

```text
error[commit-size]: this commit changes 1210 lines in 31 files; the limits are 400 lines and 25 files
```

## How to comply
Split the work: unstage part of it (`git restore --staged <paths>`), commit a coherent piece with
its Progress entry, and continue. A large file that must be vendored gets a human's trailer
`Execguard-Override: commit-size: <reason>`.

## Configuration
`[rules.commit-size]` `max-lines` (400), `max-files` (25), `max-file-bytes` (1048576), `exclude`
(globs that do not count toward lines; default the lockfiles above); `enabled = false` turns it off.
"#
);

/// Blobs larger than this are not read for line counts; they count as binary.
const MAX_COUNTED_BLOB: u64 = 16 * 1024 * 1024;

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.change.is_merge {
        return Ok(Vec::new());
    }
    let limits = &cx.config.rules.commit_size;
    let mut out = Vec::new();
    let mut lines = 0u64;
    for file in &cx.change.files {
        if let Some(new) = file.new.as_ref().filter(|n| n.kind.is_blob()) {
            let size = new.size.unwrap_or(0);
            if size > limits.max_file_bytes {
                out.push(cx.violation(
                    RuleId::CommitSize,
                    Some(&file.path),
                    format!(
                        "{} adds {}, a blob of {} bytes; the limit is {} bytes.",
                        cx.subject_name(),
                        file.path,
                        size,
                        limits.max_file_bytes
                    ),
                    "Keep large files out of the repository (use a package, a download step or Git LFS). If it must be committed, a human adds `Execguard-Override: commit-size: <reason>`.".to_string(),
                ));
                continue;
            }
        }
        let counted = !file
            .touched_paths()
            .any(|p| limits.exclude.is_match(p) || cx.config.layout.is_planning(p));
        if counted {
            lines += changed_lines(cx, file)?;
        }
    }
    let files = cx.change.files.len() as u64;
    if lines > limits.max_lines || files > limits.max_files {
        out.push(cx.violation(
            RuleId::CommitSize,
            None,
            format!(
                "{} changes {lines} lines in {files} files; the limits are {} lines and {} files.",
                cx.subject_name(),
                limits.max_lines,
                limits.max_files
            ),
            "Split the work into smaller commits: unstage part of it (`git restore --staged <paths>`), commit a coherent piece with its Progress entry, then continue.".to_string(),
        ));
    }
    Ok(out)
}

fn changed_lines(cx: &Context<'_>, file: &FileChange) -> Result<u64, TreeError> {
    if file
        .old
        .as_ref()
        .zip(file.new.as_ref())
        .is_some_and(|(o, n)| o.id == n.id)
    {
        return Ok(0);
    }
    // A submodule or an oversized blob on either side has no lines to count.
    let uncountable = |entry: &Option<Entry>| {
        entry
            .as_ref()
            .is_some_and(|e| !e.kind.is_blob() || e.size.is_some_and(|s| s > MAX_COUNTED_BLOB))
    };
    if uncountable(&file.old) || uncountable(&file.new) {
        return Ok(0);
    }
    let read = |entry: &Option<Entry>| entry.as_ref().map(|e| cx.trees.blob(&e.id)).transpose();
    let old = read(&file.old)?;
    let new = read(&file.new)?;
    Ok(count_changed_lines(old.as_deref(), new.as_deref()))
}

/// Added plus deleted lines between two blobs; 0 when either is binary.
pub fn count_changed_lines(old: Option<&[u8]>, new: Option<&[u8]>) -> u64 {
    if old.is_some_and(is_binary) || new.is_some_and(is_binary) {
        return 0;
    }
    let old = old.map(split_lines).unwrap_or_default();
    let new = new.map(split_lines).unwrap_or_default();
    if old.is_empty() || new.is_empty() {
        return (old.len() + new.len()) as u64;
    }
    capture_diff_slices(Algorithm::Myers, &old, &new)
        .iter()
        .map(|op| match *op {
            DiffOp::Equal { .. } => 0,
            DiffOp::Delete { old_len, .. } => old_len,
            DiffOp::Insert { new_len, .. } => new_len,
            DiffOp::Replace {
                old_len, new_len, ..
            } => old_len + new_len,
        } as u64)
        .sum()
}

/// git's heuristic: a NUL byte in the first 8000 bytes.
fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(8000)].contains(&0)
}

fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    if data.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::count_changed_lines;

    #[test]
    fn counts_like_git_numstat() {
        assert_eq!(count_changed_lines(None, Some(b"a\nb\n")), 2);
        assert_eq!(count_changed_lines(Some(b"a\nb\n"), None), 2);
        assert_eq!(
            count_changed_lines(Some(b"a\nb\nc\n"), Some(b"a\nB\nc\n")),
            2
        );
        assert_eq!(count_changed_lines(Some(b"a\n"), Some(b"a\nb")), 1);
        assert_eq!(count_changed_lines(Some(b"a\0"), Some(b"b")), 0);
        assert_eq!(count_changed_lines(Some(b""), Some(b"x\n")), 1);
    }
}
