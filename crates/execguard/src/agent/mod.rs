//! `execguard agent-hook`: one hook event of a coding agent (Claude Code, Codex), read as JSON
//! from stdin, answered as those tools read answers: allow (exit 0), block with a reason on
//! stderr (exit 2), or context for the session (JSON on stdout).

pub mod claude_layers;
mod decision;
pub mod files;
mod intent;
pub mod paths;
pub mod real_path;
pub mod self_guard;
pub mod session;
pub mod settings;
pub mod shell;
pub mod stop;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use serde_json::{Map, Value};

pub use decision::Decision;
pub use intent::{Intent, Write};
use paths::{Guard, Refusal};

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
        "PreToolUse" => pre_tool_use(event, &cwd, explicit),
        "Stop" | "SubagentStop" => stop::decide(event, &cwd, explicit),
        "SessionStart" => session::decide(&cwd, explicit),
        // A new event must not brick the agent.
        _ => Ok(Decision::Allow),
    }
}

fn pre_tool_use(
    event: &Map<String, Value>,
    cwd: &Path,
    explicit: Option<&Path>,
) -> anyhow::Result<Decision> {
    let tool = match event.get("tool_name") {
        Some(Value::String(tool)) => tool.as_str(),
        Some(_) => bail!("the PreToolUse event's `tool_name` is not a string"),
        None => bail!("the PreToolUse event has no `tool_name`"),
    };
    let Some(kind) = files::tool_kind(tool) else {
        return Ok(Decision::Allow);
    };
    let input = match event.get("tool_input") {
        Some(Value::Object(input)) => input,
        Some(_) => bail!("the {tool} call's `tool_input` is not a JSON object"),
        None => bail!("the {tool} call has no `tool_input`"),
    };
    let intent = match kind {
        files::ToolKind::File(field) => files::file_intent(tool, input, field, cwd)?,
        files::ToolKind::Patch => files::patch_intent(tool, input, cwd)?,
        files::ToolKind::Shell => shell::shell_intent(tool, input, cwd)?,
    };
    if intent.writes.is_empty() && intent.bypasses.is_empty() {
        return Ok(Decision::Allow);
    }
    let repo = match execguard_git::open_at(cwd) {
        Ok(repo) => repo,
        // Outside a repository there is nothing to guard.
        Err(e) if e.is_no_repository() => return Ok(Decision::Allow),
        Err(e) => {
            return Err(e).context(format!("cannot open the repository at {}", cwd.display()))
        }
    };
    let guard = Guard::new(&repo, explicit)?;
    let mut reasons: Vec<String> = intent
        .bypasses
        .iter()
        .map(|(rule, why)| format!("{tool}: {why} [{rule}]"))
        .collect();
    let mut refused = Vec::new();
    for write in &intent.writes {
        for refusal in guard.refusals(&write.dir, &write.path)? {
            if !refused.iter().any(|(seen, _)| *seen == refusal) {
                refused.push((refusal, write.how.clone()));
            }
        }
    }
    reasons.extend(refused.iter().map(|(r, how)| refusal_line(tool, how, r)));
    if reasons.is_empty() {
        return Ok(Decision::Allow);
    }
    let mut rules: Vec<&str> = intent
        .bypasses
        .iter()
        .map(|(rule, _)| rule.as_str())
        .chain(refused.iter().map(|(r, _)| r.rule.as_str()))
        .collect();
    rules.dedup();
    Ok(Decision::Block(block_text(&reasons, &rules)))
}

fn refusal_line(tool: &str, how: &str, refusal: &Refusal) -> String {
    format!(
        "{tool}: {how} {}, {} [{}]",
        refusal.path, refusal.why, refusal.rule
    )
}

/// The reason an agent reads: what was refused, by which rule, and that it must stop.
pub fn block_text(reasons: &[String], rules: &[&str]) -> String {
    let mut text = String::from("execguard: blocked:\n");
    for reason in reasons {
        text.push_str(&format!("  - {reason}\n"));
    }
    if rules.iter().all(|rule| *rule == shell::UNREADABLE) {
        text.push_str("execguard cannot tell what this command line writes. Rewrite it in plain shell syntax; if it must stay as it is, Stop and escalate to a human. Do not work around this.");
        return text;
    }
    text.push_str("These files and hooks are the human's decisions; only a human may change them. Stop and escalate to a human: say what you needed to change and why. Do not retry, and do not work around this with another tool, a shell command, another path or by turning the hooks off.");
    let explained: Vec<&&str> = rules
        .iter()
        .filter(|r| r.parse::<execguard_core::RuleId>().is_ok())
        .collect();
    if let Some(rule) = explained.first() {
        text.push_str(&format!(" `execguard explain {rule}` says why."));
    }
    text
}
