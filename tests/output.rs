#![allow(clippy::unwrap_used)]
//! The output options: `--color` and `EXECGUARD_COLOR`, `-q/--quiet`, `-v/--verbose`, and
//! `--config` refused where it would be ignored.

use crate::common;

use common::{execguard_bin, Run, TestRepo};

fn has_ansi(text: &str) -> bool {
    text.contains('\u{1b}')
}

/// An installed repository on `exec/login` with an edit of the frozen spec staged.
fn staged_frozen_spec_edit() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    repo
}

fn execguard_with_env(repo: &TestRepo, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = repo.command(execguard_bin());
    for (name, value) in env {
        command.env(name, value);
    }
    Run::from_command(command.args(args))
}

fn git_with_env(repo: &TestRepo, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = repo.command("git");
    for (name, value) in env {
        command.env(name, value);
    }
    Run::from_command(command.args(args))
}

// ---- colour ---------------------------------------------------------------------------------

#[test]
fn color_always_colours_a_pipe_even_with_no_color() {
    let repo = staged_frozen_spec_edit();
    let plain = repo.execguard(["check"]);
    plain.assert_refused("frozen-spec");
    assert!(
        !has_ansi(&plain.stderr),
        "control: a pipe is plain: {plain:#?}"
    );
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let run = execguard_with_env(&repo, env, &["check", "--color", "always"]);
        assert_eq!(run.code, Some(1), "{run:#?}");
        assert!(has_ansi(&run.stderr), "{env:?}: {run:#?}");
        assert!(
            run.stderr.contains("frozen-spec"),
            "the rule is still named: {run:#?}"
        );
    }
}

#[test]
fn color_never_wins_over_clicolor_force_and_execguard_color() {
    let repo = staged_frozen_spec_edit();
    let env = [("CLICOLOR_FORCE", "1"), ("EXECGUARD_COLOR", "always")];
    let forced = execguard_with_env(&repo, &env, &["check"]);
    assert_eq!(forced.code, Some(1), "{forced:#?}");
    assert!(has_ansi(&forced.stderr), "control: {forced:#?}");
    let run = execguard_with_env(&repo, &env, &["--color", "never", "check"]);
    run.assert_refused("frozen-spec");
    assert!(!has_ansi(&run.stderr), "{run:#?}");
}

#[test]
fn execguard_color_chooses_colour_for_the_hooks() {
    let repo = staged_frozen_spec_edit();
    let coloured = git_with_env(
        &repo,
        &[("EXECGUARD_COLOR", "always")],
        &["commit", "-q", "-m", "Tweak the spec"],
    );
    assert_eq!(coloured.code, Some(1), "{coloured:#?}");
    assert!(has_ansi(&coloured.stderr), "{coloured:#?}");
    let plain = git_with_env(
        &repo,
        &[("EXECGUARD_COLOR", "never"), ("CLICOLOR_FORCE", "1")],
        &["commit", "-q", "-m", "Tweak the spec"],
    );
    plain.assert_refused("frozen-spec");
    assert!(!has_ansi(&plain.stderr), "{plain:#?}");
}

#[test]
fn a_bad_execguard_color_refuses_the_commit_naming_the_variable() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    let before = repo.commit_count();
    repo.add_progress("Wrote the login form.");
    repo.write("src/auth.rs", "pub fn login() { todo() }\n");
    repo.git(["add", "-A"]);
    let commit = git_with_env(
        &repo,
        &[("EXECGUARD_COLOR", "blue")],
        &["commit", "-q", "-m", "Add the login form"],
    );
    assert_eq!(
        commit.code,
        Some(1),
        "git reports the hook's refusal: {commit:#?}"
    );
    assert!(commit.stderr.contains("EXECGUARD_COLOR"), "{commit:#?}");
    assert!(
        commit.stderr.contains("auto, always or never"),
        "{commit:#?}"
    );
    assert!(!commit.stderr.contains("panicked"), "{commit:#?}");
    assert_eq!(repo.commit_count(), before, "nothing was committed");
    let check = execguard_with_env(&repo, &[("EXECGUARD_COLOR", "blue")], &["check"]);
    assert_eq!(check.code, Some(2), "{check:#?}");
    assert!(check.stderr.contains("EXECGUARD_COLOR"), "{check:#?}");
    // The same commit goes through with a valid choice.
    git_with_env(
        &repo,
        &[("EXECGUARD_COLOR", "never")],
        &["commit", "-q", "-m", "Add the login form"],
    )
    .assert_ok();
}

// ---- quiet ----------------------------------------------------------------------------------

#[test]
fn quiet_check_prints_only_the_verdict_on_violations() {
    let repo = staged_frozen_spec_edit();
    let run = repo.execguard(["check", "-q"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    snapbox::assert_data_eq!(
        run.stderr,
        snapbox::str![[r#"
execguard: 1 violation (frozen-spec); the change would be refused. Do not bypass the guard (no --no-verify): fix the cause, or stop and escalate to a human (`execguard escalate "<question>"`).

"#]]
    );
}

#[test]
fn quiet_says_nothing_on_success() {
    let repo = TestRepo::new();
    let install = repo.execguard(["--quiet", "install"]);
    install.assert_ok();
    assert_eq!(install.stderr, "", "{install:#?}");
    assert!(repo.hooks_dir().join("pre-commit").is_file(), "installed");
    repo.exec_fixture();
    repo.add_progress("Wrote the login form.");
    repo.write("src/auth.rs", "pub fn login() -> bool { true }\n");
    repo.git(["add", "-A"]);
    let check = repo.execguard(["check", "--quiet"]);
    check.assert_ok();
    assert_eq!(check.stderr, "", "{check:#?}");
    repo.commit("Add the login form").assert_ok();
    let range = repo.execguard(["check", "-q", "--range", "HEAD^!"]);
    range.assert_ok();
    assert_eq!(range.stderr, "", "{range:#?}");
    let init = repo.execguard(["init", "-q"]);
    init.assert_ok();
    assert_eq!(init.stderr, "", "{init:#?}");
    assert!(repo.path(".execguard.toml").is_file(), "written");
}

#[test]
fn quiet_still_prints_errors() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    let run = repo.execguard(["check", "-q", "--range", "no-such-branch..HEAD"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("no-such-branch"), "{run:#?}");
}

#[test]
fn quiet_and_verbose_together_are_refused() {
    let repo = TestRepo::new();
    let run = repo.execguard(["check", "-q", "-v"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("--quiet"), "{run:#?}");
}

// ---- verbose --------------------------------------------------------------------------------

#[test]
fn verbose_check_names_the_config_base_branch_and_feature() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.add_progress("Wrote the login form.");
    repo.git(["add", "-A"]);
    let run = repo.execguard(["check", "-v"]);
    run.assert_ok();
    for line in [
        "execguard: config: the embedded default config",
        "execguard: base: HEAD (tree ",
        "execguard: branch: exec/login",
        "execguard: feature: login (from the branch name)",
    ] {
        assert!(run.stderr.contains(line), "{line}: {run:#?}");
    }

    // With a committed config, on a branch that names no feature.
    repo.write(".execguard.toml", "");
    repo.git(["add", ".execguard.toml"]);
    repo.commit_unchecked("Adopt execguard");
    repo.git(["checkout", "-q", "-b", "tidy"]);
    repo.write("src/auth.rs", "pub fn login() -> bool { true }\n");
    repo.git(["add", "-A"]);
    let run = repo.execguard(["check", "--verbose"]);
    for line in [
        "execguard: config: HEAD:.execguard.toml (the base tree)",
        "execguard: branch: tidy",
        "execguard: feature: none found",
    ] {
        assert!(run.stderr.contains(line), "{line}: {run:#?}");
    }
}

#[test]
fn verbose_range_names_the_config_and_the_commits() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.add_progress("Wrote the login form.");
    repo.write("src/auth.rs", "pub fn login() -> bool { true }\n");
    repo.commit_all("Add the login form").assert_ok();
    let head = repo.head();
    let run = repo.execguard(["check", "-v", "--range", "HEAD^!", "--branch", "main"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("execguard: config: each commit's first parent's .execguard.toml"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("branch: main"), "{run:#?}");
    assert!(run.stderr.contains(&head[..7]), "{run:#?}");
}

// ---- --config where it would be ignored -----------------------------------------------------

#[test]
fn config_is_refused_where_it_would_be_ignored() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write("strict.toml", "");
    for subcommand in ["install", "uninstall", "init", "baseline"] {
        let run = repo.execguard(["--config", "strict.toml", subcommand]);
        assert_eq!(run.code, Some(2), "{subcommand}: {run:#?}");
        assert!(
            run.stderr.contains(&format!(
                "--config strict.toml has no effect on `execguard {subcommand}`"
            )),
            "{subcommand}: {run:#?}"
        );
        assert!(
            run.stderr.contains("run it without --config"),
            "{subcommand}: {run:#?}"
        );
    }
    assert!(
        !repo.hooks_dir().join("pre-commit").exists(),
        "no hook installed"
    );
    assert!(!repo.path(".execguard.toml").exists(), "no config written");
    // Without it, the same command works (the sentence's advice).
    repo.execguard(["install"]).assert_ok();
}
