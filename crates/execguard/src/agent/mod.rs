//! `execguard agent-hook`: one hook event of a coding agent (Claude Code, Codex), read as JSON
//! from stdin, answered as those tools read answers: allow (exit 0), block with a reason on
//! stderr (exit 2), or context for the session (JSON on stdout).

pub mod claude_layers;
pub mod codex_features;
mod decision;
pub mod files;
mod guarded;
mod intent;
pub mod mcp;
pub mod paths;
mod pre_tool;
pub mod real_path;
pub mod self_guard;
pub mod session;
pub mod settings;
pub mod shell;
pub mod stop;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use serde_json::Value;

pub use decision::{block_text, Decision};
pub use intent::{Intent, Write};

/// Reads one event and decides. An error is a malformed event or a repository that cannot be
/// read: the caller refuses with exit code 2.
pub fn decide(input: &str, explicit: Option<&Path>) -> anyhow::Result<Decision> {
    let value: Value = serde_json::from_str(input).context(
        "the hook event on stdin is not valid JSON (expected one object with `hook_event_name`)",
    )?;
    let Some(event) = value.as_object() else {
        bail!("the hook event on stdin is not a JSON object");
    };
    let name = match event.get("hook_event_name") {
        Some(Value::String(name)) => name.as_str(),
        Some(_) => bail!("the hook event's `hook_event_name` is not a string"),
        None => bail!("the hook event has no `hook_event_name`"),
    };
    let cwd = match event.get("cwd") {
        Some(Value::String(cwd)) => PathBuf::from(cwd),
        Some(_) => bail!("the hook event's `cwd` is not a string"),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    match name {
        "PreToolUse" => pre_tool::decide(event, &cwd, explicit),
        "Stop" | "SubagentStop" => stop::decide(event, &cwd, explicit),
        "SessionStart" => session::decide(&cwd, explicit),
        // A new event must not brick the agent.
        _ => Ok(Decision::Allow),
    }
}
