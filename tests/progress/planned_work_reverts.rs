//! `progress-update` under `require = "planned-work"` for reverts: taking work back needs no
//! plan, but only a change that undoes the commit its `git revert` message names is a revert.

use super::common::scenario::{constants, Scenario};
use super::common::{Run, TestRepo};
use super::planned_work::{on_main, PLANNED_WORK};

/// A feature of seven changed files, committed earlier (hooks bypassed), on main.
fn main_with_a_feature() -> (Scenario, String) {
    let mut scenario = on_main(Some(PLANNED_WORK));
    for file in 0..7 {
        scenario = scenario.write(&format!("src/footer/part{file}.rs"), "pub fn part() {}\n");
    }
    let mut scenario = scenario.setup_commit("Add the footer parts");
    for file in 0..7 {
        scenario = scenario.append(&format!("src/footer/part{file}.rs"), &constants("F_", 5));
    }
    let scenario = scenario.setup_commit("Fill the footer");
    let feature = scenario.repo.head();
    (scenario, feature)
}

/// `execguard check --range` of main from `base`, first-parent (a merge judged as one change).
fn check_main(repo: &TestRepo, base: &str) -> Run {
    repo.execguard([
        "check",
        "--first-parent",
        "--range",
        &format!("{base}..main"),
        "--branch",
        "main",
    ])
}

/// A revert of a feature across seven files was refused as unplanned complex work: taking work
/// back needs no plan. So does a merge that brings in only reverts; other merged work does not.
/// (`git revert` runs no commit hook: pre-push and CI judge it, as here.)
#[test]
fn a_revert_is_not_unplanned_complex_work() {
    let (scenario, feature) = main_with_a_feature();
    let repo = &scenario.repo;
    repo.git(["revert", "--no-edit", &feature]);
    check_main(repo, &feature).assert_ok();
    // The same change under another message is judged by its size.
    let (scenario, feature) = main_with_a_feature();
    let repo = &scenario.repo;
    repo.git(["revert", "--no-commit", &feature]);
    repo.commit_unchecked("Trim the footer");
    let run = check_main(repo, &feature);
    run.assert_refused("progress-update");
    assert!(
        run.stderr.contains("this looks like complex work"),
        "{run:#?}"
    );
    // A pull request that only reverts, merged, judged on the first-parent line.
    let (scenario, feature) = main_with_a_feature();
    let repo = &scenario.repo;
    repo.git(["checkout", "-q", "-b", "revert-footer"]);
    repo.git(["revert", "--no-edit", &feature]);
    merge_into_main(repo, "revert-footer");
    check_main(repo, &feature).assert_ok();
    // Merged work of the same shape that is not a revert is refused.
    let (scenario, feature) = main_with_a_feature();
    let repo = &scenario.repo;
    repo.git(["checkout", "-q", "-b", "trim-footer"]);
    repo.git(["revert", "--no-commit", &feature]);
    repo.commit_unchecked("Trim the footer");
    merge_into_main(repo, "trim-footer");
    check_main(repo, &feature).assert_refused("progress-update");
}

/// A `git revert` message was trusted alone: written over 280 new lines in seven files (naming
/// a real commit or a made-up id, or over a real revert plus new work), and on a merged branch,
/// it let unplanned complex work through. Only a change that undoes the commit it names, by its
/// full or abbreviated id, is a revert.
#[test]
fn a_forged_revert_message_is_unplanned_complex_work() {
    let made_up = "0123456789abcdef0123456789abcdef01234567";
    // (case, id named, real revert staged, new work, merged)
    for (case, named, real_revert, new_work, merged) in [
        ("real id", "full", false, true, false),
        ("made-up id", made_up, false, true, false),
        ("revert plus new work", "full", true, true, false),
        ("merged", "full", false, true, true),
        ("abbreviated id, a real revert", "short", true, false, false),
    ] {
        let (scenario, feature) = main_with_a_feature();
        let repo = &scenario.repo;
        if merged {
            repo.git(["checkout", "-q", "-b", "revert-footer"]);
        }
        if real_revert {
            repo.git(["revert", "--no-commit", &feature]);
        }
        for file in (0..7).filter(|_| new_work) {
            repo.write(&format!("src/header/part{file}.rs"), constants("H_", 40));
        }
        let named = match named {
            "full" => &feature,
            "short" => &feature[..10],
            other => other,
        };
        repo.commit_unchecked(&format!(
            "Revert \"Fill the footer\"\n\nThis reverts commit {named}.\n"
        ));
        if merged {
            merge_into_main(repo, "revert-footer");
        }
        let run = check_main(repo, &feature);
        eprintln!("case: {case}");
        if !new_work {
            run.assert_ok();
            continue;
        }
        run.assert_refused("progress-update");
        assert!(
            run.stderr.contains("this looks like complex work"),
            "{case}: {run:#?}"
        );
    }
}

/// Merges `branch` into main as a pull request would, hooks bypassed.
fn merge_into_main(repo: &TestRepo, branch: &str) {
    repo.git(["checkout", "-q", "main"]);
    repo.git([
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "-m",
        &format!("Merge pull request #9 from {branch}"),
        branch,
    ]);
}
