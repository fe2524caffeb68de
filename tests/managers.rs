#![allow(clippy::unwrap_used)]
mod common;

// execguard beside the hook managers people already run: pre-commit, prek, lefthook and husky,
// the real tools (installed by tests/prerequisites.sh from their registries). In every install order, and after
// re-running either installer, a commit touching a protected path is still refused by execguard
// and the manager's own hook still runs.

use std::path::Path;

use common::*;

/// The manager's own hook appends a line here, so a test can see it ran.
const RAN_FILE: &str = ".git/manager-hook-ran";
const OWN_HOOK_COMMAND: &str = "echo ran >> .git/manager-hook-ran";

/// Fails with a clear message when a hook manager the suite needs is not installed.
fn require_tool(repo: &TestRepo, program: &str) {
    // `command -v`, not `--version`: `husky --version` would install husky into `--version/`.
    let found = repo
        .command("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "{program} is not installed: the hook-manager tests run the real tool (tests/prerequisites.sh installs it: \
         pip install pre-commit prek; npm install -g lefthook husky)"
    );
}

fn run_tool(repo: &TestRepo, program: &str, args: &[&str]) -> Run {
    let run = Run::from_command(repo.command(program).args(args));
    assert!(run.ok(), "{program} {args:?} failed: {run:#?}");
    run
}

fn own_hook_runs(repo: &TestRepo) -> usize {
    std::fs::read_to_string(repo.path(RAN_FILE))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

/// A commit that touches the plan-writing rules is refused by execguard, the manager's own hook
/// still runs, and a commit touching only notes goes through (and runs it too).
#[track_caller]
fn assert_both_run(repo: &TestRepo, step: &str) {
    let before = own_hook_runs(repo);
    repo.append("backend/PLANS.md", "An edit by the agent.\n");
    repo.git(["add", "backend/PLANS.md"]);
    let refused = repo.commit("Edit the plan-writing rules");
    assert_eq!(
        refused.code,
        Some(1),
        "{step}: expected a refusal: {refused:#?}"
    );
    assert!(
        refused.stderr.contains("error[protected-path]"),
        "{step}: execguard did not name the rule: {refused:#?}"
    );
    assert!(
        own_hook_runs(repo) > before,
        "{step}: the manager's own hook did not run: {refused:#?}"
    );
    repo.git(["reset", "-q"]);
    repo.git(["checkout", "--", "backend/PLANS.md"]);

    let before = own_hook_runs(repo);
    add_note(repo, step);
    repo.git(["add", "notes.md"]);
    let clean = repo.commit(&format!("Note: {step}"));
    assert!(clean.ok(), "{step}: a clean commit was refused: {clean:#?}");
    assert!(
        own_hook_runs(repo) > before,
        "{step}: the manager's own hook did not run on a clean commit: {clean:#?}"
    );
}

fn add_note(repo: &TestRepo, note: &str) {
    let notes = std::fs::read_to_string(repo.path("notes.md")).unwrap_or_default();
    repo.write("notes.md", format!("{notes}- {note}\n"));
}

/// A frozen-spec edit committed with the hooks bypassed is refused when pushed, and the remote
/// keeps its old tip. `pushed_output` is where the manager shows the hook's output.
#[track_caller]
fn assert_push_refused(repo: &TestRepo, step: &str) {
    repo.git_in(&repo.root, ["init", "-q", "--bare", "remote.git"]);
    let remote = repo.root.join("remote.git");
    repo.git(["remote", "add", "origin", &remote.display().to_string()]);
    repo.git(["push", "-q", "--no-verify", "origin", "exec/login"]);
    repo.git(["fetch", "-q", "origin"]);
    repo.append("specs/login.md", "Also passkeys.\n");
    repo.commit_unchecked("Edit the frozen spec");
    let push = repo.git_run(["push", "origin", "exec/login"]);
    assert_ne!(
        push.code,
        Some(0),
        "{step}: the push went through: {push:#?}"
    );
    assert!(
        push.stdout.contains("error[frozen-spec]") || push.stderr.contains("error[frozen-spec]"),
        "{step}: execguard did not name the rule: {push:#?}"
    );
    assert_ne!(
        repo.git_in(&remote, ["rev-parse", "exec/login"]).trim(),
        repo.head(),
        "{step}: the refused push landed"
    );
}

fn pre_commit_config(extra: &str) -> String {
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: own\n        name: own\n        entry: sh -c '{OWN_HOOK_COMMAND}'\n        language: system\n        pass_filenames: false\n        always_run: true\n{extra}"
    )
}

fn with_pre_commit_manager(tool: &str) -> TestRepo {
    let repo = TestRepo::new();
    require_tool(&repo, tool);
    repo.exec_fixture();
    repo.write(".pre-commit-config.yaml", pre_commit_config(""));
    repo.commit_unchecked("Add the pre-commit config");
    repo
}

fn execguard_first_then(tool: &str) {
    let repo = with_pre_commit_manager(tool);
    repo.execguard(["install"]).assert_ok();
    run_tool(&repo, tool, &["install"]);
    assert_both_run(&repo, &format!("execguard, then {tool} install"));
    let again = repo.execguard(["install"]);
    again.assert_ok();
    assert!(
        again.stderr.contains("pre-commit.legacy reinstalled"),
        "{again:#?}"
    );
    assert_both_run(&repo, &format!("execguard install again after {tool}"));
    run_tool(&repo, tool, &["install"]);
    assert_both_run(&repo, &format!("{tool} install again"));
    // `install -f` drops the legacy hook: doctor tells, and `execguard install` puts it back.
    run_tool(&repo, tool, &["install", "-f"]);
    let doctor = repo.execguard(["doctor"]);
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(doctor.stdout.contains("runs no execguard"), "{doctor:#?}");
    repo.execguard(["install"]).assert_ok();
    repo.execguard(["doctor"]).assert_ok();
    assert_both_run(&repo, &format!("{tool} install -f, then execguard install"));
}

fn manager_first_then_execguard(tool: &str) {
    let repo = with_pre_commit_manager(tool);
    run_tool(&repo, tool, &["install"]);
    let hook_before = std::fs::read(repo.hooks_dir().join("pre-commit")).unwrap();
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install.stderr.contains("pre-commit.legacy installed"),
        "{install:#?}"
    );
    assert_eq!(
        std::fs::read(repo.hooks_dir().join("pre-commit")).unwrap(),
        hook_before,
        "execguard wrote into {tool}'s generated hook"
    );
    assert_both_run(&repo, &format!("{tool}, then execguard"));
    run_tool(&repo, tool, &["install"]);
    assert_both_run(&repo, &format!("{tool} install again"));
    repo.execguard(["install"]).assert_ok();
    assert_both_run(&repo, &format!("execguard install again after {tool}"));
    // uninstall takes execguard's shim out of the slot and leaves the manager's hook as it was.
    repo.execguard(["uninstall"]).assert_ok();
    assert!(!repo.hooks_dir().join("pre-commit.legacy").exists());
    assert_eq!(
        std::fs::read(repo.hooks_dir().join("pre-commit")).unwrap(),
        hook_before
    );
    let before = own_hook_runs(&repo);
    add_note(&repo, "after uninstall");
    repo.git(["add", "notes.md"]);
    repo.commit("Note after uninstall").assert_ok();
    assert!(own_hook_runs(&repo) > before);
}

#[test]
fn pre_commit_installed_after_execguard_keeps_both() {
    execguard_first_then("pre-commit");
}

#[test]
fn pre_commit_installed_before_execguard_keeps_both() {
    manager_first_then_execguard("pre-commit");
}

#[test]
fn prek_installed_after_execguard_keeps_both() {
    execguard_first_then("prek");
}

#[test]
fn prek_installed_before_execguard_keeps_both() {
    manager_first_then_execguard("prek");
}

/// The `.pre-commit-config.yaml` entry execguard prints and the README shows: with it, pre-commit
/// runs execguard itself and `execguard install` leaves pre-commit's hook alone.
#[test]
fn pre_commit_config_snippet_runs_execguard() {
    let repo = TestRepo::new();
    require_tool(&repo, "pre-commit");
    repo.exec_fixture();
    let snippet = include_str!("../crates/execguard/src/managers/pre-commit-config.yaml");
    repo.write(".pre-commit-config.yaml", pre_commit_config(snippet));
    repo.commit_unchecked("Add the pre-commit config");
    run_tool(
        &repo,
        "pre-commit",
        &[
            "install",
            "--hook-type",
            "pre-commit",
            "--hook-type",
            "commit-msg",
            "--hook-type",
            "pre-push",
        ],
    );
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install
            .stderr
            .contains("pre-commit runs execguard-pre-commit"),
        "{install:#?}"
    );
    assert!(!repo.hooks_dir().join("pre-commit.legacy").exists());
    assert_both_run(&repo, "execguard run by pre-commit's config");
    // commit-msg: a subject over 72 characters is refused through pre-commit's commit-msg hook.
    add_note(&repo, "another note");
    repo.git(["add", "notes.md"]);
    repo.commit("A subject that goes on and on well past the limit of seventy-two characters")
        .assert_refused("commit-message");
}

fn with_lefthook(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    require_tool(&repo, "lefthook");
    repo.exec_fixture();
    repo.write("lefthook.yml", config);
    repo.commit_unchecked("Add the lefthook config");
    repo
}

fn own_lefthook_config() -> String {
    format!("pre-commit:\n  commands:\n    own:\n      run: {OWN_HOOK_COMMAND}\n")
}

#[test]
fn lefthook_installed_after_execguard_keeps_both() {
    let repo = with_lefthook(&own_lefthook_config());
    repo.execguard(["install"]).assert_ok();
    run_tool(&repo, "lefthook", &["install"]);
    assert_both_run(&repo, "execguard, then lefthook install");
    let again = repo.execguard(["install"]);
    again.assert_ok();
    assert!(
        again.stderr.contains("pre-commit.old reinstalled"),
        "{again:#?}"
    );
    assert_both_run(&repo, "execguard install again after lefthook");
    run_tool(&repo, "lefthook", &["install"]);
    assert_both_run(&repo, "lefthook install again");
}

#[test]
fn lefthook_installed_before_execguard_keeps_both() {
    let repo = with_lefthook(&own_lefthook_config());
    run_tool(&repo, "lefthook", &["install"]);
    let hook_before = std::fs::read(repo.hooks_dir().join("pre-commit")).unwrap();
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install.stderr.contains("pre-commit.old installed"),
        "{install:#?}"
    );
    assert_eq!(
        std::fs::read(repo.hooks_dir().join("pre-commit")).unwrap(),
        hook_before,
        "execguard wrote into lefthook's generated hook"
    );
    assert_both_run(&repo, "lefthook, then execguard");
    run_tool(&repo, "lefthook", &["install"]);
    assert_both_run(&repo, "lefthook install again");
    repo.execguard(["install"]).assert_ok();
    assert_both_run(&repo, "execguard install again after lefthook");
}

/// The README's lefthook snippet: lefthook runs execguard's binaries, and `execguard install`
/// installs nothing for those hooks.
#[test]
fn lefthook_snippet_from_the_readme_runs_execguard() {
    let snippet = include_str!("../crates/execguard/src/managers/lefthook.yml");
    let config = snippet.replacen(
        "pre-commit:\n  commands:\n",
        &format!("pre-commit:\n  commands:\n    own:\n      run: {OWN_HOOK_COMMAND}\n"),
        1,
    );
    let repo = with_lefthook(&config);
    run_tool(&repo, "lefthook", &["install"]);
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install
            .stderr
            .contains("lefthook runs execguard-pre-commit"),
        "{install:#?}"
    );
    assert!(!repo.hooks_dir().join("pre-commit.old").exists());
    assert_both_run(&repo, "execguard run by lefthook's config");
    add_note(&repo, "another note");
    repo.git(["add", "notes.md"]);
    repo.commit("A subject that goes on and on well past the limit of seventy-two characters")
        .assert_refused("commit-message");
    assert_push_refused(&repo, "lefthook's pre-push");
    // The binaries lefthook's config names must be on PATH: doctor says when they are not.
    let doctor = Run::from_command(
        repo.command(execguard_bin())
            .arg("doctor")
            .env("PATH", "/usr/bin:/bin"),
    );
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(
        doctor
            .stdout
            .contains("lefthook runs execguard-pre-commit (")
            && doctor.stdout.contains("which is not on PATH"),
        "{doctor:#?}"
    );
}

fn with_husky() -> TestRepo {
    let repo = TestRepo::new();
    require_tool(&repo, "husky");
    repo.exec_fixture();
    repo
}

fn husky_install(repo: &TestRepo) {
    run_tool(repo, "husky", &[]);
    assert_eq!(repo.git(["config", "core.hooksPath"]).trim(), ".husky/_");
}

/// Every file under `dir`, with its content, to show nothing was written there.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn add_husky_snippets(repo: &TestRepo) {
    let snippets = [
        (
            "pre-commit",
            include_str!("../crates/execguard/src/managers/husky-pre-commit"),
        ),
        (
            "commit-msg",
            include_str!("../crates/execguard/src/managers/husky-commit-msg"),
        ),
        (
            "pre-push",
            include_str!("../crates/execguard/src/managers/husky-pre-push"),
        ),
    ];
    for (hook, line) in snippets {
        let path = format!(".husky/{hook}");
        if !repo.path(&path).exists() {
            repo.write(&path, "");
        }
        repo.append(&path, line);
    }
}

#[test]
fn husky_installed_first_execguard_refuses_with_the_lines_to_add() {
    let repo = with_husky();
    husky_install(&repo);
    repo.write(".husky/pre-commit", format!("{OWN_HOOK_COMMAND}\n"));
    let generated = snapshot(&repo.path(".husky/_"));
    let refused = repo.execguard(["install"]);
    assert_eq!(refused.code, Some(2), "{refused:#?}");
    for line in [
        "execguard-pre-commit",
        "execguard-commit-msg \"$1\"",
        "execguard-pre-push \"$@\"",
    ] {
        assert!(
            refused.stderr.contains(line),
            "snippet lacks {line}: {refused:#?}"
        );
    }
    assert!(refused.stderr.contains("husky"), "{refused:#?}");
    assert_eq!(
        snapshot(&repo.path(".husky/_")),
        generated,
        "execguard wrote into .husky/_"
    );
    assert!(!repo.hooks_dir().join("pre-commit").exists());

    add_husky_snippets(&repo);
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install.stderr.contains("husky runs execguard-pre-commit"),
        "{install:#?}"
    );
    assert_eq!(
        snapshot(&repo.path(".husky/_")),
        generated,
        "execguard wrote into .husky/_"
    );
    assert_both_run(&repo, "husky with the snippet");
    husky_install(&repo);
    assert_both_run(&repo, "husky install again");
    add_note(&repo, "another note");
    repo.git(["add", "notes.md"]);
    repo.commit("A subject that goes on and on well past the limit of seventy-two characters")
        .assert_refused("commit-message");
    assert_push_refused(&repo, "husky's pre-push");
}

/// `core.hooksPath = .husky/_` before husky wrote that folder: still husky's, never written.
#[test]
fn husky_folder_not_yet_written_is_not_written_by_execguard() {
    let repo = with_husky();
    repo.git(["config", "core.hooksPath", ".husky/_"]);
    let refused = repo.execguard(["install"]);
    assert_eq!(refused.code, Some(2), "{refused:#?}");
    assert!(
        !repo.path(".husky/_").exists(),
        "execguard created husky's folder"
    );
}

#[test]
fn husky_installed_after_execguard_is_reported_then_refused_until_the_lines_are_added() {
    let repo = with_husky();
    repo.execguard(["install"]).assert_ok();
    husky_install(&repo);
    repo.write(".husky/pre-commit", format!("{OWN_HOOK_COMMAND}\n"));
    // git now runs husky's hooks only: execguard's shims in .git/hooks are shadowed.
    let doctor = repo.execguard(["doctor"]);
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(
        doctor.stdout.contains("shadowed by core.hooksPath"),
        "{doctor:#?}"
    );
    let refused = repo.execguard(["install"]);
    assert_eq!(refused.code, Some(2), "{refused:#?}");
    add_husky_snippets(&repo);
    repo.execguard(["install"]).assert_ok();
    assert_both_run(&repo, "execguard, husky, then the snippet");
    repo.execguard(["doctor"]).assert_ok();
    // husky's runner gone: doctor names it, and `husky` writes it again.
    std::fs::remove_file(repo.path(".husky/_/pre-commit")).unwrap();
    let doctor = repo.execguard(["doctor"]);
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(
        doctor.stdout.contains("run `husky` to write it again"),
        "{doctor:#?}"
    );
    husky_install(&repo);
    repo.execguard(["doctor"]).assert_ok();
}

/// The repository's `.pre-commit-hooks.yaml`, used as pre-commit and prek users do: `repo:` a
/// clone of this repository at a commit, the three hooks by id. The pre-push hook rebuilds git's
/// ref line from pre-commit's `PRE_COMMIT_*` variables.
fn hooks_file_from_a_clone(tool: &str) {
    let repo = TestRepo::new();
    require_tool(&repo, tool);
    let source = repo.root.join("execguard-src");
    repo.git_in(&repo.root, ["init", "-q", "execguard-src"]);
    std::fs::write(
        source.join(".pre-commit-hooks.yaml"),
        include_str!("../.pre-commit-hooks.yaml"),
    )
    .unwrap();
    repo.git_in(&source, ["add", "-A"]);
    repo.git_in(&source, ["commit", "-q", "-m", "Hooks"]);
    let rev = repo
        .git_in(&source, ["rev-parse", "HEAD"])
        .trim()
        .to_string();

    repo.exec_fixture();
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: execguard-pre-commit\n      - id: execguard-commit-msg\n      - id: execguard-pre-push\n",
            source.display()
        ),
    );
    repo.commit_unchecked("Run execguard through pre-commit");
    run_tool(
        &repo,
        tool,
        &[
            "install",
            "--hook-type",
            "pre-commit",
            "--hook-type",
            "commit-msg",
            "--hook-type",
            "pre-push",
        ],
    );
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install
            .stderr
            .contains(&format!("{tool} runs execguard-pre-push"))
            || install
                .stderr
                .contains("pre-commit runs execguard-pre-push"),
        "{install:#?}"
    );

    repo.append("backend/PLANS.md", "An edit by the agent.\n");
    repo.git(["add", "backend/PLANS.md"]);
    repo.commit("Edit the plan-writing rules")
        .assert_refused("protected-path");
    repo.git(["reset", "-q"]);
    repo.git(["checkout", "--", "backend/PLANS.md"]);

    add_note(&repo, "a note");
    repo.git(["add", "notes.md"]);
    repo.commit("A subject that goes on and on well past the limit of seventy-two characters")
        .assert_refused("commit-message");
    repo.commit("Add a note").assert_ok();

    assert_push_refused(&repo, &format!("{tool}'s pre-push"));
}

#[test]
fn pre_commit_hooks_file_works_with_pre_commit() {
    hooks_file_from_a_clone("pre-commit");
}

#[test]
fn pre_commit_hooks_file_works_with_prek() {
    hooks_file_from_a_clone("prek");
}

/// The README shows the very snippets these tests run.
#[test]
fn readme_shows_the_snippets_the_tests_run() {
    let readme = include_str!("../README.md");
    for (name, snippet) in [
        (
            "lefthook.yml",
            include_str!("../crates/execguard/src/managers/lefthook.yml"),
        ),
        (
            "pre-commit-config.yaml",
            include_str!("../crates/execguard/src/managers/pre-commit-config.yaml"),
        ),
        (
            "husky's lines",
            concat!(
                include_str!("../crates/execguard/src/managers/husky-pre-commit"),
                include_str!("../crates/execguard/src/managers/husky-commit-msg"),
                include_str!("../crates/execguard/src/managers/husky-pre-push"),
            ),
        ),
    ] {
        assert!(
            readme.contains(&format!("\n{snippet}```\n")),
            "README.md does not show {name} as the tests run it"
        );
    }
}

/// What an earlier `execguard install` did to a pre-commit hook: moved it aside to
/// `pre-commit.execguard-chained` and put its shim in its place.
fn as_an_earlier_install_left_it(repo: &TestRepo) {
    let hooks = repo.hooks_dir();
    repo.execguard(["install"]).assert_ok();
    run_tool(repo, "pre-commit", &["install"]);
    std::fs::rename(
        hooks.join("pre-commit"),
        hooks.join("pre-commit.execguard-chained"),
    )
    .unwrap();
    std::fs::copy(hooks.join("pre-commit.legacy"), hooks.join("pre-commit")).unwrap();
}

/// Regression: re-running `pre-commit install` after execguard had moved pre-commit's hook aside
/// made every commit fail ("installed in migration mode"). doctor names it, and
/// `execguard install` repairs it.
#[test]
fn pre_commit_migration_mode_failure_left_by_an_earlier_install_is_repaired() {
    let repo = with_pre_commit_manager("pre-commit");
    as_an_earlier_install_left_it(&repo);
    run_tool(&repo, "pre-commit", &["install"]);
    add_note(&repo, "broken");
    repo.git(["add", "notes.md"]);
    let broken = repo.commit("A note");
    assert_ne!(broken.code, Some(0), "{broken:#?}");
    assert!(broken.stderr.contains("migration mode"), "{broken:#?}");
    let doctor = repo.execguard(["doctor"]);
    assert_eq!(doctor.code, Some(1), "{doctor:#?}");
    assert!(
        doctor
            .stdout
            .contains("pre-commit.execguard-chained is a copy of pre-commit's hook"),
        "{doctor:#?}"
    );
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(install.stderr.contains("removed"), "{install:#?}");
    repo.execguard(["doctor"]).assert_ok();
    repo.git(["reset", "-q"]);
    assert_both_run(&repo, "repaired");
}

/// The same earlier state before pre-commit is re-run: `execguard install` puts pre-commit's hook
/// back and takes the legacy slot, so re-running `pre-commit install` keeps both.
#[test]
fn pre_commit_hook_moved_aside_by_an_earlier_install_goes_back() {
    let repo = with_pre_commit_manager("pre-commit");
    as_an_earlier_install_left_it(&repo);
    let install = repo.execguard(["install"]);
    install.assert_ok();
    assert!(
        install.stderr.contains("pre-commit's hook is back"),
        "{install:#?}"
    );
    assert!(!repo
        .hooks_dir()
        .join("pre-commit.execguard-chained")
        .exists());
    assert_both_run(&repo, "unchained");
    run_tool(&repo, "pre-commit", &["install"]);
    assert_both_run(&repo, "pre-commit install again");
}
