//! The agent layers doctor reports: whether the agents' settings run execguard's agent hook and
//! whether that hook can start, Claude Code's deny rules and sandbox, and `execguard run`.

use std::path::Path;

use execguard_git::Repo;

use super::{on_path, Finding};
use crate::agent::claude_layers;
use crate::agent::settings::{self, Agent};

/// Nothing when no agent settings run execguard: the repository does not use the agent layers.
pub fn agent_findings(repo: &Repo) -> Vec<Finding> {
    let Some(workdir) = repo.workdir() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let mut any = false;
    for agent in [Agent::Claude, Agent::Codex] {
        let commands = settings::installed_commands(workdir, agent);
        if commands.is_empty() {
            continue;
        }
        any = true;
        let file = workdir.join(agent.settings_path());
        for command in commands {
            findings.push(hook_command_finding(&file, &command));
        }
    }
    if !any {
        return findings;
    }
    match claude_layers::recorded(repo) {
        Some(layers) => {
            findings.push(Finding::ok(format!(
                "Claude Code's file tools are denied {} guarded paths ({})",
                layers.deny.len(),
                workdir.join(claude_layers::LOCAL_SETTINGS).display()
            )));
            findings.push(if layers.sandbox {
                Finding::ok("Claude Code's sandbox is on for shell commands, failing closed, with the guarded paths read-only".into())
            } else {
                Finding::warning("Claude Code's sandbox is off: its shell commands can write the guarded paths unless the agent runs under `execguard run`; `execguard install --agent claude --sandbox` turns it on".into())
            });
        }
        None if settings::installed_commands(workdir, Agent::Claude).is_empty() => {}
        None => findings.push(Finding::warning(
            "Claude Code has no deny rules for the guarded paths; `execguard install --agent claude` writes them".into(),
        )),
    }
    findings.push(match std::env::var(crate::sandbox::RUN_ENV) {
        Ok(route) => Finding::ok(format!(
            "this runs under `execguard run` ({route}): the guarded paths are read-only at the OS level"
        )),
        Err(_) => Finding::warning(
            "not under `execguard run`: nothing at the OS level keeps an agent's interpreters, archives or git plumbing off the guarded paths; start the agent as `execguard run -- <agent>`".into(),
        ),
    });
    findings
}

fn hook_command_finding(file: &Path, command: &str) -> Finding {
    let recorded = settings::recorded_binary(command);
    if let Some(binary) = recorded.as_deref().filter(|b| super::executable(b)) {
        return Finding::ok(format!(
            "{}: runs execguard's agent hook ({})",
            file.display(),
            binary.display()
        ));
    }
    match (on_path("execguard"), recorded) {
        (Some(found), Some(gone)) => Finding::ok(format!(
            "{}: runs execguard's agent hook (found on PATH at {}; the recorded {} is gone)",
            file.display(),
            found.display(),
            gone.display()
        )),
        (Some(found), None) => Finding::warning(format!(
            "{}: runs `{}`, found through PATH only (now {}); where the agent's PATH lacks execguard, the hook exits 127, which the agent does not take as a refusal; run `execguard install --agent` to record its path",
            file.display(),
            settings::PLAIN_COMMAND,
            found.display()
        )),
        (None, Some(gone)) => Finding::problem(format!(
            "{}: execguard's agent hook refuses every call: execguard is neither at {} nor on PATH; install it again and run `execguard install --agent`",
            file.display(),
            gone.display()
        )),
        (None, None) => Finding::problem(format!(
            "{}: runs `{}`, but execguard is not on PATH: the hook exits 127, which the agent does not take as a refusal, so the guard is off; run `execguard install --agent`",
            file.display(),
            settings::PLAIN_COMMAND
        )),
    }
}
