//! The check of the staged change, shared by `execguard-pre-commit`, `execguard-commit-msg` and
//! `execguard check`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use execguard_core::{Options, Report, RuleId};

/// What the caller wants checked.
#[derive(Debug, Default)]
pub struct StagedCheck {
    /// The commit message (commit-msg hook), raw as git wrote it.
    pub message: Option<String>,
    /// Rules to set aside (`EXECGUARD_SKIP`, pre-commit only).
    pub skip: BTreeSet<RuleId>,
    /// `--config PATH`.
    pub config: Option<PathBuf>,
    /// `GIT_INDEX_FILE`, already made absolute.
    pub index_file: Option<PathBuf>,
    /// Judge against HEAD's parent: the commit is `git commit --amend`.
    pub amend: bool,
}

/// Runs the rules over the staged change.
pub fn check(request: &StagedCheck) -> anyhow::Result<Report> {
    let repo = execguard_git::open_from_env()?;
    let staged = execguard_git::staged_change(&repo, request.index_file.as_deref(), request.amend)?;
    let base_name = if request.amend { "HEAD^" } else { "HEAD" };
    let (config, _origin) = execguard_git::load_config(
        &repo,
        staged.base_tree.as_ref(),
        base_name,
        request.config.as_deref(),
    )?;
    let mut change = staged.change;
    change.message = request.message.clone();
    let options = Options {
        skip: request.skip.clone(),
        comment_char: Some(execguard_git::comment_char(&repo)),
        ..Options::default()
    };
    Ok(execguard_core::check(
        &config,
        &change,
        &staged.trees,
        &options,
    )?)
}

/// `GIT_INDEX_FILE` as an absolute path: git may set it relative to the directory the hook starts
/// in, so it is resolved before anything else happens.
pub fn index_file_from_env() -> anyhow::Result<Option<PathBuf>> {
    let Some(value) = std::env::var_os("GIT_INDEX_FILE") else {
        return Ok(None);
    };
    let path = PathBuf::from(value);
    if path.is_absolute() {
        return Ok(Some(path));
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(Some(cwd.join(path)))
}

/// Rules named in `EXECGUARD_SKIP` (comma or space separated).
pub fn skip_from_env() -> anyhow::Result<BTreeSet<RuleId>> {
    let Ok(value) = std::env::var("EXECGUARD_SKIP") else {
        return Ok(BTreeSet::new());
    };
    let mut skip = BTreeSet::new();
    for name in value.split([',', ' ']).filter(|s| !s.trim().is_empty()) {
        match name.parse::<RuleId>() {
            Ok(rule) => {
                skip.insert(rule);
            }
            Err(e) => bail!("EXECGUARD_SKIP: {e}; `execguard explain --list` lists the rules"),
        }
    }
    Ok(skip)
}

/// Whether this hook runs inside `git commit --amend`. git tells hooks nothing about it, so on
/// Linux the command lines of the calling processes are read; elsewhere a staged change is judged
/// against HEAD.
pub fn is_amend() -> bool {
    let mut pid = std::process::id();
    for _ in 0..4 {
        let Some(parent) = parent_pid(pid) else {
            return false;
        };
        if let Ok(cmdline) = std::fs::read(format!("/proc/{parent}/cmdline")) {
            let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
            let is_git = args.first().is_some_and(|a| {
                Path::new(std::str::from_utf8(a).unwrap_or(""))
                    .file_name()
                    .is_some_and(|n| n == "git")
            });
            if is_git {
                let words: Vec<&[u8]> = args.iter().skip(1).copied().collect();
                let commit_at = words.iter().position(|w| *w == b"commit");
                return commit_at.is_some_and(|at| {
                    words[at + 1..]
                        .iter()
                        .take_while(|w| *w != b"--")
                        .any(|w| *w == b"--amend")
                });
            }
        }
        pid = parent;
    }
    false
}

fn parent_pid(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces; the ppid follows the state.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}
