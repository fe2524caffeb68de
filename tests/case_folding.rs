#![allow(clippy::unwrap_used)]
//! A path that differs from a frozen or protected one only in case is the same file on macOS and
//! Windows checkouts, and is judged as that path.

use crate::common;

use common::server::*;
use common::*;

/// Adds `path` with the hooks bypassed, pushes `exec/login`, and returns the push.
fn push_added(repo: &TestRepo, path: &str) -> Run {
    repo.write(path, "# Login\n\nUsers log in with a magic link.\n");
    repo.commit_unchecked(&format!("Add {path}"));
    push(repo, &["origin", "exec/login"])
}

#[test]
fn adding_a_case_variant_of_a_frozen_spec_is_refused() {
    let repo = pushed_fixture();
    let before = server_rev(&repo, "refs/heads/exec/login");
    let run = push_added(&repo, "specs/Login.md");
    assert_server_refused(&run, "frozen-spec");
    assert!(
        run.stderr.contains("specs/Login.md") && run.stderr.contains("case-insensitive"),
        "{run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), before);
}

#[test]
fn adding_a_case_variant_of_the_specs_folder_is_refused() {
    let repo = pushed_fixture();
    let run = push_added(&repo, "SPECS/login.md");
    assert_server_refused(&run, "frozen-spec");
}

#[test]
fn adding_a_case_variant_of_a_protected_path_is_refused() {
    let repo = pushed_fixture();
    let run = push_added(&repo, "backend/plans.md");
    assert_server_refused(&run, "protected-path");
}

#[test]
fn adding_a_case_variant_of_a_frozen_design_note_is_refused() {
    let repo = pushed_fixture();
    let run = push_added(&repo, "designs/LOGIN.md");
    assert_server_refused(&run, "frozen-design");
}

#[test]
fn adding_a_new_spec_whose_name_differs_lands() {
    let repo = pushed_fixture();
    let run = push_added(&repo, "specs/logout.md");
    assert!(run.ok(), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

#[test]
fn pre_commit_refuses_a_case_variant_of_a_frozen_spec_and_names_a_safe_undo() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.execguard(["install"]).assert_ok();
    repo.write("specs/Login.md", "# Login\n\nChanged.\n");
    repo.git(["add", "specs/Login.md"]);
    let run = repo.commit("Add a login spec");
    run.assert_refused("frozen-spec");
    assert!(
        run.stderr.contains("git rm --cached -- specs/Login.md"),
        "{run:#?}"
    );
    // The command the hint names takes the file out of the commit and leaves it on disk.
    repo.git(["rm", "-q", "--cached", "--", "specs/Login.md"]);
    assert!(repo.path("specs/Login.md").exists());
    assert_eq!(repo.git(["diff", "--cached", "--name-only"]), "");
}

#[test]
fn every_case_variant_added_in_one_commit_is_named() {
    // The first path asked about a folder is compared entry by entry; the next ones look the folder
    // up in an index of its entries by case-folded name. Both must find their variant.
    let repo = pushed_fixture();
    let before = server_rev(&repo, "refs/heads/exec/login");
    repo.write("specs/Login.md", "# Login\n\nChanged.\n");
    repo.write("specs/LOGIN.md", "# Login\n\nChanged again.\n");
    repo.write("designs/LOGIN.md", "# Login notes\n\nChanged.\n");
    repo.commit_unchecked("Add case variants");
    let run = push(&repo, &["origin", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    for path in ["specs/Login.md", "specs/LOGIN.md", "designs/LOGIN.md"] {
        assert!(run.stderr.contains(path), "{path} named: {run:#?}");
    }
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), before);
}

// ---- names that are one file by Unicode and Windows rules -----------------------------------

/// Each added path, pushed alone on a fresh fixture, and the rule that refuses it: full Unicode
/// case folding (`ſ` is `s`), Windows' trailing dots and spaces, folders as well as files.
const ONE_FILE_ELSEWHERE: &[(&str, &str)] = &[
    ("\u{17f}pecs/login.md", "frozen-spec"),
    ("backend/PLAN\u{17f}.md", "protected-path"),
    ("backend/plan\u{17f}.md", "protected-path"),
    ("specs/login.md.", "frozen-spec"),
    ("specs/login.md ", "frozen-spec"),
    ("designs/login.md. .", "frozen-design"),
    ("Designs/Login.md", "frozen-design"),
];

#[test]
fn a_name_that_is_a_guarded_file_on_macos_or_windows_is_refused() {
    common::table::each_case(
        ONE_FILE_ELSEWHERE,
        |(path, _)| format!("{path:?}"),
        |(path, rule)| {
            let repo = pushed_fixture();
            let before = server_rev(&repo, "refs/heads/exec/login");
            let run = push_added(&repo, path);
            assert_server_refused(&run, rule);
            assert_eq!(
                count(&run.stderr, &format!("error[{rule}]")),
                1,
                "reported once: {run:#?}"
            );
            assert_eq!(server_rev(&repo, "refs/heads/exec/login"), before);
            let check = repo.execguard(["check", "--range", "main..exec/login"]);
            check.assert_refused(rule);
        },
    );
}

#[test]
fn an_nfd_name_beside_a_frozen_nfc_spec_is_refused() {
    let repo = TestRepo::new();
    repo.write_exec_files();
    repo.write(
        "specs/caf\u{e9}.md",
        SPEC_FROZEN.replace("Login", "Caf\u{e9}"),
    );
    repo.commit_unchecked("Set up the features");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    setup_server(&repo);
    let run = push_added(&repo, "specs/cafe\u{301}.md");
    assert_server_refused(&run, "frozen-spec");
    let check = repo.execguard(["check", "--range", "main..exec/login"]);
    check.assert_refused("frozen-spec");
}

#[test]
fn a_new_file_in_a_case_variant_of_a_protected_folder_is_refused() {
    let repo = TestRepo::new();
    repo.write_exec_files();
    repo.write(
        ".execguard.toml",
        "[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"infra/**\"]\n",
    );
    repo.write("infra/main.yaml", "replicas: 2\n");
    repo.commit_unchecked("Set up the features");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    setup_server(&repo);
    let run = push_added(&repo, "INFRA/new.yaml");
    assert_server_refused(&run, "protected-path");
    assert!(run.stderr.contains("infra/new.yaml"), "{run:#?}");
    let check = repo.execguard(["check", "--range", "main..exec/login"]);
    check.assert_refused("protected-path");
    // The same file in a folder of its own lands.
    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
    repo.write("ops/new.yaml", "replicas: 3\n");
    repo.add_progress("Added the ops settings.");
    repo.commit_unchecked("Add the ops settings");
    assert_branch_push_lands(&repo, "exec/login", &[]);
}

#[test]
fn pre_commit_refuses_a_long_s_variant_of_a_frozen_spec() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.execguard(["install"]).assert_ok();
    repo.write("\u{17f}pecs/login.md", "# Login\n\nChanged.\n");
    repo.git(["add", "-A"]);
    repo.commit("Add a login spec")
        .assert_refused("frozen-spec");
}

#[test]
fn a_case_variant_of_a_protected_folder_the_base_lacks_is_refused() {
    // No `infra/` yet: the protected glob itself is compared as a checkout compares names.
    let repo = TestRepo::new();
    repo.write_exec_files();
    repo.write(
        ".execguard.toml",
        "[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"infra/**\"]\n",
    );
    repo.commit_unchecked("Set up the features");
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    setup_server(&repo);
    let run = push_added(&repo, "Infra/new.yaml");
    assert_server_refused(&run, "protected-path");
    let check = repo.execguard(["check", "--range", "main..exec/login"]);
    check.assert_refused("protected-path");
}
