//! Deleting a plan that was already shelved or closed (kept under `[layout] shelved-plans` or
//! `closed-plans`): it is no plan in use, whatever its open items or its marker.

use super::common::server::*;
use super::common::{TestRepo, PLAN_READY};
use super::{fixture, PLAN};

/// Plans in any folder under `plans/`.
const FOLDERS: &str = "[layout]\nexecplans = \"plans/**/{feature}-execplan.md\"\n";
const ARCHIVED: &str = "plans/archive/login-execplan.md";

/// The ready login plan with a step done and one open, as `repo` commits it at `at`.
fn write_open_plan(repo: &TestRepo, at: &str) {
    repo.write(
        at,
        PLAN_READY.replace(
            "- [x] (2026-01-01 09:00Z) Plan written.",
            "- [x] (2026-01-01 09:00Z) Plan written.\n- [ ] Check it in the game by hand.",
        ),
    );
}

/// The fixture with the folders layout, the login plan (ready, one step open) shelved into
/// `archive/` and a search plan (ready, one step open) closed into `completed/`, by earlier
/// commits.
fn with_plans_set_aside() -> TestRepo {
    let repo = fixture();
    repo.write(".execguard.toml", FOLDERS);
    repo.git(["rm", "-q", PLAN]);
    write_open_plan(&repo, ARCHIVED);
    write_open_plan(&repo, "plans/completed/search-execplan.md");
    repo.commit_unchecked("Shelve the login plan, close the search plan");
    repo
}

/// MyBags a4ded1e ("removed execplans") deleted its `.agent/archive/` folder, ten plans moved
/// there by earlier commits, four with open Progress items: refused as removing plans in use.
/// A plan the parent keeps shelved or closed was set aside already; deleting it is accepted.
#[test]
fn deleting_plans_already_in_the_archive_is_accepted() {
    let repo = with_plans_set_aside();
    repo.git(["rm", "-q", "-r", "plans/archive", "plans/completed"]);
    let run = repo.commit("removed execplans");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
    assert!(repo
        .git(["ls-tree", "-r", "--name-only", "HEAD", "plans/"])
        .is_empty());
}

/// An active plan deleted beside archived ones is still refused, naming it; so is one moved into
/// the archive and deleted in the same commit (judged by where its parent keeps it).
#[test]
fn deleting_an_active_plan_beside_archived_ones_is_still_refused() {
    let repo = with_plans_set_aside();
    write_open_plan(&repo, "plans/audit-execplan.md");
    repo.commit_unchecked("Plan the audit");
    repo.git(["rm", "-q", "-r", "plans/"]);
    let run = repo.commit("removed execplans");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains("deletes plans/audit-execplan.md"),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains(&format!("deletes {ARCHIVED}")),
        "{run:#?}"
    );

    let repo = fixture();
    repo.write(".execguard.toml", FOLDERS);
    write_open_plan(&repo, PLAN);
    repo.commit_unchecked("Folders, one step open");
    std::fs::create_dir_all(repo.path("plans/archive")).unwrap();
    repo.git(["mv", PLAN, ARCHIVED]);
    repo.git(["rm", "-q", "-f", ARCHIVED]);
    let run = repo.commit("Archive and remove the login plan");
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains(&format!("deletes {PLAN}")), "{run:#?}");
}

/// The fixture on a server: the login plan active with a step open, then (not pushed) a commit
/// moving it into the archive and one deleting it there. Returns the two commits.
fn archived_then_deleted() -> (TestRepo, String, String) {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", FOLDERS);
    write_open_plan(&repo, PLAN);
    repo.commit_unchecked("Folders, one step open");
    setup_server(&repo);
    std::fs::create_dir_all(repo.path("plans/archive")).unwrap();
    repo.git(["mv", PLAN, ARCHIVED]);
    repo.commit_unchecked("Shelve the login plan");
    let shelved = repo.head();
    repo.git(["rm", "-q", ARCHIVED]);
    repo.commit_unchecked("Remove the archive");
    let deleted = repo.head();
    (repo, shelved, deleted)
}

/// A push that moves a plan in use into the archive and deletes it there deletes a plan in use:
/// the plan was active where the push starts. Pushed after the shelving, the deletion is of a
/// plan set aside before.
#[test]
fn archiving_and_deleting_a_plan_in_one_push_is_refused() {
    let (repo, _, _) = archived_then_deleted();
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "execplan-deleted");
    assert!(
        run.stderr.contains(&format!("deletes {ARCHIVED}")),
        "{run:#?}"
    );

    let (repo, shelved, _) = archived_then_deleted();
    push(
        &repo,
        &["origin", &format!("{shelved}:refs/heads/exec/login")],
    )
    .assert_ok();
    let run = push(&repo, &["origin", "exec/login"]);
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
}

/// `check --range` judges the same way from the range's base.
#[test]
fn check_range_judges_an_archived_plan_by_the_range_base() {
    let (repo, shelved, deleted) = archived_then_deleted();
    let run = repo.execguard(["check", "--range", &format!("{shelved}~1..{deleted}")]);
    run.assert_refused("execplan-deleted");
    let run = repo.execguard(["check", "--range", &format!("{shelved}..{deleted}")]);
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
}

/// Moved out of the plans unchanged instead of deleted, the archived plan is judged alike.
#[test]
fn check_range_judges_an_archived_plan_moved_away_by_the_range_base() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", FOLDERS);
    write_open_plan(&repo, PLAN);
    repo.commit_unchecked("Folders, one step open");
    let start = repo.head();
    std::fs::create_dir_all(repo.path("plans/archive")).unwrap();
    repo.git(["mv", PLAN, ARCHIVED]);
    repo.commit_unchecked("Shelve the login plan");
    let shelved = repo.head();
    std::fs::create_dir_all(repo.path("notes")).unwrap();
    repo.git(["mv", ARCHIVED, "notes/login.md"]);
    repo.commit_unchecked("Move the archive to notes");
    let run = repo.execguard(["check", "--range", &format!("{start}..HEAD")]);
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains("notes/login.md"), "{run:#?}");
    let run = repo.execguard(["check", "--range", &format!("{shelved}..HEAD")]);
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
}
