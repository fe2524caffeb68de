//! `progress-update` under `require = "planned-work"`: a finished plan (every Progress item done)
//! that later, unplanned work annotates as history — a banner saying what superseded it, paths
//! corrected, a decision recording that a later change replaced its design — was refused as
//! planned work without its entry. Annotation leaves the plan finished, so the work is judged as
//! unplanned work is; a new phase or an open checkbox still plans work under it. Each runs the
//! installed hooks, and `check --range` judges the pushed commits the same way.

use super::commit_shapes::with_config;
use super::common::scenario::{constants, Scenario, PLAN};
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
