#![allow(clippy::unwrap_used)]
//! The installed hooks in repositories out of the ordinary: broken objects and indexes, object
//! and ref formats execguard cannot read (refused clearly, never passed), index formats it must
//! read (version 4, split, sparse), and linked worktrees sharing the hooks.

use crate::common;

use std::path::{Path, PathBuf};

use common::scenario::{Scenario, PLAN, SPEC};
use common::*;

// ---- broken objects and indexes ------------------------------------------------------------

/// The loose object file of `id`.
fn loose_object(repo: &TestRepo, id: &str) -> PathBuf {
    repo.path(&format!(".git/objects/{}/{}", &id[..2], &id[2..]))
}

/// Stages a new file, breaks its blob with `break_object` (given the loose object's path), then
/// commits: git runs pre-commit before it writes the tree, so the hook meets the broken object
/// and must refuse, naming it.
fn commit_of_a_broken_staged_blob(content: &str, break_object: fn(&Path)) {
    let scenario = Scenario::exec()
        .write("docs/notes.md", content)
        .git(["add", "docs/notes.md"]);
    let id = scenario
        .repo
        .git(["rev-parse", ":docs/notes.md"])
        .trim()
        .to_string();
    break_object(&loose_object(&scenario.repo, &id));
    scenario
        .commit("Add notes")
        .could_not_check()
        // The message names the object.
        .mentions(&id);
}

#[test]
fn missing_staged_blob_refuses_with_a_clear_error() {
    commit_of_a_broken_staged_blob("# Notes that vanish\n", |path| {
        std::fs::remove_file(path).unwrap()
    });
}

#[test]
fn corrupt_staged_blob_refuses_with_a_clear_error() {
    commit_of_a_broken_staged_blob("# Notes that rot\n", |path| {
        std::fs::remove_file(path).unwrap();
        std::fs::write(path, b"this is not a zlib stream").unwrap();
    });
}

#[test]
fn corrupt_index_is_refused_without_a_panic() {
    Scenario::exec()
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .git(["add", "-A"])
        .with(|repo| {
            std::fs::write(repo.path(".git/index"), b"DIRC garbage garbage garbage").unwrap()
        })
        .commit("Add logout")
        // git refuses a corrupt index.
        .failed()
        .check(|_, run| {
            // git checks its index before it runs the hooks; should a hook run, it reports an
            // error.
            if run.stderr.contains("execguard") {
                assert!(run.stderr.contains("execguard: error:"), "{run:#?}");
                assert!(run.stderr.contains("exit code 2"), "{run:#?}");
            }
        });
}

#[test]
fn pre_commit_hook_given_a_corrupt_index_exits_2_with_a_clear_error() {
    // git checks its own index before running hooks, so the hook is run here the way git runs
    // it, with GIT_INDEX_FILE naming a corrupt index.
    Scenario::exec()
        .attempt(|repo| {
            let bad = repo.root.join("corrupt-index");
            std::fs::write(&bad, b"DIRC\0\0\0\x02 not an index at all").unwrap();
            Run::from_command(
                repo.command(repo.hooks_dir().join("pre-commit"))
                    .env("GIT_INDEX_FILE", &bad),
            )
        })
        .exit_code(2)
        .failed()
        .mentions("execguard: error:")
        .mentions("index");
}

// ---- object and ref formats execguard cannot read -------------------------------------------

const HOOKS: [&str; 2] = ["pre-commit", "commit-msg"];

/// Recreates the repository with `git init <args>`, keeping a copy of the installed hooks, whose
/// folder it returns.
fn reinit_keeping_hooks(repo: &TestRepo, args: &[&str]) -> PathBuf {
    let saved = repo.root.join("saved-hooks");
    std::fs::create_dir_all(&saved).unwrap();
    for hook in HOOKS {
        std::fs::copy(repo.hooks_dir().join(hook), saved.join(hook)).unwrap();
    }
    std::fs::remove_dir_all(repo.path(".git")).unwrap();
    repo.git(["init", "-q"].iter().chain(args));
    saved
}

fn restore_hooks(repo: &TestRepo, saved: &Path) {
    for hook in HOOKS {
        std::fs::copy(saved.join(hook), repo.hooks_dir().join(hook)).unwrap();
    }
}

#[test]
fn sha256_repository_refuses_clearly() {
    Scenario::installed()
        // Keep the installed hooks, then turn the repository into a SHA-256 one.
        .with(|repo| {
            let saved = reinit_keeping_hooks(repo, &["--object-format=sha256"]);
            assert_eq!(
                repo.git(["rev-parse", "--show-object-format"]).trim(),
                "sha256"
            );
            let install = repo.execguard(["install"]);
            assert!(
                !install.stderr.contains("panicked") && !install.stdout.contains("panicked"),
                "{install:#?}"
            );
            if !install.ok() {
                assert_eq!(install.code, Some(2), "{install:#?}");
                assert!(install.stderr.contains("execguard: error:"), "{install:#?}");
                restore_hooks(repo, &saved);
            }
        })
        .write("README.md", "# Project\n")
        .commit_all("Add a README")
        // A repository execguard cannot read is not passed.
        .could_not_check()
        .mentions("SHA-256")
        .commits(0);
}

#[test]
fn sha256_install_error_names_the_object_format() {
    Scenario::from(TestRepo::new())
        .with(|repo| {
            std::fs::remove_dir_all(repo.path(".git")).unwrap();
            repo.git(["init", "-q", "--object-format=sha256"]);
        })
        .attempt(|repo| repo.execguard(["install"]))
        .failed()
        .mentions("execguard: error:")
        .check(|_, install| {
            let text = install.stderr.to_lowercase();
            assert!(
                text.contains("sha256") || text.contains("sha-256"),
                "{install:#?}"
            );
        });
}

#[test]
fn reftable_repository_refuses_clearly() {
    Scenario::installed()
        .with(|repo| {
            let saved = reinit_keeping_hooks(repo, &["--ref-format=reftable"]);
            restore_hooks(repo, &saved);
        })
        .write("README.md", "# Project\n")
        .commit_all("Add a README")
        // A repository execguard cannot read is not passed.
        .failed()
        .mentions("execguard: error:")
        .mentions("reftable")
        .commits(0);
}

// ---- index formats execguard reads ---------------------------------------------------------

#[test]
fn index_version_4_is_read() {
    Scenario::exec()
        .git(["update-index", "--index-version", "4"])
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .commit_all("Add logout")
        .accepted()
        .append(SPEC, "Also passkeys.\n")
        .commit_all("Edit the spec")
        .refused("frozen-spec")
        .commits(2);
}

#[test]
fn split_index_never_lets_a_frozen_spec_edit_through() {
    Scenario::exec()
        .git(["update-index", "--split-index"])
        .append(SPEC, "Also passkeys.\n")
        .run_git(["commit", "-a", "-q", "-m", "Edit the spec"])
        .failed()
        .check(|_, run| {
            if run.stderr.contains("execguard: error:") {
                assert!(run.stderr.contains("exit code 2"), "{run:#?}");
            } else {
                run.assert_refused("frozen-spec");
            }
        });
}

/// A commit of code with its Progress entry, which the hook either judged (and accepted) or,
/// unable to read the index, refused clearly (exit 2).
fn judged_or_clearly_unreadable(scenario: Scenario) {
    let scenario = scenario
        .append("src/auth.rs", "pub fn logout() {}\n")
        .progress("Logout added.")
        .commit_all("Add logout");
    scenario.assert_no_panic();
    if scenario.run().ok() {
        scenario.accepted().commits(2);
    } else {
        scenario.could_not_check().commits(1);
    }
}

#[test]
fn split_index_code_commit_is_judged_or_refused_clearly() {
    judged_or_clearly_unreadable(Scenario::exec().git(["update-index", "--split-index"]));
}

#[test]
fn sparse_index_code_commit_is_judged_or_refused_clearly() {
    judged_or_clearly_unreadable(
        Scenario::exec()
            .git([
                "sparse-checkout",
                "set",
                "--cone",
                "--sparse-index",
                "src",
                "plans",
            ])
            .with(|repo| {
                assert!(
                    repo.git(["ls-files", "--sparse"]).contains("specs/\n"),
                    "the index holds a sparse directory entry"
                )
            }),
    );
}

// ---- linked worktrees ----------------------------------------------------------------------

#[test]
fn linked_worktree_commits_are_judged_by_the_shared_hooks() {
    let scenario = Scenario::exec();
    let other = scenario.repo.root.join("other");
    let write = |relative: &str, content: String| std::fs::write(other.join(relative), content);
    scenario
        .git([
            "worktree",
            "add",
            "-q",
            "-b",
            "exec/login-2",
            other.to_str().unwrap(),
        ])
        .with(|_| write(SPEC, format!("{SPEC_FROZEN}Edit.\n")).unwrap())
        .run_git_in(&other, ["commit", "-a", "-q", "-m", "Edit the spec"])
        .refused("frozen-spec")
        .with(|repo| {
            repo.git_in(&other, ["checkout", "-q", "--", SPEC]);
            let plan = std::fs::read_to_string(other.join(PLAN)).unwrap();
            write(
                PLAN,
                plan.replace(
                    "## Surprises & Discoveries",
                    "- [x] (2026-01-02 10:00Z) Logout.\n\n## Surprises & Discoveries",
                ),
            )
            .unwrap();
            write(
                "src/auth.rs",
                "pub fn login() {}\npub fn logout() {}\n".to_string(),
            )
            .unwrap();
        })
        .run_git_in(&other, ["commit", "-a", "-q", "-m", "Add logout"])
        .accepted()
        .with(|repo| {
            assert_eq!(
                repo.git(["rev-list", "--count", "exec/login-2"]).trim(),
                "2"
            )
        });
}
