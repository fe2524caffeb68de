use super::action::actions;
use crate::context::Context;
use crate::findings::{Finding, FrozenSpec};
use crate::model::Action;
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;

rule_doc!(
    r#"frozen-spec: a spec frozen with EXEC-READY may not be changed.

## What it checks
A commit may not modify, delete, rename away, or change the mode or type (a file replaced by a
symbolic link, a submodule, ...) of a spec that is frozen in the base: the version of
`specs/**/<feature>.md` in HEAD (for a staged change) or in the first parent (for a commit) that
carries the marker `EXEC-READY`. Freezing a spec (adding the marker) is allowed; removing the marker
is a modification of a frozen spec. Adding a path that differs from a frozen spec only in case,
Unicode normalisation or Windows' trailing dots and spaces (`specs/Login.md`, `ſpecs/login.md`,
`specs/login.md.`) counts as changing it: it is the same file on macOS and Windows checkouts.

A merge is judged against every parent. It may take another parent's version of a spec that is
frozen in the parent it is compared with only when the spec was already frozen at their merge base
(then every change on the way was judged); an unrelated history, or a branch forked before the
freeze, cannot bring its version in. A push that is not a fast-forward is also judged from the old
tip to the new one.

The spec is read as a person reads it, through a CommonMark parser (with tables, strikethrough and
task lists). The marker counts when one unit of visible text is the marker alone or after a label of
up to three words (`Status: EXEC-READY`, `Login spec (EXEC-READY)`). A unit is a line of a
paragraph, a heading, the text of a list item or of a paragraph continuing one, a table cell, a line
of raw HTML or of the YAML front matter. Around the marker may stand emphasis or inline code, an
emoji or symbol, trailing punctuation, a parenthetical, a date, or a comment after a spaced dash.
Invisible characters (U+200B, U+200C, U+200D, U+2060, U+FEFF, soft hyphens, direction marks) are
ignored; any Unicode space is a space; U+2010 to U+2013 and U+2212 are hyphens; full-width and
Cyrillic or Greek look-alike letters are the ASCII ones. These all freeze, each as a line of its
own, as a list item, as a paragraph continuing a list item, or in a block quote:

```text
EXEC-READY                   **EXEC-READY**                   `EXEC-READY`
## EXEC-READY                Status: EXEC-READY               **Status:** EXEC-READY
Status: EXEC-READY.          Status: EXEC-READY (approved by Ana)
✅ EXEC-READY                EXEC-READY — approved 2026-02-01
| Status | EXEC-READY |      - [x] EXEC-READY                 <!-- EXEC-READY -->
status: EXEC-READY           (in YAML front matter)
```

An HTML comment counts only when its whole content is the marker, alone or labelled
(`<!-- EXEC-READY -->`, the deliberate invisible form). The marker is only a mention, and does not
freeze, in an unchecked task `- [ ] EXEC-READY`, struck through (`~~EXEC-READY~~`, `<del>`),
inside a fenced or indented code block or `<pre>`, inside a sentence or after a negation
(`Not EXEC-READY`, `not yet EXEC-READY`, `This spec will be EXEC-READY soon`,
`Status: EXEC-READY?`), next to a negating symbol (`❌ EXEC-READY`), or glued to another word
(`EXEC-READY-ish`, `NOT-EXEC-READY`). The marker is case-sensitive.

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
specs/login.md`), and escalate to the spec's owner (`execguard escalate "<question>"`): EXEC must return to SPEC mode. If a human has
approved the change, the commit carries the trailer
`Execguard-Override: frozen-spec: <reason>`.

For the humans who freeze specs: write the marker on a line of its own (`EXEC-READY` or
`Status: EXEC-READY`). To speak of the marker without freezing, write it inside a sentence.

## Configuration
`[layout] specs` (a glob or a list of globs, default `specs/**/*.md`; the feature is the file
stem; `[layout] not-planning` excludes paths such as a README beside the specs) and
`[layout] spec-marker` (default `EXEC-READY`; any token, or a list of states such as
`["EXEC-READY", "APPROVED", "COMPLETED"]`, any of which freezes, read in the same way, so
`Status: APPROVED` counts; execplans carry `[layout] execplan-marker`, default `EXECPLAN-READY`).
`[rules.frozen-spec] enabled = false` turns it off.
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
        out.push(cx.violation_with_undo(
            Finding::FrozenSpec(FrozenSpec::changed(
                path,
                action,
                layout.spec_marker.names(),
            )),
            cx.undo_hint(path),
        ));
    }
    Ok(out)
}

/// Whether `path` is a frozen spec on `side`.
pub(crate) fn protects(cx: &Context<'_>, side: Side, path: &RepoPath) -> Result<bool, TreeError> {
    let layout = &cx.config.layout;
    Ok(layout.specs.is_match(path) && cx.has_marker(side, path, &layout.spec_marker)?)
}
