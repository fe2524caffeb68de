//! Whether Codex would run hooks at all. Current Codex runs them by default; its feature key is
//! `hooks` (openai/codex, `codex-rs/features`: `Feature::CodexHooks`, key `hooks`, stable,
//! enabled by default), and `[features] hooks = false` in the project's `.codex/config.toml` or
//! the user's (`$CODEX_HOME/config.toml`, else `~/.codex/config.toml`) turns every hook off,
//! execguard's agent hooks included. Older versions named the key `codex_hooks`.

use std::path::{Path, PathBuf};

/// The config file that turns Codex's hooks off, and the key it uses; `None` when none does.
/// `home` and `codex_home` are the environment's `HOME` and `CODEX_HOME`.
pub fn hooks_turned_off(
    workdir: &Path,
    home: Option<&Path>,
    codex_home: Option<&Path>,
) -> Option<(PathBuf, &'static str)> {
    let user = codex_home
        .map(Path::to_path_buf)
        .or_else(|| home.map(|home| home.join(".codex")));
    let files = [Some(workdir.join(".codex")), user]
        .into_iter()
        .flatten()
        .map(|dir| dir.join("config.toml"));
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(config) = text.parse::<toml::Table>() else {
            continue;
        };
        let features = config.get("features").and_then(toml::Value::as_table);
        for key in ["hooks", "codex_hooks"] {
            let value = features
                .and_then(|f| f.get(key))
                .and_then(toml::Value::as_bool);
            if value == Some(false) {
                return Some((file, key));
            }
        }
    }
    None
}
