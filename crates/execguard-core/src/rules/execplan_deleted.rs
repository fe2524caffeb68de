use crate::context::Context;
use crate::findings::{ExecplanDeleted, Finding, PlanRemoval};
use crate::markdown;
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;

rule_doc!(
    r#"execplan-deleted: a plan in use is not deleted or emptied.

## What it checks
A commit may not delete an execplan (a path of `[layout] execplans`), rename it to a path that is
no execplan (a folder of `[layout] not-planning`, another name), or empty it (leave no visible
content, or none of the required sections it had), when the base's version is ready (carries
`EXECPLAN-READY`) or its Progress section has open task items (`- [ ]`). A plan that is not ready
and whose every Progress item is done (or that has none) may be removed. A plan deleted while the
same commit adds its feature's plan at another execplan path (`active/` to `completed/`, edited
too much for git to see a rename) has moved, not gone, when the added plan keeps visible content
and one of the required sections the old one had.

## Why
A ready plan is what the human agreed to and what the code answers to; open Progress items are
work still owed. An agent that deletes the plans (one commit deleting forty of them, say) removes
the record a human follows, and every later check has nothing to compare with.

## Example
The agent deletes a ready plan:

```text
error[execplan-deleted]: this commit deletes plans/login-execplan.md, the execplan of feature `login`, which is ready (EXECPLAN-READY) in HEAD
```

## How to comply
Stop and escalate (`execguard escalate "<question>"`); do not retry. Restore the plan (`git restore --staged --worktree -- <path>`) and
ask a human. Record in the plan what is finished instead of removing it. A human retiring plans
on purpose adds the trailer `Execguard-Override: execplan-deleted: <reason>`.

## Configuration
`[layout] execplans`, `[layout] not-planning`, `[layout] execplan-marker`,
`[rules.progress-update] section` (the section whose open items count) and
`[rules.execplan-sections] required`; `[rules.execplan-deleted] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let section = &cx.config.rules.progress_update.section;
    let mut out = Vec::new();
    for file in &cx.change.files {
        let old_path = file.old_path();
        let Some(feature) = layout.execplans.feature_of(old_path) else {
            continue;
        };
        if !file.old.as_ref().is_some_and(|old| old.kind.is_blob()) {
            continue;
        }
        let removal = match &file.new {
            None if moved_within_plans(cx, old_path, &feature)? => continue,
            None => PlanRemoval::Deletes,
            Some(_) if layout.execplans.feature_of(&file.path).is_none() => {
                PlanRemoval::MovesAway {
                    to: file.path.clone(),
                }
            }
            Some(_) if file.renamed_from.is_none() && emptied(cx, file)? => PlanRemoval::Empties,
            Some(_) => continue,
        };
        let Some(base) = cx.text(Side::Base, old_path)? else {
            continue;
        };
        let ready = layout.execplan_marker.found_in(&base);
        let open_items = open_items(&base, section);
        if !ready && open_items == 0 {
            continue;
        }
        out.push(cx.violation_with_undo(
            Finding::ExecplanDeleted(ExecplanDeleted {
                path: old_path.clone(),
                feature,
                removal,
                ready,
                open_items,
                markers: layout.execplan_marker.names().to_vec(),
                section: section.clone(),
            }),
            cx.undo_hint(old_path),
        ));
    }
    Ok(out)
}

/// Whether the commit adds the same feature's plan at another execplan path (`active/` to
/// `completed/`) with content: a move git did not pair as a rename because the plan was also
/// edited (its items closed). The added plan must keep visible content and, when the deleted one
/// had required sections, at least one of them, as an edit in place must.
fn moved_within_plans(
    cx: &Context<'_>,
    old_path: &RepoPath,
    feature: &str,
) -> Result<bool, TreeError> {
    let layout = &cx.config.layout;
    for added in &cx.change.files {
        if added.old.is_some()
            || &added.path == old_path
            || layout.execplans.feature_of(&added.path).as_deref() != Some(feature)
        {
            continue;
        }
        let (Some(base), Some(new)) = (
            cx.text(Side::Base, old_path)?,
            cx.text(Side::New, &added.path)?,
        ) else {
            continue;
        };
        if !markdown::has_visible_entries(&new) {
            continue;
        }
        let (base, new) = (markdown::Outline::of(&base), markdown::Outline::of(&new));
        let required = &cx.config.rules.execplan_sections.required;
        let had: Vec<&String> = required
            .iter()
            .filter(|title| base.section_range(title).is_some())
            .collect();
        if had.is_empty() || had.iter().any(|title| new.section_range(title).is_some()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the change leaves the plan with no visible content, or without any of the required
/// sections its base version had.
fn emptied(cx: &Context<'_>, file: &crate::model::FileChange) -> Result<bool, TreeError> {
    let (Some(base), Some(new)) = (
        cx.text(Side::Base, &file.path)?,
        cx.text(Side::New, &file.path)?,
    ) else {
        return Ok(false);
    };
    if !markdown::has_visible_entries(&new) {
        return Ok(true);
    }
    let (base, new) = (markdown::Outline::of(&base), markdown::Outline::of(&new));
    let required = &cx.config.rules.execplan_sections.required;
    let had: Vec<&String> = required
        .iter()
        .filter(|title| base.section_range(title).is_some())
        .collect();
    Ok(!had.is_empty() && had.iter().all(|title| new.section_range(title).is_none()))
}

/// The unchecked task items (`- [ ]`) of the plan's Progress section.
fn open_items(text: &str, section: &str) -> usize {
    markdown::section_text(text, section).map_or(0, |progress| {
        markdown::visible_entries(progress)
            .iter()
            .filter(|entry| entry.starts_with("[ ]"))
            .count()
    })
}
