#![allow(clippy::unwrap_used)]
//! The typed findings a JSON or SARIF consumer reads: each violation's `finding` object (tagged
//! by `rule`, with a `kind`) carries the facts its message is made of, and SARIF results carry the
//! same facts as `properties`. Each case runs `execguard check` in a temporary repository.

use crate::common;

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

/// A change set up in a fresh `exec_fixture` repository, the extra `check` arguments it needs,
/// and the facts that the finding of `rule` must carry (a subset of its fields).
struct Case {
    name: &'static str,
    setup: fn(&TestRepo) -> Vec<String>,
    rule: &'static str,
    facts: fn() -> Value,
}

const CASES: &[Case] = &[
    Case {
        name: "a frozen spec modified",
        setup: |repo| {
            repo.append("specs/login.md", "Also support passkeys.\n");
            repo.git(["add", "specs/login.md"]);
            vec![]
        },
        rule: "frozen-spec",
        facts: || {
            json!({ "kind": "changed", "path": "specs/login.md", "feature": "login",
                    "action": "modifies", "markers": ["EXEC-READY"] })
        },
    },
    Case {
        name: "a frozen spec renamed",
        setup: |repo| {
            repo.git(["mv", "specs/login.md", "specs/sign-in.md"]);
            vec![]
        },
        rule: "frozen-spec",
        facts: || json!({ "path": "specs/login.md", "action": "renames", "to": "specs/sign-in.md" }),
    },
    Case {
        name: "a path that is a frozen spec on a case-insensitive checkout",
        setup: |repo| {
            repo.write("specs/Login.md", "# Login, again\n");
            repo.git(["add", "specs/Login.md"]);
            vec![]
        },
        rule: "frozen-spec",
        facts: || {
            json!({ "kind": "case-collision", "added": "specs/Login.md",
                    "existing": "specs/login.md", "markers": ["EXEC-READY"] })
        },
    },
    Case {
        name: "the design note of a frozen spec modified",
        setup: |repo| {
            repo.append("designs/login.md", "Also cache sessions.\n");
            repo.git(["add", "designs/login.md"]);
            vec![]
        },
        rule: "frozen-design",
        facts: || {
            json!({ "kind": "changed", "path": "designs/login.md", "feature": "login",
                    "action": "modifies", "spec": "specs/login.md", "markers": ["EXEC-READY"] })
        },
    },
    Case {
        name: "a protected path modified",
        setup: |repo| {
            repo.append("backend/PLANS.md", "Fewer sections.\n");
            repo.git(["add", "backend/PLANS.md"]);
            vec![]
        },
        rule: "protected-path",
        facts: || json!({ "kind": "changed", "path": "backend/PLANS.md", "action": "modifies" }),
    },
    Case {
        name: "code for a draft execplan",
        setup: |repo| {
            let plan = repo.read("plans/login-execplan.md");
            repo.write(
                "plans/login-execplan.md",
                plan.replace("EXECPLAN-READY", "Status: draft"),
            );
            repo.commit_unchecked("Draft the plan again");
            repo.append("src/auth.rs", "pub fn logout() {}\n");
            repo.add_progress("Logout.");
            repo.git(["add", "-A"]);
            vec![]
        },
        rule: "execplan-ready",
        facts: || {
            json!({ "kind": "plan-not-ready", "feature": "login",
                    "plan": "plans/login-execplan.md", "problem": "not-ready",
                    "markers": ["EXECPLAN-READY"] })
        },
    },
    Case {
        name: "too many files",
        setup: |repo| {
            for n in 0..30 {
                repo.write(&format!("src/part{n:02}.rs"), "pub fn part() {}\n");
            }
            repo.write("src/big.rs", "// line\n".repeat(5));
            repo.git(["add", "src"]);
            vec![]
        },
        rule: "commit-size",
        facts: || {
            json!({ "kind": "too-large", "lines": 35, "capped": false, "files": 31,
                    "max-lines": 400, "max-files": 25,
                    "largest": [
                        { "path": "src/big.rs", "lines": 5, "capped": false },
                        { "path": "src/part00.rs", "lines": 1, "capped": false },
                        { "path": "src/part01.rs", "lines": 1, "capped": false },
                    ] })
        },
    },
    Case {
        name: "a blob over the size limit",
        setup: |repo| {
            repo.write(
                ".execguard.toml",
                "[rules.commit-size]\nmax-file-bytes = 1000\n",
            );
            repo.commit_unchecked("Tighten the blob limit");
            repo.write("assets/logo.svg", "<svg>".repeat(400));
            repo.git(["add", "assets/logo.svg"]);
            vec![]
        },
        rule: "commit-size",
        facts: || {
            json!({ "kind": "large-blob", "path": "assets/logo.svg", "change": "adds",
                    "size": 2000, "max-file-bytes": 1000 })
        },
    },
    Case {
        name: "code without a Progress entry",
        setup: |repo| {
            repo.append("src/auth.rs", "pub fn logout() {}\n");
            repo.git(["add", "src/auth.rs"]);
            vec![]
        },
        rule: "progress-update",
        facts: || {
            json!({ "kind": "plan-not-updated", "plan": "plans/login-execplan.md",
                    "feature": "login", "named-by": "branch", "code-path": "src/auth.rs",
                    "code-files": 1, "section": "Progress" })
        },
    },
    Case {
        name: "an execplan without its Decision Log",
        setup: |repo| {
            let plan = repo.read("plans/login-execplan.md");
            repo.write(
                "plans/login-execplan.md",
                plan.replace("## Decision Log", "## Decisions"),
            );
            repo.git(["add", "plans/login-execplan.md"]);
            vec![]
        },
        rule: "execplan-sections",
        facts: || {
            json!({ "kind": "missing-sections", "path": "plans/login-execplan.md",
                    "feature": "login", "missing": ["Decision Log"] })
        },
    },
    Case {
        name: "a commit with a long subject",
        setup: |repo| {
            repo.write("notes.md", "A note.\n");
            repo.commit_unchecked(&"x".repeat(90));
            let head = repo.head();
            vec![
                "--commit".into(),
                head,
                "--branch".into(),
                "exec/login".into(),
            ]
        },
        rule: "commit-message",
        facts: || json!({ "kind": "subject-too-long", "length": 90, "max-subject": 72 }),
    },
    Case {
        name: "an override naming no rule",
        setup: |repo| {
            repo.write("notes.md", "A note.\n");
            repo.commit_unchecked("Add a note\n\nExecguard-Override: frozen-specs: ok");
            let head = repo.head();
            vec![
                "--commit".into(),
                head,
                "--branch".into(),
                "exec/login".into(),
            ]
        },
        rule: "commit-message",
        facts: || {
            json!({ "kind": "bad-override", "value": "frozen-specs: ok",
                    "problem": "unknown-rule", "name": "frozen-specs" })
        },
    },
    Case {
        name: "a ready plan deleted",
        // Committed: the staged change leaves the deletion to the commit message, which may
        // name the plan.
        setup: |repo| {
            repo.git(["rm", "-q", "plans/login-execplan.md"]);
            repo.commit_unchecked("Remove the plan");
            vec!["--commit".into(), "HEAD".into()]
        },
        rule: "execplan-deleted",
        facts: || {
            json!({ "kind": "deletes", "path": "plans/login-execplan.md", "feature": "login",
                    "ready": true, "open-items": 0, "markers": ["EXECPLAN-READY"],
                    "section": "Progress", "advice": false })
        },
    },
    Case {
        name: "a looser config",
        setup: |repo| {
            repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n");
            repo.git(["add", ".execguard.toml"]);
            vec![]
        },
        rule: "guard-config",
        facts: || {
            json!({ "kind": "loosened", "path": ".execguard.toml", "action": "adds",
                    "removed": false, "in-force": "default",
                    "loosenings": [{ "key": "rules.commit-size.max-lines", "old": "400", "new": "4000" }] })
        },
    },
];

#[test]
fn each_rule_finding_carries_the_facts_of_its_message() {
    for case in CASES {
        let repo = TestRepo::new();
        repo.exec_fixture();
        let args = (case.setup)(&repo);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let report = refused_json(&repo, &args);
        let finding = finding(&report, case.rule);
        let expected = (case.facts)();
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(
                &finding[key], value,
                "{}: `{key}` of {finding:#}",
                case.name
            );
        }
    }
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

/// Under `within = "push"`, a staged code change without a Progress entry is deferred, not
/// refused: SARIF and GitHub annotations carried nothing of it, so CI showed no warning at all.
#[test]
fn deferred_progress_findings_are_warnings_in_sarif_and_github() {
    let repo = staged_code_deferred_by_push();

    let run = repo.execguard(["check", "--format", "sarif"]);
    assert_eq!(run.code, Some(0), "deferred is not refused: {run:#?}");
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif:#}");
    assert_eq!(results[0]["ruleId"], "progress-update", "{sarif:#}");
    assert_eq!(results[0]["level"], "warning", "{sarif:#}");
    assert_eq!(results[0]["properties"]["rule"], "progress-update");
    let text = results[0]["message"]["text"].as_str().unwrap();
    assert!(text.contains("within = \"push\""), "{text}");
    assert!(text.contains("another commit of the same push"), "{text}");

    let run = repo.execguard(["check", "--format", "github"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].starts_with("::warning "), "{run:#?}");
    assert!(
        lines[0].contains("title=execguard progress-update"),
        "{run:#?}"
    );
    assert!(lines[0].contains("within = \"push\""), "{run:#?}");
}
