//! Closing a plan (moving it into `[layout] closed-plans`) with none of its steps done, and
//! shelving one (`[layout] shelved-plans`).

use super::common::{TestRepo, PLAN_READY};
use super::{commit_overriding, fixture, PLAN};

/// Plans in any folder under `plans/`, `completed/` among them.
const FOLDERS: &str = "[layout]\nexecplans = \"plans/**/{feature}-execplan.md\"\n";
const CLOSED: &str = "plans/completed/login-execplan.md";

/// The fixture with plans in folders and the login plan's steps all open.
fn open_plan(config: &str) -> TestRepo {
    let repo = fixture();
    repo.write(".execguard.toml", config);
    repo.write(
        PLAN,
        PLAN_READY.replace(
            "- [x] (2026-01-01 09:00Z) Plan written.",
            "- [ ] Write the code.\n- [ ] Review it.",
        ),
    );
    repo.commit_unchecked("Plan folders and open work");
    std::fs::create_dir_all(repo.path("plans/completed")).unwrap();
    repo
}

/// Seven plans were moved to `completed/` with every step unchecked: closed, none of their work
/// recorded as done. Moving a plan into a closed-plans folder while its Progress has open items
/// and none done is refused, a rename and a delete-and-add alike; a human may still override.
#[test]
fn closing_a_plan_with_every_step_open_is_refused() {
    let repo = open_plan(FOLDERS);
    repo.git(["mv", PLAN, CLOSED]);
    let run = repo.commit("Close the login plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains(&format!("moves {PLAN} to {CLOSED}, closing the execplan of feature `login` (`[layout] closed-plans`) while every item of its Progress is open (2 open, none done)")),
        "{run:#?}"
    );
    assert!(run.stderr.contains("stop and escalate"), "{run:#?}");
    // No commit was made: HEAD still has the plan open.
    assert_eq!(
        repo.git(["ls-tree", "--name-only", "HEAD", PLAN]).trim(),
        PLAN
    );
    // A human closing it on purpose.
    let run = commit_overriding(&repo, "execplan-deleted", "Close the abandoned login plan");
    run.assert_ok();
    assert!(
        run.stderr.contains("overridden[execplan-deleted]"),
        "{run:#?}"
    );
    // Edited too much for git to see a rename: deleted here, added there.
    let repo = open_plan(FOLDERS);
    repo.git(["mv", PLAN, CLOSED]);
    let notes: String = (0..40)
        .map(|n| format!("- Note {n}: the gateway took over this part of the login.\n"))
        .collect();
    let text = format!("# Login (closed)\n\n## Progress\n\n- [ ] Write the code.\n- [ ] Review it.\n\n## Decision Log\n\n{notes}");
    repo.git(["rm", "-q", "--cached", CLOSED]);
    repo.write(CLOSED, &text);
    repo.git(["add", CLOSED]);
    let status = repo.git(["diff", "--cached", "--name-status", "-M"]);
    assert!(status.contains(&format!("D\t{PLAN}")), "{status}");
    let run = repo.commit("Close the login plan");
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains("closing the execplan"), "{run:#?}");
}

/// One step recorded as done, or the switch off, and the plan may be closed.
#[test]
fn closing_a_plan_with_a_step_done_is_accepted() {
    let repo = open_plan(FOLDERS);
    repo.write(
        PLAN,
        repo.read(PLAN).replace(
            "- [ ] Write the code.",
            "- [x] (2026-03-01 10:00Z) Code written.",
        ),
    );
    repo.git(["mv", PLAN, CLOSED]);
    repo.commit_all("Close the login plan").assert_ok();
    let repo = open_plan(&format!(
        "{FOLDERS}[rules.execplan-deleted]\nclosing-unstarted = false\n"
    ));
    repo.git(["mv", PLAN, CLOSED]);
    repo.commit("Close the login plan").assert_ok();
}

/// Hegemon moved thirteen plans unchanged into `archive/`, one never started (every milestone
/// open): refused as closing it unstarted, though shelving a plan claims nothing done. A plan
/// shelved (`[layout] shelved-plans`: archive, backlog, abandoned, deferred) with every step open
/// is accepted, and so is one with some steps done.
#[test]
fn shelving_a_never_started_plan_into_the_archive_is_accepted() {
    for shelved in [
        "plans/archive/login-execplan.md",
        "plans/backlog/login-execplan.md",
        "plans/deferred/login-execplan.md",
    ] {
        let repo = open_plan(FOLDERS);
        let folder = shelved.rsplit_once('/').unwrap().0;
        std::fs::create_dir_all(repo.path(folder)).unwrap();
        repo.git(["mv", PLAN, shelved]);
        let run = repo.commit("Shelve the login plan");
        run.assert_ok();
        run.assert_not_flagged("execplan-deleted");
        assert_eq!(
            repo.git(["ls-tree", "--name-only", "HEAD", shelved]).trim(),
            shelved
        );
    }
    // A plan started (one step done, one open) shelved.
    let repo = open_plan(FOLDERS);
    repo.write(
        PLAN,
        repo.read(PLAN).replace(
            "- [ ] Write the code.",
            "- [x] (2026-03-01 10:00Z) Code written.",
        ),
    );
    repo.commit_unchecked("Start the login plan");
    std::fs::create_dir_all(repo.path("plans/archive")).unwrap();
    repo.git(["mv", PLAN, "plans/archive/login-execplan.md"]);
    repo.commit("Shelve the login plan").assert_ok();
}

/// The same never-started plan moved into a done folder is still closing it with none of its
/// work done, and a team that counts its archive as done folders keeps the refusal there.
#[test]
fn closing_a_never_started_plan_into_done_is_still_refused() {
    let repo = open_plan(FOLDERS);
    std::fs::create_dir_all(repo.path("plans/done")).unwrap();
    repo.git(["mv", PLAN, "plans/done/login-execplan.md"]);
    let run = repo.commit("Close the login plan");
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains("closing the execplan"), "{run:#?}");

    let archive_is_done = format!(
        "{FOLDERS}closed-plans = [\"**/completed/**\", \"**/archive/**\"]\nshelved-plans = []\n"
    );
    let repo = open_plan(&archive_is_done);
    std::fs::create_dir_all(repo.path("plans/archive")).unwrap();
    repo.git(["mv", PLAN, "plans/archive/login-execplan.md"]);
    let run = repo.commit("Close the login plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr
            .contains("to plans/archive/login-execplan.md, closing the execplan"),
        "{run:#?}"
    );
}
