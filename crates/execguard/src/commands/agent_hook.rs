//! `execguard agent-hook`: answers one hook event of a coding agent (Claude Code, Codex) read from
//! stdin. Exit 0 allows (with JSON context on stdout for SessionStart); exit 2 blocks the tool call
//! or the stop, the reason on stderr, as both tools read it. A malformed event is refused with
//! exit 2; an unknown event or tool is allowed.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use crate::agent::{decide, Decision};

#[derive(Debug, Args)]
pub struct AgentHookArgs {}

/// Largest event read: a `Write` of a big file carries its content.
const MAX_EVENT: u64 = 64 * 1024 * 1024;

pub fn run(_args: &AgentHookArgs, config: Option<&std::path::Path>) -> ExitCode {
    let mut input = String::new();
    let read = std::io::stdin()
        .take(MAX_EVENT)
        .read_to_string(&mut input)
        .context("cannot read the hook event from stdin (expected UTF-8 JSON)");
    // A hook that crashes is not a block to the agents (only exit 2 is): a panic is turned into
    // a refusal.
    let decision = read.and_then(|_| {
        std::panic::catch_unwind(|| decide(&input, config))
            .unwrap_or_else(|_| Err(anyhow::anyhow!("execguard agent-hook failed on this event")))
    });
    match decision {
        Ok(Decision::Allow) => ExitCode::from(crate::exit::CLEAN),
        Ok(Decision::Context(text)) => {
            let answer = serde_json::json!({
                "hookSpecificOutput": {
                    "hookEventName": "SessionStart",
                    "additionalContext": text,
                }
            });
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{answer}");
            ExitCode::from(crate::exit::CLEAN)
        }
        Ok(Decision::Block(reason)) => {
            crate::render::eprint_line(&reason);
            crate::trail::record::agent_block(&input, &reason);
            ExitCode::from(crate::exit::COULD_NOT_CHECK)
        }
        Err(error) => crate::exit::could_not_check(
            &error,
            "the agent's action is refused (a hook that exits 2 blocks it)",
        ),
    }
}
