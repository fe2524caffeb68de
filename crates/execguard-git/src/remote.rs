//! The refs whose commits another side already has: the remote-tracking refs of the remote a push
//! goes to, and ref tips peeled to commits, which hide their commits from a push's check.

use crate::error::read_err;
use crate::{GitError, ObjectId, Repo};

/// The remote-tracking ref prefixes (`refs/remotes/origin/`) of the remote git's pre-push hook
/// names: by its name, or — when a push goes to a URL — of every configured remote with that URL.
pub fn tracking_prefixes(repo: &Repo, remote: &str, url: Option<&str>) -> Vec<String> {
    let repo = repo.git();
    let mut prefixes = Vec::new();
    if repo.find_remote(remote).is_ok() {
        prefixes.push(format!("refs/remotes/{remote}/"));
        return prefixes;
    }
    let wanted: Vec<String> = [Some(remote), url]
        .into_iter()
        .flatten()
        .map(normalise_url)
        .collect();
    if let Ok(names) = repo.remotes() {
        for name in names.iter().flatten() {
            let Ok(configured) = repo.find_remote(name) else {
                continue;
            };
            let urls = [configured.url(), configured.pushurl()];
            if urls
                .into_iter()
                .flatten()
                .any(|u| wanted.contains(&normalise_url(u)))
            {
                prefixes.push(format!("refs/remotes/{name}/"));
            }
        }
    }
    prefixes
}

/// A URL compared loosely: no trailing slash or `.git`, and `file://` the same as a plain path.
fn normalise_url(url: &str) -> String {
    let url = url.strip_prefix("file://").unwrap_or(url);
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url).to_string()
}

/// Every ref's name with its target peeled to a commit, for deciding which refs hide their
/// commits from a push; `filter` picks refs by name. Refs that name no commit are left out.
pub fn ref_tips(
    repo: &Repo,
    filter: impl Fn(&str) -> bool,
) -> Result<Vec<(String, ObjectId)>, GitError> {
    ref_tips_matching(repo, "*", filter)
}

/// [`ref_tips`] over the refs whose names match `glob` (`refs/heads/*`): only those are read
/// from a repository's loose refs, however many others it keeps.
pub fn ref_tips_matching(
    repo: &Repo,
    glob: &str,
    filter: impl Fn(&str) -> bool,
) -> Result<Vec<(String, ObjectId)>, GitError> {
    let mut out = Vec::new();
    for reference in repo
        .git()
        .references_glob(glob)
        .map_err(read_err("the refs"))?
    {
        let Ok(reference) = reference else { continue };
        let Some(name) = reference.name() else {
            continue;
        };
        if !filter(name) {
            continue;
        }
        if let Ok(commit) = reference.peel_to_commit() {
            out.push((name.to_string(), ObjectId::from_git(commit.id())));
        }
    }
    Ok(out)
}
