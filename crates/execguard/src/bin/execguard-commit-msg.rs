//! git's commit-msg hook: checks the message rules and the staged change with the message known
//! (its `Execplan:` trailer and its overrides).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use execguard::staged::{self, StagedCheck};

/// Checks a commit message and the staged change (run by git as the commit-msg hook).
#[derive(Debug, Parser)]
#[command(name = "execguard-commit-msg", version)]
struct Args {
    /// The file holding the proposed message (git passes it).
    message_file: PathBuf,
    /// Use this config file instead of the repository's.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

fn main() -> ExitCode {
    let index_file = staged::index_file_from_env();
    let args = Args::parse();
    staged::run_hook(|| {
        execguard::output::apply_color_from_env()?;
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
