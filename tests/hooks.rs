#![allow(clippy::unwrap_used)]
//! The installed hooks as real git runs them, for every way `git commit` can assemble a commit
//! (`-a`, named paths with a temporary index, partial staging, intent-to-add, an index without a
//! cache-tree), and which of the two hooks refuses. Each case asserts what the user sees: whether
//! a commit was made, that files were left alone, and the rule named. History (unborn branch,
//! amend, merges), unusual entries and unusual repositories have files of their own
//! (`hook_history.rs`, `hook_entries.rs`, `hook_repositories.rs`).

#[path = "progress/commit_shapes.rs"]
mod commit_shapes;
#[path = "progress/milestone_steps.rs"]
mod milestone_steps;
#[path = "progress/mode_only.rs"]
mod mode_only;
#[path = "progress/plan_text_synced.rs"]
mod plan_text_synced;
#[path = "progress/plan_text_synced_outside.rs"]
mod plan_text_synced_outside;
#[path = "progress/plan_text_synced_sweeps.rs"]
mod plan_text_synced_sweeps;
#[path = "progress/planned_work.rs"]
mod planned_work;
#[path = "progress/planned_work_finished.rs"]
mod planned_work_finished;
#[path = "progress/planned_work_plans.rs"]
mod planned_work_plans;
#[path = "progress/planned_work_reverts.rs"]
mod planned_work_reverts;
#[path = "progress/planned_work_small.rs"]
mod planned_work_small;
use crate::common;

use common::scenario::{constants, staged_paths, Scenario, PLAN, SPEC};
use common::*;

/// The standard fixture with an edit to the frozen spec, and code with its Progress entry, in
/// the working tree.
fn spec_and_code_edited() -> Scenario {
    Scenario::exec()
        .append(SPEC, "Also support passkeys.\n")
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
}

// ---- git commit -a -------------------------------------------------------------------------

#[test]
fn commit_all_flag_with_a_frozen_spec_edit_is_refused() {
    spec_and_code_edited()
        .run_git(["commit", "-a", "-q", "-m", "Add logout"])
        .refused("frozen-spec")
        .mentions(SPEC)
        .file_contains(SPEC, "passkeys")
        // A refused `commit -a` leaves the index as it was.
        .staged(&[]);
}

#[test]
fn commit_all_flag_with_code_and_progress_is_allowed() {
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .run_git(["commit", "-a", "-q", "-m", "Add logout"])
        .accepted()
        .commits(2)
        .committed(&[PLAN, "src/auth.rs"]);
}

// ---- git commit <paths> (temporary index) --------------------------------------------------

#[test]
fn commit_of_named_frozen_spec_path_is_refused() {
    Scenario::exec()
        .append(SPEC, "Also support passkeys.\n")
        .run_git(["commit", "-q", "-m", "Tweak the spec", "--", SPEC])
        .refused("frozen-spec")
        .file_contains(SPEC, "passkeys");
}

#[test]
fn commit_of_named_paths_ignores_an_unstaged_frozen_spec_edit() {
    spec_and_code_edited()
        .run_git([
            "commit",
            "-q",
            "-m",
            "Add logout",
            "--",
            "src/auth.rs",
            PLAN,
        ])
        .accepted()
        .commits(2)
        .committed(&[PLAN, "src/auth.rs"])
        // The spec edit stays in the working tree, uncommitted.
        .unstaged(&[SPEC]);
}

#[test]
fn commit_of_named_paths_judges_them_not_the_index() {
    // The spec edit is staged, but `git commit -- <paths>` commits only the named paths, so the
    // hook must judge the temporary index git builds for them.
    spec_and_code_edited()
        .git(["add", SPEC])
        .run_git([
            "commit",
            "-q",
            "-m",
            "Add logout",
            "--",
            "src/auth.rs",
            PLAN,
        ])
        .accepted()
        .committed(&[PLAN, "src/auth.rs"])
        .staged(&[SPEC]);
}

#[test]
fn commit_of_named_paths_from_a_subdirectory_is_allowed() {
    spec_and_code_edited()
        .run_git_in(
            "src",
            [
                "commit",
                "-q",
                "-m",
                "Add logout",
                "--",
                "auth.rs",
                "../plans/login-execplan.md",
            ],
        )
        .accepted()
        .committed(&[PLAN, "src/auth.rs"])
        .unstaged(&[SPEC]);
}

#[test]
fn commit_of_named_frozen_spec_path_from_a_subdirectory_is_refused() {
    Scenario::exec()
        .append(SPEC, "Also support passkeys.\n")
        .run_git_in(
            "src",
            ["commit", "-q", "-m", "Tweak", "--", "../specs/login.md"],
        )
        .refused("frozen-spec");
}

// ---- partial staging -----------------------------------------------------------------------

#[test]
fn unstaged_frozen_spec_edit_does_not_block_a_staged_subset() {
    spec_and_code_edited()
        .git(["add", "src/auth.rs", PLAN])
        .commit("Add logout")
        .accepted()
        .commits(2)
        .committed(&[PLAN, "src/auth.rs"])
        .unstaged(&[SPEC])
        .file_contains(SPEC, "passkeys");
}

#[test]
fn add_patch_with_piped_answers_stages_a_subset_that_is_allowed() {
    spec_and_code_edited()
        // Files come in path order, one hunk each: the plan (yes), the spec (no), the code (yes).
        .git_with_input(&["add", "-p"], "y\nn\ny\n")
        .staged(&[PLAN, "src/auth.rs"])
        .commit("Add logout")
        .accepted()
        .commits(2)
        .unstaged(&[SPEC]);
}

#[test]
fn add_patch_staging_one_hunk_of_the_frozen_spec_is_refused() {
    Scenario::exec()
        // Two edits to the spec, at the top and at the bottom: one hunk that `s` splits in two.
        .write(
            SPEC,
            format!("<!-- reviewed -->\n{SPEC_FROZEN}Passkeys too.\n"),
        )
        // Split, decline the first hunk, accept the second.
        .git_with_input(&["add", "-p", "--", SPEC], "s\nn\ny\n")
        .staged(&[SPEC])
        .with(|repo| {
            assert_eq!(
                repo.git(["show", ":specs/login.md"]),
                format!("{SPEC_FROZEN}Passkeys too.\n"),
                "only the second hunk is staged"
            )
        })
        .commit("Sneak in passkeys")
        .refused("frozen-spec")
        .with(|repo| assert!(repo.read(SPEC).starts_with("<!-- reviewed -->")));
}

#[test]
fn staged_frozen_spec_edit_is_refused_after_the_working_file_is_reverted() {
    Scenario::exec()
        .append(SPEC, "Also support passkeys.\n")
        .git(["add", SPEC])
        .write(SPEC, SPEC_FROZEN)
        .staged(&[SPEC])
        .commit("Looks clean in the working tree")
        .refused("frozen-spec")
        .file_is(SPEC, SPEC_FROZEN);
}

// ---- intent-to-add -------------------------------------------------------------------------

#[test]
fn intent_to_add_file_is_not_judged() {
    Scenario::exec()
        // Code without Progress, and more lines than the limit: judged, it would be refused twice.
        .write("src/new.rs", constants("C", 450))
        .git(["add", "-N", "src/new.rs"])
        .write("docs/notes.md", "# Notes\n")
        .git(["add", "docs/notes.md"])
        .commit("Add notes")
        .accepted()
        .commits(2)
        .committed(&["docs/notes.md"])
        .with(|repo| {
            assert!(
                repo.git_run(["cat-file", "-e", "HEAD:src/new.rs"]).code != Some(0),
                "the intent-to-add file was not committed"
            )
        });
}

// ---- which hook refuses --------------------------------------------------------------------

#[test]
fn refusal_is_reported_once_by_the_pre_commit_hook() {
    // pre-commit refuses before git asks for the message, so commit-msg never repeats it.
    Scenario::exec()
        .append(SPEC, "Also support passkeys.\n")
        .commit_all("Tweak the spec")
        .refused("frozen-spec")
        .mentions_times("error[frozen-spec]", 1);
}

#[test]
fn commit_msg_hook_refuses_what_only_the_message_reveals() {
    // The staged change passes pre-commit (the branch names `login`, whose Progress moved), but
    // the message's trailer names another feature: only commit-msg can see that.
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .git(["add", "-A"])
        .commit("Add logout\n\nExecplan: search")
        .refused("progress-update")
        .mentions("plans/search-execplan.md")
        .commits(1);
}

// ---- the staged tree as the index holds it ---------------------------------------------------

/// The staged change is read from the index and unchanged directories are skipped through the
/// index's cache-tree; an index without a cache-tree must be compared entry by entry.
#[test]
fn index_without_a_cache_tree_is_still_judged() {
    Scenario::exec()
        .with(|repo| {
            let listing = repo.git(["ls-files", "-s"]);
            std::fs::remove_file(repo.path(".git/index")).unwrap();
            let run = Run::with_stdin(
                repo.command("git").args(["update-index", "--index-info"]),
                listing.as_bytes(),
            );
            assert!(run.ok(), "{run:#?}");
            assert!(
                staged_paths(repo).is_empty(),
                "the index was rebuilt as it was"
            );
        })
        .append(SPEC, "edit\n")
        .git(["add", SPEC])
        .commit("Edit the spec")
        .refused("frozen-spec")
        .git(["reset", "-q", "--hard"])
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout.")
        .commit_all("Add logout")
        .accepted();
}
