//! `execguard check-path PATH...`: whether each path may be written, by the same verdict the
//! agent hooks give (frozen specs, their design notes, protected paths, `.execguard.toml`, and
//! what guards the guard: git's hooks and config, the agents' settings, execguard's binaries),
//! for scripts and editors. Exit 1 when one may not.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use crate::agent::paths::Guard;

#[derive(Debug, Args)]
pub struct CheckPathArgs {
    /// The paths, relative to the current directory or absolute.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Returns whether every path may be written.
pub fn run(args: &CheckPathArgs, config: Option<&std::path::Path>) -> anyhow::Result<bool> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let repo = super::open_repo(None, None)?;
    let guard = Guard::new(&repo, config)?;
    let mut clean = true;
    for path in &args.paths {
        let refusals = guard.refusals(&cwd, &path.to_string_lossy())?;
        if refusals.is_empty() {
            crate::render::eprint_line(&format!("execguard: {} may be written", path.display()));
        }
        for refusal in refusals {
            clean = false;
            crate::render::eprint_line(&format!(
                "error[{}]: {} may not be written: {} is {}. Only a human may change it.",
                refusal.rule,
                path.display(),
                refusal.path,
                refusal.why
            ));
        }
    }
    Ok(clean)
}
