//! `progress-update` under `require = "planned-work"`: a finished plan (every Progress item done)
//! that later, unplanned work annotates as history — a banner saying what superseded it, paths
//! corrected, a decision recording that a later change replaced its design — was refused as
//! planned work without its entry. Annotation leaves the plan finished, so the work is judged as
//! unplanned work is; a new phase or an open checkbox still plans work under it. So does a later
//! fix recorded in the plan's own review-findings or follow-up section, as a team whose guide
//! keeps review fixes there writes it; numbered steps there still plan work. Each runs the
//! installed hooks, and `check --range` judges the pushed commits the same way.

use super::commit_shapes::with_config;
use super::common::command_after;
use super::common::scenario::{constants, Scenario, PLAN};
use super::common::Run;
use super::planned_work::PLANNED_WORK_DEFAULT;

/// The fixture's plan is finished: its one Progress item is done.
fn finished_on_main() -> (Scenario, String) {
    let scenario = with_config(PLANNED_WORK_DEFAULT).git(["checkout", "-q", "-B", "main"]);
    let base = scenario.repo.head();
    (scenario, base)
}

/// 400 lines of new code in eight files: complex work that no plan names.
fn footer(mut scenario: Scenario) -> Scenario {
    for file in 0..8 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 50));
    }
    scenario
}

/// A "Superseded in part" banner above the plan's sections, and a path corrected in its prose.
fn superseded_banner(scenario: Scenario) -> Scenario {
    scenario
        .replace(
            PLAN,
            "## Progress\n",
            "> **Superseded in part.** The footer work replaced this plan's session store. The\n> references below are corrected; its steps and decisions are left as executed.\n\n## Progress\n",
        )
        .replace(
            PLAN,
            "Keep sessions in memory.",
            "Keep sessions in memory (`src/session/`).",
        )
}

/// A decision recording that later work replaced the plan's design.
fn superseding_decision(scenario: Scenario) -> Scenario {
    scenario.replace(
        PLAN,
        "- Keep sessions in memory.\n",
        "- Keep sessions in memory.\n- Superseded: the footer work moved sessions to the footer store; this plan's session records are history.\n",
    )
}

/// `check --range <base>..main`: exit 0, a warning of unplanned complex work, no refusal.
fn range_warns(scenario: Scenario, base: &str) -> Scenario {
    let range = format!("{base}..main");
    scenario.check(|repo, _| {
        let run = repo.execguard(["check", "--range", &range, "--branch", "main"]);
        run.assert_ok();
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(output.contains("warning[progress-update]"), "{run:#?}");
        assert!(output.contains("this looks like complex work"), "{run:#?}");
        assert!(!output.contains("error[progress-update]"), "{run:#?}");
    })
}

/// Large unplanned work that adds a banner to a finished plan is committed with the warning of
/// unplanned complex work, as if it had not touched the plan, naming the plan as finished.
#[test]
fn a_finished_plan_given_a_superseded_banner_stays_finished() {
    let (scenario, base) = finished_on_main();
    let scenario = footer(superseded_banner(scenario))
        .commit_all("Add the footer; mark the login plan superseded in part")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("this looks like complex work")
        .mentions(&format!("{PLAN} is finished"));
    range_warns(scenario, &base);
}

/// The same with one new Decision Log entry recording that the later work replaced the design.
#[test]
fn a_finished_plan_given_a_superseding_decision_stays_finished() {
    let (scenario, base) = finished_on_main();
    let scenario = footer(superseding_decision(scenario))
        .commit_all("Add the footer; record that it replaced the login plan's sessions")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("this looks like complex work")
        .mentions(&format!("{PLAN} is finished"));
    range_warns(scenario, &base);
}

/// What the hooks refuse, committed past them, is refused by `check --range` too (exit 1).
fn range_refuses(scenario: Scenario, base: &str, message: &str) {
    let range = format!("{base}..main");
    scenario
        .git(["add", "-A"])
        .git(["commit", "-q", "--no-verify", "-m", message])
        .attempt(|repo| repo.execguard(["check", "--range", &range, "--branch", "main"]))
        .refused("progress-update")
        .mentions("adds no entry");
}

/// A new phase with its steps in a finished plan plans work under it: the work needs its entry,
/// banner or not, and whether the steps are a list or ticked boxes.
#[test]
fn a_finished_plan_given_a_new_phase_is_planned_work() {
    let phases = [
        "\n## Phase 4: Logout\n\n1. End sessions on request.\n2. Clear the cookie.\n",
        "\n## Phase 4: Logout\n\n- [x] End sessions on request.\n- [x] Clear the cookie.\n",
    ];
    for phase in phases {
        let (scenario, base) = finished_on_main();
        let scenario = footer(superseded_banner(scenario).append(PLAN, phase))
            .named(phase)
            .commit_all("Add the logout")
            .refused("progress-update")
            .mentions("adds no entry");
        range_refuses(scenario, &base, "Add the logout");
    }
}

/// An open checkbox added anywhere in a finished plan, its Outcomes included, reopens it: the
/// work needs its entry.
#[test]
fn a_finished_plan_given_an_open_checkbox_is_planned_work() {
    let boxes = [
        (
            "- Keep sessions in memory.\n",
            "- Keep sessions in memory.\n- [ ] Expire sessions after a day.\n",
        ),
        (
            "Pending.\n",
            "Pending.\n\n- [ ] Follow up: expire sessions after a day.\n",
        ),
    ];
    for (from, to) in boxes {
        let (scenario, base) = finished_on_main();
        let scenario = footer(scenario.replace(PLAN, from, to))
            .named(to)
            .commit_all("Add the footer; plan the expiry")
            .refused("progress-update")
            .mentions("adds no entry");
        range_refuses(scenario, &base, "Add the footer; plan the expiry");
    }
}

/// A post-implementation review's fixes, recorded in a section of their own: findings marked
/// fixed, a paragraph, no checkbox.
const REVIEW_FIXES: &str = "\n## Review Findings & Fixes (post-implementation review)\n\nA review after the last step found bugs; fixes applied:\n\n- **High — the session never expired.** Fixed in `src/auth.rs`, with a test.\n\n  The expiry was compared in seconds.\n- **Low — the log named the wrong user.** Fixed.\n";

/// A later fix recorded under a dated follow-up heading, with the evidence that led to it.
const FOLLOW_UP: &str = "\n## Follow-up (2026-06-05)\n\nThe journals showed the remaining loop:\n\n- 34 idle misses with only `renderInvalidated` set;\n- 68 in the latest dump.\n\nFix: clear the flag after a repeated miss.\n";

/// A fix recorded in a finished plan's review-findings or follow-up section, every Progress item
/// ticked, was refused as planned work without its Progress entry: the section's heading and
/// list items made the plan count as open (laban 1784860, 331c5b5, 622ec90). A record of what was
/// done leaves the plan finished, so a small fix is accepted and a large one is warned of as
/// unplanned complex work naming the plan as finished, by the hooks and by `check --range`.
#[test]
fn a_finished_plan_given_a_fix_under_review_findings_stays_finished() {
    for record in [REVIEW_FIXES, FOLLOW_UP] {
        // Small work, with every tightening choice: nothing to refuse or warn of.
        with_config(super::planned_work::PLANNED_WORK)
            .git(["checkout", "-q", "-B", "main"])
            .append(PLAN, record)
            .append("src/auth.rs", &constants("FIX_", 60))
            .named(record)
            .commit_all("Fix the session expiry found in review")
            .accepted()
            .not_flagged("progress-update");
        let (scenario, base) = finished_on_main();
        let scenario = footer(scenario.append(PLAN, record))
            .named(record)
            .commit_all("Add the footer; record the review fixes")
            .accepted()
            .mentions("this looks like complex work")
            .mentions(&format!("{PLAN} is finished"));
        range_warns(scenario, &base);
    }
    // A later fix appended to the section written before (the plan already finished with it).
    let (scenario, base) = finished_on_main();
    let scenario = scenario
        .append(PLAN, REVIEW_FIXES)
        .setup_commit("Record the review")
        .append(PLAN, "\nField-reported fix (2026-07-29):\n\n- **High — a deleted overlay skipped the user's rc file.** Fixed: reinstalled at spawn.\n");
    let scenario = footer(scenario)
        .commit_all("Reinstall a deleted overlay")
        .accepted()
        .mentions("this looks like complex work")
        .mentions(&format!("{PLAN} is finished"));
    range_warns(scenario, &base);
}

/// Steps written under a record's heading, a heading that also names work to do, a phase under
/// the findings, or an open checkbox there plan work under the finished plan: refused without an
/// entry, and the refusal names the plan the commit touched outside its Progress section, so the
/// reader sees why the work counts as planned. Its hint's escalation command works.
#[test]
fn steps_under_a_finished_plans_follow_up_are_planned_work_and_name_the_plan() {
    let touched = format!("It touches {PLAN} outside its Progress section");
    let grown = [
        "\n## Follow-up\n\n1. End sessions on request.\n2. Clear the cookie.\n",
        "\n## Follow-up tasks\n\n- End sessions on request.\n",
        "\n## Review Findings & Fixes\n\n### Phase 4: Logout\n\nEnd sessions on request.\n",
        "\n## Review Findings & Fixes\n\n- [ ] Expire sessions after a day.\n",
        "\n## Review Findings & Fixes\n\n| finding | fix |\n|---|---|\n| expiry | later |\n",
    ];
    for steps in grown {
        let (scenario, base) = finished_on_main();
        let scenario = footer(scenario.append(PLAN, steps))
            .named(steps)
            .commit_all("Add the logout")
            .refused("progress-update")
            .mentions("adds no entry")
            .mentions(&touched)
            .check(|repo, run| {
                let escalate = command_after(&run.stderr, "stop and escalate (");
                assert_eq!(escalate, "execguard escalate \"<question>\"");
                let asked = Run::from_command(repo.command("sh").arg("-c").arg(&escalate));
                assert!(asked.ok(), "{asked:#?}");
            });
        range_refuses(scenario, &base, "Add the logout");
    }
}
