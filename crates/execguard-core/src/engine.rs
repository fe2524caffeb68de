//! Runs the enabled rules over a change and applies overrides and skips.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Config, Require, UnplannedVerdict, Within};
use crate::findings::{Finding, ProgressUpdate};
use crate::model::{Change, TreeError, Trees};
use crate::report::{Overridden, ProgressLedger, RefusedOverride, Report, Violation};
use crate::rule_id::{RuleId, ALL_RULES};
use crate::rules;
use crate::trailers::Message;

mod merge;
mod options;

use merge::taken_from_a_judged_history;
pub use merge::{MergeView, OtherParent, ParentView};
pub use options::{Options, OverridePolicy};

// The context and the trailers were first defined here: the crates that use them name them here.
pub use crate::context::planning::{named_spec, PlanSpec};
pub use crate::context::{parse_override, short, Context, FeatureSource, Pusher, EXECPLAN_TRAILER};
pub use crate::trailers::OVERRIDE_TRAILER;

/// The verdict on `change`: every enabled rule, then overrides from the message, then skips.
pub fn check(
    config: &Config,
    change: &Change,
    trees: &dyn Trees,
    options: &Options,
) -> Result<Report, TreeError> {
    check_change(config, change, trees, None, options)
}

/// The verdict on `change`, a merge's change against its first parent when `merge` is given.
pub fn check_change(
    config: &Config,
    change: &Change,
    trees: &dyn Trees,
    merge: Option<&MergeView<'_>>,
    options: &Options,
) -> Result<Report, TreeError> {
    let message = change
        .message
        .as_deref()
        .map(|raw| Message::parse(raw, options.comment_char.as_deref()));
    let mut cx = Context::new(config, change, trees, message.clone());
    cx.pusher = options.pusher.clone();
    // A config nobody could load is refused on every branch, whatever the config in force says:
    // accepted, it would stop every later check.
    let unusable_config: Vec<Violation> = rules::guard_config::unusable(&cx)?.into_iter().collect();
    if !config.applies_to_branch(change.branch.as_deref()) {
        return Ok(Report {
            out_of_scope: unusable_config
                .is_empty()
                .then(|| change.branch.clone())
                .flatten(),
            violations: unusable_config,
            ..Report::default()
        });
    }
    // Before the commit exists, a Progress entry that may come later in the push is not yet
    // missing.
    let defer_progress =
        config.rules.progress_update.within == Within::Push && change.commit.is_none();
    let Some(merge) = merge else {
        let mut found = unusable_config;
        for &rule in ALL_RULES {
            if config.is_enabled(rule) {
                found.extend(rules::run(rule, &cx)?);
            }
        }
        let mut report = settle(config, found, &cx.overrides(), options, defer_progress);
        report.progress = progress_ledger(&cx)?;
        return Ok(report);
    };
    let mut own_cx = Context::new(config, merge.own, merge.own_trees, message.clone());
    own_cx.pusher = options.pusher.clone();
    let sides: Vec<Context<'_>> = merge
        .parents
        .iter()
        .map(|parent| Context::new(config, parent.change, parent.trees, message.clone()))
        .collect();
    let mut found = unusable_config;
    let mut seen = BTreeSet::new();
    for &rule in ALL_RULES {
        if !config.is_enabled(rule) {
            continue;
        }
        if !rule.is_path_rule() {
            found.extend(rules::run(rule, &own_cx)?);
            continue;
        }
        for (side, parent) in sides.iter().zip(&merge.parents) {
            for violation in rules::run(rule, side)? {
                if !taken_from_a_judged_history(side, &parent.others, &violation)?
                    && seen.insert((rule, violation.path().cloned()))
                {
                    found.push(violation);
                }
            }
        }
    }
    let mut report = settle(config, found, &cx.overrides(), options, defer_progress);
    report.progress = progress_ledger(&own_cx)?;
    Ok(report)
}

/// What the change did to Progress sections (see [`ProgressLedger`]).
fn progress_ledger(cx: &Context<'_>) -> Result<ProgressLedger, TreeError> {
    let settings = &cx.config.rules.progress_update;
    let touches_plan = rules::progress_update::touches_execplan(cx);
    let enabled = cx.config.is_enabled(RuleId::ProgressUpdate);
    let mut ledger = ProgressLedger {
        within_push: settings.within == Within::Push,
        // Only planned-work asks whether the plan is open, which reads it.
        touches_plan: if touches_plan && enabled && settings.require == Require::PlannedWork {
            rules::progress_update::touches_open_execplan(cx)?
        } else {
            touches_plan
        },
        ..ProgressLedger::default()
    };
    if !enabled || !touches_plan {
        return Ok(ledger);
    }
    let deltas = cx.progress_deltas()?;
    let (features, source) = cx.features()?;
    let named = matches!(source, Some(FeatureSource::Trailer | FeatureSource::Branch));
    ledger.entries.reserve_exact(deltas.len());
    for (feature, delta) in deltas {
        // A named feature's plan is updated by any new text; another's needs a new entry.
        let updated = delta.change.progressed
            || (named && delta.change.changed && features.contains(&feature));
        if updated {
            ledger.updated.push(feature.clone());
        }
        ledger.entries.push((feature, (delta.added, delta.removed)));
    }
    Ok(ledger)
}

/// The verdict on a whole ref update, its old tip against its new one (`change.ref_update` set):
/// branch-net-change alone, as each commit between the tips is judged on its own. Its findings
/// are set aside only by the commits that made the change, so no trailer applies here.
pub fn check_ref_update(
    config: &Config,
    change: &Change,
    trees: &dyn Trees,
) -> Result<Report, TreeError> {
    if change.ref_update.is_none()
        || !config.is_enabled(RuleId::BranchNetChange)
        || !config.applies_to_branch(change.branch.as_deref())
    {
        return Ok(Report::default());
    }
    let cx = Context::new(config, change, trees, None);
    Ok(Report {
        violations: rules::run(RuleId::BranchNetChange, &cx)?,
        ..Report::default()
    })
}

/// Sorts findings into refused, overridden, skipped, advice and (with `defer_progress`, for
/// `progress-update`) deferred.
fn settle(
    config: &Config,
    found: Vec<Violation>,
    overrides: &BTreeMap<RuleId, String>,
    options: &Options,
    defer_progress: bool,
) -> Report {
    let mut report = Report::default();
    let warn_unplanned = config.rules.progress_update.unplanned_verdict == UnplannedVerdict::Warn;
    let mut pending = Vec::new();
    for violation in found {
        // Unplanned complex work is a guess from size: where the config says so, a warning.
        if warn_unplanned
            && matches!(
                violation.finding,
                Finding::ProgressUpdate(ProgressUpdate::UnplannedComplexWork(_))
            )
        {
            report.advice.push(violation);
            continue;
        }
        // Small work planned only because it touches an open plan: the rule marks it a warning.
        if matches!(
            &violation.finding,
            Finding::ProgressUpdate(ProgressUpdate::NoPlanUpdated(found))
                if found.small_plan_touch.is_some()
        ) {
            report.advice.push(violation);
            continue;
        }
        if defer_progress && violation.rule() == RuleId::ProgressUpdate {
            report.deferred.push(violation);
            continue;
        }
        // A document kept beside the plans that is not one: the team is told, nothing refused.
        if let Finding::ExecplanSections(found) = &violation.finding {
            if found.is_warning() {
                report.advice.push(violation);
                continue;
            }
        }
        // A plan removed before the message exists: the commit-msg hook judges it, unless the
        // commit is refused here anyway (below).
        if let Finding::ExecplanDeleted(found) = &violation.finding {
            if found.advice {
                pending.push(violation);
                continue;
            }
        }
        if let Finding::SpecFreezeOwner(found) = &violation.finding {
            if found.advice {
                report.advice.push(violation);
                continue;
            }
        }
        judge(config, violation, overrides, options, &mut report);
    }
    // A commit refused for another reason lists the removal with the rest, so nothing surfaces
    // only on the next try; otherwise it is advice until the message is known.
    if report.violations.is_empty() {
        report.advice.extend(pending);
    } else {
        for violation in pending {
            judge(config, violation, overrides, options, &mut report);
        }
    }
    report
}

/// Files a finding as refused, overridden (by a trailer of the message) or skipped.
fn judge(
    config: &Config,
    mut violation: Violation,
    overrides: &BTreeMap<RuleId, String>,
    options: &Options,
    report: &mut Report,
) {
    if !violation.overridable() {
        report.violations.push(violation);
        return;
    }
    if let Some(reason) = overrides.get(&violation.rule()) {
        if let Some((why, next)) = options.overrides.refusal(config) {
            violation.refused_override = Some(RefusedOverride {
                reason: reason.clone(),
                why,
                next,
            });
            report.violations.push(violation);
            return;
        }
        report.overridden.push(Overridden {
            violation,
            reason: reason.clone(),
        });
    } else if options.skip.contains(&violation.rule()) {
        report.skipped.push(violation);
    } else {
        report.violations.push(violation);
    }
}
