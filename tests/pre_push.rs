#![allow(clippy::unwrap_used)]
//! The client's pre-push hook: it refuses a violating push before the server sees it and judges
//! only what the remote lacks.

use crate::common;

use common::server::*;
use common::*;

#[test]
fn pre_push_refuses_new_branch_with_violating_commit_before_the_server_sees_it() {
    let repo = client_fixture();
    repo.git(["checkout", "-q", "-b", "feature/x"]);
    assert!(
        !repo
            .git_run([
                "rev-parse",
                "--verify",
                "-q",
                "refs/remotes/origin/feature/x"
            ])
            .ok(),
        "no remote-tracking ref for the new branch"
    );
    commit_spec_edit(&repo, "Tweak the spec");
    let run = push_with_hooks(&repo, &["origin", "feature/x"]);
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr.contains("failed to push") && !run.stderr.contains("remote:"),
        "refused locally, before the server: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/feature/x"), None);
}

#[test]
fn pre_push_survives_a_remote_sha_unknown_locally() {
    let repo = client_fixture();
    // Someone else pushes from a second clone.
    repo.git_in(&repo.root, ["clone", "-q", &server_url(&repo), "second"]);
    let second = repo.root.join("second");
    repo.git_in(&second, ["checkout", "-q", "exec/login"]);
    std::fs::write(second.join("docs.md"), "# Notes from someone else\n").unwrap();
    repo.git_in(&second, ["add", "-A"]);
    repo.git_in(&second, ["commit", "-q", "-m", "Someone else's notes"]);
    let theirs = repo
        .git_in(&second, ["rev-parse", "HEAD"])
        .trim()
        .to_string();
    git_env_in(&repo, &second, &[], &["push", "-q", "origin", "exec/login"]).assert_ok();
    assert_eq!(
        repo.git_run(["cat-file", "-e", &theirs]).code,
        Some(1),
        "the first clone does not know their commit"
    );

    // The first clone force-pushes without fetching.
    let head = commit_clean_code(&repo, "logout");
    let run = push_with_hooks(&repo, &["--force", "origin", "exec/login"]);
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
    assert!(!run.stderr.contains("execguard: error"), "{run:#?}");
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
}

#[test]
fn pre_push_to_the_remote_url_judges_only_what_the_server_lacks() {
    let repo = client_fixture();
    repo.git(["checkout", "-q", "-b", "feature/y"]);
    repo.write("docs/y.md", "# Y\n");
    repo.commit_all("Document y").assert_ok();
    // The set-up commit (a human's, on the server already) adds backend/PLANS.md: judged again,
    // it would be refused. Only the new docs commit should be judged.
    let run = push_with_hooks(&repo, &[&server_url(&repo), "feature/y"]);
    run.assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/feature/y"), Some(repo.head()));
}

#[test]
fn pre_push_allows_an_up_to_date_push() {
    let repo = client_fixture();
    let run = push_with_hooks(&repo, &["origin", "exec/login"]);
    run.assert_ok();
    assert!(run.stderr.contains("Everything up-to-date"), "{run:#?}");
}

#[test]
fn pre_push_allows_a_branch_deletion() {
    let repo = client_fixture();
    push_with_hooks(&repo, &["origin", "exec/login:refs/heads/x"]).assert_ok();
    assert!(server_rev(&repo, "refs/heads/x").is_some());
    let run = push_with_hooks(&repo, &["origin", "--delete", "x"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/x"), None);
}

#[test]
fn pre_push_gives_a_foreign_hook_the_same_stdin() {
    let repo = pushed_fixture();
    let foreign = repo.hooks_dir().join("pre-push");
    std::fs::write(&foreign, "#!/bin/sh\ncat > .git/foreign-stdin\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = repo.execguard(["install"]);
    run.assert_ok();
    assert!(run.stderr.contains("execguard-chained"), "{run:#?}");

    let old = repo.head();
    let head = commit_clean_code(&repo, "logout");
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
    let seen = repo.read(".git/foreign-stdin");
    assert_eq!(
        seen,
        format!("refs/heads/exec/login {head} refs/heads/exec/login {old}\n")
    );

    // execguard gets the same lines after the foreign hook: it refuses a violating push.
    let bad = commit_spec_edit(&repo, "Tweak the spec");
    let run = push_with_hooks(&repo, &["origin", "exec/login"]);
    run.assert_refused("frozen-spec");
    assert!(!run.stderr.contains("remote:"), "{run:#?}");
    assert_eq!(
        repo.read(".git/foreign-stdin"),
        format!("refs/heads/exec/login {bad} refs/heads/exec/login {head}\n")
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
}

/// `[rules.progress-update] within = "push"`: code committed one commit before its plan
/// checkpoint. The commit hooks warn; pushed alone, the code commit is refused by pre-push and by
/// the server; pushed with the later commit that adds the entry, it lands.
#[test]
fn within_push_the_entry_may_come_in_a_later_commit_of_the_push() {
    let repo = common::TestRepo::new();
    repo.exec_fixture();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nwithin = \"push\"\n",
    );
    repo.commit_unchecked("Let the Progress entry come later in the push");
    setup_server(&repo);
    repo.execguard(["install"]).assert_ok();

    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let commit = repo.commit_all("Add logout");
    commit.assert_ok();
    assert!(
        commit.stderr.contains("warning[progress-update]"),
        "{commit:#?}"
    );
    let code = repo.head();
    let alone = format!("{code}:refs/heads/exec/login");
    push_with_hooks(&repo, &["origin", &alone]).assert_refused("progress-update");
    assert_server_refused(&push(&repo, &["origin", &alone]), "progress-update");

    repo.add_progress("Logout added.");
    repo.commit_all("Plan: logout done").assert_ok();
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

/// Regression: pre-push told the author of a commit already made to "stage it with the code, and
/// commit again", which cannot change that commit. It names the commit and the rewrite, and the
/// commands it prints land the push.
#[test]
fn pre_push_names_the_rewrite_of_a_commit_already_made_and_its_commands_work() {
    let repo = client_fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    let made = repo
        .git(["rev-parse", "--short=7", "HEAD"])
        .trim()
        .to_string();
    let run = push_with_hooks(&repo, &["origin", "exec/login"]);
    run.assert_refused("progress-update");
    let fixup = format!("git commit --fixup={made}");
    let rebase = format!("git rebase -i --autosquash {made}~1");
    for text in [
        format!("saying what commit {made} did"),
        format!("commit {made} is already made"),
        format!("`{fixup}`"),
        format!("`{rebase}`"),
    ] {
        assert!(run.stderr.contains(&text), "lacks {text}: {run:#?}");
    }
    assert!(!run.stderr.contains("commit again"), "{run:#?}");
    // As printed: stage the entry, the fixup, the rebase (its todo list accepted as it is).
    repo.add_progress("Added logout.");
    repo.git(["add", "plans/login-execplan.md"]);
    let shell = |command: &str| {
        Run::from_command(
            repo.command("sh")
                .args(["-c", command])
                .env("GIT_SEQUENCE_EDITOR", "true"),
        )
    };
    shell(&fixup).assert_ok();
    shell(&rebase).assert_ok();
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

/// The client judges a branch update whole too (branch-net-change): a stale branch merged with
/// `-s ours` and pushed as `main` would drop the human's spec amendment on `main`.
#[test]
fn pre_push_refuses_a_stale_merge_that_drops_what_main_kept() {
    let repo = pushed_fixture();
    pin_server_config(&repo, ANA_OVERRIDES);
    let change = &HUMAN_CHANGES[0];
    repo.git(["checkout", "-q", "main"]);
    (change.make)(&repo);
    git_env_in(
        &repo,
        &repo.dir,
        &[("GL_USERNAME", "ana")],
        &["push", "-q", "origin", "main"],
    )
    .assert_ok();
    repo.execguard(["install"]).assert_ok();
    repo.git(["checkout", "-q", "exec/login"]);
    commit_clean_code(&repo, "logout");
    // The merge bypasses the commit hooks, which would refuse it.
    repo.git([
        "merge",
        "-q",
        "--no-verify",
        "-s",
        "ours",
        "-m",
        "Merge main",
        "main",
    ]);
    let main = server_rev(&repo, "refs/heads/main");
    let run = push_with_hooks(&repo, &["origin", "exec/login:main"]);
    run.assert_refused("branch-net-change");
    assert!(run.stderr.contains(change.names), "{run:#?}");
    assert!(!run.stderr.contains("remote:"), "refused locally: {run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/main"), main);
}

/// Regression: a `git revert` of code was refused with no way out named. The hint says a revert
/// records its own Progress entry, and the commands it names land it.
#[test]
fn a_revert_without_its_progress_entry_names_the_revert_that_records_one() {
    let repo = client_fixture();
    let reverted = commit_clean_code(&repo, "logout");
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
    let short = reverted[..7].to_string();
    repo.git(["revert", "--no-edit", &reverted]);
    let run = push_with_hooks(&repo, &["origin", "exec/login"]);
    run.assert_refused("progress-update");
    let revert = format!("git revert --no-commit {short}");
    for text in [
        "A revert changes code, so it records its own Progress entry".to_string(),
        format!("saying that {short} was reverted and why"),
        format!("`{revert}`"),
        "`git add plans/login-execplan.md`".to_string(),
    ] {
        assert!(run.stderr.contains(&text), "lacks {text}: {run:#?}");
    }
    // The revert again, as the hint says.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    let shell = |command: &str| {
        Run::from_command(
            repo.command("sh")
                .args(["-c", command])
                .env("GIT_EDITOR", "true"),
        )
    };
    shell(&revert).assert_ok();
    repo.add_progress("Reverted logout: not wanted after all.");
    shell("git add plans/login-execplan.md").assert_ok();
    shell("git commit").assert_ok();
    push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

/// A revert in another form (`revert: ...`, `Back out ...`) its trees prove was refused with a
/// hint that named no commit: only `git revert`'s message names one. The hint now names the
/// commit its trees undo, as for a `git revert`; a subject that claims a revert its trees do not
/// bear out says why it is judged as any change.
#[test]
fn a_revert_in_another_form_names_the_commit_it_undoes() {
    for subject in ["revert: take logout back", "Back out logout"] {
        let repo = client_fixture();
        let reverted = commit_clean_code(&repo, "logout");
        push_with_hooks(&repo, &["origin", "exec/login"]).assert_ok();
        let short = reverted[..7].to_string();
        repo.git(["revert", "--no-commit", &reverted]);
        repo.commit_unchecked(subject);
        let run = push_with_hooks(&repo, &["origin", "exec/login"]);
        run.assert_refused("progress-update");
        for text in [
            format!("saying that {short} was reverted and why"),
            format!("`git revert --no-commit {short}`"),
        ] {
            assert!(
                run.stderr.contains(&text),
                "{subject}: lacks {text}: {run:#?}"
            );
        }
        assert!(!run.stderr.contains("not a verified one"), "{run:#?}");
    }
    // The same subject over code that undoes no earlier commit.
    let repo = client_fixture();
    commit_clean_code(&repo, "logout");
    repo.append("src/auth.rs", "pub fn expire() {}\n");
    repo.commit_unchecked("revert: take logout back");
    let run = push_with_hooks(&repo, &["origin", "exec/login"]);
    run.assert_refused("progress-update");
    assert!(
        run.stderr
            .contains("Its message claims a revert, but commit ")
            && run.stderr.contains(
                "is not a verified one: it undoes none of the 200 first-parent commits below it"
            ),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("was reverted and why"), "{run:#?}");
}
