#![allow(clippy::unwrap_used)]
//! Each rule, refused and allowed, through commits that git makes with the installed hooks.

mod common;

use common::*;

fn fixture() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo
}

// ---- frozen-spec ---------------------------------------------------------------------------

#[test]
fn frozen_spec_edit_is_refused_and_nothing_is_committed() {
    let repo = fixture();
    let before = repo.head();
    repo.append("specs/login.md", "Also support passkeys.\n");
    let run = repo.commit_all("Tweak the spec");
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert!(
        run.stderr.contains("SPEC mode"),
        "message tells the agent to stop: {run:#?}"
    );
    assert_eq!(repo.head(), before, "no commit was made");
    assert!(
        repo.read("specs/login.md").contains("passkeys"),
        "the working file is untouched"
    );
}

#[test]
fn frozen_spec_delete_and_rename_are_refused() {
    let repo = fixture();
    repo.git(["rm", "-q", "specs/login.md"]);
    repo.commit("Remove the spec").assert_refused("frozen-spec");
    repo.git(["reset", "-q", "--hard"]);
    repo.git(["mv", "specs/login.md", "specs/signin.md"]);
    let run = repo.commit("Rename the spec");
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr
            .contains("renames specs/login.md to specs/signin.md"),
        "{run:#?}"
    );
}

#[test]
fn removing_the_marker_is_a_modification() {
    let repo = fixture();
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.commit_all("Unfreeze").assert_refused("frozen-spec");
}

#[test]
fn freezing_a_spec_and_editing_a_draft_are_allowed() {
    let repo = TestRepo::installed();
    repo.write("specs/search.md", "# Search\n\nDraft.\n");
    repo.commit_all("Draft the search spec").assert_ok();
    repo.append("specs/search.md", "More detail.\n");
    repo.commit_all("Refine the search spec").assert_ok();
    repo.write(
        "specs/search.md",
        "# Search\n\n**EXEC-READY**\n\nMore detail.\n",
    );
    repo.commit_all("Freeze the search spec").assert_ok();
    repo.append("specs/search.md", "Late change.\n");
    repo.commit_all("Late change").assert_refused("frozen-spec");
}

#[test]
fn nested_specs_are_frozen_too() {
    let repo = TestRepo::installed();
    repo.write(
        "specs/auth/deep/login.md",
        "Status: EXEC-READY\n\n# Login\n",
    );
    repo.commit_unchecked("Spec");
    repo.append("specs/auth/deep/login.md", "edit\n");
    repo.commit_all("Edit nested").assert_refused("frozen-spec");
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
        let repo = TestRepo::installed();
        repo.write("specs/x.md", format!("# X\n\n{marker}\n\nBody.\n"));
        repo.commit_unchecked("Spec");
        repo.append("specs/x.md", "edit\n");
        let run = repo.commit_all("Edit");
        assert_eq!(run.code, Some(1), "{marker:?} should freeze: {run:#?}");
        run.assert_refused("frozen-spec");
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
        let repo = TestRepo::installed();
        repo.write("specs/x.md", text);
        repo.commit_unchecked("Spec");
        repo.append("specs/x.md", "edit\n");
        let run = repo.commit_all("Edit");
        assert!(run.ok(), "{text:?} should not freeze: {run:#?}");
    }
}

#[test]
fn bom_and_crlf_do_not_hide_the_marker() {
    let repo = TestRepo::installed();
    repo.write(
        "specs/x.md",
        "\u{feff}# X\r\n\r\nEXEC-READY\r\n\r\nBody.\r\n",
    );
    repo.commit_unchecked("Spec");
    repo.append("specs/x.md", "edit\r\n");
    repo.commit_all("Edit").assert_refused("frozen-spec");
}

// ---- frozen-design -------------------------------------------------------------------------

#[test]
fn design_note_is_read_only_while_spec_is_frozen() {
    let repo = fixture();
    repo.append("designs/login.md", "New convention.\n");
    let run = repo.commit_all("Change the design");
    run.assert_refused("frozen-design");
    assert!(run.stderr.contains("designs/login.md"), "{run:#?}");
}

#[test]
fn design_note_of_a_draft_spec_may_change() {
    let repo = TestRepo::installed();
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.write("designs/login.md", "# Design\n");
    repo.commit_unchecked("Draft");
    repo.append("designs/login.md", "More.\n");
    repo.commit_all("Design more").assert_ok();
}

// ---- protected-path ------------------------------------------------------------------------

#[test]
fn plans_md_may_not_be_touched() {
    let repo = fixture();
    repo.append("backend/PLANS.md", "Sections are optional.\n");
    repo.commit_all("Relax the rules")
        .assert_refused("protected-path");
}

#[test]
fn adding_plans_md_is_refused() {
    let repo = TestRepo::installed();
    repo.write("backend/PLANS.md", "# Rules\n");
    repo.commit_all("Add the rules")
        .assert_refused("protected-path");
}

// ---- guard-config --------------------------------------------------------------------------

#[test]
fn config_may_be_tightened_but_not_loosened() {
    let repo = TestRepo::installed();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 300\n");
    repo.commit_all("Add the guard config").assert_ok();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 200\n");
    repo.commit_all("Tighten the guard").assert_ok();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n");
    repo.commit_all("Relax the guard")
        .assert_refused("guard-config");
    repo.git(["reset", "-q", "--hard"]);
    // Deleting it puts the looser default back in force.
    repo.git(["rm", "-q", ".execguard.toml"]);
    repo.commit("Drop the guard").assert_refused("guard-config");
    assert_eq!(repo.commit_count(), 2);
}

// ---- progress-update -----------------------------------------------------------------------

#[test]
fn code_without_progress_is_refused() {
    let repo = fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let run = repo.commit_all("Add logout");
    run.assert_refused("progress-update");
    assert!(run.stderr.contains("plans/login-execplan.md"), "{run:#?}");
}

#[test]
fn code_with_progress_is_allowed() {
    let repo = fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.commit_all("Add logout").assert_ok();
}

#[test]
fn progress_outside_the_section_or_whitespace_only_does_not_count() {
    let repo = fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("- Keep sessions", "- Keep  sessions");
    let plan = plan.replace(
        "- [x] (2026-01-01 09:00Z) Plan written.",
        "-  [x] (2026-01-01 09:00Z)  Plan written.",
    );
    repo.write("plans/login-execplan.md", plan + "\nExtra note.\n");
    repo.commit_all("Add logout")
        .assert_refused("progress-update");
}

#[test]
fn execplan_trailer_names_the_feature() {
    let repo = fixture();
    repo.git(["checkout", "-q", "-b", "misc"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.git(["add", "-A"]);
    repo.commit("Add logout\n\nExecplan: login").assert_ok();
    // The trailer names a feature whose Progress was not updated.
    repo.append("src/auth.rs", "pub fn again() {}\n");
    repo.add_progress("Again.");
    repo.git(["add", "-A"]);
    let run = repo.commit("Add again\n\nExecplan: search");
    run.assert_refused("progress-update");
    assert!(run.stderr.contains("plans/search-execplan.md"), "{run:#?}");
}

#[test]
fn non_code_changes_need_no_progress() {
    let repo = fixture();
    repo.write("docs/notes.md", "# Notes\n");
    repo.commit_all("Add notes").assert_ok();
}

// ---- execplan-ready ------------------------------------------------------------------------

#[test]
fn code_before_the_plan_is_ready_is_refused() {
    let repo = TestRepo::installed();
    repo.write("specs/login.md", SPEC_FROZEN);
    repo.write(
        "plans/login-execplan.md",
        PLAN_READY.replace("EXECPLAN-READY", "Status: draft"),
    );
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.commit_unchecked("Set up");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout.");
    let run = repo.commit_all("Add logout");
    run.assert_refused("execplan-ready");
    assert!(run.stderr.contains("EXECPLAN-READY"), "{run:#?}");
}

#[test]
fn code_before_the_spec_is_frozen_is_refused() {
    let repo = TestRepo::installed();
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.write("plans/login-execplan.md", PLAN_READY);
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.commit_unchecked("Set up");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout.");
    let run = repo.commit_all("Add logout");
    run.assert_refused("execplan-ready");
    assert!(run.stderr.contains("not frozen"), "{run:#?}");
}

// ---- execplan-sections ---------------------------------------------------------------------

#[test]
fn plan_missing_a_section_is_refused() {
    let repo = fixture();
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("## Decision Log", "## Decisions");
    repo.write("plans/login-execplan.md", plan);
    let run = repo.commit_all("Rename a section");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("Decision Log"), "{run:#?}");
}

#[test]
fn plan_must_mention_its_spec() {
    let repo = fixture();
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("Spec: specs/login.md\n", "");
    repo.write("plans/login-execplan.md", plan);
    let run = repo.commit_all("Drop the spec link");
    run.assert_refused("execplan-sections");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
}

#[test]
fn plan_with_varied_heading_styles_is_accepted() {
    let repo = fixture();
    repo.write(
        "plans/login-execplan.md",
        "---\ntitle: login\n---\n# Login\n\nEXECPLAN-READY\n\nImplements specs/login.md.\n\n### progress ###\n- [X] 2026-02-02 18:45Z one\n  continued\n- [ ] M0 (2026-06-21): two\n\n#### SURPRISES AND DISCOVERIES\n\n## decision log\n\n## Outcomes & Retrospective ##\n",
    );
    repo.commit_all("Restyle the plan").assert_ok();
}

// ---- commit-size ---------------------------------------------------------------------------

#[test]
fn large_commit_is_refused_with_figures() {
    let repo = fixture();
    let big: String = (0..450)
        .map(|i| format!("pub const C{i}: u32 = {i};\n"))
        .collect();
    repo.write("src/consts.rs", big);
    repo.add_progress("Constants.");
    let run = repo.commit_all("Add constants");
    run.assert_refused("commit-size");
    assert!(run.stderr.contains("450 lines"), "{run:#?}");
    assert!(run.stderr.contains("400 lines"), "{run:#?}");
}

#[test]
fn too_many_files_is_refused() {
    let repo = fixture();
    for i in 0..26 {
        repo.write(&format!("src/m{i}.rs"), "pub fn f() {}\n");
    }
    repo.add_progress("Modules.");
    let run = repo.commit_all("Add modules");
    run.assert_refused("commit-size");
    assert!(run.stderr.contains("27 files"), "{run:#?}");
}

#[test]
fn lockfiles_and_plans_do_not_count_toward_lines() {
    let repo = fixture();
    // A real lockfile: one with the name and other content counts (see tests/counting.rs).
    let lock: String = (0..500)
        .map(|i| format!("\n[[package]]\nname = \"dep-{i}\"\nversion = \"1.0.{i}\"\n"))
        .collect();
    let lock = format!("# This file is automatically @generated by Cargo.\nversion = 4\n{lock}");
    repo.write("Cargo.lock", lock);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout and lockfile.");
    repo.commit_all("Add logout").assert_ok();
}

#[test]
fn oversized_blob_is_refused() {
    let repo = fixture();
    repo.write("assets/blob.bin", vec![7u8; 1024 * 1024 + 1]);
    repo.add_progress("Asset.");
    let run = repo.commit_all("Add asset");
    run.assert_refused("commit-size");
    assert!(run.stderr.contains("assets/blob.bin"), "{run:#?}");
}

// ---- commit-message ------------------------------------------------------------------------

#[test]
fn long_subject_is_refused() {
    let repo = TestRepo::installed();
    repo.write("README.md", "# x\n");
    let subject = "A".repeat(73);
    let run = repo.commit_all(&subject);
    run.assert_refused("commit-message");
    assert!(run.stderr.contains("73 characters"), "{run:#?}");
    assert_eq!(repo.commit_count(), 0);
    repo.commit(&"A".repeat(72)).assert_ok();
}

#[test]
fn malformed_override_is_refused() {
    let repo = TestRepo::installed();
    repo.write("README.md", "# x\n");
    repo.git(["add", "-A"]);
    repo.commit("Docs\n\nExecguard-Override: no-such-rule: because")
        .assert_refused("commit-message");
    repo.commit("Docs\n\nExecguard-Override: frozen-spec:")
        .assert_refused("commit-message");
}

// ---- overrides -----------------------------------------------------------------------------

#[test]
fn skip_then_override_trailer_lets_a_human_through() {
    let repo = fixture();
    repo.append("specs/login.md", "Approved amendment.\n");
    repo.git(["add", "-A"]);
    // Without the trailer, EXECGUARD_SKIP alone does not get the commit through.
    let run = Run::from_command(
        repo.command("git")
            .env("EXECGUARD_SKIP", "frozen-spec")
            .args(["commit", "-q", "-m", "Amend the spec"]),
    );
    run.assert_refused("frozen-spec");
    assert_eq!(repo.commit_count(), 1);
    // With it, the commit lands and the override is reported.
    let run = Run::from_command(
        repo.command("git")
            .env("EXECGUARD_SKIP", "frozen-spec")
            .args([
                "commit",
                "-q",
                "-m",
                "Amend the spec\n\nExecguard-Override: frozen-spec: approved by Ana in SPEC-12",
            ]),
    );
    run.assert_ok();
    assert!(run.stderr.contains("overridden[frozen-spec]"), "{run:#?}");
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn unknown_rule_in_skip_refuses_with_exit_2() {
    let repo = fixture();
    repo.append("src/auth.rs", "x\n");
    repo.git(["add", "-A"]);
    let run = Run::from_command(
        repo.command("git")
            .env("EXECGUARD_SKIP", "frozen-spce")
            .args(["commit", "-q", "-m", "x"]),
    );
    assert_eq!(run.code, Some(1), "git reports the hook failure: {run:#?}");
    assert!(
        run.stderr.contains("unknown rule `frozen-spce`"),
        "{run:#?}"
    );
    assert_eq!(repo.commit_count(), 1);
}

// ---- config --------------------------------------------------------------------------------

#[test]
fn disabled_rule_does_not_refuse() {
    let repo = fixture();
    repo.write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n");
    repo.commit_unchecked("Human disables frozen-spec");
    repo.append("specs/login.md", "edit\n");
    repo.commit_all("Edit spec").assert_ok();
}

#[test]
fn a_commit_cannot_relax_the_rules_that_judge_it() {
    let repo = fixture();
    repo.write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n");
    repo.append("specs/login.md", "edit\n");
    let run = repo.commit_all("Sneak it in");
    run.assert_refused("frozen-spec");
}

#[test]
fn scope_limits_the_branches() {
    let repo = fixture();
    repo.write(".execguard.toml", "[scope]\nbranches = [\"exec/**\"]\n");
    repo.commit_unchecked("Scope to exec branches");
    repo.git(["checkout", "-q", "-b", "human/edit"]);
    repo.append("specs/login.md", "Human edit.\n");
    repo.commit_all("Human edits the spec").assert_ok();
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("specs/login.md", "Agent edit.\n");
    repo.commit_all("Agent edits the spec")
        .assert_refused("frozen-spec");
}

#[test]
fn broken_config_refuses_with_exit_2_and_names_the_line() {
    let repo = fixture();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-line = 10\n");
    repo.commit_unchecked("Broken config");
    repo.write("docs/a.md", "# a\n");
    let before = repo.head();
    let run = repo.commit_all("Docs");
    assert!(!run.ok(), "{run:#?}");
    assert!(run.stderr.contains("HEAD:.execguard.toml:2:1"), "{run:#?}");
    assert!(run.stderr.contains("max-line"), "{run:#?}");
    assert!(run.stderr.contains("exit code 2"), "{run:#?}");
    assert_eq!(repo.head(), before);
    let direct = repo.execguard(["check"]);
    assert_eq!(direct.code, Some(2), "{direct:#?}");
}
