#![allow(clippy::unwrap_used)]
//! Each rule, refused and allowed, through commits that git makes with the installed hooks. One
//! case per (rule, situation): the fixture, the edit, the commit, what the user sees.

use crate::common;

use common::scenario::{constants, Scenario, PLAN, SPEC};
use common::*;

// ---- frozen-spec ---------------------------------------------------------------------------

#[test]
fn frozen_spec_edit_is_refused_and_nothing_is_committed() {
    Scenario::exec()
        .append(SPEC, "Also support passkeys.\n")
        .commit_all("Tweak the spec")
        .refused("frozen-spec")
        .mentions("specs/login.md")
        // The message tells the agent to stop.
        .mentions("SPEC mode")
        .file_contains(SPEC, "passkeys");
}

#[test]
fn frozen_spec_delete_and_rename_are_refused() {
    Scenario::exec()
        .git(["rm", "-q", SPEC])
        .commit("Remove the spec")
        .refused("frozen-spec")
        .git(["reset", "-q", "--hard"])
        .git(["mv", SPEC, "specs/signin.md"])
        .commit("Rename the spec")
        .refused("frozen-spec")
        .mentions("renames specs/login.md to specs/signin.md");
}

#[test]
fn removing_the_marker_is_a_modification() {
    Scenario::exec()
        .write(SPEC, SPEC_DRAFT)
        .commit_all("Unfreeze")
        .refused("frozen-spec");
}

#[test]
fn freezing_a_spec_and_editing_a_draft_are_allowed() {
    Scenario::installed()
        .write("specs/search.md", "# Search\n\nDraft.\n")
        .commit_all("Draft the search spec")
        .accepted()
        .append("specs/search.md", "More detail.\n")
        .commit_all("Refine the search spec")
        .accepted()
        .write(
            "specs/search.md",
            "# Search\n\n**EXEC-READY**\n\nMore detail.\n",
        )
        .commit_all("Freeze the search spec")
        .accepted()
        .append("specs/search.md", "Late change.\n")
        .commit_all("Late change")
        .refused("frozen-spec");
}

/// A spec committed by a human with `content`, then edited by an agent with `edit`.
fn edited_spec(path: &str, content: &str, edit: &str) -> Scenario {
    Scenario::installed()
        .named(content)
        .write(path, content)
        .setup_commit("Spec")
        .append(path, edit)
        .commit_all("Edit")
}

#[test]
fn nested_specs_are_frozen_too() {
    edited_spec(
        "specs/auth/deep/login.md",
        "Status: EXEC-READY\n\n# Login\n",
        "edit\n",
    )
    .refused("frozen-spec");
}

#[test]
fn every_marker_decoration_freezes() {
    for marker in [
        "EXEC-READY",
        "**EXEC-READY**",
        "`EXEC-READY`",
        "Status: EXEC-READY",
        "<!-- EXEC-READY -->",
        "## EXEC-READY",
    ] {
        edited_spec(
            "specs/x.md",
            &format!("# X\n\n{marker}\n\nBody.\n"),
            "edit\n",
        )
        .exit_code(1)
        .refused("frozen-spec");
    }
}

#[test]
fn mentions_of_the_marker_do_not_freeze() {
    for text in [
        "# X\n\nThis is not yet EXEC-READY.\n",
        "# X\n\n```\nEXEC-READY\n```\n",
        "# X\n\n~~~\nEXEC-READY\n~~~\n",
        "# X\n\nEXECPLAN-READY\n",
    ] {
        edited_spec("specs/x.md", text, "edit\n").accepted();
    }
}

#[test]
fn bom_and_crlf_do_not_hide_the_marker() {
    edited_spec(
        "specs/x.md",
        "\u{feff}# X\r\n\r\nEXEC-READY\r\n\r\nBody.\r\n",
        "edit\r\n",
    )
    .refused("frozen-spec");
}

// ---- frozen-design -------------------------------------------------------------------------

#[test]
fn design_note_is_read_only_while_spec_is_frozen() {
    Scenario::exec()
        .append("designs/login.md", "New convention.\n")
        .commit_all("Change the design")
        .refused("frozen-design")
        .mentions("designs/login.md");
}

#[test]
fn design_note_of_a_draft_spec_may_change() {
    Scenario::installed()
        .write(SPEC, SPEC_DRAFT)
        .write("designs/login.md", "# Design\n")
        .setup_commit("Draft")
        .append("designs/login.md", "More.\n")
        .commit_all("Design more")
        .accepted();
}

// ---- protected-path ------------------------------------------------------------------------

#[test]
fn plans_md_may_not_be_touched() {
    Scenario::exec()
        .append("backend/PLANS.md", "Sections are optional.\n")
        .commit_all("Relax the rules")
        .refused("protected-path");
}

#[test]
fn adding_plans_md_is_refused() {
    Scenario::installed()
        .write("backend/PLANS.md", "# Rules\n")
        .commit_all("Add the rules")
        .refused("protected-path");
}

// ---- guard-config --------------------------------------------------------------------------

#[test]
fn config_may_be_tightened_but_not_loosened() {
    Scenario::installed()
        .write(".execguard.toml", "[rules.commit-size]\nmax-lines = 300\n")
        .commit_all("Add the guard config")
        .accepted()
        .write(".execguard.toml", "[rules.commit-size]\nmax-lines = 200\n")
        .commit_all("Tighten the guard")
        .accepted()
        .write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n")
        .commit_all("Relax the guard")
        .refused("guard-config")
        .git(["reset", "-q", "--hard"])
        // Deleting it puts the looser default back in force.
        .git(["rm", "-q", ".execguard.toml"])
        .commit("Drop the guard")
        .refused("guard-config")
        .commits(2);
}

// ---- progress-update -----------------------------------------------------------------------

#[test]
fn code_without_progress_is_refused() {
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .commit_all("Add logout")
        .refused("progress-update")
        .mentions(PLAN);
}

#[test]
fn code_with_progress_is_allowed() {
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .commit_all("Add logout")
        .accepted();
}

#[test]
fn progress_outside_the_section_or_whitespace_only_does_not_count() {
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .replace(PLAN, "- Keep sessions", "- Keep  sessions")
        .replace(
            PLAN,
            "- [x] (2026-01-01 09:00Z) Plan written.",
            "-  [x] (2026-01-01 09:00Z)  Plan written.",
        )
        .append(PLAN, "\nExtra note.\n")
        .commit_all("Add logout")
        .refused("progress-update");
}

#[test]
fn execplan_trailer_names_the_feature() {
    Scenario::exec()
        .git(["checkout", "-q", "-b", "misc"])
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .git(["add", "-A"])
        .commit("Add logout\n\nExecplan: login")
        .accepted()
        // The trailer names a feature whose Progress was not updated.
        .append("src/auth.rs", "pub fn again() {}\n")
        .progress("Again.")
        .git(["add", "-A"])
        .commit("Add again\n\nExecplan: search")
        .refused("progress-update")
        .mentions("plans/search-execplan.md");
}

#[test]
fn non_code_changes_need_no_progress() {
    Scenario::exec()
        .write("docs/notes.md", "# Notes\n")
        .commit_all("Add notes")
        .accepted();
}

// ---- execplan-ready ------------------------------------------------------------------------

/// A spec and an execplan as given, committed by a human; on `exec/login` the agent then adds
/// code with a Progress entry.
fn code_under(spec: &str, plan: &str) -> Scenario {
    Scenario::installed()
        .write(SPEC, spec)
        .write(PLAN, plan)
        .write("src/auth.rs", "pub fn login() {}\n")
        .setup_commit("Set up")
        .git(["checkout", "-q", "-b", "exec/login"])
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout.")
        .commit_all("Add logout")
}

#[test]
fn code_before_the_plan_is_ready_is_refused() {
    code_under(
        SPEC_FROZEN,
        &PLAN_READY.replace("EXECPLAN-READY", "Status: draft"),
    )
    .refused("execplan-ready")
    .mentions("EXECPLAN-READY");
}

#[test]
fn code_before_the_spec_is_frozen_is_refused() {
    code_under(SPEC_DRAFT, PLAN_READY)
        .refused("execplan-ready")
        .mentions("not frozen");
}

// ---- execplan-sections ---------------------------------------------------------------------

#[test]
fn plan_missing_a_section_is_refused() {
    Scenario::exec()
        .replace(PLAN, "## Decision Log", "## Decisions")
        .commit_all("Rename a section")
        .refused("execplan-sections")
        .mentions("Decision Log");
}

#[test]
fn plan_must_mention_its_spec() {
    Scenario::exec()
        .replace(PLAN, "Spec: specs/login.md\n", "")
        .commit_all("Drop the spec link")
        .refused("execplan-sections")
        .mentions("specs/login.md");
}

#[test]
fn plan_with_varied_heading_styles_is_accepted() {
    Scenario::exec()
        .write(
            PLAN,
            "---\ntitle: login\n---\n# Login\n\nEXECPLAN-READY\n\nImplements specs/login.md.\n\n### progress ###\n- [X] 2026-02-02 18:45Z one\n  continued\n- [ ] M0 (2026-06-21): two\n\n#### SURPRISES AND DISCOVERIES\n\n## decision log\n\n## Outcomes & Retrospective ##\n",
        )
        .commit_all("Restyle the plan")
        .accepted();
}

// ---- commit-size ---------------------------------------------------------------------------

#[test]
fn large_commit_is_refused_with_figures() {
    Scenario::exec()
        .write("src/consts.rs", constants("C", 450))
        .progress("Constants.")
        .commit_all("Add constants")
        .refused("commit-size")
        .mentions("450 lines")
        .mentions("400 lines");
}

#[test]
fn too_many_files_is_refused() {
    Scenario::exec()
        .with(|repo| {
            for i in 0..26 {
                repo.write(&format!("src/m{i}.rs"), "pub fn f() {}\n");
            }
        })
        .progress("Modules.")
        .commit_all("Add modules")
        .refused("commit-size")
        .mentions("27 files");
}

#[test]
fn lockfiles_and_plans_do_not_count_toward_lines() {
    // A real lockfile: one with the name and other content counts (see tests/counting.rs).
    let lock: String = (0..500)
        .map(|i| format!("\n[[package]]\nname = \"dep-{i}\"\nversion = \"1.0.{i}\"\n"))
        .collect();
    Scenario::exec()
        .write(
            "Cargo.lock",
            format!("# This file is automatically @generated by Cargo.\nversion = 4\n{lock}"),
        )
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout and lockfile.")
        .commit_all("Add logout")
        .accepted();
}

#[test]
fn oversized_blob_is_refused() {
    Scenario::exec()
        .write("assets/blob.bin", vec![7u8; 1024 * 1024 + 1])
        .progress("Asset.")
        .commit_all("Add asset")
        .refused("commit-size")
        .mentions("assets/blob.bin");
}

// ---- commit-message ------------------------------------------------------------------------

#[test]
fn long_subject_is_refused() {
    Scenario::installed()
        .write("README.md", "# x\n")
        .commit_all(&"A".repeat(73))
        .refused("commit-message")
        .mentions("73 characters")
        .commits(0)
        .commit(&"A".repeat(72))
        .accepted();
}

#[test]
fn malformed_override_is_refused() {
    Scenario::installed()
        .write("README.md", "# x\n")
        .git(["add", "-A"])
        .commit("Docs\n\nExecguard-Override: no-such-rule: because")
        .refused("commit-message")
        .commit("Docs\n\nExecguard-Override: frozen-spec:")
        .refused("commit-message");
}

// ---- overrides -----------------------------------------------------------------------------

/// `git commit -q -m message` of what is staged, with `EXECGUARD_SKIP` set to `rules`.
fn commit_skipping(rules: &str, message: &str) -> impl FnOnce(&TestRepo) -> Run {
    let (rules, message) = (rules.to_string(), message.to_string());
    move |repo| {
        Run::from_command(
            repo.command("git")
                .env("EXECGUARD_SKIP", rules)
                .args(["commit", "-q", "-m", &message]),
        )
    }
}

#[test]
fn skip_then_override_trailer_lets_a_human_through() {
    Scenario::exec()
        .append(SPEC, "Approved amendment.\n")
        .git(["add", "-A"])
        // Without the trailer, EXECGUARD_SKIP alone does not get the commit through.
        .attempt(commit_skipping("frozen-spec", "Amend the spec"))
        .refused("frozen-spec")
        .commits(1)
        // With it, the commit lands and the override is reported.
        .attempt(commit_skipping(
            "frozen-spec",
            "Amend the spec\n\nExecguard-Override: frozen-spec: approved by Ana in SPEC-12",
        ))
        .accepted()
        .mentions("overridden[frozen-spec]")
        .commits(2);
}

#[test]
fn unknown_rule_in_skip_refuses_with_exit_2() {
    Scenario::exec()
        .append("src/auth.rs", "x\n")
        .git(["add", "-A"])
        .attempt(commit_skipping("frozen-spce", "x"))
        // git reports the hook's failure as its own exit 1.
        .exit_code(1)
        .failed()
        .mentions("unknown rule `frozen-spce`")
        .commits(1);
}

// ---- config --------------------------------------------------------------------------------

#[test]
fn disabled_rule_does_not_refuse() {
    Scenario::exec()
        .write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n")
        .setup_commit("Human disables frozen-spec")
        .append(SPEC, "edit\n")
        .commit_all("Edit spec")
        .accepted();
}

#[test]
fn a_commit_cannot_relax_the_rules_that_judge_it() {
    Scenario::exec()
        .write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n")
        .append(SPEC, "edit\n")
        .commit_all("Sneak it in")
        .refused("frozen-spec");
}

#[test]
fn scope_limits_the_branches() {
    Scenario::exec()
        .write(".execguard.toml", "[scope]\nbranches = [\"exec/**\"]\n")
        .setup_commit("Scope to exec branches")
        .git(["checkout", "-q", "-b", "human/edit"])
        .append(SPEC, "Human edit.\n")
        .commit_all("Human edits the spec")
        .accepted()
        .git(["checkout", "-q", "exec/login"])
        .append(SPEC, "Agent edit.\n")
        .commit_all("Agent edits the spec")
        .refused("frozen-spec");
}

#[test]
fn broken_config_refuses_with_exit_2_and_names_the_line() {
    Scenario::exec()
        .write(".execguard.toml", "[rules.commit-size]\nmax-line = 10\n")
        .setup_commit("Broken config")
        .write("docs/a.md", "# a\n")
        .commit_all("Docs")
        .failed()
        .mentions("HEAD:.execguard.toml:2:1")
        .mentions("max-line")
        .mentions("exit code 2")
        .check(|repo, _| {
            let direct = repo.execguard(["check"]);
            assert_eq!(direct.code, Some(2), "{direct:#?}");
        });
}
