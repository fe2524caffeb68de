//! Editor and file-manager copies of a plan: `plan 2.md`, `plan copy.md`, `plan (1).md`.

use crate::context::Context;
use crate::model::{RepoPath, Side, TreeError};

/// The suffixes copy tools put before the extension, longest first so that `copy 2` wins over
/// ` 2`: macOS Finder and editors (` 2`, ` copy`, ` copy 2`), Windows Explorer (` - Copy`,
/// ` - Copy (2)`), browsers and download managers (` (1)`), and a hand-made `-copy`. Matched
/// case-insensitively; `N` is a number.
const COPY_SUFFIXES: &[&str] = &[
    " - copy (N)",
    " - copy",
    " copy N",
    " copy",
    "-copy",
    " (N)",
    " N",
];

/// The names of the files the name `name` (one path component) would be a copy of: the name
/// without a copy suffix before its extension (`plan 2.md` gives `plan.md`). Empty when it has
/// none.
pub(super) fn originals(name: &str) -> Vec<String> {
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    COPY_SUFFIXES
        .iter()
        .filter_map(|suffix| strip_suffix(stem, suffix))
        .filter(|base| !base.trim().is_empty())
        .map(|base| format!("{base}{ext}"))
        .collect()
}

/// `stem` without `suffix` at its end, where `N` in the suffix is a number of one to three
/// digits not starting with 0 (` 1` is no Finder copy, so ` N` alone wants 2 or more).
fn strip_suffix<'a>(stem: &'a str, suffix: &str) -> Option<&'a str> {
    let (before, after) = suffix.split_once('N').unwrap_or((suffix, ""));
    let lower = stem.to_ascii_lowercase();
    let body = lower.strip_suffix(after)?;
    let digits = body.len() - body.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let body = if suffix.contains('N') {
        let number = &body[body.len() - digits..];
        if digits == 0 || digits > 3 || number.starts_with('0') || (suffix == " N" && number == "1")
        {
            return None;
        }
        &body[..body.len() - digits]
    } else {
        body
    };
    let base = body.strip_suffix(before)?;
    // Lowercasing ASCII keeps byte offsets, so the length carries over to the original.
    Some(&stem[..base.len()])
}

/// The plan `path` is a copy of, when the new tree keeps it: another execplan in the same folder
/// whose name is this one's without the copy suffix, a blob the change neither deletes nor
/// empties. Deleting such a copy loses nothing the team did not keep under the plan's own name.
pub(super) fn original_kept(
    cx: &Context<'_>,
    path: &RepoPath,
    removed_here: impl Fn(&RepoPath) -> Result<bool, TreeError>,
) -> Result<Option<RepoPath>, TreeError> {
    let Ok(text) = std::str::from_utf8(path.as_bytes()) else {
        return Ok(None);
    };
    let (folder, name) = match text.rfind('/') {
        Some(slash) => (&text[..=slash], &text[slash + 1..]),
        None => ("", text),
    };
    for original in originals(name) {
        let original = RepoPath::from(format!("{folder}{original}").as_str());
        if cx.config.layout.execplans.feature_of(&original).is_none() {
            continue;
        }
        let kept = cx
            .trees
            .entry(Side::New, &original)?
            .is_some_and(|entry| entry.kind.is_blob());
        if kept && !removed_here(&original)? {
            return Ok(Some(original));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::originals;

    #[test]
    fn copy_suffixes_name_their_original() {
        for (copy, original) in [
            (
                "execplan-substrate-migration 2.md",
                "execplan-substrate-migration.md",
            ),
            ("plan 9.md", "plan.md"),
            ("plan 12.md", "plan.md"),
            ("plan copy.md", "plan.md"),
            ("plan Copy 2.md", "plan.md"),
            ("plan - Copy.md", "plan.md"),
            ("plan - Copy (3).md", "plan.md"),
            ("plan (1).md", "plan.md"),
            ("plan-copy.md", "plan.md"),
        ] {
            assert!(
                originals(copy).contains(&original.to_string()),
                "{copy}: {:?}",
                originals(copy)
            );
        }
    }

    #[test]
    fn names_without_a_copy_suffix_have_no_original() {
        for name in [
            "plan.md",
            "plan 1.md",
            "phase 02.md",
            "plan2.md",
            "copy.md",
            " 2.md",
            "v1234.md",
            "plan 1234.md",
            "plan-copyedit.md",
        ] {
            assert!(originals(name).is_empty(), "{name}: {:?}", originals(name));
        }
    }
}
