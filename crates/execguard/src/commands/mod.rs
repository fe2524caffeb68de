//! One module per subcommand of `execguard`.

pub mod agent_hook;
pub mod baseline;
pub mod check;
pub mod check_path;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod escalate;
pub mod explain;
pub mod init;
pub mod install;
pub mod log;
pub mod man;
pub mod run;
pub mod status;
pub mod uninstall;

use std::path::Path;

use anyhow::{anyhow, Context as _};
use execguard_git::Repo;

/// The repository a command works on: `--repo`, else the current directory. `rerun` is the
/// subcommand as its owner would run it again (`install --server`), for the message when the
/// repository belongs to another user.
pub(crate) fn open_repo(repo: Option<&Path>, rerun: Option<&str>) -> anyhow::Result<Repo> {
    let at = match repo {
        Some(path) => path.to_path_buf(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    match execguard_git::open_at(&at) {
        Ok(repo) => Ok(repo),
        Err(execguard_git::GitError::NotOwned { .. }) => Err(anyhow!(not_owned_text(&at, rerun))),
        Err(error) => Err(anyhow::Error::new(error).context(format!(
            "{} is not inside a usable git repository",
            at.display()
        ))),
    }
}

/// Names the repository's owner and the two ways out: run as the owner, or trust the repository
/// with `safe.directory`.
fn not_owned_text(at: &Path, rerun: Option<&str>) -> String {
    let root = repository_root(at).unwrap_or_else(|| at.to_path_buf());
    let quoted = quote(&root.display().to_string());
    let me = crate::unix_user::current().display_name();
    let owner = crate::unix_user::owner_of(&root);
    let owner_name = owner
        .as_ref()
        .map_or_else(|| "another user".to_string(), |o| o.display_name());
    let run_as = match (&owner, rerun) {
        (Some(owner), Some(rerun)) => {
            let user = owner
                .name
                .clone()
                .unwrap_or_else(|| format!("#{}", owner.uid));
            let exe = std::env::current_exe()
                .map(|exe| exe.display().to_string())
                .unwrap_or_else(|_| "execguard".to_string());
            format!(
                "run it as {owner_name}:\n    sudo -u {} {} {rerun} --repo {quoted}\n",
                quote(&user),
                quote(&exe)
            )
        }
        _ => format!("run it as {owner_name}, "),
    };
    format!(
        "{} belongs to {owner_name}, not to {me} who runs execguard, and git refuses to work in a repository another user owns. Either {run_as}or tell git that {me} trusts this repository, then run the command again:\n    git config --global --add safe.directory {quoted}",
        root.display()
    )
}

/// Single-quotes `text` for a POSIX shell when it needs quoting.
fn quote(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_string(), |q| q.into_owned())
}

/// The directory git's ownership check looks at: the working tree holding `.git`, or a bare
/// repository (a directory with `HEAD`, `objects` and `refs`), searched upwards from `at`.
fn repository_root(at: &Path) -> Option<std::path::PathBuf> {
    let at = at.canonicalize().ok()?;
    at.ancestors()
        .find(|dir| {
            dir.join(".git").exists()
                || (dir.join("HEAD").is_file()
                    && dir.join("objects").is_dir()
                    && dir.join("refs").is_dir())
        })
        .map(Path::to_path_buf)
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
