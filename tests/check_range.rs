#![allow(clippy::unwrap_used)]
//! `execguard check --range` and `--commit`: the same verdicts as the server, in each format.

use crate::common;
#[path = "check_range/copied_plan.rs"]
mod copied_plan;
#[path = "check_range/gitlab.rs"]
mod gitlab;
#[path = "progress/range_shapes.rs"]
mod range_shapes;
#[path = "check_range/restored_plan.rs"]
mod restored_plan;

use std::collections::BTreeSet;

use common::server::*;
use common::table::each_case;
use common::*;

/// A history on `exec/login` above `main`, made with the hooks bypassed: clean, frozen-spec,
/// clean, protected-path, commit-message. Returns the five commit ids.
fn checked_history(repo: &TestRepo) -> [String; 5] {
    let c1 = commit_clean_code(repo, "logout");
    let c2 = commit_spec_edit(repo, "Tweak the spec");
    repo.write("docs/notes.md", "# Notes\n");
    repo.commit_unchecked("Add notes");
    let c3 = repo.head();
    repo.append("backend/PLANS.md", "Sections are optional.\n");
    repo.commit_unchecked("Relax the rules");
    let c4 = repo.head();
    repo.write("docs/more.md", "# More\n");
    repo.commit_unchecked(&"B".repeat(100));
    let c5 = repo.head();
    [c1, c2, c3, c4, c5]
}

fn json_pairs(stdout: &str) -> BTreeSet<(String, String)> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap();
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap().to_string(),
                v["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn check_range_json_reports_what_the_server_refuses() {
    let repo = pushed_fixture();
    let [c1, c2, c3, c4, c5] = checked_history(&repo);
    let expected: BTreeSet<(String, String)> = [
        ("frozen-spec", &c2),
        ("protected-path", &c4),
        ("commit-message", &c5),
    ]
    .into_iter()
    .map(|(rule, c)| (rule.to_string(), c.clone()))
    .collect();

    let check = repo.execguard([
        "check",
        "--range",
        "main..exec/login",
        "--branch",
        "exec/login",
        "--format",
        "json",
    ]);
    assert_eq!(check.code, Some(1), "{check:#?}");
    let from_check = json_pairs(&check.stdout);
    assert_eq!(from_check, expected, "{check:#?}");
    for clean in [&c1, &c3] {
        assert!(
            !check.stdout.contains(clean.as_str()),
            "clean commit {clean} is not listed: {check:#?}"
        );
    }

    let push_run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&push_run, "frozen-spec");
    let from_server = reported_pairs(&push_run.stderr);
    let from_check_short: BTreeSet<(String, String)> = from_check
        .iter()
        .map(|(rule, commit)| (rule.clone(), commit[..7].to_string()))
        .collect();
    assert_eq!(
        from_server, from_check_short,
        "the server and check agree: {push_run:#?}"
    );
}

/// Asserts what a format's output shows.
type Shows = fn(&str);

/// Each `--format` of `check --range` over the checked history (exit 1), and what its stdout shows.
const FORMATS: &[(&str, Shows)] = &[
    // GitHub's error annotations, one per finding.
    ("github", |stdout| {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("::error file=specs/login.md,")),
            "{stdout}"
        );
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("::error file=backend/PLANS.md,")),
            "{stdout}"
        );
        assert_eq!(count(stdout, "::error "), 3, "{stdout}");
    }),
    // SARIF 2.1.0, one result per finding.
    ("sarif", |stdout| {
        let sarif: serde_json::Value = serde_json::from_str(stdout).unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "execguard");
        let rules: BTreeSet<&str> = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        assert_eq!(
            rules,
            BTreeSet::from(["frozen-spec", "protected-path", "commit-message"])
        );
    }),
];

#[test]
fn check_range_prints_each_format() {
    each_case(
        FORMATS,
        |(format, _)| format.to_string(),
        |(format, shows)| {
            let repo = pushed_fixture();
            checked_history(&repo);
            let run = repo.execguard([
                "check",
                "--range",
                "main..exec/login",
                "--branch",
                "exec/login",
                "--format",
                format,
            ]);
            assert_eq!(run.code, Some(1), "{run:#?}");
            shows(&run.stdout);
        },
    );
}

#[test]
fn check_commit_checks_one_commit() {
    let repo = pushed_fixture();
    let [c1, c2, ..] = checked_history(&repo);
    let run = repo.execguard([
        "check",
        "--commit",
        &c2,
        "--branch",
        "exec/login",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert_eq!(
        json_pairs(&run.stdout),
        BTreeSet::from([("frozen-spec".to_string(), c2.clone())])
    );
    let run = repo.execguard([
        "check",
        "--commit",
        &c1,
        "--branch",
        "exec/login",
        "--format",
        "json",
    ]);
    run.assert_ok();
    assert!(json_pairs(&run.stdout).is_empty(), "{run:#?}");
    let run = repo.execguard(["check", "--commit", &c1, "--branch", "exec/login"]);
    run.assert_ok();
    assert!(run.stderr.contains("1 commit checked"), "{run:#?}");
}

// ---- the range as one update, and who freezes, as the server judges them -------------------

/// Each of a human's changes on `main` (an overridden spec amendment, a new rule in
/// `backend/PLANS.md`, a tightened `.execguard.toml`), dropped by a stale `exec/login` merged with
/// `-s ours`: `check --range main..exec/login` refuses the range as the server refuses the push.
#[test]
fn check_range_refuses_a_stale_merge_that_drops_a_humans_change() {
    for change in HUMAN_CHANGES {
        let repo = pushed_fixture();
        commit_clean_code(&repo, "logout");
        repo.git(["checkout", "-q", "main"]);
        (change.make)(&repo);
        repo.git(["checkout", "-q", "exec/login"]);
        repo.git(["merge", "-q", "-s", "ours", "-m", "Merge main", "main"]);
        let stale_merge = repo.head();
        if change.pinned.is_none() {
            // With the human's config gone, the next commit writes what it protected.
            repo.write("infra/prod.yaml", "replicas: 30\n");
            repo.add_progress("Scaled up.");
            repo.commit_unchecked("Scale up");
        }
        let range = ["check", "--range", "main..exec/login", "--branch", "main"];
        let run = repo.execguard(range);
        run.assert_refused("branch-net-change");
        assert!(
            run.stderr.contains(change.names),
            "{}: {run:#?}",
            change.name
        );
        // The twin: merging main normally keeps the human's change.
        repo.git(["reset", "-q", "--hard", &format!("{stale_merge}~1")]);
        repo.merge_unchecked("main", "Merge main");
        let run = repo.execguard(range);
        assert!(run.ok(), "{}: {run:#?}", change.name);
    }
}

// ---- --first-parent ------------------------------------------------------------------------

/// A branch `side` off `exec/login` with `make`'s commits, merged back with `git merge --no-ff`
/// (hooks bypassed). Returns the merge.
fn merged_side_branch(repo: &TestRepo, make: impl FnOnce(&TestRepo)) -> String {
    repo.git(["checkout", "-q", "-b", "side"]);
    make(repo);
    repo.git(["checkout", "-q", "exec/login"]);
    repo.merge_unchecked("side", "Merge side");
    repo.head()
}

fn check_first_parent(repo: &TestRepo, first_parent: bool) -> Run {
    let mut args = vec!["check", "--range", "main..exec/login", "--format", "json"];
    if first_parent {
        args.push("--first-parent");
    }
    repo.execguard(args)
}

#[test]
fn first_parent_judges_a_no_ff_merge_by_everything_it_brings_in() {
    // The merge's first parent is an ancestor of its second: re-merged, it adds nothing of its
    // own, and under `--first-parent` the side branch's commits are not judged themselves.
    let repo = pushed_fixture();
    let merge = merged_side_branch(&repo, |repo| {
        commit_spec_edit(repo, "Tweak the spec");
        let code: String = (0..600).map(|i| format!("pub fn f{i}() {{}}\n")).collect();
        repo.write("src/more.rs", code);
        repo.add_progress("More functions.");
        repo.commit_unchecked("More functions");
    });
    let all = check_first_parent(&repo, false);
    assert_eq!(all.code, Some(1), "{all:#?}");
    let first = check_first_parent(&repo, true);
    assert_eq!(first.code, Some(1), "{first:#?}");
    assert_eq!(
        json_pairs(&first.stdout),
        BTreeSet::from([
            ("commit-size".to_string(), merge.clone()),
            ("frozen-spec".to_string(), merge.clone()),
        ]),
        "{first:#?}"
    );
}

#[test]
fn first_parent_accepts_a_merge_of_clean_small_work() {
    let repo = pushed_fixture();
    merged_side_branch(&repo, |repo| {
        commit_clean_code(repo, "logout");
        commit_clean_code(repo, "refresh");
    });
    let first = check_first_parent(&repo, true);
    first.assert_ok();
    assert!(json_pairs(&first.stdout).is_empty(), "{first:#?}");
}

// ---- merges that follow a directory rename ------------------------------------------------

/// `exec/login` moves `lib/core` to `lib/engine` while `side` adds `lib/core/new.rs` (300
/// lines, with its Progress entry); merged into `exec/login` with `git merge`, which moves the
/// new file to `lib/engine/new.rs`. `directory_renames` is git's `merge.directoryRenames`: with
/// `conflict` (git's default) the merge stops to ask and the user commits git's suggestion.
fn merge_across_a_directory_rename(directory_renames: &str) -> TestRepo {
    let repo = pushed_fixture();
    for name in ["a", "b", "c"] {
        let body: String = (0..20)
            .map(|i| format!("pub fn {name}{i}() {{}}\n"))
            .collect();
        repo.write(&format!("lib/core/{name}.rs"), body);
    }
    repo.add_progress("Added the core library.");
    repo.commit_unchecked("Add the core library");
    repo.git(["checkout", "-q", "-b", "side"]);
    let body: String = (0..300)
        .map(|i| format!("pub fn new{i}() {{}}\n"))
        .collect();
    repo.write("lib/core/new.rs", body);
    // At the top of Progress, clear of the entry the other side appends.
    let plan = repo.read("plans/login-execplan.md").replacen(
        "## Progress\n\n",
        "## Progress\n\n- [x] (2026-01-03 10:00Z) Added the new core module.\n",
        1,
    );
    repo.write("plans/login-execplan.md", plan);
    repo.commit_unchecked("Add the new core module");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.git(["mv", "lib/core", "lib/engine"]);
    repo.add_progress("Renamed the core library to engine.");
    repo.commit_unchecked("Rename core to engine");
    let setting = format!("merge.directoryRenames={directory_renames}");
    let merge = repo.git_run([
        "-c",
        &setting,
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "-m",
        "Merge side",
        "side",
    ]);
    if !merge.ok() {
        assert!(merge.stdout.contains("lib/engine/new.rs"), "{merge:#?}");
        repo.git(["add", "-A"]);
        repo.git(["commit", "-q", "--no-verify", "--no-edit"]);
    }
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert!(repo.path("lib/engine/new.rs").is_file());
    assert!(!repo.path("lib/core").exists());
    repo
}

#[test]
fn merge_following_a_directory_rename_adds_nothing_of_its_own() {
    for directory_renames in ["true", "conflict"] {
        let repo = merge_across_a_directory_rename(directory_renames);
        let merge = repo.head();
        let check = repo.execguard([
            "check",
            "--range",
            &format!("{merge}^..{merge}"),
            "--branch",
            "exec/login",
        ]);
        check.assert_ok();
        let range = repo.execguard(["check", "--range", "main..exec/login"]);
        range.assert_ok();
        assert_branch_push_lands(&repo, "exec/login", &[]);
    }
}

#[test]
fn check_range_asks_the_pusher_to_own_a_spec_it_freezes() {
    let repo = pushed_fixture();
    let owners = repo.root.join("owners.toml");
    std::fs::write(&owners, "[server]\nspec-owners = [\"ana\"]\n").unwrap();
    repo.git(["checkout", "-q", "-b", "exec/pay", "main"]);
    commit_invented_feature(&repo);
    let check = |pusher: Option<&str>| {
        let mut args = vec!["check", "--range", "main..exec/pay", "--branch", "exec/pay"];
        args.extend(["--config", owners.to_str().unwrap()]);
        args.extend(pusher.iter().flat_map(|name| ["--pusher", *name]));
        repo.execguard(args)
    };
    let run = check(Some("agent"));
    run.assert_refused("spec-freeze-owner");
    assert!(run.stderr.contains("the pusher is `agent`"), "{run:#?}");
    let run = check(None);
    run.assert_refused("spec-freeze-owner");
    assert!(run.stderr.contains("no pusher was named"), "{run:#?}");
    check(Some("ana")).assert_ok();
}

/// Regression: without `--branch`, `check --commit` and `--range` judged a commit for no
/// feature, so one the hooks accepted on `exec/login` (code with a reworded Progress entry,
/// which counts for the branch's own plan) was refused. The current branch is the default for
/// the commits on it.
#[test]
fn check_without_branch_judges_the_commits_on_the_current_branch_as_the_hooks_did() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.execguard(["install"]).assert_ok();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("Plan written.", "Plan written and reviewed.");
    repo.write("plans/login-execplan.md", plan);
    repo.commit_all("Add logout").assert_ok();
    let run = repo.execguard(["check", "--commit", "HEAD"]);
    run.assert_ok();
    let run = repo.execguard(["check", "--range", "HEAD~1..HEAD"]);
    run.assert_ok();
    let run = repo.execguard(["-v", "check", "--commit", "HEAD"]);
    assert!(
        run.stderr.contains("exec/login (the current branch"),
        "{run:#?}"
    );
    // Off the branch, no branch is assumed: the rewording is no progress for any feature.
    repo.git(["checkout", "-q", "--detach"]);
    let run = repo.execguard(["check", "--commit", "HEAD"]);
    run.assert_refused("progress-update");
}

#[test]
fn merge_following_a_directory_rename_writing_code_of_its_own_is_refused() {
    let repo = merge_across_a_directory_rename("true");
    repo.append("lib/engine/new.rs", &"pub fn extra() {}\n".repeat(450));
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--amend", "--no-verify", "--no-edit"]);
    let merge = repo.head();
    let check = repo.execguard([
        "check",
        "--range",
        &format!("{merge}^..{merge}"),
        "--branch",
        "exec/login",
    ]);
    check.assert_refused("commit-size");
    check.assert_refused("progress-update");
    assert_branch_push_refused(
        &repo,
        "exec/login",
        &[],
        &["commit-size", "progress-update"],
    );
}
