//! `execguard completions <shell>`: prints a completion script for bash, zsh, fish, elvish or
//! PowerShell, generated from the same command-line definition that parses the arguments.

use clap::Args;
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `command` is the whole `execguard` command line (`Cli::command()`).
pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "execguard", &mut script);
    crate::render::print_bytes(&script);
    Ok(())
}
