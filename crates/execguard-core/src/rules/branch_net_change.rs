use super::action::actions;
use crate::config::{Config, CONFIG_PATH};
use crate::context::Context;
use crate::findings::{BranchNetChange, Finding, Loosening, NetConfigLoosened, NetPathChanged};
use crate::model::{Action, RepoPath, Side, TreeError};
use crate::report::Violation;
use crate::rule_id::RuleId;

rule_doc!(
    r#"branch-net-change: a branch keeps what it froze and protected, from its old tip to its new one.

## What it checks
Every update of a guarded branch on the server (pre-receive) and every `execguard check --range
A..B` whose `A` is one commit is judged as a whole, from the old tip to the new one, fast-forward
or not: a path that is a frozen spec, the design note of a frozen spec or a protected path at the
old tip may differ at the new tip only where a commit between the two tips changed it with an
honoured `Execguard-Override` trailer, and `.execguard.toml` at the new tip must be at least as
strict as at the old tip (compared key by key, as guard-config does) unless such a commit changed
it. Only the tree entries of the two tips are compared, not the content of each commit. The
update is judged as a whole once its commits pass (otherwise it would name the same paths
again), and not when it brings commits from before an `[adoption] baseline`: what changed then
was never the guard's.

A branch that is deleted is remembered: its last tip is kept as `refs/execguard/deleted/<branch>`
in the server's repository, and a branch pushed later under that name is judged as an update from
that tip. Deleting a branch listed in `[server] protected-branches` (the default branch unless the
config says otherwise) is refused unless the pusher is listed in `[server] override-users`.

## Why
Each commit is judged against its parent, so a change that no single commit makes goes unseen. A
stale branch forked before a human amended the spec can be merged with `git merge -s ours main`
and pushed as main: every commit passes (the spec was frozen at the merge base), and main
fast-forwards to a tree that drops the human's amendment, a new protected rule, or a tightened
config. Deleting a branch and pushing another history under its name replaces a frozen spec the
same way.

## Example
A human pushed an overridden amendment of `specs/login.md` to main; the agent merges its stale
branch with `-s ours` and pushes it as main:

```text
error[branch-net-change]: the update of refs/heads/main (1a2b3c4 to 5d6e7f8) modifies specs/login.md, a frozen spec at the old tip 1a2b3c4, though no commit between the two tips changes it with an honoured override: the branch would lose what it kept there.
```

## How to comply
Stop and escalate (`execguard escalate "<question>"`); do not retry, merge with `-s ours`, or delete and re-create the branch. Merge
the branch normally and keep its version of the frozen and protected files; a change a human
means to make is a commit of its own with `Execguard-Override: <rule>: <reason>`, pushed by a
pusher listed in `[server] override-users`. Deleting a protected branch is for those users too.

## Configuration
`[rules.branch-net-change] enabled = false` turns it off. `[server] protected-branches` (globs,
default `["<default>"]`, where `<default>` is the branch the server repository's HEAD names)
lists the branches whose deletion needs an override user. What is guarded follows
`[rules.frozen-spec]`, `[rules.frozen-design]`, `[rules.protected-path]` and
`[rules.guard-config]` of the config in force at the old tip (or the pinned config).
"#
);

/// The rules that guard a path at the old tip, in the order a finding names them.
const GUARDS: &[RuleId] = &[
    RuleId::FrozenSpec,
    RuleId::FrozenDesign,
    RuleId::ProtectedPath,
];

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let Some(update) = &cx.change.ref_update else {
        // An ordinary commit: each commit's own rules judge it.
        return Ok(Vec::new());
    };
    let config_path = RepoPath::from(CONFIG_PATH);
    let mut out = Vec::new();
    for (file, path, action) in actions(&cx.change.files) {
        // Only what the old tip has is kept; a path new to the branch is each commit's business.
        if file.old.is_none() || action == Action::Adds || *path == config_path {
            continue;
        }
        if update.overridden.contains(path) {
            continue;
        }
        for &rule in GUARDS {
            if cx.config.is_enabled(rule) && super::protects(rule, cx, Side::Base, path)? {
                out.push(cx.violation_with_undo(
                    Finding::BranchNetChange(BranchNetChange::PathChanged(NetPathChanged {
                        path: path.clone(),
                        action: action.clone(),
                        guarded_by: rule,
                    })),
                    cx.undo_hint(path),
                ));
                break;
            }
        }
    }
    let config_touched = cx
        .change
        .files
        .iter()
        .any(|file| file.touched_paths().any(|p| *p == config_path));
    if config_touched
        && cx.config.is_enabled(RuleId::GuardConfig)
        && !update.overridden.contains(&config_path)
    {
        let loosenings = config_loosenings(cx, &config_path)?;
        if !loosenings.is_empty() {
            out.push(cx.violation_with_undo(
                Finding::BranchNetChange(BranchNetChange::ConfigLoosened(NetConfigLoosened {
                    path: config_path.clone(),
                    loosenings,
                })),
                cx.undo_hint(&config_path),
            ));
        }
    }
    Ok(out)
}

/// How the config at the new tip is looser than the one at the old tip (the embedded default
/// where a tip has none or an old one does not parse); a new one that does not parse is looser
/// than any.
fn config_loosenings(cx: &Context<'_>, path: &RepoPath) -> Result<Vec<Loosening>, TreeError> {
    let parsed = |side: Side| -> Result<Result<Config, String>, TreeError> {
        Ok(match cx.text(side, path)? {
            Some(text) => Config::parse(CONFIG_PATH, &text).map_err(|error| error.to_string()),
            None => Ok(Config::embedded_default()),
        })
    };
    let old = parsed(Side::Base)?.unwrap_or_else(|_| Config::embedded_default());
    Ok(match parsed(Side::New)? {
        Ok(new) => old.loosenings(&new).iter().map(Loosening::from).collect(),
        Err(error) => vec![Loosening {
            key: CONFIG_PATH.to_string(),
            old: "a valid config".to_string(),
            new: error,
        }],
    })
}
