//! Writing and removing the hook shims in the hooks directory git really uses.
//!
//! A hook that is not ours is moved aside to `<hook>.execguard-chained`, byte for byte with its
//! mode (a symbolic link stays a link), and our shim runs it first. `uninstall` moves it back.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

/// The line that marks a hook file as ours.
pub const MANAGED_MARKER: &str = "# execguard-managed hook:";
const CHAINED_SUFFIX: &str = ".execguard-chained";

/// A hook execguard installs: git's name for it and its shim template.
pub struct HookShim {
    pub name: &'static str,
    pub template: &'static str,
}

pub const CLIENT_HOOKS: &[HookShim] = &[
    HookShim {
        name: "pre-commit",
        template: include_str!("../hooks/pre-commit"),
    },
    HookShim {
        name: "commit-msg",
        template: include_str!("../hooks/commit-msg"),
    },
    HookShim {
        name: "pre-push",
        template: include_str!("../hooks/pre-push"),
    },
];

/// The hook a git server runs (`execguard install --server`).
pub const SERVER_HOOKS: &[HookShim] = &[HookShim {
    name: "pre-receive",
    template: include_str!("../hooks/pre-receive"),
}];

/// What happened to one hook.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Installed,
    Reinstalled,
    InstalledChaining,
    Removed,
    RemovedRestoring,
    NotOurs,
    Absent,
}

/// The shim text for `hook`, pointing at `binary`.
pub fn shim_text(hook: &HookShim, binary: &Path) -> String {
    let quoted = binary.display().to_string().replace('\'', "'\\''");
    hook.template.replace("@EXECGUARD_BIN@", &quoted)
}

/// The binary a shim records (`recorded='...'`), unquoted.
pub fn recorded_binary(shim: &Path) -> Option<PathBuf> {
    let text = fs::read_to_string(shim).ok()?;
    let line = text.lines().find(|line| line.starts_with("recorded='"))?;
    let quoted = line.strip_prefix("recorded='")?.strip_suffix('\'')?;
    Some(PathBuf::from(quoted.replace("'\\''", "'")))
}

/// Whether the file at `path` is an execguard shim.
pub fn is_ours(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
        && fs::read(path).is_ok_and(|bytes| {
            String::from_utf8_lossy(&bytes)
                .lines()
                .take(3)
                .any(|line| line.starts_with(MANAGED_MARKER))
        })
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Where the shim keeps the hook it replaced.
pub fn chained_path(hooks_dir: &Path, name: &str) -> PathBuf {
    hooks_dir.join(format!("{name}{CHAINED_SUFFIX}"))
}

/// Installs one shim; idempotent.
pub fn install_hook(hooks_dir: &Path, hook: &HookShim, binary: &Path) -> anyhow::Result<Outcome> {
    fs::create_dir_all(hooks_dir)
        .with_context(|| format!("cannot create the hooks directory {}", hooks_dir.display()))?;
    let target = hooks_dir.join(hook.name);
    let chained = chained_path(hooks_dir, hook.name);
    let mut outcome = Outcome::Installed;
    if exists(&target) {
        if is_ours(&target) {
            outcome = Outcome::Reinstalled;
        } else {
            if exists(&chained) {
                bail!(
                    "{} is not execguard's and {} already exists; move one of them away and install again",
                    target.display(),
                    chained.display()
                );
            }
            fs::rename(&target, &chained).with_context(|| {
                format!(
                    "cannot move {} aside to {}",
                    target.display(),
                    chained.display()
                )
            })?;
            outcome = Outcome::InstalledChaining;
        }
    }
    write_shim(&target, hook, binary)?;
    Ok(outcome)
}

/// Writes the shim for `hook` at `target`, executable.
pub fn write_shim(target: &Path, hook: &HookShim, binary: &Path) -> anyhow::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    // Write to a temporary file and rename, so a hook is never half-written.
    let temporary = dir.join(format!(".{}.execguard-tmp", hook.name));
    fs::write(&temporary, shim_text(hook, binary))
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    set_executable(&temporary)?;
    fs::rename(&temporary, target).with_context(|| format!("cannot write {}", target.display()))
}

/// Removes one shim and restores the hook it replaced.
pub fn uninstall_hook(hooks_dir: &Path, name: &str) -> anyhow::Result<Outcome> {
    let target = hooks_dir.join(name);
    let chained = chained_path(hooks_dir, name);
    if !exists(&target) {
        return Ok(Outcome::Absent);
    }
    if !is_ours(&target) {
        return Ok(Outcome::NotOurs);
    }
    fs::remove_file(&target).with_context(|| format!("cannot remove {}", target.display()))?;
    if exists(&chained) {
        fs::rename(&chained, &target).with_context(|| {
            format!(
                "cannot restore {} to {}",
                chained.display(),
                target.display()
            )
        })?;
        return Ok(Outcome::RemovedRestoring);
    }
    Ok(Outcome::Removed)
}

#[cfg(unix)]
fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = fs::metadata(path)?.permissions();
    permissions.set_mode(0o755);
    fs::set_permissions(path, permissions)
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

fn binary_file_named(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The `execguard` the shims run (`execguard hook <name>`): the running one, else the bare name
/// (found on PATH by the shim).
pub fn execguard_binary() -> PathBuf {
    running_exe().unwrap_or_else(|| PathBuf::from(binary_file_named("execguard")))
}

/// The running binary, whatever its file is called: it answers `hook <name>`.
fn running_exe() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.canonicalize().ok())
}

/// The absolute path of the `execguard` a server's hook runs, where git runs hooks with whatever
/// PATH its service has: the running one, else the first on PATH. An error when neither exists,
/// since the hook would then refuse every push.
pub fn server_hook_binary() -> anyhow::Result<PathBuf> {
    if let Some(found) = running_exe() {
        return Ok(found);
    }
    let file = binary_file_named("execguard");
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).filter(|dir| dir.is_absolute()) {
        let candidate = dir.join(&file);
        if is_executable_file(&candidate) {
            if let Ok(found) = candidate.canonicalize() {
                return Ok(found);
            }
        }
    }
    bail!(
        "{file} is neither where this execguard runs from nor on PATH, and the hook cannot run without it; install execguard (as `cargo install` does) and run `execguard install --server` again"
    )
}

#[cfg(unix)]
fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable_file(path: &Path) -> bool {
    path.is_file()
}

/// What `install --server` says about git's own check of pushed objects.
pub fn receive_fsck_text(fsck: &execguard_git::repo_config::ReceiveFsck) -> String {
    use execguard_git::repo_config::{ReceiveFsck, RECEIVE_FSCK};
    const WHAT: &str = "malformed objects (a tree that lists a name twice or holds a `.git` entry)";
    match fsck {
        ReceiveFsck::TurnedOn => format!(
            "execguard: {RECEIVE_FSCK} turned on in the repository's config: git refuses {WHAT} before the hook runs."
        ),
        ReceiveFsck::AlreadyOn { key, scope } => format!(
            "execguard: {key} is already on ({scope}): git refuses {WHAT} before the hook runs."
        ),
        ReceiveFsck::LeftOff { key, value, scope } => format!(
            "execguard: warning: {key} is set to `{value}` in {scope}; left as it is, so git accepts {WHAT}; the hook still refuses such trees in the commits it checks. Turn it on with `git config {RECEIVE_FSCK} true`."
        ),
    }
}
