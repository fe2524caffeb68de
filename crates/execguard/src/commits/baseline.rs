//! `[adoption] baseline`: the commits whose history predates the guard, left out of what a push
//! or a range check judges.
//!
//! A baseline counts only where the commit that names it was judged by a config the pushed
//! commits cannot write. A commit cannot name itself or a later commit as a baseline, so the
//! commit that adds a baseline is never exempted by it; but the config that judges it is its
//! parent's, which sits in the history the baseline exempts. An agent could make that history
//! turn `guard-config` off and then name it as the baseline, so a config read from the pushed
//! commits only counts where something else vouches for it:
//!
//! - the pinned config (the server's `execguard.config`, `--config`) always counts;
//! - the `.execguard.toml` at a pushed tip counts where the pinned config judges every commit with
//!   `guard-config` on (the commit that adds a baseline is then judged against the pinned file),
//!   and on the client, which honours every override trailer anyway;
//! - for a range, the `.execguard.toml` at the commits the range leaves out (its base) counts,
//!   and, under such a `--config`, the one at each tip of the range;
//! - otherwise a baseline named at a tip (for `check --commit`, also at the current branch's tip)
//!   is vouched for by the config at the baseline commit itself, which judges the commits after
//!   it: it counts only where that config keeps `guard-config` on and lists no override user the
//!   trusted configs do not. Then every later commit is judged, the one that adds the baseline is
//!   refused as `guard-config` unless a trusted override accepts it, and only the history the
//!   baseline names is left out.

use std::collections::BTreeSet;

use execguard_core::{Config, RuleId};
use execguard_git::{ObjectId, Repo};

use super::CommitSettings;

/// What a set of baselines exempts.
#[derive(Debug, Default)]
pub struct Exempt {
    /// The baseline commits the repository has: they and their history are not judged.
    pub commits: Vec<ObjectId>,
    /// Notes for people: baselines the repository lacks, which exempt nothing.
    pub notes: BTreeSet<String>,
}

impl Exempt {
    /// The baselines that apply to what a push to a ref whose new value is `tip` adds.
    /// `trust_tip` says whether the tip's own config counts without a guarding pinned config.
    pub fn for_push(
        repo: &Repo,
        tip: ObjectId,
        settings: &CommitSettings,
        trust_tip: bool,
    ) -> Self {
        let mut exempt = Self::default();
        if let Some(config) = &settings.config {
            exempt.add_config(repo, config, "the pinned or --config file");
        }
        if trust_tip || judged_by_guarded(settings.config.as_ref()) {
            exempt.add_commit(repo, tip);
        } else {
            let trusted = settings
                .config
                .as_ref()
                .map(|config| config.server.override_users.clone())
                .unwrap_or_default();
            exempt.add_commit_vouched(repo, tip, &trusted);
        }
        exempt
    }

    /// Adds the baselines of the `.execguard.toml` at `commit`, a config the judged commits may
    /// have written, that the config at the baseline itself vouches for: it keeps `guard-config`
    /// on and lists no override user but `trusted_users`, so every commit after the baseline is
    /// judged by a config that refuses the commit naming it unless a trusted override accepts it.
    pub fn add_commit_vouched(&mut self, repo: &Repo, commit: ObjectId, trusted_users: &[String]) {
        let Ok(Some(config)) = execguard_git::baseline::own_config(repo, commit) else {
            return;
        };
        let origin = format!(
            "{}:{}",
            execguard_core::engine::short(&commit.to_string()),
            execguard_core::config::CONFIG_PATH
        );
        let (present, missing) =
            execguard_git::baseline::baseline_commits(repo, &config.adoption.baseline);
        for id in present {
            let at_baseline = match execguard_git::baseline::own_config(repo, id) {
                Ok(found) => found.unwrap_or_else(Config::embedded_default),
                Err(_) => {
                    self.notes.insert(format!(
                        "execguard: note: adoption.baseline {id} ({origin}) exempts nothing: the .execguard.toml at that commit does not parse, so nothing vouches for it\n"
                    ));
                    continue;
                }
            };
            let untrusted: Vec<&String> = at_baseline
                .server
                .override_users
                .iter()
                .filter(|user| !trusted_users.contains(user))
                .collect();
            if !at_baseline.is_enabled(RuleId::GuardConfig) {
                self.notes.insert(format!(
                    "execguard: note: adoption.baseline {id} ({origin}) exempts nothing: the config at that commit turns guard-config off, so the commit that names the baseline was never judged for it\n"
                ));
            } else if !untrusted.is_empty() {
                self.notes.insert(format!(
                    "execguard: note: adoption.baseline {id} ({origin}) exempts nothing: the config at that commit lists override users ({}) that no config outside the checked commits lists\n",
                    untrusted.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ")
                ));
            } else if !self.commits.contains(&id) {
                self.commits.push(id);
            }
        }
        for id in missing {
            self.notes.insert(format!(
                "execguard: note: adoption.baseline {id} ({origin}) is not in this repository (a shallow or partial clone?); it exempts nothing, so the history behind it is judged\n"
            ));
        }
    }

    /// Adds the baselines `config` names; `origin` names the config in notes.
    pub fn add_config(&mut self, repo: &Repo, config: &Config, origin: &str) {
        let (present, missing) =
            execguard_git::baseline::baseline_commits(repo, &config.adoption.baseline);
        for id in present {
            if !self.commits.contains(&id) {
                self.commits.push(id);
            }
        }
        for id in missing {
            self.notes.insert(format!(
                "execguard: note: adoption.baseline {id} ({origin}) is not in this repository (a shallow or partial clone?); it exempts nothing, so the history behind it is judged\n"
            ));
        }
    }

    /// Adds the baselines of the `.execguard.toml` at `commit`. A config that does not parse
    /// names none; the commits on top of it are refused for that reason already.
    pub fn add_commit(&mut self, repo: &Repo, commit: ObjectId) {
        if let Ok(Some(config)) = execguard_git::baseline::own_config(repo, commit) {
            let origin = format!(
                "{}:{}",
                execguard_core::engine::short(&commit.to_string()),
                execguard_core::config::CONFIG_PATH
            );
            self.add_config(repo, &config, &origin);
        }
    }
}

/// Whether every commit is judged by `explicit`, a config the pushed commits cannot write, with
/// `guard-config` on: then a commit that adds a baseline to `.execguard.toml` is refused unless a
/// listed pusher overrode it.
fn judged_by_guarded(explicit: Option<&Config>) -> bool {
    explicit.is_some_and(|config| config.is_enabled(RuleId::GuardConfig))
}

/// The commits of a range (as `git rev-list` lists it) that no baseline exempts, with the notes
/// to print and how many commits were left out. See the module's documentation for which
/// baselines count.
pub fn range_without_baselines(
    repo: &Repo,
    ids: Vec<ObjectId>,
    explicit: Option<&Config>,
    branch_tip: Option<ObjectId>,
) -> anyhow::Result<(Vec<ObjectId>, Exempt, usize)> {
    let mut exempt = Exempt::default();
    let mut trusted_users = Vec::new();
    if let Some(config) = explicit {
        exempt.add_config(repo, config, "--config");
        trusted_users.extend(config.server.override_users.iter().cloned());
    }
    let (mut tips, base) = execguard_git::baseline::edges(repo, &ids)?;
    for commit in base {
        exempt.add_commit(repo, commit);
        if let Ok(Some(config)) = execguard_git::baseline::own_config(repo, commit) {
            trusted_users.extend(config.server.override_users);
        }
    }
    tips.extend(branch_tip.filter(|tip| !tips.contains(tip)));
    for tip in tips {
        if judged_by_guarded(explicit) {
            exempt.add_commit(repo, tip);
        } else {
            exempt.add_commit_vouched(repo, tip, &trusted_users);
        }
    }
    if exempt.commits.is_empty() {
        return Ok((ids, exempt, 0));
    }
    let kept = execguard_git::baseline::not_reachable_from(repo, &ids, &exempt.commits)?;
    let left_out = ids.len() - kept.len();
    Ok((kept, exempt, left_out))
}

/// For `execguard check --range`: the commits of the range a baseline does not exempt, judged
/// with `config_path` (`--config`) when given. Prints on stderr the notes and how many commits
/// the baselines left out.
pub fn range_for_check(
    repo: &Repo,
    ids: Vec<ObjectId>,
    config_path: Option<&std::path::Path>,
    branch_tip: Option<ObjectId>,
) -> anyhow::Result<Vec<ObjectId>> {
    let explicit = config_path
        .map(execguard_git::read_config_file)
        .transpose()?;
    let (kept, exempt, left_out) =
        range_without_baselines(repo, ids, explicit.as_ref(), branch_tip)?;
    let mut text = exempt.notes.into_iter().collect::<String>();
    if left_out > 0 {
        text.push_str(&format!(
            "execguard: {left_out} commit{} of the range predate{} the guard (reachable from adoption.baseline) and {} not judged.\n",
            if left_out == 1 { "" } else { "s" },
            if left_out == 1 { "s" } else { "" },
            if left_out == 1 { "is" } else { "are" },
        ));
    }
    if !text.is_empty() {
        crate::render::eprint(&text);
    }
    Ok(kept)
}
