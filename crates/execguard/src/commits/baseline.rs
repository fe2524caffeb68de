//! `[adoption] baseline`: the commits whose history predates the guard, left out of what a push
//! or a range check judges.
//!
//! The baselines that apply to a pushed tip are those of the config that judges every commit
//! (the server's pinned file, `--config`) and those of the tip's own `.execguard.toml`, the config
//! the push leaves in force on its ref. A commit cannot name itself or a descendant as a baseline,
//! so the commit that adds a baseline is never exempted by it: it is judged, and `guard-config`
//! refuses the new baseline unless a human overrode it (on a server, a listed pusher). When the
//! config that judges every commit turns `guard-config` off, nothing guards the in-repository file,
//! and only that config's own baselines count.

use std::collections::BTreeSet;

use execguard_core::{Config, RuleId};
use execguard_git::{Oid, Repository};

/// What a set of baselines exempts.
#[derive(Debug, Default)]
pub struct Exempt {
    /// The baseline commits the repository has: they and their history are not judged.
    pub commits: Vec<Oid>,
    /// Notes for people: baselines the repository lacks, which exempt nothing.
    pub notes: BTreeSet<String>,
}

impl Exempt {
    /// Adds the baselines that apply to a push or range whose tip is `tip`.
    pub fn add_tip(&mut self, repo: &Repository, tip: Oid, explicit: Option<&Config>) {
        if let Some(config) = explicit {
            self.add(repo, &config.adoption.baseline, "the pinned config");
        }
        let guarded = explicit.is_none_or(|config| config.is_enabled(RuleId::GuardConfig));
        if !guarded {
            return;
        }
        // A config that does not parse names no baseline; the commits on top of it are refused
        // for that reason already.
        if let Ok(Some(own)) = execguard_git::baseline::own_config(repo, tip) {
            let origin = format!(
                "{}:{}",
                execguard_core::engine::short(&tip.to_string()),
                execguard_core::config::CONFIG_PATH
            );
            self.add(repo, &own.adoption.baseline, &origin);
        }
    }

    fn add(&mut self, repo: &Repository, ids: &[String], origin: &str) {
        let (present, missing) = execguard_git::baseline::baseline_commits(repo, ids);
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
}

/// The commits of a range (as `git rev-list` lists it) that a baseline does not exempt: the
/// baselines of `explicit` (`--config`) and of each tip's own `.execguard.toml`. Returns them in
/// order, with the notes to print and how many commits were left out.
pub fn range_without_baselines(
    repo: &Repository,
    ids: Vec<Oid>,
    explicit: Option<&Config>,
) -> anyhow::Result<(Vec<Oid>, Exempt, usize)> {
    let mut exempt = Exempt::default();
    for tip in execguard_git::baseline::tips_of(repo, &ids)? {
        exempt.add_tip(repo, tip, explicit);
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
    repo: &Repository,
    ids: Vec<Oid>,
    config_path: Option<&std::path::Path>,
) -> anyhow::Result<Vec<Oid>> {
    let explicit = config_path
        .map(execguard_git::read_config_file)
        .transpose()?;
    let (kept, exempt, left_out) = range_without_baselines(repo, ids, explicit.as_ref())?;
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
