//! Documents a team keeps beside its plans that are not plans: a findings note, an analysis
//! report, a stub pointing at a plan on another branch. They are accepted with a warning that
//! names them; a plan without its sections stays refused, whatever it is titled, and no code
//! counts as planned under a document that is not a plan.

use super::*;

const ACTIVE: &str = "[layout]\nexecplans = \"docs/exec-plans/**/{feature}.md\"\n";
const MASTER: &str = "docs/exec-plans/active/backend-overhaul.md";

/// A findings note as teams file them in `active/`: exit criteria ticked, none of the sections.
const FINDINGS: &str = "# M1 Findings: Skill Invocation Contracts (REQ-8 Step 0.5)\n\nVerified 2026-05-09.\n\n## Verification\n\n| Skill | Status |\n|---|---|\n| memory | Present |\n\n## M1 Exit Criteria\n\n- [x] memory skill exists; invocation documented\n\n## Handoff to M2\n\nM2 cites these patterns verbatim.\n";
const FINDINGS_PATH: &str = "docs/exec-plans/active/req-8-m1-skill-contracts.md";

/// An analysis report, a child deliverable of the master plan, stored beside it.
const INVENTORY: &str = "# Backend Inventory 2026-07 (Phase 1)\n\nChild deliverable of [the master](./backend-overhaul.md).\n\n## 1. Dead-code pass\n\n8 findings.\n\n## 2. Hotspots\n\nTop 15 files by churn.\n";
const INVENTORY_PATH: &str = "docs/exec-plans/active/backend-inventory-2026-07.md";

/// A stub on the main branch for a plan that lives on a pull-request branch.
const STUB: &str = "# vt snapshot: wide-char column misalignment\n\n- **Issue:** #142\n- **Status:** active\n\n## Why this stub exists on main\n\nThe full exec plan and the code live on the pull-request branch; this stub keeps anyone\nreading `active/` from starting a parallel attempt.\n";
const STUB_PATH: &str = "docs/exec-plans/active/142-vt-snapshot-wide-char.md";

/// A plan as its team writes it, without the living sections.
const SECTIONLESS_PLAN: &str = "# ExecPlan: Billing time-zone cleanup\n\nSpec: specs/billing.md\n\n## Background\n\nDead parameters.\n\n## Steps\n\n1. Drop the parameter.\n";

fn files() -> Vec<(&'static str, String)> {
    vec![
        (".execguard.toml", ACTIVE.to_string()),
        (
            "specs/billing.md",
            "# Billing\n\nEXEC-READY\n\nInvoices.\n".to_string(),
        ),
        (
            MASTER,
            plan(
                "Backend overhaul",
                "EXECPLAN-READY",
                "Spec: specs/billing.md",
            ),
        ),
        ("src/billing.rs", "pub fn invoice() {}\n".to_string()),
    ]
}

fn active_client() -> TestRepo {
    let files = files();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    client_repo(&files, "notes")
}

fn active_server() -> TestRepo {
    let files = files();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    server_repo(&files, "exec/backend-overhaul")
}

/// The commit is accepted, and the warning names the rule, the file and the config key.
#[track_caller]
fn assert_warned_about(run: &Run, path: &str) {
    assert!(!run.stderr.contains("error["), "{run:#?}");
    let warning = format!("warning[execplan-sections] {path}:");
    assert!(run.stderr.contains(&warning), "{run:#?}");
    assert!(run.stderr.contains("[layout] not-planning"), "{run:#?}");
}

#[test]
fn a_findings_note_beside_the_plans_is_accepted_with_a_warning_naming_it() {
    let repo = active_client();
    repo.write(FINDINGS_PATH, FINDINGS);
    let run = repo.commit_all("Record the M1 findings");
    run.assert_ok();
    assert_warned_about(&run, FINDINGS_PATH);
    assert!(run.stderr.contains("reads as findings"), "{run:#?}");
    assert_eq!(repo.read(FINDINGS_PATH), FINDINGS, "the file is untouched");
}

#[test]
fn an_analysis_report_beside_its_master_plan_is_accepted_with_a_warning() {
    let repo = active_client();
    repo.write(INVENTORY_PATH, INVENTORY);
    let run = repo.commit_all("Add the phase 1 inventory");
    run.assert_ok();
    assert_warned_about(&run, INVENTORY_PATH);
    assert!(run.stderr.contains("reads as inventory"), "{run:#?}");
}

#[test]
fn a_stub_pointing_at_a_plan_on_another_branch_is_accepted_with_a_warning() {
    let repo = active_client();
    repo.write(STUB_PATH, STUB);
    let run = repo.commit_all("Stub the plan kept on the pull-request branch");
    run.assert_ok();
    assert_warned_about(&run, STUB_PATH);
    assert!(run.stderr.contains("stub pointing at a plan"), "{run:#?}");
}

#[test]
fn the_server_accepts_documents_beside_the_plans_with_a_warning() {
    let repo = active_server();
    repo.write(FINDINGS_PATH, FINDINGS);
    repo.commit_unchecked("Record the M1 findings");
    repo.write(INVENTORY_PATH, INVENTORY);
    repo.write(STUB_PATH, STUB);
    repo.commit_unchecked("Add the inventory and the stub");
    let run = assert_branch_push_lands(&repo, "exec/backend-overhaul", &[]);
    for path in [FINDINGS_PATH, INVENTORY_PATH, STUB_PATH] {
        assert_warned_about(&run, path);
    }
}

#[test]
fn a_plan_without_sections_titled_as_a_plan_is_still_refused() {
    let path = "docs/exec-plans/active/billing-timezone-cleanup.md";
    let repo = active_client();
    repo.write(path, SECTIONLESS_PLAN);
    let run = repo.commit_all("Plan the time-zone cleanup");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains(path), "{run:#?}");
    // Also when it is called a report but says it is a plan.
    let repo = active_client();
    let report = SECTIONLESS_PLAN.replace(
        "# ExecPlan: Billing",
        "# Billing cleanup report\n\nThis plan drops the dead",
    );
    repo.write("docs/exec-plans/active/billing-report.md", report);
    repo.commit_all("Plan the cleanup")
        .assert_refused("execplan-sections");
    // And on the server.
    let repo = active_server();
    repo.write(path, SECTIONLESS_PLAN);
    repo.commit_unchecked("Plan the time-zone cleanup");
    let run = assert_push_refused(&repo, "exec/backend-overhaul", "execplan-sections");
    assert!(run.stderr.contains(path), "{run:#?}");
}

/// Titling a plan "Findings" and dropping its sections does not take it out of the check: the
/// plan it was still answers for what the change took away.
#[test]
fn a_plan_retitled_as_findings_without_its_sections_is_refused() {
    let repo = active_client();
    repo.write(
        MASTER,
        "# Backend overhaul findings\n\nSpec: specs/billing.md\n\nAll good.\n",
    );
    let run = repo.commit_all("Summarise the overhaul");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains(MASTER), "{run:#?}");
}

/// A sectionless note titled "Findings" is no plan: code committed with it, or beside an edit
/// of it, is not planned by it and is refused for want of a Progress entry.
#[test]
fn code_beside_a_findings_note_is_not_planned_by_it() {
    let repo = active_client();
    repo.write(FINDINGS_PATH, FINDINGS);
    repo.append("src/billing.rs", "pub fn refund() {}\n");
    let run = repo.commit_all("Add refunds, as the findings say");
    run.assert_refused("progress-update");
    run.assert_not_flagged("execplan-sections");
    assert!(run
        .stderr
        .contains(&format!("warning[execplan-sections] {FINDINGS_PATH}:")));
    // The note lands on its own; an edit of it does not plan the code either.
    repo.git(["reset", "-q", "src/billing.rs"]);
    repo.git(["checkout", "-q", "--", "src/billing.rs"]);
    repo.commit_all("Record the M1 findings").assert_ok();
    repo.append(FINDINGS_PATH, "\n- [x] refunds done\n");
    repo.append("src/billing.rs", "pub fn refund() {}\n");
    let run = repo.commit_all("Add refunds");
    run.assert_refused("progress-update");
    run.assert_not_flagged("execplan-sections");
    // On a branch named after the note, the code answers to it as to a plan, and it is no plan
    // ready for code.
    repo.git(["checkout", "-q", "--", "src/billing.rs", FINDINGS_PATH]);
    repo.git(["checkout", "-q", "-b", "exec/req-8-m1-skill-contracts"]);
    repo.append(FINDINGS_PATH, "\n- [x] refunds done\n");
    repo.append("src/billing.rs", "pub fn refund() {}\n");
    let run = repo.commit_all("Add refunds");
    run.assert_refused("execplan-ready");
    run.assert_not_flagged("execplan-sections");
}

/// A paste-in agent command kept beside the plan it serves, as teams write them: the title
/// names the plan it carries out, and it sends the agent to that plan.
const RUNBOOK: &str = "# Agent command: implement backend overhaul plan (milestone loop)\n\nPaste the **Command** block below into an agent. Authority for what to build remains:\n\n- Execution plan: `docs/exec-plans/active/backend-overhaul.md`\n\nDo not invent a second product plan. Execute the existing plan.\n\n## Command (paste this)\n\n```text\nGOAL: Fully implement docs/exec-plans/active/backend-overhaul.md until every\nProgress checkbox is [x].\n```\n";
const RUNBOOK_PATH: &str = "docs/exec-plans/active/backend-overhaul-agent-runbook.md";

#[test]
fn an_agent_runbook_serving_another_plan_is_accepted_with_a_warning() {
    let repo = active_client();
    repo.write(RUNBOOK_PATH, RUNBOOK);
    let run = repo.commit_all("Add the agent runbook for the overhaul");
    run.assert_ok();
    assert_warned_about(&run, RUNBOOK_PATH);
    assert!(
        run.stderr
            .contains(&format!("reads as runbook serving the plan {MASTER}")),
        "{run:#?}"
    );
    assert_eq!(repo.read(RUNBOOK_PATH), RUNBOOK, "the file is untouched");
    // The server reads it the same way.
    let repo = active_server();
    repo.write(RUNBOOK_PATH, RUNBOOK);
    repo.commit_unchecked("Add the agent runbook for the overhaul");
    let run = assert_branch_push_lands(&repo, "exec/backend-overhaul", &[]);
    assert_warned_about(&run, RUNBOOK_PATH);
}

/// A plan title naming the plan it continues is still a plan's title when the file is not
/// named as a runbook, a prompt or the like, and a runbook that says "this plan" is a plan.
#[test]
fn a_sectionless_plan_naming_the_plan_it_continues_is_still_refused() {
    let path = "docs/exec-plans/active/backend-overhaul-part-two.md";
    let repo = active_client();
    repo.write(path, RUNBOOK);
    let run = repo.commit_all("Plan part two");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains(path), "{run:#?}");
    let repo = active_client();
    let own = RUNBOOK.replace("Do not invent", "This plan adds the CLI. Do not invent");
    repo.write(RUNBOOK_PATH, own);
    let run = repo.commit_all("Plan the CLI");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains(RUNBOOK_PATH), "{run:#?}");
}

/// A document beside the plans is no plan, so deleting it deletes no plan: a findings note, a
/// report and a stub removed by a commit whose message names none of them land on the server,
/// while the master plan beside them, ready, is refused when deleted the same way.
#[test]
fn the_server_accepts_deleting_documents_beside_the_plans_but_not_a_plan() {
    let repo = active_server();
    repo.write(FINDINGS_PATH, FINDINGS);
    repo.write(INVENTORY_PATH, INVENTORY);
    repo.write(STUB_PATH, STUB);
    repo.commit_unchecked("Add the findings, the inventory and the stub");
    assert_branch_push_lands(&repo, "exec/backend-overhaul", &[]);
    repo.git(["rm", "-q", FINDINGS_PATH, INVENTORY_PATH, STUB_PATH]);
    repo.commit_unchecked("Tidy the active folder");
    let run = assert_branch_push_lands(&repo, "exec/backend-overhaul", &[]);
    run.assert_not_flagged("execplan-deleted");
    repo.execguard(["check", "--range", "HEAD~1..HEAD"])
        .assert_ok();

    repo.git(["rm", "-q", MASTER]);
    repo.commit_unchecked("Tidy the active folder again");
    let run = assert_push_refused(&repo, "exec/backend-overhaul", "execplan-deleted");
    assert!(
        run.stderr.contains(&format!("deletes {MASTER}")),
        "{run:#?}"
    );
}
