#![allow(clippy::unwrap_used)]
//! guard-config: a commit may add or change `.execguard.toml` only when the new config is valid
//! and at least as strict as the one in force. Judged by the server's pre-receive hook (no pinned
//! config unless a test pins one) and by the client's commit hooks.

use crate::common;

use common::server::*;
use common::*;

// ---- helpers -------------------------------------------------------------------------------

/// Commits `config` as `.execguard.toml` on `exec/login` with the hooks bypassed.
fn commit_config(repo: &TestRepo, config: &str, message: &str) -> String {
    repo.write(".execguard.toml", config);
    repo.commit_unchecked(message);
    repo.head()
}

/// Pushes `exec/login` and asserts the server refused it naming `rule`.
#[track_caller]
fn assert_push_refused(repo: &TestRepo, rule: &str) -> Run {
    assert_branch_push_refused(repo, "exec/login", &[], &[rule])
}

/// Pushes `exec/login` (as `env`'s pusher) and asserts it landed.
#[track_caller]
fn assert_push_lands(repo: &TestRepo, env: &[(&str, &str)]) -> Run {
    assert_branch_push_lands(repo, "exec/login", env)
}

/// Pins a server config that lets `ana` override.
fn pin_override_user_ana(repo: &TestRepo) {
    pin_server_config(repo, "[server]\noverride-users = [\"ana\"]\n");
}

const TIGHTER: &str = "[rules.commit-size]\nmax-lines = 300\n\n[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"Makefile\"]\n";

// ---- the server, no pinned config ----------------------------------------------------------

#[test]
fn server_refuses_a_new_config_that_disables_a_rule() {
    let repo = pushed_fixture();
    commit_config(
        &repo,
        "[rules.frozen-spec]\nenabled = false\n",
        "Add the guard config",
    );
    let run = assert_push_refused(&repo, "guard-config");
    assert!(
        run.stderr
            .contains("rules.frozen-spec.enabled: true → false"),
        "names the loosening with its old and new value: {run:#?}"
    );
    assert!(
        run.stderr
            .contains("Execguard-Override: guard-config: <reason>"),
        "says a human must approve it: {run:#?}"
    );
}

#[test]
fn server_accepts_a_new_config_that_tightens() {
    let repo = pushed_fixture();
    commit_config(&repo, TIGHTER, "Tighten the guard");
    assert_push_lands(&repo, &[]);
}

#[test]
fn server_refuses_a_raised_limit() {
    let repo = pushed_fixture();
    commit_config(&repo, TIGHTER, "Tighten the guard");
    assert_push_lands(&repo, &[]);
    commit_config(
        &repo,
        &TIGHTER.replace("max-lines = 300", "max-lines = 4000"),
        "Relax the guard",
    );
    let run = assert_push_refused(&repo, "guard-config");
    assert!(
        run.stderr
            .contains("rules.commit-size.max-lines: 300 → 4000"),
        "{run:#?}"
    );
}

#[test]
fn server_refuses_removing_a_protected_path() {
    let repo = pushed_fixture();
    commit_config(&repo, TIGHTER, "Tighten the guard");
    assert_push_lands(&repo, &[]);
    commit_config(
        &repo,
        &TIGHTER.replace(", \"Makefile\"", ""),
        "Unprotect the Makefile",
    );
    let run = assert_push_refused(&repo, "guard-config");
    assert!(
        run.stderr.contains("rules.protected-path.paths"),
        "{run:#?}"
    );
}

#[test]
fn server_refuses_narrowing_the_scope() {
    let repo = pushed_fixture();
    commit_config(
        &repo,
        "[scope]\nbranches = [\"exec/**\"]\n",
        "Scope to exec branches",
    );
    let run = assert_push_refused(&repo, "guard-config");
    assert!(run.stderr.contains("scope.branches"), "{run:#?}");
}

#[test]
fn server_refuses_adding_an_override_user() {
    let repo = pushed_fixture();
    commit_config(
        &repo,
        "[server]\noverride-users = [\"agent\"]\n",
        "Let me override",
    );
    let run = assert_push_refused(&repo, "guard-config");
    assert!(run.stderr.contains("server.override-users"), "{run:#?}");
}

#[test]
fn server_refuses_a_broken_config_naming_the_line_and_key() {
    let repo = pushed_fixture();
    let commit = commit_config(
        &repo,
        "[rules.commit-size]\nmax-line = 300\n",
        "Add the guard config",
    );
    let run = assert_push_refused(&repo, "guard-config");
    assert!(
        run.stderr
            .contains(&format!("{}:.execguard.toml:2:1", &commit[..7])),
        "names the file, line and column: {run:#?}"
    );
    assert!(run.stderr.contains("max-line"), "names the key: {run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

#[test]
fn broken_config_is_refused_even_with_an_override_by_an_override_user() {
    let repo = pushed_fixture();
    pin_override_user_ana(&repo);
    commit_config(
        &repo,
        "[rules.commit-size]\nmax-line = 300\n",
        "Add the guard config\n\nExecguard-Override: guard-config: approved by Ana",
    );
    let before = server_rev(&repo, "refs/heads/exec/login");
    let run = push_env(
        &repo,
        &[("GITEA_PUSHER_NAME", "ana")],
        &["origin", "exec/login"],
    );
    assert_server_refused(&run, "guard-config");
    assert!(run.stderr.contains(":2:1"), "{run:#?}");
    assert!(run.stderr.contains("max-line"), "{run:#?}");
    assert!(!run.stderr.contains("overridden["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), before);
}

#[test]
fn looser_config_with_an_override_pushed_by_an_override_user_lands() {
    let repo = pushed_fixture();
    pin_override_user_ana(&repo);
    commit_config(
        &repo,
        "[rules.commit-size]\nmax-lines = 4000\n",
        "Relax the size limit\n\nExecguard-Override: guard-config: vendoring approved by Ana",
    );
    let run = assert_push_lands(&repo, &[("GITEA_PUSHER_NAME", "ana")]);
    assert!(run.stderr.contains("overridden[guard-config]"), "{run:#?}");
}

#[test]
fn looser_config_with_an_override_pushed_by_someone_else_is_refused() {
    let repo = pushed_fixture();
    pin_override_user_ana(&repo);
    commit_config(
        &repo,
        "[rules.commit-size]\nmax-lines = 4000\n",
        "Relax the size limit\n\nExecguard-Override: guard-config: vendoring approved by Ana",
    );
    let run = assert_branch_push_refused(
        &repo,
        "exec/login",
        &[("REMOTE_USER", "mallory")],
        &["guard-config"],
    );
    assert!(run.stderr.contains("only ana may override"), "{run:#?}");
}

#[test]
fn deleting_a_config_stricter_than_the_default_is_refused() {
    let repo = pushed_fixture();
    commit_config(&repo, TIGHTER, "Tighten the guard");
    assert_push_lands(&repo, &[]);
    repo.git(["rm", "-q", ".execguard.toml"]);
    repo.commit_unchecked("Drop the guard config");
    let run = assert_push_refused(&repo, "guard-config");
    assert!(
        run.stderr
            .contains("rules.commit-size.max-lines: 300 → 400"),
        "compares with the default that comes back in force: {run:#?}"
    );
}

#[test]
fn deleting_a_config_no_stricter_than_the_default_lands() {
    let repo = pushed_fixture();
    commit_config(
        &repo,
        "[rules.commit-size]\nenabled = true\n",
        "Add the guard config",
    );
    assert_push_lands(&repo, &[]);
    repo.git(["rm", "-q", ".execguard.toml"]);
    repo.commit_unchecked("Drop the guard config");
    assert_push_lands(&repo, &[]);
}

#[test]
fn renaming_a_stricter_config_away_is_refused() {
    let repo = pushed_fixture();
    commit_config(&repo, TIGHTER, "Tighten the guard");
    assert_push_lands(&repo, &[]);
    repo.git(["mv", ".execguard.toml", "old-guard.toml"]);
    repo.commit_unchecked("Move the guard config");
    assert_push_refused(&repo, "guard-config");
}

#[test]
fn replacing_the_config_with_a_symlink_is_refused_even_with_an_override() {
    let repo = pushed_fixture();
    pin_override_user_ana(&repo);
    commit_config(&repo, TIGHTER, "Tighten the guard");
    assert_push_lands(&repo, &[]);
    repo.write("shared/guard.toml", TIGHTER);
    std::fs::remove_file(repo.path(".execguard.toml")).unwrap();
    std::os::unix::fs::symlink("shared/guard.toml", repo.path(".execguard.toml")).unwrap();
    repo.commit_unchecked("Share the guard config\n\nExecguard-Override: guard-config: approved");
    let run = assert_branch_push_refused(
        &repo,
        "exec/login",
        &[("GITEA_PUSHER_NAME", "ana")],
        &["guard-config"],
    );
    assert!(run.stderr.contains("symbolic link"), "{run:#?}");
}

#[test]
fn init_output_committed_and_pushed_lands() {
    let repo = pushed_fixture();
    repo.execguard(["init"]).assert_ok();
    repo.commit_unchecked("Add the documented default config");
    assert_push_lands(&repo, &[]);
}

#[test]
fn code_beside_the_plans_without_progress_is_refused() {
    let repo = pushed_fixture();
    repo.write("plans/tool.py", "print('plan helper')\n");
    repo.commit_unchecked("Add a planning script");
    let run = assert_push_refused(&repo, "progress-update");
    assert!(run.stderr.contains("plans/tool.py"), "{run:#?}");
}

#[test]
fn code_beside_the_plans_with_progress_lands() {
    let repo = pushed_fixture();
    repo.write("plans/tool.py", "print('plan helper')\n");
    repo.add_progress("Added a planning script.");
    repo.commit_unchecked("Add a planning script");
    assert_push_lands(&repo, &[]);
}

#[test]
fn code_beside_the_plans_counts_toward_commit_size() {
    let repo = pushed_fixture();
    commit_config(
        &repo,
        "[rules.commit-size]\nmax-lines = 10\n",
        "Tighten the size limit",
    );
    assert_push_lands(&repo, &[]);
    repo.write("plans/tool.py", "print('x')\n".repeat(20));
    repo.add_progress("Added a planning script.");
    repo.commit_unchecked("Add a planning script");
    assert_push_refused(&repo, "commit-size");
}

// ---- the client's commit hooks -------------------------------------------------------------

fn client() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo
}

/// `git commit` of what is staged with `EXECGUARD_SKIP` set.
fn commit_skipping(repo: &TestRepo, skip: &str, message: &str) -> Run {
    Run::from_command(
        repo.command("git")
            .env("EXECGUARD_SKIP", skip)
            .args(["commit", "-q", "-m", message]),
    )
}

#[test]
fn pre_commit_refuses_a_broken_config_naming_the_line_and_key() {
    let repo = client();
    let before = repo.head();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-line = 300\n");
    let run = repo.commit_all("Add the guard config");
    run.assert_refused("guard-config");
    assert!(run.stderr.contains(".execguard.toml:2:1"), "{run:#?}");
    assert!(run.stderr.contains("max-line"), "{run:#?}");
    assert_eq!(repo.head(), before, "no commit was made");
}

#[test]
fn broken_config_cannot_be_skipped_or_overridden_on_the_client() {
    let repo = client();
    let before = repo.head();
    repo.write(
        ".execguard.toml",
        "[rules.commit-size]\nmax-lines = \"300\"\n",
    );
    repo.git(["add", "-A"]);
    let run = commit_skipping(
        &repo,
        "guard-config",
        "Add the guard config\n\nExecguard-Override: guard-config: approved by Ana",
    );
    run.assert_refused("guard-config");
    assert!(
        run.stderr.contains("rules.commit-size.max-lines"),
        "a wrong type names its key: {run:#?}"
    );
    assert_eq!(repo.head(), before, "no commit was made");
}

#[test]
fn pre_commit_refuses_a_looser_config() {
    let repo = client();
    let before = repo.head();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nenabled = false\n",
    );
    let run = repo.commit_all("Add the guard config");
    run.assert_refused("guard-config");
    assert!(
        run.stderr
            .contains("rules.progress-update.enabled: true → false"),
        "{run:#?}"
    );
    assert_eq!(repo.head(), before, "no commit was made");
}

#[test]
fn commit_msg_refuses_a_skipped_looser_config_without_an_override() {
    let repo = client();
    let before = repo.head();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nenabled = false\n",
    );
    repo.git(["add", "-A"]);
    let run = commit_skipping(&repo, "guard-config", "Add the guard config");
    run.assert_refused("guard-config");
    assert_eq!(repo.head(), before, "no commit was made");
    // A human's approval gets it through.
    let run = commit_skipping(
        &repo,
        "guard-config",
        "Add the guard config\n\nExecguard-Override: guard-config: approved by Ana",
    );
    run.assert_ok();
    assert!(run.stderr.contains("overridden[guard-config]"), "{run:#?}");
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn client_accepts_a_tighter_config_and_then_refuses_loosening_it() {
    let repo = client();
    repo.write(".execguard.toml", TIGHTER);
    repo.commit_all("Tighten the guard").assert_ok();
    repo.write(".execguard.toml", TIGHTER.replace("300", "350"));
    let run = repo.commit_all("Relax the guard a little");
    run.assert_refused("guard-config");
    assert!(
        run.stderr
            .contains("rules.commit-size.max-lines: 300 → 350"),
        "{run:#?}"
    );
    assert_eq!(repo.commit_count(), 2);
}

/// Asking Progress entries of planned work only, or letting larger unattributed work through,
/// loosens `progress-update`: a human approves it.
#[test]
fn client_refuses_switching_progress_update_to_planned_work_without_override() {
    let repo = client();
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nrequire = \"planned-work\"\n",
    );
    let run = repo.commit_all("Ask entries of planned work only");
    run.assert_refused("guard-config");
    assert!(
        run.stderr
            .contains("rules.progress-update.require: \"every-code-commit\" → \"planned-work\""),
        "{run:#?}"
    );
    assert_eq!(repo.commit_count(), 1);
    let run = commit_skipping(
        &repo,
        "guard-config",
        "Ask entries of planned work only\n\nExecguard-Override: guard-config: approved by Ana",
    );
    run.assert_ok();
    assert_eq!(repo.commit_count(), 2);
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nrequire = \"planned-work\"\nunplanned-max-lines = 400\n",
    );
    let run = repo.commit_all("Let larger unplanned work through");
    run.assert_refused("guard-config");
    assert!(
        run.stderr
            .contains("rules.progress-update.unplanned-max-lines: 200 → 400"),
        "{run:#?}"
    );
}

/// Leaving more code out of the unplanned size (`unplanned-exclude`) lets larger unnamed work
/// through: a human approves it. Counting tests again needs no one.
#[test]
fn client_refuses_leaving_more_code_out_of_the_unplanned_size_without_override() {
    let repo = client();
    let mut globs: Vec<String> = execguard_core::config::DEFAULT_UNPLANNED_EXCLUDE
        .iter()
        .map(|glob| format!("{glob:?}"))
        .collect();
    globs.push("\"src/**\"".into());
    repo.write(
        ".execguard.toml",
        format!(
            "[rules.progress-update]\nunplanned-exclude = [{}]\n",
            globs.join(", ")
        ),
    );
    let run = repo.commit_all("Leave sources out of the unplanned size");
    run.assert_refused("guard-config");
    assert!(
        run.stderr
            .contains("rules.progress-update.unplanned-exclude"),
        "{run:#?}"
    );
    assert_eq!(repo.commit_count(), 1);
    repo.write(
        ".execguard.toml",
        "[rules.progress-update]\nunplanned-exclude = []\n",
    );
    repo.commit_all("Count tests toward the unplanned size")
        .assert_ok();
    assert_eq!(repo.commit_count(), 2);
}

/// Unplanned complex work, and small work touching an open plan without its entry, are warnings
/// by default: refusing them tightens and needs no one; going back to the warning lets work
/// through, so a human approves it.
#[test]
fn client_refuses_going_back_from_refusing_unplanned_complex_work_without_override() {
    for key in ["unplanned-complex-work", "plan-touch-small-work"] {
        let repo = client();
        let refuse = format!("[rules.progress-update]\n{key} = \"refuse\"\n");
        repo.write(".execguard.toml", refuse);
        repo.commit_all("Refuse unplanned complex work").assert_ok();
        assert_eq!(repo.commit_count(), 2);
        repo.write(".execguard.toml", "[rules.progress-update]\n");
        let run = repo.commit_all("Warn of unplanned complex work again");
        run.assert_refused("guard-config");
        assert!(
            run.stderr.contains(&format!(
                "rules.progress-update.{key}: \"refuse\" → \"warn\""
            )),
            "{run:#?}"
        );
        assert_eq!(repo.commit_count(), 2);
    }
}
