//! The way out of a broken config in force. A `.execguard.toml` that does not load stops every
//! check (exit code 2); a change that repairs the file alone is judged by the embedded default
//! config instead, so the fix needs no bypass. It is still judged by `guard-config`: the repaired
//! config must be valid and at least as strict as the default, or carry an honoured override.

use execguard_core::rules::guard_config::repairs_only_the_config;
use execguard_core::{Change, Config};
use execguard_git::GitError;

/// The config that judges `change` when loading the config of its base gave `loaded`: the
/// loaded config; or, when the base's `.execguard.toml` is invalid and `change` repairs only
/// that file, the embedded default; or an error that names the way out.
pub fn config_or_repair(
    loaded: Result<Config, GitError>,
    change: &Change,
) -> anyhow::Result<Config> {
    match loaded {
        Ok(config) => Ok(config),
        Err(GitError::Config(_)) if repairs_only_the_config(change) => {
            Ok(Config::embedded_default())
        }
        Err(GitError::Config(error)) => Err(broken(&error)),
        Err(error) => Err(error.into()),
    }
}

/// The error for a change whose base has a config that cannot be loaded.
pub fn broken(error: &execguard_core::ConfigError) -> anyhow::Error {
    anyhow::anyhow!(
        "the config in force is invalid: {error}. Nothing can be judged against it. A commit that changes only {path} is judged by the embedded default config instead: fix the file (`execguard config --check {path}` shows what is wrong) and commit it alone, with nothing else staged.",
        path = execguard_core::config::CONFIG_PATH
    )
}
