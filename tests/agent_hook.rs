#![allow(clippy::unwrap_used)]
mod common;

// `execguard agent-hook` as Claude Code and Codex call it: one recorded-shape event on stdin,
// exit 0 to allow, exit 2 with the reason on stderr to block; and `execguard check-path`.

use common::*;
use serde_json::{json, Value};

/// Feeds `event` to `execguard agent-hook` in the repository, as the agent would.
fn hook(repo: &TestRepo, event: &str) -> Run {
    Run::with_stdin(
        repo.command(execguard_bin()).arg("agent-hook"),
        event.as_bytes(),
    )
}

fn pre_tool_use(repo: &TestRepo, cwd: &str, tool: &str, input: Value) -> Run {
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
fn guarded_repo() -> TestRepo {
    let repo = TestRepo::installed();
    repo.write("specs/draft.md", SPEC_DRAFT);
    repo.exec_fixture();
    std::fs::create_dir_all(repo.path("notes")).unwrap();
    std::os::unix::fs::symlink("../specs/login.md", repo.path("notes/alias.md")).unwrap();
    std::os::unix::fs::symlink("specs", repo.path("requirements")).unwrap();
    repo
}

#[test]
fn file_tools_are_refused_on_frozen_and_protected_paths_only() {
    let repo = guarded_repo();
    let abs = |p: &str| repo.path(p).display().to_string();
    let patch =
        |body: &str| json!({ "command": format!("*** Begin Patch\n{body}*** End Patch\n") });
    // (tool, cwd, input, the rule that blocks or None, a path the reason names)
    let cases: Vec<(&str, &str, Value, Option<&str>, &str)> = vec![
        (
            "Write",
            ".",
            json!({"file_path": "specs/login.md", "content": "x"}),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "Edit",
            ".",
            json!({"file_path": abs("specs/login.md"), "old_string": "a", "new_string": "b"}),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "MultiEdit",
            ".",
            json!({"file_path": "designs/login.md", "edits": []}),
            Some("frozen-design"),
            "designs/login.md",
        ),
        (
            "NotebookEdit",
            ".",
            json!({"notebook_path": "backend/PLANS.md", "new_source": "x"}),
            Some("protected-path"),
            "backend/PLANS.md",
        ),
        (
            "Write",
            ".",
            json!({"file_path": ".execguard.toml", "content": "[rules]\n"}),
            Some("guard-config"),
            ".execguard.toml",
        ),
        (
            "Edit",
            "src",
            json!({"file_path": "../specs/./login.md"}),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "Write",
            ".",
            json!({"file_path": "Specs/Login.md", "content": "x"}),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "Write",
            ".",
            json!({"file_path": "notes/alias.md", "content": "x"}),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "Edit",
            ".",
            json!({"file_path": abs("requirements/login.md")}),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "Write",
            ".",
            json!({"file_path": ".git/hooks/pre-commit", "content": "exit 0"}),
            Some("installed-hooks"),
            "pre-commit",
        ),
        (
            "Write",
            ".",
            json!({"file_path": "src/session.rs", "content": "x"}),
            None,
            "",
        ),
        (
            "Edit",
            ".",
            json!({"file_path": "specs/draft.md"}),
            None,
            "",
        ),
        (
            "Write",
            ".",
            json!({"file_path": "plans/login-execplan.md"}),
            None,
            "",
        ),
        (
            "Read",
            ".",
            json!({"file_path": "specs/login.md"}),
            None,
            "",
        ),
        (
            "apply_patch",
            ".",
            patch("*** Update File: specs/login.md\n@@\n-a\n+b\n"),
            Some("frozen-spec"),
            "specs/login.md",
        ),
        (
            "apply_patch",
            ".",
            patch("*** Update File: src/auth.rs\n*** Move to: designs/login.md\n"),
            Some("frozen-design"),
            "designs/login.md",
        ),
        (
            "apply_patch",
            ".",
            patch("*** Delete File: backend/PLANS.md\n"),
            Some("protected-path"),
            "backend/PLANS.md",
        ),
        (
            "apply_patch",
            ".",
            patch(
                "*** Add File: src/new.rs\n+fn x() {}\n*** Update File: src/auth.rs\n@@\n+// ok\n",
            ),
            None,
            "",
        ),
    ];
    check_cases(&repo, cases);
}

#[test]
fn shell_commands_that_write_protected_paths_or_bypass_the_hooks_are_refused() {
    let repo = guarded_repo();
    let bash = |line: &str| json!({ "command": line, "description": "run" });
    let cases: Vec<(&str, &str, Value, Option<&str>, &str)> = vec![
        ("Bash", ".", bash("git commit --no-verify -m wip"), Some("hook-bypass"), "--no-verify"),
        ("Bash", ".", bash("git add -A && git commit -qnm wip"), Some("hook-bypass"), "git commit -n"),
        ("Bash", ".", bash("git push --no-verify origin exec/login"), Some("hook-bypass"), "git push --no-verify"),
        ("Bash", ".", bash("git -c core.hooksPath=/dev/null commit -m x"), Some("hook-bypass"), "core.hooksPath"),
        ("Bash", ".", bash("git config core.hooksPath .nohooks"), Some("hook-bypass"), "core.hooksPath"),
        ("Bash", ".", bash("execguard uninstall"), Some("hook-bypass"), "execguard uninstall"),
        ("Bash", ".", bash("EXECGUARD_SKIP=frozen-spec git commit -m x"), Some("hook-bypass"), "EXECGUARD_SKIP"),
        ("Bash", ".", bash("export EXECGUARD_SKIP=all"), Some("hook-bypass"), "EXECGUARD_SKIP"),
        ("Bash", ".", bash("rm -f .git/hooks/pre-commit"), Some("installed-hooks"), "pre-commit"),
        ("Bash", ".", bash("printf 'exit 0' > .git/hooks/commit-msg"), Some("installed-hooks"), "commit-msg"),
        ("Bash", ".", bash("echo done > specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("sed -i 's/password/passkey/' specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("echo note | tee -a designs/login.md"), Some("frozen-design"), "designs/login.md"),
        ("Bash", ".", bash("mv specs/login.md specs/old-login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("cp /dev/null backend/PLANS.md"), Some("protected-path"), "backend/PLANS.md"),
        ("Bash", ".", bash("truncate -s 0 .execguard.toml"), Some("guard-config"), ".execguard.toml"),
        ("Bash", ".", bash("cd specs && echo more >> login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", "src", bash("rm ../specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("bash -lc 'rm specs/login.md'"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("rm specs/*.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("echo $(rm specs/login.md)"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("git rm -q designs/login.md"), Some("frozen-design"), "designs/login.md"),
        ("Bash", ".", bash("apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: specs/login.md\n@@\n+x\n*** End Patch\nEOF"), Some("frozen-spec"), "specs/login.md"),
        ("shell", ".", json!({"command": ["bash", "-lc", "git commit --no-verify -m x"], "workdir": repo.dir}), Some("hook-bypass"), "--no-verify"),
        ("exec_command", ".", json!({"cmd": "rm login.md", "workdir": "specs"}), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null git commit -m x"), Some("hook-bypass"), "core.hooksPath"),
        ("Bash", ".", bash("env EXECGUARD_SKIP=progress-update git commit -m x"), Some("hook-bypass"), "EXECGUARD_SKIP"),
        ("Bash", ".", bash("perl -pi -e 's/a/b/' designs/login.md"), Some("frozen-design"), "designs/login.md"),
        ("Bash", ".", bash("sudo -n rm specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("timeout 5 shred -u specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("eval 'unlink backend/PLANS.md'"), Some("protected-path"), "backend/PLANS.md"),
        ("Bash", ".", bash("ln -sf /dev/null specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("chmod +x specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("dd if=/dev/zero of=specs/login.md count=1"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("make >& specs/login.md"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("cargo test &> backend/PLANS.md"), Some("protected-path"), "backend/PLANS.md"),
        ("Bash", ".", bash("cp drafts/login.md specs/"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("install -m 644 /dev/null .execguard.toml"), Some("guard-config"), ".execguard.toml"),
        ("Bash", ".", bash("for f in a b; do echo $f >> designs/login.md; done"), Some("frozen-design"), "designs/login.md"),
        ("Bash", ".", bash("(cd specs; rm login.md)"), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash("echo \"unterminated"), Some("unreadable-command"), "cannot be parsed"),
        // Nesting is read on a deep stack, and bounded: a crash would let the call through.
        ("Bash", ".", bash(&format!("{}rm specs/login.md; {}", "{ ".repeat(2_000), "} ".repeat(2_000))), Some("frozen-spec"), "specs/login.md"),
        ("Bash", ".", bash(&format!("{}true; {}", "{ ".repeat(20_001), "} ".repeat(20_001))), Some("unreadable-command"), "braces"),
        ("Bash", ".", bash("cargo build && cargo test -q"), None, ""),
        ("Bash", ".", bash("(cd specs; cat login.md) && rm -f login.md"), None, ""),
        ("Bash", ".", bash("grep -rn EXEC specs | tee src/report.txt"), None, ""),
        ("Bash", ".", bash("git add -A && git commit -m 'Explain why --no-verify is refused'"), None, ""),
        ("Bash", ".", bash("cat specs/login.md | grep -n EXEC-READY"), None, ""),
        ("Bash", ".", bash("git config --get core.hooksPath; git status"), None, ""),
        ("Bash", ".", bash("sed 's/a/b/' specs/login.md > src/generated.rs 2>/dev/null"), None, ""),
        ("Bash", ".", bash("git push -n origin exec/login"), None, ""),
        ("Bash", ".", bash("cd src && rm -f old.rs && echo x > auth.rs"), None, ""),
    ];
    check_cases(&repo, cases);
}

#[track_caller]
fn check_cases(repo: &TestRepo, cases: Vec<(&str, &str, Value, Option<&str>, &str)>) {
    let status = repo.git(["status", "--porcelain"]);
    for (tool, cwd, input, rule, path) in cases {
        let run = pre_tool_use(repo, cwd, tool, input.clone());
        match rule {
            Some(rule) => {
                assert_eq!(
                    run.code,
                    Some(2),
                    "{tool} {input} must be blocked: {run:#?}"
                );
                assert!(
                    run.stderr.contains(&format!("[{rule}]")) && run.stderr.contains(path),
                    "{tool} {input}: the reason names {rule} and {path}: {run:#?}"
                );
                assert!(
                    run.stderr.contains("Stop and escalate"),
                    "{tool} {input}: the reason says to stop: {}",
                    run.stderr
                );
                if !["installed-hooks", "hook-bypass", "unreadable-command"].contains(&rule) {
                    assert!(run.stderr.contains(&format!("`execguard explain {rule}`")));
                }
            }
            None => assert!(
                run.code == Some(0) && run.stderr.is_empty(),
                "{tool} {input} must be allowed: {run:#?}"
            ),
        }
    }
    assert_eq!(
        repo.git(["status", "--porcelain"]),
        status,
        "the hook writes nothing"
    );
    assert_eq!(repo.read("specs/login.md"), SPEC_FROZEN);
}

#[test]
fn the_commands_a_block_names_run() {
    let repo = guarded_repo();
    for rule in [
        "frozen-spec",
        "frozen-design",
        "protected-path",
        "guard-config",
    ] {
        repo.execguard(["explain", rule]).assert_ok();
    }
}

#[test]
fn a_malformed_event_is_refused_and_an_unknown_one_allowed() {
    let repo = guarded_repo();
    let cwd = repo.dir.display().to_string();
    for (event, message) in [
        ("not json".to_string(), "not valid JSON"),
        ("[1, 2]".to_string(), "not a JSON object"),
        ("{}".to_string(), "no `hook_event_name`"),
        (json!({"hook_event_name": 3}).to_string(), "`hook_event_name` is not a string"),
        (json!({"hook_event_name": "PreToolUse", "cwd": cwd, "tool_name": "Write"}).to_string(), "has no `tool_input`"),
        (json!({"hook_event_name": "PreToolUse", "cwd": cwd, "tool_name": "Write", "tool_input": {"file_path": 7}}).to_string(), "`tool_input.file_path` is not a string"),
        (json!({"hook_event_name": "PreToolUse", "cwd": cwd, "tool_name": "Bash", "tool_input": {}}).to_string(), "no `tool_input.command`"),
        (json!({"hook_event_name": "Stop", "cwd": cwd, "stop_hook_active": "yes"}).to_string(), "`stop_hook_active` is not a boolean"),
    ] {
        let run = hook(&repo, &event);
        assert_eq!(run.code, Some(2), "{event}: {run:#?}");
        assert!(run.stderr.contains(message), "{event}: {}", run.stderr);
    }
    let outside = repo.root.display().to_string();
    for event in [
        json!({"hook_event_name": "Notification", "cwd": cwd, "message": "hi"}),
        json!({"hook_event_name": "PreToolUse", "cwd": outside, "tool_name": "Write", "tool_input": {"file_path": "notes.md"}}),
        json!({"hook_event_name": "PreToolUse", "cwd": cwd, "tool_name": "mcp__files__write", "tool_input": {"path": "specs/login.md"}}),
        json!({"hook_event_name": "PostToolUse", "cwd": cwd, "tool_name": "Write", "tool_input": {"file_path": "specs/login.md"}}),
    ] {
        let run = hook(&repo, &event.to_string());
        assert!(run.ok() && run.stderr.is_empty(), "{event}: {run:#?}");
    }
}

#[test]
fn stop_is_refused_while_code_changed_without_a_progress_entry() {
    let repo = guarded_repo();
    let stop = |active: bool| {
        let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": active});
        hook(&repo, &event.to_string())
    };
    // Nothing but prose changed (the untracked link is Markdown, not code; the link to the
    // specs folder would be code).
    std::fs::remove_file(repo.path("requirements")).unwrap();
    assert!(stop(false).ok(), "a tree without code changes may stop");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let run = stop(false);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("[progress-update]"), "{}", run.stderr);
    assert!(run.stderr.contains("src/auth.rs"), "{}", run.stderr);
    assert!(
        run.stderr.contains("plans/login-execplan.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("at every stopping point"),
        "{}",
        run.stderr
    );
    assert!(stop(true).ok(), "a stop hook never holds the agent twice");
    // Staged work counts as much as unstaged.
    repo.git(["add", "src/auth.rs"]);
    assert_eq!(stop(false).code, Some(2));
    repo.add_progress("Logout added");
    assert!(stop(false).ok(), "{:#?}", stop(false));
}

#[test]
fn session_start_gives_the_exec_state_as_context() {
    let repo = guarded_repo();
    let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "SessionStart", "source": "startup"});
    let run = hook(&repo, &event.to_string());
    assert!(run.ok(), "{run:#?}");
    let answer: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        answer["hookSpecificOutput"]["hookEventName"],
        "SessionStart"
    );
    let context = answer["hookSpecificOutput"]["additionalContext"]
        .as_str()
        .unwrap();
    for expected in [
        "specs/login.md",
        "plans/login-execplan.md (ready",
        "Plan written.",
        "backend/PLANS.md",
    ] {
        assert!(context.contains(expected), "{expected}: {context}");
    }
    assert!(!context.contains("specs/draft.md"), "{context}");
}

#[test]
fn check_path_gives_the_same_verdict() {
    let repo = guarded_repo();
    let run = repo.execguard([
        "check-path",
        "specs/login.md",
        "src/auth.rs",
        "Designs/login.md",
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr
            .contains("error[frozen-spec]: specs/login.md may not be written"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error[frozen-design]: Designs/login.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("src/auth.rs may be written"),
        "{}",
        run.stderr
    );
    repo.execguard(["check-path", "src/auth.rs", "specs/draft.md"])
        .assert_ok();
}

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

#[test]
fn a_branch_out_of_scope_is_not_guarded_but_the_hooks_still_are() {
    let repo = guarded_repo();
    repo.write(".execguard.toml", "[scope]\nbranches = [\"release/**\"]\n");
    repo.commit_unchecked("Guard release branches only");
    let write = |path: &str| pre_tool_use(&repo, ".", "Write", json!({"file_path": path}));
    assert!(write("specs/login.md").ok(), "exec/login is out of scope");
    assert_eq!(write(".git/hooks/pre-commit").code, Some(2));
    repo.git(["checkout", "-q", "-b", "release/1"]);
    let run = write("specs/login.md");
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("[frozen-spec]"), "{}", run.stderr);
}
