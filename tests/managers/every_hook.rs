//! Every manager managing all three client hooks (pre-commit, commit-msg, pre-push), in both
//! install orders: each hook, as git runs it, refuses a violation only it sees, and doctor says
//! the guard runs only once that is so. Where execguard refuses to install (lefthook, husky),
//! doctor reports the problem until the manager's config runs execguard.

use crate::common::managers::Step::*;
use crate::common::managers::*;
use crate::common::*;

use super::husky::{add_husky_snippets, husky_install};
use super::{managed_by, pre_commit_config, ALL_HOOK_TYPES};

/// pre-commit (or prek) whose own hook runs at all three hooks.
fn pre_commit_all_hooks(tool: &'static str) -> TestRepo {
    let config = pre_commit_config("").replace(
        "        always_run: true\n",
        "        always_run: true\n        stages: [pre-commit, commit-msg, pre-push]\n",
    );
    managed_by(tool, ".pre-commit-config.yaml", &config)
}

/// lefthook whose own commands run at all three hooks.
fn lefthook_all_hooks(tool: &'static str) -> TestRepo {
    let config: String = ["pre-commit", "commit-msg", "pre-push"]
        .iter()
        .map(|hook| format!("{hook}:\n  commands:\n    own:\n      run: {OWN_HOOK_COMMAND}\n"))
        .collect();
    managed_by(tool, "lefthook.yml", &config)
}

/// husky, with a script of the team's own for each of the three hooks.
fn husky_all_hooks(tool: &'static str) -> TestRepo {
    let repo = super::husky(tool);
    for hook in ["pre-commit", "commit-msg", "pre-push"] {
        repo.write(&format!(".husky/{hook}"), format!("{OWN_HOOK_COMMAND}\n"));
    }
    repo.commit_unchecked("Add husky's hooks");
    repo
}

const PRE_COMMIT_FIRST: &[Step] = &[
    Manager(ALL_HOOK_TYPES),
    Install(&["commit-msg.legacy installed"]),
    Doctor(None),
    EachHookRefuses("{tool}, then execguard"),
];

const EXECGUARD_BEFORE_PRE_COMMIT: &[Step] = &[
    Install(&[]),
    Manager(ALL_HOOK_TYPES),
    Doctor(None),
    EachHookRefuses("execguard, then {tool}"),
];

const HOOKS_DIR: &str = ".git/hooks";

const LEFTHOOK_FIRST: &[Step] = &[
    Manager(&["install"]),
    Remember(HOOKS_DIR),
    InstallRefused(&[
        "lefthook-local.yml",
        "execguard hook commit-msg {1}",
        "execguard hook pre-push {1} {2}\n      use_stdin: true",
    ]),
    Unchanged(HOOKS_DIR),
    Doctor(Some("commit-msg: lefthook's hook")),
    Doctor(Some("pre-push: lefthook's hook")),
    InstallLefthook,
    Manager(&["install"]),
    Doctor(None),
    EachHookRefuses("lefthook, then execguard --lefthook"),
];

const EXECGUARD_BEFORE_LEFTHOOK: &[Step] = &[
    Install(&[]),
    Manager(&["install"]),
    // Regression: the shims moved to `<hook>.old`, which lefthook never runs, and doctor said
    // the guard ran.
    Doctor(Some("commit-msg.old and nothing runs it")),
    Doctor(Some("pre-push.old and nothing runs it")),
    InstallRefused(&["never a hook it moved aside"]),
    InstallLefthook,
    Manager(&["install"]),
    Doctor(None),
    EachHookRefuses("execguard, lefthook, then execguard --lefthook"),
];

const HUSKY_FIRST: &[Step] = &[
    Do(husky_install),
    InstallRefused(&["execguard hook commit-msg \"$1\""]),
    Doctor(Some("commit-msg: git runs husky's hooks")),
    Do(add_husky_snippets),
    Install(&["husky runs execguard hook pre-push"]),
    Doctor(None),
    EachHookRefuses("husky with the lines, then execguard"),
];

const EXECGUARD_BEFORE_HUSKY: &[Step] = &[
    Install(&[]),
    Do(husky_install),
    Doctor(Some("pre-push: git runs husky's hooks")),
    InstallRefused(&[]),
    Do(add_husky_snippets),
    Install(&[]),
    Doctor(None),
    EachHookRefuses("execguard, husky, then the lines"),
];

const EVERY_HOOK: &[Scenario] = &[
    Scenario {
        name: "all three hooks, manager first",
        tool: "pre-commit",
        fixture: pre_commit_all_hooks,
        steps: PRE_COMMIT_FIRST,
    },
    Scenario {
        name: "all three hooks, execguard first",
        tool: "pre-commit",
        fixture: pre_commit_all_hooks,
        steps: EXECGUARD_BEFORE_PRE_COMMIT,
    },
    Scenario {
        name: "all three hooks, manager first",
        tool: "prek",
        fixture: pre_commit_all_hooks,
        steps: PRE_COMMIT_FIRST,
    },
    Scenario {
        name: "all three hooks, execguard first",
        tool: "prek",
        fixture: pre_commit_all_hooks,
        steps: EXECGUARD_BEFORE_PRE_COMMIT,
    },
    Scenario {
        name: "all three hooks, manager first",
        tool: "lefthook",
        fixture: lefthook_all_hooks,
        steps: LEFTHOOK_FIRST,
    },
    Scenario {
        name: "all three hooks, execguard first",
        tool: "lefthook",
        fixture: lefthook_all_hooks,
        steps: EXECGUARD_BEFORE_LEFTHOOK,
    },
    Scenario {
        name: "all three hooks, manager first",
        tool: "husky",
        fixture: husky_all_hooks,
        steps: HUSKY_FIRST,
    },
    Scenario {
        name: "all three hooks, execguard first",
        tool: "husky",
        fixture: husky_all_hooks,
        steps: EXECGUARD_BEFORE_HUSKY,
    },
];

#[test]
fn every_manager_managing_every_hook_runs_execguard_in_either_install_order() {
    run_scenarios(EVERY_HOOK);
}
