#![allow(clippy::unwrap_used)]
use crate::common;
#[path = "agent_hook/escalations.rs"]
mod escalations;
#[path = "agent_hook/hosts.rs"]
mod hosts;

// `execguard agent-hook` as Claude Code and Codex call it: one recorded-shape event on stdin,
// exit 0 to allow, exit 2 with the reason on stderr to block; and `execguard check-path`. The
// tool calls are tables: tool and input, then the rule that blocks and the path the reason names.
// Installing the hook into the agents' settings is in tests/agent_settings.rs.

use common::agent::*;
use common::*;
use serde_json::{json, Value};

/// One PreToolUse call and the verdict it must get.
struct ToolCall {
    tool: &'static str,
    /// The directory the agent runs in, relative to the working tree.
    cwd: &'static str,
    input: Value,
    /// The rule that blocks the call and a path (or word) its reason names; `None` to allow.
    blocked_by: Option<(&'static str, &'static str)>,
}

fn call(tool: &'static str, input: Value) -> ToolCall {
    ToolCall {
        tool,
        cwd: ".",
        input,
        blocked_by: None,
    }
}

/// A `Bash` call running `line`.
fn shell(line: &str) -> ToolCall {
    call("Bash", json!({ "command": line, "description": "run" }))
}

/// A Codex `apply_patch` call with `body` between the patch markers.
fn patch(body: &str) -> ToolCall {
    call(
        "apply_patch",
        json!({ "command": format!("*** Begin Patch\n{body}*** End Patch\n") }),
    )
}

impl ToolCall {
    fn blocks(self, rule: &'static str, names: &'static str) -> Self {
        Self {
            blocked_by: Some((rule, names)),
            ..self
        }
    }

    fn allowed(self) -> Self {
        self
    }

    fn from(self, cwd: &'static str) -> Self {
        Self { cwd, ..self }
    }
}

/// Runs every call and checks its verdict; the hook writes nothing, whatever it decides.
#[track_caller]
fn check_calls(repo: &TestRepo, calls: Vec<ToolCall>) {
    let status = repo.git(["status", "--porcelain"]);
    for ToolCall {
        tool,
        cwd,
        input,
        blocked_by,
    } in calls
    {
        let run = pre_tool_use(repo, cwd, tool, input.clone());
        match blocked_by {
            Some((rule, path)) => {
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
                let not_commit_rules = [
                    "installed-hooks",
                    "agent-settings",
                    "guard-binary",
                    "hook-bypass",
                    "unreadable-command",
                ];
                if !not_commit_rules.contains(&rule) {
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
fn file_tools_are_refused_on_frozen_and_protected_paths_only() {
    let repo = guarded_repo();
    let abs = |p: &str| repo.path(p).display().to_string();
    #[rustfmt::skip]
    let calls = vec![
        call("Write", json!({"file_path": "specs/login.md", "content": "x"})).blocks("frozen-spec", "specs/login.md"),
        call("Edit", json!({"file_path": abs("specs/login.md"), "old_string": "a", "new_string": "b"})).blocks("frozen-spec", "specs/login.md"),
        call("MultiEdit", json!({"file_path": "designs/login.md", "edits": []})).blocks("frozen-design", "designs/login.md"),
        call("NotebookEdit", json!({"notebook_path": "backend/PLANS.md", "new_source": "x"})).blocks("protected-path", "backend/PLANS.md"),
        call("Write", json!({"file_path": ".execguard.toml", "content": "[rules]\n"})).blocks("guard-config", ".execguard.toml"),
        call("Edit", json!({"file_path": "../specs/./login.md"})).blocks("frozen-spec", "specs/login.md").from("src"),
        call("Write", json!({"file_path": "Specs/Login.md", "content": "x"})).blocks("frozen-spec", "specs/login.md"),
        call("Write", json!({"file_path": "\u{17f}pecs/login.md", "content": "x"})).blocks("frozen-spec", "specs/login.md"),
        call("Write", json!({"file_path": "backend/PLAN\u{17f}.md", "content": "x"})).blocks("protected-path", "backend/PLANS.md"),
        call("Write", json!({"file_path": "designs/login.md. ", "content": "x"})).blocks("frozen-design", "designs/login.md"),
        call("Write", json!({"file_path": "notes/alias.md", "content": "x"})).blocks("frozen-spec", "specs/login.md"),
        call("Edit", json!({"file_path": abs("requirements/login.md")})).blocks("frozen-spec", "specs/login.md"),
        call("Write", json!({"file_path": ".git/hooks/pre-commit", "content": "exit 0"})).blocks("installed-hooks", "pre-commit"),
        call("Write", json!({"file_path": "src/session.rs", "content": "x"})).allowed(),
        call("Edit", json!({"file_path": "specs/draft.md"})).allowed(),
        call("Write", json!({"file_path": "plans/login-execplan.md"})).allowed(),
        call("Read", json!({"file_path": "specs/login.md"})).allowed(),
        patch("*** Update File: specs/login.md\n@@\n-a\n+b\n").blocks("frozen-spec", "specs/login.md"),
        patch("*** Update File: src/auth.rs\n*** Move to: designs/login.md\n").blocks("frozen-design", "designs/login.md"),
        patch("*** Delete File: backend/PLANS.md\n").blocks("protected-path", "backend/PLANS.md"),
        patch("*** Add File: src/new.rs\n+fn x() {}\n*** Update File: src/auth.rs\n@@\n+// ok\n").allowed(),
    ];
    check_calls(&repo, calls);
}

#[test]
fn shell_commands_that_write_protected_paths_or_bypass_the_hooks_are_refused() {
    let repo = guarded_repo();
    #[rustfmt::skip]
    let calls = vec![
        shell("git commit --no-verify -m wip").blocks("hook-bypass", "--no-verify"),
        shell("git add -A && git commit -qnm wip").blocks("hook-bypass", "git commit -n"),
        shell("git push --no-verify origin exec/login").blocks("hook-bypass", "git push --no-verify"),
        shell("git -c core.hooksPath=/dev/null commit -m x").blocks("hook-bypass", "core.hooksPath"),
        shell("git config core.hooksPath .nohooks").blocks("hook-bypass", "core.hooksPath"),
        shell("execguard uninstall").blocks("hook-bypass", "execguard uninstall"),
        shell("EXECGUARD_SKIP=frozen-spec git commit -m x").blocks("hook-bypass", "EXECGUARD_SKIP"),
        shell("export EXECGUARD_SKIP=all").blocks("hook-bypass", "EXECGUARD_SKIP"),
        shell("rm -f .git/hooks/pre-commit").blocks("installed-hooks", "pre-commit"),
        shell("printf 'exit 0' > .git/hooks/commit-msg").blocks("installed-hooks", "commit-msg"),
        shell("echo done > specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("sed -i 's/password/passkey/' specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("echo note | tee -a designs/login.md").blocks("frozen-design", "designs/login.md"),
        shell("mv specs/login.md specs/old-login.md").blocks("frozen-spec", "specs/login.md"),
        shell("cp /dev/null backend/PLANS.md").blocks("protected-path", "backend/PLANS.md"),
        shell("truncate -s 0 .execguard.toml").blocks("guard-config", ".execguard.toml"),
        shell("cd specs && echo more >> login.md").blocks("frozen-spec", "specs/login.md"),
        shell("rm ../specs/login.md").blocks("frozen-spec", "specs/login.md").from("src"),
        shell("bash -lc 'rm specs/login.md'").blocks("frozen-spec", "specs/login.md"),
        shell("rm specs/*.md").blocks("frozen-spec", "specs/login.md"),
        shell("echo $(rm specs/login.md)").blocks("frozen-spec", "specs/login.md"),
        shell("git rm -q designs/login.md").blocks("frozen-design", "designs/login.md"),
        shell("apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: specs/login.md\n@@\n+x\n*** End Patch\nEOF").blocks("frozen-spec", "specs/login.md"),
        call("shell", json!({"command": ["bash", "-lc", "git commit --no-verify -m x"], "workdir": repo.dir})).blocks("hook-bypass", "--no-verify"),
        call("exec_command", json!({"cmd": "rm login.md", "workdir": "specs"})).blocks("frozen-spec", "specs/login.md"),
        shell("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null git commit -m x").blocks("hook-bypass", "core.hooksPath"),
        shell("env EXECGUARD_SKIP=progress-update git commit -m x").blocks("hook-bypass", "EXECGUARD_SKIP"),
        shell("perl -pi -e 's/a/b/' designs/login.md").blocks("frozen-design", "designs/login.md"),
        shell("sudo -n rm specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("timeout 5 shred -u specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("eval 'unlink backend/PLANS.md'").blocks("protected-path", "backend/PLANS.md"),
        shell("ln -sf /dev/null specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("chmod +x specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("dd if=/dev/zero of=specs/login.md count=1").blocks("frozen-spec", "specs/login.md"),
        shell("make >& specs/login.md").blocks("frozen-spec", "specs/login.md"),
        shell("cargo test &> backend/PLANS.md").blocks("protected-path", "backend/PLANS.md"),
        shell("cp drafts/login.md specs/").blocks("frozen-spec", "specs/login.md"),
        shell("install -m 644 /dev/null .execguard.toml").blocks("guard-config", ".execguard.toml"),
        shell("for f in a b; do echo $f >> designs/login.md; done").blocks("frozen-design", "designs/login.md"),
        shell("(cd specs; rm login.md)").blocks("frozen-spec", "specs/login.md"),
        shell("echo \"unterminated").blocks("unreadable-command", "cannot be parsed"),
        // Nesting is read on a deep stack, and bounded: a crash would let the call through.
        shell(&format!("{}rm specs/login.md; {}", "{ ".repeat(2_000), "} ".repeat(2_000))).blocks("frozen-spec", "specs/login.md"),
        shell(&format!("{}true; {}", "{ ".repeat(20_001), "} ".repeat(20_001))).blocks("unreadable-command", "braces"),
        shell("cargo build && cargo test -q").allowed(),
        shell("(cd specs; cat login.md) && rm -f login.md").allowed(),
        shell("grep -rn EXEC specs | tee src/report.txt").allowed(),
        shell("git add -A && git commit -m 'Explain why --no-verify is refused'").allowed(),
        shell("cat specs/login.md | grep -n EXEC-READY").allowed(),
        shell("git config --get core.hooksPath; git status").allowed(),
        shell("sed 's/a/b/' specs/login.md > src/generated.rs 2>/dev/null").allowed(),
        shell("git push -n origin exec/login").allowed(),
        shell("cd src && rm -f old.rs && echo x > auth.rs").allowed(),
    ];
    check_calls(&repo, calls);
}

/// The files that switch the guard off, through every tool: the agents' settings, git's config
/// (the repository's and the user's) and hooks, execguard's binaries.
#[test]
fn writes_that_would_switch_the_guard_off_are_refused() {
    let repo = guarded_repo();
    repo.write(".claude/settings.json", "{\"hooks\": {}}\n");
    let bin = execguard_bin().display().to_string();
    let home_config = repo.home.join(".gitconfig").display().to_string();
    let calls = vec![
        call("Write", json!({"file_path": ".claude/settings.json", "content": "{}"})).blocks("agent-settings", ".claude/settings.json"),
        call("Write", json!({"file_path": ".claude/settings.local.json", "content": "{\"disableAllHooks\": true}"})).blocks("agent-settings", "settings.local.json"),
        call("Edit", json!({"file_path": ".codex/config.toml", "old_string": "", "new_string": "[features]\nhooks = false\n"})).blocks("agent-settings", ".codex/config.toml"),
        patch("*** Add File: .codex/hooks.json\n+{}\n").blocks("agent-settings", ".codex/hooks.json"),
        call("Write", json!({"file_path": home_config, "content": "[core]\nhooksPath = /dev/null\n"})).blocks("installed-hooks", ".gitconfig"),
        shell("echo '{}' > .claude/settings.json").blocks("agent-settings", ".claude/settings.json"),
        shell("echo '{}' > .codex/hooks.json").blocks("agent-settings", ".codex/hooks.json"),
        shell(&format!("cp /bin/true {bin}")).blocks("guard-binary", "execguard"),
        shell("chmod -x .git/hooks/pre-commit").blocks("installed-hooks", "pre-commit"),
        shell("git config alias.c 'commit --no-verify'").blocks("installed-hooks", ".git/config"),
        shell("git config --add include.path ../shared.ini").blocks("installed-hooks", ".git/config"),
        shell("git config set --global alias.ci 'commit -n'").blocks("installed-hooks", ".gitconfig"),
        shell("git config --global core.hooksPath /dev/null").blocks("installed-hooks", ".gitconfig"),
        shell(&format!("printf '[alias]\\n' >> {home_config}")).blocks("installed-hooks", ".gitconfig"),
        shell("git config --get alias.c; git config user.name; git config --list").allowed(),
        shell("git config -f build/settings.ini section.key value").allowed(),
        shell("cat .claude/settings.json").allowed(),
    ];
    check_calls(&repo, calls);
    assert_eq!(repo.read(".claude/settings.json"), "{\"hooks\": {}}\n");
}

/// The hook reads a repository's layout, HEAD and hooks folder from the files themselves where
/// it can: a linked worktree's HEAD and a `core.hooksPath` folder must be guarded as libgit2 reads
/// them.
#[test]
fn a_linked_worktree_and_a_hooks_path_folder_are_guarded() {
    let repo = guarded_repo();
    repo.git(["config", "core.hooksPath", "tools/hooks"]);
    repo.git(["worktree", "add", "-q", "-b", "other", "linked"]);
    repo.git(["pack-refs", "--all"]);
    let calls = vec![
        call(
            "Write",
            json!({"file_path": "tools/hooks/pre-commit", "content": "exit 0"}),
        )
        .blocks("installed-hooks", "pre-commit"),
        call(
            "Write",
            json!({"file_path": "specs/login.md", "content": "x"}),
        )
        .from("linked")
        .blocks("frozen-spec", "specs/login.md"),
        call(
            "Write",
            json!({"file_path": "tools/hooks/pre-push", "content": "exit 0"}),
        )
        .from("linked")
        .blocks("installed-hooks", "pre-push"),
        call("Write", json!({"file_path": "src/new.rs", "content": "x"}))
            .from("linked")
            .allowed(),
    ];
    check_calls(&repo, calls);
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
        // An MCP tool that only reads; one that writes is judged (see the MCP test).
        json!({"hook_event_name": "PreToolUse", "cwd": cwd, "tool_name": "mcp__files__read_file", "tool_input": {"path": "specs/login.md"}}),
        json!({"hook_event_name": "PostToolUse", "cwd": cwd, "tool_name": "Write", "tool_input": {"file_path": "specs/login.md"}}),
    ] {
        let run = hook(&repo, &event.to_string());
        assert!(run.ok() && run.stderr.is_empty(), "{event}: {run:#?}");
    }
}

/// The branch's plan under a `**` template is found in its folder, so the stop names it.
#[test]
fn stop_names_the_branch_plan_found_below_a_double_star_template() {
    let repo = TestRepo::installed();
    repo.write(
        ".execguard.toml",
        "[layout]\nexecplans = \"docs/exec-plans/**/PLAN_{feature}.md\"\n",
    );
    repo.write("specs/login.md", SPEC_FROZEN);
    repo.write("docs/exec-plans/active/PLAN_login.md", PLAN_READY);
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.commit_unchecked("Set up");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": false});
    let run = hook(&repo, &event.to_string());
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains(
            "the Progress section of docs/exec-plans/active/PLAN_login.md has no new entry"
        ),
        "{}",
        run.stderr
    );
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

/// Under `within = "push"` the Stop hook ignored the setting and held the agent for code the
/// working tree changed, though pre-push would take a later commit's entry. It now blocks only
/// when the branch's commits not yet pushed would be refused by pre-push for a missing entry.
#[test]
fn within_push_stop_judges_the_commits_not_yet_pushed() {
    let repo = TestRepo::installed();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nwithin = \"push\"\n",
    );
    repo.exec_fixture();
    let stop = || {
        let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": false});
        hook(&repo, &event.to_string())
    };
    // Uncommitted code: a later commit of the push may still bring the entry.
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let run = stop();
    assert!(run.ok(), "the working tree does not count: {run:#?}");
    // Committed without an entry (no upstream: the commits since main): pre-push would refuse.
    repo.commit_unchecked("Add logout");
    let code = repo.head();
    let run = stop();
    assert_eq!(run.code, Some(2), "{run:#?}");
    for text in [
        "[progress-update]",
        "pre-push would refuse this branch's 1 unpushed commit",
        "within = \"push\"",
        &code[..7],
        "commit it, then stop",
    ] {
        assert!(run.stderr.contains(text), "{text}: {}", run.stderr);
    }
    // The command it names, run by this session, lets it stop until a human resolves it.
    let escalate = command_after(&run.stderr, "stop and escalate to the human (");
    assert_eq!(escalate, "execguard escalate \"<question>\"");
    let words = shlex::split(&escalate).unwrap();
    let asked = Run::from_command(
        repo.command(execguard_bin())
            .env("CLAUDE_CODE_SESSION_ID", "abc")
            .args(&words[1..]),
    );
    asked.assert_ok();
    assert!(stop().ok(), "{asked:#?}");
    let resolve = command_after(&asked.stdout, "a human closes it with ");
    let words = shlex::split(&resolve).unwrap();
    repo.execguard(&words[1..]).assert_ok();
    assert_eq!(stop().code, Some(2));
    // A later commit with the entry settles it, as it does for pre-push.
    repo.add_progress("Logout added");
    repo.commit_unchecked("Plan: logout done");
    assert!(stop().ok(), "{:#?}", stop());
    repo.git([
        "push",
        "-q",
        "--no-verify",
        "-u",
        &remote(&repo),
        "exec/login",
    ]);
    // Code after the upstream: judged from the upstream on, and refused again until an entry.
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.commit_unchecked("Add refresh");
    assert_eq!(stop().code, Some(2), "{:#?}", stop());
    // Once pushed, those commits are not the stop's business any more (the commits since main
    // would still hold it).
    repo.git(["push", "-q", "--no-verify"]);
    assert!(stop().ok(), "{:#?}", stop());
}

/// A bare repository beside `repo`, added as its remote `origin`; returns its name.
fn remote(repo: &TestRepo) -> String {
    let path = repo.root.join("origin.git");
    repo.git(["init", "-q", "--bare", &path.to_string_lossy()]);
    repo.git(["remote", "add", "origin", &path.to_string_lossy()]);
    "origin".to_string()
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
