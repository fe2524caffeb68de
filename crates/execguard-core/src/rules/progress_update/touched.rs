//! Which execplans a change touches, and which of them make it planned work under
//! `require = "planned-work"`.

use std::collections::HashSet;

use crate::context::Context;
use crate::findings::{SetAsidePlan, SetAsideWhy};
use crate::markdown::{renders_the_same, section_text, shape_with_records};
use crate::model::{FileChange, RepoPath, Side, TreeError};
use crate::progress::section_keys;

/// Whether the change touches an open execplan: one that, as the change leaves it, has the
/// Progress section and is not kept where closed plans are (`[layout] closed-plans`), and whose
/// rendered text it changes. Archiving a plan beside a routine change, a fix after its plan was
/// archived, an edit of a plan of another era, written without the section, a formatting
/// pass over a plan (rewrapped, re-indented, other list markers), a move of a plan with its
/// rendered text unchanged (another folder or name; git's rename), or an edit that only keeps the
/// plan's text in sync with names the code replaces (see `synced`) is not work under a plan.
pub(crate) fn touches_open_execplan(cx: &Context<'_>) -> Result<bool, TreeError> {
    Ok(first_open_execplan(cx)?.is_some())
}

/// The first open execplan the change touches, as [`touches_open_execplan`] judges them.
pub(super) fn first_open_execplan(cx: &Context<'_>) -> Result<Option<RepoPath>, TreeError> {
    cx.open_execplan(|| {
        for file in touched_execplans(cx) {
            if why_set_aside(cx, file)?.is_none() {
                return Ok(Some(file.path.clone()));
            }
        }
        Ok(None)
    })
}

/// The execplans the change touches that do not make it planned work, and why: so that the
/// finding says what is wrong with the plan rather than that there is none.
pub(super) fn set_aside_execplans(cx: &Context<'_>) -> Result<Vec<SetAsidePlan>, TreeError> {
    let mut out = Vec::new();
    for file in touched_execplans(cx) {
        if let Some(why) = why_set_aside(cx, file)? {
            out.push(SetAsidePlan {
                plan: file.path.clone(),
                why,
            });
        }
    }
    Ok(out)
}

/// Whether the change touches any execplan.
pub(crate) fn touches_execplan(cx: &Context<'_>) -> bool {
    cx.change
        .files
        .iter()
        .any(|file| cx.config.layout.execplans.feature_of(&file.path).is_some())
}

/// The execplans the change leaves in place (added, changed, or moved there).
fn touched_execplans<'c>(cx: &'c Context<'_>) -> impl Iterator<Item = &'c FileChange> {
    cx.change.files.iter().filter(|file| {
        file.new.is_some() && cx.config.layout.execplans.feature_of(&file.path).is_some()
    })
}

/// Why a touched execplan does not make the change planned work; `None` when it does.
pub(super) fn why_set_aside(
    cx: &Context<'_>,
    file: &FileChange,
) -> Result<Option<SetAsideWhy>, TreeError> {
    if cx.config.layout.closed_plans.is_match(&file.path) {
        return Ok(Some(SetAsideWhy::Closed));
    }
    if cx.config.layout.shelved_plans.is_match(&file.path) {
        return Ok(Some(SetAsideWhy::Shelved));
    }
    let Some(text) = cx.text(Side::New, &file.path)? else {
        return Ok(Some(SetAsideWhy::NoSection));
    };
    if section_text(&text, &cx.config.rules.progress_update.section).is_none() {
        return Ok(Some(SetAsideWhy::NoSection));
    }
    // A plan moved (another folder, another name) with its text unchanged is not worked on,
    // as a formatting pass is not; a move that also edits it is judged as any edit.
    if let Some(from) = &file.renamed_from {
        if let Some(old) = cx.text(Side::Base, from)? {
            if renders_the_same(&old, &text) {
                return Ok(Some(SetAsideWhy::Moved));
            }
        }
    }
    // The plan's version before the change: at its old path when moved.
    let before = match (&file.renamed_from, &file.old) {
        (Some(from), _) => cx.text(Side::Base, from)?,
        (None, Some(_)) => cx.text(Side::Base, &file.path)?,
        (None, None) => None,
    };
    if before
        .as_deref()
        .is_some_and(|old| finished(old, &text, &cx.config.rules.progress_update.section))
    {
        return Ok(Some(SetAsideWhy::Finished));
    }
    if file.old.is_some() && file.renamed_from.is_none() {
        if let Some(old) = cx.text(Side::Base, &file.path)? {
            if renders_the_same(&old, &text) {
                return Ok(Some(SetAsideWhy::Reformatted));
            }
            if super::synced::only_synced(cx, &old, &text)? {
                return Ok(Some(SetAsideWhy::Synced));
            }
        }
    }
    // A plan moved and kept in sync by the same change (an id renumbered in its name and text).
    if let (Some(_), Some(old)) = (&file.renamed_from, before.as_deref()) {
        if super::synced::only_synced(cx, old, &text)? {
            return Ok(Some(SetAsideWhy::Synced));
        }
    }
    // A verified revert puts every path it changes back as it was before the commit it undoes
    // (and a merge of only such reverts, judged against its first parent, does too): the plan's
    // text is its earlier text, and the work is the undo of that planned work. Asked last: it
    // may search the history.
    if cx.change.merges_only_reverts || cx.revert_verified()? {
        return Ok(Some(SetAsideWhy::Reverted));
    }
    Ok(None)
}

/// Whether a plan is finished as the change leaves it, and stays so: its Progress has items, every
/// one of them done, and each was already there, done, before the change (the change adds no
/// item and reopens none), and what the change adds is annotation, not new work: no open checkbox
/// anywhere, no heading (a new phase, milestone or step section) and no list item or table row
/// outside its living sections (Decision Log, Surprises & Discoveries, Outcomes &
/// Retrospective) and its record sections (see [`record_title`]), where only a numbered item, a
/// table row or a subheading not titled as a record reads as a step. A team that keeps finished
/// plans where they were written, with no `completed/` folder to move them to, closes a plan by
/// ticking its last item; keeping such a plan true (a banner saying later work superseded it,
/// paths corrected, a decision recording that a later issue replaced its design, its Outcomes
/// written, a later fix recorded under its review findings) is not work under it.
fn finished(old: &str, new: &str, section: &str) -> bool {
    let is_item = |key: &String| key.starts_with("[x] ") || key.starts_with("[ ] ");
    let new_items: Vec<String> = section_keys(new, section)
        .into_iter()
        .filter(is_item)
        .collect();
    if new_items.is_empty() || !new_items.iter().all(|key| key.starts_with("[x] ")) {
        return false;
    }
    let old_items: HashSet<String> = section_keys(old, section)
        .into_iter()
        .filter(is_item)
        .collect();
    if !new_items.iter().all(|key| old_items.contains(key)) {
        return false;
    }
    let (before, after) = (
        shape_with_records(old, LIVING_TITLES, record_title),
        shape_with_records(new, LIVING_TITLES, record_title),
    );
    after.open_boxes <= before.open_boxes
        && after.headings <= before.headings
        && after.items <= before.items
}

/// The titles of the sections a plan keeps as a record while and after it is worked: a finished
/// plan may gain entries there (a decision that later work superseded its design is history).
const LIVING_TITLES: &[&str] = &[
    "Decision Log",
    "Surprises & Discoveries",
    "Outcomes & Retrospective",
    "Outcomes",
    "Retrospective",
];

/// Whether a heading's title names a record of what was done after a plan's steps: review
/// findings and their fixes, a follow-up, errata, an addendum, a post-mortem (`Review Findings &
/// Fixes (post-implementation review)`, `Follow-up (2026-06-05)`, `Post-merge review
/// follow-ups`). A finished plan's guide may keep later fixes there, as it keeps discoveries in
/// Surprises & Discoveries. A title that also names steps or work still to do (`Phase 2: fixes`,
/// `Follow-up tasks`, `Next steps`, `Open findings`) is a plan's, not a record's.
pub(super) fn record_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|word| word.trim_matches('-'))
        .filter(|word| !word.is_empty())
        .collect();
    let record = words.iter().any(|word| RECORD_WORDS.contains(word));
    let steps = words.iter().any(|word| STEP_WORDS.contains(word));
    record && !steps
}

/// Words that title a record of what was done.
const RECORD_WORDS: &[&str] = &[
    "findings",
    "fixes",
    "fixed",
    "follow-up",
    "follow-ups",
    "followup",
    "followups",
    "errata",
    "erratum",
    "addendum",
    "postmortem",
    "post-mortem",
    "hotfix",
    "hotfixes",
];

/// Words that title steps or work still to do.
const STEP_WORDS: &[&str] = &[
    "phase",
    "phases",
    "milestone",
    "milestones",
    "step",
    "steps",
    "stage",
    "stages",
    "task",
    "tasks",
    "todo",
    "to-do",
    "todos",
    "next",
    "plan",
    "planned",
    "roadmap",
    "iteration",
    "sprint",
    "part",
    "remaining",
    "open",
    "pending",
    "future",
    "work",
    "backlog",
];

#[cfg(test)]
mod tests {
    use super::record_title;

    #[test]
    fn records_are_titled_as_findings_fixes_or_follow_ups_without_steps() {
        for title in [
            "Review Findings & Fixes (post-implementation review)",
            "Follow-up (2026-06-05)",
            "Post-merge review follow-ups",
            "Errata",
        ] {
            assert!(record_title(title), "{title}");
        }
        for title in [
            "Phase 2: Adversarial Testing",
            "Phase 2: fixes",
            "Follow-up tasks",
            "Next steps",
            "Open findings",
            "Fix the login",
            "Review Gate",
            "Logout",
        ] {
            assert!(!record_title(title), "{title}");
        }
    }
}
