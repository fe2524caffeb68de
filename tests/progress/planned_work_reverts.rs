//! `progress-update` under `require = "planned-work"` for reverts: taking work back needs no
//! plan, but only a change that undoes the commit its `git revert` message names, or for a revert
//! in another form (`revert: ...`) a recent earlier commit, is a revert.

use super::common::scenario::{constants, Scenario, PLAN};
use super::common::{Run, TestRepo};
use super::planned_work::{on_main, PLANNED_WORK};
use crate::common::server::{
    assert_server_refused, push, push_with_hooks, server_rev, setup_server,
};

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

/// Regression: a `git revert` of a commit whose parent held a file at the legacy group-writable
/// mode (100664, still found in old histories) was not taken for a revert: git reads that mode
/// as 100644 and writes it back so, and the modes were compared raw. At a mode git2 has no name
/// for (100600, written by hand) the check panicked. The executable bit is part of undoing,
/// though: a "revert" that restores the content but leaves the bit set is not one.
#[test]
fn a_git_revert_over_a_legacy_file_mode_is_a_revert() {
    // (case, part0.rs's mode before the feature, the feature makes it executable, the revert
    // leaves the bit set, accepted)
    for (case, mode, made_executable, bit_left, accepted) in [
        (
            "group-writable mode restored as git writes it",
            "100664",
            false,
            false,
            true,
        ),
        (
            "hand-written mode restored as git writes it",
            "100600",
            false,
            false,
            true,
        ),
        ("executable bit restored", "100664", true, false, true),
        ("executable bit left set", "100664", true, true, false),
    ] {
        let (scenario, _) = main_with_a_feature();
        let repo = &scenario.repo;
        // The feature's parent holds part0.rs at `mode`; the feature changes it, as before.
        let parts = repo.git(["rev-parse", "HEAD~1^{tree}"]);
        let legacy = tree_with_mode(repo, parts.trim(), "src/footer/part0.rs", mode);
        let parent = repo.git([
            "commit-tree",
            &legacy,
            "-p",
            "HEAD~2",
            "-m",
            "Add the parts",
        ]);
        let filled = repo.git(["rev-parse", "HEAD^{tree}"]);
        let feature = repo.git([
            "commit-tree",
            filled.trim(),
            "-p",
            parent.trim(),
            "-m",
            "Fill the footer",
        ]);
        // Made on a branch beside more work and merged, the feature is no first-parent commit of
        // main: only the commit the revert's message names can prove it.
        repo.git(["reset", "-q", "--hard", parent.trim()]);
        repo.git(["checkout", "-q", "-b", "footer", feature.trim()]);
        if made_executable {
            set_executable(repo, "src/footer/part0.rs");
            repo.git(["commit", "-q", "-a", "--amend", "--no-verify", "--no-edit"]);
        }
        let feature = repo.head();
        repo.write("src/notes.rs", "pub fn notes() {}\n");
        repo.commit_unchecked("Add the notes");
        merge_into_main(repo, "footer");
        let merged = repo.head();
        repo.git(["revert", "--no-commit", &feature]);
        if bit_left {
            set_executable(repo, "src/footer/part0.rs");
        }
        repo.commit_unchecked(&format!(
            "Revert \"Fill the footer\"\n\nThis reverts commit {feature}.\n"
        ));
        let run = check_main(repo, &merged);
        eprintln!("case: {case}");
        if accepted {
            run.assert_ok();
        } else {
            run.assert_refused("progress-update");
        }
    }
}

/// Sets the executable bits of `path` in the working tree.
fn set_executable(repo: &TestRepo, path: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(repo.path(path), std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `tree` with the file at `path` given `mode`, one git's own commands no longer write (they
/// write 100644); returns the new tree's id.
fn tree_with_mode(repo: &TestRepo, tree: &str, path: &str, mode: &str) -> String {
    let raw = |id: &str| {
        let output = repo
            .command("git")
            .args(["cat-file", "tree", id])
            .output()
            .expect("git runs");
        assert!(output.status.success(), "{output:?}");
        output.stdout
    };
    let oid = |hex: &str| -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap())
            .collect()
    };
    let replaced = |bytes: Vec<u8>, from: &[u8], to: &[u8]| {
        let at = bytes.windows(from.len()).position(|w| w == from);
        let at = at.expect("the entry is in the tree");
        [&bytes[..at], to, &bytes[at + from.len()..]].concat()
    };
    let bytes = match path.split_once('/') {
        Some((folder, rest)) => {
            let old = repo.git(["rev-parse", &format!("{tree}:{folder}")]);
            let new = tree_with_mode(repo, old.trim(), rest, mode);
            replaced(raw(tree), &oid(old.trim()), &oid(&new))
        }
        None => replaced(
            raw(tree),
            format!("100644 {path}\0").as_bytes(),
            format!("{mode} {path}\0").as_bytes(),
        ),
    };
    let file = repo.path(".git/legacy-tree");
    std::fs::write(&file, bytes).unwrap();
    let file = file.to_str().unwrap();
    let id = repo.git(["hash-object", "-t", "tree", "-w", "--literally", file]);
    id.trim().to_string()
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

/// On main, a step of the plan done: its code and its Progress item ticked, committed earlier
/// (hooks bypassed). Returns the step's commit.
fn main_with_a_plan_step() -> (Scenario, String) {
    let scenario = on_main(Some(PLANNED_WORK))
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(
            PLAN,
            "- [ ] Logout.\n",
            "- [x] (2026-01-03 10:00Z) Logout.\n",
        )
        .setup_commit("feat: logout (#12)");
    let step = scenario.repo.head();
    (scenario, step)
}

/// Regression: `revert: restore module-global state (#2603)` took back a merged plan step, code
/// and ticked item alike (the step open again), and was refused as planned work without its
/// entry, because only git's `Revert "..."` form was taken for a revert. A revert in another form
/// whose change undoes an earlier commit exactly is a revert: the commit hooks, CI and the
/// server accept it, and the plan is back as it was.
#[test]
fn a_revert_in_another_form_that_reopens_a_plan_step_is_accepted() {
    let (scenario, step) = main_with_a_plan_step();
    let plan_before_step = scenario.repo.git(["show", &format!("{step}~1:{PLAN}")]);
    setup_server(&scenario.repo);
    let scenario = scenario
        .git(["revert", "--no-commit", &step])
        .commit("revert: take logout back (#13)")
        .accepted();
    let repo = &scenario.repo;
    assert_eq!(repo.read(PLAN), plan_before_step);
    check_main(repo, &step).assert_ok();
    push_with_hooks(repo, &["origin", "main"]).assert_ok();
    assert_eq!(server_rev(repo, "refs/heads/main"), Some(repo.head()));
}

/// The same revert made on a branch and merged: the merge, judged against its first parent,
/// brings in only a revert its trees prove, so it too is accepted.
#[test]
fn a_merged_revert_in_another_form_that_reopens_a_plan_step_is_accepted() {
    let (scenario, step) = main_with_a_plan_step();
    let repo = &scenario.repo;
    repo.git(["checkout", "-q", "-b", "revert-logout"]);
    repo.git(["revert", "--no-commit", &step]);
    repo.commit_unchecked("revert: take logout back");
    merge_into_main(repo, "revert-logout");
    check_main(repo, &step).assert_ok();
    // Merged with new code beside it, it is planned work without its entry again.
    let (scenario, step) = main_with_a_plan_step();
    let repo = &scenario.repo;
    repo.git(["checkout", "-q", "-b", "revert-logout"]);
    repo.git(["revert", "--no-commit", &step]);
    repo.commit_unchecked("revert: take logout back");
    repo.write("src/session.rs", "pub fn expire() {}\n");
    repo.commit_unchecked("Add session expiry");
    merge_into_main(repo, "revert-logout");
    check_main(repo, &step).assert_refused("progress-update");
}

/// A revert's subject is free to write: `revert:` over a change that undoes no earlier commit
/// (the step taken back plus new code, or new code alone) is refused as before, by the commit
/// hooks, CI and the server.
#[test]
fn a_revert_subject_over_new_code_is_refused() {
    for real_revert in [true, false] {
        let (scenario, step) = main_with_a_plan_step();
        setup_server(&scenario.repo);
        let scenario = if real_revert {
            scenario.git(["revert", "--no-commit", &step])
        } else {
            scenario.replace(
                PLAN,
                "- [x] (2026-01-03 10:00Z) Logout.\n",
                "- [ ] Logout.\n",
            )
        };
        let scenario = scenario
            .write("src/session.rs", "pub fn expire() {}\n")
            .git(["add", "-A"])
            .named(real_revert)
            .commit("revert: take logout back (#13)")
            .refused("progress-update")
            .mentions("plans/login-execplan.md");
        let repo = &scenario.repo;
        repo.commit_unchecked("revert: take logout back (#13)");
        check_main(repo, &step).assert_refused("progress-update");
        assert_server_refused(&push(repo, &["origin", "main"]), "progress-update");
    }
}

/// The earlier commit a revert in another form undoes is looked for among a bounded number of
/// first-parent commits below it, so that the search takes bounded time on any history: 150
/// commits back it is found; 300 commits back it is not, and the revert is judged as any change,
/// the message saying why (it said nothing of the revert before).
#[test]
fn a_revert_in_another_form_of_a_commit_300_commits_back_is_not_verified() {
    let (scenario, step) = main_with_a_plan_step();
    let fill = |repo: &TestRepo, from: usize, to: usize| {
        for n in from..to {
            repo.write("docs/notes.md", format!("Note {n}.\n"));
            repo.git(["add", "docs/notes.md"]);
            repo.git([
                "commit",
                "-q",
                "--no-verify",
                "-m",
                &format!("docs: note {n}"),
            ]);
        }
    };
    let revert = |scenario: Scenario| {
        scenario
            .git(["revert", "--no-commit", &step])
            .commit("revert: take logout back (#13)")
    };
    fill(&scenario.repo, 1, 150);
    let scenario = revert(scenario).accepted();
    scenario.repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    fill(&scenario.repo, 150, 300);
    let between = scenario
        .repo
        .git(["rev-list", "--count", &format!("{step}..HEAD")]);
    assert_eq!(
        between.trim(),
        "299",
        "the revert is made 300 commits after the step"
    );
    let scenario = revert(scenario)
        .refused("progress-update")
        .mentions("it undoes none of the 200 first-parent commits below it");
    let repo = &scenario.repo;
    repo.commit_unchecked("revert: take logout back (#13)");
    let run = check_main(repo, &step);
    run.assert_refused("progress-update");
    // Why the revert was not taken for one: the commit it undoes is too far back.
    assert!(
        run.stderr
            .contains("Its message claims a revert, but commit ")
            && run.stderr.contains(
                "is not a verified one: it undoes none of the 200 first-parent commits below it"
            ),
        "{run:#?}"
    );
}
