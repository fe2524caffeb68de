//! `execguard man [SUBCOMMAND]`: prints a roff man page, for `man -l -` or to install under
//! `man1/`, generated from the same command-line definition that parses the arguments.

use anyhow::bail;
use clap::Args;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print the page of this subcommand (`execguard-check(1)`) instead of `execguard(1)`.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// `command` is the whole `execguard` command line (`Cli::command()`).
pub fn run(args: &ManArgs, mut command: clap::Command) -> anyhow::Result<()> {
    // Building propagates the global options and the version into the subcommands.
    command.build();
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name) else {
                bail!(
                    "`{name}` is not a subcommand of execguard; the subcommands are: {}",
                    command
                        .get_subcommands()
                        .map(|sub| sub.get_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let full_name = format!("execguard-{}", sub.get_name());
            sub.clone().name(full_name.clone()).bin_name(full_name)
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    crate::render::print_bytes(&roff);
    Ok(())
}
