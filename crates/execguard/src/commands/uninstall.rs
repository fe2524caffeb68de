//! `execguard uninstall`: removes the shims and puts back any hook they replaced, and takes out
//! what `install --lefthook` wrote into `lefthook-local.yml` and `.git/info/exclude`.

use std::path::{Path, PathBuf};

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
    if let Some(workdir) = repo.workdir() {
        remove_lefthook_lines(workdir, repo.common_dir())?;
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

/// Takes out of `lefthook-local.yml` and `info/exclude` what `install --lefthook` wrote there.
fn remove_lefthook_lines(workdir: &Path, common_dir: &Path) -> anyhow::Result<()> {
    use crate::managers::lefthook::{self, Removed};
    let removed = lefthook::remove_from_local(workdir)?;
    let left_alone = matches!(removed, Removed::LeftAlone(_));
    let text = match removed {
        Removed::Absent => None,
        Removed::Deleted(path) => Some(format!(
            "{} removed (`execguard install --lefthook` had created it)",
            path.display()
        )),
        Removed::Restored(path) => Some(format!(
            "{} no longer runs execguard; the rest is kept",
            path.display()
        )),
        Removed::LeftAlone(path) => Some(format!(
            "{} left alone: it runs execguard, but not with the lines `execguard install --lefthook` wrote; take execguard's commands out of it yourself, then run `lefthook install`",
            path.display()
        )),
    };
    if let Some(text) = text {
        crate::render::eprint_line(&format!("execguard: {text}"));
    }
    // Lines still naming this machine's paths stay out of commits.
    if left_alone {
        return Ok(());
    }
    if let Some(exclude) = lefthook::unexclude_local(common_dir)? {
        crate::render::eprint_line(&format!(
            "execguard: {} no longer lists {}",
            exclude.display(),
            lefthook::LOCAL_CONFIG
        ));
    }
    Ok(())
}
