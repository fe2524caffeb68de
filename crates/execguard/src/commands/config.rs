//! `execguard config`: prints the effective config and where it came from.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

pub fn run(args: &ConfigArgs, explicit: Option<&std::path::Path>) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree().context("cannot read HEAD's tree")?),
        Err(_) => None,
    };
    let (config, origin) = execguard_git::load_config(&repo, head_tree.as_ref(), "HEAD", explicit)?;
    crate::render::print(&format!(
        "# The config in force, from {origin}.\n\n{}",
        config.to_toml()
    ));
    Ok(())
}
