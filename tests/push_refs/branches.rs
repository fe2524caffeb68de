//! Changes no single commit makes, refused at the server (branch-net-change): a stale branch
//! merged with `-s ours` and pushed as `main`, which drops what a human changed there; a branch
//! deleted and pushed again from another history; and the deletion of a protected branch.

use super::push_before_the_hook;
use crate::common::server::*;
use crate::common::*;

const ANA: &[(&str, &str)] = &[("GL_USERNAME", "ana")];
const AGENT: &[(&str, &str)] = &[("GL_USERNAME", "agent")];

/// `exec/login` with a clean commit of its own, then the human's change on `main`, each pushed
/// and landed (the human's by ana); `exec/login` is checked out, stale.
fn stale_branch(change: &HumanChange) -> TestRepo {
    let repo = pushed_fixture();
    if let Some(text) = change.pinned {
        pin_server_config(&repo, text);
    }
    commit_clean_code(&repo, "logout");
    assert_branch_push_lands(&repo, "exec/login", AGENT);
    repo.git(["checkout", "-q", "main"]);
    (change.make)(&repo);
    // The human's own update of main: a fast-forward whose change an honoured override made.
    assert_branch_push_lands(&repo, "main", ANA);
    repo.git(["checkout", "-q", "exec/login"]);
    repo
}

#[test]
fn stale_branch_merged_with_ours_and_pushed_as_main_is_refused() {
    for change in HUMAN_CHANGES {
        let repo = stale_branch(change);
        let main = server_rev(&repo, "refs/heads/main");
        repo.git(["merge", "-q", "-s", "ours", "-m", "Merge main", "main"]);
        if change.pinned.is_none() {
            // With the human's config gone, the next commit writes what it protected.
            repo.write("infra/prod.yaml", "replicas: 30\n");
            repo.add_progress("Scaled up.");
            repo.commit_unchecked("Scale up");
        }
        let run = push_env(&repo, AGENT, &["origin", "exec/login:main"]);
        assert_server_refused(&run, "branch-net-change");
        for text in [change.names, "refusing refs/heads/main"] {
            assert!(
                run.stderr.contains(text),
                "{}: {text}: {run:#?}",
                change.name
            );
        }
        assert_eq!(
            server_rev(&repo, "refs/heads/main"),
            main,
            "{}",
            change.name
        );
        assert_server_sound(&repo);

        // The twin: merging main normally keeps the human's change, and lands.
        repo.git(["reset", "-q", "--hard", "origin/exec/login"]);
        repo.merge_unchecked("main", "Merge main");
        let run = push_env(&repo, AGENT, &["origin", "exec/login:main"]);
        run.assert_ok();
        assert!(!run.stderr.contains("error["), "{}: {run:#?}", change.name);
        assert_eq!(server_rev(&repo, "refs/heads/main"), Some(repo.head()));
    }
}

/// A merge on main that takes the stale branch's spec is forgiven commit by commit (the spec
/// was frozen at the merge base); an override trailer on it sets nothing aside, so the update
/// as a whole is still refused.
#[test]
fn stale_spec_taken_by_a_merge_with_an_override_trailer_is_refused() {
    let repo = stale_branch(&HUMAN_CHANGES[0]);
    repo.git(["checkout", "-q", "main"]);
    repo.git(["merge", "-q", "--no-ff", "--no-commit", "exec/login"]);
    repo.git(["checkout", "exec/login", "--", "specs/login.md"]);
    repo.commit_unchecked("Merge exec/login\n\nExecguard-Override: frozen-spec: keep ours");
    let main = server_rev(&repo, "refs/heads/main");
    let run = push_env(&repo, ANA, &["origin", "main"]);
    assert_server_refused(&run, "branch-net-change");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/main"), main);
}

// ---- deleting and re-creating a branch ------------------------------------------------------

/// A branch `draft` from before the spec was frozen, already on the server.
fn with_draft_on_the_server(repo: &TestRepo) {
    repo.git(["checkout", "-q", "--orphan", "draft"]);
    repo.git(["rm", "-q", "-r", "--cached", "."]);
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.commit_unchecked("Draft the login spec");
    push_before_the_hook(repo, "draft");
    repo.git(["checkout", "-q", "-f", "exec/login"]);
}

#[test]
fn deleted_branch_pushed_again_from_a_pre_freeze_branch_is_refused() {
    let repo = pushed_fixture();
    with_draft_on_the_server(&repo);
    let tip = server_rev(&repo, "refs/heads/exec/login").unwrap();
    // A feature branch may be deleted; the server remembers its tip.
    let run = push_env(&repo, AGENT, &["origin", "--delete", "exec/login"]);
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), None);
    assert_eq!(
        server_rev(&repo, "refs/execguard/deleted/exec/login"),
        Some(tip.clone())
    );
    let run = push_env(&repo, AGENT, &["origin", "draft:exec/login"]);
    assert_server_refused(&run, "branch-net-change");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert!(
        run.stderr.contains("re-creates a deleted branch"),
        "{run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), None);
    assert_server_sound(&repo);
    // The twin: the branch pushed again at the tip it had lands.
    let run = push_env(
        &repo,
        AGENT,
        &["origin", &format!("{tip}:refs/heads/exec/login")],
    );
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(tip));
}

#[test]
fn deleted_branch_pushed_again_from_an_orphan_with_an_edited_spec_is_refused() {
    let repo = pushed_fixture();
    pin_server_config(&repo, "[server]\nspec-owners = [\"bo\"]\n");
    let bo = &[("GL_USERNAME", "bo")];
    push_env(&repo, bo, &["origin", "--delete", "exec/login"]).assert_ok();
    repo.git(["checkout", "-q", "--orphan", "again"]);
    repo.git(["rm", "-q", "-r", "-f", "."]);
    // A root that adds the spec, edited and frozen, and the plan: it passes on its own.
    repo.write(
        "specs/login.md",
        SPEC_FROZEN.replace("password", "magic link"),
    );
    repo.write("plans/login-execplan.md", PLAN_READY);
    repo.commit_unchecked("Start over");
    let run = push_env(&repo, bo, &["origin", "again:exec/login"]);
    assert_server_refused(&run, "branch-net-change");
    assert!(
        run.stderr.contains("re-creates a deleted branch"),
        "{run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), None);
}

#[test]
fn deleting_the_default_branch_is_refused() {
    let repo = pushed_fixture();
    let main = server_rev(&repo, "refs/heads/main");
    let run = push(&repo, &["origin", "--delete", "main"]);
    assert_server_refused(&run, "branch-net-change");
    assert!(run.stderr.contains("protected-branches"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/main"), main);
}

#[test]
fn deleting_a_listed_branch_needs_an_override_user() {
    let repo = pushed_fixture();
    pin_server_config(
        &repo,
        "[server]\noverride-users = [\"ana\"]\nprotected-branches = [\"<default>\", \"release\"]\n",
    );
    push(&repo, &["origin", "main:release"]).assert_ok();
    let release = server_rev(&repo, "refs/heads/release");
    let run = push_env(&repo, AGENT, &["origin", "--delete", "release"]);
    assert_server_refused(&run, "branch-net-change");
    assert!(run.stderr.contains("Ask ana to delete"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/release"), release);
    let run = push_env(&repo, ANA, &["origin", "--delete", "release"]);
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/release"), None);
}

#[test]
fn pushing_to_the_servers_own_records_is_refused() {
    let repo = pushed_fixture();
    let run = push(&repo, &["origin", "HEAD:refs/execguard/deleted/exec/login"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("refs/execguard/"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/execguard/deleted/exec/login"), None);
}

/// A feature branch squash-merged and deleted, its name used again from `main` after a human
/// amended the spec there: the update from the remembered tip counts the amendment's override.
#[test]
fn a_branch_name_used_again_after_a_squash_merge_lands() {
    let repo = pushed_fixture();
    pin_server_config(&repo, ANA_OVERRIDES);
    commit_clean_code(&repo, "logout");
    assert_branch_push_lands(&repo, "exec/login", AGENT);
    repo.git(["checkout", "-q", "main"]);
    repo.git(["merge", "-q", "--squash", "exec/login"]);
    repo.commit_unchecked("Add logout");
    (HUMAN_CHANGES[0].make)(&repo);
    assert_branch_push_lands(&repo, "main", ANA);
    push_env(&repo, AGENT, &["origin", "--delete", "exec/login"]).assert_ok();
    repo.git(["branch", "-f", "exec/login", "main"]);
    let run = push_env(&repo, AGENT, &["origin", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        server_rev(&repo, "refs/heads/main")
    );
}
