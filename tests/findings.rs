#![allow(clippy::unwrap_used)]
//! The typed findings a JSON or SARIF consumer reads: each violation's `finding` object (tagged
//! by `rule`, with a `kind`) carries the facts its message is made of, and SARIF results carry the
//! same facts as `properties`. Each case runs `execguard check` in a temporary repository.

mod common;

use common::*;
use serde_json::{json, Value};

/// The JSON report of `execguard check` with `args`, which must refuse the change.
#[track_caller]
fn refused_json(repo: &TestRepo, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = repo.execguard(all);
    assert_eq!(run.code, Some(1), "{run:#?}");
    serde_json::from_str(&run.stdout).expect("stdout is JSON")
}

/// The `finding` of the only violation of `rule` in `report`.
#[track_caller]
fn finding<'a>(report: &'a Value, rule: &str) -> &'a Value {
    let found: Vec<&Value> = report["violations"]
        .as_array()
        .expect("violations array")
        .iter()
        .filter(|violation| violation["rule"] == rule)
        .collect();
    assert_eq!(found.len(), 1, "one {rule} violation: {report:#}");
    let finding = &found[0]["finding"];
    assert_eq!(finding["rule"], rule, "the finding is tagged by its rule");
    finding
}

#[test]
fn frozen_spec_finding_names_the_spec_its_feature_and_what_the_change_does() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "frozen-spec");
    assert_eq!(finding["kind"], "changed", "{finding:#}");
    assert_eq!(finding["path"], "specs/login.md", "{finding:#}");
    assert_eq!(finding["feature"], "login", "{finding:#}");
    assert_eq!(finding["action"], "modifies", "{finding:#}");
    assert_eq!(finding["markers"], json!(["EXEC-READY"]), "{finding:#}");
}

#[test]
fn frozen_spec_finding_of_a_rename_names_both_paths() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.git(["mv", "specs/login.md", "specs/sign-in.md"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "frozen-spec");
    assert_eq!(finding["path"], "specs/login.md", "{finding:#}");
    assert_eq!(finding["action"], "renames", "{finding:#}");
    assert_eq!(finding["to"], "specs/sign-in.md", "{finding:#}");
}

#[test]
fn commit_size_finding_carries_the_counts_and_the_limits() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    for n in 0..30 {
        repo.write(&format!("src/part{n:02}.rs"), "pub fn part() {}\n");
    }
    repo.write("src/big.rs", "// line\n".repeat(5));
    repo.git(["add", "src"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "commit-size");
    assert_eq!(finding["kind"], "too-large", "{finding:#}");
    assert_eq!(finding["lines"], 35, "{finding:#}");
    assert_eq!(finding["capped"], false, "{finding:#}");
    assert_eq!(finding["files"], 31, "{finding:#}");
    assert_eq!(finding["max-lines"], 400, "{finding:#}");
    assert_eq!(finding["max-files"], 25, "{finding:#}");
    assert_eq!(finding["largest"][0]["path"], "src/big.rs", "{finding:#}");
    assert_eq!(finding["largest"][0]["lines"], 5, "{finding:#}");
}

#[test]
fn commit_size_finding_of_a_large_blob_carries_its_size_and_the_limit() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(
        ".execguard.toml",
        "[rules.commit-size]\nmax-file-bytes = 1000\n",
    );
    repo.commit_unchecked("Tighten the blob limit");
    repo.write("assets/logo.svg", "<svg>".repeat(400));
    repo.git(["add", "assets/logo.svg"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "commit-size");
    assert_eq!(finding["kind"], "large-blob", "{finding:#}");
    assert_eq!(finding["path"], "assets/logo.svg", "{finding:#}");
    assert_eq!(finding["change"], "adds", "{finding:#}");
    assert_eq!(finding["size"], 2000, "{finding:#}");
    assert_eq!(finding["max-file-bytes"], 1000, "{finding:#}");
}

#[test]
fn progress_update_finding_names_the_plan_the_feature_and_how_it_was_named() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.git(["add", "src/auth.rs"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "progress-update");
    assert_eq!(finding["kind"], "plan-not-updated", "{finding:#}");
    assert_eq!(finding["plan"], "plans/login-execplan.md", "{finding:#}");
    assert_eq!(finding["feature"], "login", "{finding:#}");
    assert_eq!(finding["named-by"], "branch", "{finding:#}");
    assert_eq!(finding["code-path"], "src/auth.rs", "{finding:#}");
    assert_eq!(finding["code-files"], 1, "{finding:#}");
    assert_eq!(finding["section"], "Progress", "{finding:#}");
}

#[test]
fn execplan_sections_finding_lists_the_missing_sections() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    let plan = repo.read("plans/login-execplan.md");
    repo.write(
        "plans/login-execplan.md",
        plan.replace("## Decision Log", "## Decisions"),
    );
    repo.git(["add", "plans/login-execplan.md"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "execplan-sections");
    assert_eq!(finding["kind"], "missing-sections", "{finding:#}");
    assert_eq!(finding["path"], "plans/login-execplan.md", "{finding:#}");
    assert_eq!(finding["feature"], "login", "{finding:#}");
    assert_eq!(finding["missing"], json!(["Decision Log"]), "{finding:#}");
}

#[test]
fn commit_message_finding_carries_the_subject_length_and_the_limit() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write("notes.md", "A note.\n");
    repo.commit_unchecked(&"x".repeat(90));
    let head = repo.head();
    let report = refused_json(&repo, &["--commit", &head, "--branch", "exec/login"]);
    let finding = finding(&report, "commit-message");
    assert_eq!(finding["kind"], "subject-too-long", "{finding:#}");
    assert_eq!(finding["length"], 90, "{finding:#}");
    assert_eq!(finding["max-subject"], 72, "{finding:#}");
    assert_eq!(report["violations"][0]["commit"], head.as_str());
}

#[test]
fn guard_config_finding_lists_each_loosening_with_its_old_and_new_value() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n");
    repo.git(["add", ".execguard.toml"]);
    let report = refused_json(&repo, &[]);
    let finding = finding(&report, "guard-config");
    assert_eq!(finding["kind"], "loosened", "{finding:#}");
    assert_eq!(finding["path"], ".execguard.toml", "{finding:#}");
    assert_eq!(finding["action"], "adds", "{finding:#}");
    assert_eq!(finding["in-force"], "default", "{finding:#}");
    assert_eq!(
        finding["loosenings"],
        json!([{ "key": "rules.commit-size.max-lines", "old": "400", "new": "4000" }]),
        "{finding:#}"
    );
}

#[test]
fn an_invalid_config_finding_carries_its_position_and_is_not_overridable() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-line = 10\n");
    repo.git(["add", ".execguard.toml"]);
    let report = refused_json(&repo, &[]);
    let violation = &report["violations"][0];
    assert_eq!(violation["overridable"], false, "{report:#}");
    let finding = finding(&report, "guard-config");
    assert_eq!(finding["kind"], "invalid", "{finding:#}");
    assert_eq!(finding["error"]["origin"], ".execguard.toml", "{finding:#}");
    assert_eq!(finding["error"]["line"], 2, "{finding:#}");
    assert_eq!(finding["error"]["column"], 1, "{finding:#}");
}

#[test]
fn an_overridden_finding_keeps_its_facts_beside_the_reason() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write("backend/PLANS.md", "# How to write an execplan, shorter\n");
    repo.git(["add", "backend/PLANS.md"]);
    repo.git([
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "Shorten the plan rules\n\nExecguard-Override: protected-path: approved by Ana",
    ]);
    let head = repo.head();
    // In CI an override counts only for a pusher the config lists.
    let ci_config = repo.path(".git/ci.toml");
    std::fs::write(&ci_config, "[server]\noverride-users = [\"ana\"]\n").unwrap();
    let run = repo.execguard([
        "check",
        "--commit",
        &head,
        "--config",
        ci_config.to_str().unwrap(),
        "--pusher",
        "ana",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let overridden = &report["overridden"][0];
    assert_eq!(overridden["reason"], "approved by Ana", "{report:#}");
    assert_eq!(
        overridden["finding"]["rule"], "protected-path",
        "{report:#}"
    );
    assert_eq!(
        overridden["finding"]["path"], "backend/PLANS.md",
        "{report:#}"
    );
    assert_eq!(overridden["finding"]["action"], "modifies", "{report:#}");
}

#[test]
fn sarif_results_carry_the_facts_as_properties() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    let run = repo.execguard(["check", "--format", "sarif"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "frozen-spec", "{sarif:#}");
    let properties = &result["properties"];
    assert_eq!(properties["rule"], "frozen-spec", "{sarif:#}");
    assert_eq!(properties["path"], "specs/login.md", "{sarif:#}");
    assert_eq!(properties["feature"], "login", "{sarif:#}");
    assert_eq!(properties["action"], "modifies", "{sarif:#}");
}
