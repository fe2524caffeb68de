//! `execguard check`: the pre-commit check on demand, printed for people or as JSON.

use clap::{Args, ValueEnum};

use crate::staged::{self, StagedCheck};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Returns whether the change is clean.
pub fn run(args: &CheckArgs, config: Option<&std::path::Path>) -> anyhow::Result<bool> {
    let request = StagedCheck {
        config: config.map(|p| p.to_path_buf()),
        index_file: staged::index_file_from_env()?,
        ..StagedCheck::default()
    };
    let report = staged::check(&request)?;
    match args.format {
        Format::Human => {
            let text = crate::render::human(&report, "the staged change would be refused");
            if text.is_empty() {
                crate::render::eprint_line("execguard: the staged change is clean.");
            } else {
                crate::render::eprint(&text);
            }
        }
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&report)?;
            text.push('\n');
            crate::render::print(&text);
        }
    }
    Ok(report.is_clean())
}
