use crate::context::planning::PlanSpec;
use crate::context::Context;
use crate::findings::{ExecplanSections, Finding, MissingSections, SpecNotNamed};
use crate::markdown;
use crate::model::{FileChange, RepoPath, Side, TreeError};
use crate::report::Violation;

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
always lacked.

Headings are read as a CommonMark parser renders them: an ATX heading (`#` to `######`) or a
setext heading (a line underlined with `===` or `---`), at the top level of the document. A heading
inside a code block, a block quote, a list item or the YAML front matter is not a section. The
title is the heading's visible text, so `## **Progress**` and `` ## `Progress` `` are Progress.
Case, spacing, `&` or `/` versus `and` (`Surprises / Discoveries`), look-alike and invisible
characters, a leading number (`## 3. Progress`, `## 2.1 Progress`, `## IV. Progress`, `## (b) Progress`), leading decoration
(`## 📈 Progress`) and trailing punctuation (`## progress:`) do not matter. A required title also
matches a heading that starts with it followed by a parenthetical, a colon or a dash:
`## Tolerances (exception triggers)`, `## Progress: week 2`, `## Decision Log — 2026`. A longer
word (`## Progressive rollout`) or another title (`## Progress report`) does not.

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

## Configuration
`[rules.execplan-sections] required` (section titles, matched as above) and `require-spec-path`
(default `true`); `enabled = false` turns it off. Which files are plans: `[layout] execplans` and
`[layout] not-planning`.
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
