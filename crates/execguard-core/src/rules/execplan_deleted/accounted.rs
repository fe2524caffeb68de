//! A plan deleted and accounted for in the same commit: another plan, or the commit message,
//! records its removal.

use std::collections::HashSet;

use crate::context::Context;
use crate::model::{RepoPath, Side, TreeError};
use crate::trailers::Message;

/// Whether the commit message names the deleted plan, as [`superseded_by`] asks of a plan's
/// added text: the commit says what it removes ("Delete orphaned progress-bar-plan.md"). Only
/// the lines a person wrote count, not the trailers (an `Execplan:` trailer names the feature a
/// commit works on, whatever it does to the plan).
pub(super) fn named_in_message(message: &Message, old_path: &RepoPath, feature: &str) -> bool {
    message
        .prose()
        .iter()
        .any(|line| names_plan(line.trim(), old_path, feature))
}

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

/// Whether `line` names the plan at `path` of `feature`: its path, its file name (with or
/// without `.md`) when the file name holds the feature (`PLAN.md` in each feature's folder names
/// none of them), or its feature; a name without its folder or `.md`, and the feature, only when
/// of more than one word (one word, `login`, is too common to name a plan). Each as a word of its
/// own: `login.md` is not named by `old-login.md`.
fn names_plan(line: &str, path: &RepoPath, feature: &str) -> bool {
    let path = path.to_text();
    let name = path.rsplit('/').next().unwrap_or(&path);
    let stem = name
        .get(name.len().saturating_sub(3)..)
        .filter(|ext| ext.eq_ignore_ascii_case(".md"))
        .map_or(name, |_| &name[..name.len() - 3]);
    if contains_word(line, &path) {
        return true;
    }
    if !feature.is_empty()
        && stem.contains(feature)
        && (contains_word(line, name) || (many_words(stem) && contains_word(line, stem)))
    {
        return true;
    }
    many_words(feature) && contains_word(line, feature)
}

/// Whether `name` has more than one word (split at `-`, `_`, spaces and dots).
fn many_words(name: &str) -> bool {
    name.split(['-', '_', ' ', '.'])
        .filter(|word| !word.is_empty())
        .count()
        > 1
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
        assert!(names_plan("Remove login.md", &path, "login"));
        assert!(!names_plan("Remove old-login.md", &path, "login"));
    }

    #[test]
    fn a_file_name_without_md_or_the_feature_names_it_only_when_distinct() {
        let path = RepoPath::new("plans/progress-bar-plan.md");
        for line in [
            "Delete orphaned progress-bar-plan.md ExecPlan (task 120 cancelled)",
            "Delete the progress-bar-plan ExecPlan",
        ] {
            assert!(names_plan(line, &path, "progress-bar"), "{line}");
        }
        for line in ["remove plans/", "delete old plans", "Delete plan.md"] {
            assert!(!names_plan(line, &path, "progress-bar"), "{line}");
        }
        // A file name every feature's folder has names no plan; the path still does.
        let path = RepoPath::new("plans/login/PLAN.md");
        assert!(!names_plan("Remove PLAN.md", &path, "login"));
        assert!(names_plan("Remove plans/login/PLAN.md", &path, "login"));
    }

    #[test]
    fn a_message_names_a_plan_in_its_prose_not_its_trailers() {
        let path = RepoPath::new("plans/session-policy-execplan.md");
        let message = |raw: &str| Message::parse(raw, Some("#"));
        assert!(named_in_message(
            &message("Remove session-policy-execplan.md\n"),
            &path,
            "session-policy"
        ));
        assert!(!named_in_message(
            &message("Tidy up\n\nExecplan: session-policy\n"),
            &path,
            "session-policy"
        ));
        assert!(!named_in_message(
            &message("Tidy up\n# deleted: plans/session-policy-execplan.md\n"),
            &path,
            "session-policy"
        ));
    }
}
