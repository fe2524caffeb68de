//! `execguard`: install the hooks, check on demand, explain the rules, show the config.

// On Unix the entry point is `main` below, not the standard library's start-up (see there); a
// unit-test build keeps the test harness's own.
#![cfg_attr(all(unix, not(test)), no_main)]

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};
use execguard::commands::{
    agent_hook, baseline, check, check_path, completions, config, doctor, escalate, explain, init,
    install, log, man, run, status, uninstall,
};
use execguard::{exit, git_hooks, output};

/// Enforces the spec / execplan discipline on agent-driven work, as git hooks.
#[derive(Debug, Parser)]
#[command(name = "execguard", version, about)]
struct Cli {
    /// Use this config file instead of the repository's `.execguard.toml` or the default.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(flatten)]
    output: output::OutputArgs,
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
    /// Report every reason the guard would not run here (exit code 1 when one is found).
    Doctor(doctor::DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), of execguard or of one subcommand.
    Man(man::ManArgs),
    /// Answer one Claude Code or Codex hook event (JSON on stdin): block writes to frozen and
    /// protected paths and ways around the hooks, and stops without a Progress entry.
    AgentHook(agent_hook::AgentHookArgs),
    /// Run a coding agent (or any command) with the guarded paths read-only for it and every
    /// process it starts, enforced by the operating system.
    Run(run::RunArgs),
    /// Say whether each path may be written (exit 1 when one may not), as the agent hooks judge.
    CheckPath(check_path::CheckPathArgs),
    /// Show every feature's state: spec, design note, plan, Progress, findings, refusals and
    /// open escalations.
    Status(status::StatusArgs),
    /// Record a question for the human (stop and escalate), or close one with `--resolve ID`.
    Escalate(escalate::EscalateArgs),
    /// Print the trail of escalations and refusals, or check its hash chain with `--verify`.
    Log(log::LogArgs),
    /// Run one of git's hooks (what the hooks `execguard install` writes call): the arguments
    /// and stdin git gives the hook follow the hook's name.
    Hook(HookArgs),
}

#[derive(Debug, clap::Args)]
struct HookArgs {
    /// The hook.
    #[arg(value_enum)]
    name: git_hooks::HookName,
    /// What git passes the hook (`--config PATH` among them, for another config file).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<OsString>,
}

impl Command {
    /// The subcommands that never read a config, where `--config` would be silently ignored.
    fn ignores_config(&self) -> Option<&'static str> {
        match self {
            Command::Install(_) => Some("install"),
            Command::Uninstall(_) => Some("uninstall"),
            Command::Init(_) => Some("init"),
            Command::Baseline(_) => Some("baseline"),
            Command::Completions(_) => Some("completions"),
            Command::Man(_) => Some("man"),
            Command::Doctor(_) => Some("doctor"),
            Command::Log(_) => Some("log"),
            _ => None,
        }
    }
}

/// The process entry point, in place of the standard library's start-up, which reads the whole
/// memory map (`/proc/self/maps`) to find the main thread's stack: a tenth of the instructions
/// of an agent hook event, which runs before every tool call of an agent. What else that start-up
/// does is done here: standard streams that are closed are opened on `/dev/null` (so that a file
/// opened later is not taken for one), SIGPIPE is ignored (a closed pipe is an error the
/// commands handle), a panic exits with 101 after its message, and stdout is flushed at exit
/// (by `std::process::exit`). Arguments come from glibc as before. A stack overflow is then
/// a plain SIGSEGV instead of an abort with a message.
#[cfg(all(unix, not(test)))]
#[allow(unsafe_code)]
#[no_mangle]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    open_closed_standard_streams();
    // SAFETY: setting a signal's disposition to ignore before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let code = std::panic::catch_unwind(run).map_or(101, |code| {
        // `ExitCode` does not say its value; every code this binary returns is one byte.
        (0..=u8::MAX)
            .find(|value| ExitCode::from(*value) == code)
            .map_or(1, i32::from)
    });
    std::process::exit(code)
}

/// Opens `/dev/null` on each of the three standard streams that is closed, as the standard
/// library's start-up does.
#[cfg(all(unix, not(test)))]
#[allow(unsafe_code)]
fn open_closed_standard_streams() {
    let mut streams = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `streams` is a valid array of three `pollfd` for the duration of the call.
    let ready = unsafe { libc::poll(streams.as_mut_ptr(), 3, 0) };
    if ready <= 0 {
        return;
    }
    for stream in streams {
        if stream.revents & libc::POLLNVAL != 0 {
            // SAFETY: a NUL-terminated path; the lowest free descriptor is the closed stream.
            unsafe {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
}

#[cfg(any(not(unix), test))]
fn main() -> ExitCode {
    run()
}

fn run() -> ExitCode {
    // The agent hook runs before every tool call an agent makes: its plain form skips building
    // the whole command line interface.
    let mut args = std::env::args_os().skip(1);
    if let (Some(only), None) = (args.next(), args.next()) {
        if only == "agent-hook" {
            if let Err(error) = output::apply_color_from_env() {
                return exit::could_not_check(&error, "");
            }
            return agent_hook::run(&agent_hook::AgentHookArgs {}, None);
        }
    }
    // git's hooks likewise, and everything after the hook's name is the hook's own.
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|first| first == "hook") {
        if let Some(hook) = args
            .next()
            .and_then(|name| name.to_str().and_then(git_hooks::HookName::from_name))
        {
            return git_hooks::run(hook, args);
        }
    }
    let cli = Cli::parse();
    if let Err(error) = output::apply(&cli.output) {
        return exit::could_not_check(&error, "");
    }
    let config = cli.config.as_deref();
    if let (Some(path), Some(name)) = (config, cli.command.ignores_config()) {
        return exit::could_not_check(&execguard::commands::config_is_ignored(name, path), "");
    }
    if let Command::AgentHook(args) = &cli.command {
        return agent_hook::run(args, config);
    }
    if let Command::Run(args) = &cli.command {
        return run::run(args, config);
    }
    let result = match &cli.command {
        Command::AgentHook(_) | Command::Run(_) => Ok(true),
        Command::Hook(args) => {
            // `execguard --config PATH hook NAME` means the hook's own `--config PATH`.
            let given = config.map(|path| [OsString::from("--config"), path.into()]);
            let hook_args = given.into_iter().flatten().chain(args.args.iter().cloned());
            return git_hooks::run(args.name, hook_args);
        }
        Command::CheckPath(args) => check_path::run(args, config),
        Command::Install(args) => install::run(args).map(|()| true),
        Command::Uninstall(args) => uninstall::run(args).map(|()| true),
        Command::Check(args) => check::run(args, config),
        Command::Explain(args) => explain::run(args, config).map(|()| true),
        Command::Init(args) => init::run(args).map(|()| true),
        Command::Config(args) => config::run(args, config).map(|()| true),
        Command::Baseline(args) => baseline::run(args).map(|()| true),
        Command::Doctor(args) => doctor::run(args),
        Command::Status(args) => status::run(args, config).map(|()| true),
        Command::Escalate(args) => escalate::run(args, config).map(|()| true),
        Command::Log(args) => log::run(args),
        Command::Completions(args) => completions::run(args, Cli::command()).map(|()| true),
        Command::Man(args) => man::run(args, Cli::command()).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::from(exit::CLEAN),
        Ok(false) => ExitCode::from(exit::VIOLATIONS),
        Err(error) => exit::could_not_check(&error, ""),
    }
}
