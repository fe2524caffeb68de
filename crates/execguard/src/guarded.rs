//! The paths of a working tree that only a human may change, as HEAD has them: frozen specs,
//! their design notes (written or not), protected paths and `.execguard.toml`. What the agent
//! hook refuses path by path, listed whole, for the layers that need the list beforehand:
//! `execguard run` (read-only binds) and the agents' own deny rules and sandboxes.

use std::path::{Path, PathBuf};

use execguard_core::write_guard::write_refusals;
use execguard_core::{Config, RepoPath, Side, Trees};
use execguard_git::Repo;

/// One path the rules protect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protected {
    pub path: RepoPath,
    /// The rule id: `frozen-spec`, ...
    pub rule: String,
    /// What it is: `a frozen spec (EXEC-READY in HEAD)`.
    pub why: String,
}

/// What a working tree protects under its HEAD.
pub struct Content {
    pub config: Config,
    /// Whether the current branch is guarded at all (`[scope] branches`).
    pub in_scope: bool,
    /// Every file of HEAD a rule protects, and the design notes of frozen specs not yet written.
    pub paths: Vec<Protected>,
}

/// The protected content of `repo`'s working tree, judged as the agent hook judges a write.
pub fn content(repo: &Repo, explicit: Option<&Path>) -> anyhow::Result<Content> {
    let (tree, trees) = execguard_git::head_trees(repo)?;
    let (config, _) = execguard_git::load_config(repo, tree.as_ref(), "HEAD", explicit)?;
    let in_scope = config.applies_to_branch(execguard_git::current_branch(repo).as_deref());
    let mut paths = Vec::new();
    if !in_scope {
        return Ok(Content {
            config,
            in_scope,
            paths,
        });
    }
    let tree_error = |e: execguard_core::TreeError| anyhow::anyhow!("cannot read HEAD: {e}");
    let layout = &config.layout;
    let mut candidates: Vec<RepoPath> = trees
        .list(Side::Base, &RepoPath::from(""))
        .map_err(tree_error)?
        .into_iter()
        .filter(|path| {
            layout.specs.is_match(path)
                || layout.designs.feature_of(path).is_some()
                || config.rules.protected_path.paths.is_match(path)
                || path.as_bytes() == execguard_core::config::CONFIG_PATH.as_bytes()
        })
        .collect();
    let config_path = RepoPath::from(execguard_core::config::CONFIG_PATH);
    if !candidates.contains(&config_path) {
        candidates.push(config_path);
    }
    let mut index = 0;
    while index < candidates.len() {
        let path = candidates[index].clone();
        index += 1;
        let refusals = write_refusals(&config, &trees, &path).map_err(tree_error)?;
        let Some(first) = refusals.first() else {
            continue;
        };
        if first.rule == execguard_core::RuleId::FrozenSpec {
            // A frozen spec's design note is guarded before it is written.
            let stem = path
                .to_text()
                .rsplit('/')
                .next()
                .and_then(|name| name.strip_suffix(".md"))
                .map(str::to_string);
            for note in stem
                .map(|s| layout.designs.paths_for(&s))
                .unwrap_or_default()
            {
                if !candidates.contains(&note) {
                    candidates.push(note);
                }
            }
        }
        paths.push(Protected {
            path,
            rule: first.rule.as_str().to_string(),
            why: first.why.clone(),
        });
    }
    Ok(Content {
        config,
        in_scope,
        paths,
    })
}

/// The file system path of a repository path in `workdir`.
pub fn in_workdir(workdir: &Path, path: &RepoPath) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        workdir.join(std::ffi::OsStr::from_bytes(path.as_bytes()))
    }
    #[cfg(not(unix))]
    {
        workdir.join(path.to_text())
    }
}

/// The working trees of the repository: its main one and every linked one that still exists.
pub fn worktrees(repo: &Repo) -> Vec<PathBuf> {
    let common = repo.common_dir();
    let mut out = Vec::new();
    // The main working tree holds the common directory as its `.git`.
    if common.file_name().is_some_and(|name| name == ".git") {
        if let Some(main) = common.parent() {
            out.push(main.to_path_buf());
        }
    }
    if let Ok(entries) = std::fs::read_dir(common.join("worktrees")) {
        for entry in entries.flatten() {
            let Ok(gitdir) = std::fs::read_to_string(entry.path().join("gitdir")) else {
                continue;
            };
            let dot_git = PathBuf::from(gitdir.trim_end_matches(['\n', '\r']));
            if let Some(tree) = dot_git.parent().filter(|_| dot_git.exists()) {
                out.push(tree.to_path_buf());
            }
        }
    }
    if let Some(own) = repo.workdir() {
        let own = own.canonicalize().unwrap_or_else(|_| own.to_path_buf());
        let known = out
            .iter()
            .any(|tree| tree.canonicalize().is_ok_and(|tree| tree == own));
        if !known {
            out.push(own);
        }
    }
    out
}
