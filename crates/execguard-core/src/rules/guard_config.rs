use super::{actions, Action};
use crate::config::CONFIG_PATH;
use crate::engine::Context;
use crate::model::{RepoPath, TreeError};
use crate::registry::RuleId;
use crate::report::Violation;

rule_doc!(
    r#"guard-config: the guard's own config may be created but not changed.

## What it checks
A commit may add `.execguard.toml` at the repository root, but modifying, deleting, renaming or
re-moding it is a violation.

## Why
The rules are a human decision, not the agent's. A change is always judged by the config of its
base, so a commit cannot relax the rules that judge it; this rule also stops it from relaxing the
rules for every later commit.

## Example
The agent raises `max-lines` to get a large commit through:

```text
error[guard-config]: this commit modifies .execguard.toml, the guard's own config
```

## How to comply
Stop and escalate; do not retry. Restore the file (`git restore --staged --worktree --
.execguard.toml`) and ask a human. A human changing the rules adds the trailer
`Execguard-Override: guard-config: <reason>`.

## Configuration
`[rules.guard-config] enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let config_path = RepoPath::from(CONFIG_PATH);
    Ok(actions(&cx.change.files)
        .filter(|(file, path, action)| {
            **path == config_path && *action != Action::Adds && file.old.is_some()
        })
        .map(|(_, path, action)| {
            cx.violation(
                RuleId::GuardConfig,
                Some(path),
                format!(
                    "{} {}, the guard's own config: the rules are a human decision.",
                    cx.subject_name(),
                    action.describe(path)
                ),
                format!(
                    "Stop and escalate; do not retry. Restore it ({undo}) and ask a human. A human changing the rules adds `Execguard-Override: guard-config: <reason>`.", undo = cx.undo_hint(path)
                ),
            )
        })
        .collect())
}
