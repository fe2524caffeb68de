#![allow(clippy::unwrap_used)]
//! execguard beside the hook managers people already run: pre-commit, prek, lefthook and husky,
//! the real tools (installed by tests/prerequisites.sh from their registries). In every install
//! order, and after re-running either installer, a commit touching a protected path is still
//! refused by execguard and the manager's own hook still runs. Each scenario is a list of steps.

use crate::common;
#[path = "managers/every_hook.rs"]
mod every_hook;
#[path = "managers/husky.rs"]
mod husky;
#[path = "managers/lefthook_local.rs"]
mod lefthook_local;

use common::managers::Step::*;
use common::managers::*;
use common::*;

// ---- fixtures ------------------------------------------------------------------------------

fn pre_commit_config(extra: &str) -> String {
    format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: own\n        name: own\n        entry: sh -c '{OWN_HOOK_COMMAND}'\n        language: system\n        pass_filenames: false\n        always_run: true\n{extra}"
    )
}

/// The EXEC fixture with `tool` required and `file` committed with `config`.
fn managed_by(tool: &str, file: &str, config: &str) -> TestRepo {
    let repo = TestRepo::new();
    require_tool(&repo, tool);
    repo.exec_fixture();
    repo.write(file, config);
    repo.commit_unchecked(&format!("Add the {tool} config"));
    repo
}

/// pre-commit (or prek) with a config holding only the team's own hook.
fn pre_commit_manager(tool: &'static str) -> TestRepo {
    managed_by(tool, ".pre-commit-config.yaml", &pre_commit_config(""))
}

/// The `.pre-commit-config.yaml` entry execguard prints and the README shows.
fn pre_commit_snippet(tool: &'static str) -> TestRepo {
    let snippet = include_str!("../crates/execguard/src/managers/pre-commit-config.yaml");
    managed_by(tool, ".pre-commit-config.yaml", &pre_commit_config(snippet))
}

/// lefthook with a config holding only the team's own hook.
fn own_lefthook(tool: &'static str) -> TestRepo {
    let config = format!("pre-commit:\n  commands:\n    own:\n      run: {OWN_HOOK_COMMAND}\n");
    managed_by(tool, "lefthook.yml", &config)
}

/// The README's lefthook snippet, with the team's own hook added.
fn lefthook_snippet(tool: &'static str) -> TestRepo {
    let snippet = include_str!("../crates/execguard/src/managers/lefthook.yml");
    let config = snippet.replacen(
        "pre-commit:\n  commands:\n",
        &format!("pre-commit:\n  commands:\n    own:\n      run: {OWN_HOOK_COMMAND}\n"),
        1,
    );
    managed_by(tool, "lefthook.yml", &config)
}

/// A `lefthook.yml` written before the snippet called `execguard hook <name>`: it runs the alias
/// binaries (`execguard-pre-commit`, ...).
fn lefthook_alias_snippet(tool: &'static str) -> TestRepo {
    let snippet = include_str!("../crates/execguard/src/managers/lefthook.yml");
    let config = snippet.replace("execguard hook ", "execguard-");
    assert!(
        config.contains("run: execguard-pre-push {1} {2}"),
        "{config}"
    );
    managed_by(tool, "lefthook.yml", &config)
}

fn husky(tool: &'static str) -> TestRepo {
    let repo = TestRepo::new();
    require_tool(&repo, tool);
    repo.exec_fixture();
    repo
}

/// The repository's `.pre-commit-hooks.yaml`, used as pre-commit and prek users do: `repo:` a
/// clone of this repository at a commit, the three hooks by id. The pre-push hook rebuilds git's
/// ref line from pre-commit's `PRE_COMMIT_*` variables.
fn hooks_file_from_a_clone(tool: &'static str) -> TestRepo {
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
    repo
}

/// What an earlier `execguard install` did to a pre-commit hook: moved it aside to
/// `pre-commit.execguard-chained` and put its shim in its place.
fn moved_aside_by_an_earlier_install(tool: &'static str) -> TestRepo {
    let repo = pre_commit_manager(tool);
    let hooks = repo.hooks_dir();
    repo.execguard(["install"]).assert_ok();
    run_tool(&repo, tool, &["install"]);
    std::fs::rename(
        hooks.join("pre-commit"),
        hooks.join("pre-commit.execguard-chained"),
    )
    .unwrap();
    std::fs::copy(hooks.join("pre-commit.legacy"), hooks.join("pre-commit")).unwrap();
    repo
}

// ---- install orders ------------------------------------------------------------------------

const HOOK: &str = ".git/hooks/pre-commit";

const PRE_COMMIT_AFTER_EXECGUARD: &[Step] = &[
    Install(&[]),
    Manager(&["install"]),
    BothRun("execguard, then {tool} install"),
    Install(&["pre-commit.legacy reinstalled"]),
    BothRun("execguard install again after {tool}"),
    Manager(&["install"]),
    BothRun("{tool} install again"),
    // `install -f` drops the legacy hook: doctor tells, and `execguard install` puts it back.
    Manager(&["install", "-f"]),
    Doctor(Some("runs no execguard")),
    Install(&[]),
    Doctor(None),
    BothRun("{tool} install -f, then execguard install"),
];

const PRE_COMMIT_BEFORE_EXECGUARD: &[Step] = &[
    Manager(&["install"]),
    Remember(HOOK),
    Install(&["pre-commit.legacy installed"]),
    Unchanged(HOOK),
    BothRun("{tool}, then execguard"),
    Manager(&["install"]),
    BothRun("{tool} install again"),
    Install(&[]),
    BothRun("execguard install again after {tool}"),
    // uninstall takes execguard's shim out of the slot and leaves the manager's hook as it was.
    Uninstall,
    Absent(".git/hooks/pre-commit.legacy"),
    Unchanged(HOOK),
    Do(|repo| {
        let before = own_hook_runs(repo);
        add_note(repo, "after uninstall");
        repo.git(["add", "notes.md"]);
        repo.commit("Note after uninstall").assert_ok();
        assert!(own_hook_runs(repo) > before);
    }),
];

const INSTALL_ORDERS: &[Scenario] = &[
    Scenario {
        name: "installed after execguard keeps both",
        tool: "pre-commit",
        fixture: pre_commit_manager,
        steps: PRE_COMMIT_AFTER_EXECGUARD,
    },
    Scenario {
        name: "installed before execguard keeps both",
        tool: "pre-commit",
        fixture: pre_commit_manager,
        steps: PRE_COMMIT_BEFORE_EXECGUARD,
    },
    Scenario {
        name: "installed after execguard keeps both",
        tool: "prek",
        fixture: pre_commit_manager,
        steps: PRE_COMMIT_AFTER_EXECGUARD,
    },
    Scenario {
        name: "installed before execguard keeps both",
        tool: "prek",
        fixture: pre_commit_manager,
        steps: PRE_COMMIT_BEFORE_EXECGUARD,
    },
    // lefthook never runs the `<hook>.old` it moves a hook to: execguard refuses to count on it,
    // doctor names the shim nothing runs, and `install --lefthook` puts execguard in its config.
    Scenario {
        name: "installed after execguard is reported, then run through lefthook-local.yml",
        tool: "lefthook",
        fixture: own_lefthook,
        steps: &[
            Install(&[]),
            Manager(&["install"]),
            Doctor(Some("pre-commit.old and nothing runs it")),
            InstallRefused(&["lefthook-local.yml", "never a hook it moved aside"]),
            InstallLefthook,
            Manager(&["install"]),
            Doctor(None),
            BothRun("execguard, lefthook, then install --lefthook"),
            Manager(&["install"]),
            BothRun("lefthook install again"),
            Install(&["lefthook runs execguard hook pre-commit"]),
            BothRun("execguard install again after lefthook"),
        ],
    },
    Scenario {
        name: "installed before execguard, refused, then run through lefthook-local.yml",
        tool: "lefthook",
        fixture: own_lefthook,
        steps: &[
            Manager(&["install"]),
            Remember(HOOK),
            InstallRefused(&["lefthook-local.yml", "execguard install --lefthook"]),
            Unchanged(HOOK),
            Absent(".git/hooks/pre-commit.old"),
            Doctor(Some(
                "run `execguard install --lefthook`, then `lefthook install`",
            )),
            InstallLefthook,
            Unchanged(HOOK),
            Manager(&["install"]),
            BothRun("lefthook, then install --lefthook"),
            Install(&[]),
            BothRun("execguard install again after lefthook"),
        ],
    },
];

#[test]
fn each_install_order_keeps_both_hooks() {
    run_scenarios(INSTALL_ORDERS);
}

// ---- the snippets that make the manager run execguard --------------------------------------

const ALL_HOOK_TYPES: &[&str] = &[
    "install",
    "--hook-type",
    "pre-commit",
    "--hook-type",
    "commit-msg",
    "--hook-type",
    "pre-push",
];

const HOOKS_FILE_FROM_A_CLONE: &[Step] = &[
    Manager(ALL_HOOK_TYPES),
    Install(&[
        "{tool} runs execguard hook pre-push",
        "pre-commit runs execguard hook pre-push",
    ]),
    ProtectedPathRefused,
    LongSubjectRefused,
    Do(|repo| {
        repo.commit("Add a note").assert_ok();
    }),
    PushRefused("{tool}'s pre-push"),
];

const SNIPPETS: &[Scenario] = &[
    // With the snippet, pre-commit runs execguard itself and `execguard install` leaves
    // pre-commit's hook alone.
    Scenario {
        name: "the .pre-commit-config.yaml snippet runs execguard",
        tool: "pre-commit",
        fixture: pre_commit_snippet,
        steps: &[
            Manager(ALL_HOOK_TYPES),
            Install(&["pre-commit runs execguard hook pre-commit"]),
            Absent(".git/hooks/pre-commit.legacy"),
            BothRun("execguard run by pre-commit's config"),
            LongSubjectRefused,
        ],
    },
    // lefthook runs execguard's binaries, and `execguard install` installs nothing for those
    // hooks.
    Scenario {
        name: "the lefthook snippet from the README runs execguard",
        tool: "lefthook",
        fixture: lefthook_snippet,
        steps: &[
            Manager(&["install"]),
            Install(&["lefthook runs execguard hook pre-commit"]),
            Absent(".git/hooks/pre-commit.old"),
            BothRun("execguard run by lefthook's config"),
            LongSubjectRefused,
            PushRefused("lefthook's pre-push"),
            // The binaries lefthook's config names must be on PATH: doctor says when they are not.
            Do(|repo| {
                let doctor = Run::from_command(
                    repo.command(execguard_bin())
                        .arg("doctor")
                        .env("PATH", "/usr/bin:/bin"),
                );
                assert_eq!(doctor.code, Some(1), "{doctor:#?}");
                assert!(
                    doctor
                        .stdout
                        .contains("lefthook runs execguard hook pre-commit (")
                        && doctor.stdout.contains("execguard is not on PATH"),
                    "{doctor:#?}"
                );
            }),
        ],
    },
    // A config written for the alias binaries still runs execguard, and counts as doing so.
    Scenario {
        name: "a lefthook.yml calling the alias binaries still runs execguard",
        tool: "lefthook",
        fixture: lefthook_alias_snippet,
        steps: &[
            Manager(&["install"]),
            Install(&["lefthook runs execguard hook pre-commit"]),
            Absent(".git/hooks/pre-commit.old"),
            Doctor(None),
            ProtectedPathRefused,
            LongSubjectRefused,
            PushRefused("lefthook's pre-push"),
        ],
    },
    Scenario {
        name: "the repository's .pre-commit-hooks.yaml works",
        tool: "pre-commit",
        fixture: hooks_file_from_a_clone,
        steps: HOOKS_FILE_FROM_A_CLONE,
    },
    Scenario {
        name: "the repository's .pre-commit-hooks.yaml works",
        tool: "prek",
        fixture: hooks_file_from_a_clone,
        steps: HOOKS_FILE_FROM_A_CLONE,
    },
];

#[test]
fn each_snippet_makes_the_manager_run_execguard() {
    run_scenarios(SNIPPETS);
}

/// The documentation of hook managers (docs/usage.md, linked from the README) shows the very
/// snippets these tests run.
#[test]
fn readme_shows_the_snippets_the_tests_run() {
    let readme = include_str!("../docs/usage.md");
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
            "docs/usage.md does not show {name} as the tests run it"
        );
    }
}

// ---- hooks an earlier install left behind --------------------------------------------------

const REPAIRS: &[Scenario] = &[
    // Regression: re-running `pre-commit install` after execguard had moved pre-commit's hook
    // aside made every commit fail ("installed in migration mode"). doctor names it, and
    // `execguard install` repairs it.
    Scenario {
        name: "the migration-mode failure left by an earlier install is repaired",
        tool: "pre-commit",
        fixture: moved_aside_by_an_earlier_install,
        steps: &[
            Manager(&["install"]),
            Do(|repo| {
                add_note(repo, "broken");
                repo.git(["add", "notes.md"]);
                let broken = repo.commit("A note");
                assert_ne!(broken.code, Some(0), "{broken:#?}");
                assert!(broken.stderr.contains("migration mode"), "{broken:#?}");
            }),
            Doctor(Some(
                "pre-commit.execguard-chained is a copy of pre-commit's hook",
            )),
            Install(&["removed"]),
            Doctor(None),
            Do(|repo| {
                repo.git(["reset", "-q"]);
            }),
            BothRun("repaired"),
        ],
    },
    // Before pre-commit is re-run: `execguard install` puts pre-commit's hook back and takes the
    // legacy slot, so re-running `pre-commit install` keeps both.
    Scenario {
        name: "a hook moved aside by an earlier install goes back",
        tool: "pre-commit",
        fixture: moved_aside_by_an_earlier_install,
        steps: &[
            Install(&["pre-commit's hook is back"]),
            Absent(".git/hooks/pre-commit.execguard-chained"),
            BothRun("unchained"),
            Manager(&["install"]),
            BothRun("pre-commit install again"),
        ],
    },
];

#[test]
fn hooks_an_earlier_install_left_behind_are_repaired() {
    run_scenarios(REPAIRS);
}
