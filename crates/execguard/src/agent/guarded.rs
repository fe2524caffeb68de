//! Writes whose paths the tool call does not spell out: a path computed when the command runs
//! (`$d/login.md`), a relative path from a folder the event does not name (Codex's `workdir`),
//! and git commands that write the working tree from a revision or a patch. They are judged
//! against every path the repository guards now: HEAD's files that a path rule protects, the
//! installed hooks and git's config. Reading that list costs a walk of HEAD's tree, so it is
//! read only for such writes, and the path rules judge only the files a write could be.

use std::path::Path;

use anyhow::Context as _;
use execguard_core::write_guard::write_refusals;
use execguard_core::{RepoPath, Side, Trees};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::intent::{ComputedWrite, GitSource, GitWrite};
use super::paths::{Guard, Refusal};
use super::real_path::{normalize, real};
use super::self_guard;

/// A path guarded now.
struct Guarded {
    /// Its path in the repository, for a file of HEAD.
    repo_path: Option<RepoPath>,
    refusal: Refusal,
}

/// The hooks execguard installs, guarded even before they exist.
const HOOKS: [&str; 4] = ["pre-commit", "commit-msg", "pre-push", "pre-receive"];

impl Guard<'_> {
    /// Every path guarded now among those `wanted` (given where it is on disk) could be: HEAD's
    /// files are judged by the path rules only when wanted, so a narrow pattern stays cheap in a
    /// large repository.
    fn guarded(&self, wanted: &dyn Fn(&Path) -> bool) -> anyhow::Result<Vec<Guarded>> {
        let mut found = Vec::new();
        if let (true, Some(workdir)) = (self.in_scope, &self.workdir) {
            let files = match self.guarded.get() {
                Some(files) => files,
                None => {
                    let files = self
                        .trees
                        .list(Side::Base, &RepoPath::from(""))
                        .map_err(|e| anyhow::anyhow!("cannot list HEAD's files: {e}"))?;
                    self.guarded.get_or_init(|| files)
                }
            };
            for path in files {
                let absolute = workdir.join(path.to_text());
                if !wanted(&absolute) {
                    continue;
                }
                let refusals = write_refusals(&self.config, &self.trees, path)
                    .with_context(|| format!("cannot read HEAD's entry for {path}"))?;
                if let Some(refusal) = refusals.into_iter().next() {
                    found.push(Guarded {
                        refusal: Refusal {
                            rule: refusal.rule.as_str().to_string(),
                            path: path.to_string(),
                            why: refusal.why,
                        },
                        repo_path: Some(path.clone()),
                    });
                }
            }
        }
        // What guards the guard: git's hooks (also those not installed yet) and config, the
        // agents' settings, execguard's binaries.
        for target in &self.self_targets {
            let mut candidates = vec![target.path.clone()];
            if target.path.is_dir()
                || (target.kind == self_guard::Kind::Hooks && !target.path.is_file())
            {
                candidates.extend(HOOKS.iter().map(|name| target.path.join(name)));
                for entry in std::fs::read_dir(&target.path)
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    candidates.push(target.path.join(entry.file_name()));
                }
            }
            for absolute in candidates {
                if wanted(&absolute) {
                    found.push(Guarded {
                        refusal: Refusal {
                            rule: target.kind.rule().to_string(),
                            path: absolute.display().to_string(),
                            why: target.kind.why().to_string(),
                        },
                        repo_path: None,
                    });
                }
            }
        }
        Ok(found)
    }

    /// The guarded paths a write computed when the command runs could be.
    pub fn computed_refusals(&self, write: &ComputedWrite) -> anyhow::Result<Vec<Refusal>> {
        let mut pattern = write.pattern.as_str();
        while let Some(rest) = pattern.strip_prefix("./") {
            pattern = rest;
        }
        let mut pattern = pattern.replace("/./", "/");
        // After a `..`, or when the path starts computed (it may be absolute), the folder is
        // any folder.
        let mut anywhere = write.dir.is_none() || pattern.starts_with('*');
        if let Some(at) = pattern.rfind("../") {
            pattern = pattern[at + 3..].to_string();
            anywhere = true;
        }
        let globs: Vec<String> = if pattern.starts_with('/') && !anywhere {
            vec![pattern]
        } else {
            match (&write.dir, anywhere) {
                (Some(dir), false) => {
                    let dir = real(dir).display().to_string();
                    vec![format!("{}/{pattern}", globset::escape(&dir))]
                }
                _ => {
                    let pattern = pattern.trim_start_matches('/');
                    vec![pattern.to_string(), format!("*/{pattern}")]
                }
            }
        };
        let matcher = glob_set(&globs);
        Ok(self
            .guarded(&|at| matcher.is_match(at))?
            .into_iter()
            .map(|g| g.refusal)
            .collect())
    }

    /// The guarded paths a git command would write from a revision or a patch, each with why.
    pub fn git_refusals(&self, write: &GitWrite) -> anyhow::Result<Vec<(Refusal, String)>> {
        let scope = write
            .paths
            .as_ref()
            .map(|paths| pathspecs(&write.dir, paths));
        let guarded: Vec<Guarded> = self
            .guarded(&|at| scope.as_ref().is_none_or(|scope| scope.is_match(at)))?
            .into_iter()
            .filter(|g| g.repo_path.is_some())
            .collect();
        if guarded.is_empty() {
            return Ok(Vec::new());
        }
        let all = |why: String| -> Vec<(Refusal, String)> {
            guarded
                .iter()
                .map(|g| (g.refusal.clone(), why.clone()))
                .collect()
        };
        let repo = self.full_repo()?;
        let named = |rev: &str| execguard_git::commit_named(repo, rev);
        let (from, to, rev) = match &write.source {
            GitSource::Unknown(why) => return Ok(all(why.clone())),
            GitSource::TreeOrPaths(rev) if named(rev).is_none() => {
                // Not a revision: paths restored from the index.
                return Ok(Vec::new());
            }
            GitSource::Tree(rev) | GitSource::TreeOrPaths(rev) => (named("HEAD"), named(rev), rev),
            GitSource::Commit(rev) => (execguard_git::first_parent(repo, rev), named(rev), rev),
            GitSource::Merge(rev) => (
                execguard_git::merge_base_with_head(repo, rev),
                named(rev),
                rev,
            ),
        };
        let (Some(from), Some(to)) = (from, to) else {
            return Ok(all(format!("{rev} cannot be read beforehand")));
        };
        let paths: Vec<RepoPath> = guarded.iter().filter_map(|g| g.repo_path.clone()).collect();
        let Some(differing) = execguard_git::differing_paths(repo, &from, &to, &paths) else {
            return Ok(all(format!("{rev} cannot be read beforehand")));
        };
        Ok(guarded
            .iter()
            .filter(|g| g.repo_path.as_ref().is_some_and(|p| differing.contains(p)))
            .map(|g| {
                (
                    g.refusal.clone(),
                    format!("its content in {rev} differs from HEAD's"),
                )
            })
            .collect())
    }
}

/// A matcher of `globs`, whose `*` match `/` too; a glob that cannot be read matches anything.
fn glob_set(globs: &[String]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let built = GlobBuilder::new(glob)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .or_else(|_| GlobBuilder::new("*").build());
        if let Ok(glob) = built {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// What git pathspecs given in `dir` cover: the paths, what is under them, what their globs
/// match; a pathspec with magic (`:/`, `:(glob)`) covers everything.
fn pathspecs(dir: &Path, specs: &[String]) -> GlobSet {
    let base = real(dir);
    let mut globs = Vec::new();
    for spec in specs {
        if spec.starts_with(':') {
            globs.push("*".to_string());
            continue;
        }
        let has_glob = spec.contains(['*', '?', '[']);
        let joined = if has_glob {
            format!("{}/{spec}", globset::escape(&base.display().to_string()))
        } else {
            globset::escape(&normalize(&base.join(spec)).display().to_string())
        };
        globs.push(joined.clone());
        globs.push(format!("{}/*", joined.trim_end_matches('/')));
    }
    glob_set(&globs)
}
