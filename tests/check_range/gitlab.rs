// `check --format gitlab`: GitLab's code quality report, checked against the fields GitLab's
// documentation requires of each issue (description, check_name, fingerprint, severity,
// location.path, location.lines.begin), for refusals, warnings and a clean run.

use std::collections::BTreeSet;

use super::checked_history;
use super::common::server::*;
use super::common::*;
use serde_json::Value;

const SEVERITIES: &[&str] = &["info", "minor", "major", "critical", "blocker"];

/// The issues of a report, each asserted to have GitLab's required fields, fingerprints unique.
#[track_caller]
fn code_quality_issues(stdout: &str) -> Vec<Value> {
    let report: Value = serde_json::from_str(stdout).expect("a JSON document");
    let issues = report.as_array().expect("a JSON array").clone();
    let mut fingerprints = BTreeSet::new();
    for issue in &issues {
        for key in ["description", "check_name", "fingerprint"] {
            let text = issue[key].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "{key} is a non-empty string: {issue:#}");
        }
        assert!(
            SEVERITIES.contains(&issue["severity"].as_str().unwrap_or_default()),
            "{issue:#}"
        );
        assert!(
            !issue["location"]["path"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{issue:#}"
        );
        assert!(
            issue["location"]["lines"]["begin"].as_u64().unwrap_or(0) >= 1,
            "{issue:#}"
        );
        assert!(
            fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()),
            "fingerprints are unique: {issue:#}"
        );
    }
    issues
}

fn check_gitlab(repo: &TestRepo, extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--range",
        "main..exec/login",
        "--branch",
        "exec/login",
        "--format",
        "gitlab",
    ];
    args.extend_from_slice(extra);
    repo.execguard(args)
}

#[test]
fn gitlab_report_lists_each_refusal_as_a_blocker_with_a_stable_fingerprint() {
    let repo = pushed_fixture();
    let [_, spec_edit, _, plans_edit, long_subject] = checked_history(&repo);
    let run = check_gitlab(&repo, &[]);
    assert_eq!(run.code, Some(1), "the job fails: {run:#?}");
    let issues = code_quality_issues(&run.stdout);
    let found: BTreeSet<(&str, &str, &str)> = issues
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap(),
                i["location"]["path"].as_str().unwrap(),
                i["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        BTreeSet::from([
            ("frozen-spec", "specs/login.md", "blocker"),
            ("protected-path", "backend/PLANS.md", "blocker"),
            // A commit's message has no file: the repository stands in.
            ("commit-message", ".", "blocker"),
        ]),
        "{issues:#?}"
    );
    for (rule, commit) in [
        ("frozen-spec", &spec_edit),
        ("protected-path", &plans_edit),
        ("commit-message", &long_subject),
    ] {
        let issue = issues.iter().find(|i| i["check_name"] == rule).unwrap();
        let description = issue["description"].as_str().unwrap();
        assert!(
            description.starts_with(&format!("[{rule}] commit {}", &commit[..7])),
            "{description}"
        );
    }
    // The same findings on the next run: the same fingerprints, so GitLab matches them up.
    let again = check_gitlab(&repo, &[]);
    assert_eq!(again.stdout, run.stdout);
    // A new commit's finding gets a new fingerprint; the old ones stay.
    repo.append("specs/login.md", "And a hardware key.\n");
    repo.commit_unchecked("Tweak the spec again");
    let more = code_quality_issues(&check_gitlab(&repo, &[]).stdout);
    assert_eq!(more.len(), 4, "{more:#?}");
    for issue in &issues {
        assert!(
            more.iter()
                .any(|m| m["fingerprint"] == issue["fingerprint"]),
            "{issue:#}"
        );
    }
}

#[test]
fn gitlab_report_shows_warnings_without_failing_and_a_clean_run_as_empty() {
    // A deferred Progress entry (`within = "push"`): minor, and the job passes.
    let repo = staged_code_deferred_by_push();
    let run = repo.execguard(["check", "--format", "gitlab"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let issues = code_quality_issues(&run.stdout);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0]["check_name"], "progress-update");
    assert_eq!(issues[0]["severity"], "minor");
    // The plan whose Progress needs the entry.
    assert_eq!(issues[0]["location"]["path"], "plans/login-execplan.md");

    // An override honoured for a listed pusher: info, with the reason, and the job passes.
    let repo = pushed_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.commit_unchecked(
        "Widen the spec\n\nExecguard-Override: frozen-spec: approved by ana in review",
    );
    let config = repo.root.join("ci-config.toml");
    std::fs::write(&config, "[server]\noverride-users = [\"ana\"]\n").unwrap();
    let config = config.display().to_string();
    let run = check_gitlab(&repo, &["--pusher", "ana", "--config", &config]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let issues = code_quality_issues(&run.stdout);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0]["check_name"], "frozen-spec");
    assert_eq!(issues[0]["severity"], "info");
    assert!(
        issues[0]["description"]
            .as_str()
            .unwrap()
            .contains("approved by ana in review"),
        "{issues:#?}"
    );

    // Nothing to show: an empty array.
    let repo = pushed_fixture();
    commit_clean_code(&repo, "logout");
    let run = check_gitlab(&repo, &[]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(code_quality_issues(&run.stdout).is_empty(), "{run:#?}");
    assert_eq!(run.stdout, "[]\n");
}
