//! `progress-update` under `require = "planned-work"`: what a commit does to a plan, and whether
//! that makes it planned work. Each runs the installed hooks.

use super::common::scenario::{constants, Scenario, PLAN};
use super::planned_work::{on_main, PLANNED_WORK};

/// The fixture's plan, reflowed: other list markers and indentation, a wrapped entry, trailing
/// spaces, blank lines and another emphasis style; what a reader sees is unchanged.
fn reformat_plan(scenario: Scenario) -> Scenario {
    scenario
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.\n",
            "*   [x] (2026-01-01 09:00Z)\n    Plan written.   \n\n",
        )
        .replace(
            PLAN,
            "- Keep sessions in memory.\n",
            "+ Keep sessions\n  in memory.\n",
        )
        .replace(PLAN, "None yet.\n", "\n\nNone\nyet.\n")
}

/// A formatting pass over an open plan, committed with a routine fix, made the fix planned work
/// and refused it for lacking an entry: a plan whose rendered text is unchanged is not touched.
#[test]
fn a_formatting_pass_over_an_open_plan_is_not_planned_work() {
    reformat_plan(on_main(Some(PLANNED_WORK)))
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; format the plans")
        .accepted();
    // Judged like other unplanned code: complex work beside it is still found.
    let mut scenario = reformat_plan(on_main(Some(PLANNED_WORK)));
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    scenario
        .commit_all("Add the footer; format the plans")
        .refused("progress-update")
        .mentions("this looks like complex work");
    // A change a reader sees (a word) still makes the fix planned work, which needs its entry.
    reformat_plan(on_main(Some(PLANNED_WORK)))
        .replace(PLAN, "None\nyet.\n", "None\nyet, but soon.\n")
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry; format the plans")
        .refused("progress-update")
        .mentions("adds no entry");
}
