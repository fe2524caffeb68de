//! husky runs execguard only through the lines added to its hook scripts: execguard never writes
//! into `.husky/_`, which husky rewrites on every install.

use crate::common::managers::Step::*;
use crate::common::managers::*;
use crate::common::*;

use super::{husky, HOOK};

pub(crate) fn husky_install(repo: &TestRepo) {
    run_tool(repo, "husky", &[]);
    assert_eq!(repo.git(["config", "core.hooksPath"]).trim(), ".husky/_");
}

pub(crate) fn write_own_husky_hook(repo: &TestRepo) {
    repo.write(".husky/pre-commit", format!("{OWN_HOOK_COMMAND}\n"));
}

pub(crate) fn add_husky_snippets(repo: &TestRepo) {
    let snippets = [
        (
            "pre-commit",
            include_str!("../../crates/execguard/src/managers/husky-pre-commit"),
        ),
        (
            "commit-msg",
            include_str!("../../crates/execguard/src/managers/husky-commit-msg"),
        ),
        (
            "pre-push",
            include_str!("../../crates/execguard/src/managers/husky-pre-push"),
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

pub(crate) const HUSKY_RUNNERS: &str = ".husky/_";

const HUSKY: &[Scenario] = &[
    Scenario {
        name: "installed first, execguard refuses with the lines to add",
        tool: "husky",
        fixture: husky,
        steps: &[
            Do(husky_install),
            Do(write_own_husky_hook),
            Remember(HUSKY_RUNNERS),
            InstallRefused(&[
                "execguard hook pre-commit",
                "execguard hook commit-msg \"$1\"",
                "execguard hook pre-push \"$@\"",
                "husky",
            ]),
            Unchanged(HUSKY_RUNNERS),
            Absent(HOOK),
            Do(add_husky_snippets),
            Install(&["husky runs execguard hook pre-commit"]),
            Unchanged(HUSKY_RUNNERS),
            BothRun("husky with the snippet"),
            Do(husky_install),
            BothRun("husky install again"),
            LongSubjectRefused,
            PushRefused("husky's pre-push"),
        ],
    },
    // `core.hooksPath = .husky/_` before husky wrote that folder: still husky's, never written.
    Scenario {
        name: "a folder husky has not written yet is not written by execguard",
        tool: "husky",
        fixture: husky,
        steps: &[
            Do(|repo| {
                repo.git(["config", "core.hooksPath", ".husky/_"]);
            }),
            InstallRefused(&[]),
            Absent(HUSKY_RUNNERS),
        ],
    },
    Scenario {
        name: "installed after execguard, reported, then refused until the lines are added",
        tool: "husky",
        fixture: husky,
        steps: &[
            Install(&[]),
            Do(husky_install),
            Do(write_own_husky_hook),
            // git now runs husky's hooks only: execguard's shims in .git/hooks are shadowed.
            Doctor(Some("shadowed by core.hooksPath")),
            InstallRefused(&[]),
            Do(add_husky_snippets),
            Install(&[]),
            BothRun("execguard, husky, then the snippet"),
            Doctor(None),
            // husky's runner gone: doctor names it, and `husky` writes it again.
            Do(|repo| std::fs::remove_file(repo.path(".husky/_/pre-commit")).unwrap()),
            Doctor(Some("run `husky` to write it again")),
            Do(husky_install),
            Doctor(None),
        ],
    },
];

#[test]
fn husky_runs_execguard_only_through_the_lines_added_to_its_hooks() {
    run_scenarios(HUSKY);
}
