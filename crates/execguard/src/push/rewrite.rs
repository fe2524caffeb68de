//! A push that is not a fast-forward, judged from the old tip to the new one by the path rules.

use execguard_core::Report;
use execguard_git::{ObjectId, Repo};

use super::ref_update::branch_of;
use crate::commits::CommitSettings;

/// A non-fast-forward update replaces the branch's history, so judging the new commits alone
/// would judge a new root against nothing. The path rules also judge the whole change from the
/// old tip to the new one, with the old tip as the base; override trailers of the pushed commits
/// count as usual.
pub(super) fn judge_rewrite(
    repo: &Repo,
    ref_name: &str,
    old: ObjectId,
    tip: ObjectId,
    pushed: &[ObjectId],
    settings: &CommitSettings,
) -> anyhow::Result<Report> {
    let branch = branch_of(ref_name);
    let mut loaded = execguard_git::tips_change(repo, old, tip, branch.as_deref())?;
    let old_short = execguard_core::engine::short(&old.to_string()).to_string();
    let tip_short = execguard_core::engine::short(&tip.to_string()).to_string();
    let config = match &settings.config {
        Some(config) => config.path_rules_only(),
        None => crate::repair::config_or_repair(
            execguard_git::load_commit_config(repo, loaded.base_tree.as_ref(), &old_short)
                .map(|(config, _)| config),
            &loaded.change,
        )?
        .path_rules_only(),
    };
    let mut message = format!("Rewrite {ref_name}\n\n");
    for id in pushed {
        let raw = execguard_git::commit_message(repo, *id)?;
        let parsed = execguard_core::trailers::Message::parse(&raw, None);
        for value in parsed.trailer_values(execguard_core::engine::OVERRIDE_TRAILER) {
            message.push_str(&format!(
                "{}: {value}\n",
                execguard_core::engine::OVERRIDE_TRAILER
            ));
        }
    }
    loaded.change.message = Some(message);
    loaded.change.label = Some(execguard_core::ChangeLabel {
        subject: format!(
            "the non-fast-forward update of {ref_name} ({old_short} to {tip_short})"
        ),
        base: format!("the old tip {old_short}"),
        undo: format!(
            "push a history that builds on the old tip {old_short} and leaves {{path}} as it had it, instead of replacing that history"
        ),
    });
    let options = execguard_core::Options {
        overrides: settings.overrides.clone(),
        ..execguard_core::Options::default()
    };
    Ok(execguard_core::check(
        &config,
        &loaded.change,
        &loaded.trees,
        &options,
    )?)
}
