//! `progress-update` and files whose mode alone changed (`chmod +x`, the same content): a
//! working-tree snapshot that flipped a thousand modes was taken for complex work across
//! hundreds of code files. A mode flip writes no line: it is not code to record in Progress, nor
//! a file of work. Each commit runs the installed hooks; the ranges run `check --range`.

use std::os::unix::fs::PermissionsExt;

use super::common::scenario::Scenario;
use super::common::TestRepo;
use super::planned_work::{on_main, PLANNED_WORK};

/// Scripts in four folders: more files than `unplanned-max-files` (6).
const SCRIPTS: [&str; 8] = [
    "tools/a/build.sh",
    "tools/a/clean.sh",
    "tools/b/bake.sh",
    "tools/b/capture.sh",
    "scripts/c/dump.sh",
    "scripts/c/load.sh",
    "scripts/d/run.sh",
    "scripts/d/test.sh",
];

/// `scenario` with the scripts committed, not executable.
fn with_scripts(scenario: Scenario) -> Scenario {
    SCRIPTS
        .iter()
        .fold(scenario, |scenario, path| {
            scenario.write(path, format!("#!/bin/sh\necho {path}\n"))
        })
        .setup_commit("Add the scripts")
}

/// Makes every script executable in the working tree.
fn make_executable(repo: &TestRepo) {
    for path in SCRIPTS {
        let file = repo.path(path);
        let mut permissions = std::fs::metadata(&file).unwrap().permissions();
        permissions.set_mode(0o755);
        std::fs::set_permissions(&file, permissions).unwrap();
    }
}

/// One more line in every script.
fn edit_scripts(scenario: Scenario) -> Scenario {
    SCRIPTS.iter().fold(scenario, |scenario, path| {
        scenario.append(path, "echo done\n")
    })
}

/// Under `require = "planned-work"` with complex work refused, a one-line fix committed with
/// eight scripts made executable was refused as unplanned complex work in nine code files of
/// four folders. The same scripts each given a line are still complex work.
#[test]
fn scripts_made_executable_beside_a_fix_are_not_complex_work() {
    with_scripts(on_main(Some(PLANNED_WORK)))
        .with(make_executable)
        .append("src/auth.rs", "pub fn fix() {}\n")
        .commit_all("Fix the login; make the scripts executable")
        .accepted()
        .not_flagged("progress-update");
    edit_scripts(with_scripts(on_main(Some(PLANNED_WORK))).with(make_executable))
        .append("src/auth.rs", "pub fn fix() {}\n")
        .commit_all("Fix the login; extend the scripts")
        .refused("progress-update")
        .mentions("complex work");
}

/// On the feature's branch, where every code commit needs its entry, a commit that only makes
/// scripts executable was refused for no Progress entry. Changing a script's content with its
/// mode still needs one.
#[test]
fn a_commit_that_only_makes_scripts_executable_needs_no_entry() {
    with_scripts(Scenario::exec())
        .with(make_executable)
        .commit_all("Make the scripts executable")
        .accepted();
    edit_scripts(with_scripts(Scenario::exec()).with(make_executable))
        .commit_all("Make the scripts executable")
        .refused("progress-update");
}

/// The same through `check --range`, as CI judges a push of the first case and of the second.
#[test]
fn a_range_with_scripts_made_executable_is_not_complex_work() {
    for edited in [false, true] {
        let scenario = with_scripts(on_main(Some(PLANNED_WORK)));
        let base = scenario.repo.head();
        let scenario = scenario.with(make_executable);
        let scenario = if edited {
            edit_scripts(scenario)
        } else {
            scenario
        };
        let repo = &scenario.repo;
        repo.append("src/auth.rs", "pub fn fix() {}\n");
        repo.commit_unchecked("Fix the login; make the scripts executable");
        let run = repo.execguard([
            "check",
            "--range",
            &format!("{base}..main"),
            "--branch",
            "main",
        ]);
        if edited {
            run.assert_refused("progress-update");
        } else {
            run.assert_ok();
        }
    }
}
