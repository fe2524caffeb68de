//! `execguard uninstall`: removes the shims and puts back any hook they replaced.

use std::path::PathBuf;

use clap::Args;

use crate::install::{uninstall_hook, Outcome, CLIENT_HOOKS, SERVER_HOOKS};

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// The repository to uninstall from (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

pub fn run(args: &UninstallArgs) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref(), Some("uninstall"))?;
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
