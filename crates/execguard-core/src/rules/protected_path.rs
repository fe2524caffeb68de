use super::action::actions;
use crate::context::Context;
use crate::findings::{Finding, ProtectedPath, SectionChange, SectionChanged};
use crate::markdown;
use crate::model::{Side, TreeError};
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

A file may also hold content agents keep current beside rules they may not touch (the plan index
in the README that holds the rules): `sections` protects one section of a file, from its heading
(matched by title as execplan sections are: case, numbering and trailing punctuation aside) to
the next heading of the same or a higher level, as a CommonMark parser renders the file. A commit
may not add, change, rename (its heading) or remove that section; the rest of the file stays open.

## Why
Some files define the discipline itself. An agent that rewrites the plan-writing rules can make any
plan look compliant.

## Example
The agent shortens the required sections in `backend/PLANS.md`:

```text
error[protected-path]: this commit modifies backend/PLANS.md, a protected path
```

## How to comply
Stop and escalate (`execguard escalate "<question>"`); do not retry. Restore the file (`git restore --staged --worktree -- <path>`
for a file the base has; for a new one `git restore --staged -- <path>`, or `git rm --cached --
<path>` on a branch with no commit yet, which keep the file) and ask a human to make the change. A human making it on purpose adds the trailer
`Execguard-Override: protected-path: <reason>`.

## Configuration
`[rules.protected-path] paths` (globs, default `["backend/PLANS.md"]`), `sections` (default
none: `sections = [{ path = "AGENTS.md", heading = "Rules" }]`); `enabled = false` turns it off.
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
    for section in &cx.config.rules.protected_path.sections {
        let path = &section.path;
        // A whole protected path is reported as such.
        if globs.is_match(path)
            || !cx
                .change
                .files
                .iter()
                .any(|f| f.touched_paths().any(|p| p == path))
        {
            continue;
        }
        let before = cx.text(Side::Base, path)?;
        let after = cx.text(Side::New, path)?;
        let read = |text: &Option<std::rc::Rc<str>>| -> Option<String> {
            text.as_deref().and_then(|text| {
                markdown::Outline::of(text)
                    .section_with_heading(&section.heading)
                    .map(str::to_string)
            })
        };
        let change = match (read(&before), read(&after)) {
            (None, None) => continue,
            (Some(old), Some(new)) if old == new => continue,
            (None, Some(_)) => SectionChange::Adds,
            (Some(_), None) => SectionChange::Removes,
            (Some(_), Some(_)) => SectionChange::Modifies,
        };
        out.push(cx.violation_with_undo(
            Finding::ProtectedPath(ProtectedPath::SectionChanged(SectionChanged {
                path: path.clone(),
                heading: section.heading.clone(),
                change,
            })),
            cx.undo_hint(path),
        ));
    }
    Ok(out)
}
