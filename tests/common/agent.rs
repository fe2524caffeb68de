//! `execguard agent-hook` fed one event on stdin, as Claude Code and Codex call it, in a repository
//! set up with the EXEC fixture.

use serde_json::{json, Value};

use super::*;

/// Feeds `event` to `execguard agent-hook` in the repository, as the agent would.
pub fn hook(repo: &TestRepo, event: &str) -> Run {
    Run::with_stdin(
        repo.command(execguard_bin()).arg("agent-hook"),
        event.as_bytes(),
    )
}

/// A PreToolUse event as Claude Code sends it, answered by the agent hook.
pub fn pre_tool_use(repo: &TestRepo, cwd: &str, tool: &str, input: Value) -> Run {
    let event = host_event(repo, Host::Claude, cwd, tool, &input);
    hook(repo, &event.to_string())
}

/// The EXEC fixture with the hooks installed, a draft spec beside the frozen one, and a link
/// into the specs that is not committed.
pub fn guarded_repo() -> TestRepo {
    let repo = TestRepo::installed();
    repo.write("specs/draft.md", SPEC_DRAFT);
    repo.exec_fixture();
    std::fs::create_dir_all(repo.path("notes")).unwrap();
    std::os::unix::fs::symlink("../specs/login.md", repo.path("notes/alias.md")).unwrap();
    std::os::unix::fs::symlink("specs", repo.path("requirements")).unwrap();
    repo
}

/// The agent that sends an event: each shapes its events its own way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// Claude Code (code.claude.com/docs/en/hooks, "PreToolUse input").
    Claude,
    /// Codex (openai/codex, codex-rs/hooks/src/events/pre_tool_use.rs): `turn_id` and `model`
    /// beside Claude Code's fields; every shell tool is `Bash` with `tool_input` `{command}`
    /// and no `workdir`.
    Codex,
}

/// A PreToolUse event exactly as `host` sends it, from a session whose directory is `cwd`.
pub fn host_event(repo: &TestRepo, host: Host, cwd: &str, tool: &str, input: &Value) -> Value {
    match host {
        Host::Claude => json!({
            "session_id": "abc123",
            "transcript_path": repo.root.join("transcript.jsonl"),
            "cwd": repo.path(cwd),
            "permission_mode": "default",
            "hook_event_name": "PreToolUse",
            "tool_name": tool,
            "tool_input": input,
            "tool_use_id": "toolu_01",
        }),
        Host::Codex => json!({
            "session_id": "0199a213-81c0-7800-8aa1-bbab2a035a53",
            "turn_id": "turn-1",
            "transcript_path": null,
            "cwd": repo.path(cwd),
            "hook_event_name": "PreToolUse",
            "model": "gpt-5-codex",
            "permission_mode": "default",
            "tool_name": tool,
            "tool_input": input,
            "tool_use_id": "call_1",
        }),
    }
}

/// The content of every path the guard protects in [`guarded_repo`], to see that none changed.
pub fn guarded_snapshot(repo: &TestRepo) -> Vec<(String, Option<Vec<u8>>)> {
    let mut paths: Vec<String> = [
        "specs/login.md",
        "designs/login.md",
        "backend/PLANS.md",
        ".execguard.toml",
        ".git/config",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for entry in std::fs::read_dir(repo.hooks_dir()).unwrap().flatten() {
        paths.push(format!(
            ".git/hooks/{}",
            entry.file_name().to_string_lossy()
        ));
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let content = std::fs::read(repo.path(&p)).ok();
            (p, content)
        })
        .collect()
}
