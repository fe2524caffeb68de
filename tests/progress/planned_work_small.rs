//! `progress-update` under `require = "planned-work"`: small work that is planned work only
//! because it edits an open plan (its prose kept in sync, a finding recorded in Surprises &
//! Discoveries) was refused for no Progress entry on repositories never replayed before. It is a
//! warning (`plan-touch-small-work = "warn"`, the default); larger work, work a trailer names, and
//! the "refuse" choice are still refused. Each runs the installed hooks.

use super::common::scenario::{constants, Scenario, PLAN};
use super::common::TestRepo;
use super::planned_work::{on_main, PLANNED_WORK_DEFAULT};

/// What `check --range <base>..main` prints, which must pass (exit 0).
fn range_output(repo: &TestRepo, base: &str) -> String {
    let run = repo.execguard([
        "check",
        "--range",
        &format!("{base}..main"),
        "--branch",
        "main",
    ]);
    run.assert_ok();
    format!("{}{}", run.stdout, run.stderr)
}

/// A repository on main under `require = "planned-work"` and `within = "push"`, and the commit
/// its ranges start from.
fn within_push_on_main() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nrequire = \"planned-work\"\nwithin = \"push\"\n",
    );
    repo.commit_unchecked("Configure execguard");
    // A step still open: a plan whose every item is done is finished, not worked under.
    let plan = repo
        .read(PLAN)
        .replace("Plan written.\n", "Plan written.\n- [ ] Logout.\n");
    repo.write(PLAN, plan);
    repo.commit_unchecked("Plan the logout");
    repo.git(["checkout", "-q", "-B", "main"]);
    let base = repo.head();
    (repo, base)
}

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

/// A pull request whose plan, with its first Progress entry, came in the commit after its first
/// code commit was warned for that code commit as unplanned complex work: under
/// `within = "push"` whatever settles a refusal settles the same finding given as a warning.
#[test]
fn within_push_a_later_plan_settles_the_warning_for_earlier_code() {
    let (repo, base) = within_push_on_main();
    for file in 0..8 {
        repo.write(&format!("src/footer/part{file}.rs"), constants("F_", 50));
    }
    repo.commit_unchecked("Add the footer");
    let check = |repo: &TestRepo| range_output(repo, &base);
    // Alone, the code is warned of as complex work no plan names.
    assert!(check(&repo).contains("warning[progress-update]"));
    let plan = repo.read(PLAN).replace(
        "- [x] (2026-01-01 09:00Z) Plan written.\n",
        "- [x] (2026-01-01 09:00Z) Plan written.\n- [x] (2026-01-02 10:00Z) Footer added.\n",
    );
    repo.write("plans/footer-execplan.md", plan);
    repo.commit_unchecked("Plan the footer");
    let output = check(&repo);
    assert!(!output.contains("warning[progress-update]"), "{output}");
    assert!(!output.contains("error[progress-update]"), "{output}");
}

/// Under `within = "push"`, a small routine fix whose range touches no plan is not planned work:
/// neither refused nor warned of. When a later commit of the range edits the open plan without
/// an entry, the fix is warned of, naming the range rather than a plan.
#[test]
fn within_push_a_small_fix_is_warned_only_when_its_range_touches_a_plan() {
    let (repo, base) = within_push_on_main();
    repo.append("src/auth.rs", &constants("FIX_", 20));
    repo.commit_unchecked("Fix the session expiry");
    let check = |repo: &TestRepo| range_output(repo, &base);
    let output = check(&repo);
    assert!(!output.contains("progress-update"), "{output}");
    let plan = repo
        .read(PLAN)
        .replace("None yet.\n", "- The expiry was counted in local time.\n");
    repo.write(PLAN, plan);
    repo.commit_unchecked("Record the expiry finding");
    let output = check(&repo);
    assert!(output.contains("warning[progress-update]"), "{output}");
    assert!(output.contains("its push or range touches"), "{output}");
}
