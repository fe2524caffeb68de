//! Deleting a plan the commit message names: the commit records the removal, at every hook that
//! sees the message. A silent deletion stays refused.

use super::common::server::*;
use super::common::*;
use super::{fixture, PLAN};

/// The EXEC fixture with two more ready plans beside login's: `search` and `session-policy`
/// (a feature of more than one word), committed.
fn three_plans(repo: &TestRepo) {
    repo.write_search_inputs();
    repo.write(
        "plans/session-policy-execplan.md",
        PLAN_READY.replace("Login", "Session policy"),
    );
    repo.commit_unchecked("Plan search and the session policy");
}

/// Whether `path` is in the tree of HEAD.
fn in_head(repo: &TestRepo, path: &str) -> bool {
    !repo
        .git(["ls-tree", "--name-only", "HEAD", path])
        .trim()
        .is_empty()
}

/// A ready plan deleted by a commit whose message names it was refused as a plan in use deleted
/// ("Delete orphaned progress-bar-plan.md ExecPlan (task 120 cancelled)"): the commit records the
/// removal. Pre-commit cannot see the message, so it tells how to record it, and the commit-msg
/// hook accepts the commit.
#[test]
fn deleting_a_plan_the_commit_message_names_is_accepted() {
    for message in [
        "Delete orphaned login-execplan.md (the login work was cancelled)",
        "Delete plans/login-execplan.md: cancelled",
        "Drop the login-execplan plan, cancelled",
    ] {
        let repo = fixture();
        repo.git(["rm", "-q", PLAN]);
        let run = repo.commit(message);
        run.assert_ok();
        run.assert_not_flagged("execplan-deleted");
        assert!(!in_head(&repo, PLAN), "{message}: {run:#?}");
        // What pre-commit said before the message existed.
        assert!(
            run.stderr.contains("warning[execplan-deleted]")
                && run.stderr.contains(
                    "name the plan in the commit message to record its removal (`plans/login-execplan.md`)"
                ),
            "{run:#?}"
        );
    }

    // A feature of more than one word names its plan.
    let repo = fixture();
    three_plans(&repo);
    repo.git(["rm", "-q", "plans/session-policy-execplan.md"]);
    repo.commit("Remove the session-policy plan, superseded by the login plan")
        .assert_ok();
    assert!(!in_head(&repo, "plans/session-policy-execplan.md"));
}

/// The advice pre-commit prints is followed: the message that names no plan is refused by
/// commit-msg, naming the rule and the plan; the same change with the plan named lands.
#[test]
fn pre_commit_advises_and_commit_msg_refuses_a_message_that_names_no_plan() {
    let repo = fixture();
    let before = repo.head();
    repo.git(["rm", "-q", PLAN]);
    repo.execguard(["check"]).assert_ok();
    for message in ["Delete old plans", "Remove plans/", "Remove the login plan"] {
        let run = repo.commit(message);
        run.assert_refused("execplan-deleted");
        assert!(
            run.stderr.contains("error[execplan-deleted]")
                && run.stderr.contains(
                    "this commit deletes plans/login-execplan.md, the execplan of feature `login`, which is ready (EXECPLAN-READY) in HEAD: a plan in use is not removed without a record, and the commit message does not name it."
                ),
            "{message}: {run:#?}"
        );
        assert_eq!(repo.head(), before, "{message}: no commit was made");
    }
    // Naming the plan, as the advice says.
    let run = repo.commit("Remove login-execplan.md, cancelled by Ana");
    run.assert_ok();
    assert!(!in_head(&repo, PLAN));
}

/// Three plans deleted by a commit whose message names one: the other two are refused, each by
/// name, and the named one is not.
#[test]
fn naming_one_of_three_deleted_plans_leaves_the_other_two_refused() {
    let repo = fixture();
    three_plans(&repo);
    let before = repo.head();
    repo.git([
        "rm",
        "-q",
        PLAN,
        "plans/search-execplan.md",
        "plans/session-policy-execplan.md",
    ]);
    let run = repo.commit("Remove search-execplan.md, search was dropped");
    run.assert_refused("execplan-deleted");
    let refused = |path: &str| {
        run.stderr
            .contains(&format!("error[execplan-deleted] {path}\n"))
    };
    assert!(refused(PLAN), "{run:#?}");
    assert!(refused("plans/session-policy-execplan.md"), "{run:#?}");
    assert!(!refused("plans/search-execplan.md"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

/// A feature of one word (`login`) is too common a word to name a plan: "login" in the message
/// records nothing, its file name does. Judged by the server, as by the hooks.
#[test]
fn the_server_accepts_a_deletion_its_message_names_and_refuses_a_silent_one() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    setup_server(&repo);
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    repo.git(["rm", "-q", PLAN]);
    repo.commit_unchecked("Finish the login work and tidy up");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "execplan-deleted");
    assert!(
        run.stderr.contains("deletes plans/login-execplan.md")
            && run.stderr.contains("the commit message does not name it"),
        "{run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));
    repo.execguard(["check", "--range", "HEAD~1..HEAD"])
        .assert_refused("execplan-deleted");

    reword_head(&repo, "Remove the login plan, cancelled");
    assert_server_refused(&push(&repo, &["origin", "exec/login"]), "execplan-deleted");

    reword_head(&repo, "Remove login-execplan.md, cancelled");
    repo.execguard(["check", "--range", "HEAD~1..HEAD"])
        .assert_ok();
    push(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

/// The client's pre-push hook agrees with the server: it refuses the silent deletion and lets
/// the named one through.
#[test]
fn pre_push_judges_the_message_as_the_server_does() {
    let repo = client_fixture();
    repo.git(["rm", "-q", PLAN]);
    repo.commit_unchecked("Tidy up the plans");
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_refused("execplan-deleted");
    reword_head(&repo, "Delete plans/login-execplan.md, cancelled");
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

/// The command `execguard explain execplan-deleted` gives for recording a removal, run where it
/// applies: the plan deleted, the commit lands through the hooks and the plan is gone.
#[test]
fn the_explain_texts_commit_command_records_the_removal() {
    let repo = fixture();
    let explain = repo.execguard(["explain", "execplan-deleted"]);
    explain.assert_ok();
    let command = command_after(
        &explain.stdout.replace('\n', " "),
        "name the plan in the commit message (",
    );
    assert_eq!(
        command,
        "git commit -m \"Delete plans/login-execplan.md: cancelled\""
    );
    repo.git(["rm", "-q", PLAN]);
    let run = Run::from_command(repo.command("sh").arg("-c").arg(&command));
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
    assert!(!in_head(&repo, PLAN), "{run:#?}");
}

/// A pull request whose own commit said "Remove plans/login-execplan.md, cancelled" was refused
/// at its merge under `check --range --first-parent`, which judges the merge by its own message
/// ("Merge pull request #12 ..."). The merge's change is made by the commits it brings in: their
/// messages record the removal too. A pull request none of whose commits names the plan is still
/// refused at its merge, and the message says so.
#[test]
fn a_merge_judged_by_first_parent_takes_the_deletion_its_merged_commits_name() {
    for (side_message, refused) in [
        ("Remove plans/login-execplan.md, cancelled", false),
        ("Tidy up the plans", true),
    ] {
        let repo = fixture();
        let before = repo.head();
        repo.git(["checkout", "-q", "-b", "feature/tidy"]);
        repo.git(["rm", "-q", PLAN]);
        repo.commit_unchecked(side_message);
        repo.write("docs/notes.md", "# Notes\n");
        repo.commit_unchecked("Add notes");
        repo.git(["checkout", "-q", "exec/login"]);
        repo.merge_unchecked(
            "feature/tidy",
            "Merge pull request #12 from someone/feature/tidy",
        );
        let range = format!("{before}..HEAD");
        let run = repo.execguard(["check", "--range", &range, "--first-parent"]);
        if refused {
            run.assert_refused("execplan-deleted");
            assert!(
                run.stderr.contains(
                    "neither the merge's message nor that of any commit it brings in names it"
                ),
                "{run:#?}"
            );
        } else {
            run.assert_ok();
            run.assert_not_flagged("execplan-deleted");
        }
        // Each commit judged on its own, the side commit's message decides as before.
        let each = repo.execguard(["check", "--range", &range]);
        assert_eq!(each.ok(), !refused, "{side_message}: {each:#?}");
    }
}

/// A merge that brings in more than 500 commits has their messages left unread, so a removal
/// only they would record stays refused, and the message says why.
#[test]
fn a_merge_bringing_in_too_many_commits_stays_refused_and_says_why() {
    let repo = fixture();
    let before = repo.head();
    repo.git(["checkout", "-q", "-b", "feature/long"]);
    repo.git(["rm", "-q", PLAN]);
    repo.commit_unchecked("Remove plans/login-execplan.md, cancelled");
    // 500 more commits on the branch, made without a work tree.
    let script = "c=$(git rev-parse HEAD); t=$(git rev-parse HEAD^{tree}); \
        for i in $(seq 500); do c=$(git commit-tree \"$t\" -p \"$c\" -m \"Step $i\"); done; \
        git update-ref refs/heads/feature/long \"$c\"";
    Run::from_command(repo.command("sh").arg("-c").arg(script)).assert_ok();
    repo.git(["checkout", "-q", "exec/login"]);
    repo.merge_unchecked(
        "feature/long",
        "Merge pull request #13 from someone/feature/long",
    );
    let run = repo.execguard([
        "check",
        "--range",
        &format!("{before}..HEAD"),
        "--first-parent",
    ]);
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr
            .contains("the merge brings in more than 500 commits, whose messages are not read"),
        "{run:#?}"
    );
    assert!(in_head(&repo, "src/auth.rs") && !in_head(&repo, PLAN));
}

/// Gives the last commit `message` instead of its own, as a human rewording it would (the
/// commit hooks not run: the push is what is judged).
fn reword_head(repo: &TestRepo, message: &str) {
    repo.git(["commit", "-q", "--no-verify", "--amend", "-m", message]);
}
