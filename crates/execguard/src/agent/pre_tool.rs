//! PreToolUse: what the tool call would write, judged path by path against what the repository
//! guards.
//!
//! The events' shapes, as the hosts document and send them:
//! - Claude Code (code.claude.com/docs/en/hooks, "PreToolUse input"): `session_id`,
//!   `transcript_path`, `cwd`, `permission_mode`, `hook_event_name`, `tool_name`, `tool_input`,
//!   `tool_use_id`. `tool_input` is the tool's own input: `Bash` and `PowerShell` `{command,
//!   description, timeout}`, `Write` `{file_path, content}`, `Edit` `{file_path, old_string,
//!   new_string}`, `MultiEdit` `{file_path, edits}`, `NotebookEdit` `{notebook_path, ...}`, an
//!   MCP tool `mcp__<server>__<tool>` its arguments.
//! - Codex (openai/codex, `codex-rs/hooks/src/events/pre_tool_use.rs`, and the handlers'
//!   `pre_tool_use_payload` in `codex-rs/core/src/tools/handlers/`): the same fields plus
//!   `turn_id` and `model`. Every shell tool is reported as `Bash` with `tool_input` `{command}`
//!   only: the `workdir` the model gave the command is not sent, so the command runs in a
//!   directory the event does not name. `apply_patch` sends `{command: <patch>}`; MCP tools
//!   their arguments. Older Codex shells sent `shell`/`exec_command` with `workdir`, which is
//!   honoured when present.

use std::path::Path;

use anyhow::{bail, Context as _};
use serde_json::{Map, Value};

use super::decision::{block_text, Decision};
use super::intent::ComputedWrite;
use super::paths::{Guard, Refusal};
use super::{files, mcp, shell};

/// Most guarded paths named for one write whose path is computed; the rest are counted.
const MOST_NAMED: usize = 5;

pub fn decide(
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
    // Codex's events carry `turn_id`; its tools run where the model said, which the event
    // leaves out unless the input names it.
    let unplaced = event.contains_key("turn_id") && !input.contains_key("workdir");
    let intent = match kind {
        files::ToolKind::File(field) => files::file_intent(tool, input, field, cwd)?,
        files::ToolKind::Patch => files::patch_intent(tool, input, cwd, unplaced)?,
        files::ToolKind::Shell => shell::shell_intent(tool, input, cwd, unplaced, false)?,
        files::ToolKind::PowerShell => shell::shell_intent(tool, input, cwd, unplaced, true)?,
        files::ToolKind::Mcp => mcp::mcp_intent(tool, input, cwd),
    };
    if intent.is_empty() {
        return Ok(Decision::Allow);
    }
    // HEAD's files are read without libgit2's full open where the repository allows it.
    let head_repo = execguard_git::open_head(cwd);
    let repo = match &head_repo {
        Some(_) => None,
        None => match execguard_git::open_at(cwd) {
            Ok(repo) => Some(repo),
            // Outside a repository there is nothing to guard.
            Err(e) if e.is_no_repository() => return Ok(Decision::Allow),
            Err(e) => {
                return Err(e).context(format!("cannot open the repository at {}", cwd.display()))
            }
        },
    };
    let guard = match (&head_repo, &repo) {
        (Some(head_repo), _) => Guard::of_head(head_repo, explicit)?,
        (None, Some(repo)) => Guard::new(repo, explicit)?,
        (None, None) => return Ok(Decision::Allow),
    };
    let mut reasons: Vec<String> = intent
        .bypasses
        .iter()
        .map(|(rule, why)| format!("{tool}: {why} [{rule}]"))
        .collect();
    let mut rules: Vec<String> = intent
        .bypasses
        .iter()
        .map(|(rule, _)| rule.clone())
        .collect();
    let mut refused: Vec<Refusal> = Vec::new();
    let mut add = |reason: String, refusal: Refusal, reasons: &mut Vec<String>| {
        if !refused.contains(&refusal) {
            rules.push(refusal.rule.clone());
            reasons.push(reason);
            refused.push(refusal);
        }
    };
    for write in &intent.writes {
        for refusal in guard.refusals(&write.dir, &write.path)? {
            add(
                refusal_line(tool, &write.how, &refusal),
                refusal,
                &mut reasons,
            );
        }
        // A folder: what it holds goes with it (`rm -rf specs`, `mv designs old`).
        if write.dir.join(&write.path).is_dir() {
            let inside = ComputedWrite {
                dir: Some(write.dir.clone()),
                pattern: format!("{}/*", globset::escape(write.path.trim_end_matches('/'))),
                text: write.path.clone(),
                how: write.how.clone(),
            };
            for refusal in guard
                .computed_refusals(&inside)?
                .into_iter()
                .take(MOST_NAMED)
            {
                let line = format!(
                    "{tool}: {} {}, a folder holding {}, {} [{}]",
                    write.how, write.path, refusal.path, refusal.why, refusal.rule
                );
                add(line, refusal, &mut reasons);
            }
        }
    }
    for write in &intent.computed {
        let could_be = guard.computed_refusals(write)?;
        if could_be.len() > MOST_NAMED {
            reasons.push(format!(
                "{tool}: {} {} could also be {} more guarded paths",
                write.how,
                if write.text.is_empty() {
                    "a path"
                } else {
                    &write.text
                },
                could_be.len() - MOST_NAMED
            ));
        }
        for refusal in could_be.into_iter().take(MOST_NAMED) {
            let place = match &write.dir {
                Some(_) => "computed when the command runs",
                None => "relative to a folder the event does not name",
            };
            let line = format!(
                "{tool}: {} {} ({place}), which could be {}, {} [{}]",
                write.how,
                if write.text.is_empty() {
                    "a path"
                } else {
                    &write.text
                },
                refusal.path,
                refusal.why,
                refusal.rule
            );
            add(line, refusal, &mut reasons);
        }
    }
    for write in &intent.git_writes {
        for (refusal, why) in guard.git_refusals(write)? {
            let line = format!(
                "{tool}: {} {} ({why}), {} [{}]",
                write.how, refusal.path, refusal.why, refusal.rule
            );
            add(line, refusal, &mut reasons);
        }
    }
    if reasons.is_empty() {
        return Ok(Decision::Allow);
    }
    rules.dedup();
    let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
    Ok(Decision::Block(block_text(&reasons, &rules)))
}

fn refusal_line(tool: &str, how: &str, refusal: &Refusal) -> String {
    format!(
        "{tool}: {how} {}, {} [{}]",
        refusal.path, refusal.why, refusal.rule
    )
}
