//! One module per rule, named after its id. Each has a `DOC` (printed by `execguard explain`) and
//! a `check` over the [`Context`].

use crate::config::CONFIG_PATH;
use crate::engine::Context;
use crate::findings::{
    CaseCollision, Finding, FrozenDesign, FrozenSpec, GuardConfig, ProtectedPath,
};
pub(crate) use crate::model::Action;
use crate::model::{FileChange, RepoPath, Side, TreeError};
use crate::registry::RuleId;
use crate::report::Violation;

/// Declares a rule's documentation once, as both its rustdoc and the text `explain` prints.
macro_rules! rule_doc {
    ($text:literal) => {
        #[doc = $text]
        pub const DOC: &str = $text;
    };
}

pub mod commit_message;
pub mod commit_size;
pub mod execplan_ready;
pub mod execplan_sections;
pub mod frozen_design;
pub mod frozen_spec;
pub mod guard_config;
pub mod progress_update;
pub mod protected_path;

pub(crate) fn run(rule: RuleId, cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let mut found = run_rule(rule, cx)?;
    if rule.is_path_rule() {
        found.extend(case_collisions(rule, cx)?);
    }
    Ok(found)
}

fn run_rule(rule: RuleId, cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    match rule {
        RuleId::FrozenSpec => frozen_spec::check(cx),
        RuleId::FrozenDesign => frozen_design::check(cx),
        RuleId::ProtectedPath => protected_path::check(cx),
        RuleId::GuardConfig => guard_config::check(cx),
        RuleId::ProgressUpdate => progress_update::check(cx),
        RuleId::ExecplanReady => execplan_ready::check(cx),
        RuleId::ExecplanSections => execplan_sections::check(cx),
        RuleId::CommitSize => commit_size::check(cx),
        RuleId::CommitMessage => commit_message::check(cx),
    }
}

/// Whether `rule` protects `path` on `side`: a change to it there would be a finding. Only the
/// path rules protect paths.
pub(crate) fn protects(
    rule: RuleId,
    cx: &Context<'_>,
    side: Side,
    path: &RepoPath,
) -> Result<bool, TreeError> {
    match rule {
        RuleId::FrozenSpec => frozen_spec::protects(cx, side, path),
        RuleId::FrozenDesign => frozen_design::protects(cx, side, path),
        RuleId::ProtectedPath => Ok(cx.config.rules.protected_path.paths.is_match(path)),
        RuleId::GuardConfig => Ok(path.as_bytes() == CONFIG_PATH.as_bytes()),
        _ => Ok(false),
    }
}

/// A path the change adds that a case-insensitive checkout (macOS, Windows) writes over a path
/// that `rule` protects in the base: `specs/Login.md` beside a frozen `specs/login.md` is that
/// spec for many of the people who check it out.
fn case_collisions(rule: RuleId, cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    let mut found = Vec::new();
    for (added, existing) in cx.case_collisions()? {
        if !protects(rule, cx, Side::Base, &existing)? {
            continue;
        }
        let undo = match &cx.change.commit {
            None => format!("`git rm --cached -- {added}`, then delete or rename the file"),
            Some(_) => cx.undo_hint(&added),
        };
        let collision = CaseCollision { added, existing };
        let finding = match rule {
            RuleId::FrozenSpec => Finding::FrozenSpec(FrozenSpec::case_collision(
                collision,
                cx.config.layout.spec_marker.names(),
            )),
            RuleId::FrozenDesign => Finding::FrozenDesign(FrozenDesign::CaseCollision(collision)),
            RuleId::ProtectedPath => {
                Finding::ProtectedPath(ProtectedPath::CaseCollision(collision))
            }
            _ => Finding::GuardConfig(GuardConfig::CaseCollision(collision)),
        };
        found.push(cx.violation_with_undo(finding, undo));
    }
    Ok(found)
}

/// Every (path, action) pair of the change: both ends of a rename are reported.
pub(crate) fn actions<'a>(
    files: &'a [FileChange],
) -> impl Iterator<Item = (&'a FileChange, &'a RepoPath, Action)> + 'a {
    files.iter().flat_map(|file| {
        let old = file
            .renamed_from
            .as_ref()
            .and_then(|from| Action::of(file, true).map(|a| (file, from, a)));
        let new = Action::of(file, false).map(|a| (file, &file.path, a));
        old.into_iter().chain(new)
    })
}
