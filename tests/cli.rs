#![allow(clippy::unwrap_used)]
use crate::common;

// The `execguard` subcommands as a user meets them: `explain`, `init`, `config` and `check`, and
// what the output looks like. Installing and uninstalling are in tests/install.rs.

use common::table::each_case;
use common::*;

fn has_ansi(text: &str) -> bool {
    text.contains('\u{1b}')
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
    "execplan-deleted",
    "commit-size",
    "commit-message",
    "branch-net-change",
    "spec-freeze-owner",
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

/// Regression: the explain texts told an agent to "stop and escalate" without naming the command
/// that records the question; each one that says it names `execguard escalate`.
#[test]
fn explain_texts_that_say_escalate_name_the_escalate_command() {
    let repo = TestRepo::new();
    let mut saying = 0;
    for rule in RULES {
        let run = repo.execguard(["explain", rule]);
        run.assert_ok();
        let text = run.stdout.replace('\n', " ");
        if text.to_lowercase().contains("escalate") {
            saying += 1;
            assert!(
                text.contains("`execguard escalate \"<question>\"`"),
                "{rule}: says escalate without the command: {}",
                run.stdout
            );
        }
    }
    assert!(
        saying >= 8,
        "the rules that refuse a human's decision say escalate"
    );
}

#[test]
fn explain_list_names_every_rule() {
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

/// A staged change of the EXEC fixture, the exit code `execguard check` gives it, and what its
/// output says.
struct CheckCase {
    name: &'static str,
    stage: fn(&TestRepo),
    code: i32,
    says: &'static [&'static str],
}

const CHECKS: &[CheckCase] = &[
    CheckCase {
        name: "a clean staged change exits 0",
        stage: |repo| {
            repo.append("src/auth.rs", "pub fn logout() {}\n");
            repo.add_progress("Logout added.");
            repo.git(["add", "-A"]);
        },
        code: 0,
        says: &["the staged change is clean"],
    },
    CheckCase {
        name: "a frozen-spec edit exits 1 and names the rule",
        stage: |repo| {
            repo.append("specs/login.md", "Also support passkeys.\n");
            repo.git(["add", "specs/login.md"]);
        },
        code: 1,
        says: &["error[frozen-spec]", "specs/login.md"],
    },
];

#[test]
fn check_judges_the_staged_change() {
    each_case(
        CHECKS,
        |case| case.name.to_string(),
        |case| {
            let repo = TestRepo::new();
            repo.exec_fixture();
            (case.stage)(&repo);
            let run = repo.execguard(["check"]);
            assert_eq!(run.code, Some(case.code), "{run:#?}");
            for text in case.says {
                assert!(run.stderr.contains(text), "says {text}: {run:#?}");
            }
        },
    );
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
  hint: Stop and escalate (`execguard escalate "<question>"`): EXEC must return to SPEC mode; do not retry or work around this. Restore the spec (`git restore --staged --worktree -- specs/login.md`) and ask the spec's owner. If a human approved this change, add the trailer `Execguard-Override: frozen-spec: <reason>`.

execguard: 1 violation (frozen-spec); the commit is refused. Do not bypass the guard (no --no-verify): fix the cause, or stop and escalate to a human (`execguard escalate "<question>"`).
execguard: this hook runs before the commit message exists, so an override trailer alone does not get past it. An override is a human's act: an agent stops and escalates (`execguard escalate "<question>"`), giving the human this command. The human who approves the exception replaces each `___` (the subject, then why they approve it: who, where) and commits with `EXECGUARD_SKIP=frozen-spec git commit -m '___' -m 'Execguard-Override: frozen-spec: ___'`; the commit-msg hook then checks the trailer, and refuses a blank left unfilled.

"#]]
    );
}

/// How `execguard check` or the refused commit is run, and whether its output is coloured.
struct ColourCase {
    name: &'static str,
    /// Through `git commit` (the hook) rather than `execguard check`.
    commit: bool,
    env: &'static [(&'static str, &'static str)],
    coloured: bool,
}

const COLOUR: &[ColourCase] = &[
    ColourCase {
        name: "check, not a terminal",
        commit: false,
        env: &[],
        coloured: false,
    },
    ColourCase {
        name: "commit, not a terminal",
        commit: true,
        env: &[],
        coloured: false,
    },
    // The control: CLICOLOR_FORCE alone colours the output.
    ColourCase {
        name: "check with CLICOLOR_FORCE",
        commit: false,
        env: &[("CLICOLOR_FORCE", "1")],
        coloured: true,
    },
    ColourCase {
        name: "check with NO_COLOR, even when forced",
        commit: false,
        env: &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
        coloured: false,
    },
    ColourCase {
        name: "commit with NO_COLOR",
        commit: true,
        env: &[("NO_COLOR", "1")],
        coloured: false,
    },
];

#[test]
fn output_is_coloured_only_when_forced_and_never_with_no_color() {
    each_case(
        COLOUR,
        |case| case.name.to_string(),
        |case| {
            let repo = staged_frozen_spec_edit();
            let mut command = if case.commit {
                let mut git = repo.command("git");
                git.args(["commit", "-q", "-m", "Tweak the spec"]);
                git
            } else {
                let mut check = repo.command(execguard_bin());
                check.arg("check");
                check
            };
            let run = Run::from_command(command.envs(case.env.iter().copied()));
            assert_eq!(run.code, Some(1), "{run:#?}");
            assert_eq!(has_ansi(&run.stderr), case.coloured, "{run:#?}");
            if !case.coloured {
                run.assert_refused("frozen-spec");
            }
        },
    );
}
