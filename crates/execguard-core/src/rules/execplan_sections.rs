use crate::context::planning::PlanSpec;
use crate::context::Context;
use crate::findings::{ExecplanSections, Finding, MissingSections, NotAPlan, SpecNotNamed};
use crate::markdown;
use crate::model::{FileChange, RepoPath, Side, TreeError};
use crate::report::Violation;
use std::rc::Rc;

mod beside;

use beside::{kept_beside_plans, PlanSigns};

rule_doc!(
    r#"execplan-sections: an execplan keeps its living sections and names its spec.

## What it checks
An execplan (`plans/<feature>-execplan.md`, or any path of the `[layout] execplans` list, except
the paths of `[layout] not-planning` such as a folder's `README.md`) that the commit adds or
modifies must contain every required section — by default Progress, Surprises & Discoveries,
Decision Log and Outcomes & Retrospective — and must name its spec: mention a path that matches
`[layout] specs` (a line `Spec: specs/submission-manager.md` serves any number of phase plans), or
the path of the spec with its own stem (`specs/<feature>.md`, or wherever under `specs/` the feature's spec lives).

The commit is judged on what it does. A plan it adds is asked for everything; a plan it modifies
or renames, only for what the change takes away: a required section the base version had, or the
spec mention the base version had. An older plan written before a section was required, or that
never named a spec, may be edited without adding them. In a range or a push judged commit by
commit (`check --range`, pre-receive, pre-push), a plan a commit restores byte for byte at a path
where a base of the range (what the target already has) holds the same file is not new writing
either: a branch that deleted an old plan and adds it back unchanged is not asked for what it
always lacked. A plan added as a copy of a plan the base holds under the same file name in a
sibling plan folder, or that name with a prefix set off by `-` or `_` (`active/x.md` copied to
`completed/x.md` or `completed/2026-08-01-x.md` when the plan is done, the old copy deleted then
or later) is judged like a rename from it when it keeps every line of it: only for
the sections it loses. A copy that rewrites a line, or a new plan under another name, is asked for
everything.

Headings are read as a CommonMark parser renders them: an ATX heading (`#` to `######`) or a
setext heading (a line underlined with `===` or `---`), at the top level of the document. A heading
inside a code block, a block quote, a list item or the YAML front matter is not a section. The
title is the heading's visible text, so `## **Progress**` and `` ## `Progress` `` are Progress.
Case, spacing, `&`, `/` or `or` versus `and` (`Surprises / Discoveries`, `Files to create/modify`
as `Files To Create Or Modify`), look-alike and invisible
characters, a leading number (`## 3. Progress`, `## 2.1 Progress`, `## IV. Progress`, `## (b) Progress`), leading decoration
(`## 📈 Progress`) and trailing punctuation (`## progress:`) do not matter. A required title also
matches a heading that starts with it followed by a parenthetical, a colon or a dash:
`## Tolerances (exception triggers)`, `## Progress: week 2`, `## Decision Log — 2026`, and so
does one whose title before a slash set off by spaces is it (`## Progress / 진행 상황`: a title and
its translation). A heading joining two titles by `and` or `&` carries each of them, in either
place: `## Tasks and Progress` (a plan keeping its task list and its progress under one heading)
is both Tasks and Progress, and its entries are the Progress entries where Progress is the
progress section. A longer word (`## Progressive rollout`), another title (`## Progress
report`), or one word of a title that itself holds `and` (`## Surprises` for Surprises &
Discoveries) does not.

Plan folders hold more than plans. A file the commit adds there is a document kept beside the
plans, not a plan, when it has none of the required sections nor Progress (headings inside a
fenced block count), no readiness marker, no open task (`- [ ]`), nothing calling it a plan (the
word `plan` or `ExecPlan` in its title or file name, "this plan" in its text, `type: plan`), and
its title or file name ends with the name of another kind of document (findings, report,
inventory, analysis, audit, notes, research, review, summary; or what a team keeps to carry a
plan out: runbook, playbook, handoff, handover, prompt, checklist, guide, instructions:
`M1 Findings: ...`, `backend-inventory-2026-07.md`, `dx-agent-runbook.md`), or it names another
plan of the layout as the plan it serves (a path from the root or `./`/`../` on a line that says
"execution plan", "implement", "execute", "carry out" or "serves"), or it is a short stub (40
lines at most) that calls itself one in a heading or links to a plan. A runbook titled
`Agent command: implement project DX plan` whose file name ends with such a word and which names
the plan it serves is not calling itself a plan with that title; its file name and "this plan"
still count. It is not judged as a plan: the commit gets a warning that names it. It has no Progress, so no work counts as planned under it. A plan whose base version was a
plan stays one, whatever the change calls it.

A section runs from its heading to the next top-level heading of the same or a higher level (as
many `#`s or fewer; `===` is level 1, `---` level 2), or to the end of the document: a `###` under
`## Progress` is part of Progress. When several headings carry a title, the shallowest one is the
section, then one whose title is exactly the required one, then the first.

## Why
These sections are how a human follows the work: what was done, what was learned, what was decided
and why, and how it ended. A plan that drops one, or loses track of its spec, stops being useful.

## Example
The agent commits a plan without a Decision Log:

```text
error[execplan-sections]: plans/login-execplan.md lacks the section "Decision Log"
```

## How to comply
Add the missing heading (for example `## Decision Log`) with its content, and name the spec in the
plan's introduction (`Spec: specs/login.md`). A heading shown only as an example inside a code
block does not count: write it as a real heading. A plan wrapped whole in a fence
(```` ```md ```` ... ```` ``` ````) renders as code, so the message says its sections are inside
a fence: remove the fence lines.

A warning that a file beside the plans is not a plan (a findings note, a report, a stub) asks
for nothing from the commit: if the file is indeed no plan, ask a human to list it in `[layout]
not-planning` so that it is never read as one; if it is a plan, give it the sections and title it
as a plan. Until then, code written under it is unplanned work.

## Configuration
`[rules.execplan-sections] required` (section titles, matched as above) and `require-spec-path`
(default `true`); `enabled = false` turns it off. Which files are plans: `[layout] execplans` and
`[layout] not-planning` (a findings note, a report or a stub kept beside the plans belongs
there). The sections that keep a file beside the plans a plan are the `required` ones and
`[rules.progress-update] section`; its readiness marker is `[layout] execplan-marker`.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let settings = &cx.config.rules.execplan_sections;
    let mut out = Vec::new();
    for file in &cx.change.files {
        let Some(feature) = layout.execplans.feature_of(&file.path) else {
            continue;
        };
        // The target already holds this plan, byte for byte: restoring it writes nothing new.
        if cx.change.held_by_range_base.contains(&file.path) {
            continue;
        }
        let Some(text) = cx.text(Side::New, &file.path)? else {
            continue;
        };
        // What the change did is judged, not what the file always lacked: the plan as the base
        // had it (at its old path, for a rename) keeps what it never had.
        let base = match &file.old {
            Some(old) if old.kind.is_blob() => cx.text(Side::Base, file.old_path())?,
            _ => None,
        };
        // A findings note or a pointer stub kept beside the plans is not judged as a plan; a
        // plan whose base version was one stays one, whatever the change calls it.
        let signs = PlanSigns {
            layout,
            sections: plan_sections(cx),
        };
        if let Some(is) = kept_beside_plans(&file.path, &text, &signs) {
            if base.is_none() {
                out.push(
                    cx.violation(Finding::ExecplanSections(ExecplanSections::NotAPlan(
                        NotAPlan {
                            path: file.path.clone(),
                            feature: feature.clone(),
                            is,
                            sections: settings.required.clone(),
                            marker: layout.execplan_marker.first().to_string(),
                        },
                    ))),
                );
                continue;
            }
            let old_path = file.old_path();
            if base
                .as_deref()
                .is_some_and(|old| kept_beside_plans(old_path, old, &signs).is_some())
            {
                continue;
            }
        }
        // A plan copied from another plan folder (`active/` to `completed/`) is judged like a
        // rename from its source: only for what the copy takes away.
        let base = match (&file.old, base) {
            (None, _) => copied_from(cx, &file.path, &text)?,
            (_, base) => base,
        };
        let outline = markdown::Outline::of(&text);
        let base_outline = base.as_deref().map(markdown::Outline::of);
        let missing: Vec<String> = settings
            .required
            .iter()
            .filter(|title| outline.section_range(title).is_none())
            .filter(|title| {
                base_outline
                    .as_ref()
                    .is_none_or(|base| base.section_range(title).is_some())
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            let fenced = markdown::titles_in_fences(&text, &missing);
            out.push(cx.violation(Finding::ExecplanSections(
                ExecplanSections::MissingSections(MissingSections {
                    path: file.path.clone(),
                    feature: feature.clone(),
                    missing,
                    fenced,
                }),
            )));
        }
        if settings.require_spec_path {
            out.extend(spec_not_named(cx, &feature, file, &text, base.as_deref())?);
        }
    }
    Ok(out)
}

/// The text of the plan the base holds under the same file name in a sibling folder
/// (`docs/plans/active/x.md` for `docs/plans/completed/x.md`) when the added plan keeps every
/// line of it: a copy, perhaps with more written, not new writing.
fn copied_from(
    cx: &Context<'_>,
    path: &RepoPath,
    text: &str,
) -> Result<Option<Rc<str>>, TreeError> {
    let bytes = path.as_bytes();
    let Some(name_at) = bytes.iter().rposition(|&b| b == b'/') else {
        return Ok(None);
    };
    let (folder, name) = (&bytes[..name_at], &bytes[name_at..]);
    let Some(parent_at) = folder.iter().rposition(|&b| b == b'/') else {
        return Ok(None);
    };
    let kept: std::collections::HashSet<&str> = text.lines().map(str::trim_end).collect();
    for source in cx
        .trees
        .list(Side::Base, &RepoPath::new(&bytes[..parent_at]))?
    {
        let candidate = source.as_bytes();
        let Some(source_at) = candidate.iter().rposition(|&b| b == b'/') else {
            continue;
        };
        if source == *path
            || !same_plan_name(&name[1..], &candidate[source_at + 1..])
            || candidate[..source_at].iter().rposition(|&b| b == b'/') != Some(parent_at)
            || cx.config.layout.execplans.feature_of(&source).is_none()
        {
            continue;
        }
        let Some(old) = cx.text(Side::Base, &source)? else {
            continue;
        };
        if old
            .lines()
            .map(str::trim_end)
            .all(|line| kept.contains(line))
        {
            return Ok(Some(old));
        }
    }
    Ok(None)
}

/// Whether two plan file names name one plan: the same, or one is the other with a prefix set
/// off by `-` or `_` (`2026-08-01-auto-outfit.md` for `auto-outfit.md`, a date added when done).
fn same_plan_name(a: &[u8], b: &[u8]) -> bool {
    let prefixed = |long: &[u8], short: &[u8]| {
        long.len() > short.len()
            && long.ends_with(short)
            && matches!(long[long.len() - short.len() - 1], b'-' | b'_')
    };
    a == b || prefixed(a, b) || prefixed(b, a)
}

/// The sections whose presence makes a document a plan: the required ones and Progress.
fn plan_sections(cx: &Context<'_>) -> Vec<String> {
    let mut sections = cx.config.rules.execplan_sections.required.clone();
    let progress = &cx.config.rules.progress_update.section;
    if !sections.contains(progress) {
        sections.push(progress.clone());
    }
    sections
}

/// Whether `text`, the plan at `plan` on `side`, names a spec: a path matching the spec globs,
/// or the path of a spec with its stem.
fn names_a_spec(
    cx: &Context<'_>,
    side: Side,
    feature: &str,
    plan: &RepoPath,
    text: &str,
) -> Result<(bool, Vec<RepoPath>), TreeError> {
    Ok(match cx.plan_spec(side, feature, plan, Some(text))? {
        PlanSpec::Named(_) => (true, Vec::new()),
        // A mention the path reader does not split out still names the spec.
        PlanSpec::ByStem(specs) => (
            specs.iter().any(|spec| text.contains(&spec.to_text())),
            specs,
        ),
    })
}

/// The plan names no spec: no path matching the spec globs, not even its stem's spec. Only a
/// plan the change adds, or one whose base named a spec, is asked: a plan that never named one
/// is not the change's doing.
fn spec_not_named(
    cx: &Context<'_>,
    feature: &str,
    file: &FileChange,
    text: &str,
    base: Option<&str>,
) -> Result<Option<Violation>, TreeError> {
    let plan = &file.path;
    let (named, specs) = names_a_spec(cx, Side::New, feature, plan, text)?;
    if named {
        return Ok(None);
    }
    if let Some(base) = base {
        if !names_a_spec(cx, Side::Base, feature, file.old_path(), base)?.0 {
            return Ok(None);
        }
    }
    Ok(Some(cx.violation(Finding::ExecplanSections(
        ExecplanSections::SpecNotNamed(SpecNotNamed {
            path: plan.clone(),
            feature: feature.to_string(),
            spec: specs.into_iter().next(),
            specs: cx.config.layout.specs.as_str(),
        }),
    ))))
}
