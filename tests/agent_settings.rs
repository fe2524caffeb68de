#![allow(clippy::unwrap_used)]
use crate::common;

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
            &[
                "Write",
                "Edit",
                "MultiEdit",
                "NotebookEdit",
                "Bash",
                "PowerShell",
                "mcp__.*",
            ]
        } else {
            &["apply_patch", "Bash", "mcp__.*"]
        };
        for tool in tools {
            assert!(
                matcher.split('|').any(|m| m == *tool),
                "{matcher} covers {tool}"
            );
        }
        // Every entry runs the execguard that installed it, by its absolute path.
        let command = ours["hooks"][0]["command"].as_str().unwrap();
        let recorded = format!(
            "sh -c 'execguard=\"{}\";",
            execguard_bin().canonicalize().unwrap().display()
        );
        assert!(command.starts_with(&recorded), "{command}");
        for event in ["Stop", "SessionStart"] {
            assert_eq!(settings["hooks"][event][0]["hooks"][0]["command"], command);
        }

        // The command the settings run, as the agents run it (Claude Code: `sh -c`; Codex: the
        // user's `$SHELL -lc`), is found and blocks.
        let event = json!({"hook_event_name": "PreToolUse", "cwd": repo.dir, "tool_name": "Bash", "tool_input": {"command": "rm specs/login.md"}});
        for shell in ["sh", "bash"] {
            let flag = if shell == "sh" { "-c" } else { "-lc" };
            let run = Run::with_stdin(
                repo.command(shell).args([flag, command]),
                event.to_string().as_bytes(),
            );
            assert_eq!(run.code, Some(2), "{shell}: {run:#?}");
            assert!(run.stderr.contains("[frozen-spec]"), "{shell}: {run:#?}");
        }

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

/// Where the agent's PATH lacks execguard, a hook found through PATH exits 127, which the agents
/// do not take as a refusal: the guard went quiet. The recorded path finds it; when that is gone
/// too, the hook refuses (exit 2) and doctor names the problem.
#[test]
fn the_agent_hook_is_found_without_path_and_refuses_when_execguard_is_gone() {
    let repo = guarded_repo();
    repo.execguard(["install", "--agent", "claude"]).assert_ok();
    let settings: Value = serde_json::from_str(&repo.read(".claude/settings.json")).unwrap();
    let command = settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .to_string();
    let event = json!({"hook_event_name": "PreToolUse", "cwd": repo.dir, "tool_name": "Write", "tool_input": {"file_path": "specs/login.md"}});
    let event_file = repo.root.join("event.json");
    std::fs::write(&event_file, event.to_string()).unwrap();
    // The agents pipe the event to the command through a shell; a command that is not found
    // never reads it.
    let without_execguard = |command: &str| {
        Run::from_command(
            repo.command("sh")
                .args([
                    "-c",
                    &format!("{{ {command}; }} < '{}'", event_file.display()),
                ])
                .env("PATH", "/usr/bin:/bin"),
        )
    };
    let run = without_execguard(&command);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("[frozen-spec]"), "{run:#?}");

    let plain = without_execguard("execguard agent-hook");
    assert_eq!(
        plain.code,
        Some(127),
        "the old entry went quiet: {plain:#?}"
    );
    // doctor tells the old entry apart, and the command it names rewrites it.
    let settings_text = repo.read(".claude/settings.json");
    let json_command = serde_json::to_string(&command).unwrap();
    repo.write(
        ".claude/settings.json",
        settings_text.replace(&json_command, "\"execguard agent-hook\""),
    );
    let doctor = repo.execguard(["doctor"]);
    assert!(
        doctor.stdout.contains("found through PATH only"),
        "{}",
        doctor.stdout
    );
    let doctor = Run::from_command(
        repo.command(execguard_bin())
            .arg("doctor")
            .env("PATH", "/usr/bin:/bin"),
    );
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(
        doctor.stdout.contains("the hook exits 127") && doctor.stdout.contains("the guard is off"),
        "{}",
        doctor.stdout
    );
    repo.execguard(["install", "--agent", "claude"]).assert_ok();
    assert_eq!(repo.read(".claude/settings.json"), settings_text);

    let gone = command.replace(
        &execguard_bin()
            .canonicalize()
            .unwrap()
            .display()
            .to_string(),
        "/nonexistent/execguard",
    );
    let run = without_execguard(&gone);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("neither at the recorded path nor on PATH"),
        "{run:#?}"
    );

    // doctor says which it is.
    let text = repo.read(".claude/settings.json").replace(
        &execguard_bin()
            .canonicalize()
            .unwrap()
            .display()
            .to_string(),
        "/nonexistent/execguard",
    );
    repo.write(".claude/settings.json", &text);
    let doctor = Run::from_command(
        repo.command(execguard_bin())
            .arg("doctor")
            .env("PATH", "/usr/bin:/bin"),
    );
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(
        doctor.stdout.contains("refuses every call"),
        "{}",
        doctor.stdout
    );
    // The command the message names repairs it.
    assert!(doctor.stdout.contains("run `execguard install --agent`"));
    repo.execguard(["install", "--agent", "claude"]).assert_ok();
    let doctor = repo.execguard(["doctor"]);
    assert!(doctor.ok(), "{doctor:#?}");
    assert!(
        doctor.stdout.contains("runs execguard's agent hook"),
        "{}",
        doctor.stdout
    );
}

/// `install --agent claude` denies Claude Code's file tools every guarded path, and with
/// `--sandbox` turns its sandbox on, failing closed, with the same paths read-only; the lists
/// follow the frozen set, sit in the machine's own settings and leave the user's entries alone.
#[test]
fn install_agent_claude_writes_deny_rules_and_the_sandbox_and_keeps_them_current() {
    let repo = guarded_repo();
    repo.write(
        ".claude/settings.local.json",
        "{\"permissions\": {\"deny\": [\"Bash(curl *)\"]}}\n",
    );
    let run = repo.execguard(["install", "--agent", "claude", "--sandbox"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("its sandbox (on, failing closed)"),
        "{}",
        run.stderr
    );
    let dir = repo.dir.canonicalize().unwrap().display().to_string();
    let local =
        || -> Value { serde_json::from_str(&repo.read(".claude/settings.local.json")).unwrap() };
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let settings = local();
    let deny = strings(&settings["permissions"]["deny"]);
    for rule in [
        "Bash(curl *)".to_string(),
        format!("Edit(/{dir}/specs/login.md)"),
        format!("Edit(/{dir}/designs/login.md)"),
        format!("Edit(/{dir}/backend/PLANS.md)"),
        format!("Edit(/{dir}/.execguard.toml)"),
        format!("Edit(/{dir}/.git/hooks/**)"),
        format!("Edit(/{dir}/.git/config)"),
        format!("Edit(/{dir}/.claude/settings.json)"),
    ] {
        assert!(deny.contains(&rule), "{rule}: {deny:#?}");
    }
    assert!(!deny.iter().any(|r| r.contains("draft.md")), "{deny:#?}");
    assert_eq!(settings["sandbox"]["enabled"], true);
    assert_eq!(settings["sandbox"]["failIfUnavailable"], true);
    assert_eq!(settings["sandbox"]["allowUnsandboxedCommands"], false);
    let deny_write = strings(&settings["sandbox"]["filesystem"]["denyWrite"]);
    assert!(
        deny_write.contains(&format!("/{dir}/specs/login.md")),
        "{deny_write:#?}"
    );
    // One machine's settings: git does not see them.
    assert!(!repo
        .git(["status", "--porcelain"])
        .contains("settings.local.json"));

    // doctor names the layers that are on.
    let doctor = repo.execguard(["doctor"]);
    for said in [
        "Claude Code's file tools are denied",
        "Claude Code's sandbox is on for shell commands, failing closed",
        "not under `execguard run`",
    ] {
        assert!(doctor.stdout.contains(said), "{said}: {}", doctor.stdout);
    }
    let inside = repo.execguard(["-q", "run", "--", "execguard", "doctor"]);
    assert!(
        inside
            .stdout
            .contains("this runs under `execguard run` (namespaces)"),
        "{inside:#?}"
    );

    // A spec frozen later is added at the next session start.
    repo.write("specs/search.md", SPEC_FROZEN.replace("Login", "Search"));
    repo.commit_unchecked("Freeze the search spec");
    let event = json!({"hook_event_name": "SessionStart", "cwd": repo.dir, "source": "startup"});
    assert!(hook(&repo, &event.to_string()).ok());
    let settings = local();
    assert!(strings(&settings["permissions"]["deny"])
        .contains(&format!("Edit(/{dir}/specs/search.md)")));
    assert!(strings(&settings["sandbox"]["filesystem"]["denyWrite"])
        .contains(&format!("/{dir}/specs/search.md")));

    // Installing again changes nothing; uninstalling takes out exactly what execguard added.
    let before = repo.read(".claude/settings.local.json");
    repo.execguard(["install", "--agent", "claude"]).assert_ok();
    assert_eq!(repo.read(".claude/settings.local.json"), before);
    repo.execguard(["uninstall", "--agent", "claude"])
        .assert_ok();
    let settings = local();
    assert_eq!(strings(&settings["permissions"]["deny"]), ["Bash(curl *)"]);
    assert!(settings["sandbox"]["filesystem"].is_null(), "{settings:#}");
}
