//! Stop: the agent may not stop while the working tree (staged or not) changes code of a feature
//! whose execplan's Progress has no new entry since HEAD: "update Progress at every stopping
//! point". Under `[rules.progress-update] within = "push"` the entry may come in any commit of
//! the push, so the stop is judged as pre-push would judge the branch's commits not yet pushed,
//! and the working tree does not count. When the agent is already going on because a stop hook
//! said so (`stop_hook_active`), the stop is allowed, so that it can never loop.
//!
//! An untracked file counts as code only when files of its kind (its extension) are tracked
//! already: a new `src/logout.rs` is work, a scratch `notes.txt` is not. A subagent's stop
//! (`SubagentStop`, which carries `agent_id` and `agent_type`) hands back to the session that
//! started it, whose own Stop judges the working tree: holding the subagent for the session's
//! uncommitted code would only stall a subagent that may not have written anything.
//!
//! An open escalation (`execguard escalate`) raised by the same session lets the agent stop: it
//! stopped to ask, and waits for the human's decision, not for more work. `execguard escalate`
//! learns the session from the variable its host sets for the commands the agent runs
//! (`CLAUDE_CODE_SESSION_ID`, `CODEX_THREAD_ID`), which equals the `session_id` of the host's
//! hook events.

use std::path::Path;

use anyhow::{bail, Context as _};
use execguard_core::config::Within;
use execguard_core::progress::{progress_change, progress_change_touching, ChangedPaths};
use execguard_core::{RepoPath, RuleId, Side, Trees, Violation};
use execguard_git::Repo;
use serde_json::{Map, Value};

use super::decision::Decision;
use crate::commits::{self, CommitJob, CommitSettings};

pub fn decide(
    event: &Map<String, Value>,
    cwd: &Path,
    explicit: Option<&Path>,
) -> anyhow::Result<Decision> {
    if event.get("hook_event_name").and_then(Value::as_str) == Some("SubagentStop") {
        return Ok(Decision::Allow);
    }
    match event.get("stop_hook_active") {
        Some(Value::Bool(true)) => return Ok(Decision::Allow),
        Some(Value::Bool(false)) | Some(Value::Null) | None => {}
        Some(_) => bail!("the Stop event's `stop_hook_active` is not a boolean"),
    }
    let repo = match execguard_git::open_at(cwd) {
        Ok(repo) => repo,
        Err(e) if e.is_no_repository() => return Ok(Decision::Allow),
        Err(e) => {
            return Err(e).context(format!("cannot open the repository at {}", cwd.display()))
        }
    };
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return Ok(Decision::Allow);
    };
    if escalation_open(&repo, event.get("session_id").and_then(Value::as_str)) {
        return Ok(Decision::Allow);
    }
    let (tree, trees) = execguard_git::head_trees(&repo)?;
    let (config, _) = execguard_git::load_config(&repo, tree.as_ref(), "HEAD", explicit)?;
    let branch = execguard_git::current_branch(&repo);
    if !config.applies_to_branch(branch.as_deref())
        || !config.is_enabled(execguard_core::RuleId::ProgressUpdate)
    {
        return Ok(Decision::Allow);
    }
    let section = &config.rules.progress_update.section;
    if config.rules.progress_update.within == Within::Push {
        return unpushed_verdict(&repo, branch.as_deref(), explicit, section);
    }
    let layout = &config.layout;
    let status = execguard_git::worktree_status(&repo)?;
    let kinds = execguard_git::tracked_extensions(&repo)?;
    let tracked_kind = |path: &RepoPath| {
        let bytes = path.as_bytes();
        let name = bytes.rsplit(|b| *b == b'/').next().unwrap_or(bytes);
        name.iter()
            .rposition(|b| *b == b'.')
            .filter(|dot| *dot > 0)
            .is_some_and(|dot| kinds.contains(&name[dot + 1..]))
    };
    let changed: Vec<RepoPath> = status.iter().map(|(path, _)| path.clone()).collect();
    let code: Vec<&RepoPath> = status
        .iter()
        .filter(|(path, untracked)| layout.is_code(path) && (!untracked || tracked_kind(path)))
        .map(|(path, _)| path)
        .collect();
    let Some(first_code) = code.first() else {
        return Ok(Decision::Allow);
    };
    let read_new = |path: &RepoPath| -> Option<String> {
        std::fs::read(workdir.join(path.to_text()))
            .ok()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    };
    let read_old = |path: &RepoPath| -> anyhow::Result<Option<String>> {
        Ok(trees
            .read(Side::Base, path)
            .map_err(|e| anyhow::anyhow!("cannot read HEAD:{path}: {e}"))?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    };
    // The branch names the feature when its plan exists; else any plan whose Progress gained
    // an entry will do, as for a commit.
    let named = branch
        .as_deref()
        .and_then(|b| layout.branch_patterns.feature_of(b))
        .and_then(|feature| {
            // A `**` template's folder is listed as HEAD has it, with the paths the working
            // tree changes (a plan not yet committed).
            let found: Result<Option<RepoPath>, execguard_core::TreeError> = layout.execplans.find(
                &feature,
                |plan| Ok(workdir.join(plan.to_text()).is_file()),
                |root| {
                    let mut paths = trees.list(Side::Base, root)?;
                    paths.extend(changed.iter().cloned());
                    paths.retain(|path| workdir.join(path.to_text()).is_file());
                    Ok(paths)
                },
            );
            found.ok().flatten()
        });
    let code_text = if code.len() == 1 {
        format!("changes code ({first_code})")
    } else {
        format!("changes code ({first_code} and {} more)", code.len() - 1)
    };
    if let Some(plan) = named {
        let Some(new) = read_new(&plan) else {
            return Ok(Decision::Allow);
        };
        if progress_change(read_old(&plan)?.as_deref(), &new, section).changed {
            return Ok(Decision::Allow);
        }
        return Ok(Decision::Block(format!(
            "execguard: do not stop yet [progress-update]: the working tree {code_text}, but the {section} section of {plan} has no new entry since HEAD. Update {section} at every stopping point: add an entry to {plan} saying what was done, what is left and any surprise, then stop."
        )));
    }
    // An open item that newly names a file the working tree changes may record that step.
    let touched = ChangedPaths::new(
        changed
            .iter()
            .filter(|p| layout.execplans.feature_of(p).is_none())
            .map(RepoPath::to_text),
    );
    for plan in changed
        .iter()
        .filter(|p| layout.execplans.feature_of(p).is_some())
    {
        if let Some(new) = read_new(plan) {
            if progress_change_touching(read_old(plan)?.as_deref(), &new, section, &touched)
                .progressed
            {
                return Ok(Decision::Allow);
            }
        }
    }
    Ok(Decision::Block(format!(
        "execguard: do not stop yet [progress-update]: the working tree {code_text}, but no execplan's {section} section has a new entry since HEAD, and the branch names no feature with an execplan. Update {section} at every stopping point: add an entry to the execplan this work belongs to ({}) saying what was done and what is left. If no execplan covers this work, stop and escalate to the human (`execguard escalate \"<question>\"`): EXEC starts only from a ready execplan.",
        layout.execplans.as_str()
    )))
}

/// `within = "push"`: blocks only when pre-push would refuse the branch's commits not yet pushed
/// (see `execguard_git::branch_history::unpushed`) for a missing Progress entry: some commit
/// changes code and no later one adds the entry.
fn unpushed_verdict(
    repo: &Repo,
    branch: Option<&str>,
    explicit: Option<&Path>,
    section: &str,
) -> anyhow::Result<Decision> {
    let ids = execguard_git::branch_history::unpushed(repo)?;
    if ids.is_empty() {
        return Ok(Decision::Allow);
    }
    let jobs: Vec<CommitJob> = ids
        .iter()
        .map(|&id| CommitJob {
            id,
            branch: branch.map(str::to_string),
        })
        .collect();
    // As the pre-push hook judges them.
    let settings = CommitSettings {
        config: explicit.map(execguard_git::read_config_file).transpose()?,
        ..CommitSettings::default()
    };
    let reports = commits::check_branch_commits(repo, &jobs, &settings)?;
    let missing: Vec<&Violation> = reports
        .iter()
        .flat_map(|report| &report.violations)
        .filter(|violation| violation.rule() == RuleId::ProgressUpdate)
        .collect();
    let Some(first) = missing.first() else {
        return Ok(Decision::Allow);
    };
    let more = match missing.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Ok(Decision::Block(format!(
        "execguard: do not stop yet [progress-update]: pre-push would refuse this branch's {} unpushed commit{}: {}{more}. Under `within = \"push\"` the entry may come in any commit of the push, but none adds it. Update {section} at every stopping point: add an entry to the execplan this work belongs to saying what was done and what is left, commit it, then stop. If no execplan covers this work, stop and escalate to the human (`execguard escalate \"<question>\"`): EXEC starts only from a ready execplan.",
        jobs.len(),
        if jobs.len() == 1 { "" } else { "s" },
        first.message().trim_end_matches('.')
    )))
}

/// Whether the trail holds an escalation no human has resolved yet that `session` raised. Another
/// session's question does not excuse this one's work, and one raised outside any agent session
/// excuses none. A trail that cannot be read lets no stop through on its account.
fn escalation_open(repo: &execguard_git::Repo, session: Option<&str>) -> bool {
    let Some(session) = session.filter(|s| !s.is_empty()) else {
        return false;
    };
    crate::trail::read(repo.common_dir()).is_ok_and(|records| {
        crate::trail::open_escalations(&records)
            .iter()
            .any(|open| open.session.as_deref() == Some(session))
    })
}
