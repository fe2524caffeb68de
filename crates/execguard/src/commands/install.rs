//! `execguard install`: writes the hook shims into the hooks directory git uses.

use std::path::PathBuf;

use clap::Args;

use crate::install::{hook_binary, install_hook, Outcome, CLIENT_HOOKS};

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The repository to install into (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

pub fn run(args: &InstallArgs) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref())?;
    let hooks_dir = execguard_git::hooks_dir(&repo)?;
    for hook in CLIENT_HOOKS {
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
    crate::render::eprint_line(
        "execguard: every commit in this repository is now checked; `execguard config` shows the rules in force.",
    );
    Ok(())
}
