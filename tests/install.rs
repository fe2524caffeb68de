#![allow(clippy::unwrap_used)]
//! `execguard install` and `uninstall` as a user meets them: next to a hook that is not
//! execguard's, run again, undone, where the hooks go (`core.hooksPath`, linked worktrees), and the
//! shim failing closed. Each situation is a row of a table.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::table::each_case;
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

/// Every file of a hooks directory with its content (git's `*.sample` files left out).
fn hook_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    hook_files(dir)
        .into_iter()
        .map(|name| {
            let content = std::fs::read(dir.join(&name)).unwrap();
            (name, content)
        })
        .collect()
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

// ---- install, reinstall and uninstall next to another hook ---------------------------------

const ALL_HOOKS: &[&str] = &["commit-msg", "pre-commit", "pre-push"];
const ALL_HOOKS_AND_CHAINED: &[&str] = &[
    "commit-msg",
    "pre-commit",
    "pre-commit.execguard-chained",
    "pre-push",
];

/// One `execguard` subcommand run by a case, and what it leaves behind.
struct Invocation {
    command: &'static str,
    /// What its output says ("" for anything).
    says: &'static str,
    /// The hooks directory afterwards (git's samples left out).
    files: &'static [&'static str],
    /// Every hook is byte-identical to what the run before left.
    unchanged: bool,
}

const fn run(
    command: &'static str,
    says: &'static str,
    files: &'static [&'static str],
) -> Invocation {
    Invocation {
        command,
        says,
        files,
        unchanged: false,
    }
}

struct HookCase {
    name: &'static str,
    /// The pre-commit hook that is there first, with its mode.
    existing: Option<(&'static str, u32)>,
    runs: &'static [Invocation],
    /// What commits do afterwards.
    then: fn(&TestRepo),
}

const NEXT_TO_ANOTHER_HOOK: &[HookCase] = &[
    HookCase {
        name: "install over a foreign hook runs it first and still checks",
        existing: Some((FOREIGN_HOOK, 0o755)),
        runs: &[run(
            "install",
            "pre-commit.execguard-chained and runs first",
            ALL_HOOKS_AND_CHAINED,
        )],
        then: |repo| {
            repo.exec_fixture();
            let before = repo.head();
            commit_protected_path_edit(repo).assert_refused("protected-path");
            assert_eq!(foreign_runs(repo), 1, "the foreign hook ran first");
            assert_eq!(repo.head(), before, "no commit was made");
        },
    },
    HookCase {
        name: "a failing foreign hook blocks a commit execguard allows",
        existing: Some((FOREIGN_HOOK_FAILING, 0o755)),
        runs: &[run("install", "", ALL_HOOKS_AND_CHAINED)],
        then: |repo| {
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
        },
    },
    HookCase {
        name: "reinstall leaves hooks byte-identical and keeps one chained copy",
        existing: Some((FOREIGN_HOOK, 0o755)),
        runs: &[
            run("install", "", ALL_HOOKS_AND_CHAINED),
            Invocation {
                unchanged: true,
                ..run("install", "reinstalled", ALL_HOOKS_AND_CHAINED)
            },
        ],
        then: |repo| {
            assert_eq!(
                std::fs::read_to_string(repo.hooks_dir().join("pre-commit.execguard-chained"))
                    .unwrap(),
                FOREIGN_HOOK,
                "the chained copy is still the foreign hook, not a shim"
            );
            repo.write("notes.md", "Notes.\n");
            repo.commit_all("Add notes").assert_ok();
            assert_eq!(
                foreign_runs(repo),
                1,
                "the foreign hook runs once per commit"
            );
        },
    },
    HookCase {
        name: "uninstall restores the foreign hook byte for byte with its mode",
        existing: Some((FOREIGN_HOOK, 0o750)),
        runs: &[
            run("install", "", ALL_HOOKS_AND_CHAINED),
            run(
                "uninstall",
                "the hook it replaced is restored",
                &["pre-commit"],
            ),
        ],
        then: |repo| {
            let hook = repo.hooks_dir().join("pre-commit");
            assert_eq!(std::fs::read_to_string(&hook).unwrap(), FOREIGN_HOOK);
            assert_eq!(mode_of(&hook), 0o750, "the executable mode is restored");
            repo.write("notes.md", "Notes.\n");
            repo.commit_all("Add notes").assert_ok();
            assert_eq!(foreign_runs(repo), 1, "the restored hook still runs");
        },
    },
    HookCase {
        name: "uninstall without a foreign hook leaves no hook files",
        existing: None,
        runs: &[
            run("install", "", ALL_HOOKS),
            run("uninstall", "removed", &[]),
        ],
        then: |repo| {
            repo.exec_fixture();
            commit_protected_path_edit(repo).assert_ok();
        },
    },
    HookCase {
        name: "uninstall leaves a hook that is not execguard's alone",
        existing: Some((FOREIGN_HOOK, 0o755)),
        runs: &[run(
            "uninstall",
            "left alone: it is not execguard's",
            &["pre-commit"],
        )],
        then: |repo| {
            let hook = repo.hooks_dir().join("pre-commit");
            assert_eq!(std::fs::read_to_string(&hook).unwrap(), FOREIGN_HOOK);
            assert_eq!(mode_of(&hook), 0o755);
        },
    },
];

#[test]
fn install_and_uninstall_next_to_another_hook() {
    each_case(
        NEXT_TO_ANOTHER_HOOK,
        |case| case.name.to_string(),
        |case| {
            let repo = TestRepo::new();
            let hooks = repo.hooks_dir();
            if let Some((text, mode)) = case.existing {
                write_hook(&hooks, "pre-commit", text, mode);
            }
            let mut previous = hook_contents(&hooks);
            for step in case.runs {
                let run = repo.execguard([step.command]);
                run.assert_ok();
                assert!(run.stderr.contains(step.says), "{run:#?}");
                assert_eq!(hook_files(&hooks), step.files, "after {}", step.command);
                if step.command == "install" {
                    assert!(is_execguard_shim(&hooks.join("pre-commit")));
                }
                let now = hook_contents(&hooks);
                if step.unchanged {
                    assert_eq!(now, previous, "{} changed the hooks", step.command);
                }
                previous = now;
            }
            (case.then)(&repo);
        },
    );
}

// ---- where hooks go -----------------------------------------------------------------------

/// Where a case installs from, where the hooks must land, and where it commits.
struct Layout {
    install_in: PathBuf,
    hooks: PathBuf,
    commit_in: PathBuf,
    /// Hooks directories that must stay without hooks.
    no_hooks: Vec<PathBuf>,
    /// Places that must not be created.
    absent: Vec<PathBuf>,
}

struct WhereCase {
    name: &'static str,
    /// Makes the EXEC fixture and the layout.
    layout: fn(&TestRepo) -> Layout,
    /// The file an edit of which the commit is refused for, and the rule.
    edit: (&'static str, &'static str),
}

const WHERE_HOOKS_GO: &[WhereCase] = &[
    // From a subdirectory: the path is relative to the top of the working tree, as git reads it.
    WhereCase {
        name: "a relative core.hooksPath, installed from a subdirectory",
        layout: |repo| {
            repo.git(["config", "core.hooksPath", ".githooks"]);
            repo.exec_fixture();
            Layout {
                install_in: repo.path("src"),
                hooks: repo.path(".githooks"),
                commit_in: repo.dir.clone(),
                no_hooks: vec![repo.hooks_dir()],
                absent: vec![repo.path("src/.githooks")],
            }
        },
        edit: ("backend/PLANS.md", "protected-path"),
    },
    WhereCase {
        name: "an absolute core.hooksPath outside the repository",
        layout: |repo| {
            let shared = repo.root.join("shared-hooks");
            repo.git([
                "config".as_ref(),
                "core.hooksPath".as_ref(),
                shared.as_os_str(),
            ]);
            repo.exec_fixture();
            Layout {
                install_in: repo.dir.clone(),
                hooks: shared,
                commit_in: repo.dir.clone(),
                no_hooks: vec![repo.hooks_dir()],
                absent: vec![],
            }
        },
        edit: ("backend/PLANS.md", "protected-path"),
    },
    // A linked worktree uses the common hooks; nothing goes into its private git dir.
    WhereCase {
        name: "installed from a linked worktree",
        layout: |repo| {
            repo.exec_fixture();
            repo.git(["worktree", "add", "-q", "../wt", "-b", "exec/other"]);
            let worktree = repo.root.join("wt");
            Layout {
                install_in: worktree.clone(),
                hooks: repo.hooks_dir(),
                commit_in: worktree,
                no_hooks: vec![],
                absent: vec![repo.dir.join(".git/worktrees/wt/hooks")],
            }
        },
        edit: ("specs/login.md", "frozen-spec"),
    },
];

#[test]
fn install_puts_the_hooks_where_git_runs_them() {
    each_case(
        WHERE_HOOKS_GO,
        |case| case.name.to_string(),
        |case| {
            let repo = TestRepo::new();
            let layout = (case.layout)(&repo);
            run_in(&repo, &layout.install_in, execguard_bin(), &["install"]).assert_ok();
            assert!(is_execguard_shim(&layout.hooks.join("pre-commit")));
            assert!(is_execguard_shim(&layout.hooks.join("commit-msg")));
            for place in &layout.no_hooks {
                assert_eq!(hook_files(place), Vec::<String>::new(), "{place:?}");
            }
            for place in &layout.absent {
                assert!(!place.exists(), "{place:?} was written");
            }
            let (path, rule) = case.edit;
            let file = layout.commit_in.join(path);
            let mut text = std::fs::read_to_string(&file).unwrap();
            text.push_str("An edit by the agent.\n");
            std::fs::write(&file, text).unwrap();
            let git = |args: &[&str]| run_in(&repo, &layout.commit_in, "git", args);
            git(&["add", path]).assert_ok();
            let before = git(&["rev-parse", "HEAD"]).stdout;
            let run = git(&["commit", "-q", "-m", "Edit it"]);
            run.assert_refused(rule);
            assert!(run.stderr.contains(path), "{run:#?}");
            assert_eq!(
                git(&["rev-parse", "HEAD"]).stdout,
                before,
                "no commit was made"
            );
        },
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
fn shim_refuses_the_commit_when_execguard_is_gone() {
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
                "recorded='/nonexistent/execguard/bin/execguard'".to_string()
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
        run.stderr.contains("execguard: execguard is not installed"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("/nonexistent/execguard/bin/execguard"),
        "names where it looked: {run:#?}"
    );
    assert_eq!(repo.head(), before, "no commit was made");
}
