mod accounted;
mod duplicate;

use crate::context::Context;
use crate::findings::{ExecplanDeleted, Finding, MergedCommits, PlanRemoval};
use crate::markdown;
use crate::model::{MergedMessages, RepoPath, Side, TreeError};
use crate::report::Violation;
use crate::trailers::Message;

rule_doc!(
    r#"execplan-deleted: a plan in use is not deleted or emptied.

## What it checks
A commit may not delete an execplan (a path of `[layout] execplans`), rename it to a path that is
no execplan (a folder of `[layout] not-planning`, another name), or empty it (leave no visible
content, or none of the required sections it had), when the base's version is ready (carries
`EXECPLAN-READY`) or its Progress section has open task items (`- [ ]`). A plan that is not ready
and whose every Progress item is done (or that has none) may be removed. So may a document kept
beside the plans that `execplan-sections` reads as no plan (a findings note, a report, a runbook,
a stub): it has no readiness marker and no open task, so deleting it deletes no plan in use; a
file that is ready or has open Progress items is a plan in use whatever it is called.

A plan deleted while the same commit adds its feature's plan at another execplan path (`active/`
to `completed/`, edited too much for git to see a rename) has moved, not gone, when the added plan
keeps visible content and one of the required sections the old one had.

A deleted (or emptied) plan whose text another execplan of the new tree keeps is no loss either:
another plan (open or closed, by any template, not the removed path) that is the same file, or
whose Progress has every Progress entry of the removed plan (its visible text, box and timestamps
aside) and at least as many entries. So the stale `active/` copy of a plan finalized into
`completed/` earlier, or the old copy of a plan archived under a dated name, may be deleted. A
stub with the plan's title keeps nothing. A plan split into sub-plans is kept when the plans the
commit adds or edits, two or more, hold every Progress entry of it between them. Plans the commit
removes keep nothing, so two plans
deleted together cannot vouch for each other. A plan copied to another path in an earlier commit
and then deleted is kept by its copy: its text is still in the tree.

A plan deleted (or emptied) and accounted for in the same commit is no loss either: another
execplan the commit leaves in the tree, not itself removed, whose text the commit adds names the
deleted plan, by its path, its file name, or its feature when that has more than one word (the
plan that supersedes it records "the superseded `declarative-command-policy.md` is removed").
An old mention records no removal: only text the commit adds counts.

A plan deleted (or emptied) by a commit whose message names it is accounted for too, by the same
test: its path, its file name (with or without `.md`, when the file name holds the feature), or
its feature when that has more than one word ("Delete orphaned progress-bar-plan.md ExecPlan
(task 120 cancelled)"). The breach is a silent deletion: naming a folder ("remove plans/"), "old
plans", or a feature of one word (`login`) names no plan, and a commit that deletes three plans
and names one is refused for each of the other two. Trailers (`Execplan: <feature>`) name no
plan. The pre-commit hook runs before the message exists: there a removal is advice (a
warning saying to name the plan in the message), unless the commit is refused for another
reason, and the commit-msg hook judges the message; pre-push, pre-receive and
`execguard check --range` judge each commit's message. Under `check --range --first-parent` a
merge is judged by its whole change against its first parent, which the commits it brings in
made: their messages name a plan it removes as well as its own ("Remove finished plan
plans/foo-execplan.md" in a pull request merged as "Merge pull request #12 ..."). Up to 500 of
them are read; a merge that brings in more has none read, so a removal only they record stays
refused, and the message says so.

A copy an editor or file manager made of a plan (`plan 2.md`, `plan copy.md`, `plan - Copy.md`,
`plan (1).md`, `plan-copy.md`, beside `plan.md` in the same folder) may be deleted or emptied,
whatever its text, while the plan it copies stays an execplan of the new tree that the commit
neither deletes nor empties: the team's plan lives on under its own name. The copy is still an
execplan for every other rule (its sections, its Progress).

A plan closed with none of its work done is refused too: a commit that moves a plan into
`[layout] closed-plans` (a rename, or a deletion paired with the added plan as above) while its
Progress section, as the commit leaves it, has open task items and none checked (`- [x]`).
Shelving a plan is no closing: moving it into `[layout] shelved-plans` (an archive, a backlog,
plans abandoned or deferred) claims nothing done, and the plan stays in the tree with its open
steps for anyone to read, so a plan may be shelved whether none, some or all of its steps are
done.

A plan already set aside is no plan in use: one that the commit's parent keeps under `[layout]
shelved-plans` or `closed-plans` (an archive, a `completed/` folder) may be deleted, emptied or
moved away, whatever its open items or its readiness marker say; they were set aside with it
(a team clearing its archive of finished and abandoned plans). Where it sits is judged in the
parent: a commit that moves a plan in use into the archive and deletes it there deletes a plan
in use. A push, and `execguard check --range`, judge it from where the push or range starts: a
plan in use there (its feature's plan kept outside those folders, at a path the commit's parent
no longer has) that the push moves into the archive and then deletes is refused too, as one
commit doing both would be; pushed after the shelving, the deletion is accepted.

## Why
A ready plan is what the human agreed to and what the code answers to; open Progress items are
work still owed. An agent that deletes the plans (one commit deleting forty of them, say) removes
the record a human follows, and every later check has nothing to compare with.

## Example
The agent deletes a ready plan:

```text
error[execplan-deleted]: this commit deletes plans/login-execplan.md, the execplan of feature `login`, which is ready (EXECPLAN-READY) in HEAD: a plan in use is not removed without a record, and the commit message does not name it.
```

## How to comply
A plan whose work is done is closed with its finished items ticked, in the commit that closes it.
A removal that is meant (the work done, the plan superseded or cancelled) is recorded: name the
plan in the commit message (`git commit -m "Delete plans/login-execplan.md: cancelled"`), or in
the plan that supersedes it. If nobody asked for the plan to go, stop and escalate
(`execguard escalate "<question>"`); do not retry. Restore the plan
(`git restore --staged --worktree -- <path>`) and ask a human. Record in the plan what is
finished instead of removing it. A human retiring plans on purpose adds the trailer
`Execguard-Override: execplan-deleted: <reason>`.

## Configuration
`[layout] execplans`, `[layout] not-planning`, `[layout] execplan-marker`,
`[rules.progress-update] section` (the section whose open items count) and
`[rules.execplan-sections] required`, `[layout] closed-plans`, `[layout] shelved-plans` (a
plan kept there already may be deleted);
`[rules.execplan-deleted] closing-unstarted = false` lets a plan be closed with every item open
(it loosens); `enabled = false` turns the rule off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let section = &cx.config.rules.progress_update.section;
    let mut out = Vec::new();
    let mut merged_messages = None;
    for file in &cx.change.files {
        let old_path = file.old_path();
        let Some(feature) = layout.execplans.feature_of(old_path) else {
            continue;
        };
        if !file.old.as_ref().is_some_and(|old| old.kind.is_blob()) {
            continue;
        }
        // Where the plan lands when the change moves it to another plan path.
        let moved_to = match &file.new {
            None => moved_within_plans(cx, old_path, &feature)?,
            Some(_) if file.renamed_from.is_some() => Some(file.path.clone()),
            Some(_) => None,
        };
        if let Some(to) = moved_to.clone().filter(|to| closes(cx, old_path, to)) {
            out.extend(closing_unstarted(cx, file, &feature, to)?);
            continue;
        }
        let removal = match &file.new {
            None if moved_to.is_some() => continue,
            None => PlanRemoval::Deletes,
            Some(_) if layout.execplans.feature_of(&file.path).is_none() => {
                PlanRemoval::MovesAway {
                    to: file.path.clone(),
                }
            }
            Some(_) if file.renamed_from.is_none() && emptied(cx, file)? => PlanRemoval::Empties,
            Some(_) => continue,
        };
        if set_aside(cx, old_path) {
            continue;
        }
        let Some(base) = cx.text(Side::Base, old_path)? else {
            continue;
        };
        let ready = layout.execplan_marker.found_in(&base);
        let open_items = open_items(&base, section);
        if !ready && open_items == 0 {
            continue;
        }
        let removes = matches!(removal, PlanRemoval::Deletes | PlanRemoval::Empties);
        if removes
            && (kept_elsewhere(cx, file, &base)?.is_some()
                || duplicate::original_kept(cx, old_path, |path| removed_here(cx, path))?.is_some()
                || accounted::superseded_by(cx, old_path, &feature, |path| removed_here(cx, path))?
                    .is_some())
        {
            continue;
        }
        // The commit message may record the removal: before it exists (pre-commit) the finding
        // is advice, and the commit-msg hook judges the message.
        let advice = match &cx.message {
            Some(message)
                if removes && accounted::named_in_message(message, old_path, &feature) =>
            {
                continue;
            }
            Some(_) => false,
            None => removes,
        };
        // A merge judged against its first parent removes what the commits it brings in
        // removed: their messages may record it too.
        let mut merged = None;
        if removes && cx.change.merge_by_first_parent {
            let found = match &merged_messages {
                Some(found) => found,
                None => merged_messages.insert(read_merged_messages(cx)?),
            };
            match found {
                MergedNamed::Read(messages)
                    if messages.iter().any(|message| {
                        accounted::named_in_message(message, old_path, &feature)
                    }) =>
                {
                    continue;
                }
                MergedNamed::Read(_) => merged = Some(MergedCommits::NoneNames),
                MergedNamed::TooMany(most) => {
                    merged = Some(MergedCommits::NotRead { most: *most });
                }
            }
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
                advice,
                merged,
            }),
            cx.undo_hint(old_path),
        ));
    }
    Ok(out)
}

/// How many commits a merge may bring in for their messages to be read: beyond it none is, and a
/// removal only they would record stays refused.
const MOST_MERGED_COMMITS: usize = 500;

/// The messages of the commits the merge brings in, parsed, or how many were too many to read.
enum MergedNamed {
    Read(Vec<Message>),
    TooMany(usize),
}

fn read_merged_messages(cx: &Context<'_>) -> Result<MergedNamed, TreeError> {
    let Some(commit) = cx.change.commit.as_deref() else {
        return Ok(MergedNamed::Read(Vec::new()));
    };
    Ok(
        match cx.trees.merged_messages(commit, MOST_MERGED_COMMITS)? {
            MergedMessages::Read(raw) => MergedNamed::Read(
                raw.iter()
                    .map(|message| Message::parse(message, None))
                    .collect(),
            ),
            MergedMessages::TooMany(most) => MergedNamed::TooMany(most),
        },
    )
}

/// Whether the plan at `path` was set aside before the change: kept, in the change's base, under
/// `[layout] shelved-plans` or `closed-plans`, so no longer in use, whatever its open items or
/// marker say. In a range or push, one set aside inside it (active at the range's base) is still
/// in use: moving a plan into the archive and deleting it there is deleting it.
fn set_aside(cx: &Context<'_>, path: &RepoPath) -> bool {
    let layout = &cx.config.layout;
    (layout.shelved_plans.is_match(path) || layout.closed_plans.is_match(path))
        && !cx.change.set_aside_in_range.contains(path)
}

/// Whether moving a plan from `from` to `to` closes it: into `[layout] closed-plans`, from
/// outside them, where the rule's `closing-unstarted` asks.
fn closes(cx: &Context<'_>, from: &RepoPath, to: &RepoPath) -> bool {
    let closed = &cx.config.layout.closed_plans;
    cx.config.rules.execplan_deleted.closing_unstarted
        && cx.config.layout.execplans.feature_of(to).is_some()
        && closed.is_match(to)
        && !closed.is_match(from)
}

/// The finding of a plan closed into `to` while its Progress, as the change leaves it, has open
/// items and none done: its work was never recorded as done.
fn closing_unstarted(
    cx: &Context<'_>,
    file: &crate::model::FileChange,
    feature: &str,
    to: RepoPath,
) -> Result<Option<Violation>, TreeError> {
    let section = &cx.config.rules.progress_update.section;
    let Some(text) = cx.text(Side::New, &to)? else {
        return Ok(None);
    };
    let (open, done) = items(&text, section);
    if open == 0 || done > 0 {
        return Ok(None);
    }
    let old_path = file.old_path();
    let ready = cx
        .text(Side::Base, old_path)?
        .is_some_and(|base| cx.config.layout.execplan_marker.found_in(&base));
    Ok(Some(cx.violation_with_undo(
        Finding::ExecplanDeleted(ExecplanDeleted {
            path: old_path.clone(),
            feature: feature.to_string(),
            removal: PlanRemoval::ClosesUnstarted { to },
            ready,
            open_items: open,
            markers: cx.config.layout.execplan_marker.names().to_vec(),
            section: section.clone(),
            advice: false,
            merged: None,
        }),
        cx.undo_hint(old_path),
    )))
}

/// Whether the commit adds the same feature's plan at another execplan path (`active/` to
/// `completed/`) with content: a move git did not pair as a rename because the plan was also
/// edited (its items closed). The added plan must keep visible content and, when the deleted one
/// had required sections, at least one of them, as an edit in place must. Returns where it went.
fn moved_within_plans(
    cx: &Context<'_>,
    old_path: &RepoPath,
    feature: &str,
) -> Result<Option<RepoPath>, TreeError> {
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
            return Ok(Some(added.path.clone()));
        }
    }
    Ok(None)
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
    items(text, section).0
}

/// The unchecked (`- [ ]`) and checked (`- [x]`) task items of the plan's Progress section.
fn items(text: &str, section: &str) -> (usize, usize) {
    markdown::section_text(text, section).map_or((0, 0), |progress| {
        let entries = markdown::visible_entries(progress);
        let open = entries.iter().filter(|e| e.starts_with("[ ]")).count();
        let done = entries
            .iter()
            .filter(|e| e.starts_with("[x]") || e.starts_with("[X]"))
            .count();
        (open, done)
    })
}

/// Another execplan of the new tree (open or closed, by any template; not the removed path) that
/// keeps the removed plan's text, so nothing of it is lost: the stale copy left in `active/` by a
/// commit that finalized the plan into `completed/`, or the old copy of a plan archived under a
/// dated name. It keeps it when it is the same blob, or when every Progress entry of the removed
/// plan (its visible text, box and timestamps aside, as `progress-update` compares entries) is
/// among its own Progress entries, as it was or finished with a note, and it has at least as
/// many: a stub with the same title keeps nothing, and a plan with no Progress entries is kept
/// only by an identical copy. A plan the change removes or empties keeps nothing, so two plans
/// removed together cannot vouch for each other. A plan copied elsewhere in an earlier commit and
/// then deleted is kept by its copy. A plan split into sub-plans is kept by the plans the same
/// change writes (adds or edits), two or more, when they hold every entry between them.
fn kept_elsewhere(
    cx: &Context<'_>,
    file: &crate::model::FileChange,
    base: &str,
) -> Result<Option<RepoPath>, TreeError> {
    let old_path = file.old_path();
    let Some(old) = file.old.as_ref() else {
        return Ok(None);
    };
    let section = &cx.config.rules.progress_update.section;
    let wanted = progress_texts(base, section);
    let plans = &cx.config.layout.execplans;
    let mut seen: Vec<RepoPath> = Vec::new();
    let mut split: Vec<(RepoPath, Vec<String>)> = Vec::new();
    for folder in plans.folders() {
        for path in cx.trees.list(Side::New, &RepoPath::from(folder.as_str()))? {
            if &path == old_path || seen.contains(&path) || plans.feature_of(&path).is_none() {
                continue;
            }
            seen.push(path.clone());
            let Some(entry) = cx.trees.entry(Side::New, &path)? else {
                continue;
            };
            if !entry.kind.is_blob() || removed_here(cx, &path)? {
                continue;
            }
            if entry.id == old.id {
                return Ok(Some(path));
            }
            if wanted.is_empty() {
                continue;
            }
            let Some(text) = cx.text(Side::New, &path)? else {
                continue;
            };
            let kept = progress_texts(&text, section);
            if kept.len() >= wanted.len() && wanted.iter().all(|entry| keeps(&kept, entry)) {
                return Ok(Some(path));
            }
            if written_here(cx, &path) {
                split.push((path, kept));
            }
        }
    }
    // A plan split into sub-plans by the same commit: the plans it writes keep every entry
    // between them.
    let all: Vec<String> = split.iter().flat_map(|(_, kept)| kept.clone()).collect();
    if split.len() > 1 && !wanted.is_empty() && wanted.iter().all(|entry| keeps(&all, entry)) {
        return Ok(split.into_iter().next().map(|(path, _)| path));
    }
    Ok(None)
}

/// Whether the change adds or edits the file at `path` (a plan it writes).
fn written_here(cx: &Context<'_>, path: &RepoPath) -> bool {
    cx.change
        .files
        .iter()
        .any(|file| &file.path == path && file.new.is_some() && file.old != file.new)
}

/// Whether `kept` holds the entry `wanted`: the same text, or that text finished with a note (a
/// step ticked as done with what came of it, "Submit the pull request (#434 merged)", its final
/// full stop aside). An entry of no text is held only by an entry of no text.
fn keeps(kept: &[String], wanted: &str) -> bool {
    let stem = wanted
        .trim_end()
        .trim_end_matches(['.', '\u{3002}', '!', ';', ':']);
    kept.iter()
        .any(|entry| entry == wanted || (!stem.is_empty() && entry.starts_with(stem)))
}

/// Whether the change empties the plan at `path` (it is in the new tree, so not deleted).
fn removed_here(cx: &Context<'_>, path: &RepoPath) -> Result<bool, TreeError> {
    for file in &cx.change.files {
        if &file.path == path && file.old.is_some() && file.renamed_from.is_none() {
            return emptied(cx, file);
        }
    }
    Ok(false)
}

/// The text of each Progress entry, its task box and timestamps left out.
fn progress_texts(text: &str, section: &str) -> Vec<String> {
    markdown::section_text(text, section).map_or_else(Vec::new, |progress| {
        markdown::visible_entries(progress)
            .iter()
            .map(|entry| markdown::entry_stamp(entry).1)
            .collect()
    })
}
