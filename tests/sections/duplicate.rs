//! Deleting the copy an editor or file manager made of a plan (`execplan-login 2.md`).

use super::common::{TestRepo, PLAN_READY};
use super::fixture;

/// Plans named `execplan-{feature}.md`, so a Finder copy (`execplan-login 2.md`) is a plan too.
const LAYOUT: &str = "[layout]\nexecplans = \"plans/execplan-{feature}.md\"\n";
const PLAN: &str = "plans/execplan-login.md";
const COPY: &str = "plans/execplan-login 2.md";

/// The login plan with two steps open, a byte copy of it beside it made by a file manager, then
/// the plan itself worked on (its steps reworded and ticked), so the copy's steps are no longer
/// among the plan's.
fn with_stale_copy() -> TestRepo {
    let repo = fixture();
    repo.write(".execguard.toml", LAYOUT);
    repo.git(["rm", "-q", "plans/login-execplan.md"]);
    let open = PLAN_READY.replace(
        "- [x] (2026-01-01 09:00Z) Plan written.",
        "- [ ] Write the code.\n- [ ] Review it.",
    );
    repo.write(PLAN, &open);
    repo.write(COPY, &open);
    repo.commit_unchecked("Plan the login, with a copy the file manager made");
    repo.write(
        PLAN,
        open.replace(
            "- [ ] Write the code.\n- [ ] Review it.",
            "- [x] (2026-03-01 10:00Z) Wrote the session code.\n- [ ] Ask for a review.\n- [ ] Ship it.",
        ),
    );
    repo.commit_unchecked("Work on the login plan");
    repo
}

/// Hegemon deleted `.agent/execplan-substrate-migration 2.md`, a Finder copy, while the plan
/// itself stayed with other text by then: refused as deleting an open plan, though the team's
/// plan lives on under its own name.
#[test]
fn deleting_a_file_manager_copy_of_a_plan_that_stays_is_accepted() {
    let repo = with_stale_copy();
    repo.git(["rm", "-q", COPY]);
    let run = repo.commit("Remove the duplicate of the login plan");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
    assert!(repo
        .git(["ls-tree", "--name-only", "HEAD", COPY])
        .is_empty());

    // Other copy names tools make, each deleted while the plan stays.
    for copy in [
        "plans/execplan-login copy.md",
        "plans/execplan-login (1).md",
        "plans/execplan-login - Copy.md",
    ] {
        let repo = with_stale_copy();
        repo.git(["mv", COPY, copy]);
        repo.commit_unchecked("Rename the copy");
        repo.git(["rm", "-q", copy]);
        let run = repo.commit("Remove the duplicate of the login plan");
        run.assert_ok();
        run.assert_not_flagged("execplan-deleted");
    }
}

/// The agent deletes its own open plan while the copy stays: the copy is no plan of its own
/// to keep it, and its steps are not the plan's, so the deletion is refused. So is deleting both.
#[test]
fn deleting_the_plan_a_copy_was_made_of_is_refused() {
    let repo = with_stale_copy();
    repo.git(["rm", "-q", PLAN]);
    let run = repo.commit("Remove the login plan");
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains(&format!("deletes {PLAN}")), "{run:#?}");
    assert_eq!(
        repo.git(["ls-tree", "--name-only", "HEAD", PLAN]).trim(),
        PLAN
    );

    let repo = with_stale_copy();
    repo.git(["rm", "-q", PLAN, COPY]);
    let run = repo.commit("Remove the login plan and its copy");
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains(&format!("deletes {PLAN}")), "{run:#?}");
    assert!(run.stderr.contains(&format!("deletes {COPY}")), "{run:#?}");

    // A copy in another folder is no copy of this plan's.
    let repo = with_stale_copy();
    let elsewhere = "plans/old/execplan-login 2.md";
    std::fs::create_dir_all(repo.path("plans/old")).unwrap();
    repo.write(LAYOUT_ANY_FOLDER.0, LAYOUT_ANY_FOLDER.1);
    repo.git(["mv", COPY, elsewhere]);
    repo.commit_unchecked("Move the copy away");
    repo.git(["rm", "-q", elsewhere]);
    let run = repo.commit("Remove the moved copy");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains(&format!("deletes {elsewhere}")),
        "{run:#?}"
    );
}

/// Plans in any folder under `plans/`.
const LAYOUT_ANY_FOLDER: (&str, &str) = (
    ".execguard.toml",
    "[layout]\nexecplans = \"plans/**/execplan-{feature}.md\"\n",
);
