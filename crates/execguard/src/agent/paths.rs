//! The path verdict for a write the agent is about to make: the file system path is resolved as
//! the write would resolve it (relative to the tool's working directory, `..`, symbolic links)
//! and judged by the path rules against HEAD, case folding included. Writes to what guards the
//! guard ([`super::self_guard`]: git's hooks and config, the agents' settings, execguard's
//! binaries) are refused too: they would switch it off.

use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;
use execguard_core::write_guard::write_refusals;
use execguard_core::{Config, RepoPath};
use execguard_git::{GitTrees, HeadRepo, Repo};

use super::real_path::{normalize, real};

pub use super::self_guard::INSTALLED_HOOKS;
use super::self_guard::{self, Target};

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

/// The repository a guard reads.
pub(super) enum Source<'r> {
    Full(&'r Repo),
    /// Opened for HEAD's files alone; the full repository is opened when a git command that
    /// writes from a revision is judged.
    Head {
        repo: &'r HeadRepo,
        full: std::cell::OnceCell<Repo>,
    },
}

/// What one repository protects, read once per event.
pub struct Guard<'r> {
    pub(super) source: Source<'r>,
    pub(super) config: Config,
    pub(super) trees: GitTrees<'r>,
    pub(super) in_scope: bool,
    pub(super) workdir: Option<PathBuf>,
    /// What guards the guard: git's config and hooks, the agents' settings, execguard's binaries.
    pub(super) self_targets: Vec<Target>,
    /// HEAD's files, listed when a write's path is not known beforehand.
    pub(super) guarded: std::cell::OnceCell<Vec<RepoPath>>,
}

impl<'r> Guard<'r> {
    /// The guard of `repo`, under `explicit` config when given, else HEAD's `.execguard.toml`,
    /// else the working tree's on an unborn branch, else the default.
    pub fn new(repo: &'r Repo, explicit: Option<&Path>) -> anyhow::Result<Self> {
        let (branch, tree, trees) = execguard_git::head_branch_and_trees(repo)?;
        let (config, _) = execguard_git::load_config(repo, tree.as_ref(), "HEAD", explicit)?;
        let in_scope = config.applies_to_branch(branch.as_deref());
        Ok(Self {
            source: Source::Full(repo),
            config,
            trees,
            in_scope,
            workdir: repo.workdir().map(real),
            self_targets: self_guard::targets(repo),
            guarded: std::cell::OnceCell::new(),
        })
    }

    /// The same guard for a repository opened for HEAD's files ([`execguard_git::open_head`]).
    pub fn of_head(repo: &'r HeadRepo, explicit: Option<&Path>) -> anyhow::Result<Self> {
        let (branch, tree, trees) = repo.head()?;
        let (config, _) = execguard_git::load_head_config(repo, tree.as_ref(), explicit)?;
        let in_scope = config.applies_to_branch(branch.as_deref());
        Ok(Self {
            source: Source::Head {
                repo,
                full: std::cell::OnceCell::new(),
            },
            config,
            trees,
            in_scope,
            // Already resolved by `open_head`.
            workdir: Some(repo.workdir().to_path_buf()),
            self_targets: self_guard::targets_of_head(repo),
            guarded: std::cell::OnceCell::new(),
        })
    }

    /// The repository with its refs, for judging git commands.
    pub(super) fn full_repo(&self) -> anyhow::Result<&Repo> {
        match &self.source {
            Source::Full(repo) => Ok(repo),
            Source::Head { repo, full } => {
                if let Some(full) = full.get() {
                    return Ok(full);
                }
                let opened = execguard_git::open_at(repo.workdir()).with_context(|| {
                    format!("cannot open the repository at {}", repo.workdir().display())
                })?;
                Ok(full.get_or_init(|| opened))
            }
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every refusal of a write to `raw` (a path as the tool names it), resolved against `cwd`.
    pub fn refusals(&self, cwd: &Path, raw: &str) -> anyhow::Result<Vec<Refusal>> {
        let mut found = Vec::new();
        for at in resolve(cwd, Path::new(raw)) {
            if let Some(target) = self_guard::find(&self.self_targets, &at) {
                found.push(Refusal {
                    rule: target.kind.rule().to_string(),
                    path: at.display().to_string(),
                    why: target.kind.why().to_string(),
                });
                continue;
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
