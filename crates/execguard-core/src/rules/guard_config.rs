use crate::config::{Config, CONFIG_PATH};
use crate::context::Context;
use crate::findings::{
    ConfigInForce, ConfigInvalid, ConfigLoosened, ConfigNotAFile, ConfigProblem, Finding,
    GuardConfig, Loosening,
};
use crate::model::Action;
use crate::model::{Change, EntryKind, RepoPath, Side, TreeError};
use crate::report::Violation;

rule_doc!(
    r#"guard-config: the guard's own config may only get stricter.

## What it checks
A commit may add, change, delete or rename away `.execguard.toml` at the repository root only
when the config it leaves is valid and at least as strict as the config in force: the base's
`.execguard.toml`, or the embedded default when the base has none. After a deletion the embedded
default is in force, so deleting a config stricter than the default is a loosening.

The two are compared key by key. Looser is: a rule turned off (`enabled = false`) or
`require-spec-path` turned off; a limit raised (`max-lines`, `max-files`, `max-file-bytes`,
`max-subject`); a protected path, a required execplan section, a `code` glob or a
`[scope] branches` pattern removed (no `[scope]` means every branch; a list must keep every
earlier pattern); a `commit-size` `exclude` glob, a `not-code` glob, an override user or an
`[adoption] baseline` id (which exempts that commit's history from judgement) added; the
spec glob, the design or execplan template, a marker, the branch patterns or the Progress section
name changed. A change that cannot be shown to tighten counts as a loosening, and the message names
every loosening with its old and new value.

A config that does not parse or validate is refused at the commit that introduces it, naming the
file, line, column and key, on every branch, even where the rule is turned off or the branch is
outside the `[scope]`. That finding cannot be overridden or skipped: accepted, it would make every
later commit fail to check (exit code 2). Replacing the file with a symbolic link or a
submodule is refused the same way, since the guard reads its config from a regular file only.

## Why
The rules are a human decision, not the agent's. A change is always judged by the config of its
base, so a commit cannot relax the rules that judge it; this rule stops it from relaxing them for
every later commit, and from locking the branch with a config nobody can load.

## Example
On a server with no pinned config, the agent adds a config that turns the size limit up:

```text
error[guard-config]: this commit adds .execguard.toml with a config looser than the config in force (the embedded default config): rules.commit-size.max-lines: 400 → 4000
```

## How to comply
Stop and escalate (`execguard escalate "<question>"`); do not retry. Tightening needs nothing: a lower limit, an extra protected path
or required section, a wider scope. Loosening needs a human's approval: restore the file
(`git restore --staged --worktree -- .execguard.toml`, or `git restore --staged -- .execguard.toml`
for a new file, which keeps it) and ask; a human who approves adds the
trailer `Execguard-Override: guard-config: <reason>` (on a server, only a pusher listed in the
pinned config's `[server] override-users` may push it). A broken config must be fixed:
`execguard config --check .execguard.toml` shows what is wrong.

When the config in force is itself broken (committed past the hooks), nothing can be judged
against it, and every check fails with exit code 2. A commit that changes only `.execguard.toml`
is then judged by the embedded default config instead, so the repair needs no bypass: it must
leave a valid config at least as strict as the default.

## Configuration
`[rules.guard-config] enabled = false` turns it off, which is itself a loosening.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let Some(found) = config_change(cx)? else {
        return Ok(Vec::new());
    };
    let Found {
        path,
        judged,
        newer,
        removed,
    } = found;
    let Ok(newer) = newer else {
        // An unusable config is reported by [`unusable`], whatever the rules say.
        return Ok(Vec::new());
    };
    let (in_force, in_force_kind) = in_force(cx, &path)?;
    let loosenings = in_force.loosenings(&newer);
    if loosenings.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![cx.violation_with_undo(
        Finding::GuardConfig(GuardConfig::Loosened(ConfigLoosened {
            path: path.clone(),
            action: judged.action,
            removed,
            in_force: in_force_kind,
            loosenings: loosenings.iter().map(Loosening::from).collect(),
        })),
        cx.undo_hint(&path),
    )])
}

/// The finding that refuses a change leaving a config nobody could load at the config's path (a
/// file that does not parse or validate, a symbolic link, a submodule). The engine asks for it on
/// every change, whether or not `guard-config` is enabled and whatever the scope: accepted, such
/// a config would make every later check fail, on every branch.
pub fn unusable(cx: &Context<'_>) -> Result<Option<Violation>, TreeError> {
    Ok(config_change(cx)?.and_then(|found| found.newer.err()))
}

/// What a change does to the config's path.
struct Found<'c, 'a> {
    path: RepoPath,
    judged: Judged<'c, 'a>,
    /// The config the change leaves (the embedded default after a deletion), or the finding that
    /// refuses it.
    newer: Result<Config, Violation>,
    /// Whether the change leaves no config at the path.
    removed: bool,
}

fn config_change<'c, 'a>(cx: &'c Context<'a>) -> Result<Option<Found<'c, 'a>>, TreeError> {
    let path = RepoPath::from(CONFIG_PATH);
    // What now sits at the config's path, and what left it (a deletion or a rename away).
    let at_new = cx.change.files.iter().find(|file| file.path == path);
    let left = cx
        .change
        .files
        .iter()
        .find(|file| file.old.is_some() && *file.old_path() == path);
    let action = match (at_new, left) {
        (Some(file), _) => Action::of(file, false),
        (None, Some(file)) => Action::of(file, true),
        (None, None) => None,
    };
    let Some(action) = action else {
        return Ok(None);
    };
    let judged = Judged {
        cx,
        path: path.clone(),
        action,
    };
    let new_entry = at_new.and_then(|file| file.new.as_ref());
    let newer = match new_entry {
        None => Ok(Config::embedded_default()),
        Some(entry) if !matches!(entry.kind, EntryKind::File | EntryKind::Executable) => {
            Err(judged.not_a_file(entry.kind))
        }
        Some(_) => {
            let text = cx.text(Side::New, &path)?.unwrap_or_default();
            Config::parse(&new_origin(cx), &text).map_err(|error| judged.invalid(&error))
        }
    };
    Ok(Some(Found {
        path,
        judged,
        newer,
        removed: new_entry.is_none(),
    }))
}

/// The config in force before the change, and which it is: the base's `.execguard.toml`, else
/// the embedded default. A base file that is not a valid config (it predates this rule) cannot be
/// in force anywhere, so the default stands in for it.
fn in_force(cx: &Context<'_>, path: &RepoPath) -> Result<(Config, ConfigInForce), TreeError> {
    let base_file = format!("{path} at {}", cx.base_name());
    Ok(match cx.text(Side::Base, path)? {
        Some(text) => match Config::parse(&base_file, &text) {
            Ok(config) => (config, ConfigInForce::Base),
            Err(_) => (
                Config::embedded_default(),
                ConfigInForce::DefaultForInvalidBase,
            ),
        },
        None => (Config::embedded_default(), ConfigInForce::Default),
    })
}

/// How errors name the new file: `.execguard.toml` when staged, `1a2b3c4:.execguard.toml` in a
/// commit.
fn new_origin(cx: &Context<'_>) -> String {
    match &cx.change.commit {
        None => CONFIG_PATH.to_string(),
        Some(id) => format!("{}:{CONFIG_PATH}", crate::context::short(id)),
    }
}

/// The findings that refuse a config nobody could load: never overridden, never skipped.
struct Judged<'c, 'a> {
    cx: &'c Context<'a>,
    path: RepoPath,
    /// What the change does to the config's path.
    action: Action,
}

impl Judged<'_, '_> {
    fn invalid(&self, error: &crate::config::ConfigError) -> Violation {
        self.final_violation(GuardConfig::Invalid(ConfigInvalid {
            path: self.path.clone(),
            action: self.action.clone(),
            error: ConfigProblem::from(error),
        }))
    }

    fn not_a_file(&self, kind: EntryKind) -> Violation {
        self.final_violation(GuardConfig::NotAFile(ConfigNotAFile {
            path: self.path.clone(),
            action: self.action.clone(),
            found: kind,
        }))
    }

    fn final_violation(&self, finding: GuardConfig) -> Violation {
        self.cx
            .violation_with_undo(Finding::GuardConfig(finding), self.cx.undo_hint(&self.path))
    }
}

/// Whether `change` is a repair of the config alone: one commit (not a merge) whose only changed
/// path is `.execguard.toml`. When the base's config cannot be loaded, such a change is judged by
/// the embedded default instead of failing to check, so a broken config can be fixed with the
/// hooks on; it stays under this rule, so the new config must be valid and at least as strict as
/// the default (or carry an honoured override).
pub fn repairs_only_the_config(change: &Change) -> bool {
    let path = RepoPath::from(CONFIG_PATH);
    !change.is_merge
        && !change.files.is_empty()
        && change
            .files
            .iter()
            .all(|file| file.touched_paths().all(|touched| *touched == path))
}
