//! What `execguard run` makes read-only: in every working tree of the repository, the content
//! HEAD protects ([`crate::guarded`]) and what guards the guard ([`crate::agent::self_guard`]),
//! as far as it exists on disk.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use execguard_git::Repo;

use crate::agent::self_guard::{self, Kind};

/// One path made read-only, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guarded {
    pub path: PathBuf,
    pub why: String,
}

/// The read-only paths, parents before what lies below them, and what the user should know.
#[derive(Debug, Default)]
pub struct Plan {
    pub paths: Vec<Guarded>,
    /// Things done or left undone on the way (an empty global git config created, a symbolic
    /// link whose target is guarded but not the link).
    pub notes: Vec<String>,
}

impl Plan {
    fn add(&mut self, path: PathBuf, why: impl Into<String>) {
        if !self.paths.iter().any(|g| g.path == path) {
            self.paths.push(Guarded {
                path,
                why: why.into(),
            });
        }
    }
}

/// The plan for `repo` (any of its worktrees) under `explicit` config when given.
pub fn plan(repo: &Repo, explicit: Option<&Path>) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    let mut trees = crate::guarded::worktrees(repo);
    if trees.is_empty() {
        bail!(
            "{} is a bare repository: there is no working tree to guard",
            repo.git_dir().display()
        );
    }
    let user_configs = self_guard::user_git_configs();
    trees.dedup();
    for tree in &trees {
        let worktree = execguard_git::open_at(tree)
            .with_context(|| format!("cannot open the worktree {}", tree.display()))?;
        let content = crate::guarded::content(&worktree, explicit)?;
        for protected in &content.paths {
            let path = crate::guarded::in_workdir(tree, &protected.path);
            // A design note not written yet cannot be bound; the hooks refuse it.
            if std::fs::symlink_metadata(&path).is_ok() {
                refuse_hard_links(&path, tree)?;
                plan.add(path, format!("{} [{}]", protected.why, protected.rule));
            }
        }
        for target in self_guard::targets(&worktree) {
            let why = format!("{} [{}]", target.kind.why(), target.kind.rule());
            if std::fs::symlink_metadata(&target.path).is_ok() {
                // cargo's build folder keeps each binary under a second name; the one the hooks
                // run is guarded.
                if target.kind != Kind::Binary {
                    refuse_hard_links(&target.path, tree)?;
                }
                plan.add(target.path, why);
                continue;
            }
            match target.kind {
                // A settings file not written yet: its folder in the working tree is read-only
                // instead, so that it cannot be created (`disableAllHooks`).
                Kind::AgentSettings => {
                    if let Some(folder) = target
                        .path
                        .parent()
                        .filter(|dir| dir.starts_with(tree) && dir.is_dir())
                    {
                        plan.add(
                            folder.to_path_buf(),
                            format!(
                                "holds a coding agent's settings; read-only so that {} cannot be created [{}]",
                                target.path.file_name().unwrap_or_default().to_string_lossy(),
                                target.kind.rule()
                            ),
                        );
                    }
                }
                // A global git config that is not there would switch the hooks off for every
                // repository once written: it is created empty (git reads an empty file as no
                // settings), then bound.
                Kind::GitConfig if user_configs.contains(&target.path) => {
                    create_empty(&target.path)?;
                    plan.notes.push(format!(
                        "created the empty file {} so that it can be made read-only",
                        target.path.display()
                    ));
                    plan.add(target.path, why);
                }
                _ => {}
            }
        }
    }
    for guarded in &plan.paths {
        let metadata = std::fs::symlink_metadata(&guarded.path)?;
        if metadata.file_type().is_symlink() {
            plan.notes.push(format!(
                "{} is a symbolic link: the file it leads to is read-only, the link itself is not",
                guarded.path.display()
            ));
        }
    }
    plan.paths.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plan)
}

fn create_empty(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(())
}

/// A guarded file with another name (a hard link) could be written through that name, which no
/// mount covers: refused before anything starts.
#[cfg(unix)]
fn refuse_hard_links(path: &Path, top: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(metadata) = std::fs::metadata(path) else {
        return Ok(());
    };
    if metadata.is_file() && metadata.nlink() > 1 {
        bail!(
            "{} has {} names (hard links): a write through another of them would change it, and no read-only mount covers a name it does not know. Find them with `find {} -xdev -samefile {}` (a name outside that folder needs a wider search), remove the other names, and run again",
            path.display(),
            metadata.nlink(),
            quote(&top.display().to_string()),
            quote(&path.display().to_string())
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_hard_links(_: &Path, _: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Single-quotes `text` for a POSIX shell when it needs quoting.
fn quote(text: &str) -> String {
    shlex::try_quote(text).map_or_else(|_| text.to_string(), |q| q.into_owned())
}
