// `execguard run` in the trail: each start (guarded, with the paths made read-only, or
// unguarded as asked), each refusal to start, and each end with the paths it reported.

use super::common::*;
use super::{run_in, run_repo};
use serde_json::Value;

/// The records `execguard run` wrote, oldest first.
fn run_records(repo: &TestRepo) -> Vec<Value> {
    let log = repo.execguard(["log", "--format", "json"]);
    log.assert_ok();
    log.stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|record| record["layer"] == "run")
        .collect()
}

fn paths(record: &Value) -> Vec<&str> {
    record["paths"]
        .as_array()
        .map(|paths| paths.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn run_records_its_guarded_start_and_end_with_the_read_only_paths() {
    let repo = run_repo();
    let run = run_in(&repo, &[], "exit 3");
    assert_eq!(run.code, Some(3), "{run:#?}");
    let records = run_records(&repo);
    assert_eq!(records.len(), 2, "{records:#?}");
    let (start, end) = (&records[0], &records[1]);
    assert_eq!(start["kind"], "run-guarded", "{start:#}");
    assert_eq!(start["route"], "namespaces");
    assert_eq!(start["command"], "sh");
    assert_eq!(start["feature"], "login");
    for guarded in ["specs/login.md", "backend/PLANS.md", ".git/hooks"] {
        assert!(paths(start).contains(&guarded), "{guarded}: {start:#}");
    }
    assert_eq!(end["kind"], "run-ended", "{end:#}");
    assert_eq!(end["exit-code"], 3);
    assert_eq!(paths(end), paths(start));
    // Every path the summary listed is in the record of the end.
    for path in paths(end) {
        assert!(
            run.stderr.contains(&format!("  {path}: ")),
            "{path}: {}",
            run.stderr
        );
    }
    repo.execguard(["log", "--verify"]).assert_ok();
}

#[test]
fn run_records_a_refusal_to_start_and_an_unguarded_run() {
    let repo = run_repo();
    let refused = run_in(&repo, &["--sandbox", "seatbelt"], "true");
    assert_eq!(refused.code, Some(2), "{refused:#?}");
    let records = run_records(&repo);
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["kind"], "refusal");
    assert!(
        records[0]["message"]
            .as_str()
            .unwrap()
            .contains("refuses to start the command unguarded"),
        "{records:#?}"
    );
    // The supervisor counts it with the feature's other refusals.
    let status = status_json(&repo);
    let login = status_feature(&status, "login");
    assert_eq!(login["refusals"], 1, "{login:#}");

    let unguarded = run_in(
        &repo,
        &["--sandbox", "seatbelt", "--allow-unguarded"],
        "exit 4",
    );
    assert_eq!(unguarded.code, Some(4), "{unguarded:#?}");
    let records = run_records(&repo);
    assert_eq!(records.len(), 3, "{records:#?}");
    assert_eq!(records[1]["kind"], "run-unguarded", "{records:#?}");
    assert_eq!(records[1]["route"], "unguarded");
    assert!(paths(&records[1]).is_empty(), "{records:#?}");
    assert_eq!(records[2]["kind"], "run-ended");
    assert_eq!(records[2]["exit-code"], 4);
    assert!(
        records[2]["message"]
            .as_str()
            .unwrap()
            .contains("UNGUARDED"),
        "{records:#?}"
    );
}
