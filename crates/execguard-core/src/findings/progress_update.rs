//! `progress-update`: code changed without an entry in its execplan's Progress section.

use serde::Serialize;

use super::About;
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProgressUpdate {
    /// No feature is named, and no execplan's Progress gains an entry.
    NoPlanUpdated(NoPlanUpdated),
    /// The execplan of the feature the trailer or the branch names is not updated.
    PlanNotUpdated(PlanNotUpdated),
    /// Under `require = "planned-work"`: code no execplan names, larger than the unplanned
    /// limits.
    UnplannedComplexWork(UnplannedComplexWork),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnplannedComplexWork {
    #[serde(flatten)]
    pub code: CodeChanged,
    pub section: String,
    /// The code files the change adds or changes (not those it deletes).
    pub written_files: u64,
    /// The lines of code it adds, counted until they pass `unplanned-max-lines`.
    pub code_lines: u64,
    pub max_lines: u64,
    pub max_files: u64,
    /// The folders of the code files it writes.
    pub folders: u64,
    pub spread_lines: u64,
    pub spread_folders: u64,
    /// Where execplans live, in words.
    pub execplans: String,
    /// The execplans the change touches that do not make it planned work.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub set_aside: Vec<SetAsidePlan>,
    /// Its message claims a revert its trees do not bear out: none of this many first-parent
    /// commits below it is undone by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified_revert: Option<usize>,
}

/// An execplan a change touches that does not make it planned work.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SetAsidePlan {
    pub plan: RepoPath,
    pub why: SetAsideWhy,
}

/// Why a touched execplan does not make a change planned work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetAsideWhy {
    /// It is kept where closed plans are (`[layout] closed-plans`).
    Closed,
    /// It is kept where shelved plans are (`[layout] shelved-plans`).
    Shelved,
    /// Every item of its Progress is done, as the change leaves it, and the change adds or
    /// reopens none and only annotates the plan (no new step, phase or open checkbox): a
    /// finished plan kept where it was written.
    Finished,
    /// As the change leaves it, it has no Progress section.
    NoSection,
    /// The change only reformats it: its rendered text is unchanged.
    Reformatted,
    /// The change only moves it: renamed with its rendered text unchanged.
    Moved,
    /// The change only keeps its text in sync with the code: each word it replaces is one the
    /// code's removed lines hold, each word it writes one the code's added lines hold.
    Synced,
    /// The change is a verified revert: it puts the plan back as it was before the commit it
    /// undoes, which is not new writing.
    Reverted,
}

impl SetAsidePlan {
    /// `plans/completed/a.md is closed (under `[layout] closed-plans`)`.
    fn describe(&self, section: &str) -> String {
        match self.why {
            SetAsideWhy::Closed => format!(
                "{} is closed (kept under `[layout] closed-plans`, where finished plans go)",
                self.plan
            ),
            SetAsideWhy::Shelved => format!(
                "{} is shelved (kept under `[layout] shelved-plans`, where plans set aside go)",
                self.plan
            ),
            SetAsideWhy::Finished => format!(
                "{} is finished (every item of its `{section}` is done, and this change adds or reopens none, and adds no step, phase or open checkbox; a fix recorded under its review findings or follow-up is a record, not a step)",
                self.plan
            ),
            SetAsideWhy::NoSection => {
                format!(
                    "{} has no `{section}` section to record progress in",
                    self.plan
                )
            }
            SetAsideWhy::Reformatted => format!(
                "{} is only reformatted (its rendered text is unchanged)",
                self.plan
            ),
            SetAsideWhy::Moved => format!(
                "{} is only moved there (its rendered text is unchanged)",
                self.plan
            ),
            SetAsideWhy::Synced => format!(
                "{} only has words replaced to match the code (a name, a path or wording the code changes) or respelled, which is not work under it",
                self.plan
            ),
            SetAsideWhy::Reverted => format!(
                "{} is only put back as it was before the commit this change reverts",
                self.plan
            ),
        }
    }
}

/// The code a change touches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CodeChanged {
    /// The first changed code file, by path.
    pub code_path: RepoPath,
    /// How many code files the change touches.
    pub code_files: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NoPlanUpdated {
    #[serde(flatten)]
    pub code: CodeChanged,
    /// The section's title (`[rules.progress-update] section`).
    pub section: String,
    /// The branch, when it names a feature that has no execplan.
    pub unplanned_branch: Option<UnplannedBranch>,
    /// Execplans whose section the change only rewords.
    pub reworded: Vec<RepoPath>,
    /// The features of those execplans, in the same order.
    pub reworded_features: Vec<String>,
    /// Where execplans live, in words: `plans/<feature>-execplan.md`.
    pub execplans: String,
    /// The commit this change reverts: the one its `git revert` message names, or the one its
    /// trees undo when its message claims a revert in another form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    /// Under `require = "planned-work"` and `within = "push"`: work no feature is named for,
    /// which needs an entry only when its push or range touches an execplan.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unattributed: bool,
    /// Under `require = "planned-work"` and `plan-touch-small-work = "warn"`: the work is within
    /// the unplanned limits and planned work only because it (or its push or range) touches an
    /// open execplan, so the finding is a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub small_plan_touch: Option<SmallPlanTouch>,
    /// Its message claims a revert its trees do not bear out: none of this many first-parent
    /// commits below it is undone by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified_revert: Option<usize>,
    /// Under `require = "planned-work"`, when no feature is named: the open execplan whose edit
    /// outside its Progress section makes the change planned work (the finding names it, so
    /// that the reader sees why the work is planned). `None` when a warning names it already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub touched_plan: Option<RepoPath>,
}

/// Small work that is planned work only because it, or its push or range, touches an open
/// execplan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SmallPlanTouch {
    /// The open execplan the change touches; `None` when only other commits of its push or
    /// range touch one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<RepoPath>,
}

impl SmallPlanTouch {
    /// `plans/a-execplan.md`, or `an open execplan its push or range touches`.
    fn plan_in_words(&self) -> String {
        self.plan.as_ref().map_or_else(
            || "an open execplan its push or range touches".to_string(),
            ToString::to_string,
        )
    }
}

/// A branch that names a feature without an execplan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnplannedBranch {
    pub branch: String,
    pub feature: String,
    /// The execplan the feature would have.
    pub plan: RepoPath,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlanNotUpdated {
    #[serde(flatten)]
    pub code: CodeChanged,
    pub section: String,
    /// The execplan that is not updated.
    pub plan: RepoPath,
    pub feature: String,
    /// How the feature was named.
    pub named_by: FeatureNamedBy,
    /// The commit this change reverts: the one its `git revert` message names, or the one its
    /// trees undo when its message claims a revert in another form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    /// Its message claims a revert its trees do not bear out: none of this many first-parent
    /// commits below it is undone by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified_revert: Option<usize>,
}

/// What names the feature a change works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeatureNamedBy {
    /// The `Execplan:` trailer.
    Trailer,
    /// The branch name.
    Branch,
}

/// Why a change whose message claims a revert is judged as any change: its trees undo none of the
/// `searched` first-parent commits below it. Empty when its revert is not in question.
fn unverified(about: &About, searched: Option<usize>) -> String {
    searched.map_or_else(String::new, |searched| {
        format!(
            " Its message claims a revert, but {} is not a verified one: it undoes none of the {searched} first-parent commits below it (every path that commit changed put back as it was, nothing else changed), so it is judged as any change, not as a revert; a revert of an older commit is not verified.",
            about.subject
        )
    })
}

impl CodeChanged {
    /// `changes code (src/a.rs)`, `changes code (src/a.rs and 2 more)`.
    fn summary(&self) -> String {
        if self.code_files == 1 {
            format!("changes code ({})", self.code_path)
        } else {
            format!(
                "changes code ({} and {} more)",
                self.code_path,
                self.code_files - 1
            )
        }
    }
}

impl ProgressUpdate {
    pub(super) fn path(&self) -> Option<&RepoPath> {
        match self {
            ProgressUpdate::NoPlanUpdated(_) | ProgressUpdate::UnplannedComplexWork(_) => None,
            ProgressUpdate::PlanNotUpdated(found) => Some(&found.plan),
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            ProgressUpdate::NoPlanUpdated(found) => {
                let section = &found.section;
                let why = match &found.unplanned_branch {
                    Some(unplanned) => format!(
                        "; branch `{}` names feature `{}`, but {} does not exist",
                        unplanned.branch, unplanned.feature, unplanned.plan
                    ),
                    None => ", and neither the branch nor an `Execplan:` trailer names a feature"
                        .to_string(),
                };
                let reworded = if found.reworded.is_empty() {
                    String::new()
                } else {
                    format!(
                        " It only rewords existing {section} entries of {} (no new entry, ticked box or changed timestamp), which is not progress.",
                        found
                            .reworded
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let warning = found.small_plan_touch.as_ref().map_or_else(String::new, |touch| {
                    format!(
                        " This is only a warning: {} is planned work only because it touches {} (small work touching a plan without an entry), and its code is within the unplanned limits (`unplanned-max-lines`, `unplanned-max-files`, `unplanned-spread-lines`; `plan-touch-small-work = \"warn\"`).",
                        about.subject,
                        touch.plan_in_words()
                    )
                });
                let touched = found.touched_plan.as_ref().map_or_else(String::new, |plan| {
                    format!(
                        " It touches {plan} outside its {section} section, and an open execplan the commit edits makes it work under that plan."
                    )
                });
                format!(
                    "{} {} but adds no entry to any execplan's {section} section{why}.{touched}{reworded}{warning}{}",
                    about.subject,
                    found.code.summary(),
                    unverified(about, found.unverified_revert)
                )
            }
            ProgressUpdate::PlanNotUpdated(found) => {
                let how = match found.named_by {
                    FeatureNamedBy::Trailer => "named by the `Execplan:` trailer",
                    FeatureNamedBy::Branch => "named by the branch",
                };
                format!(
                    "{} {} but does not update the {} section of {} (feature `{}`, {how}).{}",
                    about.subject,
                    found.code.summary(),
                    found.section,
                    found.plan,
                    found.feature,
                    unverified(about, found.unverified_revert)
                )
            }
            ProgressUpdate::UnplannedComplexWork(found) => {
                let lines = if found.code_lines > found.max_lines {
                    format!("more than {} lines of code", found.max_lines)
                } else {
                    format!("{} lines of code", found.code_lines)
                };
                let plural = |n: u64| if n == 1 { "" } else { "s" };
                let unnamed = if found.set_aside.is_empty() {
                    "no execplan names it (no `Execplan:` trailer, no feature branch, no open execplan touched)".to_string()
                } else {
                    format!(
                        "no open execplan names it (no `Execplan:` trailer, no feature branch, no open execplan touched: {})",
                        found
                            .set_aside
                            .iter()
                            .map(|plan| plan.describe(&found.section))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                };
                format!(
                    "{} {}, writing {lines} in {} code file{} in {} folder{} (tests left out): this looks like complex work (more than {} lines, more than {} files, or more than {} lines in {} folders or more: `unplanned-max-lines`, `unplanned-max-files`, `unplanned-spread-lines` / `unplanned-spread-folders`), and {unnamed}.{}",
                    about.subject,
                    found.code.summary(),
                    found.written_files,
                    plural(found.written_files),
                    found.folders,
                    plural(found.folders),
                    found.max_lines,
                    found.max_files,
                    found.spread_lines,
                    found.spread_folders,
                    unverified(about, found.unverified_revert),
                )
            }
        }
    }

    pub(super) fn hint(&self, about: &About) -> String {
        // A commit already made (pre-push, the server, `check`) takes the entry in a fixup.
        let rewrite = super::fixup_steps(about);
        let reverts = match self {
            ProgressUpdate::NoPlanUpdated(found) => found.reverts.as_deref(),
            ProgressUpdate::PlanNotUpdated(found) => found.reverts.as_deref(),
            ProgressUpdate::UnplannedComplexWork(_) => None,
        };
        let plan = match self {
            ProgressUpdate::NoPlanUpdated(found) => found
                .reworded
                .first()
                .map_or_else(|| found.execplans.clone(), ToString::to_string),
            ProgressUpdate::PlanNotUpdated(found) => found.plan.to_string(),
            ProgressUpdate::UnplannedComplexWork(found) => found.execplans.clone(),
        };
        if let Some(reverted) = reverts {
            // A revert takes code out: that is progress to record too, in its own entry.
            let short = super::short_id(reverted);
            return format!(
                "A revert changes code, so it records its own {} entry: add one to {plan} saying that {short} was reverted and why; {}. For the next revert: `git revert --no-commit {short}`, add the entry, `git add {plan}`, then `git commit`.",
                self.section(),
                rewrite.unwrap_or_else(|| "stage it with the revert, and commit again".to_string()),
            );
        }
        match self {
            ProgressUpdate::NoPlanUpdated(NoPlanUpdated {
                small_plan_touch: Some(touch),
                section,
                ..
            }) => format!(
                "If {} is work under {}, add a new entry to its {section} section saying what it did{}, or name the plan with the trailer `Execplan: <feature>`; if the plan edit only keeps its text in sync or records a finding, nothing more is needed. Larger work, or work a trailer or the branch names, is refused without its entry.",
                about.subject,
                touch.plan_in_words(),
                rewrite.map_or_else(
                    || " and stage it with the code".to_string(),
                    |steps| format!(" ({steps})")
                ),
            ),
            ProgressUpdate::NoPlanUpdated(found) if !found.reworded.is_empty() => format!(
                "Add a new entry to the {} section of {} saying what {} did; or, if the reworded entry is this commit's progress, name its execplan with the trailer `Execplan: {}` in the commit message, under which a rewording counts{}.",
                found.section,
                found.reworded[0],
                about.subject,
                found.reworded_features.first().map_or("<feature>", String::as_str),
                rewrite.map_or_else(String::new, |steps| format!(
                    " ({steps}; a trailer goes in with `git rebase -i` and `reword`)"
                )),
            ),
            ProgressUpdate::NoPlanUpdated(NoPlanUpdated {
                touched_plan: Some(plan),
                section,
                ..
            }) => format!(
                "Add an entry to the {section} section of {plan} saying what {} did{}. If this work is not under that plan (an isolated fix recorded in it, say), stop and escalate (`execguard escalate \"<question>\"`): a human decides.",
                about.subject,
                rewrite.map_or_else(
                    || ", and stage it with the code".to_string(),
                    |steps| format!("; {steps}")
                ),
            ),
            ProgressUpdate::NoPlanUpdated(found) => format!(
                "Add an entry to the {} section of the execplan of the feature this work belongs to ({}, where <feature> is the feature's name) saying what {} did{}. If no execplan covers this work, stop and escalate (`execguard escalate \"<question>\"`): EXEC starts only from a ready execplan.",
                found.section,
                found.execplans,
                about.subject,
                rewrite.map_or_else(
                    || ", and stage it with the code".to_string(),
                    |steps| format!("; {steps}")
                ),
            ),
            ProgressUpdate::UnplannedComplexWork(found) if !found.set_aside.is_empty() => {
                let plan = &found.set_aside[0];
                let fix = match plan.why {
                    SetAsideWhy::Finished => format!(
                        "A finished plan does not make work planned: if this work belongs to {}, the plan is not finished, so add an entry to its {} section saying what {} did; otherwise write or name the execplan of this work ({}; name it with the trailer `Execplan: <feature>` in the commit message)",
                        plan.plan, found.section, about.subject, found.execplans,
                    ),
                    SetAsideWhy::Closed | SetAsideWhy::Shelved => format!(
                        "A closed or shelved plan does not make work planned: if this work belongs to {}, the plan is not finished, so move it back where open plans live and add an entry to its {} section saying what {} did; otherwise write or name the execplan of this work ({}; name it with the trailer `Execplan: <feature>` in the commit message)",
                        plan.plan, found.section, about.subject, found.execplans,
                    ),
                    SetAsideWhy::NoSection => format!(
                        "If this work belongs to {}, give it a `{}` section with an entry saying what {} did; otherwise write or name the execplan of this work ({}; name it with the trailer `Execplan: <feature>` in the commit message)",
                        plan.plan, found.section, about.subject, found.execplans,
                    ),
                    SetAsideWhy::Reformatted
                    | SetAsideWhy::Moved
                    | SetAsideWhy::Synced
                    | SetAsideWhy::Reverted => format!(
                        "If this work belongs to {}, add an entry to its {} section saying what {} did; otherwise write or name the execplan of this work ({}; name it with the trailer `Execplan: <feature>` in the commit message)",
                        plan.plan, found.section, about.subject, found.execplans,
                    ),
                };
                format!(
                    "{fix}, or split the work into smaller commits{}. If you are not sure whether this work needs a plan, stop and escalate (`execguard escalate \"<question>\"`): a human decides.",
                    rewrite.map_or_else(String::new, |steps| format!("; {steps}")),
                )
            }
            ProgressUpdate::UnplannedComplexWork(found) => {
                format!(
                    "Write or name the execplan of this work ({}; name it with the trailer `Execplan: <feature>` in the commit message) and add an entry to its {} section saying what {} did, or split the work into smaller commits{}. If you are not sure whether this work needs a plan, stop and escalate (`execguard escalate \"<question>\"`): a human decides.",
                    found.execplans,
                    found.section,
                    about.subject,
                    rewrite.map_or_else(String::new, |steps| format!("; {steps}")),
                )
            }
            ProgressUpdate::PlanNotUpdated(found) => format!(
                "Add a new entry to the {} section of {} saying what {} did; {}. A copy of an entry, or one the branch had before, is not new.",
                found.section,
                found.plan,
                about.subject,
                rewrite.unwrap_or_else(|| "stage it with the code, and commit again".to_string()),
            ),
        }
    }

    fn section(&self) -> &str {
        match self {
            ProgressUpdate::NoPlanUpdated(found) => &found.section,
            ProgressUpdate::PlanNotUpdated(found) => &found.section,
            ProgressUpdate::UnplannedComplexWork(found) => &found.section,
        }
    }
}
