#![allow(clippy::unwrap_used)]
mod common;

// The `execguard` command line as a user meets it: installing next to other hooks, reinstalling
// and uninstalling, where hooks go (`core.hooksPath`, linked worktrees), the shim failing closed,
// `explain`, `init`, `config` and `check`, and what the output looks like.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

/// A pre-commit hook that is not execguard's: it records that it ran, then lets the commit on.
const FOREIGN_HOOK: &str =
    "#!/bin/sh\n# The team's own pre-commit hook.\necho foreign-ran >> \"$(git rev-parse --git-dir)/foreign-ran\"\nexit 0\n";

/// A pre-commit hook that is not execguard's and refuses every commit.
const FOREIGN_HOOK_FAILING: &str = "#!/bin/sh\necho 'foreign hook: no commits today' >&2\nexit 1\n";

fn write_hook(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn is_execguard_shim(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| text.contains("# execguard-managed hook:"))
}

/// The names in a hooks directory, leaving out git's `*.sample` files.
fn hook_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".sample"))
        .collect();
    names.sort();
    names
}

/// How many times the foreign hook has run in `repo`.
fn foreign_runs(repo: &TestRepo) -> usize {
    std::fs::read_to_string(repo.dir.join(".git/foreign-ran"))
        .map(|text| text.lines().filter(|l| *l == "foreign-ran").count())
        .unwrap_or(0)
}

/// Runs `program` with the test environment in `dir` instead of the working tree.
fn run_in(repo: &TestRepo, dir: &Path, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Run {
    Run::from_command(repo.command(program).current_dir(dir).args(args))
}

/// Stages an edit of the protected `backend/PLANS.md` (fixture committed) and commits it.
fn commit_protected_path_edit(repo: &TestRepo) -> Run {
    repo.append("backend/PLANS.md", "Plans may be shorter.\n");
    repo.git(["add", "backend/PLANS.md"]);
    repo.commit("Relax the plan rules")
}

fn has_ansi(text: &str) -> bool {
    text.contains('\u{1b}')
}

// ---- install next to a foreign hook -------------------------------------------------------

#[test]
fn install_over_a_foreign_hook_runs_it_first_and_still_checks() {
    let repo = TestRepo::new();
    write_hook(&repo.hooks_dir(), "pre-commit", FOREIGN_HOOK, 0o755);
    let run = repo.execguard(["install"]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("pre-commit.execguard-chained and runs first"),
        "install says the foreign hook is kept: {run:#?}"
    );
    repo.exec_fixture();
    let before = repo.head();

    let run = commit_protected_path_edit(&repo);
    run.assert_refused("protected-path");
    assert_eq!(
        foreign_runs(&repo),
        1,
        "the foreign hook ran before execguard refused"
    );
    assert_eq!(repo.head(), before, "no commit was made");
}

#[test]
fn a_failing_foreign_hook_blocks_a_commit_execguard_allows() {
    let repo = TestRepo::new();
    write_hook(&repo.hooks_dir(), "pre-commit", FOREIGN_HOOK_FAILING, 0o755);
    repo.execguard(["install"]).assert_ok();
    repo.write("README.md", "# Project\n");
    repo.commit_unchecked("Start");
    let before = repo.head();

    repo.write("notes.md", "Remember the milk.\n");
    repo.git(["add", "notes.md"]);
    repo.execguard(["check"]).assert_ok();
    let run = repo.commit("Add notes");
    assert!(!run.ok(), "the foreign hook's failure blocks: {run:#?}");
    assert!(
        run.stderr.contains("foreign hook: no commits today"),
        "{run:#?}"
    );
    assert_eq!(repo.head(), before, "no commit was made");
}

// ---- reinstall ----------------------------------------------------------------------------

#[test]
fn reinstall_leaves_hooks_byte_identical_and_keeps_one_chained_copy() {
    let repo = TestRepo::new();
    let hooks = repo.hooks_dir();
    write_hook(&hooks, "pre-commit", FOREIGN_HOOK, 0o755);

    repo.execguard(["install"]).assert_ok();
    let pre_commit = std::fs::read(hooks.join("pre-commit")).unwrap();
    let commit_msg = std::fs::read(hooks.join("commit-msg")).unwrap();
    let files = hook_files(&hooks);

    let run = repo.execguard(["install"]);
    run.assert_ok();
    assert!(run.stderr.contains("reinstalled"), "{run:#?}");
    assert_eq!(std::fs::read(hooks.join("pre-commit")).unwrap(), pre_commit);
    assert_eq!(std::fs::read(hooks.join("commit-msg")).unwrap(), commit_msg);
    assert_eq!(hook_files(&hooks), files, "no file appeared or went");
    assert_eq!(
        hook_files(&hooks),
        [
            "commit-msg",
            "pre-commit",
            "pre-commit.execguard-chained",
            "pre-push"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(hooks.join("pre-commit.execguard-chained")).unwrap(),
        FOREIGN_HOOK,
        "the chained copy is still the foreign hook, not a shim"
    );

    repo.write("notes.md", "Notes.\n");
    repo.commit_all("Add notes").assert_ok();
    assert_eq!(
        foreign_runs(&repo),
        1,
        "the foreign hook runs once per commit"
    );
}

// ---- uninstall ----------------------------------------------------------------------------

#[test]
fn uninstall_restores_the_foreign_hook_byte_for_byte_with_its_mode() {
    let repo = TestRepo::new();
    let hooks = repo.hooks_dir();
    let foreign = write_hook(&hooks, "pre-commit", FOREIGN_HOOK, 0o750);
    repo.execguard(["install"]).assert_ok();
    assert!(is_execguard_shim(&foreign));

    let run = repo.execguard(["uninstall"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("the hook it replaced is restored"),
        "{run:#?}"
    );
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), FOREIGN_HOOK);
    assert_eq!(mode_of(&foreign), 0o750, "the executable mode is restored");
    assert_eq!(hook_files(&hooks), ["pre-commit"]);

    repo.write("notes.md", "Notes.\n");
    repo.commit_all("Add notes").assert_ok();
    assert_eq!(foreign_runs(&repo), 1, "the restored hook still runs");
}

#[test]
fn uninstall_without_a_foreign_hook_leaves_no_hook_files() {
    let repo = TestRepo::installed();
    assert_eq!(
        hook_files(&repo.hooks_dir()),
        ["commit-msg", "pre-commit", "pre-push"]
    );
    let run = repo.execguard(["uninstall"]);
    run.assert_ok();
    assert!(run.stderr.contains("removed"), "{run:#?}");
    assert_eq!(hook_files(&repo.hooks_dir()), Vec::<String>::new());

    repo.exec_fixture();
    commit_protected_path_edit(&repo).assert_ok();
}

#[test]
fn uninstall_leaves_a_hook_that_is_not_execguards_alone() {
    let repo = TestRepo::new();
    let foreign = write_hook(&repo.hooks_dir(), "pre-commit", FOREIGN_HOOK, 0o755);
    let run = repo.execguard(["uninstall"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("left alone: it is not execguard's"),
        "{run:#?}"
    );
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), FOREIGN_HOOK);
    assert_eq!(mode_of(&foreign), 0o755);
    assert_eq!(hook_files(&repo.hooks_dir()), ["pre-commit"]);
}

// ---- where hooks go -----------------------------------------------------------------------

#[test]
fn install_honours_a_relative_core_hooks_path() {
    let repo = TestRepo::new();
    repo.git(["config", "core.hooksPath", ".githooks"]);
    repo.exec_fixture();
    // From a subdirectory: the path is relative to the top of the working tree, as git reads it.
    run_in(&repo, &repo.path("src"), execguard_bin(), &["install"]).assert_ok();
    assert!(!repo.path("src/.githooks").exists());

    assert!(is_execguard_shim(&repo.path(".githooks/pre-commit")));
    assert!(is_execguard_shim(&repo.path(".githooks/commit-msg")));
    assert_eq!(hook_files(&repo.hooks_dir()), Vec::<String>::new());
    let before = repo.head();
    commit_protected_path_edit(&repo).assert_refused("protected-path");
    assert_eq!(repo.head(), before);
}

#[test]
fn install_honours_an_absolute_core_hooks_path_outside_the_repository() {
    let repo = TestRepo::new();
    let shared = repo.root.join("shared-hooks");
    repo.git([
        "config".as_ref(),
        "core.hooksPath".as_ref(),
        shared.as_os_str(),
    ]);
    repo.exec_fixture();
    repo.execguard(["install"]).assert_ok();

    assert!(is_execguard_shim(&shared.join("pre-commit")));
    assert!(is_execguard_shim(&shared.join("commit-msg")));
    assert_eq!(hook_files(&repo.hooks_dir()), Vec::<String>::new());
    let before = repo.head();
    commit_protected_path_edit(&repo).assert_refused("protected-path");
    assert_eq!(repo.head(), before);
}

#[test]
fn install_from_a_linked_worktree_uses_the_common_hooks_and_guards_it() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.git(["worktree", "add", "-q", "../wt", "-b", "exec/other"]);
    let wt = repo.root.join("wt");

    run_in(&repo, &wt, execguard_bin(), &["install"]).assert_ok();
    assert!(is_execguard_shim(&repo.hooks_dir().join("pre-commit")));
    assert!(is_execguard_shim(&repo.hooks_dir().join("commit-msg")));
    assert!(
        !repo.dir.join(".git/worktrees/wt/hooks").exists(),
        "nothing is written into the worktree's private git dir"
    );

    let spec = wt.join("specs/login.md");
    let mut text = std::fs::read_to_string(&spec).unwrap();
    text.push_str("Also support passkeys.\n");
    std::fs::write(&spec, text).unwrap();
    let git = |args: &[&str]| run_in(&repo, &wt, "git", args);
    git(&["add", "specs/login.md"]).assert_ok();
    let before = git(&["rev-parse", "HEAD"]).stdout;
    let run = git(&["commit", "-q", "-m", "Tweak the spec"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
    assert_eq!(
        git(&["rev-parse", "HEAD"]).stdout,
        before,
        "no commit was made"
    );
}

// ---- the shim fails closed ----------------------------------------------------------------

/// The absolute path of `name` on the test process's PATH.
fn find_on_path(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{name} is not on PATH"))
}

#[test]
fn shim_refuses_the_commit_when_the_hook_binary_is_gone() {
    let repo = TestRepo::installed();
    let hook = repo.hooks_dir().join("pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("recorded='")),
        "the shim records the binary's path: {text}"
    );
    let text: String = text
        .lines()
        .map(|line| {
            if line.starts_with("recorded='") {
                "recorded='/nonexistent/execguard/bin/execguard-pre-commit'".to_string()
            } else {
                line.to_string()
            }
        })
        .map(|line| line + "\n")
        .collect();
    std::fs::write(&hook, text).unwrap();
    repo.write("README.md", "# Project\n");
    repo.commit_unchecked("Start");
    let before = repo.head();

    repo.write("notes.md", "Notes.\n");
    repo.git(["add", "notes.md"]);
    let run = Run::from_command(
        repo.command(find_on_path("git"))
            .env("PATH", "/usr/bin:/bin")
            .args(["commit", "-q", "-m", "Add notes"]),
    );
    assert!(!run.ok(), "the commit is refused: {run:#?}");
    assert!(
        run.stderr
            .contains("execguard: execguard-pre-commit is not installed"),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("/nonexistent/execguard/bin/execguard-pre-commit"),
        "names where it looked: {run:#?}"
    );
    assert_eq!(repo.head(), before, "no commit was made");
}

// ---- explain ------------------------------------------------------------------------------

const RULES: &[&str] = &[
    "frozen-spec",
    "frozen-design",
    "protected-path",
    "guard-config",
    "progress-update",
    "execplan-ready",
    "execplan-sections",
    "commit-size",
    "commit-message",
];

#[test]
fn explain_prints_every_section_for_every_rule() {
    let repo = TestRepo::new();
    for rule in RULES {
        let run = repo.execguard(["explain", rule]);
        run.assert_ok();
        assert!(
            run.stdout.starts_with(rule),
            "{rule}: starts with the rule id: {run:#?}"
        );
        let mut last = 0;
        for section in [
            "## What it checks",
            "## Why",
            "## Example",
            "## How to comply",
            "## Configuration",
        ] {
            let at = run
                .stdout
                .find(&format!("\n{section}\n"))
                .unwrap_or_else(|| panic!("{rule}: lacks `{section}`: {run:#?}"));
            assert!(at > last, "{rule}: `{section}` is out of order");
            last = at;
        }
    }
}

#[test]
fn explain_list_names_all_nine_rules() {
    let repo = TestRepo::new();
    let run = repo.execguard(["explain", "--list"]);
    run.assert_ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), RULES.len(), "{run:#?}");
    for (line, rule) in lines.iter().zip(RULES) {
        assert!(
            line.starts_with(&format!("{rule}: ")),
            "{line:?} for {rule}"
        );
    }
}

#[test]
fn explain_an_unknown_rule_exits_2_and_names_the_valid_ones() {
    let repo = TestRepo::new();
    let run = repo.execguard(["explain", "no-such-rule"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("no-such-rule"), "{run:#?}");
    for rule in RULES {
        assert!(run.stderr.contains(rule), "names {rule}: {run:#?}");
    }
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

// ---- init and config ----------------------------------------------------------------------

fn documented_default_config() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../config/execguard.toml"
    ))
    .unwrap()
}

#[test]
fn init_writes_the_documented_default_config() {
    let repo = TestRepo::new();
    repo.execguard(["init"]).assert_ok();
    assert_eq!(repo.read(".execguard.toml"), documented_default_config());
}

#[test]
fn init_refuses_to_overwrite_an_existing_config() {
    let repo = TestRepo::new();
    let mine = "# Our own rules.\n[rules.commit-size]\nmax-lines = 50\n";
    repo.write(".execguard.toml", mine);
    let run = repo.execguard(["init"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("already exists"), "{run:#?}");
    assert_eq!(repo.read(".execguard.toml"), mine, "the file is untouched");
}

fn max_lines(printed: &str) -> i64 {
    let table: toml::Table = printed.parse().expect("the printed config is TOML");
    table["rules"]["commit-size"]["max-lines"]
        .as_integer()
        .unwrap()
}

#[test]
fn config_without_a_file_is_the_embedded_default() {
    let repo = TestRepo::new();
    let unborn = repo.execguard(["config"]);
    unborn.assert_ok();
    assert!(
        unborn.stdout.contains("the embedded default config"),
        "{unborn:#?}"
    );
    repo.write("README.md", "# Project\n");
    repo.commit_unchecked("Start");
    let run = repo.execguard(["config"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("the embedded default config"),
        "{run:#?}"
    );
    assert_eq!(max_lines(&run.stdout), 400);
}

#[test]
fn config_shows_the_committed_file_and_its_values() {
    let repo = TestRepo::new();
    let custom = documented_default_config().replace("max-lines = 400", "max-lines = 123");
    assert!(custom.contains("max-lines = 123"));
    repo.write(".execguard.toml", custom);
    repo.commit_unchecked("Configure execguard");
    let run = repo.execguard(["config"]);
    run.assert_ok();
    assert!(run.stdout.contains("HEAD:.execguard.toml"), "{run:#?}");
    assert!(!run.stdout.contains("embedded default"), "{run:#?}");
    assert_eq!(max_lines(&run.stdout), 123, "{run:#?}");
}

// ---- check --------------------------------------------------------------------------------

#[test]
fn check_of_a_clean_staged_change_exits_0() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Logout added.");
    repo.git(["add", "-A"]);
    let run = repo.execguard(["check"]);
    run.assert_ok();
    assert!(
        run.stderr.contains("the staged change is clean"),
        "{run:#?}"
    );
}

#[test]
fn check_of_a_frozen_spec_edit_exits_1_and_names_the_rule() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    let run = repo.execguard(["check"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
}

#[test]
fn check_json_lists_violations_and_overrides() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    let run = repo.execguard(["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let violations = json["violations"].as_array().expect("violations array");
    assert_eq!(violations.len(), 1, "{json:#}");
    let violation = &violations[0];
    assert_eq!(violation["rule"], "frozen-spec");
    assert_eq!(violation["path"], "specs/login.md");
    assert!(violation["commit"].is_null(), "{json:#}");
    assert!(
        violation["message"]
            .as_str()
            .unwrap()
            .contains("specs/login.md"),
        "{json:#}"
    );
    assert!(!violation["hint"].as_str().unwrap().is_empty(), "{json:#}");
    assert_eq!(json["overridden"], serde_json::json!([]), "{json:#}");
}

#[test]
fn check_outside_a_repository_exits_2_with_a_clear_error() {
    let repo = TestRepo::new();
    let outside = repo.root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let run = Run::from_command(
        repo.command(execguard_bin())
            .current_dir(&outside)
            .env("GIT_CEILING_DIRECTORIES", &repo.root)
            .arg("check"),
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.starts_with("execguard: error:"), "{run:#?}");
    assert!(run.stderr.contains("repository"), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

// ---- what the output looks like -----------------------------------------------------------

/// An installed repository with the login spec edited and staged.
fn staged_frozen_spec_edit() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "specs/login.md"]);
    repo
}

#[test]
fn refused_commit_output_matches_snapshot() {
    let repo = staged_frozen_spec_edit();
    let run = repo.commit("Tweak the spec");
    assert_eq!(run.code, Some(1), "{run:#?}");
    let root = repo.root.display().to_string();
    assert!(!run.stderr.contains(&root), "no machine paths: {run:#?}");
    snapbox::assert_data_eq!(
        run.stderr,
        snapbox::str![[r#"
error[frozen-spec] specs/login.md
  this commit modifies specs/login.md; specs/login.md is a frozen spec (EXEC-READY in HEAD). A frozen spec is the human's decision and may not be changed during EXEC.
  hint: Stop and escalate: EXEC must return to SPEC mode; do not retry or work around this. Restore the spec (`git restore --staged --worktree -- specs/login.md`) and ask the spec's owner. If a human approved this change, add the trailer `Execguard-Override: frozen-spec: <reason>`.

execguard: 1 violation (frozen-spec); the commit is refused. Do not bypass the guard (no --no-verify): fix the cause, or stop and escalate to a human.
execguard: this hook runs before the commit message exists, so an override trailer alone does not get past it. A human who approves the exception commits with `EXECGUARD_SKIP=frozen-spec git commit -m '<subject>' -m 'Execguard-Override: frozen-spec: <reason>'`; the commit-msg hook then checks the trailer.

"#]]
    );
}

#[test]
fn output_has_no_colour_when_not_a_terminal() {
    let repo = staged_frozen_spec_edit();
    let check = repo.execguard(["check"]);
    check.assert_refused("frozen-spec");
    assert!(!has_ansi(&check.stderr), "{check:#?}");
    let commit = repo.commit("Tweak the spec");
    commit.assert_refused("frozen-spec");
    assert!(!has_ansi(&commit.stderr), "{commit:#?}");
}

#[test]
fn no_color_turns_colour_off_even_when_forced() {
    let repo = staged_frozen_spec_edit();
    let forced = Run::from_command(
        repo.command(execguard_bin())
            .env("CLICOLOR_FORCE", "1")
            .arg("check"),
    );
    assert_eq!(forced.code, Some(1), "{forced:#?}");
    assert!(
        has_ansi(&forced.stderr),
        "control: CLICOLOR_FORCE alone colours the output: {forced:#?}"
    );
    let plain = Run::from_command(
        repo.command(execguard_bin())
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1")
            .arg("check"),
    );
    plain.assert_refused("frozen-spec");
    assert!(!has_ansi(&plain.stderr), "{plain:#?}");
    let commit = Run::from_command(repo.command("git").env("NO_COLOR", "1").args([
        "commit",
        "-q",
        "-m",
        "Tweak the spec",
    ]));
    commit.assert_refused("frozen-spec");
    assert!(!has_ansi(&commit.stderr), "{commit:#?}");
}
