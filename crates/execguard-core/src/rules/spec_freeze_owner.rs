use super::action::actions;
use crate::context::{Context, Pusher};
use crate::findings::{Finding, OwnerAct, SpecFreezeOwner};
use crate::model::{RepoPath, Side, TreeError};
use crate::report::Violation;

rule_doc!(
    r#"spec-freeze-owner: only a spec's owners freeze it, un-freeze it or change its design note.

## What it checks
A commit that freezes a spec (adds the marker `EXEC-READY` to a spec, or adds a spec that carries
it), un-freezes one (takes the marker out, deletes or renames a frozen spec), or adds, changes or
deletes a design note may be pushed only by one of the spec's owners: the names in
`[server] spec-owners` of the config in force that apply to that spec, else
`[server] override-users`. The pre-receive hook knows who pushes (GL_USERNAME, GITEA_PUSHER_NAME,
GL_USER, REMOTE_USER, then the Unix user); `execguard check --range` is told with `--pusher`, and
without it nobody can be shown to own the spec. A merge is judged only for what it adds of its
own, so merging a branch whose freeze an owner pushed needs no owner.

Client hooks (pre-commit, commit-msg, pre-push) cannot know who will push, so there the finding is
a warning: the commit is made, and the message says who the server will accept it from. No
`Execguard-Override` trailer sets this finding aside: who pushes decides, not what the commit
says.

## Why
The EXEC discipline makes the frozen spec the human's decision. An agent that writes a
requirement, freezes it, writes a ready plan for it and then the code, each in a commit of its
own, passes every other rule, and has decided what to build itself.

## Example
The agent commits `specs/pay.md` with `EXEC-READY` and pushes it:

```text
error[spec-freeze-owner]: commit 1a2b3c4 freezes specs/pay.md: freezing a spec, un-freezing it and its design note are the decision of the spec's owners, and only ana may do that, and the pusher is `agent`.
```

## How to comply
Stop and escalate (`execguard escalate "<question>"`); do not retry, reword or split the commit. Leave the spec in draft and ask an
owner to review it: the owner freezes it and pushes that commit. An agent keeps working in SPEC
mode until then.

## Configuration
`[server] spec-owners` takes user names for every spec and tables for the specs their globs
match: `spec-owners = ["ana", { paths = ["specs/pay*.md"], users = ["bo"] }]`, or
`[[server.spec-owners]]` tables with `paths` and `users`. A spec no entry names belongs to
`[server] override-users`. Adding an owner loosens the config (guard-config).
`[rules.spec-freeze-owner] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let layout = &cx.config.layout;
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (_, path, _) in actions(&cx.change.files) {
        if seen.contains(path) || !layout.is_planning(path) {
            continue;
        }
        seen.push(path.clone());
        let (act, spec) = if layout.specs.is_match(path) {
            let markers = &layout.spec_marker;
            let was = cx.has_marker(Side::Base, path, markers)?;
            let now = cx.has_marker(Side::New, path, markers)?;
            match (was, now) {
                (false, true) => (OwnerAct::Freezes, path.clone()),
                (true, false) => (OwnerAct::Unfreezes, path.clone()),
                _ => continue,
            }
        } else if let Some(feature) = layout.designs.feature_of(path) {
            (OwnerAct::ChangesDesign, spec_of(cx, &feature, path)?)
        } else {
            continue;
        };
        let owners = cx.config.server.spec_owners_of(&spec);
        let (pusher, advice) = match &cx.pusher {
            Pusher::Local => (None, true),
            Pusher::Named(name) if owners.iter().any(|owner| owner == name) => continue,
            Pusher::Named(name) => (Some(name.clone()), false),
            Pusher::Unnamed => (None, false),
        };
        out.push(cx.violation_with_undo(
            Finding::SpecFreezeOwner(SpecFreezeOwner {
                path: path.clone(),
                act,
                pusher,
                owners,
                advice,
            }),
            cx.undo_hint(path),
        ));
    }
    Ok(out)
}

/// The spec a design note of `feature` belongs to, for its owners: the feature's spec on either
/// side, else the note itself.
fn spec_of(cx: &Context<'_>, feature: &str, design: &RepoPath) -> Result<RepoPath, TreeError> {
    for side in [Side::New, Side::Base] {
        if let Some(spec) = cx.specs_for(side, feature)?.into_iter().next() {
            return Ok(spec);
        }
    }
    Ok(design.clone())
}
