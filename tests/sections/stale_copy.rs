//! Deleting the stale copy of a plan whose text another plan of the tree keeps.

use super::common::{TestRepo, PLAN_READY};
use super::fixture;

/// Plans in any folder under `plans/`.
const FOLDERS: &str = "[layout]\nexecplans = \"plans/**/{feature}-execplan.md\"\n";
const ACTIVE: &str = "plans/active/login-execplan.md";
const COMPLETED: &str = "plans/completed/login-execplan.md";

/// The fixture with the ready login plan in `active/`, both of its steps open, and `kept` (the
/// Progress of a second plan) committed at `at` next to it, as a commit finalizing the plan into
/// `completed/` leaves the old copy behind.
fn with_copy(at: &str, kept: &str) -> TestRepo {
    let repo = fixture();
    repo.write(".execguard.toml", FOLDERS);
    let open = PLAN_READY.replace(
        "- [x] (2026-01-01 09:00Z) Plan written.",
        "- [ ] Write the code.\n- [ ] Review it.",
    );
    repo.git(["rm", "-q", "plans/login-execplan.md"]);
    repo.write(ACTIVE, &open);
    repo.commit_unchecked("Plan folders and open work");
    repo.write(at, format!("# Login execplan\n\n## Progress\n\n{kept}\n"));
    repo.commit_unchecked("Finalize the login plan");
    repo
}

/// A plan was finalized into `completed/` in one commit and its old copy left in `active/`; the
/// next commit deleting the stale copy lost nothing, the completed plan keeps every entry (its
/// boxes ticked and stamped). Refused before, though the plan's text was still in the tree.
#[test]
fn deleting_the_stale_active_copy_of_a_completed_plan_is_accepted() {
    let repo = with_copy(
        COMPLETED,
        "- [x] (2026-03-01 10:00Z) Write the code.\n- [x] (2026-03-02 10:00Z) Review it.",
    );
    repo.git(["rm", "-q", ACTIVE]);
    let run = repo.commit("Remove the stale copy of the login plan");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
    assert!(repo
        .git(["ls-tree", "--name-only", "HEAD", ACTIVE])
        .is_empty());

    // The old copy of a plan archived under a dated name, the same file.
    let repo = fixture();
    repo.write(".execguard.toml", FOLDERS);
    repo.commit_unchecked("Plan folders");
    let archived = "plans/archive/2026-05-05-login-execplan.md";
    repo.write(archived, repo.read("plans/login-execplan.md"));
    repo.commit_unchecked("Archive the login plan");
    repo.git(["rm", "-q", "plans/login-execplan.md"]);
    let run = repo.commit("Remove the old copy of the archived login plan");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");

    // The archived copy ticked the last step and noted what came of it.
    let repo = with_copy(
        "plans/archive/2026-05-05-login-execplan.md",
        "- [x] (2026-03-01 10:00Z) Write the code.\n- [x] (2026-03-02 10:00Z) Review it (pull request #434 merged).",
    );
    repo.git(["rm", "-q", ACTIVE]);
    let run = repo.commit("Remove the old copy of the archived login plan");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
}

/// The kept plan lacks one of the deleted plan's entries (as many entries, one of them another):
/// that work would be lost, the deletion is refused.
#[test]
fn deleting_a_copy_whose_kept_plan_lacks_an_entry_is_refused() {
    let repo = with_copy(
        COMPLETED,
        "- [x] (2026-03-01 10:00Z) Write the code.\n- [x] (2026-03-02 10:00Z) Deploy it.",
    );
    repo.git(["rm", "-q", ACTIVE]);
    let run = repo.commit("Remove the stale copy of the login plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains(&format!("deletes {ACTIVE}")),
        "{run:#?}"
    );
    assert_eq!(
        repo.git(["ls-tree", "--name-only", "HEAD", ACTIVE]).trim(),
        ACTIVE
    );
}

/// A stub with the plan's title and one of its entries keeps nothing of the rest; and two copies
/// deleted together cannot vouch for each other.
#[test]
fn deleting_a_plan_while_keeping_a_same_title_stub_is_refused() {
    let repo = with_copy("plans/archive/login-execplan.md", "- [ ] Write the code.");
    repo.git(["rm", "-q", ACTIVE]);
    let run = repo.commit("Remove the login plan, a stub kept");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains(&format!("deletes {ACTIVE}")),
        "{run:#?}"
    );

    let repo = with_copy(COMPLETED, "- [ ] Write the code.\n- [ ] Review it.");
    repo.git(["rm", "-q", ACTIVE, COMPLETED]);
    let run = repo.commit("Remove both copies of the login plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains(&format!("deletes {ACTIVE}")),
        "{run:#?}"
    );
}

/// Two open plans in `plans/active/`: login (both steps open) and the policy plan that
/// supersedes it, committed.
fn with_superseding_plan() -> TestRepo {
    let repo = with_copy(
        "plans/active/session-policy-execplan.md",
        "- [x] (2026-03-01 10:00Z) Plan written.\n- [ ] Move sessions behind the policy.",
    );
    // The plan kept as written; only `with_copy`'s second commit added it.
    repo.write(
        "plans/active/session-policy-execplan.md",
        "# Session policy execplan\n\nReplaces the login plan's session steps.\n\n## Progress\n\n- [x] (2026-03-01 10:00Z) Plan written.\n- [ ] Move sessions behind the policy.\n\n## Decision Log\n\n- Sessions follow the policy.\n",
    );
    repo.commit_unchecked("Plan the session policy");
    repo
}

/// A plan never started, deleted by the commit whose superseding plan records the removal (its
/// Decision Log names the deleted plan's file), was refused as a plan in use deleted: the
/// removal is accounted for where a reader of the plans looks.
#[test]
fn deleting_a_plan_its_superseding_plan_records_is_accepted() {
    let repo = with_superseding_plan();
    repo.git(["rm", "-q", ACTIVE]);
    repo.append(
        "plans/active/session-policy-execplan.md",
        "- The superseded plan `plans/active/login-execplan.md` is removed: this plan replaces it.\n",
    );
    repo.git(["add", "plans/active"]);
    let run = repo.commit("Remove the superseded login plan");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
    assert!(repo
        .git(["ls-tree", "--name-only", "HEAD", ACTIVE])
        .is_empty());
}

/// The breach beside it stays refused: an open plan deleted with no plan recording it, or with
/// a plan that named it before the commit (an old mention records no removal).
#[test]
fn deleting_an_open_plan_no_plan_records_is_refused() {
    let repo = with_superseding_plan();
    repo.git(["rm", "-q", ACTIVE]);
    let run = repo.commit("Remove the login plan");
    run.assert_refused("execplan-deleted");
    assert!(run.stderr.contains(ACTIVE), "{run:#?}");

    let repo = with_superseding_plan();
    repo.append(
        "plans/active/session-policy-execplan.md",
        "- Builds on `plans/active/login-execplan.md`.\n",
    );
    repo.commit_unchecked("Link the login plan");
    repo.git(["rm", "-q", ACTIVE]);
    repo.append(
        "plans/active/session-policy-execplan.md",
        "- Sessions expire after a day.\n",
    );
    repo.git(["add", "plans/active"]);
    let run = repo.commit("Remove the login plan");
    run.assert_refused("execplan-deleted");
}

/// The login plan (both steps open) split into two sub-plans by one commit.
fn split_login(second_step: &str) -> TestRepo {
    let repo = with_copy("plans/active/billing-execplan.md", "- [ ] Send invoices.");
    repo.git(["rm", "-q", ACTIVE]);
    let plan = |title: &str, step: &str| {
        PLAN_READY
            .replace("# Login execplan", &format!("# {title}"))
            .replace(
                "- [x] (2026-01-01 09:00Z) Plan written.",
                &format!("- [ ] {step}"),
            )
            // Enough of its own that git pairs no rename with the deleted plan.
            .replace(
                "None yet.",
                &(0..40)
                    .map(|line| format!("- {title}, note {line}.\n"))
                    .collect::<String>(),
            )
    };
    repo.write(
        "plans/active/login-code-execplan.md",
        plan("Login code", "Write the code."),
    );
    repo.write(
        "plans/active/login-review-execplan.md",
        plan("Login review", second_step),
    );
    repo.git(["add", "plans/active"]);
    repo
}

/// A plan split into sub-plans in the same commit, each of its steps carried to one of them,
/// was refused as a plan in use deleted: no single plan kept every entry. The plans the commit
/// writes keep them between them.
#[test]
fn deleting_a_plan_split_into_sub_plans_that_keep_its_steps_is_accepted() {
    let repo = split_login("Review it.");
    let run = repo.commit("Split the login plan by step");
    run.assert_ok();
    run.assert_not_flagged("execplan-deleted");
}

/// A step lost in the split (no sub-plan keeps it) is work dropped: refused.
#[test]
fn deleting_a_plan_split_into_sub_plans_that_drop_a_step_is_refused() {
    let repo = split_login("Deploy it.");
    let run = repo.commit("Split the login plan by step");
    run.assert_refused("execplan-deleted");
}
