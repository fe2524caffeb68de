//! `execguard uninstall`: removes the shims and puts back any hook they replaced.

use std::path::PathBuf;

use clap::Args;

use crate::agent::settings::{self, Agent};
use crate::install::{uninstall_hook, Outcome, CLIENT_HOOKS, SERVER_HOOKS};

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// The repository to uninstall from (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Instead of the git hooks, remove `execguard agent-hook` from a coding agent's project
    /// settings, leaving everything else in them. May be repeated.
    #[arg(long, value_enum, value_name = "AGENT")]
    pub agent: Vec<Agent>,
}

pub fn run(args: &UninstallArgs) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref(), Some("uninstall"))?;
    if !args.agent.is_empty() {
        let Some(workdir) = repo.workdir() else {
            anyhow::bail!("{} has no working tree", repo.git_dir().display());
        };
        for agent in &args.agent {
            if *agent == Agent::Claude {
                crate::agent::claude_layers::remove(&repo)?;
            }
            let (path, outcome) = settings::uninstall(workdir, *agent)?;
            let what = match outcome {
                settings::Outcome::RemovedFile => "removed (it held nothing else)",
                settings::Outcome::Removed => "no longer runs execguard; the rest is kept",
                _ => "does not run execguard",
            };
            crate::render::eprint_line(&format!("execguard: {} {what}", path.display()));
        }
        return Ok(());
    }
    let hooks_dir = execguard_git::hooks_dir(&repo)?;
    for hook in CLIENT_HOOKS.iter().chain(SERVER_HOOKS) {
        let path = hooks_dir.join(hook.name);
        for slot in crate::managers::remove_from_slots(&hooks_dir, hook.name)? {
            crate::render::eprint_line(&format!("execguard: {} removed", slot.display()));
        }
        let outcome = uninstall_hook(&hooks_dir, hook.name)?;
        if outcome == Outcome::Absent && SERVER_HOOKS.iter().any(|h| h.name == hook.name) {
            continue;
        }
        let what = match outcome {
            Outcome::Removed => "removed",
            Outcome::RemovedRestoring => "removed; the hook it replaced is restored",
            Outcome::NotOurs => "left alone: it is not execguard's",
            _ => "not installed",
        };
        crate::render::eprint_line(&format!("execguard: {} {what}", path.display()));
    }
    Ok(())
}
