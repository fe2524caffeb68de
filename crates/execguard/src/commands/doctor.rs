//! `execguard doctor`: reports every reason the guard would not run in a repository — hooks
//! missing, not executable, shadowed by `core.hooksPath`, moved aside by another hook manager,
//! binaries the hooks cannot find, a repository format execguard cannot read; in a bare
//! repository, the server hook, its pinned config and `receive.fsckObjects`; where an agent's
//! settings run execguard, which agent layers are on; Codex's hooks turned off while the project
//! installs execguard's agent hook. Exit code 1 when a problem is found.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use crate::doctor::{
    agent_findings, client_findings, format_findings, server_findings, Finding, Level,
};

/// The templates and globs of the config in force that match no file at HEAD: warnings, since a
/// fresh repository may have no plan yet.
fn layout_findings(repo: &execguard_git::Repo) -> Vec<Finding> {
    let Ok(head_tree) = execguard_git::head_tree(repo) else {
        return Vec::new();
    };
    let Ok((config, _)) = execguard_git::load_config(repo, head_tree.as_ref(), "HEAD", None) else {
        return Vec::new();
    };
    super::config::head_unmatched(repo, &config)
        .into_iter()
        .map(|text| Finding {
            level: Level::Warning,
            text,
        })
        .collect()
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The repository to examine (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

/// Codex's hooks turned off while execguard's agent hook is in the project's Codex settings.
fn codex_findings(repo: &execguard_git::Repo) -> Option<Finding> {
    let workdir = repo.workdir()?;
    let settings = std::fs::read_to_string(workdir.join(".codex/hooks.json")).ok()?;
    if !settings.contains("execguard agent-hook") {
        return None;
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let codex_home = std::env::var_os("CODEX_HOME").map(PathBuf::from);
    let (file, key) = crate::agent::codex_features::hooks_turned_off(
        workdir,
        home.as_deref(),
        codex_home.as_deref(),
    )?;
    Some(Finding {
        level: Level::Problem,
        text: format!(
            "Codex runs no hooks: `[features] {key} = false` in {} turns them off, execguard's agent hook in .codex/hooks.json included; remove that line",
            file.display()
        ),
    })
}

/// Returns whether all is well.
pub fn run(args: &DoctorArgs) -> anyhow::Result<bool> {
    let at = match &args.repo {
        Some(path) => path.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let findings = match execguard_git::open_at(&at) {
        Ok(repo) => {
            let hooks_dir = execguard_git::hooks_dir(&repo)?;
            let mut findings = format_findings(&repo);
            if repo.is_bare() {
                findings.extend(server_findings(&repo, &hooks_dir));
            } else {
                findings.extend(client_findings(&repo, &hooks_dir));
                findings.extend(agent_findings(&repo));
                findings.extend(layout_findings(&repo));
                findings.extend(codex_findings(&repo));
            }
            findings
        }
        Err(error @ execguard_git::GitError::Unsupported(_)) => vec![Finding {
            level: Level::Problem,
            text: error.to_string(),
        }],
        Err(error) => {
            return Err(error)
                .with_context(|| format!("{} is not inside a usable git repository", at.display()))
        }
    };
    let problems = findings
        .iter()
        .filter(|f| f.level == Level::Problem)
        .count();
    let mut out = anstream::stdout();
    for finding in &findings {
        let label = match finding.level {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Problem => "problem",
        };
        let _ = writeln!(out, "{label}: {}", finding.text);
    }
    let _ = if problems == 0 {
        writeln!(out, "execguard doctor: the guard runs here.")
    } else {
        writeln!(
            out,
            "execguard doctor: {problems} problem{} found: the guard does not run as it should.",
            if problems == 1 { "" } else { "s" }
        )
    };
    Ok(problems == 0)
}
