//! Judging a merge — a commit, or a staged merge resolution — through the engine's
//! [`MergeView`]: its change against every parent for the path rules, its own change for the
//! rest.

use std::rc::Rc;

use execguard_core::{
    Change, ChangeLabel, Config, MergeView, Options, OtherParent, ParentView, Report,
};
use execguard_git::{MergeParts, ObjectId, RepoTree};

/// Judges the merge whose change against its first parent is `change`. `config_at` gives the
/// config in force at a merge base (by its tree and id).
pub fn judge(
    config: &Config,
    change: &Change,
    parts: &MergeParts<'_>,
    mut config_at: impl FnMut(&RepoTree<'_>, ObjectId) -> anyhow::Result<Rc<Config>>,
    options: &Options,
) -> anyhow::Result<Report> {
    let own = Change {
        is_merge: false,
        merge_resolution: true,
        files: parts.own_files.clone(),
        ..change.clone()
    };
    let subject = change
        .commit
        .as_deref()
        .map(|id| format!("commit {}", short(id)))
        .unwrap_or_else(|| "this commit".to_string());
    let mut changes = Vec::new();
    let mut configs = Vec::new();
    for (index, parent) in parts.parents.iter().enumerate() {
        let parent_short = short(&parent.id.to_string()).to_string();
        let label = (index > 0).then(|| ChangeLabel {
            subject: subject.clone(),
            base: format!("its parent {parent_short}"),
            undo: format!(
                "rework the merge so that it leaves {{path}} as its parent {parent_short} had it"
            ),
        });
        changes.push(Change {
            files: parent.files.clone(),
            label: label.or_else(|| change.label.clone()),
            ..change.clone()
        });
        let mut at_bases = Vec::new();
        for other in &parent.others {
            at_bases.push(config_at(&other.merge_base_tree, other.merge_base)?);
        }
        configs.push(at_bases);
    }
    let view = MergeView {
        own: &own,
        own_trees: &parts.own_trees,
        parents: parts
            .parents
            .iter()
            .zip(&changes)
            .zip(&configs)
            .map(|((parent, change), configs)| ParentView {
                change,
                trees: &parent.trees,
                others: parent
                    .others
                    .iter()
                    .zip(configs)
                    .map(|(other, config)| OtherParent {
                        config: config.as_ref(),
                        trees: &other.trees,
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(execguard_core::check_change(
        config,
        change,
        &parts.parents[0].trees,
        Some(&view),
        options,
    )?)
}

fn short(id: &str) -> &str {
    execguard_core::engine::short(id)
}
