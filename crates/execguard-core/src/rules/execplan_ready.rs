use crate::engine::Context;
use crate::model::{Side, TreeError};
use crate::registry::RuleId;
use crate::report::Violation;

rule_doc!(
    r#"execplan-ready: code is written only from a frozen spec and a ready execplan.

## What it checks
A commit that changes code for a feature requires, in the tree it commits, that the feature's
execplan `plans/<feature>-execplan.md` carries the marker `EXECPLAN-READY` and that a spec
`specs/**/<feature>.md` is frozen with `EXEC-READY`. The feature is found as for `progress-update`:
the `Execplan:` trailer, else the branch name, else the execplans whose Progress the commit
updates. When no feature can be found, `progress-update` reports it and this rule says nothing.

## Why
EXEC starts only when a human has frozen the spec and the agent has written and marked its plan.
Code written before that is built on intent nobody has agreed.

## Example
On branch `exec/login`, the execplan exists but still says `Status: draft`:

```text
error[execplan-ready]: this commit changes code for `login` but plans/login-execplan.md is not marked EXECPLAN-READY
```

## How to comply
Finish the plan and add a line `EXECPLAN-READY` to it (in this commit or an earlier one). If the
spec is not frozen, stop and escalate: only a human freezes a spec.

## Configuration
`[layout] execplans`, `[layout] execplan-marker` (default `EXECPLAN-READY`), `[layout] specs`,
`[layout] spec-marker`; `[rules.execplan-ready] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.code_changes().is_empty() {
        return Ok(Vec::new());
    }
    let layout = &cx.config.layout;
    let (features, _) = cx.features()?;
    let mut out = Vec::new();
    for feature in features {
        let plan = layout.execplans.path_for(&feature);
        let problem = match cx.text(Side::New, &plan)? {
            None => Some(format!("{plan} does not exist")),
            Some(text) if !crate::markdown::has_marker(&text, &layout.execplan_marker) => {
                Some(format!("{plan} is not marked {}", layout.execplan_marker))
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            out.push(cx.violation(
                RuleId::ExecplanReady,
                Some(&plan),
                format!(
                    "{} changes code for feature `{feature}` but {problem}: EXEC starts only from a ready execplan.",
                    cx.subject_name()
                ),
                format!(
                    "Write the execplan and, once it is complete, add a line `{}` to {plan}; then commit the code. If intent is unclear, stop and escalate instead.",
                    layout.execplan_marker
                ),
            ));
        }
        if cx.frozen_spec(Side::New, &feature)?.is_none() {
            let specs = cx.specs_for(Side::New, &feature)?;
            let problem = match specs.first() {
                None => format!("no spec for it matches {}", layout.specs.as_str()),
                Some(spec) => format!("{spec} is not frozen with {}", layout.spec_marker),
            };
            out.push(cx.violation(
                RuleId::ExecplanReady,
                specs.first(),
                format!(
                    "{} changes code for feature `{feature}` but {problem}: EXEC starts only from a frozen spec.",
                    cx.subject_name()
                ),
                "Stop and escalate: only a human freezes a spec. Do not add the marker yourself; ask the spec's owner.".to_string(),
            ));
        }
    }
    Ok(out)
}
