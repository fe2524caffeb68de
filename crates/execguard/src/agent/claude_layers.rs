//! Claude Code's own layers, filled with the guarded paths: `Edit(...)` deny rules (its file
//! tools refuse those paths, with no side effect on anything else) and, when asked, its OS
//! sandbox for shell commands (`sandbox.enabled`, failing closed, the guarded paths in
//! `sandbox.filesystem.denyWrite`). They go into `.claude/settings.local.json`, Claude Code's
//! file for one machine's settings of a project, with absolute paths (`//...`), so the team's
//! committed settings never change when a spec is frozen. What execguard added is recorded in
//! the git directory (`execguard-claude-layers.json`), so that a refresh replaces exactly its
//! own entries and leaves the user's.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use execguard_git::Repo;
use serde_json::{json, Map, Value};

use super::self_guard;
use super::settings::{read, write};

/// The settings file the layers are written to, relative to the top of the working tree.
pub const LOCAL_SETTINGS: &str = ".claude/settings.local.json";
const RECORD: &str = "execguard-claude-layers.json";

/// What execguard put into Claude Code's settings, and whether it turned the sandbox on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Layers {
    pub deny: Vec<String>,
    pub deny_write: Vec<String>,
    pub sandbox: bool,
}

/// The entries for the guarded paths of `repo`'s working tree.
pub fn entries(repo: &Repo, explicit: Option<&Path>) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let Some(workdir) = repo.workdir() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let workdir = super::real_path::real(workdir);
    let content = crate::guarded::content(repo, explicit)?;
    let mut paths: Vec<(PathBuf, bool)> = content
        .paths
        .iter()
        .map(|p| (crate::guarded::in_workdir(&workdir, &p.path), false))
        .collect();
    for target in self_guard::targets(repo) {
        let is_dir = target.path.is_dir();
        paths.push((target.path, is_dir));
    }
    let mut deny = Vec::new();
    let mut deny_write = Vec::new();
    for (path, is_dir) in &paths {
        let absolute = format!("/{}", path.display());
        let rule = if *is_dir {
            format!("Edit({absolute}/**)")
        } else {
            format!("Edit({absolute})")
        };
        push_new(&mut deny, rule);
        push_new(&mut deny_write, absolute);
    }
    if content.in_scope {
        // Protected paths a commit may still add: the patterns themselves.
        for pattern in content.config.rules.protected_path.paths.patterns() {
            push_new(&mut deny, format!("Edit(/{}/{pattern})", workdir.display()));
        }
    }
    Ok((deny, deny_write))
}

fn push_new(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn record_path(repo: &Repo) -> PathBuf {
    repo.git_dir().join(RECORD)
}

/// What execguard last wrote for `repo`, if `install --agent claude` ever ran there.
pub fn recorded(repo: &Repo) -> Option<Layers> {
    let text = std::fs::read_to_string(record_path(repo)).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    let list = |key: &str| -> Vec<String> {
        value
            .get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    Some(Layers {
        deny: list("deny"),
        deny_write: list("denyWrite"),
        sandbox: value.get("sandbox").and_then(Value::as_bool) == Some(true),
    })
}

/// Writes the layers for `repo`: the deny rules always, the sandbox when `sandbox` is true (or
/// was turned on before and `sandbox` is `None`). Returns whether the settings changed.
pub fn apply(repo: &Repo, explicit: Option<&Path>, sandbox: Option<bool>) -> anyhow::Result<bool> {
    let Some(workdir) = repo.workdir() else {
        return Ok(false);
    };
    let previous = recorded(repo).unwrap_or_default();
    let sandbox = sandbox.unwrap_or(previous.sandbox);
    let (deny, deny_write) = entries(repo, explicit)?;
    let path = workdir.join(LOCAL_SETTINGS);
    let mut settings = read(&path)?.unwrap_or_else(|| Value::Object(Map::new()));
    let before = settings.clone();
    let Some(root) = settings.as_object_mut() else {
        anyhow::bail!("{} is not a JSON object; fix it by hand", path.display());
    };
    replace_list(root, &["permissions", "deny"], &previous.deny, &deny)?;
    if sandbox {
        replace_list(
            root,
            &["sandbox", "filesystem", "denyWrite"],
            &previous.deny_write,
            &deny_write,
        )?;
        let section = object_at(root, &["sandbox"])?;
        section.insert("enabled".into(), json!(true));
        section.insert("failIfUnavailable".into(), json!(true));
        section.insert("allowUnsandboxedCommands".into(), json!(false));
    } else {
        replace_list(
            root,
            &["sandbox", "filesystem", "denyWrite"],
            &previous.deny_write,
            &[],
        )?;
    }
    prune_empty(root);
    let changed = settings != before;
    if changed {
        write(&path, &settings)?;
    }
    let record = json!({
        "deny": deny,
        "denyWrite": if sandbox { deny_write } else { Vec::new() },
        "sandbox": sandbox,
    });
    let record_file = record_path(repo);
    let text = serde_json::to_string_pretty(&record)? + "\n";
    if std::fs::read_to_string(&record_file).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&record_file, text)
            .with_context(|| format!("cannot write {}", record_file.display()))?;
    }
    exclude_local_settings(repo);
    Ok(changed)
}

/// Takes execguard's entries out again (`uninstall --agent claude`). The sandbox switches stay:
/// turning a sandbox off is the team's decision, not an uninstaller's.
pub fn remove(repo: &Repo) -> anyhow::Result<()> {
    let (Some(workdir), Some(previous)) = (repo.workdir(), recorded(repo)) else {
        return Ok(());
    };
    let path = workdir.join(LOCAL_SETTINGS);
    if let Some(mut settings) = read(&path)? {
        if let Some(root) = settings.as_object_mut() {
            replace_list(root, &["permissions", "deny"], &previous.deny, &[])?;
            replace_list(
                root,
                &["sandbox", "filesystem", "denyWrite"],
                &previous.deny_write,
                &[],
            )?;
            prune_empty(root);
            if root.is_empty() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            } else {
                write(&path, &settings)?;
            }
        }
    }
    let _ = std::fs::remove_file(record_path(repo));
    Ok(())
}

fn object_at<'v>(
    root: &'v mut Map<String, Value>,
    keys: &[&str],
) -> anyhow::Result<&'v mut Map<String, Value>> {
    let mut at = root;
    for key in keys {
        let next = at
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        at = next.as_object_mut().with_context(|| {
            format!(
                "`{}` in {LOCAL_SETTINGS} is not a JSON object; fix it by hand",
                keys.join(".")
            )
        })?;
    }
    Ok(at)
}

/// In the list at `keys`: `old` out, `new` in, every other item kept in its place.
fn replace_list(
    root: &mut Map<String, Value>,
    keys: &[&str],
    old: &[String],
    new: &[String],
) -> anyhow::Result<()> {
    let (last, parents) = keys.split_last().context("no key")?;
    let parent = object_at(root, parents)?;
    let list = parent
        .entry(last.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    let Some(items) = list.as_array_mut() else {
        anyhow::bail!(
            "`{}` in {LOCAL_SETTINGS} is not a JSON array; fix it by hand",
            keys.join(".")
        );
    };
    items.retain(|item| !item.as_str().is_some_and(|s| old.iter().any(|o| o == s)));
    for item in new {
        if !items.iter().any(|i| i.as_str() == Some(item)) {
            items.push(json!(item));
        }
    }
    Ok(())
}

/// Empty lists and objects left behind are taken out.
fn prune_empty(map: &mut Map<String, Value>) {
    for value in map.values_mut() {
        if let Some(inner) = value.as_object_mut() {
            prune_empty(inner);
        }
    }
    map.retain(|_, value| match value {
        Value::Array(items) => !items.is_empty(),
        Value::Object(inner) => !inner.is_empty(),
        _ => true,
    });
}

/// `.claude/settings.local.json` is one machine's: kept out of `git status` through
/// `.git/info/exclude`, as Claude Code does when it creates the file itself.
fn exclude_local_settings(repo: &Repo) {
    let exclude = repo.common_dir().join("info").join("exclude");
    let text = std::fs::read_to_string(&exclude).unwrap_or_default();
    let line = format!("/{LOCAL_SETTINGS}");
    if text.lines().any(|l| l.trim() == line) {
        return;
    }
    let mut text = text;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&line);
    text.push('\n');
    if let Some(dir) = exclude.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&exclude, text);
}
