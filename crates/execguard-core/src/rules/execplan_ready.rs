use crate::engine::Context;
use crate::model::{RepoPath, Side, TreeError};
use crate::registry::RuleId;
use crate::report::Violation;

rule_doc!(
    r#"execplan-ready: code is written only from a spec frozen and an execplan ready before it.

## What it checks
A commit that changes code for a feature requires, in its base — HEAD for a staged change, the
first parent for a commit — that the feature's execplan `plans/<feature>-execplan.md` carries the
marker `EXECPLAN-READY` and that a spec `specs/**/<feature>.md` is frozen with `EXEC-READY`; the
plan must still carry its marker after the commit. Readiness the commit itself brings does not
count: a commit that freezes the spec or readies the plan (a marker appended to a draft, or a new
frozen spec and a ready plan) together with the code is refused. The feature is found as for `progress-update`: the `Execplan:` trailer, else the
branch name, else the execplans whose Progress the commit updates. When no feature can be found,
`progress-update` reports it and this rule says nothing.

## Why
EXEC starts only when a human has frozen the spec and the agent has written and marked its plan.
Code written before that is built on intent nobody has agreed. The freeze and the ready plan must
land first, on their own, so that they are visible and reviewable as inputs; a marker slipped into
the same commit as the code (an invisible `<!-- EXEC-READY -->` at the end of a draft) freezes
nothing anyone agreed to.

## Example
On branch `exec/login`, HEAD's execplan still says `Status: draft`; the commit marks it ready and
adds code:

```text
error[execplan-ready]: this commit changes code for feature `login` but plans/login-execplan.md is marked EXECPLAN-READY only by this commit, not in HEAD
```

## How to comply
Finish the plan, add a line `EXECPLAN-READY` to it and commit the plan on its own; then commit the
code on top. If the spec is not frozen in the base, stop and escalate: only a human freezes a
spec, in a commit of its own.

## Configuration
`[layout] execplans`, `[layout] execplan-marker` (default `EXECPLAN-READY`), `[layout] specs`,
`[layout] spec-marker`; `[rules.execplan-ready] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.code_changes().is_empty() {
        return Ok(Vec::new());
    }
    let (features, _) = cx.features()?;
    let mut out = Vec::new();
    for feature in features {
        out.extend(plan_not_ready(cx, &feature)?);
        out.extend(spec_not_frozen_before(cx, &feature)?);
    }
    Ok(out)
}

/// The feature's execplan is not ready in the base, or the change withdraws it.
fn plan_not_ready(cx: &Context<'_>, feature: &str) -> Result<Option<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let marker = &layout.execplan_marker;
    let plan = layout.execplans.path_for(feature);
    let base = cx.base_name();
    let problem = match cx.text(Side::Base, &plan)? {
        // Ready before; the code must not come with the plan withdrawn either.
        Some(text) if crate::markdown::has_marker(&text, marker) => {
            match cx.text(Side::New, &plan)? {
                Some(text) if crate::markdown::has_marker(&text, marker) => return Ok(None),
                Some(_) => format!("this commit removes the {marker} marker from {plan}"),
                None => format!("this commit deletes {plan}"),
            }
        }
        Some(_) if cx.has_marker(Side::New, &plan, marker)? => {
            format!("{plan} is marked {marker} only by this commit, not in {base}")
        }
        Some(_) => format!("{plan} is not marked {marker} in {base}"),
        None if cx.has_marker(Side::New, &plan, marker)? => {
            format!("{plan} is added, ready, by this commit: it does not exist in {base}")
        }
        None => format!("{plan} does not exist in {base}"),
    };
    Ok(Some(cx.violation(
        RuleId::ExecplanReady,
        Some(&plan),
        format!(
            "{} changes code for feature `{feature}` but {problem}: EXEC starts only from an execplan that was ready before the code.",
            cx.subject_name()
        ),
        format!(
            "Commit the complete execplan, with a line `{marker}`, on its own first; then commit the code on top of it. If intent is unclear, stop and escalate instead."
        ),
    )))
}

/// No spec of the feature is frozen in the base.
fn spec_not_frozen_before(cx: &Context<'_>, feature: &str) -> Result<Option<Violation>, TreeError> {
    let layout = &cx.config.layout;
    if cx.frozen_spec(Side::Base, feature)?.is_some() {
        return Ok(None);
    }
    let base = cx.base_name();
    let frozen_now = cx.frozen_spec(Side::New, feature)?;
    let specs = cx.specs_for(Side::Base, feature)?;
    let (path, problem): (Option<RepoPath>, String) = match (&frozen_now, specs.first()) {
        (Some(spec), _) => (
            Some(spec.clone()),
            format!(
                "{spec} is frozen with {} only by this commit, not in {base}",
                layout.spec_marker
            ),
        ),
        (None, Some(spec)) => (
            Some(spec.clone()),
            format!("{spec} is not frozen with {} in {base}", layout.spec_marker),
        ),
        (None, None) => (
            None,
            format!("no spec for it matches {} in {base}", layout.specs.as_str()),
        ),
    };
    Ok(Some(cx.violation(
        RuleId::ExecplanReady,
        path.as_ref(),
        format!(
            "{} changes code for feature `{feature}` but {problem}: EXEC starts only from a spec that was frozen before the code.",
            cx.subject_name()
        ),
        "Stop and escalate: only a human freezes a spec, in a commit of its own that lands before any code. Do not add the marker yourself; ask the spec's owner.".to_string(),
    )))
}
