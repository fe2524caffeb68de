#![allow(clippy::unwrap_used)]
//! What the push hooks tell a pusher: why a clean ref of a refused push is refused too (pre-receive
//! and pre-push), whose permission an accepted override used, how a root commit is named, what
//! the admin does about the first push of an existing history, and no advice about `--no-verify`
//! from the server, where a pusher cannot apply it.

use crate::common;

use common::legacy::*;
use common::server::*;
use common::*;

/// `exec/login` gets a spec edit, and `copy` points at a commit the server already has: pushed
/// together, the first breaks a rule and the second does not.
fn two_ref_fixture() -> TestRepo {
    let repo = pushed_fixture();
    repo.git(["branch", "copy", "HEAD"]);
    commit_spec_edit(&repo, "Tweak the spec");
    repo
}

#[track_caller]
fn assert_clean_ref_refused_as_all_or_nothing(repo: &TestRepo, run: &Run) {
    assert_server_refused(run, "frozen-spec");
    assert!(
        run.stderr.contains(
            "execguard: refusing refs/heads/copy too: nothing in it breaks a rule, but the pre-receive hook answers for the whole push, and git refuses every ref when it refuses one; push refs/heads/copy on its own to land it."
        ),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("refusing refs/heads/exec/login too"),
        "the ref that breaks a rule is refused for itself: {run:#?}"
    );
    assert_eq!(server_rev(repo, "refs/heads/copy"), None, "{run:#?}");
    assert_server_sound(repo);
}

#[test]
fn clean_ref_of_a_refused_push_says_the_push_is_all_or_nothing() {
    let repo = two_ref_fixture();
    let run = push(&repo, &["origin", "exec/login", "copy"]);
    assert_clean_ref_refused_as_all_or_nothing(&repo, &run);
    // As the message says: pushed on its own, the clean ref lands.
    let run = push(&repo, &["origin", "refs/heads/copy"]);
    run.assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/copy"),
        Some(repo.git(["rev-parse", "copy"]).trim().to_string())
    );
}

#[test]
fn clean_ref_of_a_refused_atomic_push_says_the_same() {
    let repo = two_ref_fixture();
    // receive-pack advertises atomic pushes by default; a hook's refusal refuses every ref with
    // or without it.
    server_git(&repo, ["config", "receive.advertiseAtomic", "true"]).assert_ok();
    let run = push(&repo, &["--atomic", "origin", "exec/login", "copy"]);
    assert_clean_ref_refused_as_all_or_nothing(&repo, &run);
}

#[test]
fn server_refusal_gives_no_no_verify_advice() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    let run = assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
    assert!(!run.stderr.contains("--no-verify"), "{run:#?}");
    assert!(
        run.stderr
            .contains("the push is refused. Fix the cause, or stop and escalate to a human (in your clone: `execguard escalate \"<question>\"`)."),
        "{run:#?}"
    );
}

/// Regression: the server's verdict told the pusher to "stop and escalate" without naming the
/// command that records the question. Run as printed in the pusher's clone, it records it there.
#[test]
fn server_refusal_names_the_escalate_command_and_it_records_the_question() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    let run = assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
    let escalate = command_after(&run.stderr, "stop and escalate to a human (in your clone: ");
    assert_eq!(escalate, "execguard escalate \"<question>\"");
    let words = shlex::split(&escalate).unwrap();
    let asked = repo.execguard(&words[1..]);
    asked.assert_ok();
    assert!(asked.stdout.contains("recorded for login"), "{asked:#?}");
    let status = status_json(&repo);
    let login = status_feature(&status, "login");
    assert_eq!(
        login["escalations"][0]["question"], "<question>",
        "{login:#}"
    );
}

#[test]
fn accepted_override_names_the_pusher_whose_permission_was_used() {
    let repo = pushed_fixture();
    pin_server_config(&repo, "[server]\noverride-users = [\"ana\"]\n");
    commit_spec_edit(
        &repo,
        "Amend the spec\n\nExecguard-Override: frozen-spec: approved in SPEC-1",
    );
    let run = assert_branch_push_lands(&repo, "exec/login", &[("GITEA_PUSHER_NAME", "ana")]);
    assert!(run.stderr.contains("overridden[frozen-spec]"), "{run:#?}");
    assert!(
        run.stderr.contains(
            "execguard: override by ana, listed in [server] override-users of the pinned config."
        ),
        "{run:#?}"
    );
}

#[test]
fn root_commit_is_named_as_one_not_by_its_parent() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "--orphan", "stray"]);
    repo.git(["rm", "-rq", "--cached", "."]);
    for entry in std::fs::read_dir(&repo.dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != ".git" {
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    repo.write("backend/PLANS.md", "# Other rules\n");
    repo.commit_unchecked("Start over");
    assert_eq!(repo.parent_count("HEAD"), 0, "a root commit");
    let short = repo
        .git(["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    let run = assert_branch_push_refused(&repo, "stray", &[], &["protected-path"]);
    assert!(
        run.stderr.contains(&format!(
            "rework root commit {short} so that it does not add backend/PLANS.md"
        )),
        "{run:#?}"
    );
    for wording in ["its parent", "the parent of"] {
        assert!(!run.stderr.contains(wording), "{wording}: {run:#?}");
    }
}

#[test]
fn clean_ref_of_a_push_refused_by_pre_push_says_the_same() {
    let repo = client_fixture();
    repo.git(["branch", "copy", "HEAD"]);
    commit_spec_edit(&repo, "Tweak the spec");
    let run = push_with_hooks(&repo, &["origin", "exec/login", "copy"]);
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr.contains(
            "execguard: refusing refs/heads/copy too: nothing in it breaks a rule, but the pre-push hook answers for the whole push, and git refuses every ref when it refuses one; push refs/heads/copy on its own to land it."
        ),
        "{run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/copy"), None, "{run:#?}");
    // As the message says.
    push_with_hooks(&repo, &["origin", "refs/heads/copy"]).assert_ok();
    assert!(server_rev(&repo, "refs/heads/copy").is_some());
}

/// A shallow clone pushes to a server that lacks the history below the clone's boundary (git
/// accepts it with `receive.shallowUpdate`): the commits cannot be judged, and the refusal names
/// the boundary and the way out, which then works.
#[test]
fn shallow_push_names_the_boundary_and_how_to_deepen() {
    let repo = TestRepo::new();
    repo.write("specs/login.md", SPEC_FROZEN);
    repo.write("plans/login-execplan.md", PLAN_READY);
    repo.commit_unchecked("Plan the login feature");
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.add_progress("Login.");
    repo.commit_unchecked("Add login");
    let boundary = repo.head();
    // An empty server that takes shallow pushes, owned by ana.
    repo.git_in(&repo.root, ["init", "-q", "--bare", "server.git"]);
    server_git(&repo, ["config", "receive.shallowUpdate", "true"]).assert_ok();
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(&repo))
            .args(["install", "--server"]),
    )
    .assert_ok();
    pin_server_config(&repo, "[server]\nspec-owners = [\"ana\"]\n");
    let source = format!("file://{}", repo.dir.display());
    repo.git_in(
        &repo.root,
        ["clone", "-q", "--depth", "1", &source, "shallow"],
    );
    let shallow = repo.root.join("shallow");
    repo.git_in(&shallow, ["checkout", "-q", "-b", "exec/login"]);
    std::fs::write(shallow.join("src/logout.rs"), "pub fn logout() {}\n").unwrap();
    let plan = std::fs::read_to_string(shallow.join("plans/login-execplan.md")).unwrap();
    std::fs::write(
        shallow.join("plans/login-execplan.md"),
        plan.replace(
            "## Surprises & Discoveries",
            "- [x] (2026-01-03 10:00Z) Logout.\n\n## Surprises & Discoveries",
        ),
    )
    .unwrap();
    repo.git_in(&shallow, ["add", "-A"]);
    repo.git_in(
        &shallow,
        ["commit", "-q", "--no-verify", "-m", "Add logout"],
    );
    let ana = &[("GL_USERNAME", "ana")];
    let push_args = ["push", "--no-verify", &server_url(&repo), "exec/login"];
    let run = git_env_in(&repo, &shallow, ana, &push_args);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("pre-receive hook declined"), "{run:#?}");
    let stops = format!(
        "shallow clone whose history stops at commit {}",
        &boundary[..7]
    );
    for text in [stops.as_str(), "(exit code 2)"] {
        assert!(run.stderr.contains(text), "{text}: {run:#?}");
    }
    assert!(!run.stderr.contains("object not found"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), None);
    // As the message says: deepen the clone, then push again.
    let deepen = command_after(&run.stderr, "deepen the clone with ");
    let deepen: Vec<&str> = deepen.split_whitespace().skip(1).collect();
    repo.git_in(&shallow, deepen);
    let run = git_env_in(&repo, &shallow, ana, &push_args);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_server_sound(&repo);
}

/// The lines a message shows between `[adoption]` and the blank line after it, without git's
/// `remote: ` prefix.
fn printed_adoption_table(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(|line| line.strip_prefix("remote: ").unwrap_or(line).trim_end())
        .skip_while(|line| *line != "[adoption]")
        .take_while(|line| !line.is_empty())
        .collect();
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// Regression: the first push of an existing history to a newly guarded server listed every
/// commit id on one line and told the admin only to "stop and escalate". It says what the admin
/// does, with the exact lines to pin, and those lines land the push.
#[test]
fn first_push_of_an_existing_history_tells_the_admin_what_to_pin() {
    let (repo, ids) = legacy_repo();
    let run = push_env(&repo, &[("REMOTE_USER", "ana")], &["origin", "main"]);
    assert_server_refused(&run, "frozen-spec");
    let says = |text: &str| assert!(run.stderr.contains(text), "lacks {text}: {run:#?}");
    says("refs/heads/main brings a whole history (down to root commit ");
    says("stop and escalate to the repository's admin");
    // The command named with it records the question in the pusher's clone.
    let escalate = command_after(&run.stderr, "stop and escalate to the repository's admin (");
    assert_eq!(escalate, "execguard escalate \"<question>\"");
    let words = shlex::split(&escalate).unwrap();
    let asked = repo.execguard(&words[1..]);
    asked.assert_ok();
    assert!(asked.stdout.contains("escalation 1 recorded"), "{asked:#?}");
    says("git config execguard.config <that file>");
    says("list the pusher (`ana`) in `override-users` under `[server]`");
    says("20 of its 20 new commits break a rule (");
    says(", and 10 more)");
    let listed = run
        .stderr
        .lines()
        .find(|line| line.contains("execguard: refusing refs/heads/main"))
        .unwrap();
    assert!(
        !listed.contains(&short(&ids[19])),
        "the list is capped: {listed}"
    );
    let table = printed_adoption_table(&run.stderr);
    assert_eq!(table, format!("[adoption]\nbaseline = [\"{}\"]\n", ids[19]));
    // As the message says: pinned, the history lands, and a pinned server names its file.
    pin_server_config(&repo, &table);
    push(&repo, &["origin", "main"]).assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(ids[19].clone()));
    repo.git(["checkout", "-q", "--orphan", "other"]);
    repo.commit_unchecked("Start another history");
    let run = push(&repo, &["origin", "other"]);
    assert_server_refused(&run, "protected-path");
    assert!(
        run.stderr
            .contains("server-config.toml (named by `git config execguard.config`"),
        "{run:#?}"
    );
}

/// The client's pre-push, pushing a whole history (here to a URL, with no remote-tracking refs),
/// names `execguard baseline` rather than only the rework of a root commit.
#[test]
fn pre_push_of_an_existing_history_to_a_url_names_the_baseline() {
    let (repo, _) = legacy_repo();
    repo.execguard(["install"]).assert_ok();
    let url = repo.root.join("server.git").display().to_string();
    let run = git_env_in(&repo, &repo.dir, &[], &["push", &url, "main"]);
    run.assert_refused("frozen-spec");
    for text in [
        "brings a whole history (down to root commit ",
        "stop and escalate to a human",
        "runs `execguard baseline`",
        "[server] override-users",
    ] {
        assert!(run.stderr.contains(text), "lacks {text}: {run:#?}");
    }
}
