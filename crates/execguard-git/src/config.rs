//! Which config judges a change and where it came from: `--config` or the server's pinned file,
//! the base tree's `.execguard.toml`, the working tree's on an unborn branch, or the embedded
//! default; and configs read from blobs, for caching them per commit.

use std::path::{Path, PathBuf};

use execguard_core::config::{Config, CONFIG_PATH};

use crate::error::read_err;
use crate::{GitError, ObjectId, Repo, RepoTree};

/// Where the config that judges a change came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// Given with `--config`.
    Explicit(PathBuf),
    /// `.execguard.toml` in the base tree (`HEAD:.execguard.toml`).
    BaseTree(String),
    /// The working tree's `.execguard.toml`, on an unborn branch.
    WorkingTree(PathBuf),
    /// No config anywhere: the embedded default.
    Default,
}

impl std::fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigOrigin::Explicit(path) => write!(f, "{} (--config)", path.display()),
            ConfigOrigin::BaseTree(name) => write!(f, "{name} (the base tree)"),
            ConfigOrigin::WorkingTree(path) => {
                write!(f, "{} (working tree, unborn branch)", path.display())
            }
            ConfigOrigin::Default => f.write_str("the embedded default config"),
        }
    }
}

/// Reads and validates a config file named outside the repository (`--config`, or the server's
/// pinned file); errors name the file.
pub fn read_config_file(path: &Path) -> Result<Config, GitError> {
    let text = std::fs::read_to_string(path).map_err(|source| GitError::ConfigFile {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Config::parse(&path.display().to_string(), &text)?)
}

/// The config that judges a change whose base is `base_tree` (named `base_name` in messages):
/// `explicit` when given, else the base tree's `.execguard.toml`, else (no base) the working tree's,
/// else the embedded default.
pub fn load_config(
    repo: &Repo,
    base_tree: Option<&RepoTree<'_>>,
    base_name: &str,
    explicit: Option<&Path>,
) -> Result<(Config, ConfigOrigin), GitError> {
    load_config_in(repo.git(), repo.workdir(), base_tree, base_name, explicit)
}

/// [`load_config`] for a repository opened for HEAD's files ([`crate::open_head`]).
pub fn load_head_config(
    repo: &crate::HeadRepo,
    head_tree: Option<&RepoTree<'_>>,
    explicit: Option<&Path>,
) -> Result<(Config, ConfigOrigin), GitError> {
    load_config_in(
        repo.objects(),
        Some(repo.workdir()),
        head_tree,
        "HEAD",
        explicit,
    )
}

fn load_config_in(
    repo: &git2::Repository,
    workdir: Option<&Path>,
    base_tree: Option<&RepoTree<'_>>,
    base_name: &str,
    explicit: Option<&Path>,
) -> Result<(Config, ConfigOrigin), GitError> {
    if let Some(path) = explicit {
        let config = read_config_file(path)?;
        return Ok((config, ConfigOrigin::Explicit(path.to_path_buf())));
    }
    match base_tree {
        Some(tree) => {
            let Ok(entry) = tree.git().get_path(Path::new(CONFIG_PATH)) else {
                return Ok((Config::embedded_default(), ConfigOrigin::Default));
            };
            let name = format!("{base_name}:{CONFIG_PATH}");
            let blob = repo.find_blob(entry.id()).map_err(read_err(name.clone()))?;
            let text = String::from_utf8_lossy(blob.content());
            let config = Config::parse(&name, &text)?;
            Ok((config, ConfigOrigin::BaseTree(name)))
        }
        None => {
            let Some(workdir) = workdir else {
                return Ok((Config::embedded_default(), ConfigOrigin::Default));
            };
            let path = workdir.join(CONFIG_PATH);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let config = Config::parse(CONFIG_PATH, &text)?;
                    Ok((config, ConfigOrigin::WorkingTree(path)))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Ok((Config::embedded_default(), ConfigOrigin::Default))
                }
                Err(source) => Err(GitError::ConfigFile {
                    path: path.display().to_string(),
                    source,
                }),
            }
        }
    }
}

/// The name to use for the base of commit `id` in config error messages (`1a2b3c4^`).
pub fn parent_name(id: &str) -> String {
    format!("{}^", id.get(..7).unwrap_or(id))
}

/// A config pinned by the server admin with `git config execguard.config <path>`; a relative
/// path is taken from the git directory.
pub fn pinned_config_path(repo: &Repo) -> Option<PathBuf> {
    let repo = repo.git();
    let config = repo.config().ok()?;
    let path = config.get_path("execguard.config").ok()?;
    Some(if path.is_absolute() {
        path
    } else {
        repo.path().join(path)
    })
}

/// The config that judges a commit whose first parent's tree is `base_tree`: the base tree's
/// `.execguard.toml`, else the embedded default. Unlike a staged change, a root commit never takes
/// a working tree's file.
pub fn load_commit_config(
    repo: &Repo,
    base_tree: Option<&RepoTree<'_>>,
    base_name: &str,
) -> Result<(Config, ConfigOrigin), GitError> {
    if base_tree.is_none() {
        return Ok((Config::embedded_default(), ConfigOrigin::Default));
    }
    load_config(repo, base_tree, base_name, None)
}

/// The config that judges a change to be committed on `base_tree`: `explicit` when given, else as
/// [`load_commit_config`] (the base tree's `.execguard.toml`, else the embedded default; never a
/// working tree's file).
pub fn load_commit_config_or(
    repo: &Repo,
    base_tree: Option<&RepoTree<'_>>,
    base_name: &str,
    explicit: Option<&Path>,
) -> Result<(Config, ConfigOrigin), GitError> {
    match explicit {
        Some(_) => load_config(repo, base_tree, base_name, explicit),
        None => load_commit_config(repo, base_tree, base_name),
    }
}

/// The id of the blob holding `.execguard.toml` in a tree, for caching parsed configs.
pub fn config_blob_id(tree: Option<&RepoTree<'_>>) -> Option<ObjectId> {
    blob_in(tree?.git())
}

fn blob_in(tree: &git2::Tree<'_>) -> Option<ObjectId> {
    tree.get_path(Path::new(CONFIG_PATH))
        .ok()
        .map(|e| ObjectId::from_git(e.id()))
}

/// The id of the `.execguard.toml` blob in commit `id`'s own tree (the config that judges a
/// commit made on top of it); `None` when the tree has none.
pub fn commit_config_blob(repo: &Repo, id: ObjectId) -> Result<Option<ObjectId>, GitError> {
    let tree = repo.commit_tree(id)?;
    Ok(blob_in(&tree))
}

/// Reads and validates the config held in blob `id`; `name` names it in errors
/// (`1a2b3c4:.execguard.toml`).
pub fn read_config_blob(repo: &Repo, id: ObjectId, name: &str) -> Result<Config, GitError> {
    let blob = repo
        .git()
        .find_blob(id.git())
        .map_err(read_err(name.to_string()))?;
    let text = String::from_utf8_lossy(blob.content());
    Ok(Config::parse(name, &text)?)
}
