//! A plan a range restores byte for byte where its base (what the target has) holds it.

use super::common::server::{assert_server_refused, push, server_rev, setup_server};
use super::common::TestRepo;

/// A plan of an older template, without the living sections now required.
const LEGACY: &str = "plans/legacy-execplan.md";
const LEGACY_TEXT: &str =
    "# Legacy execplan\n\nSpec: specs/login.md\n\nNotes from before the template.\n";

/// `main` holds the legacy plan; `exec/login` deletes it in one commit (hooks bypassed).
fn branch_without_the_legacy_plan() -> TestRepo {
    let repo = TestRepo::new();
    repo.write_exec_files();
    repo.write(LEGACY, LEGACY_TEXT);
    repo.commit_unchecked("Set up, with a legacy plan");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.git(["rm", "-q", LEGACY]);
    repo.commit_unchecked("Drop the legacy plan");
    repo
}

fn check(repo: &TestRepo, first_parent: bool) -> crate::common::Run {
    let mut args = vec!["check", "--range", "main..exec/login", "--branch", "main"];
    if first_parent {
        args.push("--first-parent");
    }
    repo.execguard(args)
}

/// Hegemon 7caa343: a branch added back, byte for byte, a plan the target kept in `archive/`,
/// and was refused for the sections that plan never had. Restoring a file the range's base holds
/// at the same path writes nothing new.
#[test]
fn a_plan_restored_byte_for_byte_from_the_range_base_is_not_new_writing() {
    let repo = branch_without_the_legacy_plan();
    repo.write(LEGACY, LEGACY_TEXT);
    repo.commit_unchecked("Restore the legacy plan");
    for first_parent in [false, true] {
        let run = check(&repo, first_parent);
        run.assert_ok();
        run.assert_not_flagged("execplan-sections");
    }
}

/// A restore that changes a line, a copy at another path, and a new plan without the sections
/// are new writing: refused.
#[test]
fn a_plan_restored_with_changes_or_elsewhere_is_still_checked() {
    for (path, text) in [
        (LEGACY, LEGACY_TEXT.replace("Notes", "New notes")),
        ("plans/legacy2-execplan.md", LEGACY_TEXT.to_string()),
        (
            "plans/fresh-execplan.md",
            "# Fresh\n\nSpec: specs/login.md\n".to_string(),
        ),
    ] {
        let repo = branch_without_the_legacy_plan();
        repo.write(path, &text);
        repo.commit_unchecked("Add a plan");
        let run = check(&repo, false);
        run.assert_refused("execplan-sections");
        assert!(run.stderr.contains(path), "{path}: {run:#?}");
    }
}

/// The server judges a push the same way: the plan the push restores byte for byte is the one
/// the server already has at that path; one restored with a change is refused.
#[test]
fn the_server_accepts_a_pushed_restore_and_refuses_its_edited_twin() {
    for (text, accepted) in [
        (LEGACY_TEXT.to_string(), true),
        (LEGACY_TEXT.replace("Notes", "New notes"), false),
    ] {
        let repo = TestRepo::new();
        repo.write_exec_files();
        repo.write(LEGACY, LEGACY_TEXT);
        repo.commit_unchecked("Set up, with a legacy plan");
        repo.git(["checkout", "-q", "-b", "exec/login"]);
        setup_server(&repo);
        repo.git(["rm", "-q", LEGACY]);
        repo.commit_unchecked("Drop the legacy plan");
        repo.write(LEGACY, &text);
        repo.commit_unchecked("Restore the legacy plan");
        let run = push(&repo, &["origin", "exec/login"]);
        if accepted {
            run.assert_ok();
            assert_eq!(server_rev(&repo, "exec/login"), Some(repo.head()));
        } else {
            assert_server_refused(&run, "execplan-sections");
            assert_ne!(server_rev(&repo, "exec/login"), Some(repo.head()));
        }
    }
}
