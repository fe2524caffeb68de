#![allow(clippy::unwrap_used)]
//! `execguard check` on histories as CI and servers have them: partial (blobless) and shallow
//! clones, every range syntax `git rev-list` takes, `--first-parent`, large blobs that are not
//! new, and `explain --config`.

use crate::common;

use std::path::{Path, PathBuf};

use common::*;

/// A source repository: the EXEC set-up on `main`, then on `exec/login` `clean` commits that each
/// change the code with a Progress entry, committed without hooks.
fn source(clean: usize) -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    for i in 0..clean {
        repo.append("src/auth.rs", &format!("pub fn step_{i}() {{}}\n"));
        repo.add_progress(&format!("Step {i}."));
        repo.commit_unchecked(&format!("Step {i}"));
    }
    repo
}

/// Clones `repo` over `file://` with extra `git clone` arguments, into `<root>/<name>`.
fn clone(repo: &TestRepo, name: &str, args: &[&str]) -> PathBuf {
    let target = repo.root.join(name);
    let url = format!("file://{}", repo.dir.display());
    let mut all = vec!["clone", "-q"];
    all.extend_from_slice(args);
    all.extend([url.as_str(), target.to_str().unwrap()]);
    repo.git(all);
    target
}

fn check_in(repo: &TestRepo, at: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--repo",
        at.to_str().unwrap(),
        "--branch",
        "exec/login",
    ];
    args.extend_from_slice(extra);
    repo.execguard(args)
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {run:#?}"))
}

/// The first command in backticks in `text` that starts with `prefix`.
fn quoted_command(text: &str, prefix: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .find(|quoted| quoted.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}...` in {text}"))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

// ---- missing objects -----------------------------------------------------------------------

#[test]
fn blobless_clone_reports_the_unreadable_commit_and_judges_the_rest() {
    let repo = source(0);
    // Its blobs are replaced by the next commit: a blobless clone of the tip lacks them.
    repo.append("src/auth.rs", "pub fn early() {}\n");
    repo.add_progress("Early.");
    repo.commit_unchecked("Early step");
    let unreadable = repo.head();
    repo.append("src/auth.rs", "pub fn late() {}\n");
    repo.add_progress("Late.");
    repo.commit_unchecked("Late step");
    // The tip: a new file under a subject that is too long; the clone holds all it reads.
    repo.write("docs/notes.md", "# Notes\n");
    repo.commit_unchecked(&"N".repeat(90));
    let long_subject = repo.head();
    repo.git(["config", "uploadpack.allowFilter", "true"]);
    let partial = clone(
        &repo,
        "partial",
        &["--filter=blob:none", "-b", "exec/login"],
    );

    let run = check_in(
        &repo,
        &partial,
        &["--range", "origin/main..HEAD", "--format", "json"],
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    let report = json(&run);
    let errors = report["errors"].as_array().unwrap();
    let entry = errors
        .iter()
        .find(|e| e["commit"] == unreadable.as_str())
        .unwrap_or_else(|| panic!("the unreadable commit is named: {report:#}"));
    assert!(
        entry["object"].as_str().unwrap().len() >= 40,
        "the object is named: {entry:#}"
    );
    assert!(
        errors.iter().all(|e| e["commit"] != long_subject.as_str()),
        "a readable commit is judged, not an error: {report:#}"
    );
    assert!(
        report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["rule"] == "commit-message" && v["commit"] == long_subject.as_str()),
        "the other commits' findings are listed: {report:#}"
    );
    let hint = entry["hint"].as_str().unwrap();
    assert!(hint.contains("partial clone"), "{hint}");

    // The hint's command fetches what is missing; then every commit is judged.
    let fetch = quoted_command(hint, "git fetch --refetch");
    repo.git_in(&partial, &fetch[1..]);
    let run = check_in(
        &repo,
        &partial,
        &["--range", "origin/main..HEAD", "--format", "json"],
    );
    assert_eq!(
        run.code,
        Some(1),
        "judged normally after the fetch: {run:#?}"
    );
    let report = json(&run);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert!(run.stdout.contains(&long_subject), "{run:#?}");
}

#[test]
fn blobless_clone_sarif_stays_valid_and_names_the_commit() {
    let repo = source(2);
    repo.git(["config", "uploadpack.allowFilter", "true"]);
    let partial = clone(
        &repo,
        "partial",
        &["--filter=blob:none", "-b", "exec/login"],
    );
    let run = check_in(
        &repo,
        &partial,
        &["--range", "origin/main..HEAD", "--format", "sarif"],
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    let sarif = json(&run);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{sarif:#}");
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error", "{sarif:#}");
    let first = repo.git(["rev-parse", "HEAD~1"]);
    assert_eq!(
        notification["locations"][0]["logicalLocations"][0]["name"],
        first.trim(),
        "{sarif:#}"
    );
}

/// Deleting needs no content: a commit that only deletes a file whose blob a blobless clone
/// lacks is judged (it was "could not check" before), and a deleted plan still is not.
#[test]
fn a_deletion_of_a_blob_the_clone_lacks_is_judged() {
    let repo = source(0);
    repo.write("notes/old.md", "# Old notes\n\nKept for a while.\n");
    repo.commit_unchecked("Add notes");
    repo.git(["rm", "-q", "notes/old.md"]);
    repo.commit_unchecked("Drop the old notes");
    repo.git(["config", "uploadpack.allowFilter", "true"]);
    let partial = clone(
        &repo,
        "partial",
        &["--filter=blob:none", "-b", "exec/login"],
    );
    let id = repo.git(["rev-parse", "HEAD~1:notes/old.md"]);
    let missing = Run::from_command(
        repo.command("git")
            .env("GIT_NO_LAZY_FETCH", "1")
            .arg("-C")
            .arg(&partial)
            .args(["cat-file", "-e", id.trim()]),
    );
    assert!(
        !missing.ok(),
        "the clone lacks the deleted blob: {missing:#?}"
    );
    let run = check_in(
        &repo,
        &partial,
        &["--range", "HEAD~1..HEAD", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "the deletion is judged: {run:#?}");
    assert_eq!(json(&run)["errors"], serde_json::json!([]), "{run:#?}");
    // Whether a plan was ready cannot be told without its content: still not judged.
    repo.git(["rm", "-q", "plans/login-execplan.md"]);
    repo.commit_unchecked("Drop the plan");
    repo.write(
        "plans/login-execplan.md",
        PLAN_READY.replace("Plan written", "Plan rewritten"),
    );
    repo.commit_unchecked("Write the plan again");
    repo.git(["rm", "-q", "plans/login-execplan.md"]);
    repo.commit_unchecked("Drop the plan again");
    let partial = clone(
        &repo,
        "partial2",
        &["--filter=blob:none", "-b", "exec/login"],
    );
    let run = check_in(
        &repo,
        &partial,
        &["--range", "HEAD~1..HEAD", "--format", "json"],
    );
    assert_eq!(
        run.code,
        Some(2),
        "a deleted plan needs its content: {run:#?}"
    );
}

// ---- shallow clones ------------------------------------------------------------------------

#[test]
fn shallow_boundary_is_not_judged_as_a_root_commit() {
    let repo = source(4);
    let shallow = clone(&repo, "shallow", &["--depth", "3", "--no-single-branch"]);
    repo.git_in(&shallow, ["checkout", "-q", "exec/login"]);
    let boundary = repo.git_in(&shallow, ["rev-parse", "HEAD~2"]);
    let boundary = boundary.trim();

    let run = check_in(&repo, &shallow, &["--range", "origin/main..HEAD"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("shallow"), "{run:#?}");
    assert!(run.stderr.contains(&boundary[..7]), "{run:#?}");
    assert!(run.stderr.contains("git fetch --unshallow"), "{run:#?}");
    assert!(run.stderr.contains("fetch-depth: 0"), "{run:#?}");
    run.assert_not_flagged("commit-size");

    let json_run = check_in(
        &repo,
        &shallow,
        &["--range", "origin/main..HEAD", "--format", "json"],
    );
    assert_eq!(json_run.code, Some(2), "{json_run:#?}");
    assert_eq!(json(&json_run)["errors"][0]["commit"], boundary);

    repo.git_in(&shallow, ["fetch", "-q", "--unshallow"]);
    check_in(&repo, &shallow, &["--range", "origin/main..HEAD"]).assert_ok();
}

#[test]
fn base_beyond_a_shallow_boundary_is_named() {
    let repo = source(4);
    let shallow = clone(&repo, "shallow", &["--depth", "2", "-b", "exec/login"]);
    let run = check_in(&repo, &shallow, &["--range", "HEAD~3..HEAD"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("`HEAD~3` names no commit"), "{run:#?}");
    assert!(run.stderr.contains("shallow"), "{run:#?}");
    assert!(run.stderr.contains("git fetch --unshallow"), "{run:#?}");
    repo.git_in(&shallow, ["fetch", "-q", "--unshallow"]);
    check_in(&repo, &shallow, &["--range", "HEAD~3..HEAD"]).assert_ok();
}

// ---- range syntax --------------------------------------------------------------------------

/// `main` at the set-up; `exec/login` adds a clean step, then one whose subject is too long.
fn ranged() -> (TestRepo, String) {
    let repo = source(1);
    repo.append("src/auth.rs", "pub fn more() {}\n");
    repo.add_progress("More.");
    repo.commit_unchecked(&"L".repeat(90));
    let long = repo.head();
    (repo, long)
}

#[test]
fn range_syntaxes_git_rev_list_accepts_are_checked() {
    let (repo, long) = ranged();
    for range in [
        "main..exec/login",
        "main...exec/login",
        "^main exec/login",
        "main..",
        "exec/login^!",
        "exec/login^-",
    ] {
        let run = repo.execguard(["check", "--range", range, "--format", "json"]);
        assert_eq!(run.code, Some(1), "{range}: {run:#?}");
        assert!(run.stdout.contains(&long), "{range}: {run:#?}");
        assert!(run.stdout.contains("commit-message"), "{range}: {run:#?}");
    }
    let clean = repo.execguard(["check", "--range", "exec/login~1^!"]);
    clean.assert_ok();
    assert!(clean.stderr.contains("1 commit checked"), "{clean:#?}");
}

#[test]
fn single_revision_range_is_refused_unless_the_whole_history_is_asked_for() {
    let (repo, _) = ranged();
    let run = repo.execguard(["check", "--range", "exec/login"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("excludes nothing"), "{run:#?}");
    assert!(run.stderr.contains("--commit exec/login"), "{run:#?}");
    assert!(run.stderr.contains("main..exec/login"), "{run:#?}");
    let whole = repo.execguard(["check", "--range", "exec/login", "--whole-history"]);
    assert_eq!(whole.code, Some(1), "{whole:#?}");
    assert!(whole.stderr.contains("error[commit-message]"), "{whole:#?}");
}

#[test]
fn empty_and_unknown_ranges_are_refused_with_a_sentence() {
    let (repo, _) = ranged();
    let run = repo.execguard(["check", "--range", "..", "--format", "json"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("`..` alone names no commits"),
        "{run:#?}"
    );
    let run = repo.execguard(["check", "--range", "..."]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains("`...` alone names no commits"),
        "{run:#?}"
    );
    let run = repo.execguard(["check", "--range", "nope..exec/login"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("`nope` names no commit in this repository"),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("revspec"),
        "no raw libgit2 text: {run:#?}"
    );
    let run = repo.execguard(["check", "--commit", "nope"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("`nope` names no commit"), "{run:#?}");
}

#[test]
fn first_parent_skips_the_commits_a_merge_brings_in() {
    let (repo, _) = ranged();
    repo.git(["checkout", "-q", "-b", "side", "main"]);
    repo.write("docs/side.md", "# Side\n");
    repo.commit_unchecked(&"S".repeat(90));
    let side = repo.head();
    repo.git(["checkout", "-q", "exec/login"]);
    repo.merge_unchecked("side", "Merge side");

    let all = repo.execguard(["check", "--range", "main..exec/login", "--format", "json"]);
    assert!(all.stdout.contains(&side), "{all:#?}");
    let first = repo.execguard([
        "check",
        "--range",
        "main..exec/login",
        "--first-parent",
        "--format",
        "json",
    ]);
    assert_eq!(first.code, Some(1), "{first:#?}");
    assert!(!first.stdout.contains(&side), "{first:#?}");
}

// ---- large blobs ---------------------------------------------------------------------------

const TWO_MIB: usize = 2 * 1024 * 1024;

#[test]
fn renamed_or_copied_large_blob_is_not_an_addition() {
    let repo = source(0);
    repo.write("assets/big.bin", vec![7u8; TWO_MIB]);
    repo.add_progress("Add the asset (approved by a human)");
    repo.commit_unchecked("Add the asset (approved by a human)");
    let added = repo.execguard(["check", "--commit", "HEAD", "--branch", "exec/login"]);
    added.assert_refused("commit-size");
    assert!(added.stderr.contains("adds assets/big.bin"), "{added:#?}");

    repo.git(["mv", "assets/big.bin", "assets/moved.bin"]);
    repo.add_progress("Move the asset");
    repo.commit_unchecked("Move the asset");
    let moved = repo.execguard(["check", "--commit", "HEAD", "--branch", "exec/login"]);
    moved.assert_not_flagged("commit-size").assert_ok();

    repo.write("assets/copy.bin", vec![7u8; TWO_MIB]);
    repo.add_progress("Copy the asset");
    repo.commit_unchecked("Copy the asset");
    let copied = repo.execguard(["check", "--commit", "HEAD", "--branch", "exec/login"]);
    copied.assert_not_flagged("commit-size").assert_ok();

    repo.write("assets/copy.bin", vec![8u8; TWO_MIB]);
    repo.add_progress("Change the asset");
    repo.commit_unchecked("Change the asset");
    let changed = repo.execguard(["check", "--commit", "HEAD", "--branch", "exec/login"]);
    changed.assert_refused("commit-size");
    assert!(
        changed
            .stderr
            .contains("changes assets/copy.bin into a blob"),
        "{changed:#?}"
    );
}

#[test]
fn large_file_under_an_exempted_path_is_accepted() {
    let repo = source(0);
    let config = repo.root.join("large-files.toml");
    std::fs::write(
        &config,
        "[rules.commit-size]\nlarge-files = [\"assets/**\", \"**/*.woff2\"]\n",
    )
    .unwrap();
    repo.write("assets/big.bin", vec![7u8; TWO_MIB]);
    repo.write("fonts/body.woff2", vec![9u8; TWO_MIB]);
    repo.add_progress("Add the assets");
    repo.commit_unchecked("Add the assets");
    let config = config.to_str().unwrap();
    let on_branch = ["check", "--commit", "HEAD", "--branch", "exec/login"];
    repo.execguard([&["--config", config][..], &on_branch].concat())
        .assert_ok();
    // The legitimate twin: the same commit without the exemption is refused.
    repo.execguard(on_branch).assert_refused("commit-size");
}

// ---- explain --config ----------------------------------------------------------------------

#[test]
fn explain_shows_the_rule_as_the_config_sets_it() {
    let repo = TestRepo::new();
    let config = repo.root.join("limits.toml");
    std::fs::write(
        &config,
        "[rules.commit-size]\nmax-file-bytes = 5000\nlarge-files = [\"assets/**\"]\n",
    )
    .unwrap();
    let run = repo.execguard([
        "explain",
        "commit-size",
        "--config",
        config.to_str().unwrap(),
    ]);
    run.assert_ok();
    assert!(run.stdout.contains("## What it checks"), "{run:#?}");
    assert!(run.stdout.contains("max-file-bytes = 5000"), "{run:#?}");
    assert!(
        run.stdout.contains("large-files = [\"assets/**\"]"),
        "{run:#?}"
    );
    assert!(run.stdout.contains("max-lines = 400"), "{run:#?}");
    let plain = repo.execguard(["explain", "commit-size"]);
    assert!(!plain.stdout.contains("As configured"), "{plain:#?}");
}
