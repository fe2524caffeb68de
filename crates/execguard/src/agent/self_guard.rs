//! What protects the guard itself: the files that, once changed, switch it off or change what
//! git commands mean. git's config (the repository's, its worktrees', the global and the system
//! files: `core.hooksPath`, `alias.*`, `include.path`), the hooks git runs and the hook managers'
//! files that run execguard, the agents' settings (`disableAllHooks`, an emptied `hooks`), and
//! execguard's own binaries. One list, used by the agent hook (for every tool) and by
//! `execguard run` (which binds each of them read-only).

use std::path::{Path, PathBuf};

use execguard_git::{HeadRepo, Repo};

use super::real_path::RealPaths;
use crate::install::CLIENT_HOOKS;
use crate::managers::{binary_name, configs_running, husky_scripts_dir, Manager};

/// The id under which a write to git's hooks or config is refused; not a rule of the commit
/// check, which cannot see those files.
pub const INSTALLED_HOOKS: &str = "installed-hooks";
/// The id under which a write to a coding agent's settings is refused.
pub const AGENT_SETTINGS: &str = "agent-settings";
/// The id under which a write to execguard's own binaries is refused.
pub const GUARD_BINARY: &str = "guard-binary";

/// The agents' settings files, relative to the top of the working tree.
pub const PROJECT_AGENT_SETTINGS: &[&str] = &[
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex/config.toml",
    ".codex/hooks.json",
];

/// What a guarded path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A git config file.
    GitConfig,
    /// The folder git runs hooks from, or a hook manager's file that runs execguard.
    Hooks,
    /// A coding agent's settings.
    AgentSettings,
    /// One of execguard's binaries.
    Binary,
}

impl Kind {
    pub fn rule(self) -> &'static str {
        match self {
            Kind::GitConfig | Kind::Hooks => INSTALLED_HOOKS,
            Kind::AgentSettings => AGENT_SETTINGS,
            Kind::Binary => GUARD_BINARY,
        }
    }

    pub fn why(self) -> &'static str {
        match self {
            Kind::GitConfig => {
                "git's config, which says where the hooks are and what git commands mean"
            }
            Kind::Hooks => "a hook git runs (execguard's hooks live there)",
            Kind::AgentSettings => "a coding agent's settings, which run execguard's agent hook",
            Kind::Binary => "one of execguard's own binaries",
        }
    }
}

/// One guarded file or folder (everything below a folder is guarded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The path with its directories' links resolved.
    pub path: PathBuf,
    pub kind: Kind,
}

impl Target {
    /// Whether a write to `at` (a resolved path) lands on this target.
    pub fn covers(&self, at: &Path) -> bool {
        at.starts_with(&self.path)
    }
}

/// Every file that guards the guard for `repo`, whether it exists or not: a file that does not
/// exist yet (`.claude/settings.local.json`, `~/.gitconfig`) switches the guard off as well once
/// written.
pub fn targets(repo: &Repo) -> Vec<Target> {
    let layout = Layout {
        workdir: repo.workdir(),
        git_dir: repo.git_dir(),
        common_dir: repo.common_dir(),
        hooks_dir: execguard_git::hooks_dir(repo).ok(),
    };
    targets_in(&layout)
}

/// [`targets`] of a repository opened for HEAD's files.
pub fn targets_of_head(repo: &HeadRepo) -> Vec<Target> {
    let layout = Layout {
        workdir: Some(repo.workdir()),
        git_dir: repo.git_dir(),
        common_dir: repo.common_dir(),
        hooks_dir: Some(repo.hooks_dir().to_path_buf()),
    };
    targets_in(&layout)
}

/// Where a repository's files are.
struct Layout<'a> {
    workdir: Option<&'a Path>,
    git_dir: &'a Path,
    common_dir: &'a Path,
    hooks_dir: Option<PathBuf>,
}

fn targets_in(repo: &Layout<'_>) -> Vec<Target> {
    let mut out = Vec::new();
    let mut real = RealPaths::default();
    let mut add = |path: &Path, kind: Kind| {
        let target = Target {
            path: real.real(path),
            kind,
        };
        if !out.contains(&target) {
            out.push(target);
        }
    };
    add(&repo.common_dir.join("config"), Kind::GitConfig);
    add(&repo.git_dir.join("config.worktree"), Kind::GitConfig);
    for path in global_git_configs() {
        add(&path, Kind::GitConfig);
    }
    let hooks_dir = &repo.hooks_dir;
    if let Some(hooks) = hooks_dir {
        add(hooks, Kind::Hooks);
        if let Some(scripts) = husky_scripts_dir(hooks) {
            add(&scripts, Kind::Hooks);
        }
    }
    // The default hooks folder too: a `core.hooksPath` removed from the config brings it back.
    add(&repo.common_dir.join("hooks"), Kind::Hooks);
    if let Some(workdir) = repo.workdir {
        let hooks: Vec<(&str, String)> = CLIENT_HOOKS
            .iter()
            .map(|hook| (hook.name, binary_name(hook.name)))
            .collect();
        for manager in [Manager::PreCommit, Manager::Lefthook] {
            for config in configs_running(manager, workdir, &hooks) {
                add(&config, Kind::Hooks);
            }
        }
        for settings in PROJECT_AGENT_SETTINGS {
            add(&workdir.join(settings), Kind::AgentSettings);
        }
    }
    for settings in user_agent_settings() {
        add(&settings, Kind::AgentSettings);
    }
    for binary in binaries(hooks_dir.as_deref()) {
        add(&binary, Kind::Binary);
    }
    out
}

/// The first target a write to the resolved path `at` lands on.
pub fn find<'t>(targets: &'t [Target], at: &Path) -> Option<&'t Target> {
    targets.iter().find(|target| target.covers(at))
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

/// The global and system git config files git reads, as git finds them.
pub fn global_git_configs() -> Vec<PathBuf> {
    let mut out = user_git_configs();
    out.extend(system_git_config());
    out
}

/// The user's git config files (`git config --global`): `$GIT_CONFIG_GLOBAL`, else
/// `$XDG_CONFIG_HOME/git/config` and `~/.gitconfig`.
pub fn user_git_configs() -> Vec<PathBuf> {
    if let Some(global) = std::env::var_os("GIT_CONFIG_GLOBAL").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(global)];
    }
    let mut out = Vec::new();
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|home| home.join(".config")));
    if let Some(xdg) = xdg {
        out.push(xdg.join("git").join("config"));
    }
    if let Some(home) = home() {
        out.push(home.join(".gitconfig"));
    }
    out
}

/// The system's git config (`git config --system`), unless `GIT_CONFIG_NOSYSTEM` is set.
pub fn system_git_config() -> Option<PathBuf> {
    if std::env::var_os("GIT_CONFIG_NOSYSTEM").is_some() {
        return None;
    }
    Some(
        std::env::var_os("GIT_CONFIG_SYSTEM")
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from("/etc/gitconfig"), PathBuf::from),
    )
}

/// The agents' user settings: `~/.claude/settings.json`, Codex's `config.toml` and `hooks.json`
/// in `$CODEX_HOME` (default `~/.codex`).
fn user_agent_settings() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(home) = home() {
        out.push(home.join(".claude").join("settings.json"));
    }
    let codex = std::env::var_os("CODEX_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|home| home.join(".codex")));
    if let Some(codex) = codex {
        out.push(codex.join("config.toml"));
        out.push(codex.join("hooks.json"));
    }
    out
}

/// execguard's binaries: the running one and the hook binaries beside it, and the binaries the
/// installed shims record.
fn binaries(hooks_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        if let Some(dir) = exe.parent() {
            for hook in ["pre-commit", "commit-msg", "pre-push", "pre-receive"] {
                let file = format!("{}{}", binary_name(hook), std::env::consts::EXE_SUFFIX);
                let path = dir.join(file);
                if path.exists() {
                    out.push(path);
                }
            }
        }
        out.push(exe);
    }
    if let Some(hooks_dir) = hooks_dir {
        for hook in CLIENT_HOOKS {
            if let Some(recorded) = crate::install::recorded_binary(&hooks_dir.join(hook.name)) {
                if recorded.is_absolute() && !out.contains(&recorded) {
                    out.push(recorded);
                }
            }
        }
    }
    out
}
