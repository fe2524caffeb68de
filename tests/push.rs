#![allow(clippy::unwrap_used)]
//! Push-side and server-side enforcement: pre-push, pre-receive and range checks.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::server::*;
use common::*;

// ---- pre-receive over file://: each rule ---------------------------------------------------

#[test]
fn server_refuses_frozen_spec_edit_pushed_over_file_url() {
    assert_server_refuses("frozen-spec", |repo| {
        commit_spec_edit(repo, "Tweak the spec");
    });
}

#[test]
fn server_refuses_frozen_design_edit_pushed_over_file_url() {
    assert_server_refuses("frozen-design", |repo| {
        repo.append("designs/login.md", "New convention.\n");
        repo.commit_unchecked("Change the design");
    });
}

#[test]
fn server_refuses_protected_path_edit_pushed_over_file_url() {
    assert_server_refuses("protected-path", |repo| {
        repo.append("backend/PLANS.md", "Sections are optional.\n");
        repo.commit_unchecked("Relax the rules");
    });
}

#[test]
fn server_refuses_guard_config_change_pushed_over_file_url() {
    let repo = pushed_fixture();
    // Creating a config no looser than the default is allowed and lands.
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 400\n");
    repo.commit_unchecked("Add the guard config");
    push(&repo, &["origin", "exec/login"]).assert_ok();
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    assert_eq!(before, repo.head());
    // Changing it is not.
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n");
    repo.commit_unchecked("Relax the guard");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "guard-config");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));
}

#[test]
fn server_refuses_code_without_progress_pushed_over_file_url() {
    assert_server_refuses("progress-update", |repo| {
        repo.append("src/auth.rs", "pub fn logout() {}\n");
        repo.commit_unchecked("Add logout");
    });
}

#[test]
fn server_refuses_code_for_a_plan_not_ready_pushed_over_file_url() {
    assert_server_refuses("execplan-ready", |repo| {
        let plan = repo
            .read("plans/login-execplan.md")
            .replace("EXECPLAN-READY", "Status: draft");
        repo.write("plans/login-execplan.md", plan);
        repo.append("src/auth.rs", "pub fn logout() {}\n");
        repo.add_progress("Logout.");
        repo.commit_unchecked("Add logout");
    });
}

#[test]
fn server_refuses_plan_missing_a_section_pushed_over_file_url() {
    assert_server_refuses("execplan-sections", |repo| {
        let plan = repo
            .read("plans/login-execplan.md")
            .replace("## Decision Log", "## Decisions");
        repo.write("plans/login-execplan.md", plan);
        repo.commit_unchecked("Rename a section");
    });
}

#[test]
fn server_refuses_oversized_commit_pushed_over_file_url() {
    assert_server_refuses("commit-size", |repo| {
        let big: String = (0..450)
            .map(|i| format!("pub const C{i}: u32 = {i};\n"))
            .collect();
        repo.write("src/consts.rs", big);
        repo.add_progress("Constants.");
        repo.commit_unchecked("Add constants");
    });
}

#[test]
fn server_refuses_100_character_subject_pushed_over_file_url() {
    assert_server_refuses("commit-message", |repo| {
        repo.write("docs/notes.md", "# Notes\n");
        repo.commit_unchecked(&"A".repeat(100));
    });
}

#[test]
fn server_accepts_clean_push_of_code_with_progress_over_file_url() {
    let repo = pushed_fixture();
    let head = commit_clean_code(&repo, "logout");
    let run = push(&repo, &["origin", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
    assert_server_sound(&repo);
}

// ---- pre-receive over git daemon -----------------------------------------------------------

#[test]
fn git_daemon_push_refuses_violation_and_lands_clean_commit() {
    let repo = pushed_fixture();
    let daemon = Daemon::start(&repo);
    repo.git(["remote", "add", "daemon", &daemon.url("server.git")]);
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();

    commit_spec_edit(&repo, "Tweak the spec");
    let run = push(&repo, &["daemon", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(before.clone())
    );

    repo.git(["reset", "-q", "--hard", &before]);
    let head = commit_clean_code(&repo, "logout");
    let run = push(&repo, &["daemon", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
    drop(daemon);
    assert_server_sound(&repo);
}

// ---- what a push adds: new refs, tags, deletions, force pushes -----------------------------

#[test]
fn new_branch_with_violating_commit_is_refused() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "feature/x"]);
    commit_spec_edit(&repo, "Tweak the spec");
    let run = push(&repo, &["origin", "feature/x"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(server_rev(&repo, "refs/heads/feature/x"), None);
}

#[test]
fn lightweight_tag_of_violating_commit_is_refused() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    repo.git(["tag", "v1"]);
    let run = push(&repo, &["origin", "refs/tags/v1"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(server_rev(&repo, "refs/tags/v1"), None);
}

#[test]
fn annotated_tag_of_violating_commit_is_refused() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    repo.git(["tag", "-a", "v2", "-m", "Release 2"]);
    let run = push(&repo, &["origin", "refs/tags/v2"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(server_rev(&repo, "refs/tags/v2"), None);
}

/// The refs of one push are walked together; each is still judged for what it adds itself.
#[test]
fn a_branch_and_a_tag_pushed_together_are_each_judged_for_what_they_add() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "side"]);
    commit_spec_edit(&repo, "Tweak the spec");
    repo.git(["tag", "v3"]);
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout.");
    repo.commit_unchecked("Add logout");
    let run = push(&repo, &["origin", "exec/login", "refs/tags/v3"]);
    assert_server_refused(&run, "frozen-spec");
    assert!(run.stderr.contains("refusing refs/tags/v3"), "{run:#?}");
    assert!(
        run.stderr
            .contains("refusing refs/heads/exec/login too: nothing in it breaks a rule"),
        "the branch is refused only because the push is all-or-nothing: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/tags/v3"), None);
}

#[test]
fn branch_deletion_is_allowed_and_checks_nothing() {
    let repo = pushed_fixture();
    // A branch that reached the server before the hook, whose commit the hook would refuse.
    repo.git(["checkout", "-q", "-b", "legacy"]);
    let legacy = commit_spec_edit(&repo, "Old spec edit");
    server_git(
        &repo,
        [
            "fetch".as_ref(),
            "-q".as_ref(),
            repo.dir.as_os_str(),
            "legacy:refs/heads/legacy".as_ref(),
        ],
    )
    .assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/legacy"), Some(legacy));
    repo.git(["fetch", "-q", "origin"]);
    let run = push(&repo, &["origin", "--delete", "legacy"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/legacy"), None);
}

#[test]
fn force_push_checks_only_the_new_commits() {
    let repo = pushed_fixture();
    let base = repo.head();
    commit_clean_code(&repo, "logout");
    repo.write("docs/a.md", "# A\n");
    repo.commit_unchecked("Document a");
    push(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );

    // A rewritten, clean history replaces the accepted one.
    repo.git(["reset", "-q", "--hard", &base]);
    commit_clean_code(&repo, "signout");
    repo.write("docs/b.md", "# B\n");
    repo.commit_unchecked("Document b");
    let rewritten = repo.head();
    let run = push(&repo, &["--force", "origin", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(rewritten.clone())
    );

    // A forced push that adds a violating commit is refused.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    let bad = commit_spec_edit(&repo, "Tweak the spec");
    let run = push(&repo, &["--force", "origin", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(
        reported_pairs(&run.stderr),
        BTreeSet::from([("frozen-spec".to_string(), bad[..7].to_string())]),
        "only the new commit is judged: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(rewritten));
}

#[test]
fn commits_already_on_the_server_are_not_rechecked() {
    let repo = pushed_fixture();
    // A violating commit that reached the server before the hook existed.
    repo.git(["checkout", "-q", "-b", "legacy"]);
    commit_spec_edit(&repo, "Old spec edit");
    server_git(
        &repo,
        [
            "fetch".as_ref(),
            "-q".as_ref(),
            repo.dir.as_os_str(),
            "legacy:refs/heads/legacy".as_ref(),
        ],
    )
    .assert_ok();
    // exec/login moves onto a history containing it, plus a clean commit: only that is judged.
    let head = commit_clean_code(&repo, "logout");
    let run = push(&repo, &["origin", "HEAD:refs/heads/exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
}

#[test]
fn same_violating_commit_on_two_refs_is_reported_once_naming_both_refs() {
    let repo = pushed_fixture();
    let bad = commit_spec_edit(&repo, "Tweak the spec");
    let run = push(
        &repo,
        &[
            "origin",
            &format!("{bad}:refs/heads/a"),
            &format!("{bad}:refs/heads/b"),
        ],
    );
    assert_server_refused(&run, "frozen-spec");
    assert!(run.stderr.contains("refusing refs/heads/a"), "{run:#?}");
    assert!(run.stderr.contains("refusing refs/heads/b"), "{run:#?}");
    assert_eq!(
        count(&run.stderr, "error["),
        1,
        "the violation is reported once: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/a"), None);
    assert_eq!(server_rev(&repo, "refs/heads/b"), None);
}

#[test]
fn commit_pushed_to_out_of_scope_and_in_scope_refs_is_refused_for_the_in_scope_one() {
    // Narrowing the scope loosens the guard, so the scoped config is part of the human's set-up
    // that the server starts with.
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", "[scope]\nbranches = [\"exec/**\"]\n");
    repo.commit_unchecked("Scope to exec branches");
    setup_server(&repo);
    let bad = commit_spec_edit(&repo, "Tweak the spec");
    // Alone, the in-scope branch refuses it.
    let run = push(&repo, &["origin", &format!("{bad}:refs/heads/exec/other")]);
    assert_server_refused(&run, "frozen-spec");
    // Together with an out-of-scope branch (which git sends first), it must still be refused.
    let run = push(
        &repo,
        &[
            "origin",
            &format!("{bad}:refs/heads/drafts"),
            &format!("{bad}:refs/heads/exec/other"),
        ],
    );
    assert_server_refused(&run, "frozen-spec");
    assert!(
        run.stderr.contains("refusing refs/heads/exec/other"),
        "{run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/other"), None);
}

#[test]
fn commit_pushed_to_two_branches_is_judged_for_each_branch_feature() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    // A second feature, frozen and planned, beside login.
    repo.write("specs/search.md", SPEC_FROZEN.replace("Login", "Search"));
    repo.write(
        "plans/search-execplan.md",
        PLAN_READY
            .replace("Login", "Search")
            .replace("specs/login.md", "specs/search.md"),
    );
    repo.commit_unchecked("Plan the search feature");
    setup_server(&repo);
    // Code with login's Progress: clean on a branch without a feature, not on exec/search.
    let code = commit_clean_code(&repo, "logout");
    let run = push(
        &repo,
        &["origin", &format!("{code}:refs/heads/exec/search")],
    );
    assert_server_refused(&run, "progress-update");
    let run = push(
        &repo,
        &[
            "origin",
            &format!("{code}:refs/heads/a-misc"),
            &format!("{code}:refs/heads/exec/search"),
        ],
    );
    assert_server_refused(&run, "progress-update");
    assert_eq!(server_rev(&repo, "refs/heads/exec/search"), None);
}

// ---- merges --------------------------------------------------------------------------------

#[test]
fn evil_merge_editing_the_frozen_spec_is_refused() {
    let repo = pushed_fixture();
    let before = repo.head();
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.write("docs/side.md", "# Side\n");
    repo.commit_unchecked("Side notes");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.write("docs/main.md", "# Main\n");
    repo.commit_unchecked("Main notes");
    repo.git(["merge", "-q", "--no-ff", "--no-commit", "side"]);
    repo.append("specs/login.md", "Slipped in during the merge.\n");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "Merge side"]);
    let merge = repo.head();
    assert_eq!(
        repo.git(["rev-list", "--parents", "-n1", "HEAD"])
            .split_whitespace()
            .count(),
        3,
        "a merge commit"
    );

    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(
        reported_pairs(&run.stderr),
        BTreeSet::from([("frozen-spec".to_string(), merge[..7].to_string())]),
        "the merge commit, and only it, is flagged: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));
}

#[test]
fn clean_merge_of_clean_branch_lands_and_is_not_reflagged() {
    let repo = pushed_fixture();
    // Two clean commits of 300 lines each: together they would exceed commit-size's 400 lines,
    // so judging the merge against its first parent alone would flag it.
    repo.git(["checkout", "-q", "-b", "side"]);
    for part in 0..2 {
        let code: String = (0..300)
            .map(|i| format!("pub const P{part}_{i}: u32 = {i};\n"))
            .collect();
        repo.write(&format!("src/part{part}.rs"), code);
        repo.add_progress(&format!("Part {part}."));
        repo.commit_unchecked(&format!("Add part {part}"));
    }
    repo.git(["checkout", "-q", "exec/login"]);
    repo.write("docs/main.md", "# Main\n");
    repo.commit_unchecked("Main notes");
    repo.git([
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "-m",
        "Merge side",
        "side",
    ]);
    let merge = repo.head();

    let run = push(&repo, &["origin", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(merge));
}

// ---- server config and overrides -----------------------------------------------------------

#[test]
fn pinned_server_config_wins_over_pushed_config() {
    let repo = pushed_fixture();
    let pinned = repo.root.join("server-config.toml");
    std::fs::write(&pinned, "[rules.frozen-spec]\nenabled = true\n").unwrap();
    server_git(
        &repo,
        [
            "config".as_ref(),
            "execguard.config".as_ref(),
            pinned.as_os_str(),
        ],
    )
    .assert_ok();
    let before = repo.head();
    repo.write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n");
    repo.commit_unchecked("Disable frozen-spec");
    commit_spec_edit(&repo, "Tweak the spec");

    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(before.clone()),
        "the server ref did not move"
    );

    // Without the pin, the pushed config judges the later commit, so frozen-spec finds nothing:
    // the pin is what refused the spec edit. (guard-config still refuses the looser config.)
    server_git(&repo, ["config", "--unset", "execguard.config"]).assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "guard-config");
    run.assert_not_flagged("frozen-spec");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));
}

/// A server pinned to a config that lets `ana` override, and a commit that edits the frozen spec
/// with an override trailer.
fn override_fixture() -> TestRepo {
    let repo = pushed_fixture();
    let pinned = repo.root.join("server-config.toml");
    std::fs::write(&pinned, "[server]\noverride-users = [\"ana\"]\n").unwrap();
    server_git(
        &repo,
        [
            "config".as_ref(),
            "execguard.config".as_ref(),
            pinned.as_os_str(),
        ],
    )
    .assert_ok();
    commit_spec_edit(
        &repo,
        "Amend the spec\n\nExecguard-Override: frozen-spec: approved in SPEC-1",
    );
    repo
}

#[test]
fn override_trailer_pushed_by_an_override_user_lands() {
    let repo = override_fixture();
    let run = push_env(
        &repo,
        &[("GITEA_PUSHER_NAME", "ana")],
        &["origin", "exec/login"],
    );
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

#[test]
fn override_trailer_pushed_by_someone_else_is_refused_naming_who_may_override() {
    let repo = override_fixture();
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    let run = push_env(
        &repo,
        &[("REMOTE_USER", "mallory")],
        &["origin", "exec/login"],
    );
    assert_server_refused(&run, "frozen-spec");
    assert!(run.stderr.contains("mallory"), "{run:#?}");
    assert!(
        run.stderr.contains("only ana may override"),
        "names who may override: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));
}

#[test]
fn gitlab_push_prefixes_refusal_with_gl_hook_err() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    let run = push_env(&repo, &[("GL_ID", "user-42")], &["origin", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert!(run.stderr.contains("GL-HOOK-ERR: "), "{run:#?}");
    assert!(
        run.stderr.contains("GL-HOOK-ERR: error[frozen-spec]"),
        "{run:#?}"
    );
}

// ---- pre-push (client) ---------------------------------------------------------------------

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

// ---- execguard check --range / --commit ----------------------------------------------------

/// A history on `exec/login` above `main`, made with the hooks bypassed: clean, frozen-spec,
/// clean, protected-path, commit-message. Returns the five commit ids.
fn checked_history(repo: &TestRepo) -> [String; 5] {
    let c1 = commit_clean_code(repo, "logout");
    let c2 = commit_spec_edit(repo, "Tweak the spec");
    repo.write("docs/notes.md", "# Notes\n");
    repo.commit_unchecked("Add notes");
    let c3 = repo.head();
    repo.append("backend/PLANS.md", "Sections are optional.\n");
    repo.commit_unchecked("Relax the rules");
    let c4 = repo.head();
    repo.write("docs/more.md", "# More\n");
    repo.commit_unchecked(&"B".repeat(100));
    let c5 = repo.head();
    [c1, c2, c3, c4, c5]
}

fn json_pairs(stdout: &str) -> BTreeSet<(String, String)> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap();
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap().to_string(),
                v["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_range_json_reports_what_the_server_refuses() {
    let repo = pushed_fixture();
    let [c1, c2, c3, c4, c5] = checked_history(&repo);
    let expected: BTreeSet<(String, String)> = [
        ("frozen-spec", &c2),
        ("protected-path", &c4),
        ("commit-message", &c5),
    ]
    .into_iter()
    .map(|(rule, c)| (rule.to_string(), c.clone()))
    .collect();

    let check = repo.execguard([
        "check",
        "--range",
        "main..exec/login",
        "--branch",
        "exec/login",
        "--format",
        "json",
    ]);
    assert_eq!(check.code, Some(1), "{check:#?}");
    let from_check = json_pairs(&check.stdout);
    assert_eq!(from_check, expected, "{check:#?}");
    for clean in [&c1, &c3] {
        assert!(
            !check.stdout.contains(clean.as_str()),
            "clean commit {clean} is not listed: {check:#?}"
        );
    }

    let push_run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&push_run, "frozen-spec");
    let from_server = reported_pairs(&push_run.stderr);
    let from_check_short: BTreeSet<(String, String)> = from_check
        .iter()
        .map(|(rule, commit)| (rule.clone(), commit[..7].to_string()))
        .collect();
    assert_eq!(
        from_server, from_check_short,
        "the server and check agree: {push_run:#?}"
    );
}

#[test]
fn check_range_github_format_prints_error_annotations() {
    let repo = pushed_fixture();
    checked_history(&repo);
    let run = repo.execguard([
        "check",
        "--range",
        "main..exec/login",
        "--branch",
        "exec/login",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=specs/login.md,")),
        "{run:#?}"
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=backend/PLANS.md,")),
        "{run:#?}"
    );
    assert_eq!(count(&run.stdout, "::error "), 3, "{run:#?}");
}

#[test]
fn check_range_sarif_format_is_sarif_2_1_0() {
    let repo = pushed_fixture();
    checked_history(&repo);
    let run = repo.execguard([
        "check",
        "--range",
        "main..exec/login",
        "--branch",
        "exec/login",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "execguard");
    let rules: BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        BTreeSet::from(["frozen-spec", "protected-path", "commit-message"])
    );
}

#[test]
fn check_commit_checks_one_commit() {
    let repo = pushed_fixture();
    let [c1, c2, ..] = checked_history(&repo);
    let run = repo.execguard([
        "check",
        "--commit",
        &c2,
        "--branch",
        "exec/login",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        json_pairs(&run.stdout),
        BTreeSet::from([("frozen-spec".to_string(), c2.clone())])
    );
    let run = repo.execguard([
        "check",
        "--commit",
        &c1,
        "--branch",
        "exec/login",
        "--format",
        "json",
    ]);
    run.assert_ok();
    assert!(json_pairs(&run.stdout).is_empty(), "{run:#?}");
    let run = repo.execguard(["check", "--commit", &c1, "--branch", "exec/login"]);
    run.assert_ok();
    assert!(run.stderr.contains("1 commit checked"), "{run:#?}");
}

// ---- concurrency ---------------------------------------------------------------------------

#[test]
fn twenty_concurrent_pushes_each_get_the_right_verdict_and_leave_the_server_sound() {
    let repo = pushed_fixture();
    let url = server_url(&repo);
    let clones: Vec<(usize, PathBuf, String)> = (0..20)
        .map(|i| {
            let dir = repo.root.join(format!("clone-{i}"));
            repo.git_in(&repo.root, ["clone", "-q", &url, dir.to_str().unwrap()]);
            repo.git_in(
                &dir,
                [
                    "checkout",
                    "-q",
                    "-b",
                    &format!("w{i}"),
                    "origin/exec/login",
                ],
            );
            if i % 2 == 0 {
                std::fs::create_dir_all(dir.join("docs")).unwrap();
                std::fs::write(dir.join(format!("docs/w{i}.md")), format!("# W{i}\n")).unwrap();
            } else {
                let spec = dir.join("specs/login.md");
                let mut text = std::fs::read_to_string(&spec).unwrap();
                text.push_str(&format!("Edit {i}.\n"));
                std::fs::write(spec, text).unwrap();
            }
            repo.git_in(&dir, ["add", "-A"]);
            repo.git_in(
                &dir,
                ["commit", "-q", "--no-verify", "-m", &format!("Change {i}")],
            );
            let head = repo.git_in(&dir, ["rev-parse", "HEAD"]).trim().to_string();
            (i, dir, head)
        })
        .collect();

    let runs: Vec<(usize, String, Run)> = std::thread::scope(|scope| {
        let handles: Vec<_> = clones
            .iter()
            .map(|(i, dir, head)| {
                let repo = &repo;
                scope.spawn(move || {
                    let branch = format!("w{i}");
                    let run =
                        git_env_in(repo, dir, &[], &["push", "--no-verify", "origin", &branch]);
                    (*i, head.clone(), run)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    for (i, head, run) in &runs {
        let name = format!("refs/heads/w{i}");
        if i % 2 == 0 {
            run.assert_ok();
            assert_eq!(server_rev(&repo, &name), Some(head.clone()), "{run:#?}");
        } else {
            assert_server_refused(run, "frozen-spec");
            assert_eq!(
                count(&run.stderr, "execguard: refusing "),
                1,
                "each push is judged on its own: {run:#?}"
            );
            assert!(
                run.stderr.contains(&format!("refusing {name}: ")),
                "{run:#?}"
            );
            assert_eq!(server_rev(&repo, &name), None, "{run:#?}");
        }
    }
    assert_server_sound(&repo);
}
