//! `execguard run`: a command, and every process it starts, with the guarded paths of the
//! repository read-only, enforced by the operating system rather than by reading command lines.
//! Linux: namespaces made by execguard itself, else bubblewrap; macOS: Seatbelt.

pub mod bwrap;
#[cfg(target_os = "linux")]
pub mod namespaces;
pub mod plan;
pub mod seatbelt;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use anyhow::{bail, Context as _};
use clap::ValueEnum;

use plan::Plan;

/// The environment variable the command finds set to the route that guards it.
pub const RUN_ENV: &str = "EXECGUARD_RUN";

/// How the paths are made read-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Route {
    /// Linux: execguard's own namespaces, else bubblewrap; macOS: Seatbelt.
    Auto,
    /// Linux: a user and mount namespace made by execguard itself.
    Namespaces,
    /// Linux: bubblewrap (`bwrap` on PATH).
    Bwrap,
    /// macOS: `sandbox-exec` with a generated Seatbelt profile.
    Seatbelt,
    /// None: the command runs with nothing read-only (only with `--allow-unguarded`).
    Unguarded,
}

impl Route {
    pub fn name(self) -> &'static str {
        match self {
            Route::Auto => "auto",
            Route::Namespaces => "namespaces",
            Route::Bwrap => "bwrap",
            Route::Seatbelt => "seatbelt",
            Route::Unguarded => "unguarded",
        }
    }
}

/// Guards `plan`'s paths by `route` and returns the command to start (a helper's command line
/// around `command`, or `command` itself when this process is already guarded) and the route
/// taken.
pub fn prepare(
    plan: &Plan,
    route: Route,
    allow_unguarded: bool,
    command: &[OsString],
    cwd: &Path,
) -> anyhow::Result<(Command, Route)> {
    let paths: Vec<&Path> = plan.paths.iter().map(|g| g.path.as_path()).collect();
    let direct = |route| {
        let mut child = Command::new(&command[0]);
        child.args(&command[1..]);
        (child, route)
    };
    let unavailable = |why: String| -> anyhow::Result<(Command, Route)> {
        if allow_unguarded {
            crate::render::eprint_line(&format!(
                "execguard run: warning: {why}; running UNGUARDED as --allow-unguarded asks: only the hooks and the server stand between the command and the guarded paths"
            ));
            return Ok(direct(Route::Unguarded));
        }
        bail!("{why}. execguard run refuses to start the command unguarded; `--allow-unguarded` runs it anyway, guarded by the hooks and the server only")
    };
    let route = if route == Route::Auto && cfg!(target_os = "macos") {
        Route::Seatbelt
    } else {
        route
    };
    match route {
        Route::Unguarded if allow_unguarded => Ok(direct(Route::Unguarded)),
        Route::Unguarded => bail!("--sandbox unguarded needs --allow-unguarded"),
        Route::Seatbelt => seatbelt_command(plan, command, &unavailable),
        Route::Bwrap => match find_on_path("bwrap") {
            Some(bwrap) => match bwrap_command(&bwrap, &paths, command) {
                Ok(found) => Ok(found),
                Err(error) => unavailable(format!("{error:#}")),
            },
            None => unavailable("bubblewrap (`bwrap`) is not on PATH".to_string()),
        },
        Route::Namespaces | Route::Auto => {
            #[cfg(target_os = "linux")]
            {
                match namespaces::enter(&paths, cwd) {
                    Ok(()) => Ok(direct(Route::Namespaces)),
                    Err(namespaces::Error::Refused(errno)) if route == Route::Auto => {
                        match find_on_path("bwrap") {
                            Some(bwrap) => match bwrap_command(&bwrap, &paths, command) {
                                Ok(found) => Ok(found),
                                Err(error) => unavailable(format!(
                                    "the kernel refuses execguard a user namespace ({errno}), and {error:#}"
                                )),
                            },
                            None => unavailable(format!(
                                "the kernel refuses execguard a user namespace ({errno}) and bubblewrap (`bwrap`) is not on PATH; install bubblewrap"
                            )),
                        }
                    }
                    Err(error) => unavailable(format!(
                        "the guarded paths cannot be made read-only: {error}"
                    )),
                }
            }
            #[cfg(not(target_os = "linux"))]
            {
                let _ = cwd;
                unavailable(format!(
                    "execguard run has no way to make paths read-only on {}",
                    std::env::consts::OS
                ))
            }
        }
    }
}

fn bwrap_command(
    bwrap: &Path,
    paths: &[&Path],
    command: &[OsString],
) -> anyhow::Result<(Command, Route)> {
    // bubblewrap's own failure would otherwise pass for the command's exit code.
    let probe = Command::new(bwrap)
        .args(bwrap::command_line(&[], &["true".into()]))
        .stdin(std::process::Stdio::null())
        .output()
        .with_context(|| format!("cannot start {}", bwrap.display()))?;
    if !probe.status.success() {
        bail!(
            "bubblewrap cannot make its namespaces here: {}",
            String::from_utf8_lossy(&probe.stderr).trim()
        );
    }
    let mut child = Command::new(bwrap);
    child.args(bwrap::command_line(paths, command));
    Ok((child, Route::Bwrap))
}

fn seatbelt_command(
    plan: &Plan,
    command: &[OsString],
    unavailable: &dyn Fn(String) -> anyhow::Result<(Command, Route)>,
) -> anyhow::Result<(Command, Route)> {
    let sandbox_exec = Path::new("/usr/bin/sandbox-exec");
    if !cfg!(target_os = "macos") || !sandbox_exec.exists() {
        return unavailable("Seatbelt (`/usr/bin/sandbox-exec`) is macOS's only".to_string());
    }
    let paths: Vec<(&Path, bool)> = plan
        .paths
        .iter()
        .map(|g| (g.path.as_path(), g.path.is_dir()))
        .collect();
    let mut child = Command::new(sandbox_exec);
    child.args(seatbelt::command_line(&seatbelt::profile(&paths), command));
    Ok((child, Route::Seatbelt))
}

/// The first executable `name` on PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            std::fs::metadata(candidate).is_ok_and(|m| {
                #[cfg(unix)]
                {
                    m.is_file() && m.permissions().mode() & 0o111 != 0
                }
                #[cfg(not(unix))]
                {
                    m.is_file()
                }
            })
        })
}

/// Starts `child` and waits for it. Interrupts from the terminal reach the command directly
/// (it shares the process group) and do not end execguard before it; a terminate or hang-up sent
/// to execguard is passed on.
#[cfg(unix)]
pub fn spawn_and_wait(child: &mut Command) -> anyhow::Result<ExitStatus> {
    use nix::sys::signal::{kill, SigSet, Signal};
    use nix::unistd::Pid;
    let program = child.get_program().to_string_lossy().into_owned();
    let mut running = child
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let mut signals = SigSet::empty();
    for signal in [
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGCHLD,
    ] {
        signals.add(signal);
    }
    signals
        .thread_block()
        .context("cannot hold signals while the command runs")?;
    let pid = Pid::from_raw(i32::try_from(running.id()).unwrap_or(i32::MAX));
    loop {
        if let Some(status) = running.try_wait()? {
            return Ok(status);
        }
        if let Ok(signal @ (Signal::SIGTERM | Signal::SIGHUP)) = signals.wait() {
            let _ = kill(pid, signal);
        }
    }
}

#[cfg(not(unix))]
pub fn spawn_and_wait(child: &mut Command) -> anyhow::Result<ExitStatus> {
    let program = child.get_program().to_string_lossy().into_owned();
    child
        .status()
        .with_context(|| format!("cannot start {program}"))
}

/// The exit code `execguard run` passes on: the command's, or 128 + the signal that ended it.
pub fn exit_code(status: ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(u8::MAX);
        }
    }
    status
        .code()
        .map_or(1, |code| u8::try_from(code & 0xff).unwrap_or(1))
}

/// The read-only paths as the summary and the trail show them: relative to the working tree
/// `top` when inside it.
pub fn shown_paths(plan: &Plan, top: Option<&Path>) -> Vec<String> {
    plan.paths
        .iter()
        .map(|guarded| {
            top.and_then(|top| guarded.path.strip_prefix(top).ok())
                .filter(|rest| !rest.as_os_str().is_empty())
                .unwrap_or(&guarded.path)
                .display()
                .to_string()
        })
        .collect()
}

/// The list printed after the command: what was read-only, and what a refused write means.
pub fn summary(plan: &Plan, route: Route, program: &str, top: Option<&Path>) -> String {
    let mut text = format!(
        "execguard run: these paths were read-only for `{program}` and every process it started ({}):\n",
        route.name()
    );
    for (shown, guarded) in shown_paths(plan, top).iter().zip(&plan.paths) {
        text.push_str(&format!("  {shown}: {}\n", guarded.why));
    }
    text.push_str("execguard run: a write the system refused there (\"Read-only file system\", \"Device or resource busy\", \"Invalid cross-device link\") touched one of these paths: they are the human's decisions. Stop and escalate to a human: run `execguard escalate \"<what needed to change and why>\"`, then stop; do not work around it. A path frozen while the command ran is read-only from the next `execguard run`.");
    text
}
