//! Runs the enabled rules over a change and applies overrides and skips.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::model::{Change, Side, TreeError, Trees};
use crate::report::{Overridden, Report, Violation};
use crate::rule_id::{RuleId, ALL_RULES};
use crate::rules;
use crate::trailers::Message;

// The context and the trailers were first defined here: the crates that use them name them here.
pub use crate::context::{named_spec, short, Context, FeatureSource, PlanSpec};
pub use crate::trailers::{parse_override, EXECPLAN_TRAILER, OVERRIDE_TRAILER};

/// How a check is run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Rules whose violations are set aside (`EXECGUARD_SKIP` in pre-commit).
    pub skip: BTreeSet<RuleId>,
    /// git's `core.commentChar`, for reading a message that git has not cleaned up yet (the
    /// commit-msg hook); `None` keeps every line, as for a recorded commit.
    pub comment_char: Option<String>,
    /// Whether `Execguard-Override` trailers are honoured.
    pub overrides: OverridePolicy,
}

/// Who may override a rule with a trailer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum OverridePolicy {
    /// Any commit's trailer is honoured (client hooks, which the committer runs).
    #[default]
    Honour,
    /// The pusher is not trusted to override (pre-receive): trailers are refused, and the message
    /// says who may override on the server.
    Refuse {
        pusher: String,
        allowed: Vec<String>,
    },
    /// A range or commit check in CI: trailers count only when `pusher` is listed in
    /// `[server] override-users` of the config that judges the change; `None` when no pusher
    /// was named, and then no trailer counts.
    ListedPusher { pusher: Option<String> },
}

impl OverridePolicy {
    /// Why a trailer is not honoured under this policy for a change judged by `config`, and what
    /// to do instead; `None` when it is honoured.
    fn refusal(&self, config: &Config) -> Option<(String, String)> {
        match self {
            OverridePolicy::Honour => None,
            OverridePolicy::Refuse { pusher, allowed } => {
                let who = if allowed.is_empty() {
                    "no pusher may override on this server ([server] override-users is empty)"
                        .to_string()
                } else {
                    format!("only {} may override on this server", allowed.join(", "))
                };
                let next = if allowed.is_empty() {
                    "Remove the override and fix the cause; a trailer cannot get this commit onto this server.".to_string()
                } else {
                    format!(
                        "Ask {} to push this commit, or remove the override and fix the cause.",
                        allowed.join(" or ")
                    )
                };
                Some((
                    format!("the pusher `{pusher}` is not allowed to override: {who}"),
                    next,
                ))
            }
            OverridePolicy::ListedPusher { pusher } => {
                let allowed = &config.server.override_users;
                let who = if allowed.is_empty() {
                    "nobody may override, as `[server] override-users` of the config in force is empty"
                        .to_string()
                } else {
                    format!(
                        "only {} may override, as listed in `[server] override-users` of the config in force",
                        allowed.join(", ")
                    )
                };
                match pusher.as_deref().map(str::trim) {
                    Some(name) if !name.is_empty() => {
                        if allowed.iter().any(|user| user == name) {
                            return None;
                        }
                        let next = if allowed.is_empty() {
                            "Remove the override and fix the cause; no trailer counts under this config.".to_string()
                        } else {
                            format!(
                                "Ask {} to take this change over, or remove the override and fix the cause.",
                                allowed.join(" or ")
                            )
                        };
                        Some((format!("`{name}` is not allowed to override: {who}"), next))
                    }
                    _ => Some((
                        format!("no pusher was named, so no override is honoured; {who}"),
                        "Run `execguard check` with `--pusher NAME`, naming who proposes the change (the pull or merge request's author), or remove the override and fix the cause.".to_string(),
                    )),
                }
            }
        }
    }
}

/// How a merge is judged. The path rules judge it against every parent, so that the order of
/// the parents hides nothing, and forgive a path only where the merge takes another parent's
/// version of something that was already protected at their merge base (every change on the way
/// there was judged). The content rules judge only what the merge adds of its own: its result
/// against a clean re-merge of its parents.
pub struct MergeView<'a> {
    /// The result against a clean re-merge of the parents (a conflicting region holds both
    /// sides' versions, one after the other); `Side::Base` of `own_trees` is the re-merge.
    pub own: &'a Change,
    pub own_trees: &'a dyn Trees,
    /// The merge against each parent, the first parent first.
    pub parents: Vec<ParentView<'a>>,
}

/// A merge against one of its parents.
pub struct ParentView<'a> {
    /// The change against this parent (`Side::Base` of `trees` is the parent).
    pub change: &'a Change,
    pub trees: &'a dyn Trees,
    /// Every other parent that shares history with this one.
    pub others: Vec<OtherParent<'a>>,
}

/// Another parent of a merge, beside its merge base with the parent a [`ParentView`] is about.
pub struct OtherParent<'a> {
    /// The config in force at the merge base: it decides what was protected there.
    pub config: &'a Config,
    /// `Side::Base` is the merge base's tree; `Side::New` is this parent's tree.
    pub trees: &'a dyn Trees,
}

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
    let cx = Context::new(config, change, trees, message.clone());
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
    let Some(merge) = merge else {
        let mut found = unusable_config;
        for &rule in ALL_RULES {
            if config.is_enabled(rule) {
                found.extend(rules::run(rule, &cx)?);
            }
        }
        return Ok(settle(config, found, &cx.overrides(), options));
    };
    let own_cx = Context::new(config, merge.own, merge.own_trees, message.clone());
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
                    && seen.insert((rule, violation.path.clone()))
                {
                    found.push(violation);
                }
            }
        }
    }
    Ok(settle(config, found, &cx.overrides(), options))
}

/// Whether a path rule's finding in a merge is about a path whose result is another parent's
/// version, where the path was protected by the same rule at that parent's merge base with the
/// first: then every change that parent made to it was judged on the way.
fn taken_from_a_judged_history(
    cx: &Context<'_>,
    others: &[OtherParent<'_>],
    violation: &Violation,
) -> Result<bool, TreeError> {
    let Some(path) = &violation.path else {
        return Ok(false);
    };
    let ours = cx.trees.entry(Side::New, path)?;
    let nothing = Change::default();
    for other in others {
        let theirs = other.trees.entry(Side::New, path)?;
        let same = match (&ours, &theirs) {
            (None, None) => true,
            (Some(a), Some(b)) => a.id == b.id && a.kind == b.kind,
            _ => false,
        };
        if !same || !other.config.is_enabled(violation.rule) {
            continue;
        }
        let at_base = Context::new(other.config, &nothing, other.trees, None);
        if rules::protects(violation.rule, &at_base, Side::Base, path)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Sorts findings into refused, overridden and skipped.
fn settle(
    config: &Config,
    found: Vec<Violation>,
    overrides: &BTreeMap<RuleId, String>,
    options: &Options,
) -> Report {
    let mut report = Report::default();
    for mut violation in found {
        if !violation.overridable {
            report.violations.push(violation);
            continue;
        }
        if let Some(reason) = overrides.get(&violation.rule) {
            if let Some((why, next)) = options.overrides.refusal(config) {
                violation.message.push_str(&format!(
                    " The commit carries `{OVERRIDE_TRAILER}: {}: {reason}`, but {why}.",
                    violation.rule
                ));
                // The commit already carries the trailer: advice to add one is dropped.
                violation.hint = format!("{next} {}", without_override_advice(&violation.hint));
                report.violations.push(violation);
                continue;
            }
            report.overridden.push(Overridden {
                violation,
                reason: reason.clone(),
            });
        } else if options.skip.contains(&violation.rule) {
            report.skipped.push(violation);
        } else {
            report.violations.push(violation);
        }
    }
    report
}

/// A hint without its sentences about adding an override trailer.
fn without_override_advice(hint: &str) -> String {
    hint.split_inclusive(". ")
        .filter(|sentence| !sentence.contains(OVERRIDE_TRAILER))
        .collect::<String>()
        .trim_end()
        .to_string()
}
