#![allow(clippy::unwrap_used)]
//! The installed hooks where history is being made: the first commit of an unborn branch,
//! `git commit --amend` (judged against the parent, whichever way git is asked to amend) and
//! merges, clean or conflicted, finished by `git merge` or by `git commit`.

use crate::common;

use common::scenario::{constants, Scenario, PLAN, SPEC};

// ---- unborn branch -------------------------------------------------------------------------

#[test]
fn initial_commit_of_a_readme_is_allowed() {
    Scenario::installed()
        .commits(0)
        .write("README.md", "# Project\n")
        .commit_all("Add a README")
        .accepted()
        .commits(1);
}

#[test]
fn initial_commit_adding_plans_md_is_refused() {
    Scenario::installed()
        .write("README.md", "# Project\n")
        .write("backend/PLANS.md", "# How to write an execplan\n")
        .commit_all("Start the project")
        .refused("protected-path")
        .mentions("backend/PLANS.md")
        // HEAD stays unborn.
        .commits(0)
        .with(|repo| {
            assert!(repo.git_run(["rev-parse", "--verify", "-q", "HEAD"]).code != Some(0))
        });
}

/// The first commit is judged by the embedded default, as the server judges a root commit: a
/// config it adds cannot switch off the rule that judges adding it.
#[test]
fn initial_commit_adding_a_config_looser_than_the_default_is_refused() {
    Scenario::installed()
        .write(
            ".execguard.toml",
            "[rules.guard-config]\nenabled = false\n[rules.protected-path]\nenabled = false\n",
        )
        .write("backend/PLANS.md", "# How to write an execplan\n")
        .commit_all("Start the project")
        .refused("guard-config")
        .refused("protected-path")
        .commits(0);
}

#[test]
fn initial_commit_of_execguard_init_output_is_allowed() {
    Scenario::installed()
        .with(|repo| {
            repo.execguard(["init"]).assert_ok();
        })
        .write("README.md", "# Project\n")
        .commit_all("Start the project")
        .accepted()
        .commits(1);
}

// ---- git commit --amend --------------------------------------------------------------------

/// The standard fixture plus one good commit on exec/login (code with its Progress entry).
fn after_a_good_commit() -> Scenario {
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .commit_all("Add logout")
        .accepted()
}

/// After a good commit, more code staged with no new Progress entry.
fn more_code_staged() -> Scenario {
    after_a_good_commit()
        .append("src/auth.rs", "pub fn refresh() {}\n")
        .git(["add", "src/auth.rs"])
}

#[test]
fn amend_adding_code_without_a_new_progress_entry_is_allowed() {
    more_code_staged()
        .run_git(["commit", "-q", "--amend", "--no-edit"])
        // The commit was rewritten, not added to.
        .accepted()
        .commits(2)
        .committed(&[PLAN, "src/auth.rs"])
        .with(|repo| {
            assert!(repo
                .git(["show", "HEAD:src/auth.rs"])
                .contains("pub fn refresh()"))
        });
}

#[test]
fn amend_with_a_new_message_is_judged_against_the_parent() {
    more_code_staged()
        .run_git(["commit", "-q", "--amend", "-m", "Add logout and refresh"])
        .accepted()
        .commits(2);
}

#[test]
fn amend_through_a_git_alias_is_judged_against_the_parent() {
    more_code_staged()
        .git(["config", "alias.fixup-last", "commit --amend --no-edit"])
        .run_git(["fixup-last", "-q"])
        .accepted()
        .commits(2);
}

#[test]
fn amend_with_an_abbreviated_flag_is_judged_against_the_parent() {
    // git accepts any unambiguous prefix of a long option: `--amen` is `--amend`.
    more_code_staged()
        .run_git(["commit", "-q", "--amen", "--no-edit"])
        .accepted()
        .commits(2);
}

#[test]
fn new_commit_with_code_and_no_progress_is_still_refused_after_a_good_commit() {
    // The counterpart of the amend tests: without --amend the same staged change is judged
    // against HEAD, where Progress did not move.
    more_code_staged()
        .commit("Add refresh")
        .refused("progress-update")
        .commits(2);
}

#[test]
fn amend_adding_a_frozen_spec_edit_is_refused() {
    after_a_good_commit()
        .append(SPEC, "Also support passkeys.\n")
        .run_git(["commit", "-a", "-q", "--amend", "--no-edit"])
        // HEAD is not rewritten.
        .refused("frozen-spec")
        .file_contains(SPEC, "passkeys");
}

/// Regression: an amend is judged against HEAD's parent, where the spec was not frozen yet, so
/// amending the very commit that froze a spec used to let the spec be changed.
#[test]
fn amending_the_commit_that_froze_a_spec_cannot_change_it() {
    Scenario::installed()
        .write("specs/search.md", "# Search\n\nDraft.\n")
        .commit_all("Draft the search spec")
        .accepted()
        .write("specs/search.md", "# Search\n\nEXEC-READY\n\nDraft.\n")
        .commit_all("Freeze the search spec")
        .accepted()
        .append("specs/search.md", "Changed after freezing.\n")
        .run_git(["commit", "-a", "-q", "--amend", "--no-edit"])
        // HEAD is not rewritten.
        .refused("frozen-spec")
        .mentions_times("error[frozen-spec]", 1);
}

/// A repository whose only commit adds a README, with `path` added and staged for an amend.
fn root_commit_amended_with(path: &str, content: &str) -> Scenario {
    Scenario::installed()
        .write("README.md", "# Project\n")
        .commit_all("Add a README")
        .accepted()
        .write(path, content)
        .git(["add", "-A"])
        .run_git(["commit", "-q", "--amend", "--no-edit"])
}

#[test]
fn amend_of_the_root_commit_adding_plans_md_is_refused() {
    root_commit_amended_with("backend/PLANS.md", "# Rules\n").refused("protected-path");
}

#[test]
fn amend_of_the_root_commit_adding_docs_is_allowed() {
    root_commit_amended_with("docs/notes.md", "# Notes\n")
        .accepted()
        .commits(1);
}

// ---- merges --------------------------------------------------------------------------------

/// exec/login and `main` both change src/auth.rs, differently; `git merge main` on exec/login
/// stops with a conflict in src/auth.rs.
fn conflicted_merge() -> Scenario {
    Scenario::exec()
        .git(["checkout", "-q", "main"])
        .write("src/auth.rs", "pub fn login() { hotfix(); }\n")
        .setup_commit("Hotfix login on main")
        .git(["checkout", "-q", "exec/login"])
        .write("src/auth.rs", "pub fn login() { session(); }\n")
        .progress("Login uses the session store.")
        .commit_all("Use the session store")
        .accepted()
        .run_git(["merge", "--no-edit", "main"])
        // The merge conflicts.
        .failed()
        .check(|_, run| {
            assert!(
                run.stdout.contains("CONFLICT") && run.stdout.contains("src/auth.rs"),
                "{run:#?}"
            )
        })
}

/// Finishes the merge with `git commit`.
fn finish_merge(scenario: Scenario) -> Scenario {
    scenario.run_git(["commit", "-q", "--no-edit"])
}

/// Both sides of the conflict, combined into new code.
const COMBINED: &str = "pub fn login() {\n    hotfix();\n    session();\n}\n";

#[test]
fn resolved_conflicted_merge_with_a_progress_entry_is_allowed() {
    finish_merge(
        conflicted_merge()
            .write("src/auth.rs", COMBINED)
            .progress("Merged main: login runs the hotfix, then the session store.")
            .git(["add", "src/auth.rs", PLAN]),
    )
    .accepted()
    .merge_commit();
}

/// Writing new code while resolving a conflict is the merge's own work, judged like any commit.
#[test]
fn conflict_resolution_writing_new_code_without_progress_is_refused() {
    finish_merge(
        conflicted_merge()
            .write("src/auth.rs", COMBINED)
            .git(["add", "src/auth.rs"]),
    )
    .refused("progress-update")
    .merging();
}

/// Taking one side of a conflict, or keeping both, adds nothing of the merge's own.
#[test]
fn conflict_resolution_keeping_both_sides_needs_no_progress() {
    finish_merge(
        conflicted_merge()
            .write(
                "src/auth.rs",
                "pub fn login() { session(); }\npub fn login() { hotfix(); }\n",
            )
            .git(["add", "src/auth.rs"]),
    )
    .accepted()
    .merge_commit();
}

/// A merge is not an exemption ticket: 450 lines written while resolving a conflict count.
#[test]
fn large_conflict_resolution_counts_toward_commit_size() {
    finish_merge(
        conflicted_merge()
            .write("src/auth.rs", constants("C", 450))
            .progress("Merged main.")
            .git(["add", "src/auth.rs", PLAN]),
    )
    .refused("commit-size")
    .merging();
}

#[test]
fn evil_merge_editing_the_frozen_spec_is_refused() {
    finish_merge(
        conflicted_merge()
            .write("src/auth.rs", COMBINED)
            .append(SPEC, "Also support passkeys.\n")
            .git(["add", "src/auth.rs", SPEC]),
    )
    .refused("frozen-spec")
    .mentions(SPEC)
    .merging();
}

#[test]
fn commit_with_unresolved_conflict_is_refused_by_git() {
    finish_merge(conflicted_merge()).failed();
}

/// exec/login has a commit of its own, and branch `helper` (from main) a commit that changes only
/// code, with no Progress: merging it is clean and makes a true merge commit.
fn diverged_from_a_code_only_branch() -> Scenario {
    Scenario::exec()
        .git(["checkout", "-q", "-b", "helper", "main"])
        .write("src/util.rs", "pub fn helper() {}\n")
        .setup_commit("Add a helper")
        .git(["checkout", "-q", "exec/login"])
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .commit_all("Add logout")
        .accepted()
}

#[test]
fn clean_merge_of_a_code_only_branch_is_allowed() {
    // The divergent histories make a true merge commit; git runs the commit-msg hook for it.
    diverged_from_a_code_only_branch()
        .run_git(["merge", "-q", "--no-edit", "helper"])
        .accepted()
        .merge_commit()
        .with(|repo| assert!(!repo.path(".git/MERGE_HEAD").exists()));
}

#[test]
fn clean_merge_with_an_overlong_message_is_refused_by_commit_msg() {
    // `git merge` runs the commit-msg hook for the merge commit it makes.
    diverged_from_a_code_only_branch()
        .run_git(["merge", "-q", "-m", &"M".repeat(73), "helper"])
        .refused("commit-message");
}

#[test]
fn clean_merge_finished_with_git_commit_is_allowed() {
    finish_merge(diverged_from_a_code_only_branch().git([
        "merge",
        "-q",
        "--no-commit",
        "--no-ff",
        "helper",
    ]))
    .accepted()
    .merge_commit();
}
