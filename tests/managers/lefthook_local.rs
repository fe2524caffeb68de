//! `execguard install --lefthook` writes execguard's lines into `lefthook-local.yml` and lists
//! that file in `.git/info/exclude` (it names this machine's paths); `execguard uninstall` takes
//! out exactly what install wrote, so the file is as it was before, byte for byte.

use crate::common::managers::*;
use crate::common::*;

use super::own_lefthook;

const LOCAL: &str = "lefthook-local.yml";
const EXCLUDE: &str = ".git/info/exclude";

fn bytes(repo: &TestRepo, path: &str) -> Option<Vec<u8>> {
    std::fs::read(repo.path(path)).ok()
}

fn excluded_lines(repo: &TestRepo) -> usize {
    repo.read(EXCLUDE)
        .lines()
        .filter(|line| line.trim() == LOCAL)
        .count()
}

/// Installs with `--lefthook` (twice: the exclude line is not repeated), checks that lefthook
/// then runs execguard and that git leaves the file out of commits, and uninstalls.
#[track_caller]
fn install_run_uninstall(repo: &TestRepo, case: &str) {
    for _ in 0..2 {
        let run = repo.execguard(["install", "--lefthook"]);
        assert!(run.ok(), "{case}: {run:#?}");
    }
    assert!(
        repo.read(LOCAL).contains("execguard hook pre-commit"),
        "{case}"
    );
    assert_eq!(excluded_lines(repo), 1, "{case}: {}", repo.read(EXCLUDE));
    let untracked = repo.git(["status", "--porcelain", "--untracked-files=all"]);
    assert!(!untracked.contains(LOCAL), "{case}: {untracked}");
    run_tool(repo, "lefthook", &["install"]);
    assert_both_run(repo, case);
    let run = repo.execguard(["uninstall"]);
    assert!(run.ok(), "{case}: {run:#?}");
    assert!(run.stderr.contains(LOCAL), "{case}: {run:#?}");
}

/// lefthook no longer runs execguard: a protected-path commit lands, the team's hook still runs.
#[track_caller]
fn execguard_no_longer_runs(repo: &TestRepo, case: &str) {
    let before = own_hook_runs(repo);
    repo.append("backend/PLANS.md", "An edit by a human.\n");
    repo.git(["add", "backend/PLANS.md"]);
    let run = repo.commit("Edit the plan-writing rules");
    assert!(run.ok(), "{case}: {run:#?}");
    assert_eq!(own_hook_runs(repo), before + 1, "{case}");
}

/// Uninstall left the lines `install --lefthook` wrote, so lefthook went on running execguard
/// from this machine's paths after it was uninstalled.
#[test]
fn uninstall_deletes_the_lefthook_local_file_install_created() {
    let repo = own_lefthook("lefthook");
    run_tool(&repo, "lefthook", &["install"]);
    let exclude = bytes(&repo, EXCLUDE);
    install_run_uninstall(&repo, "created by install");
    assert!(!repo.path(LOCAL).exists(), "{}", repo.read(LOCAL));
    assert_eq!(bytes(&repo, EXCLUDE), exclude, "info/exclude is as it was");
    execguard_no_longer_runs(&repo, "created by install");
}

/// A `lefthook-local.yml` the user had, with or without a newline at its end, is put back byte for
/// byte; a line already excluding it is neither repeated nor removed.
#[test]
fn uninstall_restores_a_lefthook_local_file_that_was_there() {
    for (case, text, already_excluded) in [
        (
            "ends with a newline",
            "# this machine\ncolors: false\n",
            false,
        ),
        (
            "no newline at the end",
            "# this machine\ncolors: false",
            false,
        ),
        ("already excluded", "colors: false\n", true),
    ] {
        let repo = own_lefthook("lefthook");
        run_tool(&repo, "lefthook", &["install"]);
        repo.write(LOCAL, text);
        if already_excluded {
            repo.append(EXCLUDE, "lefthook-local.yml\n");
        }
        let exclude = bytes(&repo, EXCLUDE);
        install_run_uninstall(&repo, case);
        assert_eq!(repo.read(LOCAL), text, "{case}");
        assert_eq!(bytes(&repo, EXCLUDE), exclude, "{case}");
        execguard_no_longer_runs(&repo, case);
    }
}

/// Lines the user added after execguard's stay; a missing `info/exclude` is created.
#[test]
fn uninstall_keeps_what_was_added_after_install() {
    let repo = own_lefthook("lefthook");
    std::fs::remove_file(repo.path(EXCLUDE)).unwrap();
    repo.execguard(["install", "--lefthook"]).assert_ok();
    assert_eq!(excluded_lines(&repo), 1);
    repo.append(LOCAL, "colors: false\n");
    repo.execguard(["uninstall"]).assert_ok();
    assert_eq!(repo.read(LOCAL), "colors: false\n");
    assert_eq!(excluded_lines(&repo), 0, "{}", repo.read(EXCLUDE));
}

/// execguard's lines edited by hand are not guessed at: the file is left alone and stays
/// excluded.
#[test]
fn uninstall_leaves_edited_lefthook_lines_alone() {
    let repo = own_lefthook("lefthook");
    repo.execguard(["install", "--lefthook"]).assert_ok();
    let edited = repo.read(LOCAL).replace(
        "      use_stdin: true\n",
        "      use_stdin: true\n      tags: guard\n",
    );
    repo.write(LOCAL, &edited);
    let run = repo.execguard(["uninstall"]);
    assert!(run.ok(), "{run:#?}");
    assert!(run.stderr.contains("left alone"), "{run:#?}");
    assert_eq!(repo.read(LOCAL), edited);
    assert_eq!(excluded_lines(&repo), 1);
    // What the message asks: take the commands out by hand, then `lefthook install`.
    std::fs::remove_file(repo.path(LOCAL)).unwrap();
    run_tool(&repo, "lefthook", &["install"]);
    execguard_no_longer_runs(&repo, "edited by hand, then taken out");
}
