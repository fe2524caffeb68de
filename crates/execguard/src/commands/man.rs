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
    let mut roff = String::from_utf8_lossy(&roff).into_owned();
    // What clap does not know: the exit codes and the environment, before the VERSION section.
    let extra = extra_sections();
    match roff.find(".SH VERSION") {
        Some(at) => roff.insert_str(at, &extra),
        None => roff.push_str(&extra),
    }
    crate::render::print_bytes(roff.as_bytes());
    Ok(())
}

/// The EXIT STATUS and ENVIRONMENT sections every page carries.
fn extra_sections() -> String {
    use clap_mangen::roff::{bold, roman, Roff};
    let mut roff = Roff::new();
    let entry = |roff: &mut Roff, term: &str, text: &str| {
        roff.control("TP", []);
        roff.text([bold(term)]);
        roff.text([roman(text)]);
    };
    roff.control("SH", ["EXIT STATUS"]);
    entry(&mut roff, "0", "Clean: the commit or push may proceed.");
    entry(
        &mut roff,
        "1",
        "Violations were found: the commit or push is refused.",
    );
    entry(
        &mut roff,
        "2",
        "The check could not run (a broken config, an unreadable or unsupported repository, a bad argument); the commit or push is refused all the same.",
    );
    roff.control("SH", ["ENVIRONMENT"]);
    entry(
        &mut roff,
        crate::output::COLOR_ENV,
        "auto, always or never: when to colour the output of execguard (unless --color is given) and of the hook binaries.",
    );
    entry(&mut roff, "NO_COLOR", "Set: no colour in auto mode.");
    entry(
        &mut roff,
        "CLICOLOR_FORCE",
        "Set: colour in auto mode even when stderr is not a terminal.",
    );
    entry(
        &mut roff,
        "EXECGUARD_SKIP",
        "Comma-separated rule ids the pre-commit hook sets aside; the commit-msg hook then requires an Execguard-Override trailer for each.",
    );
    roff.to_roff()
}
