//! The path verdict for a write the agent is about to make: the file system path is resolved as
//! the write would resolve it (relative to the tool's working directory, `..`, symbolic links)
//! and judged by the path rules against HEAD, case folding included. Writes into git's hooks
//! directory or git's own config are refused too: they would switch the hooks off.

use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;
use execguard_core::write_guard::write_refusals;
use execguard_core::{Config, RepoPath};
use execguard_git::{GitTrees, Repo};

/// The id under which a write to the installed hooks is refused; not a rule of the commit check,
/// which cannot see those files.
pub const INSTALLED_HOOKS: &str = "installed-hooks";

/// A write that may not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The rule id (`frozen-spec`, ..., or [`INSTALLED_HOOKS`]).
    pub rule: String,
    /// The path as the repository names it (or as given, outside the working tree).
    pub path: String,
    /// What the path is: `a frozen spec (EXEC-READY in HEAD)`.
    pub why: String,
}

/// What one repository protects, read once per event.
pub struct Guard<'r> {
    pub(super) repo: &'r Repo,
    pub(super) config: Config,
    pub(super) trees: GitTrees<'r>,
    pub(super) in_scope: bool,
    pub(super) workdir: Option<PathBuf>,
    pub(super) hooks_dir: Option<PathBuf>,
    pub(super) git_config: PathBuf,
    /// HEAD's files, listed when a write's path is not known beforehand.
    pub(super) guarded: std::cell::OnceCell<Vec<RepoPath>>,
}

impl<'r> Guard<'r> {
    /// The guard of `repo`, under `explicit` config when given, else HEAD's `.execguard.toml`,
    /// else the working tree's on an unborn branch, else the default.
    pub fn new(repo: &'r Repo, explicit: Option<&Path>) -> anyhow::Result<Self> {
        let (tree, trees) = execguard_git::head_trees(repo)?;
        let (config, _) = execguard_git::load_config(repo, tree.as_ref(), "HEAD", explicit)?;
        let in_scope = config.applies_to_branch(execguard_git::current_branch(repo).as_deref());
        let hooks_dir = execguard_git::hooks_dir(repo).ok().map(|dir| real(&dir));
        Ok(Self {
            repo,
            config,
            trees,
            in_scope,
            workdir: repo.workdir().map(real),
            hooks_dir,
            git_config: real(&repo.common_dir().join("config")),
            guarded: std::cell::OnceCell::new(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every refusal of a write to `raw` (a path as the tool names it), resolved against `cwd`.
    pub fn refusals(&self, cwd: &Path, raw: &str) -> anyhow::Result<Vec<Refusal>> {
        let mut found = Vec::new();
        for at in resolve(cwd, Path::new(raw)) {
            if let Some(hooks) = &self.hooks_dir {
                if at.starts_with(hooks) || at == self.git_config {
                    found.push(Refusal {
                        rule: INSTALLED_HOOKS.to_string(),
                        path: at.display().to_string(),
                        why: if at == self.git_config {
                            "git's config, which says where the hooks are".to_string()
                        } else {
                            "a hook git runs (execguard's hooks live there)".to_string()
                        },
                    });
                    continue;
                }
            }
            if !self.in_scope {
                continue;
            }
            let Some(path) = self.repo_path(&at) else {
                continue;
            };
            let refusals = write_refusals(&self.config, &self.trees, &path)
                .with_context(|| format!("cannot read HEAD's entry for {path}"))?;
            for refusal in refusals {
                let named = if refusal.protected == refusal.path {
                    refusal.why
                } else {
                    format!(
                        "which a case-insensitive file system writes over {}, {}",
                        refusal.protected, refusal.why
                    )
                };
                let item = Refusal {
                    rule: refusal.rule.as_str().to_string(),
                    path: refusal.path.to_string(),
                    why: named,
                };
                if !found.contains(&item) {
                    found.push(item);
                }
            }
        }
        Ok(found)
    }

    /// The repository path of a resolved file system path inside the working tree.
    fn repo_path(&self, at: &Path) -> Option<RepoPath> {
        let relative = at.strip_prefix(self.workdir.as_ref()?).ok()?;
        if relative.as_os_str().is_empty() {
            return None;
        }
        let mut bytes = Vec::new();
        for (i, part) in relative.components().enumerate() {
            let Component::Normal(part) = part else {
                return None;
            };
            if i > 0 {
                bytes.push(b'/');
            }
            bytes.extend_from_slice(&os_bytes(part));
        }
        // Git's own directory is not content.
        if bytes == b".git" || bytes.starts_with(b".git/") {
            return None;
        }
        Some(RepoPath::new(bytes))
    }
}

#[cfg(unix)]
fn os_bytes(part: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    part.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(part: &std::ffi::OsStr) -> Vec<u8> {
    part.to_string_lossy().as_bytes().to_vec()
}

/// Where a write to `raw` from `cwd` lands: the path itself (its directories' links resolved),
/// and, when it is a symbolic link, the file the link leads to. Both are judged: replacing the
/// link changes the one, writing through it the other.
pub fn resolve(cwd: &Path, raw: &Path) -> Vec<PathBuf> {
    let joined = normalize(&cwd.join(raw));
    let at = match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => real(parent).join(name),
        _ => joined.clone(),
    };
    let mut out = vec![at.clone()];
    let mut current = at;
    // Follow a chain of links, dangling ones too (a write through it creates the target).
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&current) else {
            break;
        };
        let parent = current.parent().map(Path::to_path_buf).unwrap_or_default();
        let next = normalize(&parent.join(target));
        current = match (next.parent(), next.file_name()) {
            (Some(parent), Some(name)) => real(parent).join(name),
            _ => next,
        };
        if !out.contains(&current) {
            out.push(current.clone());
        }
    }
    out
}

/// `path` with `.` and `..` taken out lexically.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` with every link among its existing leading directories resolved; what does not exist
/// yet is kept as written.
pub(super) fn real(path: &Path) -> PathBuf {
    let path = normalize(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(found) = std::fs::canonicalize(existing) {
            let mut out = found;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.clone(),
        }
    }
}
