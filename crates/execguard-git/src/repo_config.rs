//! A repository's git config: the settings `execguard install` makes in it, and those execguard
//! reads (where hooks run from, the comment character of messages).

use std::path::PathBuf;

use git2::ConfigLevel;

use crate::error::read_err;
use crate::{GitError, Repo};

/// The key that makes `git receive-pack` check every pushed object as `git fsck` does.
pub const RECEIVE_FSCK: &str = "receive.fsckObjects";
/// Its fallback: `receive.fsckObjects` takes this value when unset.
const TRANSFER_FSCK: &str = "transfer.fsckObjects";

/// Where `receive.fsckObjects` stands after [`enable_receive_fsck`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiveFsck {
    /// It was unset: now `true` in the repository's config.
    TurnedOn,
    /// It was already on, through `key` in `scope`.
    AlreadyOn { key: String, scope: &'static str },
    /// The admin set `key` to `value` (false, or something git does not read as true) in `scope`;
    /// it was left as it is.
    LeftOff {
        key: String,
        value: String,
        scope: &'static str,
    },
}

/// Makes git refuse malformed pushed objects before any hook runs: sets `receive.fsckObjects`
/// in the repository's config, unless it or `transfer.fsckObjects` is already set anywhere git
/// reads config from (an explicit `false` is the admin's choice and stays).
pub fn enable_receive_fsck(repo: &Repo) -> Result<ReceiveFsck, GitError> {
    let repo = repo.git();
    let config = repo
        .config()
        .map_err(read_err("the repository's git config"))?;
    for key in [RECEIVE_FSCK, TRANSFER_FSCK] {
        let Ok(entry) = config.get_entry(key) else {
            continue;
        };
        let scope = scope_name(entry.level());
        let key = key.to_string();
        return Ok(match config.get_bool(&key) {
            Ok(true) => ReceiveFsck::AlreadyOn { key, scope },
            _ => ReceiveFsck::LeftOff {
                key,
                value: entry.value().unwrap_or("").to_string(),
                scope,
            },
        });
    }
    let set_err = |source: git2::Error| GitError::SetConfig {
        key: RECEIVE_FSCK.to_string(),
        source: crate::error::Libgit2Error::from_git(source),
    };
    let mut local = config.open_level(ConfigLevel::Local).map_err(set_err)?;
    local.set_bool(RECEIVE_FSCK, true).map_err(set_err)?;
    Ok(ReceiveFsck::TurnedOn)
}

fn scope_name(level: ConfigLevel) -> &'static str {
    match level {
        ConfigLevel::Local => "the repository's config",
        ConfigLevel::Worktree => "the worktree's config",
        ConfigLevel::Global => "the global config",
        ConfigLevel::XDG => "the XDG config",
        ConfigLevel::System => "the system config",
        ConfigLevel::ProgramData => "the ProgramData config",
        ConfigLevel::App | ConfigLevel::Highest => "an application's config",
    }
}

/// Whether git checks pushed objects as `git fsck` does: `receive.fsckObjects`, else its
/// fallback `transfer.fsckObjects`, read wherever git reads config; unset is off.
pub fn receive_fsck_on(repo: &Repo) -> Result<bool, GitError> {
    let repo = repo.git();
    let config = repo
        .config()
        .map_err(read_err("the repository's git config"))?;
    for key in [RECEIVE_FSCK, TRANSFER_FSCK] {
        if config.get_entry(key).is_ok() {
            return Ok(config.get_bool(key).unwrap_or(false));
        }
    }
    Ok(false)
}

/// The value of `core.hooksPath` as configured, when it is set.
pub fn hooks_path_setting(repo: &Repo) -> Option<String> {
    let repo = repo.git();
    repo.config().ok()?.get_string("core.hooksPath").ok()
}

/// git's comment character for messages (`core.commentString`, then `core.commentChar`).
pub fn comment_char(repo: &Repo) -> String {
    let repo = repo.git();
    let config = repo.config().ok();
    let value = config.as_ref().and_then(|c| {
        c.get_string("core.commentString")
            .or_else(|_| c.get_string("core.commentChar"))
            .ok()
    });
    match value {
        Some(v) if !v.is_empty() && v != "auto" => v,
        _ => "#".to_string(),
    }
}

/// Where git runs this repository's hooks from: `core.hooksPath` (relative to the working tree's
/// top level, or to the git directory when bare), else the common git directory's `hooks`.
pub fn hooks_dir(repo: &Repo) -> Result<PathBuf, GitError> {
    let repo = repo.git();
    let config = repo
        .config()
        .map_err(read_err("the repository's git config"))?;
    if let Ok(configured) = config.get_path("core.hooksPath") {
        if configured.is_absolute() {
            return Ok(configured);
        }
        let base = repo.workdir().unwrap_or_else(|| repo.path());
        return Ok(base.join(configured));
    }
    Ok(repo.commondir().join("hooks"))
}
