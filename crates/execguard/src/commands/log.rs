//! `execguard log`: the trail of escalations and recorded refusals, oldest first
//! (`--since DATE` keeps the later ones), and `--verify`, which checks the hash chain: a record
//! edited or deleted breaks it (exit code 1).

use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::trail::{self, time, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line a record.
    Human,
    /// The records as they are stored, one JSON object a line.
    Json,
    /// A table.
    Markdown,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only the records at or after this UTC time (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// How to print the records.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check the hash chain instead of printing: exit code 1 when a record was edited or
    /// deleted.
    #[arg(long)]
    pub verify: bool,
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

/// Returns false when `--verify` finds the chain broken.
pub fn run(args: &LogArgs) -> anyhow::Result<bool> {
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let git_dir = repo.common_dir().to_path_buf();
    let records = trail::read(&git_dir)?;
    if args.verify {
        let breaks = trail::verify(&records, trail::anchor(&git_dir)?);
        let mut text = String::new();
        for b in &breaks {
            text.push_str(&format!(
                "execguard log: {} record {} {}\n",
                b.file.display(),
                b.seq.map_or_else(|| "?".to_string(), |s| s.to_string()),
                b.what
            ));
        }
        if breaks.is_empty() {
            text.push_str(&format!(
                "execguard log: the trail's {} record{} hold together.\n",
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            ));
        } else {
            text.push_str("execguard log: the trail was changed after it was written.\n");
        }
        crate::render::print(&text);
        return Ok(breaks.is_empty());
    }
    let since = match &args.since {
        Some(text) => match time::parse_utc(text) {
            Some(at) => Some(at),
            None => bail!("--since {text}: not a UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"),
        },
        None => None,
    };
    let kept: Vec<&Record> = records
        .iter()
        .filter(|r| {
            since.is_none_or(|since| {
                r.text("time")
                    .and_then(time::parse_utc)
                    .is_some_and(|at| at >= since)
            })
        })
        .collect();
    let text = match args.format {
        Format::Json => kept.iter().map(|r| format!("{}\n", r.line)).collect(),
        Format::Human => kept.iter().map(|r| format!("{}\n", human(r))).collect(),
        Format::Markdown => markdown(&kept),
    };
    crate::render::print(&text);
    Ok(true)
}

fn field(record: &Record, key: &str) -> String {
    match record.fields.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn human(r: &Record) -> String {
    let mut text = format!(
        "{} #{} {} {}",
        field(r, "time"),
        field(r, "seq"),
        field(r, "layer"),
        field(r, "kind")
    );
    for key in [
        "rule", "feature", "path", "commit", "resolves", "who", "session",
    ] {
        let value = field(r, key);
        if !value.is_empty() {
            text.push_str(&format!(" {key}={value}"));
        }
    }
    text.push_str(&format!(": {}", field(r, "message")));
    text
}

/// A cell of a Markdown table: one line, `|` escaped.
pub fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn markdown(records: &[&Record]) -> String {
    let mut text = String::from(
        "| # | Time | Layer | Kind | Rule | Feature | Who | Message |\n|---|---|---|---|---|---|---|---|\n",
    );
    for r in records {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            field(r, "seq"),
            field(r, "time"),
            cell(&field(r, "layer")),
            cell(&field(r, "kind")),
            cell(&field(r, "rule")),
            cell(&field(r, "feature")),
            cell(&field(r, "who")),
            cell(&field(r, "message")),
        ));
    }
    text
}
