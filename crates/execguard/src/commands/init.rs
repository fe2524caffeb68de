//! `execguard init`: writes the documented default config to `.execguard.toml`.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::Args;
use execguard_core::config::{CONFIG_PATH, DEFAULT_CONFIG};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to write into (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Print the default config to stdout instead of writing it.
    #[arg(long)]
    pub stdout: bool,
}

pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    if args.stdout {
        crate::render::print(DEFAULT_CONFIG);
        return Ok(());
    }
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let Some(workdir) = repo.workdir() else {
        bail!("this is a bare repository: there is no working tree to write {CONFIG_PATH} into");
    };
    let path = workdir.join(CONFIG_PATH);
    if path.exists() {
        bail!("{} already exists; it is left untouched", path.display());
    }
    std::fs::write(&path, DEFAULT_CONFIG)
        .with_context(|| format!("cannot write {}", path.display()))?;
    crate::render::eprint_line(&format!(
        "execguard: wrote {}; commit it to put it in force (it judges the commits after it).",
        path.display()
    ));
    Ok(())
}
