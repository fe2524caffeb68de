//! git's commit-msg hook: checks the message rules and the staged change with the message known
//! (its `Execplan:` trailer and its overrides).
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::staged::{self, StagedCheck};
use anyhow::Context as _;
use clap::Parser;

/// Checks a commit message and the staged change (run by git as the commit-msg hook).
#[derive(Debug, Parser)]
#[command(name = "execguard hook commit-msg", version)]
struct Args {
    /// The file holding the proposed message (git passes it).
    message_file: PathBuf,
    /// Use this config file instead of the repository's.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

pub fn run(args: Vec<OsString>) -> ExitCode {
    let index_file = staged::index_file_from_env();
    let args = Args::parse_from(args);
    staged::run_hook(|| {
        crate::output::apply_color_from_env()?;
        let bytes = std::fs::read(&args.message_file).with_context(|| {
            format!(
                "cannot read the commit message {}",
                args.message_file.display()
            )
        })?;
        Ok(StagedCheck {
            config: args.config.clone(),
            index_file: index_file?,
            skip: Default::default(),
            amend: staged::is_amend(),
            message: Some(String::from_utf8_lossy(&bytes).into_owned()),
        })
    })
}
