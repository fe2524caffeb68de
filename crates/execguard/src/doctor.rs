//! The checks behind `execguard doctor`: every reason git would not run execguard's hooks in a
//! repository, found by looking where git looks, the way the shims resolve their binaries.

use std::fs;
use std::path::{Path, PathBuf};

use execguard_git::Repo;

use crate::install::{is_ours, recorded_binary, CLIENT_HOOKS};

mod agents;
use crate::managers::{
    binary_name, config_running, generated_by, hook_command, husky_scripts_dir, mentions,
    moved_path, slot_path, Manager,
};
pub use agents::agent_findings;

/// One thing doctor found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The guard runs here.
    Ok,
    /// Worth knowing; the guard still runs.
    Warning,
    /// The guard would not run (or would refuse everything).
    Problem,
}

impl Finding {
    fn ok(text: String) -> Self {
        Self {
            level: Level::Ok,
            text,
        }
    }
    fn warning(text: String) -> Self {
        Self {
            level: Level::Warning,
            text,
        }
    }
    fn problem(text: String) -> Self {
        Self {
            level: Level::Problem,
            text,
        }
    }
}

/// Whether git would run the file at `path` (an executable file, or a link to one).
pub(crate) fn executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// `name` on the PATH a hook inherits from git (this process's PATH), as `command -v` finds it.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| executable(candidate))
}

/// The shim at `shim` for `hook`: the binary it runs, resolved as the shim resolves it.
fn check_shim(shim: &Path, hook: &str, findings: &mut Vec<Finding>) {
    // The shim runs `execguard hook <hook>`.
    let binary = "execguard";
    if !executable(shim) {
        findings.push(Finding::problem(format!(
            "{}: not executable, so git skips it without a word; run `chmod +x {}` or `execguard install`",
            shim.display(),
            shim.display()
        )));
        return;
    }
    let recorded = recorded_binary(shim);
    match recorded.as_deref().filter(|path| executable(path)) {
        Some(path) => findings.push(Finding::ok(format!(
            "{}: runs {}",
            shim.display(),
            path.display()
        ))),
        None => match on_path(binary) {
            Some(found) => findings.push(Finding::ok(format!(
                "{}: runs {} (found on PATH; the recorded {} is gone)",
                shim.display(),
                found.display(),
                recorded.map_or_else(|| "binary".into(), |p| p.display().to_string())
            ))),
            None => findings.push(Finding::problem(format!(
                "{}: {binary} is neither at {} nor on PATH, so the hook refuses every {}; put execguard back (see the quick start in the README) and run `execguard install` again",
                shim.display(),
                recorded.map_or_else(|| "the recorded path".into(), |p| p.display().to_string()),
                if hook == "pre-push" || hook == "pre-receive" { "push" } else { "commit" }
            ))),
        },
    }
    let chained = shim.with_file_name(format!("{hook}.execguard-chained"));
    if fs::symlink_metadata(&chained).is_ok() && !executable(&chained) {
        findings.push(Finding::warning(format!(
            "{}: the hook execguard replaced is not executable, so the shim skips it",
            chained.display()
        )));
    }
}

/// A manager's config or script that runs execguard's check for `hook`: the binary it names by
/// an absolute path must be there, one it names bare must be on PATH.
fn check_run_by_manager(manager: Manager, config: &Path, hook: &str, findings: &mut Vec<Finding>) {
    let (program, shown) = command_named(config, hook)
        .unwrap_or_else(|| ("execguard".to_string(), hook_command(hook)));
    if program.starts_with('/') {
        findings.push(if executable(Path::new(&program)) {
            Finding::ok(format!(
                "{hook}: {} runs {shown} ({})",
                manager.name(),
                config.display()
            ))
        } else {
            Finding::problem(format!(
                "{hook}: {} runs {shown} ({}), and {program} is missing or not executable, so the hook fails; put execguard's binaries back and run `execguard install --lefthook` again, or correct the path",
                manager.name(),
                config.display()
            ))
        });
        return;
    }
    match on_path(&program) {
        Some(found) => findings.push(Finding::ok(format!(
            "{hook}: {} runs {shown} ({}), found at {}",
            manager.name(),
            config.display(),
            found.display()
        ))),
        None => findings.push(Finding::problem(format!(
            "{hook}: {} runs {shown} ({}), and {program} is not on PATH, so the hook fails; install execguard into a folder on PATH",
            manager.name(),
            config.display()
        ))),
    }
}

/// The program the config or script at `config` runs for `hook`, as it names it (a path or a bare
/// name), and the command as shown: `execguard hook <hook>`, or the old alias `execguard-<hook>`.
fn command_named(config: &Path, hook: &str) -> Option<(String, String)> {
    let text = fs::read_to_string(config).ok()?;
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .filter(|word| !word.is_empty())
        .collect();
    let alias = binary_name(hook);
    words.iter().enumerate().find_map(|(at, word)| {
        let name = Path::new(word).file_name()?;
        if name == alias.as_str() {
            return Some((word.to_string(), word.to_string()));
        }
        (name == "execguard"
            && words.get(at + 1) == Some(&"hook")
            && words.get(at + 2) == Some(&hook))
        .then(|| (word.to_string(), format!("{word} hook {hook}")))
    })
}

/// Where else execguard's shim for `hook` may lie, unseen by git.
fn stray_shims(repo: &Repo, hooks_dir: &Path, hook: &str) -> Vec<String> {
    let mut found = Vec::new();
    let default_dir = repo.common_dir().join("hooks");
    let default_hook = default_dir.join(hook);
    if default_dir != hooks_dir && is_ours(&default_hook) {
        found.push(format!(
            "execguard's shim at {} is shadowed by core.hooksPath = {}",
            default_hook.display(),
            execguard_git::repo_config::hooks_path_setting(repo).unwrap_or_default()
        ));
    }
    for manager in [Manager::PreCommit, Manager::Lefthook] {
        for dir in [hooks_dir, default_dir.as_path()] {
            if let Some(slot) = moved_path(manager, &dir.join(hook)) {
                if is_ours(&slot) && !found.iter().any(|f| f.contains(&*slot.to_string_lossy())) {
                    found.push(format!(
                        "execguard's shim was moved aside to {} and nothing runs it",
                        slot.display()
                    ));
                }
            }
        }
    }
    found
}

fn missing(hook: &str, what: String, strays: Vec<String>) -> Finding {
    let mut text = format!("{hook}: {what}");
    for stray in strays {
        text.push_str(&format!("; {stray}"));
    }
    text.push_str("; run `execguard install`");
    Finding::problem(text)
}

/// The client hooks of a repository with a working tree.
pub fn client_findings(repo: &Repo, hooks_dir: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    let workdir = repo.workdir();
    for hook in CLIENT_HOOKS.iter().map(|h| h.name) {
        let binary = binary_name(hook);
        if let Some(scripts_dir) = husky_scripts_dir(hooks_dir) {
            let script = scripts_dir.join(hook);
            if mentions(&script, &binary) {
                if !executable(&hooks_dir.join(hook)) {
                    findings.push(Finding::problem(format!(
                        "{hook}: husky's {} is missing or not executable, so git runs no {hook} hook; run `husky` to write it again",
                        hooks_dir.join(hook).display()
                    )));
                } else {
                    check_run_by_manager(Manager::Husky, &script, hook, &mut findings);
                }
            } else {
                findings.push(missing(
                    hook,
                    format!(
                        "git runs husky's hooks ({}, core.hooksPath) and {} does not run {binary}",
                        hooks_dir.display(),
                        script.display()
                    ),
                    stray_shims(repo, hooks_dir, hook),
                ));
            }
            continue;
        }
        let target = hooks_dir.join(hook);
        if fs::symlink_metadata(&target).is_err() {
            findings.push(missing(
                hook,
                format!("no hook at {}", target.display()),
                stray_shims(repo, hooks_dir, hook),
            ));
            continue;
        }
        if is_ours(&target) {
            check_shim(&target, hook, &mut findings);
            continue;
        }
        if !executable(&target) {
            findings.push(Finding::problem(format!(
                "{}: not executable, so git skips it without a word",
                target.display()
            )));
            continue;
        }
        if let Some(manager) = generated_by(&target) {
            if let Some(config) =
                workdir.and_then(|dir| config_running(manager, dir, hook, &binary))
            {
                check_run_by_manager(manager, &config, hook, &mut findings);
                continue;
            }
            let stale = crate::install::chained_path(hooks_dir, hook);
            if generated_by(&stale).is_some() {
                findings.push(Finding::problem(format!(
                    "{hook}: {} is a copy of {}'s hook kept by an earlier execguard install: {} runs it again from its own hook and fails (\"installed in migration mode\"); run `execguard install`",
                    stale.display(),
                    manager.name(),
                    manager.name()
                )));
                continue;
            }
            if let Some(slot) = slot_path(manager, &target).filter(|slot| is_ours(slot)) {
                check_shim(&slot, hook, &mut findings);
                continue;
            }
            let mut finding = missing(
                hook,
                format!(
                    "{}'s hook at {} runs no execguard",
                    manager.name(),
                    target.display()
                ),
                stray_shims(repo, hooks_dir, hook),
            );
            if manager == Manager::Lefthook {
                // lefthook runs only its config's commands: that is where execguard must be.
                finding.text = finding.text.replace(
                    "run `execguard install`",
                    &format!(
                        "lefthook runs only the commands its config lists for {hook}: run `execguard install --lefthook`, then `lefthook install`"
                    ),
                );
            }
            findings.push(finding);
            continue;
        }
        if mentions(&target, &binary) {
            check_run_by_manager_foreign(&target, hook, &mut findings);
            continue;
        }
        findings.push(missing(
            hook,
            format!(
                "{} is not execguard's and does not run {binary}",
                target.display()
            ),
            stray_shims(repo, hooks_dir, hook),
        ));
    }
    findings
}

fn check_run_by_manager_foreign(hook_file: &Path, hook: &str, findings: &mut Vec<Finding>) {
    let one_binary = fs::read_to_string(hook_file)
        .is_ok_and(|text| text.contains(&format!("execguard hook {hook}")));
    let binary = if one_binary {
        "execguard".to_string()
    } else {
        binary_name(hook)
    };
    match on_path(&binary) {
        Some(found) => findings.push(Finding::ok(format!(
            "{}: calls {binary}, found at {}",
            hook_file.display(),
            found.display()
        ))),
        None => findings.push(Finding::problem(format!(
            "{}: calls {binary}, which is not on PATH",
            hook_file.display()
        ))),
    }
}

/// Whether the repository's format is one execguard reads: the index of a sparse checkout.
pub fn format_findings(repo: &Repo) -> Vec<Finding> {
    if repo.is_bare() {
        return Vec::new();
    }
    let index = repo.git_dir().join("index");
    match execguard_git::StagedIndex::open(&index) {
        Err(
            error
            @ (execguard_git::GitError::Unsupported(_) | execguard_git::GitError::SparseIndex),
        ) => vec![Finding::problem(error.to_string())],
        _ => Vec::new(),
    }
}

/// The server hook of a bare repository.
pub fn server_findings(repo: &Repo, hooks_dir: &Path) -> Vec<Finding> {
    let mut findings = Vec::new();
    let hook = "pre-receive";
    let target = hooks_dir.join(hook);
    if fs::symlink_metadata(&target).is_err() {
        findings.push(Finding::problem(format!(
            "{hook}: no hook at {}, so every push is accepted unchecked; run `execguard install --server`",
            target.display()
        )));
    } else if is_ours(&target) {
        check_shim(&target, hook, &mut findings);
    } else if !executable(&target) {
        findings.push(Finding::problem(format!(
            "{}: not executable, so git skips it without a word and every push is accepted; run `chmod +x {}`",
            target.display(),
            target.display()
        )));
    } else if mentions(&target, &binary_name(hook)) {
        check_run_by_manager_foreign(&target, hook, &mut findings);
    } else if let Some(script) = forge_hook_running_execguard(repo, hooks_dir) {
        check_run_by_manager_foreign(&script, hook, &mut findings);
    } else {
        findings.push(Finding::problem(format!(
            "{}: not execguard's and does not run execguard-pre-receive; run `execguard install --server`",
            target.display()
        )));
    }
    match execguard_git::pinned_config_path(repo) {
        None => findings.push(Finding::warning(
            "no pinned config (`git config execguard.config <path>`): each commit's parent's .execguard.toml judges it, and no override is honoured".into(),
        )),
        Some(path) => match execguard_git::read_config_file(&path) {
            Ok(_) => findings.push(Finding::ok(format!("pinned config {} is valid", path.display()))),
            Err(error) => findings.push(Finding::problem(format!(
                "the pinned config cannot be used, so every push is refused: {error}"
            ))),
        },
    }
    match execguard_git::repo_config::receive_fsck_on(repo) {
        Ok(true) => findings.push(Finding::ok("receive.fsckObjects is on".into())),
        _ => findings.push(Finding::problem(
            "receive.fsckObjects is off: git accepts malformed objects before the hook runs; turn it on with `git config receive.fsckObjects true`".into(),
        )),
    }
    if let Some(warning) = login_shell_warning(repo.git_dir()) {
        findings.push(warning);
    }
    findings
}

/// A forge's own pre-receive hook runs the scripts in a folder: Gitea's and Forgejo's
/// `hooks/pre-receive.d/`, GitLab's `custom_hooks/pre-receive.d/`. The executable script there
/// that calls execguard's binary, if any.
fn forge_hook_running_execguard(repo: &Repo, hooks_dir: &Path) -> Option<PathBuf> {
    let binary = binary_name("pre-receive");
    [
        hooks_dir.join("pre-receive.d"),
        repo.git_dir().join("custom_hooks").join("pre-receive.d"),
    ]
    .into_iter()
    .filter_map(|dir| fs::read_dir(dir).ok())
    .flat_map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()))
    .find(|script| executable(script) && mentions(script, &binary))
}

/// Pushers who reach the repository's account with a login shell can skip any hook
/// (`git -c core.hooksPath=/dev/null receive-pack`). Told only when it is plain: the owner's shell
/// is an ordinary shell, and no gitolite runs that account.
fn login_shell_warning(git_dir: &Path) -> Option<Finding> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = fs::metadata(git_dir).ok()?.uid();
        let passwd = fs::read_to_string("/etc/passwd").ok()?;
        let entry = passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() >= 7 && fields[2].parse::<u32>().ok() == Some(uid)).then(|| {
                (
                    fields[0].to_string(),
                    fields[5].to_string(),
                    fields[6].to_string(),
                )
            })
        })?;
        let (user, home, shell) = entry;
        let shell_name = Path::new(&shell)
            .file_name()?
            .to_string_lossy()
            .into_owned();
        let ordinary = ["sh", "bash", "dash", "zsh", "ksh", "fish", "tcsh", "csh"];
        let gitolite = Path::new(&home).join(".gitolite.rc").exists();
        (ordinary.contains(&shell_name.as_str()) && !gitolite).then(|| {
            Finding::warning(format!(
                "the repository belongs to `{user}`, whose login shell is {shell}: anyone who pushes over ssh as `{user}` can run git with the hook turned off; give pushers git-shell, gitolite or a forge"
            ))
        })
    }
    #[cfg(not(unix))]
    {
        let _ = git_dir;
        None
    }
}
