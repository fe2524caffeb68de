//! `execguard install`: writes the hook shims into the hooks directory git uses; on a server,
//! also turns on git's own check of pushed objects (`receive.fsckObjects`).

use std::path::{Path, PathBuf};

use clap::Args;

use anyhow::{bail, Context as _};
use execguard_git::Repo;

use crate::agent::settings::{self, Agent};

use crate::install::{
    execguard_binary, install_hook, receive_fsck_text, server_hook_binary, write_shim, Outcome,
    CLIENT_HOOKS, SERVER_HOOKS,
};
use crate::managers::{plan_client_hook, snippet_text, ClientPlan};

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
    /// With `--agent claude`: also turn on Claude Code's own OS sandbox for shell commands in
    /// this project, failing closed, with the guarded paths read-only in it (it also restricts
    /// the network: see the README).
    #[arg(long, requires = "agent")]
    pub sandbox: bool,
    /// Add the lines that make lefthook run execguard's three hooks (with this machine's paths to
    /// its binaries) to `lefthook-local.yml`, and list that file in `.git/info/exclude`; then run
    /// `lefthook install`. lefthook never runs the hook it moves to `<hook>.old`, so its config is
    /// the only place execguard can run from. `execguard uninstall` takes both out again.
    #[arg(long, conflicts_with_all = ["agent", "server"])]
    pub lefthook: bool,
}

pub fn run(args: &InstallArgs) -> anyhow::Result<()> {
    let rerun = if args.server {
        "install --server"
    } else {
        "install"
    };
    let repo = super::open_repo(args.repo.as_deref(), Some(rerun))?;
    if !args.agent.is_empty() {
        return install_agents(&repo, &args.agent, args.sandbox);
    }
    if args.lefthook {
        add_lefthook_lines(&repo)?;
    }
    let hooks_dir = execguard_git::hooks_dir(&repo)?;
    if repo.is_bare() && !args.server {
        bail!(
            "{} is a bare repository: client hooks never run there; use `execguard install --server` for the pre-receive hook",
            repo.git_dir().display()
        );
    }
    let hooks = if args.server {
        SERVER_HOOKS
    } else {
        CLIENT_HOOKS
    };
    let plans = if args.server {
        Vec::new()
    } else {
        let plans: Vec<ClientPlan> = hooks
            .iter()
            .map(|hook| plan_client_hook(&hooks_dir, repo.workdir(), hook.name))
            .collect();
        refuse_beside_manager(&plans)?;
        plans
    };
    for (index, hook) in hooks.iter().enumerate() {
        // Every shim runs `execguard hook <name>`.
        let binary = if args.server {
            server_hook_binary()?
        } else {
            execguard_binary()
        };
        match plans.get(index) {
            Some(ClientPlan::Slot {
                manager,
                slot,
                stale,
            }) => {
                if let Some(stale) = stale {
                    std::fs::remove_file(stale)
                        .with_context(|| format!("cannot remove {}", stale.display()))?;
                    crate::render::eprint_line(&format!(
                        "execguard: removed {}, a copy of {}'s hook an earlier install kept, which made it run twice",
                        stale.display(),
                        manager.name()
                    ));
                }
                let again = crate::install::is_ours(slot);
                write_shim(slot, hook, &binary)?;
                crate::render::eprint_line(&format!(
                    "execguard: {} {}: {} runs it before its own hooks, and `{}` keeps it ({})",
                    slot.display(),
                    if again { "reinstalled" } else { "installed" },
                    manager.name(),
                    manager.reinstall_command(),
                    binary.display()
                ));
                continue;
            }
            Some(ClientPlan::Unchain {
                manager,
                chained,
                slot,
            }) => {
                let target = hooks_dir.join(hook.name);
                std::fs::rename(chained, &target).with_context(|| {
                    format!(
                        "cannot move {} back to {}",
                        chained.display(),
                        target.display()
                    )
                })?;
                write_shim(slot, hook, &binary)?;
                crate::render::eprint_line(&format!(
                    "execguard: {}'s hook is back at {} and execguard's shim is {}, which {} runs before its own hooks ({})",
                    manager.name(),
                    target.display(),
                    slot.display(),
                    manager.name(),
                    binary.display()
                ));
                continue;
            }
            Some(ClientPlan::RunByManager { manager, config }) => {
                crate::render::eprint_line(&format!(
                    "execguard: {} runs {} ({}); nothing to install for that hook",
                    manager.name(),
                    crate::managers::hook_command(hook.name),
                    config.display()
                ));
                continue;
            }
            _ => {}
        }
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
        if args.server {
            if let Some(warning) = unreachable_binary_warning(&repo, &binary) {
                crate::render::eprint_line(&warning);
            }
        }
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

/// `--lefthook`: adds the snippet to `lefthook-local.yml`, then the install goes on (the hooks
/// lefthook's config now runs execguard for are left to it).
fn add_lefthook_lines(repo: &Repo) -> anyhow::Result<()> {
    let Some(workdir) = repo.workdir() else {
        bail!(
            "{} is a bare repository: lefthook runs in a working tree",
            repo.git_dir().display()
        );
    };
    use crate::managers::lefthook;
    let snippet = lefthook::snippet(&execguard_binary());
    match lefthook::add_to_local(workdir, &snippet)? {
        lefthook::Added::Written(path) => crate::render::eprint_line(&format!(
            "execguard: {} now runs execguard's pre-commit, commit-msg and pre-push hooks; run `lefthook install` so that git runs lefthook for each of them (`execguard uninstall` takes the lines out again)",
            path.display()
        )),
        lefthook::Added::AlreadyThere(path) => crate::render::eprint_line(&format!(
            "execguard: {} already runs execguard's three hooks; nothing changed there",
            path.display()
        )),
    }
    // The file names this machine's paths: git is told to leave it out of commits. This and the
    // hooks are the only things `install` writes under the git directory.
    if let Some(exclude) = lefthook::exclude_local(repo.common_dir())? {
        crate::render::eprint_line(&format!(
            "execguard: {} now lists {}, so that git leaves it out of commits",
            exclude.display(),
            lefthook::LOCAL_CONFIG
        ));
    }
    Ok(())
}

/// Refuses, before anything is written, when a hook manager leaves no place for execguard's
/// shim: the message names the manager and the exact lines to add to its config.
fn refuse_beside_manager(plans: &[ClientPlan]) -> anyhow::Result<()> {
    let Some(ClientPlan::Refuse {
        manager,
        reason,
        scripts_dir,
    }) = plans
        .iter()
        .find(|plan| matches!(plan, ClientPlan::Refuse { .. }))
    else {
        return Ok(());
    };
    bail!(
        "{reason}; execguard never writes into the files {} generates, so nothing was installed. To have {} run execguard, {}\nthen run `execguard install` again (it checks that {} runs execguard) or `execguard doctor`.",
        manager.name(),
        manager.name(),
        snippet_text(*manager, scripts_dir.as_deref()),
        manager.name()
    )
}

/// A warning when the repository's owner, the user git most likely runs the hook as, cannot reach
/// or run `binary`.
fn unreachable_binary_warning(repo: &execguard_git::Repo, binary: &Path) -> Option<String> {
    let owner = crate::unix_user::owner_of(repo.git_dir())?;
    let blocked = crate::hook_access::first_blocked(binary, &owner)?;
    let owner_name = owner.display_name();
    Some(format!(
        "execguard: warning: git runs the hook as the user serving the push, usually the repository's owner {owner_name}, and {owner_name} {}: the hook would refuse every push. Put execguard where that user can run it (a directory every user may enter, such as /usr/local/bin) and run `execguard install --server` again from there.",
        blocked.describe()
    ))
}

fn install_agents(repo: &Repo, agents: &[Agent], sandbox: bool) -> anyhow::Result<()> {
    let Some(workdir) = repo.workdir() else {
        bail!(
            "{} is a bare repository: coding agents work in a working tree",
            repo.git_dir().display()
        );
    };
    for agent in agents {
        let (path, outcome) = settings::install(workdir, *agent)?;
        let what = match outcome {
            settings::Outcome::AlreadyThere => "already has",
            _ => "now runs",
        };
        crate::render::eprint_line(&format!(
            "execguard: {} {what} execguard's agent hook ({}) before file and shell tools, at Stop and at SessionStart",
            path.display(),
            settings::recorded_binary(&settings::command())
                .map_or_else(|| "execguard".to_string(), |p| p.display().to_string())
        ));
        match agent {
            Agent::Claude => {
                let sandbox_on = sandbox
                    || crate::agent::claude_layers::recorded(repo).is_some_and(|l| l.sandbox);
                crate::agent::claude_layers::apply(repo, None, sandbox.then_some(true))?;
                crate::render::eprint_line(&format!(
                    "execguard: {} denies Claude Code's file tools every guarded path{}; the SessionStart hook and `execguard run` keep the list current",
                    workdir.join(crate::agent::claude_layers::LOCAL_SETTINGS).display(),
                    if sandbox_on {
                        ", and its sandbox (on, failing closed) makes them read-only for shell commands"
                    } else {
                        " (`--sandbox` also turns on Claude Code's own sandbox for shell commands)"
                    }
                ));
            }
            Agent::Codex if sandbox => crate::render::eprint_line(
                "execguard: Codex's configuration cannot list read-only paths inside its writable workspace, so --sandbox changes nothing for it; start it as `execguard run -- codex`",
            ),
            Agent::Codex => {}
        }
    }
    Ok(())
}
