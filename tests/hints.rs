#![allow(clippy::unwrap_used)]
//! Hints that are safe to follow: every command a hint prints is run here, in the situation that
//! prints it, and does what the hint says (a new file is kept, an unborn branch is served, an
//! approved override gets through).

use crate::common;

use common::server::*;
use common::*;

/// Runs a hint's command with sh in the working tree, as a person pasting it would.
#[track_caller]
fn run_hint(repo: &TestRepo, command: &str) -> Run {
    let run = Run::from_command(repo.command("sh").arg("-c").arg(command));
    assert!(run.ok(), "the hint's command `{command}` works: {run:#?}");
    run
}

fn staged_paths(repo: &TestRepo) -> String {
    repo.git(["diff", "--cached", "--name-only"])
}

#[test]
fn new_protected_file_hint_unstages_it_and_keeps_the_file() {
    let repo = TestRepo::installed();
    repo.write("src/main.rs", "fn main() {}\n");
    repo.commit_unchecked("Start");
    repo.write(
        "backend/PLANS.md",
        "# My notes, not committed anywhere else\n",
    );
    repo.git(["add", "backend/PLANS.md"]);
    let run = repo.commit("Add the plan-writing rules");
    run.assert_refused("protected-path");
    let command = command_after(&run.stderr, "Restore it (");
    assert_eq!(command, "git restore --staged -- backend/PLANS.md");
    assert!(!run.stderr.contains("--worktree"), "{run:#?}");
    run_hint(&repo, &command);
    assert_eq!(
        repo.read("backend/PLANS.md"),
        "# My notes, not committed anywhere else\n",
        "the new file is kept"
    );
    assert_eq!(staged_paths(&repo), "", "and no longer staged");
}

#[test]
fn on_an_unborn_branch_the_hint_uses_git_rm_cached() {
    let repo = TestRepo::installed();
    repo.write("backend/PLANS.md", "# Rules\n");
    repo.git(["add", "backend/PLANS.md"]);
    let run = repo.commit("Add the plan-writing rules");
    run.assert_refused("protected-path");
    let command = command_after(&run.stderr, "Restore it (");
    assert_eq!(command, "git rm --cached -- backend/PLANS.md");
    run_hint(&repo, &command);
    assert_eq!(
        repo.read("backend/PLANS.md"),
        "# Rules\n",
        "the file is kept"
    );
    assert_eq!(staged_paths(&repo), "");
}

#[test]
fn modified_frozen_spec_hint_restores_the_frozen_text() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also with a passkey.\n");
    repo.git(["add", "-A"]);
    let run = repo.commit("Widen the spec");
    run.assert_refused("frozen-spec");
    // The hint first names the command that records the question, then the restore.
    let escalate = command_after(&run.stderr, "hint:");
    assert_eq!(escalate, "execguard escalate \"<question>\"");
    let asked = run_hint(&repo, &escalate);
    assert!(asked.stdout.contains("recorded for login"), "{asked:#?}");
    let command = command_after(&run.stderr, "Restore the spec (");
    assert_eq!(command, "git restore --staged --worktree -- specs/login.md");
    run_hint(&repo, &command);
    assert_eq!(repo.read("specs/login.md"), SPEC_FROZEN);
    assert_eq!(staged_paths(&repo), "");
}

#[test]
fn override_hint_names_execguard_skip_and_the_command_gets_an_approved_exception_through() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also with a passkey.\n");
    repo.git(["add", "-A"]);
    // The trailer alone does not get past the pre-commit hook.
    let run = repo.commit("Widen the spec\n\nExecguard-Override: frozen-spec: approved by Ana");
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr.contains("an agent stops and escalates"),
        "{run:#?}"
    );
    let command = command_after(&run.stderr, "commits with ");
    assert_eq!(
        command,
        "EXECGUARD_SKIP=frozen-spec git commit -m '___' -m 'Execguard-Override: frozen-spec: ___'"
    );
    // Regression: run as printed, the command made the commit with `<subject>` and `<reason>`
    // as its subject and reason. The blanks are refused, naming what is wrong.
    let before = repo.commit_count();
    let shell = |command: &str| Run::from_command(repo.command("sh").arg("-c").arg(command));
    let run = shell(&command);
    run.assert_refused("commit-message");
    assert!(
        run.stderr
            .contains("is `___`, a blank left to fill, not a summary"),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("`Execguard-Override: frozen-spec: ___` gives `___`, a blank left to fill, not a reason"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("overridden[frozen-spec]"), "{run:#?}");
    assert_eq!(repo.commit_count(), before, "nothing was committed");
    // Other placeholders are no reason either.
    for reason in ["<reason>", "TODO", "reason"] {
        let run = shell(&format!(
            "EXECGUARD_SKIP=frozen-spec git commit -m 'Widen the spec' -m 'Execguard-Override: frozen-spec: {reason}'"
        ));
        run.assert_refused("commit-message");
        assert_eq!(repo.commit_count(), before, "{reason}: {run:#?}");
    }
    // The human fills both blanks: the exception goes through.
    let filled = command.replacen("___", "Widen the spec", 1).replacen(
        "___",
        "approved by Ana in SPEC-12",
        1,
    );
    let run = run_hint(&repo, &filled);
    assert!(run.stderr.contains("overridden[frozen-spec]"), "{run:#?}");
    assert_eq!(repo.commit_count(), before + 1, "the commit was made");
}

#[test]
fn commit_size_names_the_largest_files() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write("src/big.rs", "x\n".repeat(300));
    repo.write("src/medium.rs", "y\n".repeat(60));
    repo.write("src/small.rs", "z\n".repeat(5));
    repo.write("src/tiny.rs", "w\n");
    repo.write("src/zz.rs", "v\n".repeat(50));
    repo.add_progress("Added the generated tables.");
    let run = repo.commit_all("Add the tables");
    run.assert_refused("commit-size");
    assert!(
        run.stderr.contains(
            "The largest: src/big.rs (300 lines), src/medium.rs (60 lines), src/zz.rs (50 lines)."
        ),
        "{run:#?}"
    );
    // Counting stops at the limit, and the message says so.
    repo.write("src/more.rs", "u\n".repeat(100));
    repo.git(["add", "src/more.rs"]);
    let run = repo.commit("Add the tables");
    run.assert_refused("commit-size");
    assert!(
        run.stderr.contains("The largest counted: src/big.rs (300 lines), src/more.rs (100 lines), src/medium.rs (60 lines); counting stopped at the limit, before 3 more files."),
        "{run:#?}"
    );
    repo.git(["rm", "-q", "--cached", "src/more.rs"]);
    // The hint's command unstages part of the work and keeps the files.
    let command = command_after(&run.stderr, "unstage part of it (");
    assert_eq!(command, "git restore --staged <paths>");
    run_hint(&repo, &command.replace("<paths>", "src/big.rs"));
    assert_eq!(repo.read("src/big.rs"), "x\n".repeat(300));
    assert!(!staged_paths(&repo).contains("src/big.rs"));
    repo.commit("Add the smaller tables").assert_ok();
}

#[test]
fn commit_size_hint_on_an_unborn_branch_uses_git_rm_cached() {
    let repo = TestRepo::installed();
    repo.write("docs/big.md", "x\n".repeat(500));
    repo.write("docs/small.md", "y\n");
    repo.git(["add", "-A"]);
    let run = repo.commit("Start");
    run.assert_refused("commit-size");
    let command = command_after(&run.stderr, "unstage part of it (");
    assert_eq!(command, "git rm --cached <paths>");
    run_hint(&repo, &command.replace("<paths>", "docs/big.md"));
    assert_eq!(repo.read("docs/big.md"), "x\n".repeat(500));
    repo.commit("Start").assert_ok();
}

// ---- the server ----------------------------------------------------------------------------

#[test]
fn server_message_for_a_root_commit_speaks_of_no_parent_and_never_of_no_verify() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "--orphan", "import"]);
    repo.git(["rm", "-rq", "--cached", "."]);
    std::fs::remove_dir_all(repo.path("specs")).unwrap();
    repo.write("backend/PLANS.md", "# Imported rules\n");
    repo.commit_unchecked("Import the rules");
    let root = repo.head();
    let run = assert_branch_push_refused(&repo, "import", &[], &["protected-path"]);
    assert!(
        run.stderr.contains(&format!(
            "rework root commit {} so that it does not add backend/PLANS.md",
            &root[..7]
        )),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("its parent"), "{run:#?}");
    assert!(!run.stderr.contains("--no-verify"), "{run:#?}");
}

#[test]
fn server_refusal_of_an_override_names_the_trailer_the_pusher_has() {
    let repo = pushed_fixture();
    repo.append("specs/login.md", "Also with a passkey.\n");
    repo.commit_unchecked("Widen the spec\n\nExecguard-Override: frozen-spec: approved by Ana");
    let run = assert_branch_push_refused(&repo, "exec/login", &[], &["frozen-spec"]);
    assert!(
        run.stderr
            .contains("The commit carries `Execguard-Override: frozen-spec: approved by Ana`"),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("add the trailer"),
        "no advice to add the trailer it has: {run:#?}"
    );
    assert!(
        !run.stderr.contains("Ask one of the allowed people"),
        "nobody is allowed here: {run:#?}"
    );
    assert!(!run.stderr.contains("--no-verify"), "{run:#?}");
}

#[test]
fn server_hint_for_a_missing_progress_entry_fills_in_no_template_literally() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "wip"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    let run = assert_branch_push_refused(&repo, "wip", &[], &["progress-update"]);
    assert!(!run.stderr.contains("{feature}"), "{run:#?}");
    assert!(
        run.stderr
            .contains("plans/<feature>-execplan.md, where <feature> is the feature's name"),
        "{run:#?}"
    );
}

// ---- no libgit2 internals ------------------------------------------------------------------

#[test]
fn a_missing_object_is_named_without_libgit2_internals() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write("src/auth.rs", "pub fn login() {}\npub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    let blob = repo
        .git(["rev-parse", "HEAD:src/auth.rs"])
        .trim()
        .to_string();
    std::fs::remove_file(
        repo.dir
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();
    let run = repo.execguard(["check", "--range", "HEAD~1..HEAD"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains(&blob[..7]),
        "names the object: {run:#?}"
    );
    assert!(
        !run.stderr.contains("class=") && !run.stderr.contains("code="),
        "no raw libgit2 text: {run:#?}"
    );
}

// ---- the other commands hints print ---------------------------------------------------------

#[test]
fn an_unknown_rule_in_an_override_or_execguard_skip_points_to_a_working_rule_list() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write("notes.md", "Notes.\n");
    repo.git(["add", "notes.md"]);
    let run = repo.commit("Add notes\n\nExecguard-Override: frozen-spek: approved by Ana");
    run.assert_refused("commit-message");
    assert!(
        run.stderr.contains("`execguard explain --list`"),
        "{run:#?}"
    );
    let run = Run::from_command(
        repo.command("git")
            .env("EXECGUARD_SKIP", "frozen-spek")
            .args(["commit", "-q", "-m", "Add notes"]),
    );
    assert!(!run.ok(), "{run:#?}");
    assert!(
        run.stderr.contains("`execguard explain --list`"),
        "{run:#?}"
    );
    let list = repo.execguard(["explain", "--list"]);
    list.assert_ok();
    assert!(list.stdout.contains("frozen-spec"), "{list:#?}");
}

/// A repository whose index is sparse, with the hooks on.
fn sparse_index_repo() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.git(["sparse-checkout", "init", "--cone", "--sparse-index"]);
    repo.git(["sparse-checkout", "set", "src", "plans"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.git(["add", "src/auth.rs", "plans/login-execplan.md"]);
    let run = repo.commit("Add logout");
    assert!(!run.ok(), "{run:#?}");
    assert!(run.stderr.contains("a sparse index"), "{run:#?}");
    repo
}

#[test]
fn the_sparse_index_hint_keeps_the_staged_work_and_lets_the_commit_be_checked() {
    let repo = sparse_index_repo();
    let run = repo.commit("Add logout");
    let command = command_after(&run.stderr, "what is staged, with ");
    assert_eq!(command, "git sparse-checkout reapply --no-sparse-index");
    run_hint(&repo, &command);
    assert!(
        staged_paths(&repo).contains("src/auth.rs"),
        "the staged work is kept"
    );
    assert!(repo.read("src/auth.rs").contains("logout"));
    repo.commit("Add logout").assert_ok();
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn an_unknown_revision_hint_fetches_it() {
    let repo = pushed_fixture();
    // Someone else pushes a commit this clone has not fetched.
    repo.git_in(
        &repo.root,
        [
            "clone",
            "-q",
            "-b",
            "exec/login",
            &server_url(&repo),
            "other",
        ],
    );
    let other = repo.root.join("other");
    std::fs::write(other.join("notes.md"), "Notes.\n").unwrap();
    repo.git_in(&other, ["add", "notes.md"]);
    repo.git_in(&other, ["commit", "-q", "-m", "Add notes"]);
    repo.git_in(&other, ["push", "-q", "origin", "exec/login"]);
    let id = repo
        .git_in(&other, ["rev-parse", "HEAD"])
        .trim()
        .to_string();
    let range = format!("exec/login..{id}");
    let run = repo.execguard(["check", "--range", &range]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    let command = command_after(&run.stderr, "or fetch it (");
    assert_eq!(command, "git fetch origin");
    run_hint(&repo, &command);
    repo.execguard(["check", "--range", &range]).assert_ok();
}

#[test]
fn range_check_refusal_of_an_override_advises_nothing_impossible() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also with a passkey.\n");
    repo.commit_unchecked("Widen the spec\n\nExecguard-Override: frozen-spec: approved by Ana");
    let run = repo.execguard(["check", "--range", "main..exec/login", "--pusher", "bob"]);
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr
            .contains("The commit carries `Execguard-Override: frozen-spec: approved by Ana`"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains(
            "Remove the override and fix the cause; no trailer counts under this config."
        ),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("add the trailer"), "{run:#?}");
    assert!(!run.stderr.contains("allowed people"), "{run:#?}");
}

/// Regression: a commit whose plan's new `Spec:` line names a spec frozen already, together with
/// the code, was told "only a human freezes a spec". The hint names the actual fix, the plan's
/// line first, and its command gets there.
#[test]
fn a_spec_line_that_comes_with_the_code_is_told_to_land_first() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    // The login plan names a draft; the frozen login spec exists.
    repo.write("specs/draft.md", SPEC_DRAFT);
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("Spec: specs/login.md", "Spec: specs/draft.md");
    repo.write("plans/login-execplan.md", &plan);
    repo.commit_unchecked("Plan against the draft");
    repo.write(
        "plans/login-execplan.md",
        plan.replace("Spec: specs/draft.md", "Spec: specs/login.md"),
    );
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.git(["add", "-A"]);
    let run = repo.commit("Add logout");
    run.assert_refused("execplan-ready");
    assert!(
        run.stderr.contains("plans/login-execplan.md names specs/login.md, frozen in HEAD, only as this commit leaves it"),
        "{run:#?}"
    );
    assert!(
        !run.stderr.contains("only a human freezes a spec"),
        "{run:#?}"
    );
    let command = command_after(&run.stderr, "unstage all but the plan with ");
    assert_eq!(
        command,
        "git restore --staged -- . ':(exclude)plans/login-execplan.md'"
    );
    run_hint(&repo, &command);
    assert_eq!(staged_paths(&repo), "plans/login-execplan.md\n");
    repo.commit("Point the plan at the frozen spec").assert_ok();
    repo.add_progress("Added logout, on the frozen spec.");
    repo.git(["add", "-A"]);
    repo.commit("Add logout").assert_ok();
}

/// Regression: code with a reworded Progress entry, on a branch that names no feature, was
/// refused as "only rewords" with no way out named. The hint names the trailer under which the
/// rewording counts, and a commit carrying it goes through.
#[test]
fn only_reworded_progress_names_the_execplan_trailer_that_counts_it() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.git(["checkout", "-q", "-b", "topic"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let plan = repo
        .read("plans/login-execplan.md")
        .replace("Plan written.", "Plan written and logout added.");
    repo.write("plans/login-execplan.md", plan);
    repo.git(["add", "-A"]);
    let run = repo.commit("Add logout");
    run.assert_refused("progress-update");
    assert!(run.stderr.contains("It only rewords"), "{run:#?}");
    assert!(
        run.stderr
            .contains("name its execplan with the trailer `Execplan: login` in the commit message"),
        "{run:#?}"
    );
    repo.commit("Add logout\n\nExecplan: login").assert_ok();
}
