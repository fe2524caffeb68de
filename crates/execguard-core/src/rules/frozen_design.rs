use super::action::actions;
use crate::context::Context;
use crate::findings::{Finding, FrozenDesign};
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;

rule_doc!(
    r#"frozen-design: a design note is read-only while its spec is frozen.

## What it checks
A commit may not add, modify, delete, rename or re-mode `designs/<feature>.md` while a spec of the
same feature (`specs/**/<feature>.md`) is frozen with `EXEC-READY` in the base (HEAD for a staged
change, the first parent for a commit).

A path that differs from it only in case, Unicode normalisation or Windows' trailing dots and
spaces counts as it (it is the same file on macOS and Windows checkouts). A merge is judged against every parent; it may take another parent's version of the
path only when the path was protected by this rule at their merge base.

## Why
The design note holds the conventions a human approved together with the frozen spec. Changing it
during EXEC changes the agreement without the human.

## Example
`specs/login.md` is frozen in HEAD and the agent adds a new convention to `designs/login.md`:

```text
error[frozen-design]: this commit modifies designs/login.md while specs/login.md is frozen
```

## How to comply
Stop and escalate (`execguard escalate "<question>"`); do not retry. Restore the note and record the question in the execplan's
Decision Log or Surprises & Discoveries, then ask the human. An approved change carries the
trailer `Execguard-Override: frozen-design: <reason>`.

## Configuration
`[layout] designs` (default `designs/{feature}.md`), `[layout] specs`, `[layout] spec-marker`.
`[rules.frozen-design] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let mut out = Vec::new();
    for (_, path, action) in actions(&cx.change.files) {
        let Some(feature) = layout.designs.feature_of(path) else {
            continue;
        };
        let Some(spec) = cx.frozen_spec(Side::Base, &feature)? else {
            continue;
        };
        out.push(cx.violation_with_undo(
            Finding::FrozenDesign(FrozenDesign::changed(
                path,
                &feature,
                action,
                &spec,
                layout.spec_marker.names(),
            )),
            cx.undo_hint(path),
        ));
    }
    Ok(out)
}

/// Whether `path` is the design note of a feature whose spec is frozen on `side`.
pub(crate) fn protects(cx: &Context<'_>, side: Side, path: &RepoPath) -> Result<bool, TreeError> {
    match cx.config.layout.designs.feature_of(path) {
        Some(feature) => Ok(cx.frozen_spec(side, &feature)?.is_some()),
        None => Ok(false),
    }
}
