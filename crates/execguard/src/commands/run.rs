//! `execguard run -- COMMAND [ARGS]`: runs a coding agent (or any command) with the guarded paths
//! of the repository read-only for it and every process it starts: frozen specs and their design
//! notes, protected paths, `.execguard.toml`, the agents' settings, git's config and hooks, and
//! execguard's binaries. The command's exit code is execguard's; execguard's own failure to guard
//! is exit code 2, and the command is then not started.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use crate::sandbox::{self, Route};
use crate::trail::record::RunEvent;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The repository whose paths are guarded (default: the one containing the current
    /// directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// How the paths are made read-only.
    #[arg(long, value_enum, default_value = "auto", value_name = "HOW")]
    pub sandbox: Route,
    /// Run the command even where nothing can make the paths read-only (the hooks and the server
    /// still check what it commits and pushes).
    #[arg(long)]
    pub allow_unguarded: bool,
    /// The command and its arguments, after `--`.
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<OsString>,
}

pub fn run(args: &RunArgs, config: Option<&std::path::Path>) -> ExitCode {
    match guarded_run(args, config) {
        Ok(code) => ExitCode::from(code),
        Err(error) => crate::exit::could_not_check(&error, "the command was not started"),
    }
}

fn guarded_run(args: &RunArgs, config: Option<&std::path::Path>) -> anyhow::Result<u8> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let program = args.command[0].to_string_lossy().into_owned();
    // A refusal to start is recorded as the hooks record theirs: the supervisor sees it.
    guarded_run_in(&repo, args, config, &cwd, &program).inspect_err(|error| {
        crate::trail::record::run(
            &repo,
            &RunEvent {
                kind: "refusal",
                route: None,
                program: &program,
                paths: &[],
                exit_code: None,
                message: format!("execguard run refused to start the command: {error:#}"),
            },
        );
    })
}

fn guarded_run_in(
    repo: &execguard_git::Repo,
    args: &RunArgs,
    config: Option<&std::path::Path>,
    cwd: &std::path::Path,
    program: &str,
) -> anyhow::Result<u8> {
    // Claude Code's own layers follow the frozen set; its settings are read-only once inside.
    if crate::agent::claude_layers::recorded(repo).is_some() {
        if let Err(error) = crate::agent::claude_layers::apply(repo, config, None) {
            crate::render::eprint_line(&format!(
                "execguard run: warning: Claude Code's deny rules could not be brought up to date: {error:#}"
            ));
        }
    }
    let plan = sandbox::plan::plan(repo, config)?;
    let quiet = crate::output::is_quiet();
    for note in &plan.notes {
        crate::render::eprint_line(&format!("execguard run: {note}"));
    }
    let (mut child, route) = sandbox::prepare(
        &plan,
        args.sandbox,
        args.allow_unguarded,
        &args.command,
        cwd,
    )?;
    child.env(sandbox::RUN_ENV, route.name());
    let shown = sandbox::shown_paths(&plan, repo.workdir());
    let guarded = route != Route::Unguarded;
    crate::trail::record::run(
        repo,
        &RunEvent {
            kind: if guarded {
                "run-guarded"
            } else {
                "run-unguarded"
            },
            route: Some(route.name()),
            program,
            paths: if guarded { &shown } else { &[] },
            exit_code: None,
            message: if guarded {
                format!(
                    "`{program}` started with {} guarded paths read-only ({})",
                    shown.len(),
                    route.name()
                )
            } else {
                format!("`{program}` started UNGUARDED, as --allow-unguarded asks: nothing is read-only for it")
            },
        },
    );
    if !quiet && guarded {
        crate::render::eprint_line(&format!(
            "execguard run: {} guarded paths are read-only for `{program}` and every process it starts ({}); the list follows when it exits.",
            plan.paths.len(),
            route.name()
        ));
    }
    let status = sandbox::spawn_and_wait(&mut child)?;
    let code = sandbox::exit_code(status);
    crate::trail::record::run(
        repo,
        &RunEvent {
            kind: "run-ended",
            route: Some(route.name()),
            program,
            paths: if guarded { &shown } else { &[] },
            exit_code: Some(code),
            message: if guarded {
                format!(
                    "`{program}` exited with code {code}; these paths were read-only for it ({}): {}",
                    route.name(),
                    shown.join(", ")
                )
            } else {
                format!("`{program}` exited with code {code}; it ran UNGUARDED")
            },
        },
    );
    if !quiet && guarded {
        crate::render::eprint_line(&sandbox::summary(&plan, route, program, repo.workdir()));
    }
    Ok(code)
}
