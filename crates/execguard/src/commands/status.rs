//! `execguard status`: the supervisor's view of EXEC. For every feature the layout finds at HEAD:
//! its spec (frozen or not, since which commit, by whom), design note, plan (ready, required
//! sections present), Progress (entries done of total, the last entry, its age, the commits
//! since), the current branch's findings against its base, and the refusals and open
//! escalations of the trail. `--format human|markdown|json|html`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

mod html;

use super::log::cell;
use crate::status_facts::{self, FeatureFacts, Status};
use crate::trail::time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A block a feature, for a terminal.
    Human,
    /// A table with a row a feature, for a job summary or a merge-request comment.
    Markdown,
    /// The facts as JSON (`features[].name`, `.spec.frozen`, `.plan.ready`, `.progress.done`,
    /// `.progress.total`, `.refusals`, `.escalations`).
    Json,
    /// One self-contained page (inline CSS and SVG, no script) with a timeline a feature.
    Html,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// How to print the status.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The branch or commit the current branch is compared with (default: `main`, else
    /// `master`, when HEAD is on another branch).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

pub fn run(args: &StatusArgs, config: Option<&std::path::Path>) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let tree = execguard_git::head_tree(&repo)?;
    let (config, _) = execguard_git::load_config(&repo, tree.as_ref(), "HEAD", config)?;
    let status = status_facts::gather(&repo, &config, args.base.as_deref())?;
    let text = match args.format {
        Format::Human => human(&status),
        Format::Markdown => markdown(&status),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&status)?),
        Format::Html => html::page(&status),
    };
    crate::render::print(&text);
    Ok(())
}

fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

fn spec_text(f: &FeatureFacts) -> String {
    match (&f.spec.path, &f.spec.since) {
        (None, _) => "none".to_string(),
        (Some(path), Some(since)) => format!(
            "{path}, frozen since {} by {}",
            short(since),
            f.spec.by.as_deref().unwrap_or("?")
        ),
        (Some(path), None) => format!("{path}, draft (not frozen)"),
    }
}

fn plan_text(f: &FeatureFacts) -> String {
    let Some(path) = &f.plan.path else {
        return "none".to_string();
    };
    let mut text = format!(
        "{path}, {}",
        if f.plan.ready { "ready" } else { "not ready" }
    );
    if !f.plan.missing_sections.is_empty() {
        text.push_str(&format!(
            ", missing sections: {}",
            f.plan.missing_sections.join(", ")
        ));
    }
    text
}

fn progress_text(f: &FeatureFacts) -> String {
    if f.plan.path.is_none() {
        return "none".to_string();
    }
    let p = &f.progress;
    let mut text = format!("{}/{} done", p.done, p.total);
    if let (Some(age), Some(since)) = (p.last_entry_age_seconds, p.commits_since) {
        text.push_str(&format!(
            ", last entry {} ago, {since} commit{} since",
            time::age(age),
            if since == 1 { "" } else { "s" }
        ));
    }
    text
}

fn findings_text(findings: &std::collections::BTreeMap<String, usize>) -> String {
    if findings.is_empty() {
        return "none".to_string();
    }
    findings
        .iter()
        .map(|(rule, n)| format!("{rule} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn human(status: &Status) -> String {
    let mut text = String::new();
    if let Some(b) = &status.branch {
        text.push_str(&format!(
            "branch {} against {}: {} commit{}, findings: {}\n\n",
            b.name,
            b.base,
            b.commits,
            if b.commits == 1 { "" } else { "s" },
            findings_text(&b.findings)
        ));
    }
    if status.features.is_empty() {
        text.push_str(
            "No feature found at HEAD: no spec, design note or execplan where the layout looks.\n",
        );
    }
    for f in &status.features {
        text.push_str(&format!("{}\n", f.name));
        text.push_str(&format!("  spec:        {}\n", spec_text(f)));
        text.push_str(&format!(
            "  design:      {}\n",
            f.design.as_deref().unwrap_or("none")
        ));
        text.push_str(&format!("  plan:        {}\n", plan_text(f)));
        text.push_str(&format!("  progress:    {}\n", progress_text(f)));
        if let Some(last) = &f.progress.last_entry {
            text.push_str(&format!("  last entry:  {last}\n"));
        }
        if !f.findings.is_empty() {
            text.push_str(&format!("  findings:    {}\n", findings_text(&f.findings)));
        }
        text.push_str(&format!("  refusals:    {}\n", f.refusals));
        escalations_human(&mut text, &f.escalations);
        text.push('\n');
    }
    if status.other_refusals > 0 {
        text.push_str(&format!(
            "refusals naming no feature: {}\n",
            status.other_refusals
        ));
    }
    if !status.other_escalations.is_empty() {
        text.push_str("escalations naming no feature:\n");
        escalations_human(&mut text, &status.other_escalations);
    }
    text
}

fn escalations_human(text: &mut String, open: &[status_facts::EscalationFacts]) {
    if open.is_empty() {
        text.push_str("  escalations: none open\n");
    }
    for e in open {
        text.push_str(&format!(
            "  escalation {} (open, {} at {}): {}\n    close it: execguard escalate --resolve {} \"<decision>\"\n",
            e.id, e.who, e.time, e.question, e.id
        ));
    }
}

fn markdown(status: &Status) -> String {
    let mut text = String::from("## execguard status\n\n");
    if let Some(b) = &status.branch {
        text.push_str(&format!(
            "Branch `{}` against `{}`: {} commit{}, findings: {}.\n\n",
            b.name,
            b.base,
            b.commits,
            if b.commits == 1 { "" } else { "s" },
            cell(&findings_text(&b.findings))
        ));
    }
    text.push_str("| Feature | Spec | Design | Plan | Progress | Findings | Refusals | Open escalations |\n|---|---|---|---|---|---|---|---|\n");
    for f in &status.features {
        let escalations = if f.escalations.is_empty() {
            "none".to_string()
        } else {
            f.escalations
                .iter()
                .map(|e| format!("#{}: {}", e.id, e.question))
                .collect::<Vec<_>>()
                .join("; ")
        };
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&f.name),
            cell(&spec_text(f)),
            cell(f.design.as_deref().unwrap_or("none")),
            cell(&plan_text(f)),
            cell(&progress_text(f)),
            cell(&findings_text(&f.findings)),
            f.refusals,
            cell(&escalations),
        ));
    }
    if !status.other_escalations.is_empty() {
        text.push_str("\nOpen escalations naming no feature:\n\n");
        for e in &status.other_escalations {
            text.push_str(&format!("- #{}: {}\n", e.id, cell(&e.question)));
        }
    }
    text
}
