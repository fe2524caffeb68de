#![allow(clippy::unwrap_used)]
//! Execplan sections as people write their headings, and Progress that means progress: through
//! commits that git makes with the installed hooks, and pushes the server judges.

use crate::common;
#[path = "sections/closing.rs"]
mod closing;
#[path = "sections/duplicate.rs"]
mod duplicate;
#[path = "sections/joined_titles.rs"]
mod joined_titles;
#[path = "sections/named_in_message.rs"]
mod named_in_message;
#[path = "sections/shelved_deleted.rs"]
mod shelved_deleted;
#[path = "sections/stale_copy.rs"]
mod stale_copy;

use common::server::*;
use common::*;

const PLAN: &str = "plans/login-execplan.md";

fn fixture() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo
}

/// Rewrites the login execplan (committed without hooks: a human's edit), then commits a code
/// change with a new Progress entry through the hooks.
fn commit_code_under(repo: &TestRepo, plan: &str) -> Run {
    repo.write(PLAN, plan);
    repo.commit_unchecked("Restyle the plan");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_all("Add logout")
}

// ---- headings as people write them ---------------------------------------------------------

#[test]
fn tolerances_with_a_parenthetical_satisfies_a_required_tolerances() {
    let repo = fixture();
    repo.write(
        ".execguard.toml",
        "[rules.execplan-sections]\nrequired = [\"Progress\", \"Surprises & Discoveries\", \"Decision Log\", \"Outcomes & Retrospective\", \"Tolerances\"]\n",
    );
    repo.commit_unchecked("Require Tolerances");
    // A new plan without the section is refused for the required title. (A plan written before
    // the title was required is not: an edit is judged on what it takes away.)
    let new_plan = "plans/logout-execplan.md";
    repo.write(
        new_plan,
        format!(
            "{}\n## Tolerated risks\n\n- None.\n",
            PLAN_READY.replace("Login", "Logout")
        ),
    );
    let run = repo.commit_all("Plan logout");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("\"Tolerances\""), "{run:#?}");
    let plan = repo
        .read(new_plan)
        .replace("## Tolerated risks", "## Tolerances (exception triggers)");
    repo.write(new_plan, plan);
    repo.commit_all("Plan logout").assert_ok();
}

#[test]
fn a_numbered_progress_heading_is_progress() {
    let repo = fixture();
    let plan = PLAN_READY.replace("## Progress", "## 3. Progress");
    commit_code_under(&repo, &plan).assert_ok();
    assert!(repo.read(PLAN).contains("## 3. Progress\n"));
}

#[test]
fn a_setext_progress_heading_is_progress() {
    let repo = fixture();
    let plan = PLAN_READY.replace("## Progress\n", "Progress\n--------\n");
    commit_code_under(&repo, &plan).assert_ok();
}

#[test]
fn a_lowercase_progress_heading_with_a_colon_is_progress() {
    let repo = fixture();
    let plan = PLAN_READY.replace("## Progress", "## progress:");
    commit_code_under(&repo, &plan).assert_ok();
}

#[test]
fn emphasis_in_a_heading_is_its_text() {
    let repo = fixture();
    let plan = PLAN_READY
        .replace("## Progress", "## **Progress** (live)")
        .replace("## Decision Log", "## 4) Decision Log — 2026");
    commit_code_under(&repo, &plan).assert_ok();
}

/// A plan whose headings join the words with a slash (`Surprises / Discoveries`) was refused
/// by execplan-sections as missing `Surprises & Discoveries`.
#[test]
fn a_slash_between_the_words_of_a_section_title_is_the_same_section() {
    let repo = fixture();
    let plan = PLAN_READY
        .replace("## Surprises & Discoveries", "## Surprises / Discoveries")
        .replace("## Outcomes & Retrospective", "## Outcomes/Retrospective");
    let new_plan = "plans/logout-execplan.md";
    repo.write(new_plan, &plan);
    let run = repo.commit_all("Plan logout");
    run.assert_ok();
    // A plan without the section is still refused.
    let other = "plans/audit-execplan.md";
    repo.write(
        other,
        plan.replace("## Surprises / Discoveries\n\nNone yet.\n\n", ""),
    );
    repo.commit_all("Plan audit")
        .assert_refused("execplan-sections");
}

/// A guide that requires `Files to create/modify` while its plans write `Files To Create Or
/// Modify` saw every plan refused for a section it has: the slash reads as "or" as well as "and".
#[test]
fn a_slash_reads_as_or_in_a_required_section_title() {
    let repo = fixture();
    repo.write(
        ".execguard.toml",
        "[rules.execplan-sections]\nrequired = [\"Progress\", \"Decision Log\", \"Files to create/modify\"]\n",
    );
    repo.commit_unchecked("Require the files section");
    let plan = format!(
        "{}\n## Files To Create Or Modify\n\n- src/logout.rs\n",
        PLAN_READY.replace("Login", "Logout")
    );
    repo.write("plans/logout-execplan.md", &plan);
    repo.commit_all("Plan logout").assert_ok();
    // A plan without it is still refused, naming the title the config requires.
    repo.write(
        "plans/audit-execplan.md",
        plan.replace("## Files To Create Or Modify\n\n- src/logout.rs\n", ""),
    );
    let run = repo.commit_all("Plan audit");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("Files to create/modify"), "{run:#?}");
}

/// A guide that asks for every plan in two languages gets headings such as `## Progress / 진행
/// 상황`: each was refused as missing, and code under such a plan was not planned work.
#[test]
fn a_section_title_followed_by_its_translation_is_the_section() {
    let repo = fixture();
    let plan = PLAN_READY
        .replace("## Progress", "## Progress / 진행 상황")
        .replace("## Decision Log", "## Decision Log / 결정 기록")
        .replace(
            "## Surprises & Discoveries",
            "## Surprises & Discoveries / 놀라운 발견",
        );
    commit_code_under(&repo, &plan).assert_ok();
    // Code without an entry under the translated Progress is still refused.
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.commit_all("Add refresh")
        .assert_refused("progress-update");
    // A new plan without its Decision Log is still refused for it.
    repo.git(["reset", "-q", "--hard"]);
    repo.write(
        "plans/audit-execplan.md",
        plan.replace("## Decision Log / 결정 기록", "## Decisions / 결정"),
    );
    let run = repo.commit_all("Plan audit");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("Decision Log"), "{run:#?}");
}

/// Progress is found under each heading form: code without a new entry there is still refused.
#[test]
fn code_without_an_entry_under_a_restyled_progress_is_refused() {
    for heading in ["## 3. Progress", "Progress\n--------", "## progress:"] {
        let repo = fixture();
        let plan = PLAN_READY.replace("## Progress", heading);
        repo.write(PLAN, plan);
        repo.commit_unchecked("Restyle the plan");
        repo.append("src/auth.rs", "pub fn logout() {}\n");
        // An entry under another section is not Progress.
        repo.append(PLAN, "\n- [x] (2026-01-02 10:00Z) Added logout.\n");
        let run = repo.commit_all("Add logout");
        run.assert_refused("progress-update");
        run.assert_not_flagged("execplan-sections");
    }
}

#[test]
fn a_decision_log_only_inside_a_code_block_is_refused() {
    let repo = fixture();
    let plan = repo.read(PLAN).replace(
        "## Decision Log\n\n- Keep sessions in memory.\n",
        "Template:\n\n```markdown\n## Decision Log\n\n- Keep sessions in memory.\n```\n",
    );
    repo.write(PLAN, plan);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    let before = repo.head();
    let run = repo.commit_all("Add logout");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("\"Decision Log\""), "{run:#?}");
    assert_eq!(repo.head(), before, "no commit was made");
}

// ---- Progress that means progress ----------------------------------------------------------

/// Another feature's plan, with a completed and an open entry.
const OTHER_PLAN: &str = "# Other execplan\n\nEXECPLAN-READY\n\nSpec: specs/other.md\n\n## Progress\n\n- [x] (2026-01-01 09:00Z) Recieve handler written.\n- [ ] (2026-01-01 09:30Z) Wire the session store.\n\n## Surprises & Discoveries\n\nNone yet.\n\n## Decision Log\n\n- Keep sessions in memory.\n\n## Outcomes & Retrospective\n\nPending.\n";

const OTHER: &str = "plans/other-execplan.md";

/// The EXEC fixture plus a ready `other` feature, on `main`: no branch or trailer names a feature.
fn add_other_feature(repo: &TestRepo) {
    repo.git(["checkout", "-q", "main"]);
    repo.write("specs/other.md", SPEC_FROZEN);
    repo.write(OTHER, OTHER_PLAN);
    repo.commit_unchecked("Set up the other feature");
}

fn sweep_fixture() -> TestRepo {
    let repo = fixture();
    add_other_feature(&repo);
    repo
}

/// A code commit whose only plan change is a spelling sweep over an old, completed entry of
/// another plan passed as a Progress update.
#[test]
fn a_sweep_rewording_an_old_entry_of_another_plan_is_refused() {
    let repo = sweep_fixture();
    let before = repo.head();
    repo.append("src/auth.rs", "pub fn receive() {}\n");
    repo.write(OTHER, OTHER_PLAN.replace("Recieve", "Receive"));
    let run = repo.commit_all("Fix spelling of receive");
    run.assert_refused("progress-update");
    assert!(run.stderr.contains(OTHER), "names the plan: {run:#?}");
    assert!(run.stderr.contains("rewords"), "{run:#?}");
    assert_eq!(repo.head(), before, "no commit was made");
}

/// `execguard check` judges as pre-commit does, without the message: it cannot know whether an
/// `Execplan:` trailer will name the reworded plan, so it leaves the sweep to commit-msg.
#[test]
fn the_sweep_is_left_to_the_hook_that_sees_the_message() {
    let repo = sweep_fixture();
    repo.append("src/auth.rs", "pub fn receive() {}\n");
    repo.write(OTHER, OTHER_PLAN.replace("Recieve", "Receive"));
    repo.git(["add", "-A"]);
    repo.execguard(["check"]).assert_ok();
    repo.commit("Fix spelling of receive")
        .assert_refused("progress-update");
    // Without any Progress change, check refuses at once.
    repo.git(["reset", "-q", "--", OTHER]);
    repo.execguard(["check"]).assert_refused("progress-update");
}

#[test]
fn the_sweep_with_a_new_entry_is_accepted() {
    let repo = sweep_fixture();
    repo.append("src/auth.rs", "pub fn receive() {}\n");
    let plan = OTHER_PLAN.replace("Recieve", "Receive").replace(
        "store.\n\n",
        "store.\n- [x] (2026-01-02 10:00Z) Spelling of receive fixed in code.\n\n",
    );
    repo.write(OTHER, plan);
    repo.commit_all("Fix spelling of receive").assert_ok();
}

#[test]
fn ticking_a_box_in_another_plan_is_accepted() {
    let repo = sweep_fixture();
    repo.append("src/auth.rs", "pub fn store() {}\n");
    repo.write(OTHER, OTHER_PLAN.replace("- [ ] (2026", "- [x] (2026"));
    repo.commit_all("Wire the session store").assert_ok();
}

/// The feature named by a trailer keeps the looser meaning: an edited entry of its own plan is
/// an update.
#[test]
fn a_reworded_entry_of_the_named_plan_still_counts() {
    let repo = sweep_fixture();
    repo.append("src/auth.rs", "pub fn receive() {}\n");
    repo.write(OTHER, OTHER_PLAN.replace("Recieve", "Receive"));
    repo.commit_all("Fix spelling of receive\n\nExecplan: other")
        .assert_ok();
}

#[test]
fn the_server_refuses_a_pushed_sweep_and_accepts_its_twin() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    add_other_feature(&repo);
    setup_server(&repo);
    let before = server_rev(&repo, "refs/heads/main").unwrap();

    repo.append("src/auth.rs", "pub fn receive() {}\n");
    repo.write(OTHER, OTHER_PLAN.replace("Recieve", "Receive"));
    repo.commit_unchecked("Fix spelling of receive");
    let run = push(&repo, &["origin", "main"]);
    assert_server_refused(&run, "progress-update");
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(before));

    let plan = repo.read(OTHER).replace(
        "store.\n\n",
        "store.\n- [x] (2026-01-02 10:00Z) Spelling of receive fixed in code.\n\n",
    );
    repo.write(OTHER, plan);
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "--amend", "--no-edit"]);
    push(&repo, &["origin", "main"]).assert_ok();
    assert_eq!(server_rev(&repo, "refs/heads/main"), Some(repo.head()));
}

// ---- what the change did, not what the file always lacked ----------------------------------

/// A plan written before a section was required, and without a spec line.
const OLD_PLAN: &str = "# Login execplan\n\nEXECPLAN-READY\n\n## Progress\n\n- [x] (2026-01-01 09:00Z) Plan written.\n\n## Decision Log\n\n- Keep sessions in memory.\n";

#[test]
fn an_edit_to_an_old_template_plan_is_not_refused_for_what_it_always_lacked() {
    let repo = fixture();
    repo.write(PLAN, OLD_PLAN);
    repo.commit_unchecked("An old plan");
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let plan = OLD_PLAN.replace(
        "## Decision Log",
        "- [x] (2026-01-02 10:00Z) Added logout.\n\n## Decision Log",
    );
    repo.write(PLAN, plan);
    let run = repo.commit_all("Add logout");
    run.assert_ok();
    run.assert_not_flagged("execplan-sections");
    // Taking away a section it had is the change's doing.
    let plan = repo.read(PLAN).replace("## Decision Log", "## Decisions");
    repo.write(PLAN, plan);
    let run = repo.commit_all("Rename a section");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("\"Decision Log\""), "{run:#?}");
    assert!(!run.stderr.contains("Outcomes"), "{run:#?}");
}

#[test]
fn renaming_an_old_template_plan_is_judged_against_its_old_path() {
    let repo = fixture();
    repo.write(PLAN, OLD_PLAN);
    repo.commit_unchecked("An old plan");
    repo.git(["mv", PLAN, "plans/signin-execplan.md"]);
    let run = repo.commit("Rename the plan");
    run.assert_not_flagged("execplan-sections");
    run.assert_ok();
}

#[test]
fn a_new_plan_without_a_spec_is_not_told_to_name_a_spec_that_does_not_exist() {
    let repo = fixture();
    let plan = PLAN_READY
        .replace("Login", "Billing")
        .replace("Spec: specs/login.md\n\n", "");
    repo.write("plans/billing-execplan.md", plan);
    let run = repo.commit_all("Plan billing");
    run.assert_refused("execplan-sections");
    assert!(
        run.stderr.contains("without a mention of a spec's path, and no spec named after feature billing exists there (specs/**/*.md)"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("specs/billing.md"), "{run:#?}");
    // The spec it names afterwards satisfies the rule.
    repo.write(
        "plans/billing-execplan.md",
        repo.read("plans/billing-execplan.md").replace(
            "EXECPLAN-READY\n",
            "EXECPLAN-READY\n\nSpec: specs/login.md\n",
        ),
    );
    repo.commit_all("Plan billing").assert_ok();
}

#[test]
fn a_plan_wrapped_in_a_fence_is_told_its_sections_are_inside_the_fence() {
    let repo = fixture();
    let fenced = format!("```md\n{}```\n", PLAN_READY.replace("Login", "Billing"));
    repo.write("plans/billing-execplan.md", fenced);
    let run = repo.commit_all("Plan billing");
    run.assert_refused("execplan-sections");
    assert!(
        run.stderr.contains(
            "They are inside a fenced code block, which renders as code, not as headings."
        ),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("Remove the fence around the plan"),
        "{run:#?}"
    );
    repo.write(
        "plans/billing-execplan.md",
        PLAN_READY.replace("Login", "Billing"),
    );
    repo.commit_all("Plan billing").assert_ok();
}

// ---- plans in use are not deleted ----------------------------------------------------------

/// `git commit` of what is staged with `EXECGUARD_SKIP` and an override trailer: a human's
/// deliberate exception.
fn commit_overriding(repo: &TestRepo, rule: &str, message: &str) -> Run {
    Run::from_command(repo.command("git").env("EXECGUARD_SKIP", rule).args([
        "commit",
        "-q",
        "-m",
        message,
        "-m",
        &format!("Execguard-Override: {rule}: retired by Ana"),
    ]))
}

#[test]
fn deleting_a_ready_plan_is_refused_and_a_human_override_lands() {
    let repo = fixture();
    repo.git(["rm", "-q", PLAN]);
    let run = repo.commit("Remove the plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains("this commit deletes plans/login-execplan.md, the execplan of feature `login`, which is ready (EXECPLAN-READY) in HEAD"),
        "{run:#?}"
    );
    // The hint's command restores the plan.
    let command = command_after(&run.stderr, "Restore the plan (");
    assert_eq!(
        command,
        "git restore --staged --worktree -- plans/login-execplan.md"
    );
    let restored = Run::from_command(repo.command("sh").arg("-c").arg(&command));
    restored.assert_ok();
    assert_eq!(repo.read(PLAN), PLAN_READY);
    // A human retiring it on purpose.
    repo.git(["rm", "-q", PLAN]);
    let run = commit_overriding(&repo, "execplan-deleted", "Retire the login plan");
    run.assert_ok();
    assert!(
        run.stderr.contains("overridden[execplan-deleted]"),
        "{run:#?}"
    );
}

#[test]
fn emptying_a_plan_with_open_items_is_refused_and_a_finished_draft_may_go() {
    let repo = fixture();
    let draft = PLAN_READY
        .replace("EXECPLAN-READY\n", "Status: draft\n")
        .replace(
            "- [x] (2026-01-01 09:00Z) Plan written.",
            "- [x] Plan written.\n- [ ] Write the code.",
        );
    repo.write(PLAN, &draft);
    repo.commit_unchecked("A draft with work left");
    repo.write(PLAN, "# Login execplan\n");
    let run = repo.commit_all("Clear the plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains("empties plans/login-execplan.md (its sections are gone), the execplan of feature `login`, which has 1 open item in Progress in HEAD"),
        "{run:#?}"
    );
    // With every item done and no marker, the plan may be removed.
    repo.write(PLAN, draft.replace("- [ ] Write", "- [x] Write"));
    repo.commit_unchecked("Work done");
    repo.git(["rm", "-q", PLAN]);
    let run = repo.commit("Remove the finished draft");
    run.assert_not_flagged("execplan-deleted");
    run.assert_ok();
}

/// A plan moved from one plan folder to another (`active/` to `completed/`) in the commit that
/// closes its items differs too much from the old file for git to pair the two as a rename: it
/// was refused as deleting a plan with open items.
#[test]
fn closing_a_plan_while_moving_it_to_another_plan_folder_is_not_a_deletion() {
    let repo = fixture();
    repo.write(
        ".execguard.toml",
        "[layout]\nexecplans = [\"plans/{feature}-execplan.md\", \"plans/completed/{feature}-execplan.md\"]\n",
    );
    let open = PLAN_READY.replace(
        "- [x] (2026-01-01 09:00Z) Plan written.",
        "- [ ] Write the code.\n- [ ] Review it.",
    );
    repo.write(PLAN, &open);
    repo.commit_unchecked("Plan folders and open work");
    let closed = "# Login execplan\n\nEXECPLAN-READY\n\nSpec: specs/login.md\n\n## Progress\n\n- [x] (2026-01-03 10:00Z) Code written, sessions kept in memory with expiry.\n- [x] (2026-01-04 11:00Z) Reviewed by Ana; two fixes made.\n\n## Surprises & Discoveries\n\nThe clock in tests needed faking.\n\n## Decision Log\n\n- Keep sessions in memory; a store can come later.\n\n## Outcomes & Retrospective\n\nDone: login works end to end.\n";
    std::fs::create_dir_all(repo.path("plans/completed")).unwrap();
    repo.git(["rm", "-q", PLAN]);
    repo.write("plans/completed/login-execplan.md", closed);
    repo.commit_all("Close the login plan").assert_ok();
    // Moved there with its sections gone, it is still an emptied plan.
    repo.write(PLAN, &open);
    repo.git(["rm", "-q", "plans/completed/login-execplan.md"]);
    repo.commit_unchecked("Reopen");
    repo.git(["rm", "-q", PLAN]);
    repo.write(
        "plans/completed/login-execplan.md",
        "# Login execplan\n\nNothing left.\n",
    );
    repo.commit_all("Close the login plan")
        .assert_refused("execplan-deleted");
}

#[test]
fn moving_a_ready_plan_out_of_the_plans_is_refused() {
    let repo = fixture();
    repo.write(
        ".execguard.toml",
        "[layout]\nnot-planning = [\"**/README.md\", \"**/TEMPLATE.md\", \"plans/archive/**\"]\n",
    );
    repo.commit_unchecked("Archive folder");
    std::fs::create_dir_all(repo.path("plans/archive")).unwrap();
    repo.git(["mv", PLAN, "plans/archive/login-execplan.md"]);
    let run = repo.commit("Archive the plan");
    run.assert_refused("execplan-deleted");
    assert!(
        run.stderr.contains("moves plans/login-execplan.md to plans/archive/login-execplan.md, which is no execplan path"),
        "{run:#?}"
    );
}
