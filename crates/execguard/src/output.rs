//! How much execguard says and whether it colours it: `--color`, `-q/--quiet` and `-v/--verbose`
//! of `execguard`, and `EXECGUARD_COLOR` for the CLI and the hook binaries alike.
//!
//! Colour is decided once per process: `--color` when given, else `EXECGUARD_COLOR`, else
//! anstream's own choice (colour on a terminal only, never with `NO_COLOR`, always with
//! `CLICOLOR_FORCE`). A hook's stderr is a terminal when git runs it from one; on a server it is
//! the push's side band, so no colour reaches `remote:` lines unless asked for.

use anstream::ColorChoice;
use clap::{Args, ValueEnum};

pub use crate::verbosity::{is_quiet, is_verbose};

/// The environment variable that chooses colour for the CLI and the hooks: `auto`, `always` or
/// `never`.
pub const COLOR_ENV: &str = "EXECGUARD_COLOR";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless `NO_COLOR` is set (or `CLICOLOR_FORCE` forces it).
    Auto,
    /// Always colour, even into a pipe or a file.
    Always,
    /// Never colour.
    Never,
}

impl ColorWhen {
    fn choice(self) -> ColorChoice {
        match self {
            ColorWhen::Auto => ColorChoice::Auto,
            ColorWhen::Always => ColorChoice::Always,
            ColorWhen::Never => ColorChoice::Never,
        }
    }
}

/// The output options every `execguard` subcommand takes.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// When to colour the output [default: `EXECGUARD_COLOR`, else auto].
    #[arg(long, value_enum, global = true, value_name = "WHEN")]
    pub color: Option<ColorWhen>,
    /// Say nothing on success; on violations print only the verdict line (errors are always
    /// printed; machine formats and printed documents are unchanged).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say, on stderr, which config judges, against which base, and for which feature.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// Applies the CLI's output options for the rest of the process. Returns an error for a bad
/// `EXECGUARD_COLOR` (when `--color` does not override it).
pub fn apply(args: &OutputArgs) -> anyhow::Result<()> {
    crate::verbosity::set(args.quiet, args.verbose);
    match args.color {
        Some(when) => when.choice().write_global(),
        None => apply_color_from_env()?,
    }
    Ok(())
}

/// Applies `EXECGUARD_COLOR` (the hook binaries' only output setting). An unset or empty value
/// leaves anstream's own choice; anything but `auto`, `always` or `never` is an error naming the
/// variable.
pub fn apply_color_from_env() -> anyhow::Result<()> {
    let Some(value) = std::env::var_os(COLOR_ENV) else {
        return Ok(());
    };
    let text = value.to_string_lossy();
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    match ColorWhen::from_str(text, true) {
        Ok(when) => {
            when.choice().write_global();
            Ok(())
        }
        Err(_) => {
            anyhow::bail!("{COLOR_ENV}={text:?} is not a colour choice: use auto, always or never")
        }
    }
}

/// Prints `execguard: <what>` on stderr under `--verbose`; `what` is built only then.
pub fn trace(what: impl FnOnce() -> String) {
    if is_verbose() {
        crate::render::eprint_always(&format!("execguard: {}\n", what()));
    }
}
