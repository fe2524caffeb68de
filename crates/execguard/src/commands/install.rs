//! `execguard install`: writes the hook shims into the hooks directory git uses; on a server,
//! also turns on git's own check of pushed objects (`receive.fsckObjects`).

use std::path::PathBuf;

use clap::Args;

use anyhow::bail;
use execguard_git::Repository;

use crate::agent::settings::{self, Agent};

use crate::install::{
    hook_binary, install_hook, receive_fsck_text, Outcome, CLIENT_HOOKS, SERVER_HOOKS,
};

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The repository to install into (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Install the server's pre-receive hook (in a bare repository on the git server).
    #[arg(long, conflicts_with = "agent")]
    pub server: bool,
    /// Instead of the git hooks, add `execguard agent-hook` to a coding agent's project settings
    /// (`claude`: .claude/settings.json; `codex`: .codex/hooks.json). May be repeated.
    #[arg(long, value_enum, value_name = "AGENT")]
    pub agent: Vec<Agent>,
}

pub fn run(args: &InstallArgs) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref())?;
    if !args.agent.is_empty() {
        return install_agents(&repo, &args.agent);
    }
    let hooks_dir = execguard_git::hooks_dir(&repo)?;
    if repo.is_bare() && !args.server {
        bail!(
            "{} is a bare repository: client hooks never run there; use `execguard install --server` for the pre-receive hook",
            repo.path().display()
        );
    }
    let hooks = if args.server {
        SERVER_HOOKS
    } else {
        CLIENT_HOOKS
    };
    for hook in hooks {
        let binary = hook_binary(hook.name);
        let outcome = install_hook(&hooks_dir, hook, &binary)?;
        let path = hooks_dir.join(hook.name);
        let what = match outcome {
            Outcome::Reinstalled => "reinstalled".to_string(),
            Outcome::InstalledChaining => format!(
                "installed; the existing hook was kept as {}.execguard-chained and runs first",
                hook.name
            ),
            _ => "installed".to_string(),
        };
        crate::render::eprint_line(&format!(
            "execguard: {} {what} ({})",
            path.display(),
            binary.display()
        ));
    }
    if args.server {
        let fsck = execguard_git::repo_config::enable_receive_fsck(&repo)?;
        crate::render::eprint_line(&receive_fsck_text(&fsck));
    }
    crate::render::eprint_line(if args.server {
        "execguard: every push to this repository is now checked; pin a config with `git config execguard.config <path>`."
    } else {
        "execguard: every commit and push from this repository is now checked; `execguard config` shows the rules in force."
    });
    Ok(())
}

fn install_agents(repo: &Repository, agents: &[Agent]) -> anyhow::Result<()> {
    let Some(workdir) = repo.workdir() else {
        bail!(
            "{} is a bare repository: coding agents work in a working tree",
            repo.path().display()
        );
    };
    for agent in agents {
        let (path, outcome) = settings::install(workdir, *agent)?;
        let what = match outcome {
            settings::Outcome::AlreadyThere => "already has",
            _ => "now runs",
        };
        crate::render::eprint_line(&format!(
            "execguard: {} {what} `{}` before file and shell tools, at Stop and at SessionStart",
            path.display(),
            settings::COMMAND
        ));
    }
    Ok(())
}
