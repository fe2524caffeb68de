//! `progress-update` under `require = "planned-work"`: two plan edits that only keep plans in
//! step with the rest of a change were refused as planned work on repositories never replayed
//! before. A spelling sweep (a typos config enforcing one spelling) respells words the code's
//! changed lines do not hold; and code moved out of a file that stays leaves that file's path
//! unremoved, while the plans' pointers follow the code to its new file, a bullet split in two.
//! Each runs the installed hooks; the move also through `check --range`.

use super::common::scenario::{constants, Scenario, PLAN};
use super::planned_work::{on_main, PLANNED_WORK_DEFAULT};

/// The open plan, in British spelling, in its prose and in a ticked Progress entry.
fn plan_in_british_spelling() -> Scenario {
    on_main(Some(PLANNED_WORK_DEFAULT))
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.\n",
            "- [x] (2026-01-01 09:00Z) Plan written.\n- [x] (2026-01-02 10:00Z) Session initialiser centred on the store.\n",
        )
        .replace(
            PLAN,
            "## Progress",
            "The parameterisation of the session initialiser retries 3 times. Artefacts are kept.\n\n## Artefacts and Notes\n\nKept afterwards in the `Store`.\n\n## Progress",
        )
        .setup_commit("Plan the session initialiser")
}

/// A typos config enforcing American spelling, with 240 lines of a scrollbar.
fn sweep(scenario: Scenario) -> Scenario {
    scenario
        .write("_typos.toml", "[default]\nlocale = \"en-us\"\n")
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
}

/// The plan respelled to match.
fn respell(scenario: Scenario) -> Scenario {
    scenario
        .replace(PLAN, "parameterisation", "parameterization")
        .replace(PLAN, "initialiser", "initializer")
        .replace(PLAN, "centred", "centered")
        .replace(PLAN, "Artefacts", "Artifacts")
}

/// The sweep's commit message.
const SWEEP: &str = "Docs: enforce American spelling";

/// The plan in British spelling, swept: the typos config, the scrollbar, the plan respelled.
fn swept() -> Scenario {
    respell(sweep(plan_in_british_spelling()))
}

/// The sweep with the heading `## Artifacts and Notes` put in lower case and `from` replaced by
/// `to` in the plan; returns it with the base a range check of it starts from.
fn swept_with_a_heading_lowercased(from: &str, to: &str) -> (Scenario, String) {
    let scenario = sweep(plan_in_british_spelling());
    let base = scenario.repo.head();
    let scenario = respell(scenario)
        .replace(PLAN, "and Notes", "and notes")
        .replace(PLAN, from, to);
    (scenario, base)
}

/// Commits `scenario` under `message` through the installed hooks: accepted, the plan edit
/// named as only keeping the plan in step with the code.
fn kept_in_sync(scenario: Scenario, message: &str) -> Scenario {
    scenario
        .commit_all(message)
        .accepted()
        .mentions("only has words replaced to match the code")
}

/// `check --range <base>..main` on the last commit, as CI judges it: refused by
/// `progress-update`, or accepted without it.
fn range_judges(scenario: Scenario, base: &str, refused: bool) -> Scenario {
    let range = format!("{base}..main");
    scenario.check(|repo, _| {
        let run = repo.execguard(["check", "--range", &range, "--branch", "main"]);
        if refused {
            run.assert_refused("progress-update");
        } else {
            run.assert_ok().assert_not_flagged("progress-update");
        }
    })
}

/// wireframe and netsuke enforced one spelling across every plan, the ticked entries included:
/// refused as planned work whose entries were only reworded. A word respelled is the same word:
/// the plan is not worked on, and the commit is warned of as work no plan names.
#[test]
fn a_spelling_sweep_over_a_plan_is_not_planned_work() {
    kept_in_sync(swept(), SWEEP).mentions("warning[progress-update]");
}

/// The same sweep with a sentence added, a number changed, a `not` inserted, or a case changed
/// is the plan's own edit: refused without its entry.
#[test]
fn a_spelling_sweep_with_more_changed_is_still_planned_work() {
    // The sweep alone is not (the boundary is the respelled words, not the plan).
    swept().commit_all(SWEEP).accepted();
    for (label, from, to) in [
        (
            "sentence",
            "Artefacts are kept.",
            "Artefacts are kept. Sessions expire daily.",
        ),
        ("number", "retries 3 times", "retries 5 times"),
        ("negation", "Artefacts are kept.", "Artefacts are not kept."),
        // An identifier's case in code is the code's to change.
        ("case in code", "`Store`", "`store`"),
    ] {
        let scenario = respell(sweep(plan_in_british_spelling()).replace(PLAN, from, to));
        scenario
            .commit_all(&format!("{SWEEP} ({label})"))
            .refused("progress-update")
            .mentions("adds no entry");
    }
    // A word changed beyond its spelling: `initialiser` to `finaliser`.
    sweep(plan_in_british_spelling())
        .replace(PLAN, "initialiser", "finaliser")
        .commit_all(SWEEP)
        .refused("progress-update");
}

/// wireframe's Oxford spelling sweep also put a heading word in lower case (`## Artifacts and
/// Notes` to `## Artefacts and notes`) and wrote `afterwards` for `afterward`: refused as entries
/// reworded. A word in another case outside code, and an `-ward` adverb given its `s`, are the
/// same words; judged alike by the hooks and by `check --range`.
#[test]
fn a_spelling_sweep_changing_a_heading_word_case_is_not_planned_work() {
    let (scenario, base) = swept_with_a_heading_lowercased("afterwards", "afterward");
    range_judges(kept_in_sync(scenario, SWEEP), &base, false);
}

/// The same sweep that also puts an identifier in code in lower case (`Store` to `store` in
/// backticks) names another item: refused, by the hooks and by `check --range`.
#[test]
fn a_spelling_sweep_changing_an_identifier_case_in_code_is_still_planned_work() {
    let (scenario, base) = swept_with_a_heading_lowercased("`Store`", "`store`");
    let scenario = scenario
        .commit_all(SWEEP)
        .refused("progress-update")
        .mentions("adds no entry")
        .setup_commit(SWEEP);
    range_judges(scenario, &base, true);
}

/// The reporter factory, in the runner file that also orchestrates the pipeline; the open plan
/// points at the runner file for both, in a bullet and in a ticked Progress entry.
fn plan_pointing_at_the_runner() -> Scenario {
    on_main(Some(PLANNED_WORK_DEFAULT))
        .write(
            "src/pipeline.rs",
            "pub fn make_reporter(json: bool) -> Reporter {\n    let quiet = json || std::env::var(\"QUIET\").is_ok();\n    Reporter::new(quiet)\n}\n\npub fn orchestrate(stages: &[Stage]) {\n    for stage in stages {\n        stage.execute();\n    }\n}\n",
        )
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.\n",
            "- [x] (2026-01-01 09:00Z) Plan written.\n- [x] (2026-01-02 10:00Z) Reporter factory in `src/pipeline.rs` (`make_reporter`).\n",
        )
        .replace(
            PLAN,
            "## Progress",
            "- `src/pipeline.rs`: reporter construction; stage orchestration, not retries.\n\n## Progress",
        )
        .setup_commit("Reporter and pipeline")
}

/// The factory moved out of `src/pipeline.rs`, which stays, into the new `src/factory.rs`, with
/// 240 lines of a scrollbar.
fn move_the_factory(scenario: Scenario) -> Scenario {
    scenario
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
        .write(
            "src/pipeline.rs",
            "pub fn orchestrate(stages: &[Stage]) {\n    for stage in stages {\n        stage.execute();\n    }\n}\n",
        )
        .write(
            "src/factory.rs",
            "pub fn make_reporter(json: bool) -> Reporter {\n    let quiet = json || std::env::var(\"QUIET\").is_ok();\n    Reporter::new(quiet)\n}\n",
        )
}

/// The move's commit message.
const MOVE: &str = "Runner: move the reporter factory into its own file";

/// The factory moved and the plan repointed; returns it with the base a range check of it
/// starts from.
fn moved_and_repointed() -> (Scenario, String) {
    let scenario = plan_pointing_at_the_runner();
    let base = scenario.repo.head();
    (repoint(move_the_factory(scenario)), base)
}

/// The plan's pointers follow the factory, the bullet split in two.
fn repoint(scenario: Scenario) -> Scenario {
    scenario
        .replace(
            PLAN,
            "`src/pipeline.rs` (`make_reporter`)",
            "`src/factory.rs` (`make_reporter`)",
        )
        .replace(
            PLAN,
            "- `src/pipeline.rs`: reporter construction; stage orchestration, not retries.",
            "- `src/factory.rs`: reporter construction.\n- `src/pipeline.rs`: stage orchestration, not retries.",
        )
}

/// netsuke moved `make_reporter` from `src/runner/mod.rs` (which stays) to the new
/// `src/runner/reporter.rs`, and its plans' pointers followed, one bullet split in two: refused
/// as entries only reworded, since the commit removes no path and the split adds words. The
/// lines the runner file loses are the new file's, so its path may be replaced; the split
/// re-uses the bullet's own words. Judged alike by the hooks and by `check --range`.
#[test]
fn a_plan_following_code_moved_out_of_a_file_that_stays_is_kept_in_sync() {
    let (scenario, base) = moved_and_repointed();
    range_judges(kept_in_sync(scenario, MOVE), &base, false);
}

/// The same move with a step added beside the repointed bullet, with a `not` written into the
/// split (though the bullet already holds one), or with the pointer moved to a new file the old one lost nothing to, is the plan's own
/// edit: refused, by the hooks and by `check --range`.
#[test]
fn a_plan_edit_beyond_code_moved_out_is_still_planned_work() {
    // The move alone is not (the boundary is the words re-used, not the plan).
    moved_and_repointed().0.commit_all(MOVE).accepted();
    let bullet = "- `src/pipeline.rs`: stage orchestration, not retries.";
    let (scenario, base) = moved_and_repointed();
    let scenario = scenario
        .replace(
            PLAN,
            bullet,
            &format!("{bullet}\n- `src/pipeline.rs`: stage timeouts."),
        )
        .commit_all(MOVE)
        .refused("progress-update")
        .setup_commit(MOVE);
    range_judges(scenario, &base, true);
    moved_and_repointed()
        .0
        .replace(
            PLAN,
            bullet,
            "- `src/pipeline.rs`: not stage orchestration, not retries.",
        )
        .commit_all(MOVE)
        .refused("progress-update");
    // Nothing moved: the factory stays where it was, and a new file is added beside it.
    repoint(plan_pointing_at_the_runner())
        .write("src/scrollbar.rs", constants("SCROLL_", 240))
        .write("src/factory.rs", "pub fn unrelated() {}\n")
        .append("src/pipeline.rs", "pub fn more() {}\n")
        .commit_all("Runner: a new file")
        .refused("progress-update");
}
