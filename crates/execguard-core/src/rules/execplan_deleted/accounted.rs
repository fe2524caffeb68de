//! A plan deleted and accounted for in the same commit: another plan records its removal.

use std::collections::HashSet;

use crate::context::Context;
use crate::model::{RepoPath, Side, TreeError};

/// Another execplan the change leaves in the tree (added, edited or moved, and not emptied)
/// whose text the change adds names the deleted plan: its path, its file name, or its feature
/// when that has more than one word (`declarative-command-policy`). The plan that supersedes it
/// says so ("the superseded `declarative-command-policy.md` is removed"): the removal is recorded
/// where a reader of the plans looks. Text the plan already had does not count: an old mention
/// records no removal.
pub(super) fn superseded_by(
    cx: &Context<'_>,
    old_path: &RepoPath,
    feature: &str,
    removed_here: impl Fn(&RepoPath) -> Result<bool, TreeError>,
) -> Result<Option<RepoPath>, TreeError> {
    let plans = &cx.config.layout.execplans;
    for file in &cx.change.files {
        if file.new.is_none()
            || &file.path == old_path
            || file.old_path() == old_path
            || plans.feature_of(&file.path).is_none()
            || removed_here(&file.path)?
        {
            continue;
        }
        let Some(new) = cx.text(Side::New, &file.path)? else {
            continue;
        };
        let old = match &file.old {
            Some(_) => cx.text(Side::Base, file.old_path())?,
            None => None,
        };
        let had: HashSet<&str> = old
            .as_deref()
            .map_or_else(HashSet::new, |old| old.lines().map(str::trim).collect());
        let added = new
            .lines()
            .map(str::trim)
            .filter(|line| !had.contains(line));
        if added
            .into_iter()
            .any(|line| names_plan(line, old_path, feature))
        {
            return Ok(Some(file.path.clone()));
        }
    }
    Ok(None)
}

/// Whether `line` names the plan at `path` of `feature`: its path, its file name, or its feature
/// as a word of its own when the feature has more than one word (one word, `login`, is too
/// common to name a plan).
fn names_plan(line: &str, path: &RepoPath, feature: &str) -> bool {
    let path = path.to_text();
    let name = path.rsplit('/').next().unwrap_or(&path);
    if line.contains(&*path) || line.contains(name) {
        return true;
    }
    let words = feature
        .split(['-', '_', ' ', '.'])
        .filter(|word| !word.is_empty())
        .count();
    words > 1 && contains_word(line, feature)
}

/// Whether `needle` occurs in `line` with no letter, digit, `-` or `_` on either side.
fn contains_word(line: &str, needle: &str) -> bool {
    let part_of_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    line.match_indices(needle).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + needle.len()..].chars().next();
        !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_named_by_its_path_file_name_or_many_word_feature() {
        let path = RepoPath::new("docs/exec-plans/active/declarative-command-policy.md");
        let feature = "declarative-command-policy";
        for line in [
            "the superseded ExecPlan `docs/exec-plans/active/declarative-command-policy.md` is removed",
            "declarative-command-policy.md is removed",
            "the declarative-command-policy plan is superseded",
        ] {
            assert!(names_plan(line, &path, feature), "{line}");
        }
        for line in [
            "the declarative command policy",
            "a declarative-command-policy-v2 plan",
        ] {
            assert!(!names_plan(line, &path, feature), "{line}");
        }
        // One word is too common to name a plan; its file name still does.
        let path = RepoPath::new("plans/login.md");
        assert!(!names_plan("the login is next", &path, "login"));
        assert!(names_plan("plans/login.md is gone", &path, "login"));
    }
}
