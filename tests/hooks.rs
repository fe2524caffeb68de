#![allow(clippy::unwrap_used)]
mod common;

// The installed hooks as real git runs them: every way `git commit` can assemble a commit (`-a`,
// named paths with a temporary index, partial staging, `--amend`, merges, an unborn branch) and
// the unusual entries and repositories an agent may produce. Each test asserts what the user
// sees: whether a commit was made, that files were left alone, and the rule named.

use common::*;

fn fixture() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo
}

/// Runs git with `input` on its stdin.
fn git_with_stdin(repo: &TestRepo, args: &[&str], input: &str) -> Run {
    Run::with_stdin(repo.command("git").args(args), input.as_bytes())
}

/// The paths staged against HEAD, one a line, sorted by git.
fn staged_paths(repo: &TestRepo) -> Vec<String> {
    repo.git(["diff", "--cached", "--name-only"])
        .lines()
        .map(str::to_string)
        .collect()
}

/// The paths whose working-tree content differs from the index.
fn unstaged_paths(repo: &TestRepo) -> Vec<String> {
    repo.git(["diff", "--name-only"])
        .lines()
        .map(str::to_string)
        .collect()
}

/// The paths the commit `rev` changed against its first parent.
fn paths_in_commit(repo: &TestRepo, rev: &str) -> Vec<String> {
    repo.git([
        "diff-tree",
        "--no-commit-id",
        "--name-only",
        "-r",
        "-m",
        "--first-parent",
        rev,
    ])
    .lines()
    .map(str::to_string)
    .collect()
}

#[track_caller]
fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
        "a hook panicked: {run:#?}"
    );
}

// ---- git commit -a -------------------------------------------------------------------------

#[test]
fn commit_all_flag_with_a_frozen_spec_edit_is_refused() {
    let repo = fixture();
    let before = repo.head();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    let run = repo.git_run(["commit", "-a", "-q", "-m", "Add logout"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(repo.head(), before, "no commit was made");
    assert!(repo.read("specs/login.md").contains("passkeys"));
    assert!(
        staged_paths(&repo).is_empty(),
        "a refused `commit -a` leaves the index as it was: {:?}",
        staged_paths(&repo)
    );
}

#[test]
fn commit_all_flag_with_code_and_progress_is_allowed() {
    let repo = fixture();
    let before = repo.head();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.git_run(["commit", "-a", "-q", "-m", "Add logout"])
        .assert_ok();
    assert_ne!(repo.head(), before);
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(
        paths_in_commit(&repo, "HEAD"),
        ["plans/login-execplan.md", "src/auth.rs"]
    );
}

// ---- git commit <paths> (temporary index) --------------------------------------------------

#[test]
fn commit_of_named_frozen_spec_path_is_refused() {
    let repo = fixture();
    let before = repo.head();
    repo.append("specs/login.md", "Also support passkeys.\n");
    let run = repo.git_run([
        "commit",
        "-q",
        "-m",
        "Tweak the spec",
        "--",
        "specs/login.md",
    ]);
    run.assert_refused("frozen-spec");
    assert_eq!(repo.head(), before);
    assert!(repo.read("specs/login.md").contains("passkeys"));
}

#[test]
fn commit_of_named_paths_ignores_an_unstaged_frozen_spec_edit() {
    let repo = fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    let run = repo.git_run([
        "commit",
        "-q",
        "-m",
        "Add logout",
        "--",
        "src/auth.rs",
        "plans/login-execplan.md",
    ]);
    run.assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(
        paths_in_commit(&repo, "HEAD"),
        ["plans/login-execplan.md", "src/auth.rs"]
    );
    assert_eq!(
        unstaged_paths(&repo),
        ["specs/login.md"],
        "the spec edit stays in the working tree, uncommitted"
    );
}

#[test]
fn commit_of_named_paths_judges_them_not_the_index() {
    // The spec edit is staged, but `git commit -- <paths>` commits only the named paths, so the
    // hook must judge the temporary index git builds for them.
    let repo = fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    let run = repo.git_run([
        "commit",
        "-q",
        "-m",
        "Add logout",
        "--",
        "src/auth.rs",
        "plans/login-execplan.md",
    ]);
    run.assert_ok();
    assert_eq!(
        paths_in_commit(&repo, "HEAD"),
        ["plans/login-execplan.md", "src/auth.rs"]
    );
    assert_eq!(staged_paths(&repo), ["specs/login.md"]);
}

#[test]
fn commit_of_named_paths_from_a_subdirectory_is_allowed() {
    let repo = fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    let run = Run::from_command(repo.command("git").current_dir(repo.path("src")).args([
        "commit",
        "-q",
        "-m",
        "Add logout",
        "--",
        "auth.rs",
        "../plans/login-execplan.md",
    ]));
    run.assert_ok();
    assert_eq!(
        paths_in_commit(&repo, "HEAD"),
        ["plans/login-execplan.md", "src/auth.rs"]
    );
    assert_eq!(unstaged_paths(&repo), ["specs/login.md"]);
}

#[test]
fn commit_of_named_frozen_spec_path_from_a_subdirectory_is_refused() {
    let repo = fixture();
    let before = repo.head();
    repo.append("specs/login.md", "Also support passkeys.\n");
    let run = Run::from_command(repo.command("git").current_dir(repo.path("src")).args([
        "commit",
        "-q",
        "-m",
        "Tweak",
        "--",
        "../specs/login.md",
    ]));
    run.assert_refused("frozen-spec");
    assert_eq!(repo.head(), before);
}

// ---- partial staging -----------------------------------------------------------------------

#[test]
fn unstaged_frozen_spec_edit_does_not_block_a_staged_subset() {
    let repo = fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.git(["add", "src/auth.rs", "plans/login-execplan.md"]);
    repo.commit("Add logout").assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(
        paths_in_commit(&repo, "HEAD"),
        ["plans/login-execplan.md", "src/auth.rs"]
    );
    assert_eq!(unstaged_paths(&repo), ["specs/login.md"]);
    assert!(repo.read("specs/login.md").contains("passkeys"));
}

#[test]
fn add_patch_with_piped_answers_stages_a_subset_that_is_allowed() {
    let repo = fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    // Files come in path order, one hunk each: the plan (yes), the spec (no), the code (yes).
    let run = git_with_stdin(&repo, &["add", "-p"], "y\nn\ny\n");
    run.assert_ok();
    assert_eq!(
        staged_paths(&repo),
        ["plans/login-execplan.md", "src/auth.rs"],
        "{run:#?}"
    );
    repo.commit("Add logout").assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(unstaged_paths(&repo), ["specs/login.md"]);
}

#[test]
fn add_patch_staging_one_hunk_of_the_frozen_spec_is_refused() {
    let repo = fixture();
    let before = repo.head();
    // Two edits to the spec, at the top and at the bottom: one hunk that `s` splits in two.
    let spec = repo.read("specs/login.md");
    repo.write(
        "specs/login.md",
        format!("<!-- reviewed -->\n{spec}Passkeys too.\n"),
    );
    // Split, decline the first hunk, accept the second.
    let run = git_with_stdin(&repo, &["add", "-p", "--", "specs/login.md"], "s\nn\ny\n");
    run.assert_ok();
    assert_eq!(staged_paths(&repo), ["specs/login.md"], "{run:#?}");
    assert_eq!(
        repo.git(["show", ":specs/login.md"]),
        format!("{SPEC_FROZEN}Passkeys too.\n"),
        "only the second hunk is staged"
    );
    repo.commit("Sneak in passkeys")
        .assert_refused("frozen-spec");
    assert_eq!(repo.head(), before);
    assert!(repo.read("specs/login.md").starts_with("<!-- reviewed -->"));
}

#[test]
fn staged_frozen_spec_edit_is_refused_after_the_working_file_is_reverted() {
    let repo = fixture();
    let before = repo.head();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    repo.write("specs/login.md", SPEC_FROZEN);
    assert_eq!(staged_paths(&repo), ["specs/login.md"]);
    let run = repo.commit("Looks clean in the working tree");
    run.assert_refused("frozen-spec");
    assert_eq!(repo.head(), before);
    assert_eq!(repo.read("specs/login.md"), SPEC_FROZEN);
}

// ---- unborn branch -------------------------------------------------------------------------

#[test]
fn initial_commit_of_a_readme_is_allowed() {
    let repo = TestRepo::installed();
    assert_eq!(repo.commit_count(), 0);
    repo.write("README.md", "# Project\n");
    repo.commit_all("Add a README").assert_ok();
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn initial_commit_adding_plans_md_is_refused() {
    let repo = TestRepo::installed();
    repo.write("README.md", "# Project\n");
    repo.write("backend/PLANS.md", "# How to write an execplan\n");
    let run = repo.commit_all("Start the project");
    run.assert_refused("protected-path");
    assert!(run.stderr.contains("backend/PLANS.md"), "{run:#?}");
    assert_eq!(repo.commit_count(), 0, "HEAD stays unborn");
    assert!(repo.git_run(["rev-parse", "--verify", "-q", "HEAD"]).code != Some(0));
}

/// The first commit is judged by the embedded default, as the server judges a root commit: a
/// config it adds cannot switch off the rule that judges adding it.
#[test]
fn initial_commit_adding_a_config_looser_than_the_default_is_refused() {
    let repo = TestRepo::installed();
    repo.write(
        ".execguard.toml",
        "[rules.guard-config]\nenabled = false\n[rules.protected-path]\nenabled = false\n",
    );
    repo.write("backend/PLANS.md", "# How to write an execplan\n");
    let run = repo.commit_all("Start the project");
    run.assert_refused("guard-config");
    run.assert_refused("protected-path");
    assert_eq!(repo.commit_count(), 0, "HEAD stays unborn");
}

#[test]
fn initial_commit_of_execguard_init_output_is_allowed() {
    let repo = TestRepo::installed();
    repo.execguard(["init"]).assert_ok();
    repo.write("README.md", "# Project\n");
    repo.commit_all("Start the project").assert_ok();
    assert_eq!(repo.commit_count(), 1);
}

// ---- git commit --amend --------------------------------------------------------------------

fn fixture_with_a_good_commit() -> TestRepo {
    let repo = fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.commit_all("Add logout").assert_ok();
    repo
}

#[test]
fn amend_adding_code_without_a_new_progress_entry_is_allowed() {
    let repo = fixture_with_a_good_commit();
    let before = repo.head();
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.git(["add", "src/auth.rs"]);
    let run = repo.git_run(["commit", "-q", "--amend", "--no-edit"]);
    run.assert_ok();
    assert_ne!(repo.head(), before, "the commit was rewritten");
    assert_eq!(repo.commit_count(), 2, "amended, not added");
    assert_eq!(
        paths_in_commit(&repo, "HEAD"),
        ["plans/login-execplan.md", "src/auth.rs"]
    );
    assert!(repo
        .git(["show", "HEAD:src/auth.rs"])
        .contains("pub fn refresh()"));
}

#[test]
fn amend_with_a_new_message_is_judged_against_the_parent() {
    let repo = fixture_with_a_good_commit();
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.git(["add", "src/auth.rs"]);
    repo.git_run(["commit", "-q", "--amend", "-m", "Add logout and refresh"])
        .assert_ok();
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn amend_adding_a_frozen_spec_edit_is_refused() {
    let repo = fixture_with_a_good_commit();
    let before = repo.head();
    repo.append("specs/login.md", "Also support passkeys.\n");
    let run = repo.git_run(["commit", "-a", "-q", "--amend", "--no-edit"]);
    run.assert_refused("frozen-spec");
    assert_eq!(repo.head(), before, "HEAD is not rewritten");
    assert!(repo.read("specs/login.md").contains("passkeys"));
}

/// Regression: an amend is judged against HEAD's parent, where the spec was not frozen yet, so
/// amending the very commit that froze a spec used to let the spec be changed.
#[test]
fn amending_the_commit_that_froze_a_spec_cannot_change_it() {
    let repo = TestRepo::installed();
    repo.write("specs/search.md", "# Search\n\nDraft.\n");
    repo.commit_all("Draft the search spec").assert_ok();
    repo.write("specs/search.md", "# Search\n\nEXEC-READY\n\nDraft.\n");
    repo.commit_all("Freeze the search spec").assert_ok();
    let before = repo.head();
    repo.append("specs/search.md", "Changed after freezing.\n");
    let run = repo.git_run(["commit", "-a", "-q", "--amend", "--no-edit"]);
    run.assert_refused("frozen-spec");
    assert_eq!(
        run.stderr.matches("error[frozen-spec]").count(),
        1,
        "{run:#?}"
    );
    assert_eq!(repo.head(), before, "HEAD is not rewritten");
}

#[test]
fn amend_through_a_git_alias_is_judged_against_the_parent() {
    let repo = fixture_with_a_good_commit();
    repo.git(["config", "alias.fixup-last", "commit --amend --no-edit"]);
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.git(["add", "src/auth.rs"]);
    repo.git_run(["fixup-last", "-q"]).assert_ok();
    assert_eq!(repo.commit_count(), 2, "amended, not added");
}

#[test]
fn amend_with_an_abbreviated_flag_is_judged_against_the_parent() {
    // git accepts any unambiguous prefix of a long option: `--amen` is `--amend`.
    let repo = fixture_with_a_good_commit();
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.git(["add", "src/auth.rs"]);
    repo.git_run(["commit", "-q", "--amen", "--no-edit"])
        .assert_ok();
    assert_eq!(repo.commit_count(), 2, "amended, not added");
}

#[test]
fn amend_of_the_root_commit_adding_plans_md_is_refused() {
    let repo = TestRepo::installed();
    repo.write("README.md", "# Project\n");
    repo.commit_all("Add a README").assert_ok();
    let before = repo.head();
    repo.write("backend/PLANS.md", "# Rules\n");
    repo.git(["add", "-A"]);
    let run = repo.git_run(["commit", "-q", "--amend", "--no-edit"]);
    run.assert_refused("protected-path");
    assert_eq!(repo.head(), before);
}

#[test]
fn amend_of_the_root_commit_adding_docs_is_allowed() {
    let repo = TestRepo::installed();
    repo.write("README.md", "# Project\n");
    repo.commit_all("Add a README").assert_ok();
    repo.write("docs/notes.md", "# Notes\n");
    repo.git(["add", "-A"]);
    repo.git_run(["commit", "-q", "--amend", "--no-edit"])
        .assert_ok();
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn new_commit_with_code_and_no_progress_is_still_refused_after_a_good_commit() {
    // The counterpart of the amend test: without --amend the same staged change is judged
    // against HEAD, where Progress did not move.
    let repo = fixture_with_a_good_commit();
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.git(["add", "src/auth.rs"]);
    repo.commit("Add refresh").assert_refused("progress-update");
    assert_eq!(repo.commit_count(), 2);
}

// ---- merges --------------------------------------------------------------------------------

/// exec/login and `main` both change src/auth.rs, differently; `git merge main` on exec/login
/// stops with a conflict in src/auth.rs.
fn conflicted_merge() -> TestRepo {
    let repo = fixture();
    repo.git(["checkout", "-q", "main"]);
    repo.write("src/auth.rs", "pub fn login() { hotfix(); }\n");
    repo.commit_unchecked("Hotfix login on main");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.write("src/auth.rs", "pub fn login() { session(); }\n");
    repo.add_progress("Login uses the session store.");
    repo.commit_all("Use the session store").assert_ok();
    let run = repo.git_run(["merge", "--no-edit", "main"]);
    assert!(!run.ok(), "the merge conflicts: {run:#?}");
    assert!(
        run.stdout.contains("CONFLICT") && run.stdout.contains("src/auth.rs"),
        "{run:#?}"
    );
    repo
}

#[test]
fn resolved_conflicted_merge_with_a_progress_entry_is_allowed() {
    let repo = conflicted_merge();
    let before = repo.head();
    repo.write(
        "src/auth.rs",
        "pub fn login() {\n    hotfix();\n    session();\n}\n",
    );
    repo.add_progress("Merged main: login runs the hotfix, then the session store.");
    repo.git(["add", "src/auth.rs", "plans/login-execplan.md"]);
    let run = repo.git_run(["commit", "-q", "--no-edit"]);
    run.assert_ok();
    assert_ne!(repo.head(), before);
    assert_eq!(repo.parent_count("HEAD"), 2, "a merge commit was made");
}

/// Writing new code while resolving a conflict is the merge's own work, judged like any commit.
#[test]
fn conflict_resolution_writing_new_code_without_progress_is_refused() {
    let repo = conflicted_merge();
    repo.write(
        "src/auth.rs",
        "pub fn login() {\n    hotfix();\n    session();\n}\n",
    );
    repo.git(["add", "src/auth.rs"]);
    let run = repo.git_run(["commit", "-q", "--no-edit"]);
    run.assert_refused("progress-update");
    assert!(repo.path(".git/MERGE_HEAD").exists());
}

/// Taking one side of a conflict, or keeping both, adds nothing of the merge's own.
#[test]
fn conflict_resolution_keeping_both_sides_needs_no_progress() {
    let repo = conflicted_merge();
    repo.write(
        "src/auth.rs",
        "pub fn login() { session(); }\npub fn login() { hotfix(); }\n",
    );
    repo.git(["add", "src/auth.rs"]);
    repo.git_run(["commit", "-q", "--no-edit"]).assert_ok();
    assert_eq!(repo.parent_count("HEAD"), 2);
}

/// A merge is not an exemption ticket: 450 lines written while resolving a conflict count.
#[test]
fn large_conflict_resolution_counts_toward_commit_size() {
    let repo = conflicted_merge();
    let resolution: String = (0..450)
        .map(|i| format!("pub const C{i}: u32 = {i};\n"))
        .collect();
    repo.write("src/auth.rs", resolution);
    repo.add_progress("Merged main.");
    repo.git(["add", "src/auth.rs", "plans/login-execplan.md"]);
    let run = repo.git_run(["commit", "-q", "--no-edit"]);
    run.assert_refused("commit-size");
    assert!(repo.path(".git/MERGE_HEAD").exists());
}

#[test]
fn evil_merge_editing_the_frozen_spec_is_refused() {
    let repo = conflicted_merge();
    let before = repo.head();
    repo.write(
        "src/auth.rs",
        "pub fn login() {\n    hotfix();\n    session();\n}\n",
    );
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "src/auth.rs", "specs/login.md"]);
    let run = repo.git_run(["commit", "-q", "--no-edit"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(repo.head(), before);
    assert!(
        repo.path(".git/MERGE_HEAD").exists(),
        "the merge is still in progress"
    );
}

#[test]
fn commit_with_unresolved_conflict_is_refused_by_git() {
    let repo = conflicted_merge();
    let before = repo.head();
    let run = repo.git_run(["commit", "-q", "--no-edit"]);
    assert!(!run.ok(), "{run:#?}");
    assert_no_panic(&run);
    assert_eq!(repo.head(), before);
}

/// exec/login has a commit of its own, and branch `helper` (from main) a commit that changes only
/// code, with no Progress: merging it is clean and makes a true merge commit.
fn diverged_from_a_code_only_branch() -> TestRepo {
    let repo = fixture();
    repo.git(["checkout", "-q", "-b", "helper", "main"]);
    repo.write("src/util.rs", "pub fn helper() {}\n");
    repo.commit_unchecked("Add a helper");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.commit_all("Add logout").assert_ok();
    repo
}

#[test]
fn clean_merge_of_a_code_only_branch_is_allowed() {
    let repo = diverged_from_a_code_only_branch();
    let before = repo.head();
    // The divergent histories make a true merge commit; git runs the commit-msg hook for it.
    let run = repo.git_run(["merge", "-q", "--no-edit", "helper"]);
    run.assert_ok();
    assert_ne!(repo.head(), before);
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert!(!repo.path(".git/MERGE_HEAD").exists());
}

#[test]
fn clean_merge_with_an_overlong_message_is_refused_by_commit_msg() {
    // `git merge` runs the commit-msg hook for the merge commit it makes.
    let repo = diverged_from_a_code_only_branch();
    let before = repo.head();
    let subject = "M".repeat(73);
    let run = repo.git_run(["merge", "-q", "-m", &subject, "helper"]);
    run.assert_refused("commit-message");
    assert_eq!(repo.head(), before);
}

#[test]
fn clean_merge_finished_with_git_commit_is_allowed() {
    let repo = diverged_from_a_code_only_branch();
    repo.git(["merge", "-q", "--no-commit", "--no-ff", "helper"]);
    repo.git_run(["commit", "-q", "--no-edit"]).assert_ok();
    assert_eq!(repo.parent_count("HEAD"), 2);
}

// ---- intent-to-add -------------------------------------------------------------------------

#[test]
fn intent_to_add_file_is_not_judged() {
    let repo = fixture();
    // Code without Progress, and more lines than the limit: judged, it would be refused twice.
    let big: String = (0..450)
        .map(|i| format!("pub const C{i}: u32 = {i};\n"))
        .collect();
    repo.write("src/new.rs", big);
    repo.git(["add", "-N", "src/new.rs"]);
    repo.write("docs/notes.md", "# Notes\n");
    repo.git(["add", "docs/notes.md"]);
    repo.commit("Add notes").assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(paths_in_commit(&repo, "HEAD"), ["docs/notes.md"]);
    assert!(
        repo.git_run(["cat-file", "-e", "HEAD:src/new.rs"]).code != Some(0),
        "the intent-to-add file was not committed"
    );
}

// ---- deletes, modes, symlinks --------------------------------------------------------------

#[test]
fn deleting_code_with_progress_is_allowed() {
    let repo = fixture();
    repo.git(["rm", "-q", "src/auth.rs"]);
    repo.add_progress("Old login removed.");
    repo.git(["add", "plans/login-execplan.md"]);
    repo.commit("Remove the old login").assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert!(!repo.path("src/auth.rs").exists());
}

#[test]
fn deleting_code_without_progress_is_refused() {
    let repo = fixture();
    let before = repo.head();
    repo.git(["rm", "-q", "src/auth.rs"]);
    repo.commit("Remove the old login")
        .assert_refused("progress-update");
    assert_eq!(repo.head(), before);
}

#[test]
fn making_the_frozen_spec_executable_in_the_index_is_refused() {
    let repo = fixture();
    let before = repo.head();
    repo.git(["update-index", "--chmod=+x", "specs/login.md"]);
    let run = repo.commit("Make the spec executable");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("mode"), "{run:#?}");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

#[cfg(unix)]
#[test]
fn chmod_of_the_frozen_spec_then_add_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let repo = fixture();
    let before = repo.head();
    let path = repo.path("specs/login.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = repo.commit_all("Make the spec executable");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("mode"), "{run:#?}");
    assert_eq!(repo.head(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o755,
        "the working file is untouched"
    );
}

#[cfg(unix)]
#[test]
fn symlink_replacing_the_frozen_spec_is_refused() {
    let repo = fixture();
    let before = repo.head();
    repo.write("docs/login.md", "# Login\n\nAnything goes.\n");
    std::fs::remove_file(repo.path("specs/login.md")).unwrap();
    std::os::unix::fs::symlink("../docs/login.md", repo.path("specs/login.md")).unwrap();
    let run = repo.commit_all("Point the spec elsewhere");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert!(run.stderr.contains("symbolic link"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

// ---- binary files --------------------------------------------------------------------------

#[test]
fn binary_file_does_not_count_toward_lines() {
    let repo = fixture();
    // 200 KiB with a NUL byte and a newline every 9 bytes: as text it would be ~22,000 lines.
    // Binary content counts toward commit-size's binary budget (256 KiB) instead.
    let blob: Vec<u8> = (0..200 * 1024)
        .map(|i| match i % 9 {
            0 => 0u8,
            8 => b'\n',
            _ => b'a',
        })
        .collect();
    repo.write("assets/logo.bin", &blob);
    repo.add_progress("Logo added.");
    let run = repo.commit_all("Add the logo");
    run.assert_ok();
    run.assert_not_flagged("commit-size");
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(
        repo.git(["cat-file", "-s", "HEAD:assets/logo.bin"]).trim(),
        (200 * 1024).to_string()
    );
}

// ---- unusual paths -------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn non_utf8_code_path_with_progress_is_allowed() {
    use std::os::unix::ffi::OsStrExt;
    let repo = fixture();
    let name = std::ffi::OsStr::from_bytes(b"src/caf\xe9.rs");
    std::fs::write(repo.dir.join(name), "pub fn cafe() {}\n").unwrap();
    repo.add_progress("Caf\u{e9} module.");
    let run = repo.commit_all("Add the cafe module");
    run.assert_ok();
    assert_eq!(repo.commit_count(), 2);
    let tree = repo.git(["ls-tree", "-r", "-z", "--name-only", "HEAD"]);
    assert!(
        tree.contains("src/caf\u{fffd}.rs"),
        "the non-UTF-8 path was committed: {tree:?}"
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_code_path_without_progress_is_refused_and_named() {
    use std::os::unix::ffi::OsStrExt;
    let repo = fixture();
    let name = std::ffi::OsStr::from_bytes(b"src/caf\xe9.rs");
    std::fs::write(repo.dir.join(name), "pub fn cafe() {}\n").unwrap();
    let run = repo.commit_all("Add the cafe module");
    run.assert_refused("progress-update");
    assert!(
        run.stderr.contains(r#""src/caf\351.rs""#),
        "the path is quoted the way git quotes it: {run:#?}"
    );
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn path_with_spaces_and_progress_is_allowed() {
    let repo = fixture();
    repo.write("src/two words.rs", "pub fn f() {}\n");
    repo.write("docs/a b/c d.md", "# Notes\n");
    repo.add_progress("Spaced module.");
    repo.commit_all("Add a spaced module").assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert!(paths_in_commit(&repo, "HEAD").contains(&"src/two words.rs".to_string()));
}

#[test]
fn frozen_spec_with_spaces_in_its_path_is_refused_and_named() {
    let repo = TestRepo::installed();
    repo.write("specs/two words.md", SPEC_FROZEN);
    repo.commit_unchecked("Freeze a spec");
    let before = repo.head();
    repo.append("specs/two words.md", "Edit.\n");
    let run = repo.commit_all("Edit the spec");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/two words.md"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

// ---- core.autocrlf -------------------------------------------------------------------------

fn autocrlf_repo() -> TestRepo {
    let repo = TestRepo::installed();
    repo.git(["config", "core.autocrlf", "true"]);
    repo.write(
        "specs/login.md",
        "# Login\r\n\r\nEXEC-READY\r\n\r\nUsers log in with a password.\r\n",
    );
    repo.write("docs/notes.md", "# Notes\r\n");
    repo.commit_unchecked("Freeze the spec");
    assert_eq!(
        repo.git(["show", "HEAD:specs/login.md"]),
        SPEC_FROZEN,
        "git stored the spec with LF"
    );
    repo
}

#[test]
fn autocrlf_frozen_spec_edit_is_refused() {
    let repo = autocrlf_repo();
    let before = repo.head();
    repo.append("specs/login.md", "Also passkeys.\r\n");
    let run = repo.commit_all("Edit the spec");
    run.assert_refused("frozen-spec");
    assert_eq!(repo.head(), before);
}

#[test]
fn autocrlf_rewriting_the_frozen_spec_unchanged_is_allowed() {
    let repo = autocrlf_repo();
    // Same CRLF content rewritten (a new mtime), plus an unrelated edit.
    repo.write(
        "specs/login.md",
        "# Login\r\n\r\nEXEC-READY\r\n\r\nUsers log in with a password.\r\n",
    );
    repo.append("docs/notes.md", "More.\r\n");
    repo.commit_all("More notes").assert_ok();
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(paths_in_commit(&repo, "HEAD"), ["docs/notes.md"]);
}

// ---- submodules ----------------------------------------------------------------------------

#[test]
fn gitlink_entry_with_progress_is_allowed() {
    let repo = fixture();
    let sha = repo.head();
    repo.git([
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{sha},vendor/lib"),
    ]);
    repo.add_progress("Vendored lib.");
    repo.git(["add", "plans/login-execplan.md"]);
    let run = repo.commit("Vendor the lib");
    assert_no_panic(&run);
    run.assert_ok();
    assert_eq!(repo.commit_count(), 2);
    let entry = repo.git(["ls-tree", "HEAD", "vendor/lib"]);
    assert!(entry.starts_with("160000 commit"), "{entry:?}");
}

// ---- broken and unsupported repositories ---------------------------------------------------

/// The loose object file of `id`.
fn loose_object(repo: &TestRepo, id: &str) -> std::path::PathBuf {
    repo.path(&format!(".git/objects/{}/{}", &id[..2], &id[2..]))
}

#[test]
fn missing_staged_blob_refuses_with_a_clear_error() {
    let repo = fixture();
    let before = repo.head();
    repo.write("docs/notes.md", "# Notes that vanish\n");
    repo.git(["add", "docs/notes.md"]);
    let id = repo.git(["rev-parse", ":docs/notes.md"]).trim().to_string();
    std::fs::remove_file(loose_object(&repo, &id)).unwrap();
    let run = repo.commit("Add notes");
    assert!(!run.ok(), "{run:#?}");
    assert_no_panic(&run);
    // git runs pre-commit before it writes the tree, so the hook meets the broken object.
    assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
    assert!(
        run.stderr.contains(&id),
        "the message names the object: {run:#?}"
    );
    assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

#[test]
fn corrupt_staged_blob_refuses_with_a_clear_error() {
    let repo = fixture();
    let before = repo.head();
    repo.write("docs/notes.md", "# Notes that rot\n");
    repo.git(["add", "docs/notes.md"]);
    let id = repo.git(["rev-parse", ":docs/notes.md"]).trim().to_string();
    let path = loose_object(&repo, &id);
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, b"this is not a zlib stream").unwrap();
    let run = repo.commit("Add notes");
    assert!(!run.ok(), "{run:#?}");
    assert_no_panic(&run);
    // git runs pre-commit before it writes the tree, so the hook meets the broken object.
    assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
    assert!(
        run.stderr.contains(&id),
        "the message names the object: {run:#?}"
    );
    assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    assert_eq!(repo.head(), before);
}

#[test]
fn corrupt_index_is_refused_without_a_panic() {
    let repo = fixture();
    let before = repo.head();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.git(["add", "-A"]);
    std::fs::write(repo.path(".git/index"), b"DIRC garbage garbage garbage").unwrap();
    let run = repo.commit("Add logout");
    assert!(!run.ok(), "git refuses a corrupt index: {run:#?}");
    assert_no_panic(&run);
    // git checks its index before it runs the hooks; should a hook run, it reports an error.
    if run.stderr.contains("execguard") {
        assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
        assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    }
    assert_eq!(repo.head(), before);
}

#[test]
fn pre_commit_hook_given_a_corrupt_index_exits_2_with_a_clear_error() {
    // git checks its own index before running hooks, so the hook is run here the way git runs
    // it, with GIT_INDEX_FILE naming a corrupt index.
    let repo = fixture();
    let bad = repo.root.join("corrupt-index");
    std::fs::write(&bad, b"DIRC\0\0\0\x02 not an index at all").unwrap();
    let run = Run::from_command(
        repo.command(repo.hooks_dir().join("pre-commit"))
            .env("GIT_INDEX_FILE", &bad),
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
    assert!(run.stderr.contains("index"), "{run:#?}");
    assert_no_panic(&run);
}

#[test]
fn sha256_repository_refuses_clearly() {
    let repo = TestRepo::installed();
    // Keep the installed hooks, then turn the repository into a SHA-256 one.
    let saved = repo.root.join("saved-hooks");
    std::fs::create_dir_all(&saved).unwrap();
    for hook in ["pre-commit", "commit-msg"] {
        std::fs::copy(repo.hooks_dir().join(hook), saved.join(hook)).unwrap();
    }
    std::fs::remove_dir_all(repo.path(".git")).unwrap();
    repo.git(["init", "-q", "--object-format=sha256"]);
    assert_eq!(
        repo.git(["rev-parse", "--show-object-format"]).trim(),
        "sha256"
    );

    let install = repo.execguard(["install"]);
    assert_no_panic(&install);
    if !install.ok() {
        assert_eq!(install.code, Some(2), "{install:#?}");
        assert!(install.stderr.contains("execguard: error:"), "{install:#?}");
        for hook in ["pre-commit", "commit-msg"] {
            std::fs::copy(saved.join(hook), repo.hooks_dir().join(hook)).unwrap();
        }
    }

    repo.write("README.md", "# Project\n");
    let run = repo.commit_all("Add a README");
    assert!(
        !run.ok(),
        "a repository execguard cannot read is not passed: {run:#?}"
    );
    assert_no_panic(&run);
    assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
    assert!(run.stderr.contains("SHA-256"), "{run:#?}");
    assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    assert_eq!(repo.commit_count(), 0);
}

#[test]
fn sha256_install_error_names_the_object_format() {
    let repo = TestRepo::new();
    std::fs::remove_dir_all(repo.path(".git")).unwrap();
    repo.git(["init", "-q", "--object-format=sha256"]);
    let install = repo.execguard(["install"]);
    assert_no_panic(&install);
    assert!(!install.ok(), "{install:#?}");
    assert!(install.stderr.contains("execguard: error:"), "{install:#?}");
    let text = install.stderr.to_lowercase();
    assert!(
        text.contains("sha256") || text.contains("sha-256"),
        "{install:#?}"
    );
}

/// A commit the hook either judged or, unable to read the repository, refused clearly (exit 2).
#[track_caller]
fn assert_judged_or_clearly_unreadable(run: &Run) -> bool {
    assert_no_panic(run);
    if run.ok() {
        return true;
    }
    assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
    assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    false
}

#[test]
fn index_version_4_is_read() {
    let repo = fixture();
    repo.git(["update-index", "--index-version", "4"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.commit_all("Add logout").assert_ok();
    repo.append("specs/login.md", "Also passkeys.\n");
    repo.commit_all("Edit the spec")
        .assert_refused("frozen-spec");
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn split_index_never_lets_a_frozen_spec_edit_through() {
    let repo = fixture();
    repo.git(["update-index", "--split-index"]);
    let before = repo.head();
    repo.append("specs/login.md", "Also passkeys.\n");
    let run = repo.git_run(["commit", "-a", "-q", "-m", "Edit the spec"]);
    assert_no_panic(&run);
    if run.stderr.contains("execguard: error:") {
        assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    } else {
        run.assert_refused("frozen-spec");
    }
    assert_eq!(repo.head(), before);
}

#[test]
fn split_index_code_commit_is_judged_or_refused_clearly() {
    let repo = fixture();
    repo.git(["update-index", "--split-index"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    let run = repo.commit_all("Add logout");
    let judged = assert_judged_or_clearly_unreadable(&run);
    assert_eq!(repo.commit_count(), if judged { 2 } else { 1 });
}

#[test]
fn sparse_index_code_commit_is_judged_or_refused_clearly() {
    let repo = fixture();
    repo.git([
        "sparse-checkout",
        "set",
        "--cone",
        "--sparse-index",
        "src",
        "plans",
    ]);
    assert!(
        repo.git(["ls-files", "--sparse"]).contains("specs/\n"),
        "the index holds a sparse directory entry"
    );
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    let run = repo.commit_all("Add logout");
    let judged = assert_judged_or_clearly_unreadable(&run);
    assert_eq!(repo.commit_count(), if judged { 2 } else { 1 });
}

#[test]
fn reftable_repository_refuses_clearly() {
    let repo = TestRepo::installed();
    let saved = repo.root.join("saved-hooks");
    std::fs::create_dir_all(&saved).unwrap();
    for hook in ["pre-commit", "commit-msg"] {
        std::fs::copy(repo.hooks_dir().join(hook), saved.join(hook)).unwrap();
    }
    std::fs::remove_dir_all(repo.path(".git")).unwrap();
    repo.git(["init", "-q", "--ref-format=reftable"]);
    for hook in ["pre-commit", "commit-msg"] {
        std::fs::copy(saved.join(hook), repo.hooks_dir().join(hook)).unwrap();
    }
    repo.write("README.md", "# Project\n");
    let run = repo.commit_all("Add a README");
    assert!(
        !run.ok(),
        "a repository execguard cannot read is not passed: {run:#?}"
    );
    assert_no_panic(&run);
    assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
    assert!(run.stderr.contains("reftable"), "{run:#?}");
    assert_eq!(repo.commit_count(), 0);
}

// ---- linked worktrees ----------------------------------------------------------------------

#[test]
fn linked_worktree_commits_are_judged_by_the_shared_hooks() {
    let repo = fixture();
    let other = repo.root.join("other");
    repo.git([
        "worktree",
        "add",
        "-q",
        "-b",
        "exec/login-2",
        other.to_str().unwrap(),
    ]);
    let in_other =
        |args: &[&str]| Run::from_command(repo.command("git").current_dir(&other).args(args));
    std::fs::write(
        other.join("specs/login.md"),
        format!("{SPEC_FROZEN}Edit.\n"),
    )
    .unwrap();
    let run = in_other(&["commit", "-a", "-q", "-m", "Edit the spec"]);
    run.assert_refused("frozen-spec");
    in_other(&["checkout", "-q", "--", "specs/login.md"]).assert_ok();
    let plan = std::fs::read_to_string(other.join("plans/login-execplan.md")).unwrap();
    std::fs::write(
        other.join("plans/login-execplan.md"),
        plan.replace(
            "## Surprises & Discoveries",
            "- [x] (2026-01-02 10:00Z) Logout.\n\n## Surprises & Discoveries",
        ),
    )
    .unwrap();
    std::fs::write(
        other.join("src/auth.rs"),
        "pub fn login() {}\npub fn logout() {}\n",
    )
    .unwrap();
    in_other(&["commit", "-a", "-q", "-m", "Add logout"]).assert_ok();
    assert_eq!(
        repo.git(["rev-list", "--count", "exec/login-2"]).trim(),
        "2"
    );
}

// ---- which hook refuses --------------------------------------------------------------------

#[test]
fn refusal_is_reported_once_by_the_pre_commit_hook() {
    // pre-commit refuses before git asks for the message, so commit-msg never repeats it.
    let repo = fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    let run = repo.commit_all("Tweak the spec");
    run.assert_refused("frozen-spec");
    assert_eq!(
        run.stderr.matches("error[frozen-spec]").count(),
        1,
        "{run:#?}"
    );
}

#[test]
fn commit_msg_hook_refuses_what_only_the_message_reveals() {
    // The staged change passes pre-commit (the branch names `login`, whose Progress moved), but
    // the message's trailer names another feature: only commit-msg can see that.
    let repo = fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.git(["add", "-A"]);
    let run = repo.commit("Add logout\n\nExecplan: search");
    run.assert_refused("progress-update");
    assert!(run.stderr.contains("plans/search-execplan.md"), "{run:#?}");
    assert_eq!(repo.commit_count(), 1);
}

// ---- the staged tree as the index holds it ---------------------------------------------------

/// The staged change is read from the index and unchanged directories are skipped through the
/// index's cache-tree; an index without a cache-tree must be compared entry by entry.
#[test]
fn index_without_a_cache_tree_is_still_judged() {
    let repo = fixture();
    let listing = repo.git(["ls-files", "-s"]);
    std::fs::remove_file(repo.path(".git/index")).unwrap();
    let run = git_with_stdin(&repo, &["update-index", "--index-info"], &listing);
    assert!(run.ok(), "{run:#?}");
    repo.append("specs/login.md", "edit\n");
    repo.git(["add", "specs/login.md"]);
    repo.commit("Edit the spec").assert_refused("frozen-spec");
    repo.git(["reset", "-q", "--hard"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout.");
    repo.commit_all("Add logout").assert_ok();
}

#[test]
fn deleting_the_folder_of_a_frozen_spec_is_refused() {
    let repo = fixture();
    repo.git(["rm", "-r", "-q", "specs"]);
    let run = repo.commit("Drop the specs");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("deletes specs/login.md"), "{run:#?}");
}

#[test]
fn replacing_a_frozen_spec_with_a_folder_is_refused() {
    let repo = fixture();
    repo.git(["rm", "-q", "specs/login.md"]);
    repo.write("specs/login.md/notes.md", "# Notes\n");
    repo.git(["add", "specs/login.md/notes.md"]);
    let run = repo.commit("Turn the spec into a folder");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("deletes specs/login.md"), "{run:#?}");
}

#[test]
fn a_renamed_and_edited_code_file_counts_only_its_changed_lines() {
    let repo = fixture();
    let body: String = (0..300)
        .map(|i| format!("pub const A{i}: u32 = {i};\n"))
        .collect();
    repo.write("src/consts.rs", &body);
    repo.add_progress("Constants.");
    repo.commit_all("Add constants").assert_ok();
    repo.git(["mv", "src/consts.rs", "src/values.rs"]);
    repo.write("src/values.rs", body.replace("A0:", "B0:"));
    repo.add_progress("Renamed.");
    repo.commit_all("Rename the constants").assert_ok();
}
