//! `execguard`: install the hooks, check on demand, explain the rules, show the config.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use execguard::commands::{
    agent_hook, baseline, check, check_path, config, explain, init, install, uninstall,
};
use execguard::exit;

/// Enforces the spec / execplan discipline on agent-driven work, as git hooks.
#[derive(Debug, Parser)]
#[command(name = "execguard", version, about)]
struct Cli {
    /// Use this config file instead of the repository's `.execguard.toml` or the default.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install the pre-commit and commit-msg hooks into a repository.
    Install(install::InstallArgs),
    /// Remove execguard's hooks and restore the hooks they replaced.
    Uninstall(uninstall::UninstallArgs),
    /// Check the staged change now, as the pre-commit hook would.
    Check(check::CheckArgs),
    /// Print what a rule checks, why, and how to comply.
    Explain(explain::ExplainArgs),
    /// Write the documented default config to `.execguard.toml`.
    Init(init::InitArgs),
    /// Print the effective config and where it came from.
    Config(config::ConfigArgs),
    /// Name the current HEAD in `[adoption] baseline` of `.execguard.toml`: its history predates
    /// the guard and is not judged.
    Baseline(baseline::BaselineArgs),
    /// Answer one Claude Code or Codex hook event (JSON on stdin): block writes to frozen and
    /// protected paths and ways around the hooks, and stops without a Progress entry.
    AgentHook(agent_hook::AgentHookArgs),
    /// Say whether each path may be written (exit 1 when one may not), as the agent hooks judge.
    CheckPath(check_path::CheckPathArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = cli.config.as_deref();
    if let Command::AgentHook(args) = &cli.command {
        return agent_hook::run(args, config);
    }
    let result = match &cli.command {
        Command::AgentHook(_) => Ok(true),
        Command::CheckPath(args) => check_path::run(args, config),
        Command::Install(args) => install::run(args).map(|()| true),
        Command::Uninstall(args) => uninstall::run(args).map(|()| true),
        Command::Check(args) => check::run(args, config),
        Command::Explain(args) => explain::run(args, config).map(|()| true),
        Command::Init(args) => init::run(args).map(|()| true),
        Command::Config(args) => config::run(args, config).map(|()| true),
        Command::Baseline(args) => baseline::run(args).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::from(exit::CLEAN),
        Ok(false) => ExitCode::from(exit::VIOLATIONS),
        Err(error) => exit::could_not_check(&error, ""),
    }
}
