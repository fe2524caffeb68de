// `execguard escalate` and the Stop hook: an open question lets the session that asked it stop,
// and no other.

use super::common::agent::*;
use super::common::*;
use serde_json::{json, Value};

/// `execguard <args>` as an agent runs it, with its host's session variable set.
fn escalate_as(repo: &TestRepo, session: (&str, &str), args: &[&str]) -> Run {
    Run::from_command(
        repo.command(execguard_bin())
            .env(session.0, session.1)
            .args(args),
    )
}

/// The host's Stop event for `session`, with code changed and no Progress entry.
fn stop_of(repo: &TestRepo, session: &str) -> Run {
    let event = json!({"session_id": session, "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": false});
    hook(repo, &event.to_string())
}

#[test]
fn an_open_escalation_lets_the_agent_stop_until_a_human_resolves_it() {
    let repo = guarded_repo();
    std::fs::remove_file(repo.path("requirements")).unwrap();
    let stop = || {
        let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": false});
        hook(&repo, &event.to_string())
    };
    // The agent is refused a frozen spec, and the refusal names the command to escalate with.
    let run = pre_tool_use(
        &repo,
        ".",
        "Write",
        json!({"file_path": repo.path("specs/login.md"), "content": "# Login\n"}),
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("`execguard escalate \""),
        "{}",
        run.stderr
    );
    // The block is in the trail, with the session that was refused.
    let trail = repo.execguard(["log", "--format", "json"]).stdout;
    let record: Value = serde_json::from_str(trail.lines().last().unwrap()).unwrap();
    assert_eq!(record["layer"], "agent-hook", "{trail}");
    assert_eq!(record["rule"], "frozen-spec", "{trail}");
    assert_eq!(record["who"], "agent session abc123");
    assert_eq!(record["feature"], "login");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    assert_eq!(stop().code, Some(2), "code without a Progress entry");
    // Run by the agent: Claude Code names its session to the commands it runs.
    let asked = escalate_as(
        &repo,
        ("CLAUDE_CODE_SESSION_ID", "abc"),
        &[
            "escalate",
            "<what you needed to change and why> the spec says nothing about lockout",
        ],
    );
    asked.assert_ok();
    assert!(
        asked.stdout.contains("escalation 3 recorded for login"),
        "the trail holds the block and the held stop before it: {asked:#?}"
    );
    let resolve = command_after(&asked.stdout, "a human closes it with ");
    assert_eq!(resolve, "execguard escalate --resolve 3 \"<decision>\"");
    let run = stop();
    assert!(run.ok(), "an open escalation lets the agent stop: {run:#?}");
    assert_eq!(
        repo.read("src/auth.rs"),
        "pub fn login() {}\npub fn logout() {}\n"
    );
    // The command the escalation names closes it; the stop is held again.
    let words = shlex::split(&resolve).unwrap();
    repo.execguard(&words[1..]).assert_ok();
    assert_eq!(stop().code, Some(2), "a resolved escalation holds nothing");
    let again = repo.execguard(["escalate", "--resolve", "3", "twice"]);
    assert_eq!(again.code, Some(2), "{again:#?}");
    assert!(
        again.stderr.contains("no open escalation has the id 3"),
        "{again:#?}"
    );
}

#[test]
fn a_stop_on_a_branch_without_a_plan_names_the_escalation_that_lets_it_through() {
    let repo = guarded_repo();
    std::fs::remove_file(repo.path("requirements")).unwrap();
    repo.git(["checkout", "-q", "-b", "misc"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let stop = || {
        let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": false});
        hook(&repo, &event.to_string())
    };
    let held = stop();
    assert_eq!(held.code, Some(2), "{held:#?}");
    let escalate = command_after(&held.stderr, "stop and escalate to the human (");
    assert_eq!(escalate, "execguard escalate \"<question>\"");
    let words = shlex::split(&escalate).unwrap();
    let words: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    escalate_as(&repo, ("CLAUDE_CODE_SESSION_ID", "abc"), &words).assert_ok();
    assert!(stop().ok(), "the question is open: the agent may stop");
}

/// Regression: any open escalation let every session stop, so one agent's question excused
/// another's unrecorded work.
#[test]
fn an_escalation_lets_only_the_session_that_raised_it_stop() {
    let repo = guarded_repo();
    std::fs::remove_file(repo.path("requirements")).unwrap();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    for session in [
        "session-a",
        "session-b",
        "0199a213-81c0-7800-8aa1-bbab2a035a53",
    ] {
        assert_eq!(
            stop_of(&repo, session).code,
            Some(2),
            "{session}: code without Progress"
        );
    }
    // Session A (Claude Code) asks.
    let asked = escalate_as(
        &repo,
        ("CLAUDE_CODE_SESSION_ID", "session-a"),
        &["escalate", "Lockout after how many failures?"],
    );
    asked.assert_ok();
    assert!(!asked.stdout.contains("No agent session"), "{asked:#?}");
    assert!(
        stop_of(&repo, "session-a").ok(),
        "A asked and waits for the answer"
    );
    let held = stop_of(&repo, "session-b");
    assert_eq!(
        held.code,
        Some(2),
        "B's work is not excused by A's question: {held:#?}"
    );
    assert!(held.stderr.contains("[progress-update]"), "{held:#?}");
    // A Codex session names itself by its thread id.
    let codex = "0199a213-81c0-7800-8aa1-bbab2a035a53";
    assert_eq!(stop_of(&repo, codex).code, Some(2));
    escalate_as(
        &repo,
        ("CODEX_THREAD_ID", codex),
        &["escalate", "Which hash for the tokens?"],
    )
    .assert_ok();
    assert!(stop_of(&repo, codex).ok());
    assert_eq!(stop_of(&repo, "session-b").code, Some(2));
    // A question raised outside any agent session excuses none, and says so.
    let human = repo.execguard(["escalate", "Is the release frozen?"]);
    human.assert_ok();
    assert!(
        human.stdout.contains(
            "No agent session is named (CLAUDE_CODE_SESSION_ID and CODEX_THREAD_ID unset)"
        ),
        "{human:#?}"
    );
    assert_eq!(stop_of(&repo, "session-b").code, Some(2));
    // The trail says which session asked.
    let trail = repo.execguard(["log", "--format", "json"]).stdout;
    let sessions: Vec<Value> = trail
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|r| r["kind"] == "escalation")
        .map(|r| r["session"].clone())
        .collect();
    assert_eq!(
        sessions,
        vec![json!("session-a"), json!(codex), Value::Null]
    );
}

/// The Stop hook held an agent whose open milestone recorded the step just done in place,
/// naming the module it added and taking the step off `remaining:`, on a branch that names no
/// feature; a rewording of the milestone still holds it.
#[test]
fn stop_lets_an_open_milestone_record_its_step_in_place() {
    let repo = guarded_repo();
    std::fs::remove_file(repo.path("requirements")).unwrap();
    repo.git(["checkout", "-q", "-b", "work"]);
    let plan = "plans/login-execplan.md";
    let stage = "- [ ] Split the store (completed: the schema; remaining: reader and writer).\n";
    repo.write(
        plan,
        repo.read(plan)
            .replace("## Progress\n\n", &format!("## Progress\n\n{stage}")),
    );
    repo.commit_unchecked("Plan the split");
    let stop = || {
        let event = json!({"session_id": "abc", "cwd": repo.dir, "hook_event_name": "Stop", "stop_hook_active": false});
        hook(&repo, &event.to_string())
    };
    repo.write("src/store/reader.rs", "pub fn read() {}\n");
    repo.write(
        plan,
        repo.read(plan).replace(
            "remaining: reader and writer",
            "remaining: writer and reader",
        ),
    );
    let run = stop();
    assert_eq!(run.code, Some(2), "a reordering is no entry: {run:#?}");
    repo.write(
        plan,
        repo.read(plan).replace(
            "the schema; remaining: writer and reader",
            "the schema; the reader in `src/store/reader.rs`; remaining: writer",
        ),
    );
    let run = stop();
    assert!(run.ok(), "{run:#?}");
}
