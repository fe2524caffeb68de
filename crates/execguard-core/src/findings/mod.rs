//! What each rule finds, as typed facts: one variant per rule, tagged with the rule's id. The
//! human message and hint are rendered from these facts and from how the change is named
//! ([`About`]); JSON and SARIF carry the facts as they are.

mod branch_net_change;
mod commit_message;
mod commit_size;
mod execplan_deleted;
mod execplan_ready;
mod execplan_sections;
mod frozen_design;
mod frozen_spec;
mod guard_config;
mod progress_update;
mod protected_path;
mod spec_freeze_owner;

use serde::Serialize;

use crate::model::RepoPath;
use crate::rule_id::RuleId;

pub use branch_net_change::{
    BranchNetChange, NetConfigLoosened, NetPathChanged, ProtectedBranchDeleted,
};
pub use commit_message::{
    is_placeholder, CommitMessage, OverrideFault, OverrideProblem, SubjectTooLong,
};
pub use commit_size::{BinaryContent, BlobChange, CommitSize, FileLines, LargeBlob, TooLarge};
pub use execplan_deleted::{ExecplanDeleted, MergedCommits, PlanRemoval};
pub use execplan_ready::{ExecplanReady, PlanNotReady, PlanProblem, SpecNotFrozen, SpecProblem};
pub use execplan_sections::{
    BesidePlans, ExecplanSections, MissingSections, NotAPlan, SpecNotNamed,
};
pub use frozen_design::{DesignChanged, FrozenDesign};
pub use frozen_spec::{FrozenSpec, SpecChanged, SpecCollision};
pub use guard_config::{
    ConfigInForce, ConfigInvalid, ConfigLoosened, ConfigNotAFile, ConfigProblem, GuardConfig,
    Loosening,
};
pub use progress_update::{
    CodeChanged, FeatureNamedBy, NoPlanUpdated, PlanNotUpdated, ProgressUpdate, SetAsidePlan,
    SetAsideWhy, SmallPlanTouch, UnplannedBranch, UnplannedComplexWork,
};
pub use protected_path::{PathChanged, ProtectedPath, SectionChange, SectionChanged};
pub use spec_freeze_owner::{OwnerAct, SpecFreezeOwner};

/// One rule's finding: the facts its message, hint, JSON and SARIF are made of. Serialized with
/// the rule id as `rule` and the facts beside it, in kebab-case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum Finding {
    FrozenSpec(FrozenSpec),
    FrozenDesign(FrozenDesign),
    ProtectedPath(ProtectedPath),
    GuardConfig(GuardConfig),
    ProgressUpdate(ProgressUpdate),
    ExecplanReady(ExecplanReady),
    ExecplanSections(ExecplanSections),
    ExecplanDeleted(ExecplanDeleted),
    CommitSize(CommitSize),
    CommitMessage(CommitMessage),
    BranchNetChange(BranchNetChange),
    SpecFreezeOwner(SpecFreezeOwner),
}

/// How a finding's text names the change it is about, worked out from the change when the
/// finding is made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct About {
    /// The commit id, or `None` for a staged change.
    pub commit: Option<String>,
    /// Whether the change has no base commit (a root commit, a branch with no commit yet).
    pub root: bool,
    /// What the change is called: `this commit`, `commit 1a2b3c4`.
    pub subject: String,
    /// What its base is called: `HEAD`, `the parent of 1a2b3c4`.
    pub base: String,
    /// How to take the finding's path back out of the change, for the findings whose hint says
    /// it (`` `git restore --staged --worktree -- specs/a.md` ``); empty for the others.
    pub undo: String,
}

/// A path the change adds that a case-insensitive checkout writes over a protected one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CaseCollision {
    /// The path the change adds.
    pub added: RepoPath,
    /// The protected path of the base that differs from it only in case.
    pub existing: RepoPath,
}

impl CaseCollision {
    /// `what` names what the existing path is: `a protected path`.
    fn message(&self, about: &About, what: &str) -> String {
        format!(
            "{} adds {}, which a case-insensitive checkout (macOS, Windows) writes over {}, {what}.",
            about.subject, self.added, self.existing
        )
    }

    fn hint(&self, about: &About, rule: RuleId) -> String {
        format!(
            "Stop and escalate (`execguard escalate \"<question>\"`); do not retry. Take {added} out ({undo}): a name that differs from a protected one only in case is the same file for many people. A human who means it adds `Execguard-Override: {rule}: <reason>`.",
            added = self.added,
            undo = about.undo
        )
    }
}

impl Finding {
    /// The rule that found it.
    pub fn rule(&self) -> RuleId {
        match self {
            Finding::FrozenSpec(_) => RuleId::FrozenSpec,
            Finding::FrozenDesign(_) => RuleId::FrozenDesign,
            Finding::ProtectedPath(_) => RuleId::ProtectedPath,
            Finding::GuardConfig(_) => RuleId::GuardConfig,
            Finding::ProgressUpdate(_) => RuleId::ProgressUpdate,
            Finding::ExecplanReady(_) => RuleId::ExecplanReady,
            Finding::ExecplanSections(_) => RuleId::ExecplanSections,
            Finding::ExecplanDeleted(_) => RuleId::ExecplanDeleted,
            Finding::CommitSize(_) => RuleId::CommitSize,
            Finding::CommitMessage(_) => RuleId::CommitMessage,
            Finding::BranchNetChange(_) => RuleId::BranchNetChange,
            Finding::SpecFreezeOwner(_) => RuleId::SpecFreezeOwner,
        }
    }

    /// The path it is about, when it is about one.
    pub fn path(&self) -> Option<&RepoPath> {
        match self {
            Finding::FrozenSpec(found) => Some(found.path()),
            Finding::FrozenDesign(found) => Some(found.path()),
            Finding::ProtectedPath(found) => Some(found.path()),
            Finding::GuardConfig(found) => Some(found.path()),
            Finding::ProgressUpdate(found) => found.path(),
            Finding::ExecplanReady(found) => found.path(),
            Finding::ExecplanSections(found) => Some(found.path()),
            Finding::ExecplanDeleted(found) => Some(&found.path),
            Finding::CommitSize(found) => found.path(),
            Finding::CommitMessage(_) => None,
            Finding::BranchNetChange(found) => found.path(),
            Finding::SpecFreezeOwner(found) => Some(&found.path),
        }
    }

    /// Whether an `Execguard-Override` trailer or `EXECGUARD_SKIP` may set it aside; `false` for
    /// findings that would lock the branch if accepted (a config that does not parse).
    pub fn overridable(&self) -> bool {
        match self {
            Finding::GuardConfig(found) => found.overridable(),
            Finding::BranchNetChange(found) => found.overridable(),
            // Who pushes decides it; a trailer anyone can write cannot.
            Finding::SpecFreezeOwner(_) => false,
            _ => true,
        }
    }

    /// What is wrong.
    pub fn message(&self, about: &About) -> String {
        match self {
            Finding::FrozenSpec(found) => found.message(about),
            Finding::FrozenDesign(found) => found.message(about),
            Finding::ProtectedPath(found) => found.message(about),
            Finding::GuardConfig(found) => found.message(about),
            Finding::ProgressUpdate(found) => found.message(about),
            Finding::ExecplanReady(found) => found.message(about),
            Finding::ExecplanSections(found) => found.message(about),
            Finding::ExecplanDeleted(found) => found.message(about),
            Finding::CommitSize(found) => found.message(about),
            Finding::CommitMessage(found) => found.message(about),
            Finding::BranchNetChange(found) => found.message(about),
            Finding::SpecFreezeOwner(found) => found.message(about),
        }
    }

    /// What to do next.
    pub fn hint(&self, about: &About) -> String {
        match self {
            Finding::FrozenSpec(found) => found.hint(about),
            Finding::FrozenDesign(found) => found.hint(about),
            Finding::ProtectedPath(found) => found.hint(about),
            Finding::GuardConfig(found) => found.hint(about),
            Finding::ProgressUpdate(found) => found.hint(about),
            Finding::ExecplanReady(found) => found.hint(about),
            Finding::ExecplanSections(found) => found.hint(),
            Finding::ExecplanDeleted(found) => found.hint(about),
            Finding::CommitSize(found) => found.hint(about),
            Finding::CommitMessage(found) => found.hint(),
            Finding::BranchNetChange(found) => found.hint(about),
            Finding::SpecFreezeOwner(found) => found.hint(about),
        }
    }
}

/// The first seven hex digits of a commit id.
fn short_id(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

/// How a change to a commit already made gets into it: staging cannot, a fixup squashed into it
/// can. `None` for a staged change.
fn fixup_steps(about: &About) -> Option<String> {
    let id = about.commit.as_deref()?;
    let short = short_id(id);
    let onto = if about.root {
        "--root".to_string()
    } else {
        format!("{short}~1")
    };
    Some(format!(
        "commit {short} is already made, so staging and committing again cannot change it: stage the change, run `git commit --fixup={short}`, then `git rebase -i --autosquash {onto}` (or edit {short} itself in `git rebase -i {onto}`), and push again"
    ))
}

/// Several markers as messages name them: `EXEC-READY`, `APPROVED or COMPLETED`.
fn markers_in_words(markers: &[String]) -> String {
    markers.join(" or ")
}

/// `s` for a count other than one.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, EntryKind};

    fn path(text: &str) -> RepoPath {
        RepoPath::from(text)
    }

    /// One finding of every rule, of the kinds whose shape serde could refuse (unit variants,
    /// flattened enums).
    fn one_of_each() -> Vec<Finding> {
        let collision = CaseCollision {
            added: path("specs/Login.md"),
            existing: path("specs/login.md"),
        };
        vec![
            Finding::FrozenSpec(FrozenSpec::case_collision(
                collision.clone(),
                &["EXEC-READY".to_string()],
            )),
            Finding::FrozenDesign(FrozenDesign::changed(
                &path("designs/login.md"),
                "login",
                Action::Renames {
                    to: path("designs/sign-in.md"),
                },
                &path("specs/login.md"),
                &["EXEC-READY".to_string()],
            )),
            Finding::ProtectedPath(ProtectedPath::changed(
                &path("backend/PLANS.md"),
                Action::ChangesMode {
                    from: EntryKind::File,
                    to: EntryKind::Executable,
                },
            )),
            Finding::GuardConfig(GuardConfig::NotAFile(ConfigNotAFile {
                path: path(".execguard.toml"),
                action: Action::Modifies,
                found: EntryKind::Symlink,
            })),
            Finding::ProgressUpdate(ProgressUpdate::NoPlanUpdated(NoPlanUpdated {
                code: CodeChanged {
                    code_path: path("src/a.rs"),
                    code_files: 2,
                },
                section: "Progress".to_string(),
                unplanned_branch: None,
                reworded: vec![],
                reworded_features: vec![],
                execplans: "plans/<feature>-execplan.md".to_string(),
                reverts: None,
                unattributed: false,
                small_plan_touch: None,
                unverified_revert: None,
                touched_plan: None,
            })),
            Finding::ExecplanReady(ExecplanReady::PlanNotReady(PlanNotReady {
                feature: "login".to_string(),
                plan: path("plans/login-execplan.md"),
                problem: PlanProblem::NotReady,
                markers: vec!["EXECPLAN-READY".to_string()],
            })),
            Finding::ExecplanSections(ExecplanSections::SpecNotNamed(SpecNotNamed {
                path: path("plans/login-execplan.md"),
                feature: "login".to_string(),
                spec: Some(path("specs/login.md")),
                specs: "specs/**/*.md".to_string(),
            })),
            Finding::ExecplanDeleted(ExecplanDeleted {
                path: path("plans/login-execplan.md"),
                feature: "login".to_string(),
                removal: PlanRemoval::MovesAway {
                    to: path("archive/login.md"),
                },
                ready: true,
                open_items: 2,
                markers: vec!["EXECPLAN-READY".to_string()],
                section: "Progress".to_string(),
                advice: false,
                merged: None,
            }),
            Finding::CommitSize(CommitSize::BinaryContent(BinaryContent {
                bytes: 300_000,
                files: vec![path("a.bin")],
                max_binary_bytes: 262_144,
            })),
            Finding::CommitMessage(CommitMessage::NoSubject),
            Finding::SpecFreezeOwner(SpecFreezeOwner {
                path: path("specs/pay.md"),
                act: OwnerAct::Freezes,
                pusher: Some("agent".to_string()),
                owners: vec!["ana".to_string()],
                advice: false,
            }),
            Finding::CommitMessage(CommitMessage::BadOverride(OverrideProblem {
                value: "frozen-specs: ok".to_string(),
                problem: OverrideFault::UnknownRule("frozen-specs".to_string()),
            })),
            Finding::CommitMessage(CommitMessage::PlaceholderSubject {
                subject: "___".to_string(),
            }),
            Finding::CommitMessage(CommitMessage::BadOverride(OverrideProblem {
                value: "frozen-spec: ___".to_string(),
                problem: OverrideFault::PlaceholderReason("___".to_string()),
            })),
            Finding::ProgressUpdate(ProgressUpdate::UnplannedComplexWork(UnplannedComplexWork {
                code: CodeChanged {
                    code_path: path("src/a.rs"),
                    code_files: 7,
                },
                section: "Progress".to_string(),
                written_files: 7,
                code_lines: 201,
                max_lines: 200,
                max_files: 6,
                folders: 2,
                spread_lines: 100,
                spread_folders: 3,
                execplans: "plans/<feature>-execplan.md".to_string(),
                set_aside: vec![SetAsidePlan {
                    plan: path("plans/completed/a-execplan.md"),
                    why: SetAsideWhy::Closed,
                }],
                unverified_revert: None,
            })),
            Finding::ExecplanSections(ExecplanSections::NotAPlan(NotAPlan {
                path: path("plans/audit-execplan.md"),
                feature: "audit".to_string(),
                is: BesidePlans::Named {
                    called: "findings".to_string(),
                },
                sections: vec!["Progress".to_string()],
                marker: "EXECPLAN-READY".to_string(),
            })),
        ]
    }

    #[test]
    fn blanks_left_to_fill_are_placeholders_and_words_are_not() {
        for blank in [
            "___",
            "...",
            "<reason>",
            "<subject>",
            "[reason]",
            "TODO",
            "reason",
            "tbd",
        ] {
            assert!(is_placeholder(blank), "{blank}");
        }
        for words in [
            "approved by Ana in SPEC-12",
            "Widen the spec",
            "Fix the reason check",
        ] {
            assert!(!is_placeholder(words), "{words}");
        }
    }

    #[test]
    fn every_finding_serializes_tagged_by_its_rule_and_a_kind() {
        for finding in one_of_each() {
            let value = serde_json::to_value(&finding).expect("serializes");
            assert_eq!(value["rule"], finding.rule().as_str(), "{value:#}");
            assert!(value["kind"].is_string(), "{value:#}");
        }
    }

    #[test]
    fn flattened_facts_sit_beside_the_tags() {
        let all = one_of_each();
        let design = serde_json::to_value(&all[1]).unwrap();
        assert_eq!(design["action"], "renames", "{design:#}");
        assert_eq!(design["to"], "designs/sign-in.md", "{design:#}");
        let mode = serde_json::to_value(&all[2]).unwrap();
        assert_eq!(mode["action"], "changes-mode", "{mode:#}");
        assert_eq!(mode["from"], "file", "{mode:#}");
        let moved = serde_json::to_value(&all[7]).unwrap();
        assert_eq!(moved["kind"], "moves-away", "{moved:#}");
        assert_eq!(moved["to"], "archive/login.md", "{moved:#}");
        let bad_override = all
            .iter()
            .map(|finding| serde_json::to_value(finding).unwrap())
            .find(|value| value["problem"] == "unknown-rule")
            .expect("an unknown-rule override");
        assert_eq!(bad_override["problem"], "unknown-rule", "{bad_override:#}");
        let beside = all
            .iter()
            .map(|finding| serde_json::to_value(finding).unwrap())
            .find(|value| value["kind"] == "not-a-plan")
            .expect("a document beside the plans");
        assert_eq!(beside["is"], "named", "{beside:#}");
        assert_eq!(beside["called"], "findings", "{beside:#}");
        assert_eq!(bad_override["name"], "frozen-specs", "{bad_override:#}");
    }

    #[test]
    fn a_config_nobody_can_load_is_the_only_finding_no_trailer_sets_aside() {
        for finding in one_of_each() {
            let unloadable = matches!(finding, Finding::GuardConfig(GuardConfig::NotAFile(_)))
                || matches!(finding, Finding::SpecFreezeOwner(_));
            assert_eq!(finding.overridable(), !unloadable, "{finding:?}");
        }
    }
}
