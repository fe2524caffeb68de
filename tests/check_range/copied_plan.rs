//! A plan copied from one plan folder to another (`active/` to `completed/`), its old copy
//! deleted by a later commit.

use super::common::TestRepo;

const LAYOUT: &str = "[layout]\nexecplans = \"docs/exec-plans/**/{feature}.md\"\n";
const ACTIVE: &str = "docs/exec-plans/active/legacy.md";
const COMPLETED: &str = "docs/exec-plans/completed/legacy.md";
/// A plan of an older template: Progress and Decision Log, no Surprises nor Outcomes.
const LEGACY_TEXT: &str = "# Legacy plan\n\nSpec: specs/login.md\n\n## Progress\n\n- [x] Done.\n\n## Decision Log\n\n- Kept it small.\n";

/// `main` holds the legacy plan in `active/`; `exec/login` starts from it.
fn branch_with_the_legacy_plan() -> TestRepo {
    let repo = TestRepo::installed();
    repo.write_exec_files();
    repo.write(".execguard.toml", LAYOUT);
    repo.write(ACTIVE, LEGACY_TEXT);
    repo.commit_unchecked("Set up, with a legacy plan");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo
}

fn check(repo: &TestRepo) -> crate::common::Run {
    repo.execguard(["check", "--range", "main..exec/login", "--branch", "main"])
}

/// fitcheck-ai 187083b: a finished plan copied to `completed/` with a section appended, its
/// `active/` copy deleted later, was refused for the sections it never had.
#[test]
fn a_plan_copied_to_another_plan_folder_is_judged_like_a_rename() {
    let repo = branch_with_the_legacy_plan();
    repo.write(
        COMPLETED,
        format!("{LEGACY_TEXT}\n## Completion notes\n\nShipped.\n"),
    );
    // Dated when it was done: the same plan under its name with a prefix.
    repo.write(
        "docs/exec-plans/completed/2026-08-01-legacy.md",
        LEGACY_TEXT,
    );
    // The commit hook, invoked by git, judges the copy like a rename.
    let run = repo.commit_all("Move the finished plan to completed");
    run.assert_not_flagged("execplan-sections");
    repo.git(["rm", "-q", ACTIVE]);
    repo.commit_unchecked("Drop the active copy");
    let run = check(&repo);
    run.assert_not_flagged("execplan-sections");
}

/// A copy that drops a section its source had, a copy that rewrites a line of it, and a new plan
/// that copies nothing are new writing: refused.
#[test]
fn a_plan_copy_that_loses_a_section_or_is_no_copy_is_still_checked() {
    for (path, text, lacks) in [
        (
            COMPLETED,
            LEGACY_TEXT.replace("## Decision Log\n\n- Kept it small.\n", ""),
            "\"Decision Log\"",
        ),
        (
            COMPLETED,
            LEGACY_TEXT.replace("Kept it small", "Kept it tiny"),
            "\"Surprises & Discoveries\"",
        ),
        (
            "docs/exec-plans/completed/fresh.md",
            LEGACY_TEXT.to_string(),
            "\"Surprises & Discoveries\"",
        ),
    ] {
        let repo = branch_with_the_legacy_plan();
        repo.write(path, &text);
        repo.commit_unchecked("Add a plan");
        let run = check(&repo);
        run.assert_refused("execplan-sections");
        assert!(run.stderr.contains(path), "{path}: {run:#?}");
        assert!(run.stderr.contains(lacks), "{path}: {run:#?}");
    }
}
