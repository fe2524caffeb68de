//! Runs the enabled rules over a change and applies overrides and skips.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::Config;
use crate::findings::{About, Finding, OverrideFault, OverrideProblem};
use crate::model::{Change, FileChange, RepoPath, Side, TreeError, Trees};
use crate::registry::{RuleId, ALL_RULES};
use crate::report::{Overridden, RefusedOverride, Report, Violation};
use crate::rules;
use crate::rules::progress_update::ProgressChange;
use crate::trailers::Message;

mod planning;
pub use planning::{named_spec, PlanSpec};

pub use crate::trailers::OVERRIDE_TRAILER;
/// The trailer that names the feature a commit works on.
pub const EXECPLAN_TRAILER: &str = "Execplan";

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
                    && seen.insert((rule, violation.path().cloned()))
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
    let Some(path) = violation.path() else {
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
        if !same || !other.config.is_enabled(violation.rule()) {
            continue;
        }
        let at_base = Context::new(other.config, &nothing, other.trees, None);
        if rules::protects(violation.rule(), &at_base, Side::Base, path)? {
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
        if !violation.overridable() {
            report.violations.push(violation);
            continue;
        }
        if let Some(reason) = overrides.get(&violation.rule()) {
            if let Some((why, next)) = options.overrides.refusal(config) {
                violation.refused_override = Some(RefusedOverride {
                    reason: reason.clone(),
                    why,
                    next,
                });
                report.violations.push(violation);
                continue;
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
    report
}

/// How the feature a commit works on was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureSource {
    Trailer,
    Branch,
    UpdatedExecplan,
}

/// Everything a rule may ask about the change, with reads cached.
pub struct Context<'a> {
    pub config: &'a Config,
    pub change: &'a Change,
    pub trees: &'a dyn Trees,
    pub message: Option<Message>,
    reads: RefCell<HashMap<(bool, RepoPath), Option<String>>>,
    progress: RefCell<Option<BTreeMap<String, ProgressChange>>>,
    features: RefCell<Option<Features>>,
    collisions: RefCell<Option<Vec<(RepoPath, RepoPath)>>>,
}

/// The features a change works on, and how they were found.
type Features = (Vec<String>, Option<FeatureSource>);

impl<'a> Context<'a> {
    pub fn new(
        config: &'a Config,
        change: &'a Change,
        trees: &'a dyn Trees,
        message: Option<Message>,
    ) -> Self {
        Self {
            config,
            change,
            trees,
            message,
            reads: RefCell::new(HashMap::new()),
            progress: RefCell::new(None),
            features: RefCell::new(None),
            collisions: RefCell::new(None),
        }
    }

    /// A violation in this change: `finding`, its text naming the change as this context does.
    pub fn violation(&self, finding: Finding) -> Violation {
        Violation::new(finding, self.about(String::new()))
    }

    /// A violation whose hint says how to take its path back out of the change (`undo`, as
    /// [`Context::undo_hint`] words it).
    pub fn violation_with_undo(&self, finding: Finding, undo: String) -> Violation {
        Violation::new(finding, self.about(undo))
    }

    /// How findings in this change name it.
    fn about(&self, undo: String) -> About {
        About {
            commit: self.change.commit.clone(),
            root: self.change.root,
            subject: self.subject_name(),
            base: self.base_name(),
            undo,
        }
    }

    /// How the base is named in messages: `HEAD` or `the parent of 1a2b3c4`.
    pub fn base_name(&self) -> String {
        if let Some(label) = &self.change.label {
            return label.base.clone();
        }
        match (&self.change.commit, self.change.root) {
            (None, false) => "HEAD".to_string(),
            (None, true) => "the empty tree (the branch has no commit yet)".to_string(),
            (Some(id), false) => format!("the parent of {}", short(id)),
            (Some(id), true) => format!("the empty tree ({} is a root commit)", short(id)),
        }
    }

    /// How to take a path's change back out: unstage and restore it, or rework the commit.
    pub fn undo_hint(&self, path: &RepoPath) -> String {
        if let Some(label) = &self.change.label {
            return label.undo.replace("{path}", &path.to_string());
        }
        let in_base = !matches!(self.trees.entry(Side::Base, path), Ok(None));
        match (&self.change.commit, self.change.root, in_base) {
            // No HEAD yet: only the index can be reset, and the file is kept.
            (None, true, _) => format!("`git rm --cached -- {path}`, which keeps the file"),
            // A path new to the commit: unstage it, keeping the file (restoring the work tree
            // too would delete it).
            (None, false, false) => {
                format!("`git restore --staged -- {path}`, which keeps the file")
            }
            (None, false, true) => format!("`git restore --staged --worktree -- {path}`"),
            (Some(id), true, _) => format!(
                "rework root commit {} so that it does not add {path}",
                short(id)
            ),
            (Some(id), false, false) => format!(
                "rework commit {} so that it does not add {path}, for example with `git rebase -i`",
                short(id)
            ),
            (Some(id), false, true) => format!(
                "rework commit {} so that it leaves {path} as its parent had it, for example with `git rebase -i`",
                short(id)
            ),
        }
    }

    /// What "this change" is called in messages.
    pub fn subject_name(&self) -> String {
        if let Some(label) = &self.change.label {
            return label.subject.clone();
        }
        match &self.change.commit {
            None => "this commit".to_string(),
            Some(id) => format!("commit {}", short(id)),
        }
    }

    /// A text document on one side, decoded leniently; `None` when absent or not a blob.
    pub fn text(&self, side: Side, path: &RepoPath) -> Result<Option<String>, TreeError> {
        let key = (side == Side::Base, path.clone());
        if let Some(cached) = self.reads.borrow().get(&key) {
            return Ok(cached.clone());
        }
        let text = self
            .trees
            .read(side, path)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        self.reads.borrow_mut().insert(key, text.clone());
        Ok(text)
    }

    /// Paths the change adds beside an existing path of the base that differs only in case, and
    /// that path: `(added, existing)`. A path the change also touches is judged as itself.
    pub fn case_collisions(&self) -> Result<Vec<(RepoPath, RepoPath)>, TreeError> {
        if let Some(found) = self.collisions.borrow().as_ref() {
            return Ok(found.clone());
        }
        let touched: BTreeSet<&RepoPath> = self
            .change
            .files
            .iter()
            .flat_map(FileChange::touched_paths)
            .collect();
        let mut found = Vec::new();
        for file in &self.change.files {
            if file.new.is_none() || (file.old.is_some() && file.renamed_from.is_none()) {
                continue;
            }
            for existing in self.trees.case_variants(Side::Base, &file.path)? {
                if !touched.contains(&existing) {
                    found.push((file.path.clone(), existing));
                }
            }
        }
        *self.collisions.borrow_mut() = Some(found.clone());
        Ok(found)
    }

    /// The changed files that are code.
    pub fn code_changes(&self) -> Vec<&'a FileChange> {
        self.change
            .files
            .iter()
            .filter(|file| file.touched_paths().any(|p| self.config.layout.is_code(p)))
            .collect()
    }

    /// For every execplan the change adds or modifies: how its Progress section changed.
    pub fn progress_updates(&self) -> Result<BTreeMap<String, ProgressChange>, TreeError> {
        if let Some(done) = self.progress.borrow().as_ref() {
            return Ok(done.clone());
        }
        let layout = &self.config.layout;
        let section = &self.config.rules.progress_update.section;
        let mut updates = BTreeMap::new();
        for file in &self.change.files {
            let Some(feature) = layout.execplans.feature_of(&file.path) else {
                continue;
            };
            let Some(new) = self.text(Side::New, &file.path)? else {
                continue;
            };
            let old = if file.old.is_some() {
                self.text(Side::Base, file.old_path())?
            } else {
                None
            };
            let change = rules::progress_update::progress_change(old.as_deref(), &new, section);
            updates.insert(feature, change);
        }
        *self.progress.borrow_mut() = Some(updates.clone());
        Ok(updates)
    }

    /// The features this change works on, and how they were found: the `Execplan:` trailer, else
    /// the branch name (when that feature has an execplan), else the execplans whose Progress the
    /// change progresses (a new entry, a ticked box or a changed timestamp; not a rewording).
    pub fn features(&self) -> Result<Features, TreeError> {
        if let Some(found) = self.features.borrow().as_ref() {
            return Ok(found.clone());
        }
        let found = self.find_features()?;
        *self.features.borrow_mut() = Some(found.clone());
        Ok(found)
    }

    fn find_features(&self) -> Result<Features, TreeError> {
        if let Some(message) = &self.message {
            let named: Vec<String> = message
                .trailer_values(EXECPLAN_TRAILER)
                .into_iter()
                .flat_map(|v| v.split([',', ' ']).map(str::to_string).collect::<Vec<_>>())
                .filter(|v| !v.is_empty())
                .collect();
            if !named.is_empty() {
                return Ok((named, Some(FeatureSource::Trailer)));
            }
        }
        if let Some(feature) = self
            .change
            .branch
            .as_deref()
            .and_then(|b| self.config.layout.branch_patterns.feature_of(b))
        {
            if self.plan_for(Side::New, &feature)?.is_some()
                || self.plan_for(Side::Base, &feature)?.is_some()
            {
                return Ok((vec![feature], Some(FeatureSource::Branch)));
            }
        }
        let updated: Vec<String> = self
            .progress_updates()?
            .into_iter()
            .filter(|(_, change)| change.progressed)
            .map(|(feature, _)| feature)
            .collect();
        if updated.is_empty() {
            Ok((Vec::new(), None))
        } else {
            Ok((updated, Some(FeatureSource::UpdatedExecplan)))
        }
    }

    /// Valid override trailers: rule to reason. Malformed ones are reported by `commit-message`.
    pub fn overrides(&self) -> BTreeMap<RuleId, String> {
        let Some(message) = &self.message else {
            return BTreeMap::new();
        };
        message
            .trailer_values(OVERRIDE_TRAILER)
            .iter()
            .filter_map(|value| parse_override(value).ok())
            .collect()
    }
}

/// Reads `<rule-id>: <reason>` from an override trailer's value.
pub fn parse_override(value: &str) -> Result<(RuleId, String), OverrideProblem> {
    let problem = |problem| OverrideProblem {
        value: value.to_string(),
        problem,
    };
    let Some((rule, reason)) = value.split_once(':') else {
        return Err(problem(OverrideFault::NoReason));
    };
    let rule: RuleId = rule
        .parse()
        .map_err(|e: crate::registry::UnknownRule| problem(OverrideFault::UnknownRule(e.0)))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(problem(OverrideFault::BlankReason));
    }
    Ok((rule, reason.to_string()))
}

/// The first seven hex digits of an object id.
pub fn short(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}
