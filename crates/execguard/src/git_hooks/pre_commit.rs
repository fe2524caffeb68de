//! git's pre-commit hook: checks the staged change.
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::staged::{self, StagedCheck};
use clap::Parser;

/// Checks the staged change against the execguard rules (run by git as the pre-commit hook).
#[derive(Debug, Parser)]
#[command(name = "execguard hook pre-commit", version)]
struct Args {
    /// Use this config file instead of the repository's.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    // GIT_INDEX_FILE may be relative to where git started us: resolve it before anything else.
    let index_file = staged::index_file_from_env();
    let args = Args::parse_from(args);
    staged::run_hook(|| {
        crate::output::apply_color_from_env()?;
        Ok(StagedCheck {
            config: args.config.clone(),
            index_file: index_file?,
            skip: staged::skip_from_env()?,
            amend: staged::is_amend(),
            message: None,
        })
    })
}
