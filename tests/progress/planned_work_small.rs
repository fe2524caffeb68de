//! `progress-update` under `require = "planned-work"`: small work that is planned work only
//! because it edits an open plan (its prose kept in sync, a finding recorded in Surprises &
//! Discoveries) was refused for no Progress entry on repositories never replayed before. It is a
//! warning (`plan-touch-small-work = "warn"`, the default); larger work, work a trailer names, and
//! the "refuse" choice are still refused. Each runs the installed hooks.

use super::common::scenario::{constants, Scenario, PLAN};
use super::planned_work::{on_main, PLANNED_WORK_DEFAULT};

/// A finding recorded in the open plan's Surprises & Discoveries.
fn record_a_finding(scenario: Scenario) -> Scenario {
    scenario.replace(
        PLAN,
        "None yet.\n",
        "- The session cookie expired a day early: the expiry was counted in local time.\n",
    )
}

/// A 20-line fix that records a finding in an open plan and adds no Progress entry is committed
/// with a warning naming the rule and the plan, and `check --range` reports the warning and
/// exits 0.
#[test]
fn a_small_fix_that_edits_an_open_plan_is_warned_not_refused() {
    let scenario = on_main(Some(PLANNED_WORK_DEFAULT));
    let base = scenario.repo.head();
    record_a_finding(scenario)
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the session expiry")
        .accepted()
        .mentions("warning[progress-update]")
        .mentions("only a warning")
        .mentions(PLAN)
        .check(|repo, _| {
            let range = format!("{base}..main");
            let run = repo.execguard(["check", "--range", &range, "--branch", "main"]);
            run.assert_ok();
            let output = format!("{}{}", run.stdout, run.stderr);
            assert!(output.contains("warning[progress-update]"), "{run:#?}");
            assert!(!output.contains("error[progress-update]"), "{run:#?}");
        });
}

/// The same edit of the plan beside 400 lines of code: above the unplanned limits the missing
/// entry is still refused.
#[test]
fn a_large_change_that_edits_an_open_plan_is_refused() {
    record_a_finding(on_main(Some(PLANNED_WORK_DEFAULT)))
        .append("src/auth.rs", &constants("FIX_", 400))
        .commit_all("Rework the session expiry")
        .refused("progress-update")
        .mentions("adds no entry")
        .unmoved();
}

/// Named by an `Execplan:` trailer, the small fix is the plan's work and needs its entry.
#[test]
fn a_small_fix_named_by_a_trailer_is_refused_without_its_entry() {
    record_a_finding(on_main(Some(PLANNED_WORK_DEFAULT)))
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the session expiry\n\nExecplan: login")
        .refused("progress-update")
        .mentions("named by the `Execplan:` trailer")
        .unmoved();
}

/// `plan-touch-small-work = "refuse"`, the tightening choice, refuses the small fix too.
#[test]
fn plan_touch_small_work_refuse_refuses_the_small_fix() {
    let config = format!("{PLANNED_WORK_DEFAULT}plan-touch-small-work = \"refuse\"\n");
    record_a_finding(on_main(Some(&config)))
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the session expiry")
        .refused("progress-update")
        .mentions("adds no entry")
        .unmoved();
}
