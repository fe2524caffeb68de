use crate::context::planning::PlanSpec;
use crate::context::Context;
use crate::findings::{
    ExecplanReady, Finding, PlanNotReady, PlanProblem, SpecNotFrozen, SpecProblem,
};
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;

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
not frozen in the base, stop and escalate (`execguard escalate "<question>"`): only a human freezes a spec, in a commit of its own.

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
    let problem = match cx.text(Side::Base, plan)? {
        // Ready before; the code must not come with the plan withdrawn either.
        Some(text) if markers.found_in(&text) => match cx.text(Side::New, plan)? {
            Some(text) if markers.found_in(&text) => return Ok(None),
            Some(_) => PlanProblem::MarkerRemoved,
            None => PlanProblem::Deleted,
        },
        Some(_) if cx.has_marker(Side::New, plan, markers)? => PlanProblem::ReadiedByThisCommit,
        Some(_) => PlanProblem::NotReady,
        None if cx.has_marker(Side::New, plan, markers)? => PlanProblem::AddedReady,
        None => PlanProblem::Missing,
    };
    Ok(Some(cx.violation(Finding::ExecplanReady(
        ExecplanReady::PlanNotReady(PlanNotReady {
            feature: feature.to_string(),
            plan: plan.clone(),
            problem,
            markers: markers.names().to_vec(),
        }),
    ))))
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
    let named = |spec: RepoPath, problem| (Some(spec), true, problem);
    let (spec, named_by_plan, problem) =
        match cx.plan_spec(Side::Base, feature, plan, plan_text.as_deref())? {
            PlanSpec::Named(spec) => {
                if cx.has_marker(Side::Base, &spec, markers)? {
                    return Ok(None);
                }
                if cx.has_marker(Side::New, &spec, markers)? {
                    named(spec, SpecProblem::FrozenByThisCommit)
                } else if cx.trees.entry(Side::Base, &spec)?.is_some() {
                    named(spec, SpecProblem::NotFrozen)
                } else {
                    named(spec, SpecProblem::Missing)
                }
            }
            PlanSpec::ByStem(specs) => {
                for spec in &specs {
                    if cx.has_marker(Side::Base, spec, markers)? {
                        return Ok(None);
                    }
                }
                match (cx.frozen_spec(Side::New, feature)?, specs.first()) {
                    (Some(spec), _) => (Some(spec), false, SpecProblem::FrozenByThisCommit),
                    (None, Some(spec)) => (Some(spec.clone()), false, SpecProblem::NotFrozen),
                    (None, None) => (None, false, SpecProblem::NoneFound),
                }
            }
        };
    // The plan as the change leaves it may name a spec that is frozen already: then the fix is to
    // land that `Spec:` line first, not to freeze anything.
    let named_by_this_change = match cx.text(Side::New, plan)? {
        Some(text) => match cx.plan_spec(Side::New, feature, plan, Some(&text))? {
            PlanSpec::Named(new_spec)
                if spec.as_ref() != Some(&new_spec)
                    && cx.has_marker(Side::Base, &new_spec, markers)? =>
            {
                Some(new_spec)
            }
            _ => None,
        },
        None => None,
    };
    Ok(Some(cx.violation(Finding::ExecplanReady(
        ExecplanReady::SpecNotFrozen(SpecNotFrozen {
            feature: feature.to_string(),
            plan: plan.clone(),
            specs: (problem == SpecProblem::NoneFound).then(|| layout.specs.as_str()),
            spec,
            named_by_plan,
            problem,
            markers: markers.names().to_vec(),
            named_by_this_change,
        }),
    ))))
}
