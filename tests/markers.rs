#![allow(clippy::unwrap_used)]
//! Markers and Progress read as a person reads them, judged by the server's pre-receive hook.
//!
//! Each spec form is written by the human before the server exists; the agent then pushes an
//! edit of the spec to `exec/login`. A form that freezes has the push refused by `frozen-spec`
//! with the server ref unmoved; a form that does not freeze has the same push land.

use crate::common;

use common::server::*;
use common::*;

/// The EXEC fixture with `specs/login.md` holding `form` between a title and a body, committed
/// (by the human, hooks bypassed) before the server is set up.
fn spec_fixture(form: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(
        "specs/login.md",
        format!("# Login\n\n{form}\n\nUsers log in with a password.\n"),
    );
    repo.commit_unchecked("Write the login spec");
    setup_server(&repo);
    repo
}

#[track_caller]
fn assert_freezes(form: &str) {
    let repo = spec_fixture(form);
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    commit_spec_edit(&repo, "Tweak the spec");
    let run = push(&repo, &["origin", "exec/login"]);
    assert!(
        run.code == Some(1),
        "{form:?} should freeze the spec: {run:#?}"
    );
    assert_server_refused(&run, "frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(before),
        "the server ref did not move for {form:?}"
    );
}

#[track_caller]
fn assert_does_not_freeze(form: &str) {
    let repo = spec_fixture(form);
    let edit = commit_spec_edit(&repo, "Refine the draft spec");
    let run = push(&repo, &["origin", "exec/login"]);
    assert!(run.ok(), "{form:?} should not freeze the spec: {run:#?}");
    run.assert_not_flagged("frozen-spec");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(edit));
}

/// One test per form: `name => "form",`.
macro_rules! spec_forms {
    ($check:ident: $($name:ident => $form:expr,)*) => {
        $(
            #[test]
            fn $name() {
                $check($form);
            }
        )*
    };
}

spec_forms! { assert_freezes:
    bare_marker_freezes => "EXEC-READY",
    bold_marker_freezes => "**EXEC-READY**",
    inline_code_marker_freezes => "`EXEC-READY`",
    heading_marker_freezes => "## EXEC-READY",
    labelled_marker_freezes => "Status: EXEC-READY",
    bold_label_freezes => "**Status:** EXEC-READY",
    html_comment_marker_freezes => "<!-- EXEC-READY -->",
    trailing_full_stop_freezes => "Status: EXEC-READY.",
    trailing_parenthetical_freezes => "Status: EXEC-READY (approved by Ana)",
    table_row_freezes => "| Field | Value |\n|---|---|\n| Status | EXEC-READY |",
    emoji_before_freezes => "✅ EXEC-READY",
    checked_task_freezes => "- [x] EXEC-READY",
    list_continuation_paragraph_freezes => "- Reviewed by Ana\n\n  EXEC-READY",
    block_quote_freezes => "> **Status:** EXEC-READY",
    zero_width_space_inside_freezes => "EXEC\u{200b}-READY",
    zero_width_non_joiner_inside_freezes => "EXEC-\u{200c}READY",
    zero_width_joiner_inside_freezes => "EX\u{200d}EC-READY",
    word_joiner_around_freezes => "\u{2060}EXEC-READY\u{2060}",
    byte_order_mark_around_freezes => "\u{feff}EXEC-READY\u{feff}",
    non_breaking_space_after_label_freezes => "Status:\u{a0}EXEC-READY",
    narrow_no_break_space_after_label_freezes => "Status:\u{202f}EXEC-READY",
    em_space_after_label_freezes => "Status:\u{2003}EXEC-READY",
    non_breaking_hyphen_freezes => "EXEC\u{2011}READY",
    unicode_hyphen_freezes => "EXEC\u{2010}READY",
    figure_dash_freezes => "EXEC\u{2012}READY",
    en_dash_freezes => "EXEC\u{2013}READY",
    minus_sign_freezes => "Status: EXEC\u{2212}READY",
    // Markers match without regard to case, as section titles do.
    other_case_freezes => "Status: Exec-Ready",
    lower_case_freezes => "status: exec-ready",
}

spec_forms! { assert_does_not_freeze:
    unchecked_task_does_not_freeze => "- [ ] EXEC-READY",
    struck_marker_does_not_freeze => "~~EXEC-READY~~",
    fenced_code_block_does_not_freeze => "```\nEXEC-READY\n```",
    tilde_fence_does_not_freeze => "~~~md\nStatus: EXEC-READY\n~~~",
    indented_code_block_does_not_freeze => "    EXEC-READY",
    negation_does_not_freeze => "Not EXEC-READY",
    not_yet_does_not_freeze => "This spec is not yet EXEC-READY.",
    future_mention_does_not_freeze => "This spec will be EXEC-READY soon",
    question_does_not_freeze => "Status: EXEC-READY?",
    other_marker_does_not_freeze => "EXECPLAN-READY",
}

// ---- progress-update -----------------------------------------------------------------------

const ENTRIES: &str =
    "- [x] (2026-01-01 09:00Z) Plan written.\n- [ ] (2026-01-01 09:30Z) Wire the session store.\n";
const SWAPPED: &str =
    "- [ ] (2026-01-01 09:30Z) Wire the session store.\n- [x] (2026-01-01 09:00Z) Plan written.\n";

/// The EXEC fixture whose plan has two Progress entries, on a server.
fn progress_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("- [x] (2026-01-01 09:00Z) Plan written.\n", ENTRIES);
    repo.write("plans/login-execplan.md", plan);
    repo.commit_unchecked("Plan the session store");
    setup_server(&repo);
    repo
}

/// A code commit whose only Progress change is `edit` is refused by `progress-update`; the same
/// commit with a real new entry added lands.
#[track_caller]
fn assert_not_an_update(edit: impl FnOnce(&str) -> String) {
    let repo = progress_fixture();
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let plan = repo.read("plans/login-execplan.md");
    let edited = edit(&plan);
    assert_ne!(edited, plan, "the case edits the plan");
    repo.write("plans/login-execplan.md", edited);
    repo.commit_unchecked("Add logout");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "progress-update");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(before));

    repo.add_progress("Logout added.");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--amend", "--no-verify", "--no-edit"]);
    let run = push(&repo, &["origin", "exec/login"]);
    assert!(run.ok(), "the twin with a new entry lands: {run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

fn before_next_section(plan: &str, addition: &str) -> String {
    plan.replace(
        "## Surprises & Discoveries",
        &format!("{addition}\n## Surprises & Discoveries"),
    )
}

#[test]
fn swapping_two_progress_lines_is_not_an_update() {
    assert_not_an_update(|plan| plan.replace(ENTRIES, SWAPPED));
}

#[test]
fn an_empty_comment_in_progress_is_not_an_update() {
    assert_not_an_update(|plan| before_next_section(plan, "<!-- -->\n"));
}

#[test]
fn a_fenced_code_block_in_progress_is_not_an_update() {
    assert_not_an_update(|plan| before_next_section(plan, "```\nlogout added\n```\n"));
}

#[test]
fn re_spacing_progress_lines_is_not_an_update() {
    assert_not_an_update(|plan| {
        plan.replace("- [x] (2026-01-01 09:00Z)", "-   [x]  (2026-01-01 09:00Z)")
    });
}

#[test]
fn ticking_a_progress_box_is_an_update() {
    let repo = progress_fixture();
    repo.append("src/auth.rs", "pub fn store() {}\n");
    let plan = repo.read("plans/login-execplan.md");
    repo.write(
        "plans/login-execplan.md",
        plan.replace("- [ ] (2026-01-01 09:30Z)", "- [x] (2026-01-01 09:30Z)"),
    );
    repo.commit_unchecked("Wire the session store");
    let run = push(&repo, &["origin", "exec/login"]);
    assert!(run.ok(), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}
