//! A push that brings a whole existing history: the first push of a repository to a newly guarded
//! server, or a push to a URL with no remote-tracking refs. Its refusals are mostly old commits
//! written before the guard, which no rework fixes: the message says what the people who can
//! adopt that history do.

use std::path::Path;

use execguard_git::{ObjectId, Repo};

use crate::render::Audience;

/// A refused ref, as the advice needs it.
pub struct RefusedRef<'a> {
    pub name: &'a str,
    /// Its new value, peeled to a commit.
    pub tip: ObjectId,
    /// The commits it adds, and those of them that break a rule.
    pub commits: &'a [ObjectId],
    pub refused: &'a [ObjectId],
}

/// How many commit ids a refusal lists before "and N more".
pub const LISTED_IDS: usize = 10;

/// The short ids of `ids`, the first [`LISTED_IDS`] of them and how many more there are.
pub fn capped_ids(ids: &[ObjectId]) -> String {
    let shown: Vec<String> = ids
        .iter()
        .take(LISTED_IDS)
        .map(|id| execguard_core::engine::short(&id.to_string()).to_string())
        .collect();
    match ids.len().saturating_sub(LISTED_IDS) {
        0 => shown.join(", "),
        more => format!("{}, and {more} more", shown.join(", ")),
    }
}

/// Where the server's pinned config lives, for the admin.
pub struct PinnedConfig<'a> {
    /// The file `git config execguard.config` (or `--config`) names, if any.
    pub path: Option<&'a Path>,
    /// The receiving repository, where that setting lives.
    pub git_dir: &'a Path,
}

/// The advice for each refused ref whose new commits reach a root commit. `pinned` is where the
/// server's config lives (pre-receive only); `pusher` who pushes.
pub fn advice<'a>(
    repo: &Repo,
    refused: impl IntoIterator<Item = RefusedRef<'a>>,
    audience: Audience,
    pinned: Option<&PinnedConfig<'_>>,
    pusher: &str,
) -> anyhow::Result<String> {
    let mut out = String::new();
    for r in refused {
        let Some(root) = root_of(repo, r.commits)? else {
            continue;
        };
        let tip = r.tip;
        let root = execguard_core::engine::short(&root.to_string()).to_string();
        out.push_str(&format!(
            "execguard: {} brings a whole history (down to root commit {root}), and {} of its {} new commits break a rule: most likely a history written before the guard. Rewriting it is not the fix, and an agent must not try: stop and escalate to {} (`execguard escalate \"<question>\"`).\n",
            r.name,
            r.refused.len(),
            r.commits.len(),
            match audience {
                Audience::Server => "the repository's admin",
                Audience::Client => "a human",
            }
        ));
        out.push_str(&match audience {
            Audience::Server => server_advice(tip, pinned, pusher),
            Audience::Client => client_advice(),
        });
    }
    Ok(out)
}

/// The first root commit among the ref's new commits, if it reaches one.
fn root_of(repo: &Repo, commits: &[ObjectId]) -> anyhow::Result<Option<ObjectId>> {
    for id in commits {
        if execguard_git::parent_ids(repo, *id)?.is_empty() {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}

fn server_advice(tip: ObjectId, pinned: Option<&PinnedConfig<'_>>, pusher: &str) -> String {
    let place = match pinned {
        Some(PinnedConfig {
            path: Some(path),
            git_dir,
        }) => format!(
            "the server's pinned config, {} (named by `git config execguard.config` in {}; add the id to its `baseline` list if it has one)",
            path.display(),
            git_dir.display()
        ),
        Some(PinnedConfig {
            path: None,
            git_dir,
        }) => format!(
            "a config pinned for this repository, which it has none of yet: write them to a file outside the repository and run `git config execguard.config <that file>` in {}",
            git_dir.display()
        ),
        None => "the server's pinned config".to_string(),
    };
    format!(
        "execguard: for the admin, one of:\n  - name that history as the baseline: add these lines to {place}, then push again; its commits are not judged, later ones are:\n\n[adoption]\nbaseline = [\"{tip}\"]\n\n  - or list the pusher (`{pusher}`) in `override-users` under `[server]` in that config, and have them run `execguard baseline` in their clone and push the adoption commit it prints.\n"
    )
}

fn client_advice() -> String {
    "execguard: a human who adopts execguard on this history runs `execguard baseline` and the commands it prints (README, \"Adopting execguard\"): the history up to HEAD is then not judged; on a guarded server, its admin pins the baseline in the server's config, or lists the human in its `[server] override-users`.\n".to_string()
}

/// How many commits the baselines left out of each ref that has some, as notes: a second walk
/// without them, for those refs only (usually nothing beyond a first push of an existing
/// history). `unexempted` pairs a ref's index with its tip and what hides from it but the
/// baselines; `added_per_ref` is what each ref adds with them; `name` names a ref by its index.
pub fn baseline_notes<'a>(
    repo: &Repo,
    unexempted: Vec<(usize, execguard_git::PushedTip)>,
    added_per_ref: &[Vec<ObjectId>],
    name: impl Fn(usize) -> &'a str,
) -> anyhow::Result<Vec<String>> {
    if unexempted.is_empty() {
        return Ok(Vec::new());
    }
    let (indices, tips): (Vec<usize>, Vec<_>) = unexempted.into_iter().unzip();
    let all_per_ref = execguard_git::new_commits_per_tip(repo, &tips)?;
    let mut notes = Vec::new();
    for (index, all) in indices.into_iter().zip(all_per_ref) {
        let skipped = all.len().saturating_sub(added_per_ref[index].len());
        if skipped > 0 {
            notes.push(format!(
                "execguard: {}: {skipped} commit{} reachable from adoption.baseline predate{} the guard and {} not judged.\n",
                name(index),
                if skipped == 1 { "" } else { "s" },
                if skipped == 1 { "s" } else { "" },
                if skipped == 1 { "is" } else { "are" },
            ));
        }
    }
    Ok(notes)
}
