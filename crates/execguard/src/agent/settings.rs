//! The hook entries of the agents' project settings: Claude Code's `.claude/settings.json` and
//! Codex's `.codex/hooks.json`, which share one shape (`hooks` → event → matcher groups → command
//! hooks). Installing merges execguard's entries into what is there, keeping every other key,
//! group and hook in its place; uninstalling removes exactly the hooks whose command is
//! execguard's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::ValueEnum;
use serde_json::{json, Map, Value};

/// The command entries of earlier versions ran: found through PATH only, so where the agent's
/// PATH lacks execguard it exits 127, which the agents treat as a non-blocking error.
pub const PLAIN_COMMAND: &str = "execguard agent-hook";
/// How every command entry ends.
const COMMAND_END: &str = "exec \"$execguard\" agent-hook'";
const COMMAND_START: &str = "sh -c 'execguard=\"";

/// The command every entry runs: the absolute path of this execguard, as the git hooks record
/// theirs, else execguard on PATH (a checkout on another machine), else exit 2, which both agents
/// read as a refusal: the guard fails closed rather than going quiet. The script is handed to
/// `sh` in single quotes, so that the shell an agent runs hooks with (Codex: the user's `$SHELL`,
/// fish included) only has to read one quoted word.
pub fn command() -> String {
    let binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.canonicalize().ok())
        .map(|exe| exe.display().to_string())
        // A path no quoting keeps whole in every shell is looked up on PATH instead.
        .filter(|path| !path.contains(['\'', '"', '$', '`', '\\', '\n']))
        .unwrap_or_else(|| "execguard".to_string());
    format!(
        "{COMMAND_START}{binary}\"; [ -x \"$execguard\" ] || execguard=$(command -v execguard) || {{ echo \"execguard agent-hook: execguard is neither at the recorded path nor on PATH, so this call is refused; install execguard again and run: execguard install --agent\" >&2; exit 2; }}; {COMMAND_END}"
    )
}

/// The binary a command entry records, when it records one.
pub fn recorded_binary(command: &str) -> Option<std::path::PathBuf> {
    let rest = command.strip_prefix(COMMAND_START)?;
    let end = rest.find("\"; [ -x")?;
    Some(std::path::PathBuf::from(&rest[..end]))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Agent {
    /// Claude Code: `.claude/settings.json`.
    Claude,
    /// Codex: `.codex/hooks.json`.
    Codex,
}

impl Agent {
    /// The settings file, relative to the top of the working tree.
    pub fn settings_path(self) -> &'static str {
        match self {
            Agent::Claude => ".claude/settings.json",
            Agent::Codex => ".codex/hooks.json",
        }
    }

    /// The tools whose calls are checked.
    fn tool_matcher(self) -> &'static str {
        match self {
            Agent::Claude => "Write|Edit|MultiEdit|NotebookEdit|Bash|PowerShell|mcp__.*",
            Agent::Codex => "apply_patch|Bash|shell|local_shell|exec_command|Edit|Write|mcp__.*",
        }
    }

    /// `(event, matcher)` of each entry.
    fn entries(self) -> [(&'static str, Option<&'static str>); 3] {
        [
            ("PreToolUse", Some(self.tool_matcher())),
            ("Stop", None),
            ("SessionStart", None),
        ]
    }
}

/// What installing or uninstalling did to the file.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    AlreadyThere,
    Removed,
    /// Removed, and the file held nothing else, so it is gone.
    RemovedFile,
    NotThere,
}

/// Adds execguard's entries to the agent's settings in `workdir`.
pub fn install(workdir: &Path, agent: Agent) -> anyhow::Result<(PathBuf, Outcome)> {
    let path = workdir.join(agent.settings_path());
    let mut settings = read(&path)?.unwrap_or_else(|| Value::Object(Map::new()));
    let Some(root) = settings.as_object_mut() else {
        bail!("{} is not a JSON object; fix it by hand", path.display());
    };
    let hooks = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(hooks) = hooks.as_object_mut() else {
        bail!(
            "`hooks` in {} is not a JSON object; fix it by hand",
            path.display()
        );
    };
    let command = command();
    let mut changed = false;
    for (event, matcher) in agent.entries() {
        let groups = hooks
            .entry(event)
            .or_insert_with(|| Value::Array(Vec::new()));
        let Some(groups) = groups.as_array_mut() else {
            bail!(
                "`hooks.{event}` in {} is not a JSON array; fix it by hand",
                path.display()
            );
        };
        if groups.iter().any(has_ours) {
            // An entry of an earlier install, or one recording another binary, runs this one.
            for hook in groups
                .iter_mut()
                .filter_map(|g| g.get_mut("hooks").and_then(Value::as_array_mut))
                .flatten()
                .filter(|hook| is_ours(hook))
            {
                if hook.get("command").and_then(Value::as_str) != Some(command.as_str()) {
                    hook["command"] = json!(command);
                    changed = true;
                }
            }
            continue;
        }
        let mut group = Map::new();
        if let Some(matcher) = matcher {
            group.insert("matcher".into(), json!(matcher));
        }
        group.insert(
            "hooks".into(),
            json!([{ "type": "command", "command": command, "timeout": 30 }]),
        );
        groups.push(Value::Object(group));
        changed = true;
    }
    if !changed {
        return Ok((path, Outcome::AlreadyThere));
    }
    write(&path, &settings)?;
    Ok((path, Outcome::Written))
}

/// Removes execguard's hooks from the agent's settings in `workdir`, and the groups and events
/// they leave empty.
pub fn uninstall(workdir: &Path, agent: Agent) -> anyhow::Result<(PathBuf, Outcome)> {
    let path = workdir.join(agent.settings_path());
    let Some(mut settings) = read(&path)? else {
        return Ok((path, Outcome::NotThere));
    };
    let Some(hooks) = settings.get_mut("hooks").and_then(Value::as_object_mut) else {
        return Ok((path, Outcome::NotThere));
    };
    let mut removed = false;
    for (_, groups) in hooks.iter_mut() {
        let Some(groups) = groups.as_array_mut() else {
            continue;
        };
        for group in groups.iter_mut() {
            if let Some(list) = group.get_mut("hooks").and_then(Value::as_array_mut) {
                let before = list.len();
                list.retain(|hook| !is_ours(hook));
                removed |= list.len() != before;
            }
        }
        groups.retain(|group| {
            !group
                .get("hooks")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
        });
    }
    if !removed {
        return Ok((path, Outcome::NotThere));
    }
    hooks.retain(|_, groups| !groups.as_array().is_some_and(Vec::is_empty));
    if hooks.is_empty() {
        if let Some(root) = settings.as_object_mut() {
            root.remove("hooks");
        }
    }
    if settings.as_object().is_some_and(Map::is_empty) {
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        if let Some(dir) = path.parent() {
            // Only when empty: the folder may hold the user's other settings.
            let _ = std::fs::remove_dir(dir);
        }
        return Ok((path, Outcome::RemovedFile));
    }
    write(&path, &settings)?;
    Ok((path, Outcome::Removed))
}

pub fn is_ours(hook: &Value) -> bool {
    hook.get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| c == PLAIN_COMMAND || c.ends_with(COMMAND_END))
}

/// The commands of execguard's entries in the agent's settings in `workdir`, if any.
pub fn installed_commands(workdir: &Path, agent: Agent) -> Vec<String> {
    let Ok(Some(settings)) = read(&workdir.join(agent.settings_path())) else {
        return Vec::new();
    };
    let mut out: Vec<String> = settings
        .get("hooks")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|hooks| hooks.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|group| group.get("hooks").and_then(Value::as_array))
        .flatten()
        .filter(|hook| is_ours(hook))
        .filter_map(|hook| hook.get("command").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    out.dedup();
    out
}

fn has_ours(group: &Value) -> bool {
    group
        .get("hooks")
        .and_then(Value::as_array)
        .is_some_and(|hooks| hooks.iter().any(is_ours))
}

pub(crate) fn read(path: &Path) -> anyhow::Result<Option<Value>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .with_context(|| format!("{} is not valid JSON; it was left as it is", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub(crate) fn write(path: &Path, settings: &Value) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut text = serde_json::to_string_pretty(settings)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
