#![allow(clippy::unwrap_used)]
mod common;

// `execguard install --agent` and `uninstall --agent`: the hook entries merged into Claude Code's
// and Codex's settings beside the user's own, and taken out again exactly.

use common::agent::*;
use common::*;
use serde_json::{json, Value};

#[test]
fn install_agent_merges_into_the_settings_and_uninstall_removes_exactly_its_entries() {
    for (agent, path) in [
        ("claude", ".claude/settings.json"),
        ("codex", ".codex/hooks.json"),
    ] {
        let repo = guarded_repo();
        let user = json!({
            "permissions": {"allow": ["Bash(cargo test:*)"]},
            "hooks": {
                "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./scripts/audit.sh"}]}],
                "PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "cargo fmt"}]}]
            },
            "model": "opus"
        });
        let original = serde_json::to_string_pretty(&user).unwrap() + "\n";
        repo.write(path, &original);

        let run = repo.execguard(["install", "--agent", agent]);
        run.assert_ok();
        assert!(run.stderr.contains(path), "{}", run.stderr);
        let installed = repo.read(path);
        let settings: Value = serde_json::from_str(&installed).unwrap();
        let keys: Vec<&String> = settings.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["permissions", "hooks", "model"], "{installed}");
        assert_eq!(settings["permissions"], user["permissions"]);
        assert_eq!(
            settings["hooks"]["PostToolUse"],
            user["hooks"]["PostToolUse"]
        );
        assert_eq!(
            settings["hooks"]["PreToolUse"][0],
            user["hooks"]["PreToolUse"][0]
        );
        let ours = &settings["hooks"]["PreToolUse"][1];
        let matcher = ours["matcher"].as_str().unwrap();
        let tools: &[&str] = if agent == "claude" {
            &["Write", "Edit", "MultiEdit", "NotebookEdit", "Bash"]
        } else {
            &["apply_patch", "Bash"]
        };
        for tool in tools {
            assert!(
                matcher.split('|').any(|m| m == *tool),
                "{matcher} covers {tool}"
            );
        }
        for event in ["Stop", "SessionStart"] {
            assert_eq!(
                settings["hooks"][event][0]["hooks"][0]["command"],
                "execguard agent-hook"
            );
        }

        // The command the settings run is found and blocks.
        let command = ours["hooks"][0]["command"].as_str().unwrap();
        let mut words = command.split_whitespace();
        let event = json!({"hook_event_name": "PreToolUse", "cwd": repo.dir, "tool_name": "Bash", "tool_input": {"command": "rm specs/login.md"}});
        let run = Run::with_stdin(
            repo.command(words.next().unwrap()).args(words),
            event.to_string().as_bytes(),
        );
        assert_eq!(run.code, Some(2), "{run:#?}");

        repo.execguard(["install", "--agent", agent]).assert_ok();
        assert_eq!(
            repo.read(path),
            installed,
            "installing twice changes nothing"
        );

        let run = repo.execguard(["uninstall", "--agent", agent]);
        run.assert_ok();
        assert_eq!(
            repo.read(path),
            original,
            "uninstall leaves the user's settings as they were"
        );
        repo.execguard(["uninstall", "--agent", agent]).assert_ok();
        assert_eq!(repo.read(path), original);
    }
}

#[test]
fn install_agent_creates_the_settings_and_uninstall_takes_them_away() {
    let repo = guarded_repo();
    repo.execguard(["install", "--agent", "claude", "--agent", "codex"])
        .assert_ok();
    assert!(repo.path(".claude/settings.json").is_file());
    assert!(repo.path(".codex/hooks.json").is_file());
    repo.execguard(["uninstall", "--agent", "claude", "--agent", "codex"])
        .assert_ok();
    assert!(!repo.path(".claude").exists());
    assert!(!repo.path(".codex").exists());
}

#[test]
fn install_agent_leaves_broken_settings_alone() {
    let repo = guarded_repo();
    repo.write(".claude/settings.json", "{ \"hooks\": ");
    let run = repo.execguard(["install", "--agent", "claude"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains(".claude/settings.json is not valid JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(repo.read(".claude/settings.json"), "{ \"hooks\": ");
}
