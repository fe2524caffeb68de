//! `execguard status --format html`: one self-contained page (inline CSS and SVG, no script, no
//! link to fetch) with each feature's state and a timeline of its commits against its Progress
//! entries, so that a glance shows which feature stalled (commits after its last entry) or
//! drifted (findings, refusals, open escalations).

use std::fmt::Write as _;

use crate::status_facts::{FeatureFacts, Status};

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.ok{color:#17692c}.bad{color:#b00020;font-weight:bold}.feature{margin:2em 0}\
svg.timeline{display:block;background:#fafafa;border:1px solid #ddd}.legend{font-size:.85em;color:#555}";

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether the feature stalled (commits after its last Progress entry) or drifted (findings,
/// refusals, escalations open).
fn verdict(f: &FeatureFacts) -> (&'static str, String) {
    let mut problems = Vec::new();
    if let Some(n) = f.progress.commits_since.filter(|n| *n > 0) {
        problems.push(format!(
            "stalled: {n} commit{} since the last Progress entry",
            if n == 1 { "" } else { "s" }
        ));
    }
    let findings: usize = f.findings.values().sum();
    if findings > 0 {
        problems.push(format!("drifted: {findings} finding(s) on the branch"));
    }
    if f.refusals > 0 {
        problems.push(format!("{} refusal(s)", f.refusals));
    }
    if !f.escalations.is_empty() {
        problems.push(format!("{} open escalation(s)", f.escalations.len()));
    }
    if problems.is_empty() {
        ("ok", "on track".to_string())
    } else {
        ("bad", problems.join("; "))
    }
}

/// The timeline: the feature's commits oldest to newest, a filled green dot for a commit that
/// changed the Progress entries, a red ring for a commit after the last one.
fn timeline(f: &FeatureFacts) -> String {
    let commits: Vec<_> = f.timeline.iter().rev().collect();
    let step = 28;
    let width = 40 + step * commits.len().max(1);
    let last_progress = commits.iter().rposition(|c| c.progress);
    let mut svg = format!(
        "<svg class=\"timeline\" data-feature=\"{}\" width=\"{width}\" height=\"60\" role=\"img\" aria-label=\"timeline of {}\"><line x1=\"20\" y1=\"30\" x2=\"{}\" y2=\"30\" stroke=\"#999\"/>",
        esc(&f.name),
        esc(&f.name),
        width - 20
    );
    for (n, commit) in commits.iter().enumerate() {
        let x = 20 + step * n + step / 2;
        let after = last_progress.is_some_and(|last| n > last);
        let (class, fill, stroke) = if commit.progress {
            ("progress", "#1a9e3f", "#1a9e3f")
        } else if after {
            ("stalled", "#fff", "#e8112d")
        } else {
            ("commit", "#bbb", "#888")
        };
        let _ = write!(
            svg,
            "<circle class=\"{class}\" cx=\"{x}\" cy=\"30\" r=\"8\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"3\"><title>{} {}{}</title></circle>",
            esc(commit.id.get(..7).unwrap_or(&commit.id)),
            esc(&commit.summary),
            if commit.progress { " (Progress entry)" } else { "" }
        );
    }
    svg.push_str("</svg>");
    svg
}

pub fn page(status: &Status) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>execguard status</title><style>{STYLE}</style></head><body>\n<h1>execguard status</h1>\n"
    );
    if let Some(b) = &status.branch {
        let findings: Vec<String> = b
            .findings
            .iter()
            .map(|(r, n)| format!("{r} ×{n}"))
            .collect();
        let _ = writeln!(
            out,
            "<p id=\"branch\">Branch <code>{}</code> against <code>{}</code>: {} commit(s), findings: {}.</p>",
            esc(&b.name),
            esc(&b.base),
            b.commits,
            if findings.is_empty() { "none".to_string() } else { esc(&findings.join(", ")) }
        );
    }
    out.push_str("<table id=\"features\"><tr><th>Feature</th><th>Spec</th><th>Plan</th><th>Progress</th><th>State</th></tr>\n");
    for f in &status.features {
        let (class, text) = verdict(f);
        let _ = writeln!(
            out,
            "<tr data-feature=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td><td class=\"{class}\">{}</td></tr>",
            esc(&f.name),
            esc(&f.name),
            esc(&super::spec_text(f)),
            esc(&super::plan_text(f)),
            f.progress.done,
            f.progress.total,
            esc(&text)
        );
    }
    out.push_str("</table>\n<p class=\"legend\">Timeline, oldest commit left: a green dot changed the Progress entries; a red ring came after the last entry.</p>\n");
    for f in &status.features {
        let _ = write!(out, "<section class=\"feature\"><h2>{}</h2>", esc(&f.name));
        if let Some(last) = &f.progress.last_entry {
            let _ = write!(out, "<p>Last entry: {}</p>", esc(last));
        }
        for e in &f.escalations {
            let _ = write!(
                out,
                "<p class=\"bad\">Escalation {} open ({}): {}</p>",
                e.id,
                esc(&e.who),
                esc(&e.question)
            );
        }
        if f.timeline.is_empty() {
            out.push_str("<p>No execplan: no timeline.</p>");
        } else {
            out.push_str(&timeline(f));
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}
