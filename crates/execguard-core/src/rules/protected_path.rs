use super::action::actions;
use crate::context::Context;
use crate::findings::{Finding, ProtectedPath};
use crate::model::TreeError;
use crate::report::Violation;

rule_doc!(
    r#"protected-path: configured paths may not be touched at all.

## What it checks
A commit may not add, modify, delete, rename (to or from) or change the mode or type of a path
matching one of the configured globs. By default that is `backend/PLANS.md`, the rules for writing
execplans.

A path that differs from it only in case, Unicode normalisation or Windows' trailing dots and
spaces counts as it (it is the same file on macOS and Windows checkouts), and so does a new file
in a folder spelt that way (`INFRA/new.yaml` for a protected `infra/**`, whether or not the base
has the folder yet). A merge is judged against every parent; it may take another parent's version of the
path only when the path was protected by this rule at their merge base.

## Why
Some files define the discipline itself. An agent that rewrites the plan-writing rules can make any
plan look compliant.

## Example
The agent shortens the required sections in `backend/PLANS.md`:

```text
error[protected-path]: this commit modifies backend/PLANS.md, a protected path
```

## How to comply
Stop and escalate; do not retry. Restore the file (`git restore --staged --worktree -- <path>`
for a file the base has; for a new one `git restore --staged -- <path>`, or `git rm --cached --
<path>` on a branch with no commit yet, which keep the file) and ask a human to make the change. A human making it on purpose adds the trailer
`Execguard-Override: protected-path: <reason>`.

## Configuration
`[rules.protected-path] paths` (globs, default `["backend/PLANS.md"]`);
`enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let globs = &cx.config.rules.protected_path.paths;
    let mut out = Vec::new();
    for (_, path, action) in actions(&cx.change.files) {
        let matched = globs.is_match(path)
            || (globs.is_match_checked_out(path)
                // Written over a protected file of the base: reported as that collision.
                && !cx.case_collisions()?.iter().any(|(added, _)| added == path));
        if matched {
            out.push(cx.violation_with_undo(
                Finding::ProtectedPath(ProtectedPath::changed(path, action)),
                cx.undo_hint(path),
            ));
        }
    }
    Ok(out)
}
