//! One module per subcommand of `execguard`.

pub mod agent_hook;
pub mod baseline;
pub mod check;
pub mod check_path;
pub mod config;
pub mod explain;
pub mod init;
pub mod install;
pub mod uninstall;

use std::path::Path;

use anyhow::Context as _;
use execguard_git::Repository;

/// The repository a command works on: `--repo`, else the current directory.
pub(crate) fn open_repo(repo: Option<&Path>) -> anyhow::Result<Repository> {
    let at = match repo {
        Some(path) => path.to_path_buf(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    execguard_git::open_at(&at)
        .with_context(|| format!("{} is not inside a usable git repository", at.display()))
}
