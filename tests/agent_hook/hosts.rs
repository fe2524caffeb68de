// The agent hook against what Claude Code and Codex really send and do: each event has its
// host's exact shape, and a call the hook allows is then carried out as the host would (the
// command run by bash in the directory the host runs it in, the file written, the commit made).
// Nothing the guard protects may change, whatever the hook allowed.

use super::common::agent::*;
use super::common::*;
use serde_json::{json, Value};

/// What the host does when the hook allows the call.
enum Then {
    /// `bash -c` the line in this folder of the working tree (Codex's `workdir`, which its
    /// event leaves out).
    Bash(&'static str, String),
    /// Writes this file (relative to the working tree) with this content.
    WriteFile(String, &'static str),
    /// Nothing this test can carry out (a tool that is not installed here).
    Nothing,
}

struct HostCall {
    host: Host,
    tool: &'static str,
    input: Value,
    then: Then,
    /// The rule that blocks and a path (or word) the reason names; `None` to allow.
    blocked_by: Option<(&'static str, &'static str)>,
}

impl HostCall {
    fn blocks(self, rule: &'static str, names: &'static str) -> Self {
        Self {
            blocked_by: Some((rule, names)),
            ..self
        }
    }

    fn allowed(self) -> Self {
        self
    }
}

/// Claude Code's `Bash` running `line` in the session's directory.
fn claude_bash(line: &str) -> HostCall {
    HostCall {
        host: Host::Claude,
        tool: "Bash",
        input: json!({"command": line, "description": "Run"}),
        then: Then::Bash(".", line.to_string()),
        blocked_by: None,
    }
}

/// Codex's shell running `line` in `workdir`, which its event does not carry.
fn codex_bash(line: &str, workdir: &'static str) -> HostCall {
    HostCall {
        host: Host::Codex,
        tool: "Bash",
        input: json!({"command": line}),
        then: Then::Bash(workdir, line.to_string()),
        blocked_by: None,
    }
}

fn call(host: Host, tool: &'static str, input: Value, then: Then) -> HostCall {
    HostCall {
        host,
        tool,
        input,
        then,
        blocked_by: None,
    }
}

/// Runs every call as its host would: the hook first, then, when allowed, the action itself.
#[track_caller]
fn check_host_calls(repo: &TestRepo, calls: Vec<HostCall>) {
    let guarded = guarded_snapshot(repo);
    for HostCall {
        host,
        tool,
        input,
        then,
        blocked_by,
    } in calls
    {
        let event = host_event(repo, host, ".", tool, &input);
        let run = hook(repo, &event.to_string());
        match blocked_by {
            Some((rule, names)) => {
                assert_eq!(
                    run.code,
                    Some(2),
                    "{host:?} {tool} {input} must be blocked: {run:#?}"
                );
                assert!(
                    run.stderr.contains(&format!("[{rule}]")) && run.stderr.contains(names),
                    "{host:?} {tool} {input}: the reason names {rule} and {names}: {run:#?}"
                );
                assert!(run.stderr.contains("Stop and escalate"), "{}", run.stderr);
            }
            None => {
                assert!(
                    run.ok() && run.stderr.is_empty(),
                    "{host:?} {tool} {input} must be allowed: {run:#?}"
                );
                carry_out(repo, &then);
            }
        }
        assert_eq!(
            guarded_snapshot(repo),
            guarded,
            "{host:?} {tool} {input}: nothing guarded changed"
        );
    }
}

fn carry_out(repo: &TestRepo, then: &Then) {
    match then {
        Then::Bash(workdir, line) => {
            let run = Run::from_command(
                repo.command("bash")
                    .arg("-c")
                    .arg(line)
                    .current_dir(repo.path(workdir)),
            );
            assert!(run.ok(), "the allowed command runs: {line}: {run:#?}");
        }
        Then::WriteFile(path, content) => repo.write(path, content),
        Then::Nothing => {}
    }
}

/// Claude Code's documented way to commit and to open a pull request: the message in a
/// here-document inside a command substitution (which `bash -n` accepts).
const HEREDOC_COMMIT: &str = "git add -A && git commit -q -m \"$(cat <<'EOF'\nAdd logout (closes #12)\n\nIt's the small part of the feature; see plans/login-execplan.md.\nEOF\n)\"";
const HEREDOC_PR: &str = "gh pr create --title \"Add logout\" --body \"$(cat <<'EOF'\n## Summary\n- Adds logout (the plan's second step)\n\n## Test plan\n- [x] cargo test\nEOF\n)\"";

#[test]
fn claude_codes_heredoc_commit_and_pull_request_are_allowed_and_the_commit_lands() {
    let repo = guarded_repo();
    std::fs::remove_file(repo.path("requirements")).unwrap();
    std::fs::remove_dir_all(repo.path("notes")).unwrap();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added");
    #[rustfmt::skip]
    let calls = vec![
        claude_bash(HEREDOC_COMMIT).allowed(),
        HostCall { then: Then::Nothing, ..claude_bash(HEREDOC_PR) }.allowed(),
        claude_bash("git commit -q --allow-empty -m \"-n flag removed\"").allowed(),
        claude_bash("git commit -q --allow-empty -F- <<'EOF'\n-n is not a flag here\nEOF").allowed(),
        claude_bash(&HEREDOC_COMMIT.replace("git commit -q", "git commit -q --no-verify")).blocks("hook-bypass", "--no-verify"),
        claude_bash("echo \"$(cat <<'EOF'\nclosing paren ) inside\nEOF\n)$(rm specs/login.md)\"").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git commit -m \"$(cat <<'EOF'\nx\nEOF\n)\" && echo \"$(cat <<'EOF'\ny\nEOF\nrm -f designs/login.md\n)\"").blocks("frozen-design", "designs/login.md"),
    ];
    check_host_calls(&repo, calls);
    assert_eq!(
        repo.git(["log", "--format=%s", "-3"])
            .lines()
            .collect::<Vec<_>>(),
        [
            "-n is not a flag here",
            "-n flag removed",
            "Add logout (closes #12)"
        ]
    );
}

#[test]
fn paths_computed_when_the_command_runs_are_refused_when_they_could_be_guarded() {
    let repo = guarded_repo();
    #[rustfmt::skip]
    let calls = vec![
        claude_bash("d=specs; echo x > $d/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("echo x > ${PWD}/specs/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("cd $(echo specs) && echo x >> login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("f() { echo x > \"$1\"; }; f specs/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("for f in specs/login.md; do echo x >> $f; done").blocks("frozen-spec", "specs/login.md"),
        claude_bash("echo x > $'spec\\x73/login.md'").blocks("frozen-spec", "specs/login.md"),
        claude_bash("echo x > spe*/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("echo x > {specs,src}/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("read -r target < list.txt; rm \"$target\"").blocks("frozen-spec", "specs/login.md"),
        claude_bash("cp src/auth.rs \"$(git rev-parse --show-toplevel)/backend/PLANS.md\"").blocks("protected-path", "backend/PLANS.md"),
        claude_bash("x=hooks; printf 'exit 0' > .git/$x/pre-commit").blocks("installed-hooks", "pre-commit"),
        claude_bash("find specs -name '*.md' -delete").blocks("frozen-spec", "specs/login.md"),
        claude_bash("rm -rf specs").blocks("frozen-spec", "specs/login.md"),
        claude_bash("mv designs old-designs").blocks("frozen-design", "designs/login.md"),
        claude_bash("mkdir -p src/tmp && touch src/tmp/a && rm -rf src/tmp").allowed(),
        claude_bash("find . -name login.md -exec rm {} \\;").blocks("frozen-spec", "specs/login.md"),
        claude_bash("grep -rl EXEC-READY specs | xargs rm -f").blocks("frozen-spec", "specs/login.md"),
        claude_bash("find src -name '*.orig' -delete && find src -name '*.rs' -exec grep -l login {} +").allowed(),
        claude_bash("d=src; echo x > $d/notes.txt && test -f src/notes.txt").allowed(),
        claude_bash("for f in src/*.rs; do sed -i 's/login/signin/' \"$f\"; done").allowed(),
        claude_bash("echo ok > \"$HOME/out.log\" && echo ok > ~/out2.log").allowed(),
        claude_bash("n=3; echo $n > src/count.txt").allowed(),
    ];
    check_host_calls(&repo, calls);
    assert!(repo.read("src/auth.rs").contains("signin"));
}

/// A branch `other` whose commit changes the frozen spec and the code, and a patch of each.
fn repo_with_other_sources() -> TestRepo {
    let repo = guarded_repo();
    repo.git(["checkout", "-q", "-b", "other"]);
    repo.append("specs/login.md", "Passkeys too.\n");
    repo.append("src/auth.rs", "pub fn passkey() {}\n");
    repo.commit_unchecked("Other: passkeys");
    repo.git(["checkout", "-q", "exec/login"]);
    let spec_patch = repo.git(["diff", "exec/login", "other", "--", "specs/login.md"]);
    repo.write("spec.patch", spec_patch);
    let code_patch = repo.git(["diff", "exec/login", "other", "--", "src/auth.rs"]);
    repo.write("code.patch", code_patch);
    repo
}

#[test]
fn git_commands_that_write_the_working_tree_from_elsewhere_are_refused_on_guarded_paths() {
    let repo = repo_with_other_sources();
    #[rustfmt::skip]
    let calls = vec![
        claude_bash("git checkout other -- specs/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git checkout other -- .").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git restore --source other specs/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git restore -s other -- specs").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git apply spec.patch").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git apply < spec.patch").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git cherry-pick other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git reset --hard other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git checkout other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git switch other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git merge other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git rebase other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git read-tree -m -u other").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git checkout \"$(git rev-parse other)\" -- specs/login.md").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git checkout no-such-branch -- specs/login.md").blocks("frozen-spec", "cannot be read"),
        claude_bash("git checkout other -- src/auth.rs").allowed(),
        claude_bash("git checkout HEAD -- src/auth.rs && git apply code.patch").allowed(),
        claude_bash("git checkout src/auth.rs && git checkout -q -b topic && git checkout -q exec/login").allowed(),
        claude_bash("git apply --check code.patch").allowed(),
        claude_bash("git reset -q --hard").allowed(),
    ];
    check_host_calls(&repo, calls);
    // A stash holding a change to the spec: popping it would write it.
    repo.append("specs/login.md", "Stashed.\n");
    repo.git(["stash", "-q"]);
    #[rustfmt::skip]
    let calls = vec![
        claude_bash("git stash pop").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git stash apply 0").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git stash list").allowed(),
    ];
    check_host_calls(&repo, calls);
}

/// `git pull` is the merge of the upstream: allowed while what is fetched of it leaves the
/// guarded paths alone, refused once it would write the frozen spec.
#[test]
fn git_pull_is_judged_as_the_merge_of_its_upstream() {
    let repo = guarded_repo();
    let remote = repo.root.join("remote.git");
    repo.git(["init", "-q", "--bare", remote.to_str().unwrap()]);
    repo.git(["remote", "add", "origin", remote.to_str().unwrap()]);
    repo.git(["push", "-q", "--no-verify", "-u", "origin", "exec/login"]);
    // Someone else adds code upstream: pulling it writes nothing guarded.
    let other = repo.root.join("other");
    repo.git([
        "clone",
        "-q",
        "-b",
        "exec/login",
        remote.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    let in_other = |args: &[&str]| {
        let run = Run::from_command(repo.command("git").current_dir(&other).args(args));
        assert!(run.ok(), "{run:#?}");
    };
    std::fs::write(other.join("src/extra.rs"), "pub fn extra() {}\n").unwrap();
    in_other(&["add", "src/extra.rs"]);
    in_other(&["commit", "-q", "--no-verify", "-m", "Extra code"]);
    in_other(&["push", "-q", "--no-verify", "origin", "exec/login"]);
    #[rustfmt::skip]
    let calls = vec![
        claude_bash("git pull -q").allowed(),
        claude_bash("git pull -q --rebase origin exec/login").allowed(),
    ];
    check_host_calls(&repo, calls);
    assert!(repo.path("src/extra.rs").is_file(), "the pull ran");
    // Upstream now changes the frozen spec; once fetched, pulling it is refused.
    std::fs::write(
        other.join("specs/login.md"),
        "# Login\n\nEXEC-READY\n\nChanged.\n",
    )
    .unwrap();
    in_other(&["commit", "-q", "--no-verify", "-am", "Change the spec"]);
    in_other(&["push", "-q", "--no-verify", "origin", "exec/login"]);
    repo.git(["fetch", "-q", "origin"]);
    #[rustfmt::skip]
    let calls = vec![
        claude_bash("git pull").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git pull origin exec/login").blocks("frozen-spec", "specs/login.md"),
        claude_bash("r=origin; git pull $r exec/login").blocks("frozen-spec", "specs/login.md"),
        claude_bash("git pull origin no-such-branch").blocks("frozen-spec", "cannot be read"),
    ];
    check_host_calls(&repo, calls);
}

#[test]
fn codex_shell_calls_are_judged_from_every_folder_their_workdir_could_be() {
    let repo = guarded_repo();
    let patch = "*** Begin Patch\n*** Update File: login.md\n@@\n-Users log in with a password.\n+Users log in with a passkey.\n*** End Patch\n";
    #[rustfmt::skip]
    let calls = vec![
        codex_bash("echo x >> login.md", "specs").blocks("frozen-spec", "specs/login.md"),
        codex_bash("rm -f PLANS.md", "backend").blocks("protected-path", "backend/PLANS.md"),
        codex_bash(&format!("apply_patch <<'EOF'\n{patch}EOF"), "specs").blocks("frozen-spec", "specs/login.md"),
        call(Host::Codex, "apply_patch", json!({"command": patch}), Then::Nothing).blocks("frozen-spec", "specs/login.md"),
        codex_bash("cd .. && echo x > login.md", "specs/sub").blocks("frozen-spec", "specs/login.md"),
        codex_bash("echo x >> \"$PWD/login.md\"", "specs").blocks("frozen-spec", "specs/login.md"),
        codex_bash("git commit --no-verify -m wip", "src").blocks("hook-bypass", "--no-verify"),
        codex_bash("echo x >> notes.md && test -f notes.md", "src").allowed(),
        codex_bash(&format!("cd {} && echo x >> login.md", repo.path("src").display()), "specs").allowed(),
        call(Host::Codex, "apply_patch", json!({"command": "*** Begin Patch\n*** Add File: src/new.rs\n+pub fn x() {}\n*** End Patch\n"}), Then::WriteFile("src/new.rs".into(), "pub fn x() {}\n")).allowed(),
    ];
    std::fs::create_dir_all(repo.path("specs/sub")).unwrap();
    check_host_calls(&repo, calls);
    assert!(repo.path("src/notes.md").is_file());
    assert!(repo.path("src/login.md").is_file());
}

#[test]
fn mcp_tools_that_write_are_judged_by_the_paths_their_input_names() {
    let repo = guarded_repo();
    let abs = |p: &str| repo.path(p).display().to_string();
    #[rustfmt::skip]
    let calls = vec![
        call(Host::Claude, "mcp__filesystem__write_file", json!({"path": "specs/login.md", "content": "x"}), Then::Nothing).blocks("frozen-spec", "specs/login.md"),
        call(Host::Claude, "mcp__filesystem__edit_file", json!({"path": abs("designs/login.md"), "edits": [{"oldText": "a", "newText": "b"}], "dryRun": false}), Then::Nothing).blocks("frozen-design", "designs/login.md"),
        call(Host::Codex, "mcp__filesystem__move_file", json!({"source": "src/auth.rs", "destination": "backend/PLANS.md"}), Then::Nothing).blocks("protected-path", "backend/PLANS.md"),
        call(Host::Claude, "mcp__notes__save", json!({"target": "login.md", "text": "x"}), Then::Nothing).blocks("frozen-spec", "specs/login.md"),
        call(Host::Claude, "mcp__fs__writeFiles", json!({"files": [{"filePath": "src/a.rs"}, {"filePath": ".git/hooks/pre-commit"}]}), Then::Nothing).blocks("installed-hooks", "pre-commit"),
        call(Host::Claude, "mcp__filesystem__read_text_file", json!({"path": "specs/login.md"}), Then::Nothing).allowed(),
        call(Host::Claude, "mcp__filesystem__list_directory", json!({"path": "specs"}), Then::Nothing).allowed(),
        call(Host::Claude, "mcp__filesystem__write_file", json!({"path": abs("src/mcp.rs"), "content": "x"}), Then::WriteFile("src/mcp.rs".into(), "x")).allowed(),
    ];
    check_host_calls(&repo, calls);
}

#[test]
fn claude_codes_powershell_tool_is_read_for_the_paths_it_writes() {
    let repo = guarded_repo();
    let ps = |line: &str| {
        call(
            Host::Claude,
            "PowerShell",
            json!({"command": line, "description": "Run"}),
            Then::Nothing,
        )
    };
    #[rustfmt::skip]
    let calls = vec![
        ps("Set-Content -Path specs/login.md -Value 'x'").blocks("frozen-spec", "specs/login.md"),
        ps("Add-Content designs/login.md \"more\"").blocks("frozen-design", "designs/login.md"),
        ps("'x' | Out-File -FilePath backend/PLANS.md -Encoding utf8").blocks("protected-path", "backend/PLANS.md"),
        ps("Remove-Item -Force specs/login.md").blocks("frozen-spec", "specs/login.md"),
        ps("Remove-Item -Recurse -Force specs").blocks("frozen-spec", "specs/login.md"),
        ps("Move-Item src/auth.rs -Destination specs/login.md").blocks("frozen-spec", "specs/login.md"),
        ps("Get-Date > specs/login.md").blocks("frozen-spec", "specs/login.md"),
        ps("$p = 'specs'; Set-Content \"$p/login.md\" 'x'").blocks("frozen-spec", "specs/login.md"),
        ps("Set-Location specs; Clear-Content login.md").blocks("frozen-spec", "specs/login.md"),
        ps("git commit --no-verify -m wip").blocks("hook-bypass", "--no-verify"),
        ps("Get-ChildItem specs | ForEach-Object { Remove-Item $_.FullName }").blocks("frozen-spec", "specs/login.md"),
        ps("Set-Content -Path src/notes.txt -Value 'specs/login.md'").allowed(),
        ps("Get-Content specs/login.md | Select-String EXEC").allowed(),
    ];
    check_host_calls(&repo, calls);
}

/// A Stop or SubagentStop event as Claude Code sends it.
fn stop(repo: &TestRepo, event: &str, extra: Value) -> Run {
    let mut value = json!({"session_id": "abc", "transcript_path": repo.root.join("t.jsonl"), "cwd": repo.dir, "permission_mode": "default", "hook_event_name": event, "stop_hook_active": false});
    for (key, field) in extra.as_object().unwrap() {
        value[key] = field.clone();
    }
    hook(repo, &value.to_string())
}

#[test]
fn scratch_files_and_read_only_subagents_do_not_hold_the_stop() {
    let repo = guarded_repo();
    std::fs::remove_file(repo.path("requirements")).unwrap();
    repo.write("notes.txt", "what to ask the human\n");
    let run = stop(&repo, "Stop", json!({}));
    assert!(run.ok(), "an untracked scratch file is not code: {run:#?}");
    repo.write("src/logout.rs", "pub fn logout() {}\n");
    assert_eq!(
        stop(&repo, "Stop", json!({})).code,
        Some(2),
        "a new source file is code"
    );
    std::fs::remove_file(repo.path("src/logout.rs")).unwrap();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    assert_eq!(stop(&repo, "Stop", json!({})).code, Some(2));
    let run = stop(
        &repo,
        "SubagentStop",
        json!({"agent_id": "a1b2c3", "agent_type": "Explore", "agent_transcript_path": repo.root.join("a.jsonl")}),
    );
    assert!(
        run.ok(),
        "the parent's uncommitted code does not hold a subagent: {run:#?}"
    );
}
