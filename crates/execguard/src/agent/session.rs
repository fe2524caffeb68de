//! SessionStart: the EXEC state as context for the agent: the frozen specs, the feature's
//! execplan and whether it is ready, its last Progress entry, and the paths it may not write.

use std::path::Path;

use anyhow::Context as _;
use execguard_core::engine::Context;
use execguard_core::markdown::{section_text, visible_entries};
use execguard_core::{Change, RepoPath, Side, Trees};

use super::decision::Decision;

pub fn decide(cwd: &Path, explicit: Option<&Path>) -> anyhow::Result<Decision> {
    let repo = match execguard_git::open_at(cwd) {
        Ok(repo) => repo,
        Err(e) if e.is_no_repository() => return Ok(Decision::Allow),
        Err(e) => {
            return Err(e).context(format!("cannot open the repository at {}", cwd.display()))
        }
    };
    // Claude Code's deny rules and sandbox follow the frozen set. Under `execguard run` its
    // settings are read-only and `execguard run` refreshed them before it started.
    if super::claude_layers::recorded(&repo).is_some() {
        let _ = super::claude_layers::apply(&repo, explicit, None);
    }
    let (tree, trees) = execguard_git::head_trees(&repo)?;
    let (config, _) = execguard_git::load_config(&repo, tree.as_ref(), "HEAD", explicit)?;
    let layout = &config.layout;
    let change = Change::default();
    let cx = Context::new(&config, &change, &trees, None);
    let tree_error = |e: execguard_core::TreeError| anyhow::anyhow!("cannot read HEAD: {e}");

    let mut frozen = Vec::new();
    for root in layout.specs.roots() {
        for path in trees
            .list(Side::Base, &RepoPath::from(root))
            .map_err(tree_error)?
        {
            if layout.specs.is_match(&path)
                && cx
                    .has_marker(Side::Base, &path, &layout.spec_marker)
                    .map_err(tree_error)?
            {
                frozen.push(path.to_string());
            }
        }
    }
    let mut lines = vec![
        "execguard guards this repository (EXEC discipline): frozen specs, their design notes, protected paths and .execguard.toml may not be changed; commits must be small and update the execplan's Progress; the hooks may not be bypassed. When a change to one of those looks needed, stop and ask the human.".to_string(),
    ];
    if frozen.is_empty() {
        lines.push(format!(
            "Frozen specs ({} in HEAD): none.",
            layout.spec_marker
        ));
    } else {
        lines.push(format!(
            "Frozen specs ({} in HEAD; read-only, with their design notes): {}.",
            layout.spec_marker,
            frozen.join(", ")
        ));
    }
    if let Ok(route) = std::env::var(crate::sandbox::RUN_ENV) {
        lines.push(format!(
            "This session runs under `execguard run` ({route}): the guarded paths (those above, git's config and hooks, the agents' settings, execguard's binaries) are read-only at the operating-system level. A write refused with \"Read-only file system\", \"Device or resource busy\" or \"Invalid cross-device link\" touched one of them: stop and ask the human; do not work around it."
        ));
    }
    let protected: Vec<&str> = config
        .rules
        .protected_path
        .paths
        .patterns()
        .iter()
        .map(String::as_str)
        .collect();
    if !protected.is_empty() {
        lines.push(format!("Protected paths: {}.", protected.join(", ")));
    }
    let branch = execguard_git::current_branch(&repo);
    let feature = branch
        .as_deref()
        .and_then(|b| layout.branch_patterns.feature_of(b));
    match (&branch, feature) {
        (Some(branch), Some(feature)) => {
            let plan = cx.plan_for(Side::Base, &feature).map_err(tree_error)?;
            match plan {
                Some(plan) => {
                    let text = cx.text(Side::Base, &plan).map_err(tree_error)?.unwrap_or_default();
                    let ready = layout.execplan_marker.found_in(&text);
                    lines.push(format!(
                        "Branch {branch}: feature `{feature}`, execplan {plan} ({}).",
                        if ready {
                            format!("ready: {}", layout.execplan_marker)
                        } else {
                            format!("not ready: no {} marker; do not write code for it yet", layout.execplan_marker)
                        }
                    ));
                    let section = &config.rules.progress_update.section;
                    match section_text(&text, section).map(visible_entries) {
                        Some(entries) if !entries.is_empty() => lines.push(format!(
                            "Last {section} entry: {}",
                            entries[entries.len() - 1]
                        )),
                        _ => lines.push(format!("{section}: no entry yet.")),
                    }
                    lines.push(format!(
                        "Add a {section} entry to {plan} at every stopping point, in the commit with the code."
                    ));
                }
                None => lines.push(format!(
                    "Branch {branch}: feature `{feature}`, but {} does not exist in HEAD.",
                    layout.execplans.path_for(&feature)
                )),
            }
        }
        (Some(branch), None) => lines.push(format!(
            "Branch {branch} names no feature; commits that change code must add a Progress entry to the execplan they belong to, or carry an `Execplan: <feature>` trailer."
        )),
        (None, _) => lines.push("HEAD is detached.".to_string()),
    }
    Ok(Decision::Context(lines.join("\n")))
}
