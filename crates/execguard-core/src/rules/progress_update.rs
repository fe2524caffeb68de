use std::collections::BTreeMap;

use crate::config::{Require, UnplannedVerdict, Within};
use crate::context::{Context, FeatureSource, RevertCheck};
use crate::findings::{
    CodeChanged, FeatureNamedBy, Finding, NoPlanUpdated, PlanNotUpdated, ProgressUpdate,
    SetAsideWhy, SmallPlanTouch, UnplannedBranch, UnplannedComplexWork,
};
use crate::model::{RepoPath, TreeError};
use crate::report::Violation;

// Where these were first defined, for the crates that name them here.
pub use crate::progress::{progress_change, ProgressChange};

rule_doc!(
    r#"progress-update: a code commit must update its execplan's Progress section.

## What it checks
A commit that changes code (every path except the planning documents and Markdown, by default)
must, in the same commit, add to the Progress section of the matching execplan
`plans/<feature>-execplan.md`. The section is found as `execguard explain execplan-sections`
describes (`## 3. Progress`, `## progress:`, a setext `Progress` heading, `## Progress (live)`), with
its subsections. The entries are what a reader sees of the section: each list item's text (with
its box, `[ ]` or `[x]`), paragraph, heading, table row and the text of raw HTML, with white space
folded; HTML comments, code blocks and blank content are not entries.

The matching execplan is the one named by the commit message trailer `Execplan: <feature>` (when
the message is known), else by the branch name (`exec/<feature>`, `feature/<feature>`,
`feat/<feature>`, when that feature has an execplan). Entries are compared as a reader compares
them: by visible text, invisible characters dropped and Unicode normalised (NFC). For that plan,
Progress is updated when the new section has an entry whose text is new: not in the old section
and not seen earlier on the branch. A new entry, a box that gets ticked, or an entry whose text or
timestamp changes counts; reordering entries, deleting them, re-spacing or re-numbering them,
adding an empty `<!-- -->` or a code block, a verbatim copy of an entry, the same entry with an
invisible character, an entry that renders as nothing, an entry deleted earlier on the branch and
added back, or a box ticked, unticked and ticked again does not.

When neither names a feature, the matching execplan is any execplan whose Progress the commit
progresses, which asks more. Each added entry is paired with a removed one that stood at the same
place in the list (after the same unchanged entry): first one with the same text apart from its
stamp, then one that shares enough words to be it reworded (twice the words both hold over the
words of the two, at least one half; the most alike first), then the rest in order, a task item
(with its box) only with a task item and any other entry only with another that is not one. An
added entry left unpaired is progress when its text is new, so appending the newest entry while
the oldest is dropped is progress, and so is a ticked task written where a phase heading or a
goal of other words stood (a task list rewritten, every task done). A pair is progress when its
box went from open to done, whatever else changed in the entry (a completion time, what was
done), when only its stamp changed, or when the entry, open or done, says more than it did: it
keeps at least half of its words and gains at least four more than it loses, and at least twice
as many, words moved within the
entry counting as kept (`- [ ] Stage 3 (completed: parser)` growing to `- [ ] Stage 3
(completed: parser and the lexer; remaining: docs)`: what was done so far, recorded in place;
`- [x] M1 grayscale` growing to `- [x] M1 grayscale, plus a tunable text weight setting`: the
finished work extended by the commit), or when an entry records the step the commit did: it gains at least four words, among them a path the commit
adds, changes or deletes that the item did not name (its file name will do: `lexer.rs` for
`src/lexer.rs`), while losing fewer words than it gains and at most a quarter of its own, words
moved within the item counting as kept (`(completed: parser; remaining: lexer, docs)` growing to
`(completed: parser; the lexer in src/lexer.rs; remaining: docs)`: the step taken off what
remains). Any other pair is a
rewording — a search-and-replace or a spelling sweep that touches an old entry of some plan —
and is not progress. A stamp is a date
`YYYY-MM-DD` (or with `/` or `.`), optionally with a time, or a time `HH:MM` with optional seconds
and zone. The pre-commit hook cannot see the message, so it leaves a commit whose only Progress
change is a rewording to the commit-msg hook, which knows whether a trailer names that plan.

"Earlier on the branch" is what the push (pre-push, pre-receive) or range (`check --range`) being
judged knows: the entries its earlier commits added or removed. A commit that brings one back is
judged again knowing it. The commit hooks know every version of the plan since the branch left
its upstream (the merge base and the latest 500 commits after it); without an upstream, HEAD's.

A newly added execplan counts when its Progress section has an entry. A merge is judged by what it
adds of its own: its result against a clean re-merge of its parents. A conflict resolution that
keeps lines of either side, or adds blank lines and comments (a `TODO`), writes no new code and
needs no entry; one that writes more lines of new code than `merge-resolution-lines` (default 0)
does.

Not code, and so never asking for an entry: Markdown, licences, lockfiles, CI, hook-manager and
coding-agent settings (`.claude/settings.json`, `.claude/settings.local.json`,
`.codex/hooks.json`, `.codex/config.toml`), agents' instruction and definition files
(`.cursorrules`, `.windsurfrules`, `.clinerules`, `.cursor/rules/`, `.codex/agents/`,
`.agents/plugins/`, a skill's `agents/openai.yaml`, a plugin's `.codex-plugin/plugin.json`),
what agents' tools keep in the repository (`.beads/`, `.specstory/`, `.aider*`, `.taskmaster/`,
`.serena/`), generated code by the names generators give it (`*.gen.*`, `*.generated.*`,
`*.pb.go`, `*_pb2.py`), fonts, images, media, archives, databases, Prometheus data folders, any file whose content is
binary, and generated code by its content: a file whose header comment carries a generator's
marker (`[layout] generated-markers`: `DO NOT EDIT`, `@generated`, `<auto-generated`, ...).
Nor is a file whose mode alone changes (`chmod +x` or `-x` on a regular file, the same content):
it writes no line, so it asks for no entry and is none of the files and folders the unplanned size
counts; a change of its content is code as any other. Nor is release bookkeeping: a package manifest (`package.json`, `composer.json`, `jsr.json`,
`plugin.json`, `*.plugin.json`, `Cargo.toml`, `pyproject.toml`) whose change, parsed on both
sides and compared key by key, touches only the package's own release metadata (`version`,
`description`, `keywords`, `license`, `authors`, `homepage`, `repository`, `files`,
`publishConfig`, `publish`, ... of the top level, `[package]`, `[workspace.package]`,
`[project]` or `[tool.poetry]`); a dependency's version, a script or any other key keeps it code.

## Why
The execplan is a living document: Progress gets an entry at every stopping point, so that a human
(or the next agent) can see where the work stands without reading the code. A commit that moves
the code without moving Progress leaves the plan behind.

## Example
On branch `exec/login`, the agent commits a change to `src/auth.rs` alone:

```text
error[progress-update]: this commit changes code (src/auth.rs) but does not update the Progress section of plans/login-execplan.md (feature `login`, named by the branch).
```

On `main`, the agent commits code together with a spelling fix in an old entry of another plan:

```text
error[progress-update]: this commit changes code (src/auth.rs) but adds no entry to any execplan's Progress section, and neither the branch nor an `Execplan:` trailer names a feature. It only rewords existing Progress entries of plans/other-execplan.md (no new entry, ticked box or changed timestamp), which is not progress.
```

## How to comply
Add an entry to the Progress section of the execplan, for example
`- [x] (2026-02-03 21:05Z) Session store wired to the login handler.`, stage it, and commit again.
Moving lines around, rewording old entries or adding a comment is not an entry: say what this
commit did. When the commit works on another feature, name it with the trailer
`Execplan: <feature>`.

## Configuration
`[layout] code`, `[layout] not-code` (globs), `[layout] binary-is-code` (default false) and
`[layout] generated-markers` (a list of words; emptying it tightens, adding one loosens) and
`[layout] release-metadata-is-code` (default false; true tightens) decide
what is code; `[layout] execplans` and `[layout] branch-patterns` find the execplan;
`[rules.progress-update]` takes `section` (default `Progress`); `within` (`"commit"`, the default,
or `"push"`: any commit of the same push or range may add the entry, before or after the code's
own, the commit hooks warn
instead of refusing, and the agent Stop hook judges the commits not yet pushed as pre-push does); `exempt-authors` (regexes over `Name <email>`, such as
`'^dependabot\[bot\] '`) and `exempt-trailers` (regexes over `Key: value` trailer lines), whose
commits need no entry; `small-fix-lines` (default 0, off) and `small-fix-files` (default 1): a
commit changing at most that many lines of code in at most that many code files needs no entry;
`merge-resolution-lines` (default 0); `require` (`"every-code-commit"`, the default, or
`"planned-work"`, for teams that plan only complex work: a code commit needs an entry only when
an `Execplan:` trailer or the branch names a feature, or it touches an open execplan (one that,
as the commit leaves it, has the section and is not under `[layout] closed-plans`, by default
folders named `completed`, `complete`, `done`, `closed`, or `[layout] shelved-plans`, by default
`archive`, `archived`, `backlog`, `abandoned`, `deferred`, and is not finished: a plan whose
Progress has items, every one done as the commit leaves it, each already there and done before
it (the commit adds no item and reopens none), and what the commit adds is annotation, not new
work: no open checkbox anywhere, no heading (a new phase, milestone or step section) and no list
item or table row outside its Decision Log, Surprises & Discoveries and Outcomes & Retrospective
(a banner saying later work superseded it, paths corrected, a decision recording that a later
change replaced its design) and outside a section titled as a record of what was done: review
findings, fixes, a follow-up, errata, an addendum, a post-mortem (`Review Findings & Fixes`,
`Follow-up (2026-06-05)`), with no word of steps or work to do in its title (`Follow-up tasks`,
`Phase 2: fixes`, `Next steps`, `Open findings` are not records), where a later fix is recorded
in bullets and paragraphs, while a numbered item, a table row or a subheading not titled as a
record there is a step), is closed where it lies; a formatting
pass that leaves the plan's rendered text unchanged, white space aside, does not touch it, nor
does a move of the plan to another folder or name with its rendered text unchanged (a move that
also edits it is judged as any edit; a move into a closed-plans folder is judged by
`execplan-deleted`), nor does an edit that only keeps its text in sync with the code: every difference replaces words by
words, each word it removes is a word of the lines the commit's code removes and each word it
writes one of the lines the code adds (the lines its other text files change, specs and docs but
not other plans, count too, and so do the paths it deletes, adds or renames: an id renumbered in
a catalog, a guide moved), an identifier counting as its parts too, as when a panel,
a config key or a channel renamed in the code is renamed in the plan's prose or a ticked entry,
or a word changed only by such a rename inside it, as a search and replace leaves it
(`TestAutomaticMcpDeduplication` to `TestAutomaticmcpveduplication` when the code renames
`mcpd` to `mcpv`; the renamed part at least three letters long); a file the commit modifies
counts as renamed away from when it loses at least three lines that a file the commit adds holds
(code moved out of a file that stays, and the plan's pointers following it), and a word the edit
writes that is one of the plan's own words around the change counts too (a bullet split in two,
each half naming its file; never a negation such as `not` or a word with a digit); a word
respelled counts whatever the code holds (a spelling sweep: `parameterisation` to
`parameterization`, `Artifacts` to `Artefacts`, `centered` to `centred`, by the British and
American patterns -ise/-ize, -our/-or, -re/-er, -lled/-led, -ae-/-e-, -oe-/-e-, -ogue/-og,
-ence/-ense, -eable/-able, -gement/-gment, -ward/-wards (`afterward`, `towards`; not `award`) and
a few irregular words, on words of letters only, at least five long, outside a path, the changed
letters lowercase: a number or another small edit such as `encode` to `decode` is not a
spelling), and so does a word put only in another case outside code (`## Artifacts and Notes` to
`## Artifacts and notes`: letters only, each written `notes`, `Notes` or `NOTES`, outside a
path, an inline code span and a code block; `Store` to `store` in backticks names another
identifier, which only the code can rename, and `motionPanel` is an identifier's spelling
wherever it stands), or a plan line changed in
place exactly as the commit changes a line of code, the same words and marks inserted, removed or
replaced between the same neighbours (`datetime.now()` to `datetime.now(UTC)` in code and plan
alike); Chinese and Japanese text, which has no spaces between words, is compared character by
character;
such an edit, like a move or a formatting pass, is not a rewording of its entries either, even
when another plan makes the commit planned work), or under
`within = "push"` its push or range does; other code is reported only above `unplanned-max-lines`
changed lines of code (default 200) or `unplanned-max-files` code files (default 6), or above
`unplanned-spread-lines` lines (default 100) written in files of `unplanned-spread-folders`
folders or more (default 3: work across modules, smaller than the limits), tests,
fixtures and snapshots left out of that size (`unplanned-exclude`, globs; by default where the
major languages keep them), and so are files added as exact copies of a file the parent holds at
another path (a copy is not written code; it stays code for everything else), as `unplanned-complex-work` (never a verified revert: a `git revert`, subject
`Revert "..."` with its `This reverts commit <id>.` line and a change that undoes exactly that
commit, or a subject that claims a revert in another form (`revert: ...`, `revert(scope): ...`,
`Revert ...`, `Reverts ...`, `Back out ...`, `Backout ...`) over a change that exactly undoes one
of the 200 first-parent commits below it (every path that commit changed put back as it was, and
nothing else changed; an older commit is not looked for, and a finding on a change whose
message claims a revert its trees do not bear out says so; the hint of a verified revert that
still needs its entry names the commit it undoes, whatever its form); nor a merge judged against its first
parent that brings in only such commits: taking work back needs no plan, and an open plan that a
verified revert only puts back as it was does not make it planned work either): "this looks like
complex work, and no execplan names it" (naming each plan it touches that does not count, and
why: closed, without the section, only reformatted, or only kept in sync); write or name the execplan, or split the work, and when
unsure whether a plan is needed, stop and escalate with `execguard escalate "<question>"`);
`enabled = false` turns it off.
`unplanned-complex-work` (default `"warn"`) makes that finding a warning, since size alone tells
complex work from routine work only so well; `"refuse"` refuses it like any finding.
A missing entry of work that is planned only because the commit edits an open execplan names
that plan: "It touches <plan> outside its Progress section", so the reader sees why the work
counts as planned.
`plan-touch-small-work` (default `"warn"`): under `"planned-work"`, work that is planned work only
because it (under `within = "push"`, its push or range) touches an open execplan, with no
`Execplan:` trailer and no feature branch, and whose code is within the unplanned limits above, is
warned of, not refused, when it adds no entry (no entry, or only rewordings): a plan's prose kept
in sync, or a finding recorded beside a small fix, is not yet work under that plan. The warning
names the plan. `"refuse"` refuses it like any missing entry.
`within = "push"`, exemptions, larger small fixes, `"planned-work"`, larger unplanned limits, going
from `"refuse"` back to `"warn"` (either key) and more `unplanned-exclude`, `[layout] closed-plans` or `[layout] shelved-plans` globs each
loosen the rule (`guard-config`).
"#
);

mod edits;
mod exempt;
mod release;
mod spelling;
mod synced;
mod touched;
mod unplanned;

pub(crate) use touched::{touches_execplan, touches_open_execplan};

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.change.is_merge || cx.code_changes().is_empty() || exempt::by_author_or_trailer(cx) {
        return Ok(Vec::new());
    }
    let missing = missing_entries(cx)?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    // Only now is the content read: data and binary files are not code, and a small fix or a
    // merge's resolution may need no entry.
    let code = exempt::code_by_content(cx)?;
    let Some(first_code) = code.first() else {
        return Ok(Vec::new());
    };
    let settings = &cx.config.rules.progress_update;
    let section = &settings.section;
    let planned_work = settings.require == Require::PlannedWork;
    let named = planned_work && named_feature(&missing);
    // The open plan that makes unnamed work planned (reading each touched plan's two versions).
    let open_plan = if planned_work && !named {
        touched::first_open_execplan(cx)?
    } else {
        None
    };
    let unattributed = planned_work && !named && open_plan.is_none();
    // Work no feature is named for is measured: above the unplanned limits it is complex work.
    let complex = if planned_work && !named {
        unplanned::complex_size(cx, &code)?
    } else {
        None
    };
    // Small work planned only because it (or its push) touches an open plan: editing a plan's
    // prose beside a small fix is not yet work under it, so a missing entry is only a warning.
    let small_plan_touch = if planned_work
        && !named
        && complex.is_none()
        && settings.plan_touch_small_work == UnplannedVerdict::Warn
    {
        Some(SmallPlanTouch {
            plan: open_plan.clone(),
        })
    } else {
        None
    };
    // Taking a change back (`git revert`, or merging only reverts) is not complex work needing
    // a plan, whatever it puts back.
    if unattributed && !reverts_only(cx)? {
        if let Some(size) = complex {
            let found = UnplannedComplexWork {
                code: CodeChanged {
                    code_path: first_code.path.clone(),
                    code_files: code.len(),
                },
                section: section.clone(),
                written_files: size.files,
                code_lines: size.lines,
                max_lines: settings.unplanned_max_lines,
                max_files: settings.unplanned_max_files,
                folders: size.folders,
                spread_lines: settings.unplanned_spread_lines,
                spread_folders: settings.unplanned_spread_folders,
                execplans: cx.config.layout.execplans.in_words(),
                set_aside: touched::set_aside_execplans(cx)?,
                unverified_revert: revert(cx)?.1,
            };
            return Ok(vec![cx.violation(Finding::ProgressUpdate(
                ProgressUpdate::UnplannedComplexWork(found),
            ))]);
        }
    }
    if unattributed {
        // Under `within = "push"` a made commit still needs an entry when its push or range
        // touches an open execplan: the finding is kept, or dropped, with the push's other commits.
        if settings.within != Within::Push || cx.change.commit.is_none() {
            return Ok(Vec::new());
        }
    }
    if exempt::small_enough(cx, &code)? {
        return Ok(Vec::new());
    }
    let code = CodeChanged {
        code_path: first_code.path.clone(),
        code_files: code.len(),
    };
    let (reverts, unverified_revert) = revert(cx)?;
    let out = missing
        .into_iter()
        .map(|missing| {
            let finding = match missing {
                Missing::AnyPlan {
                    unplanned_branch,
                    reworded,
                    reworded_features,
                } => ProgressUpdate::NoPlanUpdated(NoPlanUpdated {
                    // Named when the warning does not name it and the plan's Progress is not
                    // what the commit rewords (the rewording says so).
                    touched_plan: open_plan
                        .clone()
                        .filter(|plan| small_plan_touch.is_none() && !reworded.contains(plan)),
                    code: code.clone(),
                    section: section.clone(),
                    unplanned_branch,
                    reworded,
                    reworded_features,
                    execplans: cx.config.layout.execplans.in_words(),
                    reverts: reverts.clone(),
                    unattributed,
                    small_plan_touch: small_plan_touch.clone(),
                    unverified_revert,
                }),
                Missing::Plan {
                    plan,
                    feature,
                    named_by,
                } => ProgressUpdate::PlanNotUpdated(PlanNotUpdated {
                    code: code.clone(),
                    section: section.clone(),
                    plan,
                    feature,
                    named_by,
                    reverts: reverts.clone(),
                    unverified_revert,
                }),
            };
            cx.violation(Finding::ProgressUpdate(finding))
        })
        .collect();
    Ok(out)
}

/// Whether a feature is named for the change: by a trailer, or by the branch (even one without
/// its execplan). Work named so is planned work whatever its size.
fn named_feature(missing: &[Missing]) -> bool {
    missing.iter().any(|missing| match missing {
        Missing::Plan { .. } => true,
        Missing::AnyPlan {
            unplanned_branch, ..
        } => unplanned_branch.is_some(),
    })
}

/// An entry the change should have added.
enum Missing {
    /// No feature is named and no plan progressed.
    AnyPlan {
        unplanned_branch: Option<UnplannedBranch>,
        reworded: Vec<RepoPath>,
        reworded_features: Vec<String>,
    },
    /// The plan of a named feature.
    Plan {
        plan: RepoPath,
        feature: String,
        named_by: FeatureNamedBy,
    },
}

/// The entries a code change lacks, judged by its Progress changes alone.
fn missing_entries(cx: &Context<'_>) -> Result<Vec<Missing>, TreeError> {
    let updates = cx.progress_updates()?;
    let (features, source) = cx.features()?;
    let mut out = Vec::new();
    match source {
        Some(FeatureSource::UpdatedExecplan) => {}
        None => {
            let unplanned_branch = branch_feature(cx).map(|(branch, feature)| UnplannedBranch {
                branch,
                plan: cx.config.layout.execplans.path_for(&feature),
                feature,
            });
            let (reworded, reworded_features) = reworded_plans(cx, &updates)?;
            if !reworded.is_empty() && cx.message.is_none() {
                // A rewording counts for the feature an `Execplan:` trailer names, and the
                // message is not known yet (pre-commit): the commit-msg hook judges it.
                return Ok(out);
            }
            out.push(Missing::AnyPlan {
                unplanned_branch,
                reworded,
                reworded_features,
            });
        }
        Some(source) => {
            for feature in features {
                if updates.get(&feature).is_some_and(|change| change.changed) {
                    continue;
                }
                let plan = cx.plan_path(&feature)?;
                let named_by = match source {
                    FeatureSource::Trailer => FeatureNamedBy::Trailer,
                    _ => FeatureNamedBy::Branch,
                };
                out.push(Missing::Plan {
                    plan,
                    feature,
                    named_by,
                });
            }
        }
    }
    Ok(out)
}

/// The plans whose Progress entries the change only rewords, by the file edited (not the path
/// the first layout template would give its feature), and their features. A plan kept in sync
/// with the code, only moved or only reformatted is not reworded: its entries follow the code.
fn reworded_plans(
    cx: &Context<'_>,
    updates: &BTreeMap<String, ProgressChange>,
) -> Result<(Vec<RepoPath>, Vec<String>), TreeError> {
    let mut plans: BTreeMap<String, RepoPath> = BTreeMap::new();
    for file in &cx.change.files {
        if file.new.is_none() {
            continue;
        }
        let Some(feature) = cx.config.layout.execplans.feature_of(&file.path) else {
            continue;
        };
        if !updates
            .get(&feature)
            .is_some_and(|change| change.changed && !change.progressed)
        {
            continue;
        }
        if matches!(
            touched::why_set_aside(cx, file)?,
            Some(SetAsideWhy::Synced | SetAsideWhy::Moved | SetAsideWhy::Reformatted)
        ) {
            continue;
        }
        plans.insert(feature, file.path.clone());
    }
    Ok(plans
        .into_iter()
        .map(|(feature, plan)| (plan, feature))
        .unzip())
}

/// Whether the change only takes work back: its trees prove the revert its message claims (see
/// [`Context::revert_verified`]), or it merges only verified `git revert`s. The message alone is
/// not enough: it is free to write over new work.
fn reverts_only(cx: &Context<'_>) -> Result<bool, TreeError> {
    Ok(cx.change.merges_only_reverts || cx.revert_verified()?)
}

/// The commit the change reverts (the one its `git revert` message names, else the one its trees
/// undo when its message claims a revert in another form), and, when its message claims a
/// revert its trees do not bear out, how many first-parent commits were searched. A message
/// that claims no revert searches nothing.
fn revert(cx: &Context<'_>) -> Result<(Option<String>, Option<usize>), TreeError> {
    let Some(message) = cx.message.as_ref() else {
        return Ok((None, None));
    };
    let named = message.reverted_commit();
    if !message.claims_revert() {
        return Ok((named, None));
    }
    Ok(match cx.revert_check()? {
        RevertCheck::Verified { undone } => (named.or(undone), None),
        RevertCheck::Unverified { searched } => (named, Some(searched)),
        RevertCheck::NotClaimed => (named, None),
    })
}

fn branch_feature(cx: &Context<'_>) -> Option<(String, String)> {
    let branch = cx.change.branch.as_deref()?;
    let feature = cx.config.layout.branch_patterns.feature_of(branch)?;
    Some((branch.to_string(), feature))
}
