#![allow(clippy::unwrap_used)]
//! A config nobody can load never bricks a repository: it is refused at the commit that adds it,
//! whatever the rules and the scope say; a broken config already in force is repaired by a commit
//! of the file alone, with the hooks on; `execguard config --check` and `--schema` serve editors
//! and CI.

use crate::common;

use common::server::*;
use common::*;

const TYPO: &str = "[rules.commit-size]\nmax-line = 300\n";
const REPAIRED: &str = "[rules.commit-size]\nmax-lines = 300\n";

/// A repository with the hooks on whose `.execguard.toml` was committed broken past them.
fn broken_client() -> TestRepo {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write(".execguard.toml", TYPO);
    repo.commit_unchecked("Add the guard config");
    repo
}

#[track_caller]
fn assert_could_not_check(run: &Run) {
    // git exits 1 whatever the hook's code; the hook says it could not check.
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stderr.contains("(exit code 2)"),
        "could not check: {run:#?}"
    );
    assert!(run.stderr.contains("max-line"), "names the key: {run:#?}");
    assert!(
        run.stderr.contains("HEAD:.execguard.toml:2:1"),
        "names the file, line and column: {run:#?}"
    );
    assert!(
        run.stderr.contains(
            "A commit that changes only .execguard.toml is judged by the embedded default config"
        ),
        "names the repair path: {run:#?}"
    );
    assert!(
        run.stderr
            .contains("`execguard config --check .execguard.toml`"),
        "{run:#?}"
    );
}

#[test]
fn broken_config_in_force_is_repaired_by_a_commit_of_the_file_alone_with_the_hooks_on() {
    let repo = broken_client();
    // Any other commit cannot be checked, and says how to get out.
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    let before = repo.head();
    let run = repo.commit_all("Add logout");
    assert_could_not_check(&run);
    assert_eq!(repo.head(), before, "no commit was made");
    // The command the message names shows what is wrong.
    let run = repo.execguard(["config", "--check", ".execguard.toml"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr.contains(".execguard.toml:2:1") && run.stderr.contains("max-line"),
        "{run:#?}"
    );
    // The file alone, repaired, is committed with the hooks on; the code stays in the work tree.
    repo.git(["reset", "-q"]);
    repo.write(".execguard.toml", REPAIRED);
    repo.execguard(["config", "--check", ".execguard.toml"])
        .assert_ok();
    repo.git(["add", ".execguard.toml"]);
    repo.commit("Repair the guard config").assert_ok();
    assert_eq!(repo.commit_count(), 3, "the repair was committed");
    // From then on the repaired config judges: the code commit goes through.
    repo.commit_all("Add logout").assert_ok();
    assert_eq!(repo.commit_count(), 4);
}

#[test]
fn a_repair_that_carries_other_changes_is_not_judged_by_the_default() {
    let repo = broken_client();
    repo.write(".execguard.toml", REPAIRED);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    let before = repo.head();
    assert_could_not_check(&repo.commit_all("Repair the config and add logout"));
    assert_eq!(repo.head(), before);
}

#[test]
fn a_repair_looser_than_the_default_needs_a_human_override() {
    let repo = broken_client();
    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n");
    let before = repo.head();
    let run = repo.commit_all("Repair the guard config");
    run.assert_refused("guard-config");
    assert!(
        run.stderr
            .contains("rules.commit-size.max-lines: 400 → 4000"),
        "judged against the embedded default: {run:#?}"
    );
    assert_eq!(repo.head(), before);
}

#[test]
fn a_broken_config_is_refused_where_guard_config_is_off_and_outside_the_scope() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    // A human's config: guard-config off, only release branches guarded.
    repo.write(
        ".execguard.toml",
        "[scope]\nbranches = [\"release/**\"]\n\n[rules.guard-config]\nenabled = false\n",
    );
    repo.commit_unchecked("Guard the release branches only");
    repo.write(".execguard.toml", TYPO);
    let before = repo.head();
    let run = repo.commit_all("Tune the guard");
    run.assert_refused("guard-config");
    assert!(run.stderr.contains(".execguard.toml:2:1"), "{run:#?}");
    assert_eq!(repo.head(), before, "no commit was made");
}

// ---- the server ----------------------------------------------------------------------------

#[test]
fn server_refuses_the_push_that_carries_the_broken_commit_and_its_repair() {
    let repo = pushed_fixture();
    repo.write(".execguard.toml", TYPO);
    repo.commit_unchecked("Add the guard config");
    let broken = repo.head();
    repo.write(".execguard.toml", REPAIRED);
    repo.commit_unchecked("Repair the guard config");
    let run = assert_branch_push_refused(&repo, "exec/login", &[], &["guard-config"]);
    assert!(
        run.stderr.contains(&broken[..7]) && run.stderr.contains("max-line"),
        "names the broken commit and the key: {run:#?}"
    );
    // Squashed into one valid commit, it lands.
    repo.git(["reset", "-q", "--soft", "HEAD~2"]);
    repo.commit_unchecked("Add the guard config");
    assert_branch_push_lands(&repo, "exec/login", &[]);
}

#[test]
fn server_with_a_broken_config_in_force_takes_the_repair_and_then_judges_by_it() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", TYPO);
    repo.commit_unchecked("Add the guard config");
    // The broken config reached the server before its hook was installed.
    setup_server(&repo);
    commit_clean_code(&repo, "logout");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_eq!(run.code.map(|c| c != 0), Some(true), "{run:#?}");
    assert!(
        run.stderr.contains(
            "A commit that changes only .execguard.toml is judged by the embedded default config"
        ),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("--no-verify"), "{run:#?}");
    repo.execguard(["config", "--check", ".execguard.toml"]);
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.write(".execguard.toml", REPAIRED);
    repo.commit_unchecked("Repair the guard config");
    assert_branch_push_lands(&repo, "exec/login", &[]);
    commit_clean_code(&repo, "logout");
    assert_branch_push_lands(&repo, "exec/login", &[]);
}

#[test]
fn server_refuses_a_broken_config_on_a_branch_outside_the_scope() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(
        ".execguard.toml",
        "[scope]\nbranches = [\"release/**\"]\n\n[rules.guard-config]\nenabled = false\n",
    );
    repo.commit_unchecked("Guard the release branches only");
    setup_server(&repo);
    repo.write(".execguard.toml", TYPO);
    repo.commit_unchecked("Tune the guard");
    let run = assert_branch_push_refused(&repo, "exec/login", &[], &["guard-config"]);
    assert!(run.stderr.contains("max-line"), "{run:#?}");
}

// ---- config --check and --schema -----------------------------------------------------------

#[test]
fn config_check_exits_0_for_a_valid_file_and_2_naming_line_column_and_key() {
    let repo = TestRepo::new();
    repo.write("ok.toml", REPAIRED);
    let run = repo.execguard(["config", "--check", "ok.toml"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("ok.toml: a valid execguard config"),
        "{run:#?}"
    );
    repo.write("bad.toml", "[rules.commit-size]\nmax-lines = \"300\"\n");
    let run = repo.execguard(["config", "--check", "bad.toml"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stderr
            .contains("bad.toml:2:13: rules.commit-size.max-lines: invalid type"),
        "{run:#?}"
    );
    repo.write("glob.toml", "[rules.protected-path]\npaths = [\"a/[b\"]\n");
    let run = repo.execguard(["config", "--check", "glob.toml"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("glob.toml:2:"), "{run:#?}");
    assert!(
        run.stderr.contains("rules.protected-path.paths"),
        "{run:#?}"
    );
    // Without a file: the repository's own .execguard.toml, from a subdirectory too.
    repo.write(".execguard.toml", TYPO);
    repo.write("src/x.rs", "");
    let run = Run::from_command(
        repo.command(execguard_bin())
            .current_dir(repo.path("src"))
            .args(["config", "--check"]),
    );
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains(".execguard.toml:2:1"), "{run:#?}");
    let run = repo.execguard(["config", "--check", "missing.toml"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("missing.toml"), "{run:#?}");
}

#[test]
fn shipped_schema_is_what_config_schema_prints() {
    let repo = TestRepo::new();
    let run = repo.execguard(["config", "--schema"]);
    run.assert_ok();
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/execguard.schema.json"),
    )
    .unwrap();
    assert_eq!(
        run.stdout, shipped,
        "config/execguard.schema.json is stale: regenerate it with `execguard config --schema > config/execguard.schema.json`"
    );
}

/// Validates TOML files against the schema with python's `jsonschema` (installed by `tests/prerequisites.sh`).
fn schema_verdicts(repo: &TestRepo, files: &[&str]) -> Vec<bool> {
    let schema = repo.execguard(["config", "--schema"]);
    repo.write("schema.json", &schema.stdout);
    let script = "import json, sys, tomllib\nfrom jsonschema import Draft202012Validator\nschema = json.load(open('schema.json'))\nfor name in sys.argv[1:]:\n    ok = Draft202012Validator(schema).is_valid(tomllib.load(open(name, 'rb')))\n    print('valid' if ok else 'invalid')\n";
    let run = Run::from_command(repo.command("python3").arg("-c").arg(script).args(files));
    assert!(
        run.ok(),
        "python3 with the jsonschema package is needed (`python3 -m pip install jsonschema`): {run:#?}"
    );
    run.stdout.lines().map(|line| line == "valid").collect()
}

#[test]
fn schema_accepts_the_default_config_and_rejects_a_typo() {
    let repo = TestRepo::new();
    repo.write("default.toml", include_str!("../config/execguard.toml"));
    repo.write("typo.toml", TYPO);
    repo.write("zero.toml", "[rules.commit-size]\nmax-lines = 0\n");
    repo.write("one.toml", "[layout]\nspecs = \"docs/specs/**/*.md\"\n");
    assert_eq!(
        schema_verdicts(
            &repo,
            &["default.toml", "typo.toml", "zero.toml", "one.toml"]
        ),
        [true, false, false, true]
    );
}

#[test]
fn the_readme_editor_set_up_works() {
    let repo = TestRepo::new();
    // As the README shows: save the schema beside the config, and name it on the first line.
    let run = Run::from_command(
        repo.command("sh")
            .arg("-c")
            .arg("execguard config --schema > .execguard.schema.json"),
    );
    run.assert_ok();
    assert_eq!(
        repo.read(".execguard.schema.json"),
        repo.execguard(["config", "--schema"]).stdout
    );
    repo.write(
        ".execguard.toml",
        "#:schema ./.execguard.schema.json\n[rules.commit-size]\nmax-lines = 300\n",
    );
    repo.execguard(["config", "--check"]).assert_ok();
    assert_eq!(schema_verdicts(&repo, &[".execguard.toml"]), [true]);
}

#[test]
fn config_check_without_a_file_checks_the_config_option() {
    let repo = TestRepo::new();
    repo.write("team.toml", TYPO);
    let run = repo.execguard(["--config", "team.toml", "config", "--check"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("team.toml:2:1"), "{run:#?}");
}

#[test]
fn every_command_the_broken_config_hint_prints_works() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write(".execguard.toml", REPAIRED);
    repo.commit_all("Tighten the guard").assert_ok();
    repo.write(".execguard.toml", TYPO);
    repo.git(["add", ".execguard.toml"]);
    let run = repo.commit("Tune the guard");
    run.assert_refused("guard-config");
    // Shows what is wrong.
    let shows = command_after(&run.stderr, "Fix the file (");
    assert_eq!(shows, "execguard config --check .execguard.toml");
    let args: Vec<&str> = shows.split_whitespace().skip(1).collect();
    let check = repo.execguard(&args);
    assert_eq!(check.code, Some(2));
    assert!(check.stderr.contains(".execguard.toml:2:1"), "{check:#?}");
    assert!(check.stderr.contains("max-line"), "{check:#?}");
    // Prints every valid key.
    let keys = command_after(&run.stderr, "shows what is wrong; ");
    assert_eq!(keys, "execguard init --stdout");
    let args: Vec<&str> = keys.split_whitespace().skip(1).collect();
    let printed = repo.execguard(&args);
    printed.assert_ok();
    assert!(printed.stdout.contains("max-lines"), "{printed:#?}");
    // Restores the committed config.
    let restore = command_after(&run.stderr, "or restore it (");
    assert_eq!(
        restore,
        "git restore --staged --worktree -- .execguard.toml"
    );
    let run = Run::from_command(repo.command("sh").arg("-c").arg(&restore));
    run.assert_ok();
    assert_eq!(repo.read(".execguard.toml"), REPAIRED);
}

#[test]
fn a_new_broken_config_hint_keeps_the_file_when_unstaging_it() {
    let repo = TestRepo::installed();
    repo.exec_fixture();
    repo.write(".execguard.toml", TYPO);
    repo.git(["add", ".execguard.toml"]);
    let run = repo.commit("Add the guard config");
    run.assert_refused("guard-config");
    let restore = command_after(&run.stderr, "or restore it (");
    assert_eq!(restore, "git restore --staged -- .execguard.toml");
    Run::from_command(repo.command("sh").arg("-c").arg(&restore)).assert_ok();
    assert_eq!(repo.read(".execguard.toml"), TYPO, "the file is kept");
    assert_eq!(repo.git(["diff", "--cached", "--name-only"]), "");
}

#[test]
fn broken_config_in_force_message_matches_snapshot() {
    let repo = broken_client();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    let run = repo.commit_all("Add logout");
    snapbox::assert_data_eq!(
        run.stderr,
        snapbox::str![[r#"
execguard: error: the config in force is invalid: HEAD:.execguard.toml:2:1: rules.commit-size.max-line: unknown field `max-line`, expected one of `enabled`, `max-lines`, `max-files`, `max-file-bytes`, `max-binary-bytes`, `line-bytes`, `exclude`, `large-files`. Nothing can be judged against it. A commit that changes only .execguard.toml is judged by the embedded default config instead: fix the file (`execguard config --check .execguard.toml` shows what is wrong) and commit it alone, with nothing else staged.
execguard: the check could not run, so the commit is refused (exit code 2). Fix the problem above; do not bypass the hook.

"#]]
    );
}

#[test]
fn config_check_in_a_bare_repository_asks_for_a_file() {
    let repo = pushed_fixture();
    let server = server_dir(&repo);
    let in_server = |args: &[&str]| {
        Run::from_command(
            repo.command(execguard_bin())
                .current_dir(&server)
                .args(args),
        )
    };
    let run = in_server(&["config", "--check"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    let command = command_after(&run.stderr, "name a file: ");
    assert_eq!(command, "execguard config --check FILE");
    std::fs::write(server.join("pinned.toml"), REPAIRED).unwrap();
    in_server(&["config", "--check", "pinned.toml"]).assert_ok();
}

#[test]
fn amending_the_commit_that_broke_the_config_repairs_it_with_the_hooks_on() {
    let repo = broken_client();
    repo.write(".execguard.toml", REPAIRED);
    repo.git(["add", ".execguard.toml"]);
    let run = repo.git_run(["commit", "-q", "--amend", "--no-edit"]);
    run.assert_ok();
    assert_eq!(repo.commit_count(), 2, "the broken commit was replaced");
    repo.execguard(["config", "--check", ".execguard.toml"])
        .assert_ok();
}
