//! `progress-update` for an open milestone that records each finished step in its own text,
//! `(completed: A; B; remaining: C, D)`: the commit appends its step to `completed:`, naming the
//! file it adds, and takes the step off `remaining:`. The item loses words, so it is not a report
//! that keeps every word it had; it still says what the commit did. A rewording made to look
//! busy stays refused. Each case runs the installed hooks on a branch that names no feature.

use super::common::scenario::{Scenario, PLAN};

const FIRST_ENTRY: &str = "- [x] (2026-01-01 09:00Z) Plan written.\n";

/// The open milestone before the commit: one step done, three remaining.
const MILESTONE: &str = "- [ ] Split `src/app/state.rs` into focused modules (completed: moved \
    the settings into `src/app/settings_state.rs` and made `App` delegate there; remaining: \
    approval, history and viewport boundaries).\n";

/// The plan with `MILESTONE` open on branch `work`, and the commit's code: the module it adds
/// and the file it is taken out of.
fn milestone_commit() -> Scenario {
    Scenario::exec()
        .git(["checkout", "-q", "-b", "work"])
        .replace(PLAN, FIRST_ENTRY, &format!("{FIRST_ENTRY}{MILESTONE}"))
        .write("src/app/state.rs", "pub struct App;\npub fn approve() {}\n")
        .setup_commit("Plan the split")
        .write("src/app/state.rs", "pub struct App;\n")
        .write("src/app/approval_state.rs", "pub fn approve() {}\n")
}

/// carlos's runtime modularization: each commit appended its step to `completed:`, naming the
/// module it added, and took it off `remaining:` (the step's word lost there), and one also
/// condensed an earlier step. Each was refused as "only rewords existing Progress entries".
#[test]
fn an_open_milestone_moving_its_step_from_remaining_to_completed_is_progress() {
    for (label, from, to) in [
        (
            "the step appended with its file's path",
            "delegate there; remaining: approval, history",
            "delegate there; moved the approval requests into `src/app/approval_state.rs`; \
             remaining: history",
        ),
        (
            "an earlier step condensed, the file by its name",
            "`src/app/settings_state.rs` and made `App` delegate there; remaining: approval, \
             history",
            "`src/app/settings_state.rs`; moved the approval requests into `approval_state.rs`; \
             remaining: history",
        ),
    ] {
        milestone_commit()
            .named(label)
            .replace(PLAN, from, to)
            .commit_all("state: extract approval state")
            .accepted();
    }
}

/// A milestone that says more than it did is progress whatever its new clause names: a clause
/// of four words or more is what a new entry of its own would need, and a new entry is not asked
/// to name a file.
#[test]
fn an_open_milestone_gaining_a_clause_is_progress() {
    for (label, to) in [
        (
            "a new clause that names no file",
            "delegate there; moved the approval requests into their own module; remaining: \
             history",
        ),
        (
            "a new clause that names a file the commit does not touch",
            "delegate there; moved the approval requests into `src/app/approvals.rs`; \
             remaining: history",
        ),
        (
            "a new clause naming a file the item named already",
            "delegate there; moved the approval requests out of `src/app/state.rs`; remaining: \
             history",
        ),
    ] {
        milestone_commit()
            .named(label)
            .replace(PLAN, "delegate there; remaining: approval, history", to)
            .commit_all("state: extract approval state")
            .accepted();
    }
}

/// A done entry extended by what the commit added to the work it records (a tunable setting
/// added to a finished milestone) was refused as "only rewords".
#[test]
fn a_done_entry_extended_by_the_commit_s_work_is_progress() {
    let done = "- [x] (2026-01-02) M1 gamma-correct grayscale (vector only). Awaiting review.\n";
    let planned = || {
        Scenario::exec()
            .git(["checkout", "-q", "-b", "work"])
            .replace(PLAN, FIRST_ENTRY, &format!("{FIRST_ENTRY}{done}"))
            .write("src/render.rs", "pub fn render() {}\n")
            .setup_commit("Plan and first milestone")
            .write("src/weight.rs", "pub fn weight() -> f32 { 1.0 }\n")
    };
    planned()
        .named("extended")
        .replace(
            PLAN,
            "(vector only).",
            "(vector only), plus a user-tunable text weight setting with a live slider.",
        )
        .commit_all("render: text weight setting")
        .accepted();
    planned()
        .named("reworded")
        .replace(
            PLAN,
            "(vector only). Awaiting review.",
            "(vector, not classic). Review pending.",
        )
        .commit_all("render: text weight setting")
        .refused("progress-update")
        .mentions("only rewords");
}

/// Rewordings that record no step of this commit: each is refused as one, as before.
#[test]
fn rewording_an_open_milestone_without_a_step_of_the_commit_is_refused() {
    for (label, from, to) in [
        ("a synonym swapped", "viewport boundaries", "viewport seams"),
        (
            "the remaining steps reordered",
            "approval, history and viewport",
            "viewport, history and approval",
        ),
        (
            "a remaining step only removed",
            "approval, history",
            "history",
        ),
    ] {
        milestone_commit()
            .named(label)
            .replace(PLAN, from, to)
            .commit_all("state: extract approval state")
            .refused("progress-update")
            .mentions("only rewords");
    }
}
