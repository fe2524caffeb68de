//! One module per subcommand of `execguard`.

pub mod baseline;
pub mod check;
pub mod completions;
pub mod config;
pub mod explain;
pub mod init;
pub mod install;
pub mod man;
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

/// The refusal of `--config` on a subcommand that never reads a config, so that the option is not
/// silently ignored.
pub fn config_is_ignored(subcommand: &str, path: &Path) -> anyhow::Error {
    let why = match subcommand {
        "install" => "the hooks it installs read the repository's `.execguard.toml` (on a server, pin a config with `git config execguard.config <path>`)",
        "uninstall" => "it only removes hooks",
        "init" => "it writes the documented default config",
        "baseline" => "it edits the repository's own `.execguard.toml`",
        _ => "it reads no config",
    };
    anyhow::anyhow!(
        "--config {} has no effect on `execguard {subcommand}`: {why}; run it without --config",
        path.display()
    )
}
