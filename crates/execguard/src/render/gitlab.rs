//! GitLab's code quality report (a subset of Code Climate's issue format): a JSON array with one
//! object per finding, which GitLab shows in the merge request widget when a job uploads it as
//! `artifacts:reports:codequality`. Each has the fields GitLab requires: `description`,
//! `check_name`, `fingerprint`, `severity` and `location.path` with `location.lines.begin`.

use execguard_core::{Report, Violation};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

/// Refuses the change: the job fails.
const REFUSED: &str = "blocker";
/// A commit that could not be judged: the job fails too (exit code 2).
const UNJUDGED: &str = "critical";
/// Refuses nothing yet (a deferred Progress entry, advice, a rule set aside for now).
const WARNING: &str = "minor";
/// Accepted by an override trailer: shown, with the reason.
const OVERRIDDEN: &str = "info";

/// The report as a code quality JSON array (`[]` when there is nothing to show).
pub fn gitlab(report: &Report) -> String {
    let mut issues: Vec<Value> = Vec::new();
    for error in &report.errors {
        let description = format!(
            "commit {}: could not be checked: {} ({}) {}",
            execguard_core::engine::short(&error.commit),
            error.message,
            error.object,
            error.hint
        );
        issues.push(issue(
            "unreadable-commit",
            ".",
            Some(&error.commit),
            (&error.message, &description),
            UNJUDGED,
        ));
    }
    for violation in &report.violations {
        issues.push(finding(violation, REFUSED, ""));
    }
    for deferred in &report.deferred {
        issues.push(finding(deferred, WARNING, &format!(" {}", super::DEFERRED)));
    }
    for advice in report.advice.iter().chain(&report.skipped) {
        issues.push(finding(advice, WARNING, ""));
    }
    for overridden in &report.overridden {
        issues.push(finding(
            &overridden.violation,
            OVERRIDDEN,
            &format!(" Overridden: {}", overridden.reason),
        ));
    }
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

fn finding(violation: &Violation, severity: &str, note: &str) -> Value {
    // A finding about a commit as a whole (its message) has no file: the repository stands in.
    let path = violation
        .path()
        .map(|p| p.to_text())
        .unwrap_or_else(|| ".".to_string());
    let commit = violation
        .commit()
        .map(|c| format!("commit {}: ", execguard_core::engine::short(c)))
        .unwrap_or_default();
    let description = format!(
        "[{}] {commit}{} {}{note}",
        violation.rule(),
        violation.message(),
        violation.hint()
    );
    issue(
        violation.rule().as_str(),
        &path,
        violation.commit(),
        (&violation.message(), &description),
        severity,
    )
}

/// One issue; `text` is the message (what the fingerprint hashes, so that a reworded hint keeps
/// it) and the description shown.
fn issue(
    check_name: &str,
    path: &str,
    commit: Option<&str>,
    text: (&str, &str),
    severity: &str,
) -> Value {
    let (message, description) = text;
    json!({
        "description": description,
        "check_name": check_name,
        "fingerprint": fingerprint(check_name, path, commit, message),
        "severity": severity,
        "location": { "path": path, "lines": { "begin": 1 } },
    })
}

/// The same finding gets the same fingerprint on every run, so that GitLab compares the merge
/// request's findings with the target branch's: a hash of the rule, the path, the commit and the
/// message, with a separator no part can contain.
fn fingerprint(check_name: &str, path: &str, commit: Option<&str>, message: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [check_name, path, commit.unwrap_or("staged"), message] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
