use crate::context::planning::PlanSpec;
use crate::context::Context;
use crate::findings::{ExecplanSections, Finding, MissingSections, SpecNotNamed};
use crate::markdown;
use crate::model::{RepoPath, Side, TreeError};
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

Headings are read as a CommonMark parser renders them: an ATX heading (`#` to `######`) or a
setext heading (a line underlined with `===` or `---`), at the top level of the document. A heading
inside a code block, a block quote, a list item or the YAML front matter is not a section. The
title is the heading's visible text, so `## **Progress**` and `` ## `Progress` `` are Progress.
Case, spacing, `&` versus `and`, look-alike and invisible characters, a leading number
(`## 3. Progress`, `## 2.1 Progress`, `## IV. Progress`, `## (b) Progress`), leading decoration
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
block does not count: write it as a real heading.

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
        let Some(text) = cx.text(Side::New, &file.path)? else {
            continue;
        };
        let outline = markdown::Outline::of(&text);
        let missing: Vec<&str> = settings
            .required
            .iter()
            .filter(|title| outline.section_range(title).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            out.push(cx.violation(Finding::ExecplanSections(
                ExecplanSections::MissingSections(MissingSections {
                    path: file.path.clone(),
                    feature: feature.clone(),
                    missing: missing.iter().map(|title| title.to_string()).collect(),
                }),
            )));
        }
        if settings.require_spec_path {
            out.extend(spec_not_named(cx, &feature, &file.path, &text)?);
        }
    }
    Ok(out)
}

/// The plan names no spec: no path matching the spec globs, not even its stem's spec.
fn spec_not_named(
    cx: &Context<'_>,
    feature: &str,
    plan: &RepoPath,
    text: &str,
) -> Result<Option<Violation>, TreeError> {
    let specs = match cx.plan_spec(Side::New, feature, plan, Some(text))? {
        PlanSpec::Named(_) => return Ok(None),
        PlanSpec::ByStem(specs) => specs,
    };
    // A mention the path reader does not split out still names the spec.
    if specs.iter().any(|spec| text.contains(&spec.to_text())) {
        return Ok(None);
    }
    let spec = match specs.into_iter().next() {
        Some(spec) => spec,
        None => {
            let root = cx
                .config
                .layout
                .specs
                .roots()
                .first()
                .copied()
                .unwrap_or("");
            RepoPath::from(
                if root.is_empty() {
                    format!("{feature}.md")
                } else {
                    format!("{root}/{feature}.md")
                }
                .as_str(),
            )
        }
    };
    Ok(Some(cx.violation(Finding::ExecplanSections(
        ExecplanSections::SpecNotNamed(SpecNotNamed {
            path: plan.clone(),
            feature: feature.to_string(),
            spec,
        }),
    ))))
}
