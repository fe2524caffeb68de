//! The commits `progress-update` asks nothing of: exempt authors and trailers, data and binary
//! files, small fixes and merge resolutions within their allowance.

use crate::context::Context;
use crate::model::{FileChange, TreeError};
use crate::rules::commit_size::distance::{changed_lines, lines, text_weight, Count};
use crate::rules::commit_size::Content;

/// Whether the author or a trailer of the message matches `exempt-authors` or
/// `exempt-trailers` (dependency bots). Before the message exists (pre-commit), a commit may
/// still carry an exempting trailer: the commit-msg hook judges it.
pub(super) fn by_author_or_trailer(cx: &Context<'_>) -> bool {
    let settings = &cx.config.rules.progress_update;
    if cx.message.is_none() && !settings.exempt_trailers.is_empty() {
        return true;
    }
    let by_author = cx
        .change
        .author
        .as_deref()
        .is_some_and(|author| settings.exempt_authors.find(author).is_some());
    let by_trailer = !settings.exempt_trailers.is_empty()
        && cx.message.as_ref().is_some_and(|message| {
            message.trailers().iter().any(|(key, value)| {
                settings
                    .exempt_trailers
                    .find(&format!("{key}: {value}"))
                    .is_some()
            })
        });
    by_author || by_trailer
}

/// The changed code files whose content is neither binary (unless `[layout] binary-is-code`)
/// nor generated (a generator's marker in its header comment, `[layout] generated-markers`): a
/// file is judged by its new content, or its old one when deleted. A file that was there before
/// is generated only when its old content carried a marker too: writing a marker into a
/// hand-written file does not take its changes out of the code. Nor is a package manifest whose
/// change touches only the package's release metadata (unless `[layout]
/// release-metadata-is-code`), nor a file whose mode alone changed.
pub(super) fn code_by_content<'a>(cx: &Context<'a>) -> Result<Vec<&'a FileChange>, TreeError> {
    // A mode flip (`chmod +x` on a script) writes no line: it is no work to record in Progress,
    // and a snapshot of a working tree flipping a thousand modes is not a thousand files of work.
    let mut code = cx.code_changes();
    code.retain(|file| !file.mode_only());
    let layout = &cx.config.layout;
    if layout.binary_is_code
        && layout.generated_markers.is_empty()
        && layout.release_metadata_is_code
    {
        return Ok(code);
    }
    let mut out = Vec::with_capacity(code.len());
    for file in code {
        let side = file.new.as_ref().or(file.old.as_ref());
        match Content::read(cx, side)? {
            Content::Binary(_) if !layout.binary_is_code => {}
            Content::Text(data)
                if layout.generated_markers.is_generated(&data) && was_generated(cx, file)? => {}
            Content::Text(data)
                if !layout.release_metadata_is_code && release_only(cx, file, &data)? => {}
            _ => out.push(file),
        }
    }
    Ok(out)
}

/// Whether a package manifest's change is release bookkeeping only (see `release`); `new` is
/// its new content.
fn release_only(cx: &Context<'_>, file: &FileChange, new: &[u8]) -> Result<bool, TreeError> {
    if file.new.is_none() || file.old.is_none() {
        return Ok(false);
    }
    Ok(match Content::read(cx, file.old.as_ref())? {
        Content::Text(old) => super::release::release_metadata_only(file, &old, new),
        _ => false,
    })
}

/// Whether the version a change replaces, if there is one, carried a generator's marker too.
fn was_generated(cx: &Context<'_>, file: &FileChange) -> Result<bool, TreeError> {
    if file.new.is_none() || file.old.is_none() {
        return Ok(true);
    }
    Ok(match Content::read(cx, file.old.as_ref())? {
        Content::Text(data) => cx.config.layout.generated_markers.is_generated(&data),
        _ => false,
    })
}

/// Whether the code a change touches is within the allowance of a merge's resolution
/// (`merge-resolution-lines`) or of a small fix (`small-fix-lines` in `small-fix-files`).
pub(super) fn small_enough(cx: &Context<'_>, code: &[&FileChange]) -> Result<bool, TreeError> {
    let settings = &cx.config.rules.progress_update;
    if cx.change.merge_resolution
        && new_code_lines(cx, code, settings.merge_resolution_lines)?
            <= settings.merge_resolution_lines
    {
        return Ok(true);
    }
    if settings.small_fix_lines > 0
        && code.len() as u64 <= settings.small_fix_files
        && code_lines(cx, code, settings.small_fix_lines)? <= settings.small_fix_lines
    {
        return Ok(true);
    }
    Ok(false)
}

/// Lines of code the change adds (a line rewritten counts once, a line deleted not at all),
/// counted only until they pass `limit`: the size of the work, which taking code out is not.
pub(super) fn added_lines(
    cx: &Context<'_>,
    code: &[&FileChange],
    limit: u64,
) -> Result<u64, TreeError> {
    let mut total = 0u64;
    for file in code {
        if total > limit {
            break;
        }
        let old = Content::read(cx, file.old.as_ref())?;
        let new = Content::read(cx, file.new.as_ref())?;
        let left = limit.saturating_sub(total);
        total += match (old.text(), new.text()) {
            (Some(old), Some(new)) => {
                let (olds, news) = (lines(old).count() as u64, lines(new).count() as u64);
                // added = (changed + news - olds) / 2, so added > left once changed passes this.
                let bound = left
                    .saturating_mul(2)
                    .saturating_add(olds)
                    .saturating_sub(news);
                match changed_lines(old, new, u64::MAX, bound) {
                    Count::Exact(changed) => (changed + news).saturating_sub(olds) / 2,
                    Count::MoreThan(_) => left + 1,
                }
            }
            (None, Some(text)) => text_weight(text, u64::MAX),
            // Binary content written counts as one line; a deletion adds nothing.
            (_, None) => u64::from(file.new.is_some()),
        };
    }
    Ok(total)
}

/// Lines of new code a merge's resolution writes, counted only until they pass `limit`: the
/// lines its result has more often than the re-merge of its parents (which holds both sides of
/// every conflict), apart from blank lines and comments (a `TODO` left at a conflict). Lines it
/// drops only choose between the sides.
fn new_code_lines(cx: &Context<'_>, code: &[&FileChange], limit: u64) -> Result<u64, TreeError> {
    let mut total = 0u64;
    for file in code {
        if total > limit {
            break;
        }
        let old = Content::read(cx, file.old.as_ref())?;
        let new = Content::read(cx, file.new.as_ref())?;
        let Some(new) = new.text() else {
            // Binary content written by the merge itself.
            total += u64::from(file.new.is_some());
            continue;
        };
        let mut had: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
        for line in old.text().unwrap_or_default().split(|&b| b == b'\n') {
            *had.entry(line.trim_ascii()).or_default() += 1;
        }
        for line in new.split(|&b| b == b'\n') {
            let line = line.trim_ascii();
            match had.get_mut(line) {
                Some(count) if *count > 0 => *count -= 1,
                _ if line.is_empty() || is_comment(line) => {}
                _ => total += 1,
            }
        }
    }
    Ok(total)
}

/// Whether a trimmed line is a comment in the usual syntaxes: `//`, `/* */` and its `*` lines,
/// `# ` (not `#[attr]` or `#include`), `-- `, `<!-- -->`, `;`.
fn is_comment(line: &[u8]) -> bool {
    ["//", "/*", "*", "<!--", ";", "-- "]
        .iter()
        .any(|start| line.starts_with(start.as_bytes()))
        || line == b"#"
        || line == b"--"
        || line.starts_with(b"# ")
}

/// Changed lines (added plus deleted) of the code files, counted only until they pass `limit`.
fn code_lines(cx: &Context<'_>, code: &[&FileChange], limit: u64) -> Result<u64, TreeError> {
    let mut total = 0u64;
    for file in code {
        if total > limit {
            break;
        }
        if let (Some(old), Some(new)) = (&file.old, &file.new) {
            if old.id == new.id {
                continue;
            }
        }
        let old = Content::read(cx, file.old.as_ref())?;
        let new = Content::read(cx, file.new.as_ref())?;
        let left = limit.saturating_sub(total);
        total += match (old.text(), new.text()) {
            (Some(old), Some(new)) => match changed_lines(old, new, u64::MAX, left) {
                Count::Exact(n) => n,
                Count::MoreThan(_) => left + 1,
            },
            (None, Some(text)) | (Some(text), None) => text_weight(text, u64::MAX),
            // Binary content, or nothing on either side: a change of its own.
            (None, None) => 1,
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::is_comment;

    #[test]
    fn comments_are_told_from_code() {
        for line in [
            "// TODO: reconcile",
            "/* keep both */",
            "* continued",
            "# TODO",
            "#",
            "-- TODO",
            "<!-- TODO -->",
            "; TODO",
        ] {
            assert!(is_comment(line.as_bytes()), "{line}");
        }
        for line in [
            "#[derive(Debug)]",
            "#include <stdio.h>",
            "pub fn reconcile() {}",
            "--flag",
            "x = 1 # TODO",
        ] {
            assert!(!is_comment(line.as_bytes()), "{line}");
        }
    }
}
