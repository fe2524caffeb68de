//! Human output: one block per violation on stderr, a summary line, colour only on a terminal
//! (and never with `NO_COLOR`, which anstream honours).

use std::io::Write;

use anstyle::{AnsiColor, Style};
use execguard_core::Report;

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const DIM: Style = AnsiColor::Cyan.on_default();
const BOLD: Style = Style::new().bold();

/// Writes one line to stderr; a closed pipe is not an error.
pub fn eprint_line(text: &str) {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "{text}");
}

/// The report as people and agents read it. `action` says what happens to the change ("the commit
/// is refused").
pub fn human(report: &Report, action: &str) -> String {
    let mut out = String::new();
    for violation in &report.violations {
        out.push_str(&format!(
            "{ERROR}error[{}]{ERROR:#}{}{}\n  {}\n  {DIM}hint:{DIM:#} {}\n\n",
            violation.rule,
            violation
                .path
                .as_ref()
                .map(|p| format!(" {BOLD}{p}{BOLD:#}"))
                .unwrap_or_default(),
            violation
                .commit
                .as_deref()
                .map(|c| format!(" (commit {})", execguard_core::engine::short(c)))
                .unwrap_or_default(),
            violation.message,
            violation.hint
        ));
    }
    for overridden in &report.overridden {
        let v = &overridden.violation;
        out.push_str(&format!(
            "{WARN}overridden[{}]{WARN:#}{} {}\n  override reason: {}\n\n",
            v.rule,
            v.path
                .as_ref()
                .map(|p| format!(" {p}:"))
                .unwrap_or_default(),
            v.message,
            overridden.reason
        ));
    }
    for skipped in &report.skipped {
        out.push_str(&format!(
            "{WARN}skipped[{}]{WARN:#}{} {}\n\n",
            skipped.rule,
            skipped
                .path
                .as_ref()
                .map(|p| format!(" {p}:"))
                .unwrap_or_default(),
            skipped.message
        ));
    }
    if !report.skipped.is_empty() {
        let mut rules: Vec<&str> = report.skipped.iter().map(|v| v.rule.as_str()).collect();
        rules.dedup();
        out.push_str(&format!(
            "{WARN}execguard:{WARN:#} EXECGUARD_SKIP set these aside for now; the commit-msg hook will refuse the commit unless its message carries {}.\n",
            rules
                .iter()
                .map(|r| format!("`Execguard-Override: {r}: <reason>`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ));
    }
    if let Some(branch) = &report.out_of_scope {
        out.push_str(&format!(
            "execguard: branch `{branch}` is outside the configured [scope]; nothing was checked.\n"
        ));
    }
    if report.violations.is_empty() {
        if !report.overridden.is_empty() {
            out.push_str(&format!(
                "execguard: {} violation{} overridden by trailer; no other violations.\n",
                report.overridden.len(),
                plural(report.overridden.len())
            ));
        }
    } else {
        let mut rules: Vec<&str> = report.violations.iter().map(|v| v.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        out.push_str(&format!(
            "{ERROR}execguard:{ERROR:#} {} violation{} ({}); {action}. Do not bypass the guard (no --no-verify): fix the cause, or stop and escalate to a human.\n",
            report.violations.len(),
            plural(report.violations.len()),
            rules.join(", ")
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
/// `NO_COLOR` is set.
pub fn eprint(text: &str) {
    let mut err = anstream::stderr();
    let _ = err.write_all(text.as_bytes());
}

/// Writes text to stdout; a closed pipe is not an error.
pub fn print(text: &str) {
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
}
