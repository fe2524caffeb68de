//! Two section titles joined by `and` or `&` under one heading (`## Tasks and Progress`): the
//! heading carries each of them.

use super::common::server::*;
use super::common::{TestRepo, PLAN_READY};
use super::{commit_code_under, fixture};

/// A team whose plans keep their task checkboxes in `Tasks`, the section that counts as progress.
const TASKS: &str = "[rules.execplan-sections]\nrequired = [\"Tasks\"]\n[rules.progress-update]\nsection = \"Tasks\"\n";

/// A new plan for `logout` whose Progress heading is `heading`.
fn logout_plan(heading: &str) -> String {
    PLAN_READY
        .replace("Login", "Logout")
        .replace("## Progress", heading)
}

/// cannon-golf 0d3588e added a checklist keeping its boxes under `## Tasks and Progress` and was
/// refused for leaving out the section "Tasks", which the config requires.
#[test]
fn a_required_title_joined_to_another_by_and_is_the_section() {
    for heading in [
        "## Tasks and Progress",
        "## Tasks & Progress",
        "## Decisions and Tasks",
    ] {
        let repo = fixture();
        repo.write(".execguard.toml", TASKS);
        repo.commit_unchecked("Plans keep tasks");
        repo.write("plans/logout-execplan.md", logout_plan(heading));
        let run = repo.commit_all("Plan logout");
        run.assert_ok();
        run.assert_not_flagged("execplan-sections");
    }
    // A plan whose heading only joins other titles still lacks the section.
    for heading in ["## Progress and Next Steps", "## Tasklist and Progress"] {
        let repo = fixture();
        repo.write(".execguard.toml", TASKS);
        repo.commit_unchecked("Plans keep tasks");
        repo.write("plans/logout-execplan.md", logout_plan(heading));
        let run = repo.commit_all("Plan logout");
        run.assert_refused("execplan-sections");
        assert!(run.stderr.contains("\"Tasks\""), "{heading}: {run:#?}");
    }
}

/// A title that itself holds `&` is not met by one of its words, nor by one of them joined to
/// another title.
#[test]
fn a_required_title_holding_and_is_not_met_by_its_first_word() {
    let repo = fixture();
    let plan = PLAN_READY
        .replace("Login", "Logout")
        .replace("## Surprises & Discoveries", "## Surprises and Risks");
    repo.write("plans/logout-execplan.md", plan);
    let run = repo.commit_all("Plan logout");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("Surprises & Discoveries"), "{run:#?}");
}

/// The section reader finds the entries under the joined heading: a code commit adding its entry
/// under `## Tasks and Progress` or `## Progress and Tasks` records progress; one adding nothing
/// there is still refused.
#[test]
fn an_entry_under_a_joined_progress_heading_is_progress() {
    for heading in ["## Tasks and Progress", "## Progress and Tasks"] {
        let repo = fixture();
        let plan = PLAN_READY.replace("## Progress", heading);
        commit_code_under(&repo, &plan).assert_ok();
        // Code with its entry under another section.
        repo.append("src/auth.rs", "pub fn refresh() {}\n");
        repo.append(
            "plans/login-execplan.md",
            "\n- [x] (2026-01-03 10:00Z) Added refresh.\n",
        );
        let run = repo.commit_all("Add refresh");
        run.assert_refused("progress-update");
        run.assert_not_flagged("execplan-sections");
    }
}

/// The server judges a push the same way: the checklist's plan is accepted, a plan with no
/// `Tasks` under any heading is refused.
#[test]
fn a_pushed_plan_with_a_joined_tasks_heading_is_accepted() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", TASKS);
    repo.commit_unchecked("Plans keep tasks");
    setup_server(&repo);
    repo.write(
        "plans/logout-execplan.md",
        logout_plan("## Tasks and Progress"),
    );
    repo.commit_unchecked("Plan logout");
    push(&repo, &["origin", "exec/login"]).assert_ok();
    repo.write(
        "plans/audit-execplan.md",
        logout_plan("## Progress and Next Steps"),
    );
    repo.commit_unchecked("Plan audit");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "execplan-sections");
    assert!(run.stderr.contains("\"Tasks\""), "{run:#?}");
}
