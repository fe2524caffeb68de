use crate::context::planning::PlanSpec;
use crate::context::Context;
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;
use crate::rule_id::RuleId;

rule_doc!(
    r#"execplan-ready: code is written only from a spec frozen and an execplan ready before it.

## What it checks
A commit that changes code for a feature requires, in its base — HEAD for a staged change, the
first parent for a commit — that the feature's execplan (`plans/<feature>-execplan.md`, or the
first existing path of the `[layout] execplans` list) carries the marker `EXECPLAN-READY` and that
the plan's spec is frozen with `EXEC-READY`; the plan must still carry its marker after the
commit. The plan's spec is the one it names, read from the base's version of the plan: the first
spec path on a `Spec:` line, else the first spec path it mentions, else a spec
`specs/**/<feature>.md` with the plan's own stem. So several phase plans
(`submission-manager-phase1`, `-phase2`) can implement one spec `specs/submission-manager.md`.
Readiness the commit itself brings does not count: a commit that freezes the spec or readies the
plan (a marker appended to a draft, or a new frozen spec and a ready plan) together with the code
is refused. The feature is found as for `progress-update`: the `Execplan:` trailer, else the
branch name, else the execplans whose Progress the commit updates. When no feature can be found,
`progress-update` reports it and this rule says nothing. Licences, lockfiles, `.gitignore` and CI
or hook-manager config are not code by default (`[layout] not-code`).

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

On branch `exec/submission-manager-phase2`, the plan says `Spec: specs/submission-manager.md`
and that spec is still a draft in HEAD:

```text
error[execplan-ready]: this commit changes code for feature `submission-manager-phase2` but specs/submission-manager.md, the spec plans/submission-manager-phase2-execplan.md names, is not frozen with EXEC-READY in HEAD
```

## How to comply
Finish the plan, add a line `EXECPLAN-READY` to it and commit the plan on its own; then commit the
code on top. Name the spec the plan implements on a line `Spec: specs/<name>.md`. If the spec is
not frozen in the base, stop and escalate: only a human freezes a spec, in a commit of its own.

## Configuration
`[layout] execplans` (one template or a list), `[layout] not-planning` (paths that are never
plans, default `**/README.md` and `**/TEMPLATE.md`), `[layout] execplan-marker` (default
`EXECPLAN-READY`; a list of states, any of which counts), `[layout] specs`,
`[layout] spec-marker` (one or a list: `["APPROVED", "COMPLETED"]` freezes a spec whose line
reads `Status: APPROVED`), `[layout] code` and `not-code`.
`[rules.execplan-ready] require-spec = false` checks only the plan, for repositories with plans
but no per-feature specs (a loosening: it needs a human); `enabled = false` turns it off.
"#
);
pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.code_changes().is_empty() {
        return Ok(Vec::new());
    }
    let (features, _) = cx.features()?;
    let mut out = Vec::new();
    for feature in features {
        let plan = match cx.plan_for(Side::Base, &feature)? {
            Some(plan) => plan,
            None => cx
                .plan_for(Side::New, &feature)?
                .unwrap_or_else(|| cx.config.layout.execplans.path_for(&feature)),
        };
        out.extend(plan_not_ready(cx, &feature, &plan)?);
        if cx.config.rules.execplan_ready.require_spec {
            out.extend(spec_not_frozen_before(cx, &feature, &plan)?);
        }
    }
    Ok(out)
}

/// The feature's execplan is not ready in the base, or the change withdraws it.
fn plan_not_ready(
    cx: &Context<'_>,
    feature: &str,
    plan: &RepoPath,
) -> Result<Option<Violation>, TreeError> {
    let markers = &cx.config.layout.execplan_marker;
    let base = cx.base_name();
    let problem = match cx.text(Side::Base, plan)? {
        // Ready before; the code must not come with the plan withdrawn either.
        Some(text) if markers.found_in(&text) => match cx.text(Side::New, plan)? {
            Some(text) if markers.found_in(&text) => return Ok(None),
            Some(_) => format!("this commit removes the {markers} marker from {plan}"),
            None => format!("this commit deletes {plan}"),
        },
        Some(_) if cx.has_marker(Side::New, plan, markers)? => {
            format!("{plan} is marked {markers} only by this commit, not in {base}")
        }
        Some(_) => format!("{plan} is not marked {markers} in {base}"),
        None if cx.has_marker(Side::New, plan, markers)? => {
            format!("{plan} is added, ready, by this commit: it does not exist in {base}")
        }
        None => format!("{plan} does not exist in {base}"),
    };
    Ok(Some(cx.violation(
        RuleId::ExecplanReady,
        Some(plan),
        format!(
            "{} changes code for feature `{feature}` but {problem}: EXEC starts only from an execplan that was ready before the code.",
            cx.subject_name()
        ),
        format!(
            "Commit the complete execplan, with a line `{}`, on its own first; then commit the code on top of it. If intent is unclear, stop and escalate instead.",
            markers.first()
        ),
    )))
}

/// The spec the plan implements is not frozen in the base. The plan is read as the base has it
/// (as the commit leaves it when the base has none), so the commit cannot point it elsewhere.
fn spec_not_frozen_before(
    cx: &Context<'_>,
    feature: &str,
    plan: &RepoPath,
) -> Result<Option<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let markers = &layout.spec_marker;
    let plan_text = match cx.text(Side::Base, plan)? {
        Some(text) => Some(text),
        None => cx.text(Side::New, plan)?,
    };
    let base = cx.base_name();
    let (path, problem): (Option<RepoPath>, String) = match cx.plan_spec(
        Side::Base,
        feature,
        plan,
        plan_text.as_deref(),
    )? {
        PlanSpec::Named(spec) => {
            if cx.has_marker(Side::Base, &spec, markers)? {
                return Ok(None);
            }
            let problem = if cx.has_marker(Side::New, &spec, markers)? {
                format!("{spec}, the spec {plan} names, is frozen with {markers} only by this commit, not in {base}")
            } else if cx.trees.entry(Side::Base, &spec)?.is_some() {
                format!("{spec}, the spec {plan} names, is not frozen with {markers} in {base}")
            } else {
                format!("{plan} names the spec {spec}, which does not exist in {base}")
            };
            (Some(spec), problem)
        }
        PlanSpec::ByStem(specs) => {
            for spec in &specs {
                if cx.has_marker(Side::Base, spec, markers)? {
                    return Ok(None);
                }
            }
            match (cx.frozen_spec(Side::New, feature)?, specs.first()) {
                (Some(spec), _) => (
                    Some(spec.clone()),
                    format!("{spec} is frozen with {markers} only by this commit, not in {base}"),
                ),
                (None, Some(spec)) => (
                    Some(spec.clone()),
                    format!("{spec} is not frozen with {markers} in {base}"),
                ),
                (None, None) => (
                    None,
                    format!(
                        "{plan} names no spec and no spec for it matches {} in {base}",
                        layout.specs.as_str()
                    ),
                ),
            }
        }
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
