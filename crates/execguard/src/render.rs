//! Human output: one block per violation on stderr, a summary line, colour only on a terminal
//! (and never with `NO_COLOR`, which anstream honours).

mod gitlab;

use std::io::Write;

use anstyle::{AnsiColor, Style};
use execguard_core::Report;
pub use gitlab::gitlab;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = AnsiColor::Cyan.on_default();
const BOLD: Style = Style::new().bold();

/// The visible blank a printed command leaves for a human to fill; run as printed, the
/// commit-msg hook refuses it (rule commit-message).
pub const BLANK: &str = "___";

/// Writes one line to stderr, unless `--quiet`; a closed pipe is not an error.
pub fn eprint_line(text: &str) {
    if crate::verbosity::is_quiet() {
        return;
    }
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{text}");
}

/// The report as people and agents read it. `action` says what happens to the change ("the commit
/// is refused").
pub fn human(report: &Report, action: &str) -> String {
    human_for(report, action, Audience::Client)
}

/// Who reads a report: the client runs the hooks it could skip, so it is told not to; a server's
/// pusher has no such choice, and advice about `--no-verify` would only mislead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Client,
    Server,
}

/// [`human`] for `audience`.
pub fn human_for(report: &Report, action: &str, audience: Audience) -> String {
    let mut out = unjudged_commits(report);
    for violation in &report.violations {
        out.push_str(&format!(
            "{ERROR}error[{}]{ERROR:#}{}{}\n  {}\n  {DIM}hint:{DIM:#} {}\n\n",
            violation.rule(),
            violation
                .path()
                .map(|p| format!(" {BOLD}{p}{BOLD:#}"))
                .unwrap_or_default(),
            violation
                .commit()
                .map(|c| format!(" (commit {})", execguard_core::engine::short(c)))
                .unwrap_or_default(),
            violation.message(),
            violation.hint()
        ));
    }
    for overridden in &report.overridden {
        let v = &overridden.violation;
        out.push_str(&format!(
            "{WARN}overridden[{}]{WARN:#}{} {}\n  override reason: {}\n\n",
            v.rule(),
            v.path().map(|p| format!(" {p}:")).unwrap_or_default(),
            v.message(),
            overridden.reason
        ));
    }
    for advice in &report.advice {
        out.push_str(&format!(
            "{WARN}warning[{}]{WARN:#}{} {}\n  {DIM}hint:{DIM:#} {}\n\n",
            advice.rule(),
            advice.path().map(|p| format!(" {p}:")).unwrap_or_default(),
            advice.message(),
            advice.hint()
        ));
    }
    for skipped in &report.skipped {
        out.push_str(&format!(
            "{WARN}skipped[{}]{WARN:#}{} {}\n\n",
            skipped.rule(),
            skipped.path().map(|p| format!(" {p}:")).unwrap_or_default(),
            skipped.message()
        ));
    }
    if !report.skipped.is_empty() {
        let mut rules: Vec<&str> = report.skipped.iter().map(|v| v.rule().as_str()).collect();
        rules.dedup();
        out.push_str(&format!(
            "{WARN}execguard:{WARN:#} EXECGUARD_SKIP set these aside for now; the commit-msg hook will refuse the commit unless its message carries {}, with `{}` replaced by the approving human's reason.\n",
            rules
                .iter()
                .map(|r| format!("`Execguard-Override: {r}: {}`", BLANK))
                .collect::<Vec<_>>()
                .join(" and "),
            BLANK
        ));
    }
    for deferred in &report.deferred {
        out.push_str(&format!(
            "{WARN}warning[{}]{WARN:#}{} {}\n  {DIM}hint:{DIM:#} {}\n\n",
            deferred.rule(),
            deferred
                .path()
                .map(|p| format!(" {p}:"))
                .unwrap_or_default(),
            deferred.message(),
            deferred.hint()
        ));
    }
    if !report.deferred.is_empty() {
        out.push_str(&format!("{WARN}execguard:{WARN:#} {DEFERRED}\n"));
    }
    if let Some(branch) = &report.out_of_scope {
        out.push_str(&format!(
            "execguard: branch `{branch}` is outside the configured [scope]; nothing was checked.\n"
        ));
    }
    out.push_str(&verdict(report, action, audience));
    out
}

/// What a deferred finding means, in every format that prints one.
const DEFERRED: &str = "`[rules.progress-update] within = \"push\"`: the commit is not refused, but another commit of the same push, before or after it, must add the entry; pre-push and the server refuse a push without it.";

/// The last line of [`human`]: how many violations of which rules and what happens to the change;
/// empty when there is nothing to refuse or report. It is all `--quiet` prints of a report.
pub fn verdict(report: &Report, action: &str, audience: Audience) -> String {
    let mut out = String::new();
    if report.violations.is_empty() {
        if !report.overridden.is_empty() {
            out.push_str(&format!(
                "execguard: {} violation{} overridden by trailer; no other violations.\n",
                report.overridden.len(),
                plural(report.overridden.len())
            ));
        }
    } else {
        let mut rules: Vec<&str> = report
            .violations
            .iter()
            .map(|v| v.rule().as_str())
            .collect();
        rules.sort_unstable();
        rules.dedup();
        let advice = match audience {
            Audience::Client => "Do not bypass the guard (no --no-verify): fix the cause, or stop and escalate to a human (`execguard escalate \"<question>\"`).",
            Audience::Server => "Fix the cause, or stop and escalate to a human (in your clone: `execguard escalate \"<question>\"`).",
        };
        out.push_str(&format!(
            "{ERROR}execguard:{ERROR:#} {} violation{} ({}); {action}. {advice}\n",
            report.violations.len(),
            plural(report.violations.len()),
            rules.join(", ")
        ));
    }
    out
}

/// One block per commit that could not be judged.
fn unjudged_commits(report: &Report) -> String {
    let mut out = String::new();
    for error in &report.errors {
        out.push_str(&format!(
            "{ERROR}error{ERROR:#} (commit {}): could not be checked\n  {}\n  unreadable: {}\n  {DIM}hint:{DIM:#} {}\n\n",
            execguard_core::engine::short(&error.commit),
            error.message,
            error.object,
            error.hint
        ));
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Writes text to stderr through anstream, which strips colour when stderr is not a terminal or
/// `NO_COLOR` is set (see [`crate::output`]); nothing under `--quiet`.
pub fn eprint(text: &str) {
    if crate::verbosity::is_quiet() {
        return;
    }
    eprint_always(text);
}

/// Writes text to stderr even under `--quiet`: errors and verdicts.
pub fn eprint_always(text: &str) {
    let mut err = anstream::stderr();
    let _ = err.write_all(text.as_bytes());
}

/// Writes bytes to stdout as they are (a script, a man page); a closed pipe is not an error.
pub fn print_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// Writes text to stdout; a closed pipe is not an error.
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
}

/// The report as JSON: `violations` and `overridden` arrays of objects with `rule`, `path`,
/// `commit`, `message`, `hint` and the typed `finding` (overridden ones also have `reason`).
pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: one `::error` per violation, one `::warning` per override and
/// per deferred finding.
pub fn github(report: &Report) -> String {
    fn escape_data(text: &str) -> String {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn escape_property(text: &str) -> String {
        escape_data(text).replace(':', "%3A").replace(',', "%2C")
    }
    let line = |kind: &str, v: &execguard_core::Violation, extra: &str| {
        let mut properties = vec![format!(
            "title={}",
            escape_property(&format!("execguard {}", v.rule()))
        )];
        if let Some(path) = v.path() {
            properties.insert(0, format!("file={}", escape_property(&path.to_text())));
        }
        let commit = v
            .commit()
            .map(|c| format!("commit {}: ", execguard_core::engine::short(c)))
            .unwrap_or_default();
        format!(
            "::{kind} {}::{}\n",
            properties.join(","),
            escape_data(&format!(
                "[{}] {commit}{} {}{extra}",
                v.rule(),
                v.message(),
                v.hint()
            ))
        )
    };
    let mut out = String::new();
    for error in &report.errors {
        out.push_str(&format!(
            "::error title={}::{}\n",
            escape_property("execguard could not check a commit"),
            escape_data(&format!(
                "commit {}: {} ({}) {}",
                execguard_core::engine::short(&error.commit),
                error.message,
                error.object,
                error.hint
            ))
        ));
    }
    for violation in &report.violations {
        out.push_str(&line("error", violation, ""));
    }
    for overridden in &report.overridden {
        out.push_str(&line(
            "warning",
            &overridden.violation,
            &format!(" Overridden: {}", overridden.reason),
        ));
    }
    for deferred in &report.deferred {
        out.push_str(&line("warning", deferred, &format!(" {DEFERRED}")));
    }
    // Advice refuses nothing here: a warning annotation.
    for advice in &report.advice {
        out.push_str(&line("warning", advice, ""));
    }
    out
}

/// The SARIF invocation: unsuccessful when a commit could not be judged, with one error-level
/// notification per such commit.
fn invocation(report: &Report) -> serde_json::Value {
    use serde_json::json;
    let notifications: Vec<serde_json::Value> = report
        .errors
        .iter()
        .map(|error| {
            json!({
                "level": "error",
                "message": { "text": format!("{} {}", error.message, error.hint) },
                "descriptor": { "id": "unreadable-commit" },
                "locations": [{
                    "logicalLocations": [{ "name": error.commit, "kind": "commit" }],
                }],
                "properties": { "object": error.object },
            })
        })
        .collect();
    json!({
        "executionSuccessful": report.errors.is_empty(),
        "toolExecutionNotifications": notifications,
    })
}

/// SARIF 2.1.0, as GitHub code scanning accepts it.
pub fn sarif(report: &Report) -> String {
    use execguard_core::ALL_RULES;
    use serde_json::json;
    let rules: Vec<serde_json::Value> = ALL_RULES
        .iter()
        .map(|rule| {
            let summary = rule.summary();
            let short = summary.split_once(": ").map_or(summary, |(_, s)| s);
            json!({
                "id": rule.as_str(),
                "name": rule
                    .as_str()
                    .split('-')
                    .map(|word| {
                        let mut chars = word.chars();
                        chars
                            .next()
                            .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<String>(),
                "shortDescription": { "text": short },
                "fullDescription": { "text": short },
                "help": { "text": rule.doc(), "markdown": rule.doc() },
                "defaultConfiguration": { "level": "error" },
            })
        })
        .collect();
    let result = |v: &execguard_core::Violation,
                  level: &str,
                  suppression: Option<&str>,
                  note: &str| {
        let rule_index = ALL_RULES.iter().position(|r| *r == v.rule()).unwrap_or(0);
        let mut location = serde_json::Map::new();
        let uri = v
            .path()
            .map(|p| p.to_text())
            .unwrap_or_else(|| ".".to_string());
        location.insert(
            "physicalLocation".into(),
            json!({
                "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": 1, "endLine": 1 },
            }),
        );
        if let Some(commit) = v.commit() {
            location.insert(
                "logicalLocations".into(),
                json!([{ "name": commit, "kind": "commit" }]),
            );
        }
        let mut value = json!({
            "ruleId": v.rule().as_str(),
            "ruleIndex": rule_index,
            "level": level,
            "message": { "text": format!("{} {}{note}", v.message(), v.hint()) },
            "locations": [serde_json::Value::Object(location)],
            "partialFingerprints": {
                "execguard/v1": format!("{}:{}:{}", v.rule(), v.commit().unwrap_or("staged"), uri),
            },
            // The finding's facts, as the JSON output's `finding` has them.
            "properties": serde_json::to_value(&v.finding).unwrap_or_default(),
        });
        if let Some(reason) = suppression {
            value["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
        }
        value
    };
    let mut results: Vec<serde_json::Value> = report
        .violations
        .iter()
        .map(|v| result(v, "error", None, ""))
        .collect();
    results.extend(
        report
            .overridden
            .iter()
            .map(|o| result(&o.violation, "error", Some(&o.reason), "")),
    );
    // A deferred finding refuses nothing yet: a warning, which code scanning shows without
    // failing the check.
    let note = format!(" {DEFERRED}");
    results.extend(
        report
            .deferred
            .iter()
            .map(|v| result(v, "warning", None, &note)),
    );
    results.extend(report.advice.iter().map(|v| result(v, "warning", None, "")));
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "execguard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
            "invocations": [invocation(report)],
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
