//! A repository opened to read HEAD's files, for the coding-agent hook that runs before every
//! tool call: the layout is found, HEAD and its ref are read from their files, and libgit2 only
//! reads objects (an object database wrapped as a repository). Opening a repository through
//! libgit2 loads and copies every git config file and sets up its refs machinery, a seventh of an
//! event's instructions; this reads the few keys it needs ([`crate::config_file`]).
//!
//! Anything unusual is left to libgit2's full open ([`crate::open_at`]): the caller gets `None`
//! for a repository found from inside a git directory or a bare one, a config with includes, a
//! `core.worktree` or `core.bare`, a repository format above 1 or with an extension libgit2 would
//! judge (SHA-256 objects, reftable refs, ...), object alternates, files owned by another user,
//! a HEAD that is not a branch or a commit id, a ref that is symbolic, and an object that cannot
//! be read.

use std::path::{Path, PathBuf};

use git2::{Odb, Oid, Repository};

use crate::config_file::{self, Keys};
use crate::error::read_err;
use crate::trees::Snapshot;
use crate::{GitError, GitTrees, RepoTree};

/// A repository opened for HEAD's files alone; see the module's documentation.
pub struct HeadRepo {
    /// The object database as a repository without refs or config: lookups only.
    objects: Repository,
    workdir: PathBuf,
    git_dir: PathBuf,
    common_dir: PathBuf,
    hooks_dir: PathBuf,
    branch: Option<String>,
    tree: Option<Oid>,
}

impl HeadRepo {
    /// The top of the working tree, its links resolved.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The git directory (`.git`, or a linked worktree's own directory).
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// The directory shared by all worktrees.
    pub fn common_dir(&self) -> &Path {
        &self.common_dir
    }

    /// Where git runs the hooks from, as [`crate::hooks_dir`] says.
    pub fn hooks_dir(&self) -> &Path {
        &self.hooks_dir
    }

    /// HEAD's branch, its tree (`None` on an unborn branch) and that tree as the base side of a
    /// change, as [`crate::head_branch_and_trees`] gives them.
    pub fn head(&self) -> Result<(Option<String>, Option<RepoTree<'_>>, GitTrees<'_>), GitError> {
        let tree = match self.tree {
            Some(id) => Some(
                self.objects
                    .find_tree(id)
                    .map_err(read_err("HEAD's tree"))?,
            ),
            None => None,
        };
        let trees = GitTrees {
            repo: &self.objects,
            base: tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
            new: Snapshot::Empty,
            cache: None,
            folders: None,
        };
        Ok((self.branch.clone(), tree.map(RepoTree::from_git), trees))
    }

    pub(crate) fn objects(&self) -> &Repository {
        &self.objects
    }
}

/// Opens the repository containing `path` for HEAD's files, or `None` where libgit2's full open
/// must decide (see the module's documentation).
pub fn open_head(path: &Path) -> Option<HeadRepo> {
    // HEAD's files of one commit: the small windows do.
    crate::open::tune_libgit2(None);
    // Real paths, as libgit2 gives them.
    let start = std::fs::canonicalize(path).ok()?;
    let (workdir, git_dir) = find_git_dir(&start)?;
    let common_dir = match std::fs::read(git_dir.join("commondir")) {
        Ok(text) => std::fs::canonicalize(git_dir.join(first_line(&text)?)).ok()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => git_dir.clone(),
        Err(_) => return None,
    };
    owned_by_us(&[&workdir, &git_dir, &common_dir])?;
    let local = read_keys(&common_dir.join("config"))?.unwrap_or_default();
    let version = local.format_version.as_deref().unwrap_or("0");
    if !matches!(version, "0" | "1") {
        return None;
    }
    // As libgit2 reads them: `worktreeConfig` in any version, the others in version 1 only.
    let mut worktree_config = false;
    for (name, value) in &local.extensions {
        if name == "worktreeconfig" {
            worktree_config = config_file::boolean(value)?;
            continue;
        }
        let known = match name.as_str() {
            "noop" | "preciousobjects" => true,
            "objectformat" => value.eq_ignore_ascii_case("sha1"),
            _ => false,
        };
        if version == "1" && !known {
            return None;
        }
    }
    // Lowest priority first, as libgit2 reads them for a repository: system, XDG, global, the
    // repository's, the worktree's.
    let mut levels = user_level_configs()?;
    levels.push(local);
    if worktree_config {
        levels.extend(read_keys(&git_dir.join("config.worktree"))?);
    }
    let mut hooks_path = None;
    for keys in levels {
        if keys.worktree.is_some() || keys.bare.is_some_and(|bare| bare != "false") {
            return None;
        }
        hooks_path = keys.hooks_path.or(hooks_path);
    }
    let hooks_dir = match hooks_path {
        // `~/` and `%(prefix)/` are expanded by libgit2.
        Some(path) if path.starts_with(['~', '%']) || path.is_empty() => return None,
        Some(path) => workdir.join(path),
        None => common_dir.join("hooks"),
    };
    let objects_dir = common_dir.join("objects");
    if objects_dir.join("info").join("alternates").exists() {
        return None;
    }
    let (branch, commit) = read_head(&git_dir, &common_dir)?;
    let odb = Odb::new().ok()?;
    odb.add_disk_alternate(objects_dir.to_str()?).ok()?;
    let objects = Repository::from_odb(odb).ok()?;
    // An object that cannot be read is reported as libgit2's open reports it.
    let tree = match commit {
        Some(id) => Some(objects.find_commit(id).ok()?.tree().ok()?.id()),
        None => None,
    };
    Some(HeadRepo {
        objects,
        workdir,
        git_dir,
        common_dir,
        hooks_dir,
        branch,
        tree,
    })
}

/// The working tree and git directory above `start`: the nearest `.git` folder or `gitdir:`
/// file. A folder on the way that looks like a git directory itself (a bare repository, the
/// inside of `.git`) is libgit2's to judge.
fn find_git_dir(start: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut dir = start;
    loop {
        let dot_git = dir.join(".git");
        match std::fs::metadata(&dot_git) {
            Ok(meta) if meta.is_dir() => return Some((dir.to_path_buf(), dot_git)),
            Ok(meta) if meta.is_file() => {
                let text = std::fs::read(&dot_git).ok()?;
                let target = first_line(&text)?.strip_prefix("gitdir:")?.trim();
                let git_dir = std::fs::canonicalize(dir.join(target)).ok()?;
                return Some((dir.to_path_buf(), git_dir));
            }
            Ok(_) => return None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return None,
        }
        if dir.join("HEAD").exists() || dir.file_name().is_some_and(|name| name == ".git") {
            return None;
        }
        dir = dir.parent()?;
    }
}

/// The first line of a small file git wrote, without its line ending.
fn first_line(text: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(text).ok()?;
    let line = text.lines().next()?;
    (!line.is_empty()).then_some(line)
}

/// Whether every path is owned by the user running this (libgit2 refuses or asks
/// `safe.directory` otherwise, which is its to decide).
#[cfg(unix)]
fn owned_by_us(paths: &[&Path]) -> Option<()> {
    use std::os::unix::fs::MetadataExt as _;
    let user = nix_free_euid();
    for path in paths {
        if std::fs::metadata(path).ok()?.uid() != user {
            return None;
        }
    }
    Some(())
}

#[cfg(not(unix))]
fn owned_by_us(_paths: &[&Path]) -> Option<()> {
    None
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn nix_free_euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The keys of one config file: `Some(None)` when it does not exist, `None` when it cannot be
/// read or is not plain.
fn read_keys(path: &Path) -> Option<Option<Keys>> {
    match std::fs::read(path) {
        Ok(text) => config_file::read(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(None),
        Err(_) => None,
    }
}

/// The system, XDG and global config files libgit2 reads when it opens a repository (it does
/// not look at `GIT_CONFIG_*` then), those it is told to skip left out; `None` when one is not
/// plain, or when there is no `HOME` (libgit2 then asks the user database).
fn user_level_configs() -> Option<Vec<Keys>> {
    let home = std::env::var_os("HOME").filter(|home| !home.is_empty())?;
    let home = Some(home);
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(|dir| PathBuf::from(dir).join("git"))
        .or_else(|| {
            home.as_ref()
                .map(|home| Path::new(home).join(".config/git"))
        });
    let files = [
        Some(PathBuf::from("/etc/gitconfig")),
        xdg.map(|dir| dir.join("config")),
        home.map(|home| Path::new(&home).join(".gitconfig")),
    ];
    let mut out = Vec::new();
    for file in files.into_iter().flatten() {
        match read_keys(&file) {
            Some(keys) => out.extend(keys),
            // An unreadable file is skipped by libgit2 (see `open`); a file this reader does
            // not follow is libgit2's to read.
            None if unreadable(&file) => {}
            None => return None,
        }
    }
    Some(out)
}

fn unreadable(path: &Path) -> bool {
    std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
}

/// HEAD's branch (`None` when detached) and the commit it names (`None` on an unborn branch).
fn read_head(git_dir: &Path, common_dir: &Path) -> Option<(Option<String>, Option<Oid>)> {
    let text = std::fs::read(git_dir.join("HEAD")).ok()?;
    let head = first_line(&text)?;
    let Some(target) = head.strip_prefix("ref:") else {
        return Some((None, Some(object_id(head)?)));
    };
    let target = target.trim();
    let branch = target.strip_prefix("refs/heads/")?;
    if branch.is_empty()
        || target
            .split('/')
            .any(|part| part.is_empty() || part == "..")
    {
        return None;
    }
    let commit = match std::fs::read(common_dir.join(target)) {
        Ok(text) => Some(object_id(first_line(&text)?)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => packed_ref(common_dir, target)?,
        Err(_) => return None,
    };
    Some((Some(branch.to_string()), commit))
}

/// The id `name` has in `packed-refs`: `Some(None)` when it is not there.
fn packed_ref(common_dir: &Path, name: &str) -> Option<Option<Oid>> {
    let text = match std::fs::read(common_dir.join("packed-refs")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(None),
        Err(_) => return None,
    };
    let text = std::str::from_utf8(&text).ok()?;
    for line in text.lines() {
        if line.starts_with('#') || line.starts_with('^') {
            continue;
        }
        let (id, ref_name) = line.split_once(' ')?;
        if ref_name == name {
            return Some(Some(object_id(id)?));
        }
    }
    Some(None)
}

/// A full SHA-1 id in hex.
fn object_id(text: &str) -> Option<Oid> {
    let text = text.trim();
    if text.len() != 40 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Oid::from_str(text).ok()
}

#[cfg(test)]
#[path = "head_repo_tests.rs"]
mod tests;
