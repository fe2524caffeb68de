//! The commits a push adds, on the developer's machine (pre-push) and on the server
//! (pre-receive), judged through [`crate::commits`].

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use anyhow::{bail, Context as _};
use execguard_core::{OverridePolicy, Report};
use execguard_git::{ObjectId, Repo};

use crate::commits::{self, CommitJob, CommitSettings};
use crate::render::Audience;

mod deleted;
mod hidden;
mod history;
mod namespaces;
mod net;
mod ref_update;
mod rewrite;

pub use deleted::{judge_deletions, remember_deletions, Deletions};
pub use hidden::{HiddenRefs, KnownRef};
pub use history::PinnedConfig;
pub use namespaces::{guarded_namespace, refusals as namespace_refusals};
pub use net::{judge_net, OldTip};
pub use ref_update::{branch_of, RefUpdate};

fn non_zero(id: &str) -> Option<String> {
    (!execguard_git::is_zero_id(id)).then(|| id.to_string())
}

/// Parses pre-push's stdin: `<local ref> <local sha> <remote ref> <remote sha>` per line.
pub fn parse_pre_push(input: impl BufRead) -> anyhow::Result<Vec<RefUpdate>> {
    let mut updates = Vec::new();
    for line in input.lines() {
        let line = line.context("cannot read the refs git is pushing from stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [_local_ref, local_sha, remote_ref, remote_sha] = fields[..] else {
            bail!("unexpected pre-push input line `{line}`: expected `<local ref> <local sha> <remote ref> <remote sha>`");
        };
        updates.push(RefUpdate {
            name: remote_ref.to_string(),
            new: non_zero(local_sha),
            old: non_zero(remote_sha),
        });
    }
    Ok(updates)
}

/// Parses pre-receive's stdin: `<old> <new> <ref>` per line.
pub fn parse_pre_receive(input: impl BufRead) -> anyhow::Result<Vec<RefUpdate>> {
    let mut updates = Vec::new();
    for line in input.lines() {
        let line = line.context("cannot read the pushed refs from stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [old, new, name] = fields[..] else {
            bail!("unexpected pre-receive input line `{line}`: expected `<old> <new> <ref>`");
        };
        updates.push(RefUpdate {
            name: name.to_string(),
            new: non_zero(new),
            old: non_zero(old),
        });
    }
    Ok(updates)
}

/// The verdict on one pushed ref.
#[derive(Debug, Default)]
pub struct RefVerdict {
    pub name: String,
    /// The ref's new value, peeled to a commit.
    pub tip: Option<ObjectId>,
    /// The commits this ref adds, oldest first.
    pub commits: Vec<ObjectId>,
    /// Whether any of those commits breaks a rule, judged for this ref's branch.
    pub refused: bool,
    /// The commits that break a rule, oldest first.
    pub refused_commits: Vec<ObjectId>,
    /// Whether the update replaces history (not a fast-forward) and, old tip to new, changes a
    /// path the path rules protect.
    pub refused_rewrite: bool,
    /// Whether, old tip to new, the update drops what the branch kept (branch-net-change).
    pub refused_net: bool,
    /// Whether the ref is a deleted branch re-created, judged from the tip it had.
    pub recreated: bool,
}

/// The verdict on a whole push.
#[derive(Debug, Default)]
pub struct PushVerdict {
    pub report: Report,
    pub refs: Vec<RefVerdict>,
    pub commits_checked: usize,
    /// Notes for people, such as a baseline the repository lacks.
    pub notes: Vec<String>,
}

/// Judges the commits the `updates` add: for each ref, the commits reachable from its new value
/// and from none of the refs `hidden` names for it. Each commit is judged once per branch.
/// Updates in a guarded namespace are left to [`namespace_refusals`].
pub fn judge(
    repo: &Repo,
    open: impl Fn() -> anyhow::Result<Repo> + Sync,
    updates: &[RefUpdate],
    hidden: &HiddenRefs,
    settings: &CommitSettings,
) -> anyhow::Result<PushVerdict> {
    // A commit is judged once per branch that receives it: the branch decides `[scope]` and the
    // feature, so a commit pushed to an out-of-scope ref and an in-scope one is judged for both.
    let mut job_of: HashMap<(ObjectId, Option<String>), usize> = HashMap::new();
    let mut jobs = Vec::new();
    let mut refs = Vec::new();
    let mut ref_jobs: Vec<Vec<usize>> = Vec::new();
    let mut rewrites = Vec::new();
    let mut notes = std::collections::BTreeSet::new();
    // Each judged ref: its update, branch and what hides from it; then one walk for all.
    let mut judged: Vec<(&RefUpdate, Option<String>, Option<net::OldTip>, ObjectId)> = Vec::new();
    let mut pushed = Vec::new();
    let mut baselines = Vec::new();
    let mut unexempted = Vec::new();
    for update in updates {
        // Deleting a ref adds nothing.
        let Some(new) = &update.new else { continue };
        // Replace refs and the like are judged by who pushes them, not by their commits.
        if guarded_namespace(&update.name).is_some() {
            continue;
        }
        // A tag of a tree or a blob adds no commit.
        let Some(tip) = execguard_git::peel_to_commit(repo, new) else {
            continue;
        };
        let branch = branch_of(&update.name);
        // A branch that a pinned scope leaves out is not judged.
        if branch
            .as_deref()
            .is_some_and(|name| !hidden.judges_branch(name))
        {
            continue;
        }
        let current = update
            .old
            .as_deref()
            .and_then(|o| execguard_git::peel_to_commit(repo, o))
            .map(|id| net::OldTip {
                id,
                remembered: false,
            });
        // A branch pushed under a deleted one's name is judged as an update from the tip that
        // branch had: deleting and re-creating it replaces nothing unjudged.
        let old = current.or_else(|| {
            let remembered = execguard_git::remembered_tip(repo, branch.as_deref()?)?;
            Some(net::OldTip {
                id: remembered,
                remembered: true,
            })
        });
        let mut hide = hidden_from(old.map(|o| o.id), branch.as_deref(), hidden);
        // What a baseline reaches predates the guard: hidden in the same walk, never judged.
        let exempt =
            commits::baseline::Exempt::for_push(repo, tip, settings, hidden.trusts_tip_baselines());
        if !exempt.commits.is_empty() {
            unexempted.push((
                judged.len(),
                execguard_git::PushedTip {
                    tip,
                    hidden: hide.clone(),
                },
            ));
        }
        hide.extend(exempt.commits.iter().copied());
        notes.extend(exempt.notes);
        baselines.push(exempt.commits);
        judged.push((update, branch, old, tip));
        pushed.push(execguard_git::PushedTip { tip, hidden: hide });
    }
    let added_per_ref = execguard_git::new_commits_per_tip(repo, &pushed)?;
    notes.extend(history::baseline_notes(
        repo,
        unexempted,
        &added_per_ref,
        |index| judged[index].0.name.as_str(),
    )?);
    let mut net_checks = Vec::new();
    for (((update, branch, old_tip, tip), added), baselines) in
        judged.into_iter().zip(added_per_ref).zip(baselines)
    {
        if let (Some(old_tip), Some(_)) = (old_tip, &branch) {
            net_checks.push((refs.len(), old_tip, tip, baselines));
        }
        // A re-created branch is judged from its remembered tip by the net check alone: its
        // overrides count from every commit since that tip (a squash-merged branch name reused
        // from main), not only from the pushed ones.
        if let Some(old) = old_tip.filter(|o| !o.remembered).map(|o| o.id) {
            // A new commit whose parent is the old value shows a fast-forward without a
            // second walk of the history.
            let mut builds_on_old = false;
            for id in &added {
                if execguard_git::parent_ids(repo, *id)?.contains(&old) {
                    builds_on_old = true;
                    break;
                }
            }
            if !builds_on_old && !execguard_git::is_ancestor(repo, old, tip)? {
                rewrites.push((refs.len(), old, tip));
            }
        }
        let indices = added
            .iter()
            .map(|id| {
                *job_of.entry((*id, branch.clone())).or_insert_with(|| {
                    jobs.push(CommitJob {
                        id: *id,
                        branch: branch.clone(),
                    });
                    jobs.len() - 1
                })
            })
            .collect();
        ref_jobs.push(indices);
        refs.push(RefVerdict {
            name: update.name.clone(),
            tip: Some(tip),
            commits: added,
            recreated: old_tip.is_some_and(|o| o.remembered),
            ..RefVerdict::default()
        });
    }
    let mut reports = commits::check_commits(&open, &jobs, settings)?;
    commits::branch_progress::settle(&open, &jobs, &ref_jobs, settings, &mut reports)?;
    for (verdict, indices) in refs.iter_mut().zip(&ref_jobs) {
        verdict.refused_commits = indices
            .iter()
            .filter(|&&i| !reports[i].is_clean())
            .map(|&i| jobs[i].id)
            .collect();
        verdict.refused = !verdict.refused_commits.is_empty();
    }
    for (index, old, tip) in rewrites {
        let verdict = &mut refs[index];
        let report =
            rewrite::judge_rewrite(repo, &verdict.name, old, tip, &verdict.commits, settings)?;
        if !report.is_clean() {
            verdict.refused_rewrite = true;
            verdict.refused = true;
        }
        reports.push(report);
    }
    for (index, old, tip, baselines) in net_checks {
        let verdict = &mut refs[index];
        if verdict.refused {
            // Refused already, by its commits or as a rewrite judged whole: the net check would
            // only name the same paths again.
            continue;
        }
        let report = net::judge_net(
            repo,
            &open,
            &verdict.name,
            old,
            tip,
            &baselines,
            None,
            settings,
        )?;
        if !report.is_clean() {
            verdict.refused_net = true;
            verdict.refused = true;
        }
        reports.push(report);
    }
    let report = dedupe(commits::merge(reports));
    Ok(PushVerdict {
        report,
        refs,
        commits_checked: jobs.len(),
        notes: notes.into_iter().collect(),
    })
}

/// The commits that hide what an update adds: the refs judged under a scope that covers its
/// branch, and the ref's own current value `old` (peeled to a commit).
fn hidden_from(old: Option<ObjectId>, branch: Option<&str>, hidden: &HiddenRefs) -> Vec<ObjectId> {
    let mut hide = hidden.for_ref(branch).to_vec();
    hide.extend(old);
    hide
}

/// Drops repeated findings: a commit judged for two branches usually finds the same thing twice.
fn dedupe(mut report: Report) -> Report {
    let mut seen = HashSet::new();
    let key = |v: &execguard_core::Violation| {
        (
            v.rule(),
            v.commit().map(str::to_string),
            v.path().cloned(),
            v.message(),
        )
    };
    report.violations.retain(|v| seen.insert(key(v)));
    let mut seen = HashSet::new();
    report.overridden.retain(|o| seen.insert(key(&o.violation)));
    report
}

/// Judges a push from a hook (each worker reopens the repository from git's environment, where
/// a receiving repository's quarantined objects are visible) and describes the verdict for
/// people: the report, then every refused ref with its commits, then every refused update of a
/// guarded namespace (under `settings.overrides`, the policy for override trailers), then the
/// refs refused only because the push is all-or-nothing. Returns the text and whether the push
/// is clean.
/// Writes the push's refusals, overrides and skips into the trail, naming the pusher on the
/// server and the committer on the client, and the feature the first pushed branch names.
fn record(repo: &Repo, updates: &[RefUpdate], report: &Report, audience: Audience) {
    let (layer, who) = match audience {
        Audience::Server => ("pre-receive", pusher()),
        Audience::Client => ("pre-push", crate::trail::record::client_who()),
    };
    let feature = updates
        .iter()
        .find_map(|u| branch_of(&u.name))
        .and_then(|branch| crate::trail::record::feature_of_branch(repo, &branch));
    crate::trail::record::report(repo.common_dir(), layer, report, &who, feature.as_deref());
}

pub fn judge_for_hook(
    repo: &Repo,
    updates: &[RefUpdate],
    hidden: &HiddenRefs,
    settings: &CommitSettings,
    audience: Audience,
    pinned: Option<&PinnedConfig<'_>>,
) -> anyhow::Result<(String, bool)> {
    let mut verdict = judge(
        repo,
        || Ok(execguard_git::open_from_env()?),
        updates,
        hidden,
        settings,
    )?;
    // Only the server knows who pushes and keeps the branches: deletions are its to judge.
    let deletions = match audience {
        Audience::Server => judge_deletions(repo, updates, hidden, settings)?,
        Audience::Client => Deletions::default(),
    };
    for name in &deletions.refused {
        verdict.refs.push(RefVerdict {
            name: name.clone(),
            refused: true,
            ..RefVerdict::default()
        });
    }
    verdict
        .report
        .violations
        .extend(deletions.report.violations.iter().cloned());
    record(repo, updates, &verdict.report, audience);
    let mut text = verdict.notes.concat();
    text.push_str(&crate::render::human_for(
        &verdict.report,
        "the push is refused",
        audience,
    ));
    if audience == Audience::Server
        && settings.overrides == OverridePolicy::Honour
        && !verdict.report.overridden.is_empty()
    {
        text.push_str(&format!(
            "execguard: override by {}, listed in [server] override-users of the pinned config.\n",
            pusher()
        ));
    }
    text.push_str(&refused_refs_text(&verdict));
    let refused = verdict
        .refs
        .iter()
        .filter(|r| r.refused && !r.refused_commits.is_empty())
        .filter_map(|r| {
            Some(history::RefusedRef {
                name: &r.name,
                tip: r.tip?,
                commits: &r.commits,
                refused: &r.refused_commits,
            })
        });
    text.push_str(&history::advice(
        repo,
        refused,
        audience,
        pinned,
        &pusher(),
    )?);
    let refused_namespaces = namespace_refusals(updates, &settings.overrides);
    for line in &refused_namespaces {
        text.push_str(line);
    }
    let clean = verdict.report.is_clean() && refused_namespaces.is_empty();
    if clean {
        remember_deletions(repo, &deletions)?;
    } else {
        text.push_str(&all_or_nothing_text(
            updates,
            &verdict,
            !refused_namespaces.is_empty(),
            audience,
        ));
    }
    Ok((text, clean))
}

/// One line for each ref of a refused push that is refused only because the hook's verdict covers
/// the whole push: when pre-receive or pre-push fails, git refuses every ref, also without
/// `--atomic`.
fn all_or_nothing_text(
    updates: &[RefUpdate],
    verdict: &PushVerdict,
    namespaces_refused: bool,
    audience: Audience,
) -> String {
    let hook = match audience {
        Audience::Client => "pre-push",
        Audience::Server => "pre-receive",
    };
    let refused: HashSet<&str> = verdict
        .refs
        .iter()
        .filter(|r| r.refused)
        .map(|r| r.name.as_str())
        .collect();
    updates
        .iter()
        .filter(|update| !refused.contains(update.name.as_str()))
        .filter(|update| !(namespaces_refused && guarded_namespace(&update.name).is_some()))
        .map(|update| {
            format!(
                "execguard: refusing {} too: nothing in it breaks a rule, but the {hook} hook answers for the whole push, and git refuses every ref when it refuses one; push {} on its own to land it.\n",
                update.name, update.name
            )
        })
        .collect()
}

/// The human summary of refused refs, naming each with its commits.
pub fn refused_refs_text(verdict: &PushVerdict) -> String {
    let mut out = String::new();
    for r in verdict.refs.iter().filter(|r| r.refused_net) {
        out.push_str(&if r.recreated {
            format!(
                "execguard: refusing {}: the push re-creates a deleted branch, and from the tip that branch had to the new one it drops what the branch kept (branch-net-change)\n",
                r.name
            )
        } else {
            format!(
                "execguard: refusing {}: from the old tip to the new one it drops what the branch kept (branch-net-change)\n",
                r.name
            )
        });
    }
    for r in verdict.refs.iter().filter(|r| r.refused_rewrite) {
        out.push_str(&format!(
            "execguard: refusing {}: the update is not a fast-forward, and from the old tip to the new one it changes paths the guard protects\n",
            r.name
        ));
    }
    for r in verdict
        .refs
        .iter()
        .filter(|r| r.refused && !r.refused_commits.is_empty())
    {
        out.push_str(&format!(
            "execguard: refusing {}: {} of its {} new commit{} break{} a rule ({})\n",
            r.name,
            r.refused_commits.len(),
            r.commits.len(),
            if r.commits.len() == 1 { "" } else { "s" },
            if r.refused_commits.len() == 1 {
                "s"
            } else {
                ""
            },
            history::capped_ids(&r.refused_commits)
        ));
    }
    out
}

/// Whether the hook runs for gitolite's own admin repository, which holds the server's
/// configuration and never a project: a common hook judging it would lock the admin out (a
/// `gitolite.conf` change is code without a Progress entry).
pub fn is_gitolite_admin() -> bool {
    std::env::var_os("GL_REPO").is_some_and(|repo| repo == "gitolite-admin")
}

/// Who is pushing, as the forge or transport tells the hook: GitLab, Gitea/Forgejo, gitolite,
/// smart HTTP, then the user the hook runs as.
pub fn pusher() -> String {
    for name in ["GL_USERNAME", "GITEA_PUSHER_NAME", "GL_USER", "REMOTE_USER"] {
        if let Ok(value) = std::env::var(name) {
            if !value.trim().is_empty() {
                return value;
            }
        }
    }
    process_user()
}

/// The name of the process's real user from the user database. `$USER` and `$LOGNAME` are not
/// asked: a daemon started by root with `--user` keeps root's, and anyone can set them. A user
/// the database does not know is named by number.
fn process_user() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {uid}"),
    }
}

/// The override policy on the server: trailers count only from pushers the pinned config lists.
pub fn server_override_policy(pinned: Option<&execguard_core::Config>) -> OverridePolicy {
    let pusher = pusher();
    let allowed = pinned
        .map(|c| c.server.override_users.clone())
        .unwrap_or_default();
    if allowed.contains(&pusher) {
        OverridePolicy::Honour
    } else {
        OverridePolicy::Refuse { pusher, allowed }
    }
}
