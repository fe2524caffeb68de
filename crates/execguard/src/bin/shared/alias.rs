//! The old hook binaries (`execguard-pre-commit`, ...) as thin aliases of `execguard hook
//! <name>`: hooks installed before the one binary still call them. Each starts the `execguard`
//! beside it (else the one on PATH) in its place, with git's arguments, stdin and environment.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// Replaces this process with `execguard hook <hook> <args>`; `refused` names what a failure
/// refuses ("the commit", "the push").
pub fn run(hook: &str, refused: &str) -> ExitCode {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("execguard")))
        .filter(|path| path.is_file());
    let program = beside.unwrap_or_else(|| PathBuf::from("execguard"));
    let mut command = Command::new(&program);
    command
        .arg("hook")
        .arg(hook)
        .args(std::env::args_os().skip(1).collect::<Vec<OsString>>());
    let error = exec(&mut command);
    eprintln!(
        "execguard: cannot run `{} hook {hook}`: {error}; {refused} is refused. Install execguard again (./install.sh), or reinstall the hooks with `execguard install`.",
        program.display()
    );
    ExitCode::from(2)
}

#[cfg(unix)]
fn exec(command: &mut Command) -> std::io::Error {
    use std::os::unix::process::CommandExt as _;
    command.exec()
}

#[cfg(not(unix))]
fn exec(command: &mut Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(2)),
        Err(error) => error,
    }
}
