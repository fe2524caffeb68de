//! `progress-update` under `require = "planned-work"` at commit time, replaying what teams that
//! plan only complex work commit: routine fixes and their tests, a feature no plan names, work
//! beside a closed plan or a plan of another era (reverts are in `planned_work_reverts.rs`).
//! Each runs the installed hooks.

use super::commit_shapes::with_config;
use super::common::scenario::{constants, Scenario, PLAN};

/// Planned work with unplanned complex work, and small work touching a plan without an entry,
/// refused: the tightening choices (the defaults warn).
pub(super) const PLANNED_WORK: &str = "[rules.progress-update]\nrequire = \"planned-work\"\nunplanned-complex-work = \"refuse\"\nplan-touch-small-work = \"refuse\"\n";

/// Planned work with its defaults: unplanned complex work is a warning.
pub(super) const PLANNED_WORK_DEFAULT: &str =
    "[rules.progress-update]\nrequire = \"planned-work\"\n";

/// `config` committed, then the branch `main`, which names no feature. The plan has a step
/// still open: a plan whose every Progress item is done is finished, and touching it is not
/// planned work (see `planned_work_plans::a_finished_plan_that_never_moves_is_not_planned_work`).
pub(super) fn on_main(config: Option<&str>) -> Scenario {
    let scenario = match config {
        Some(config) => with_config(config),
        None => Scenario::exec(),
    };
    scenario
        .replace(PLAN, "Plan written.\n", "Plan written.\n- [ ] Logout.\n")
        .setup_commit("Plan the logout")
        .git(["checkout", "-q", "-B", "main"])
}

/// A routine fix on main that no plan names: under `require = "planned-work"` it needs no entry;
/// under the default every code commit does.
#[test]
fn planned_work_accepts_a_routine_unattributed_fix_on_main() {
    on_main(Some(PLANNED_WORK))
        .append("src/auth.rs", &constants("FIX_", 30))
        .write("src/session.rs", "pub fn expire() {}\n")
        .commit_all("Fix session expiry")
        .accepted();
    on_main(None)
        .append("src/auth.rs", &constants("FIX_", 30))
        .write("src/session.rs", "pub fn expire() {}\n")
        .commit_all("Fix session expiry")
        .refused("progress-update");
}

/// A feature of 216 lines across seven files that no plan names is complex work: refused with
/// its own finding, and an agent is told to stop and escalate when unsure.
#[test]
fn planned_work_refuses_an_unattributed_feature_as_unplanned_complex_work() {
    let mut scenario = on_main(Some(PLANNED_WORK));
    for file in 0..7 {
        let lines = if file == 0 { 36 } else { 30 };
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", lines));
    }
    scenario
        .commit_all("Add the footer")
        .refused("progress-update")
        .mentions("in 7 code files")
        .mentions("this looks like complex work")
        .mentions("no execplan names it")
        .mentions("`Execplan: <feature>`")
        .mentions("stop and escalate")
        .unmoved();
    // Taking code out is not complex work: deleting those files needs no plan.
    let mut scenario = on_main(None);
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    let mut scenario = scenario
        .setup_commit("Add the footer")
        .write(".execguard.toml", PLANNED_WORK)
        .setup_commit("Configure execguard");
    for file in 0..7 {
        scenario = scenario.git(["rm", "-q", &format!("src/footer/part{file}.rs")]);
    }
    scenario.commit("Remove the footer").accepted();
    // Named for a plan whose Progress gains an entry, the same work is accepted.
    let mut scenario = on_main(Some(PLANNED_WORK));
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    scenario
        .progress("Footer added.")
        .commit_all("Add the footer\n\nExecplan: login")
        .accepted();
}

/// Size alone was right about complex work in fewer than half of its refusals on repositories
/// never replayed before: by default unplanned complex work is a warning. A 400-line feature no
/// plan names is committed with the warning printed, and CI (`check --range`, annotations,
/// SARIF, GitLab) reports it as a warning and exits 0.
#[test]
fn unplanned_complex_work_is_a_warning_by_default() {
    for config in [
        PLANNED_WORK_DEFAULT.to_string(),
        format!("{PLANNED_WORK_DEFAULT}unplanned-complex-work = \"warn\"\n"),
    ] {
        let scenario = on_main(Some(&config)).setup_commit("Configure execguard");
        let base = scenario.repo.head();
        let mut scenario = scenario;
        for file in 0..8 {
            scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 50));
        }
        scenario
            .commit_all("Add the footer")
            .accepted()
            .mentions("warning[progress-update]")
            .mentions("more than 200 lines of code")
            .mentions("this looks like complex work")
            .check(|repo, _| {
                let range = format!("{base}..main");
                let human = repo.execguard(["check", "--range", &range, "--branch", "main"]);
                human.assert_ok();
                assert!(
                    human.stdout.contains("warning[progress-update]")
                        || human.stderr.contains("warning[progress-update]"),
                    "{human:#?}"
                );
                let github = repo.execguard([
                    "check", "--range", &range, "--branch", "main", "--format", "github",
                ]);
                github.assert_ok();
                assert!(github.stdout.contains("::warning "), "{github:#?}");
                let sarif = repo.execguard(["check", "--commit", "HEAD", "--format", "sarif"]);
                sarif.assert_ok();
                assert!(
                    sarif.stdout.contains("\"level\": \"warning\""),
                    "{sarif:#?}"
                );
                let gitlab = repo.execguard(["check", "--commit", "HEAD", "--format", "gitlab"]);
                gitlab.assert_ok();
                assert!(gitlab.stdout.contains("progress-update"), "{gitlab:#?}");
                assert!(gitlab.stdout.contains("\"minor\""), "{gitlab:#?}");
                assert!(!gitlab.stdout.contains("\"blocker\""), "{gitlab:#?}");
            });
        // Other findings still refuse: planned work without its entry.
        on_main(Some(&config))
            .append("src/auth.rs", "pub fn logout() {}\n")
            .commit_all("Add logout\n\nExecplan: login")
            .refused("progress-update");
    }
}

/// Planned work still needs its entry: code on the feature's branch, or named by the trailer.
#[test]
fn planned_work_still_refuses_named_work_without_an_entry() {
    with_config(PLANNED_WORK)
        .append("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Add logout")
        .refused("progress-update")
        .mentions("named by the branch");
    on_main(Some(PLANNED_WORK))
        .append("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Add logout\n\nExecplan: login")
        .refused("progress-update")
        .mentions("named by the `Execplan:` trailer");
}

/// A routine fix in one module, with its tests: 40 lines of code in two files, and 210 lines of
/// tests in seven test files. Counting the tests made it "complex work" (class: a routine change
/// counted past six files by its tests; tests only).
#[test]
fn planned_work_leaves_tests_out_of_the_unplanned_size() {
    let fix_with_tests = |scenario: Scenario| {
        let mut scenario = scenario
            .append("src/auth.rs", &constants("FIX_", 30))
            .write("src/session.rs", constants("S_", 10));
        let tests = [
            "tests/login.rs",
            "src/auth/tests/expiry.rs",
            "web/__tests__/login.test.tsx",
            "web/src/session.spec.ts",
            "pkg/session_test.go",
            "app/test_session.py",
            "spec/fixtures/session.json",
        ];
        for (n, path) in tests.iter().enumerate() {
            scenario = scenario.write(path, constants(&format!("T{n}_"), 30));
        }
        scenario
    };
    fix_with_tests(on_main(Some(PLANNED_WORK)))
        .commit_all("Fix session expiry")
        .accepted();
    // Tests alone, however many, are not complex work either.
    let mut scenario = on_main(Some(PLANNED_WORK));
    for n in 0..8 {
        scenario = scenario.write(&format!("tests/case{n}.rs"), constants("C_", 40));
    }
    scenario.commit_all("Cover the login").accepted();
    // Counted as code again, they make it complex work.
    fix_with_tests(on_main(Some(&format!(
        "{PLANNED_WORK}unplanned-exclude = []\n"
    ))))
    .commit_all("Fix session expiry")
    .refused("progress-update")
    .mentions("in 9 code files");
    // The seven-file feature is still refused beside its tests.
    let mut scenario = on_main(Some(PLANNED_WORK));
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    scenario
        .write("tests/footer.rs", constants("T_", 50))
        .commit_all("Add the footer")
        .refused("progress-update")
        .mentions("in 7 code files");
    // Tests stay code: on the feature's branch, planned work, they still need their entry.
    with_config(PLANNED_WORK)
        .write("tests/login.rs", constants("T_", 5))
        .commit_all("Cover the login")
        .refused("progress-update")
        .mentions("named by the branch");
}

/// An issue tracker's backup of seven files and a regenerated route tree of thousands of lines were
/// refused as unplanned complex work: tool data and generated code are not code.
#[test]
fn tool_data_and_generated_code_are_not_unplanned_work() {
    let mut scenario = on_main(Some(PLANNED_WORK));
    for table in [
        "issues", "events", "labels", "deps", "comments", "config", "meta",
    ] {
        scenario = scenario.write(
            &format!(".beads/backup/{table}.jsonl"),
            constants("ROW_", 13),
        );
    }
    scenario
        .write(".specstory/history/2026-03-04_session.md", "# Session\n")
        .write(".aider.input.history", "+ fix the login\n")
        .write("bun.lock", constants("LOCK_", 150))
        .write("lcov.info", constants("LCOV_", 150))
        .commit_all("bd: backup 2026-03-04 03:38")
        .accepted();
    on_main(Some(PLANNED_WORK))
        .write("apps/web/src/routeTree.gen.ts", constants("ROUTE_", 300))
        .commit_all("Web: refresh generated route tree")
        .accepted();
    // Under the default too, they need no entry; code beside them still does.
    Scenario::exec()
        .write(".beads/issues.jsonl", "{\"id\": 1}\n")
        .write("web/src/api.generated.ts", constants("API_", 20))
        .commit_all("Sync the tracker")
        .accepted();
    Scenario::exec()
        .write(".beads/issues.jsonl", "{\"id\": 1}\n")
        .write("web/src/api.ts", constants("API_", 20))
        .commit_all("Sync the tracker")
        .refused("progress-update");
}

/// Plans in any folder under `plans/`, `completed/` among them, under planned-work.
const PLANNED_WORK_WITH_FOLDERS: &str = "[layout]\nexecplans = \"plans/**/{feature}-execplan.md\"\n[rules.progress-update]\nrequire = \"planned-work\"\nunplanned-complex-work = \"refuse\"\nplan-touch-small-work = \"refuse\"\n";

/// A default flipped in the commit that moves its plan to `completed/`, and a fix after the plan
/// was archived, were refused as planned work without an entry: touching a closed plan does not
/// make a commit planned work. An open plan still does.
#[test]
fn touching_a_closed_plan_is_not_planned_work() {
    let archived = "plans/completed/login-execplan.md";
    on_main(Some(PLANNED_WORK_WITH_FOLDERS))
        .with(|repo| {
            std::fs::create_dir_all(repo.path("plans/completed")).unwrap();
        })
        .git(["mv", "plans/login-execplan.md", archived])
        .replace(
            "src/auth.rs",
            "pub fn login() {}",
            "pub fn login() { let remember = true; }",
        )
        .commit_all("Remember the login by default; archive its plan")
        .accepted();
    // After the archive, a fix that notes itself in the closed plan.
    on_main(Some(PLANNED_WORK_WITH_FOLDERS))
        .with(|repo| {
            std::fs::create_dir_all(repo.path("plans/completed")).unwrap();
        })
        .git(["mv", "plans/login-execplan.md", archived])
        .setup_commit("Archive the login plan")
        .replace(
            archived,
            "Pending.\n",
            "Pending.\n\nFollow-up: the expiry fix.\n",
        )
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry")
        .accepted();
    // The same edit of an open plan makes the fix planned work, which needs its entry.
    on_main(Some(PLANNED_WORK_WITH_FOLDERS))
        .replace(
            "plans/login-execplan.md",
            "Pending.\n",
            "Pending.\n\nFollow-up: the expiry fix.\n",
        )
        .append("src/auth.rs", &constants("FIX_", 20))
        .commit_all("Fix the login expiry")
        .refused("progress-update")
        .mentions("adds no entry");
    // Beside a closed plan, complex work is still judged by its size.
    let mut scenario = on_main(Some(PLANNED_WORK_WITH_FOLDERS))
        .with(|repo| {
            std::fs::create_dir_all(repo.path("plans/completed")).unwrap();
        })
        .git(["mv", "plans/login-execplan.md", archived]);
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), constants("F_", 31));
    }
    scenario
        .commit_all("Add the footer; archive the login plan")
        .refused("progress-update")
        .mentions("no open execplan touched");
}

/// A plan of another era, written without the Progress section, touched with its code, was
/// refused as planned work without an entry: a plan without the section is not open.
#[test]
fn touching_a_plan_without_the_progress_section_is_not_planned_work() {
    let config = "[rules.progress-update]\nrequire = \"planned-work\"\n[rules.execplan-sections]\nenabled = false\n";
    on_main(Some(config))
        .write(
            "plans/search-execplan.md",
            "# Search\n\n## Goal\n\nFind users by name.\n\n## Steps\n\n1. Index names.\n",
        )
        .setup_commit("Plan the search, as plans were written then")
        .replace(
            "plans/search-execplan.md",
            "1. Index names.\n",
            "1. Index names.\n2. Rank them.\n",
        )
        .append("src/auth.rs", &constants("RANK_", 20))
        .commit_all("Rank the search")
        .accepted();
}

/// A gate on three sign-in flows, 107 lines of code in five folders beside two test files, was
/// refused for its seven files; with the tests left out it is refused as work across modules.
/// A routine fix of as many lines in one module is not.
#[test]
fn planned_work_refuses_work_across_folders_though_below_the_limits() {
    let flows = [
        "web/src/app/api/auth/route.ts",
        "web/src/app/api/auth/check-email/route.ts",
        "web/src/app/api/auth/password/start/route.ts",
        "web/src/components/login/client.tsx",
        "web/src/lib/auth.ts",
    ];
    let mut scenario = on_main(Some(PLANNED_WORK));
    for (n, path) in flows.iter().enumerate() {
        let lines = if n == 0 { 27 } else { 20 };
        scenario = scenario.write(path, constants(&format!("GATE{n}_"), lines));
    }
    scenario
        .write("web/src/app/api/auth/route.test.ts", constants("T_", 27))
        .write(
            "web/src/app/api/auth/password/start/route.test.ts",
            constants("U_", 6),
        )
        .commit_all("Auth: gate the sign-in flows on the invite allowlist")
        .refused("progress-update")
        .mentions("in 5 code files in 5 folders")
        .mentions("this looks like complex work");
    // The same lines in one module's files.
    let mut scenario = on_main(Some(PLANNED_WORK));
    for n in 0..5 {
        let lines = if n == 0 { 27 } else { 20 };
        scenario = scenario.write(
            &format!("web/src/balances/part{n}.ts"),
            constants(&format!("FIX{n}_"), lines),
        );
    }
    scenario
        .commit_all("Fix the balances with spot prices")
        .accepted();
}

/// A Swift package's watchdog fix, 162 lines in `Sources/` and 60 in its `Tests/` folder, was
/// warned of as unplanned complex work at 222 lines: SwiftPM names the folder `Tests/`, which the
/// default `**/tests/**` did not match (globs match case). Its tests are now left out of the
/// size, at commit time and in `check --range`; the same fix with 210 lines in `Sources/` is still
/// complex work, and a `Tests` file name outside such a folder is still code.
#[test]
fn swift_package_tests_folder_is_left_out_of_the_unplanned_size() {
    let watchdog_fix = |scenario: Scenario, source_lines: usize| {
        scenario
            .write(
                "Sources/LabanApp/SessionWatchdog.swift",
                constants("FIX_", source_lines),
            )
            .write(
                "Tests/LabanAppTests/SessionWatchdogTests.swift",
                constants("T_", 60),
            )
    };
    let scenario = on_main(Some(PLANNED_WORK));
    let base = scenario.repo.head();
    watchdog_fix(scenario, 162)
        .commit_all("Watchdog: restart a stalled session")
        .accepted()
        .not_flagged("progress-update")
        .check(|repo, _| {
            let range = format!("{base}..main");
            let run = repo.execguard(["check", "--range", &range, "--branch", "main"]);
            run.assert_ok();
            assert!(
                !format!("{}{}", run.stdout, run.stderr).contains("progress-update"),
                "{run:#?}"
            );
        });
    // More than the limit outside the tests is still complex work.
    watchdog_fix(on_main(Some(PLANNED_WORK)), 210)
        .commit_all("Watchdog: restart a stalled session")
        .refused("progress-update")
        .mentions("in 1 code file in 1 folder")
        .mentions("this looks like complex work");
    // `Tests` in a file's name, not a folder's, is code like any other.
    on_main(Some(PLANNED_WORK))
        .write(
            "Sources/LabanApp/SessionWatchdog.swift",
            constants("FIX_", 60),
        )
        .write("Sources/LabanApp/Tests.swift", constants("T_", 162))
        .commit_all("Watchdog: restart a stalled session")
        .refused("progress-update")
        .mentions("this looks like complex work");
}
