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

pub fn pre_tool_use(repo: &TestRepo, cwd: &str, tool: &str, input: Value) -> Run {
    let event = json!({
        "session_id": "abc123",
        "transcript_path": repo.root.join("transcript.jsonl"),
        "cwd": repo.path(cwd),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": input,
        "tool_use_id": "toolu_01",
    });
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
