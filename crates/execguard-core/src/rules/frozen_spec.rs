use super::{actions, Action};
use crate::engine::Context;
use crate::model::{RepoPath, Side, TreeError};
use crate::registry::RuleId;
use crate::report::Violation;

rule_doc!(
    r#"frozen-spec: a spec frozen with EXEC-READY may not be changed.

## What it checks
A commit may not modify, delete, rename away, or change the mode or type (a file replaced by a
symbolic link, a submodule, ...) of a spec that is frozen in the base: the version of
`specs/**/<feature>.md` in HEAD (for a staged change) or in the first parent (for a commit) that has
a line which is the marker `EXEC-READY`. The marker counts alone or decorated as Markdown
(`**EXEC-READY**`, `` `EXEC-READY` ``, `Status: EXEC-READY`, `<!-- EXEC-READY -->`,
`## EXEC-READY`); a mention inside a sentence or a code block does not freeze. Freezing a spec
(adding the marker) is allowed; removing the marker is a modification of a frozen spec.

## Why
A frozen spec is the human's decision about what to build. An agent that edits it while
implementing quietly moves the goalposts. When the spec looks wrong, the work must stop and go back
to the human (SPEC mode), not be patched around.

## Example
`specs/login.md` in HEAD starts with `EXEC-READY`. The agent fixes a typo in it and commits:

```text
error[frozen-spec]: this commit modifies specs/login.md; specs/login.md is a frozen spec (EXEC-READY in HEAD)
```

## How to comply
Do not retry and do not work around it. Stop, restore the spec (`git restore --staged --worktree
specs/login.md`), and escalate to the spec's owner: EXEC must return to SPEC mode. If a human has
approved the change, the commit carries the trailer
`Execguard-Override: frozen-spec: <reason>`.

## Configuration
`[layout] specs` (glob, default `specs/**/*.md`; the feature is the file stem) and
`[layout] spec-marker` (default `EXEC-READY`). `[rules.frozen-spec] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let mut out = Vec::new();
    for (file, path, action) in actions(&cx.change.files) {
        if action == Action::Adds || file.old.is_none() {
            continue;
        }
        if !protects(cx, Side::Base, path)? {
            continue;
        }
        out.push(cx.violation(
            RuleId::FrozenSpec,
            Some(path),
            format!(
                "{} {}; {path} is a frozen spec ({} in {}). A frozen spec is the human's decision and may not be changed during EXEC.",
                cx.subject_name(),
                action.describe(path),
                layout.spec_marker,
                cx.base_name()
            ),
            format!(
                "Stop and escalate: EXEC must return to SPEC mode; do not retry or work around this. Restore the spec ({undo}) and ask the spec's owner. If a human approved this change, add the trailer `Execguard-Override: frozen-spec: <reason>`.", undo = cx.undo_hint(path)
            ),
        ));
    }
    Ok(out)
}

/// Whether `path` is a frozen spec on `side`.
pub(crate) fn protects(cx: &Context<'_>, side: Side, path: &RepoPath) -> Result<bool, TreeError> {
    let layout = &cx.config.layout;
    Ok(layout.specs.is_match(path) && cx.has_marker(side, path, &layout.spec_marker)?)
}
