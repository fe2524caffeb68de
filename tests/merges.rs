#![allow(clippy::unwrap_used)]
//! Routes around the gate through merges and rewritten histories, each pushed to a server guarded
//! by `execguard install --server` and refused there, beside its legitimate twin that lands.

use crate::common;

use common::server::*;
use common::*;

/// Pushes `exec/login` and asserts the server refused it naming every rule in `rules`.
#[track_caller]
fn assert_push_refused(repo: &TestRepo, rules: &[&str]) -> Run {
    assert_branch_push_refused(repo, "exec/login", &[], rules)
}

#[track_caller]
fn assert_push_lands(repo: &TestRepo) {
    assert_branch_push_lands(repo, "exec/login", &[]);
}

/// A branch `stray` with no history in common with the others, holding `files`.
fn orphan_branch(repo: &TestRepo, files: &[(&str, &str)]) {
    repo.git(["checkout", "-q", "--orphan", "stray"]);
    repo.git(["rm", "-rq", "--cached", "."]);
    for entry in std::fs::read_dir(&repo.dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".git" {
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.commit_unchecked("An unrelated history");
    repo.git(["checkout", "-q", "-f", "exec/login"]);
}

fn edited_spec() -> String {
    format!("{SPEC_FROZEN}Also support passkeys.\n")
}

// ---- merges must not carry unjudged changes into protected paths ----------------------------

#[test]
fn merge_of_an_unrelated_history_taking_its_edited_spec_is_refused() {
    let repo = pushed_fixture();
    orphan_branch(&repo, &[("specs/login.md", &edited_spec())]);
    repo.git([
        "merge",
        "-q",
        "--allow-unrelated-histories",
        "-X",
        "theirs",
        "-m",
        "Merge stray",
        "stray",
    ]);
    assert_eq!(repo.read("specs/login.md"), edited_spec());
    let run = assert_push_refused(&repo, &["frozen-spec"]);
    assert!(run.stderr.contains("specs/login.md"), "{run:#?}");
}

#[test]
fn octopus_merge_of_an_unrelated_history_taking_its_edited_spec_is_refused() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.write("docs/side.md", "# Side notes\n");
    repo.commit_unchecked("Side notes");
    repo.git(["checkout", "-q", "exec/login"]);
    orphan_branch(&repo, &[("specs/login.md", &edited_spec())]);
    repo.git([
        "merge",
        "-q",
        "--allow-unrelated-histories",
        "-X",
        "theirs",
        "-m",
        "Merge stray",
        "stray",
    ]);
    let tree = repo.git(["rev-parse", "HEAD^{tree}"]).trim().to_string();
    let octopus = repo
        .git([
            "commit-tree",
            &tree,
            "-p",
            "HEAD^1",
            "-p",
            "stray",
            "-p",
            "side",
            "-m",
            "Octopus",
        ])
        .trim()
        .to_string();
    repo.git(["update-ref", "refs/heads/exec/login", &octopus]);
    repo.git(["reset", "-q", "--hard", "exec/login"]);
    assert_eq!(repo.parent_count("HEAD"), 3);
    assert_push_refused(&repo, &["frozen-spec"]);
}

/// The spec is a draft where `old` forks; `old` edits it (legal there), the spec is frozen on
/// `exec/login`, and the merge resolves the spec to `old`'s version.
#[test]
fn branch_forked_before_the_freeze_merged_after_with_its_spec_is_refused() {
    let repo = TestRepo::new();
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.write("plans/login-execplan.md", PLAN_READY);
    repo.write("src/auth.rs", "pub fn login() {}\n");
    repo.commit_unchecked("Draft the login feature");
    repo.git(["checkout", "-q", "-b", "old"]);
    repo.append("specs/login.md", "Draft idea: magic links.\n");
    repo.commit_unchecked("Draft idea");
    let draft = repo.read("specs/login.md");
    repo.git(["checkout", "-q", "main"]);
    repo.git(["checkout", "-q", "-b", "exec/login"]);
    repo.write("specs/login.md", SPEC_FROZEN);
    repo.commit_unchecked("Freeze the login spec");
    setup_server(&repo);

    // Whether or not git merges the two versions, the resolution takes `old`'s spec.
    let _ = repo.git_run(["merge", "-q", "--no-commit", "old"]);
    repo.git(["checkout", "old", "--", "specs/login.md"]);
    repo.git(["commit", "-q", "--no-edit"]);
    assert_eq!(repo.read("specs/login.md"), draft);
    assert_push_refused(&repo, &["frozen-spec"]);
}

#[test]
fn merge_of_a_history_without_specs_deleting_the_frozen_spec_is_refused() {
    let repo = pushed_fixture();
    orphan_branch(&repo, &[("src/other.rs", "pub fn other() {}\n")]);
    repo.git([
        "merge",
        "-q",
        "--no-commit",
        "--allow-unrelated-histories",
        "stray",
    ]);
    repo.git(["rm", "-rq", "specs", "designs"]);
    repo.git(["commit", "-q", "-m", "Merge stray"]);
    assert!(!repo.path("specs/login.md").exists());
    let run = assert_push_refused(&repo, &["frozen-spec", "frozen-design"]);
    assert!(run.stderr.contains("deletes specs/login.md"), "{run:#?}");
}

/// `old` forks before `.execguard.toml` protects docs/policy.md and edits it; merged after, the
/// merge brings an edit of a protected path that nobody judged as one.
#[test]
fn branch_forked_before_the_config_protected_a_path_merged_after_is_refused() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write("docs/policy.md", "# Policy\n");
    repo.commit_unchecked("Add the policy");
    repo.git(["checkout", "-q", "-b", "old"]);
    repo.append("docs/policy.md", "Anything goes.\n");
    repo.commit_unchecked("Relax the policy");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.write(
        ".execguard.toml",
        "[rules.protected-path]\npaths = [\"backend/PLANS.md\", \"docs/policy.md\"]\n",
    );
    repo.commit_unchecked("Protect the policy");
    setup_server(&repo);

    repo.git(["merge", "-q", "--no-edit", "old"]);
    assert!(repo.read("docs/policy.md").contains("Anything goes."));
    let run = assert_push_refused(&repo, &["protected-path"]);
    assert!(run.stderr.contains("docs/policy.md"), "{run:#?}");
}

/// The legitimate twin: main carries a human's overridden amendment of the frozen spec; merging
/// main into the feature branch brings work that was judged on the way.
#[test]
fn merging_main_after_an_overridden_spec_amendment_is_accepted() {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.git(["checkout", "-q", "main"]);
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.git(["add", "-A"]);
    repo.git([
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "Amend the login spec\n\nExecguard-Override: frozen-spec: approved by Ana",
    ]);
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    setup_server(&repo);

    repo.git(["merge", "-q", "--no-edit", "main"]);
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert!(repo.read("specs/login.md").contains("passkeys"));
    assert_push_lands(&repo);
}

// ---- a merge is not an exemption ticket ----------------------------------------------------

fn big_file(lines: usize) -> String {
    (0..lines)
        .map(|i| format!("pub const C{i}: u32 = {i};\n"))
        .collect()
}

/// Commits the working tree on `exec/login` as a "merge" of HEAD and HEAD~1.
fn commit_as_degenerate_merge(repo: &TestRepo, message: &str) {
    repo.git(["add", "-A"]);
    let tree = repo.git(["write-tree"]).trim().to_string();
    let merge = repo.git([
        "commit-tree",
        &tree,
        "-p",
        "HEAD",
        "-p",
        "HEAD~1",
        "-m",
        message,
    ]);
    repo.git(["update-ref", "refs/heads/exec/login", merge.trim()]);
    repo.git(["reset", "-q", "--hard", "exec/login"]);
}

/// `git commit-tree -p HEAD -p HEAD~1`: the second parent is an ancestor of the first, so the
/// "merge" is an ordinary commit on HEAD and is judged as one.
#[test]
fn degenerate_merge_adding_code_is_judged_as_an_ordinary_commit() {
    let repo = pushed_fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    repo.write("src/big.rs", big_file(5000));
    commit_as_degenerate_merge(&repo, "Merge");
    assert_push_refused(&repo, &["commit-size", "progress-update"]);
}

#[test]
fn degenerate_merge_with_a_small_change_and_progress_lands() {
    let repo = pushed_fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    repo.append("src/auth.rs", "pub fn refresh() {}\n");
    repo.add_progress("Added refresh.");
    commit_as_degenerate_merge(&repo, "Add refresh");
    assert_push_lands(&repo);
}

/// A real merge of a real branch that also writes 5,000 lines of its own.
#[test]
fn merge_adding_5000_lines_of_its_own_is_refused() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.write("docs/side.md", "# Side notes\n");
    repo.commit_unchecked("Side notes");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    repo.git(["merge", "-q", "--no-commit", "--no-ff", "side"]);
    repo.write("src/big.rs", big_file(5000));
    repo.add_progress("Merged side.");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "Merge side"]);
    assert_eq!(repo.parent_count("HEAD"), 2);
    let run = assert_push_refused(&repo, &["commit-size"]);
    assert!(
        run.stderr.contains("refusing refs/heads/exec/login"),
        "{run:#?}"
    );
}

#[test]
fn clean_merge_of_a_branch_with_big_judged_history_lands() {
    // The side branch's own commits are each small; the merge itself adds nothing.
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "side"]);
    for part in 0..3 {
        repo.write(&format!("src/part{part}.rs"), big_file(300));
        repo.add_progress(&format!("Part {part}."));
        repo.commit_unchecked(&format!("Part {part}"));
    }
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    merge_keeping_both_progress_entries(&repo, "side");
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert_push_lands(&repo);
}

/// `git merge <branch>`; where both sides added Progress entries at the same place, the
/// resolution keeps both.
fn merge_keeping_both_progress_entries(repo: &TestRepo, branch: &str) {
    let run = repo.git_run(["merge", "-q", "--no-edit", branch]);
    if !run.ok() {
        let plan = repo.read("plans/login-execplan.md");
        let resolved: String = plan
            .lines()
            .filter(|l| {
                !l.starts_with("<<<<<<<") && !l.starts_with("=======") && !l.starts_with(">>>>>>>")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        repo.write("plans/login-execplan.md", resolved);
        repo.git(["add", "-A"]);
        repo.git(["commit", "-q", "--no-verify", "--no-edit"]);
    }
}

/// Both sides added a Progress entry at the same place; the merge keeps both, writes code of its
/// own and adds an entry for it: that entry is progress (the re-merge holds both sides' entries).
#[test]
fn merge_writing_code_with_its_own_progress_entry_after_a_plan_conflict_lands() {
    let repo = merge_with_a_plan_conflict();
    repo.append("src/auth.rs", "pub fn reconcile() {}\n");
    repo.add_progress("Merged side; reconciled the session store.");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--amend", "--no-verify", "--no-edit"]);
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert_push_lands(&repo);
}

#[test]
fn merge_writing_code_without_a_progress_entry_after_a_plan_conflict_is_refused() {
    let repo = merge_with_a_plan_conflict();
    repo.append("src/auth.rs", "pub fn reconcile() {}\n");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--amend", "--no-verify", "--no-edit"]);
    assert_push_refused(&repo, &["progress-update"]);
}

/// A resolution that keeps both sides and leaves a TODO comment writes no code of its own: it
/// was asked for a Progress entry.
#[test]
fn merge_leaving_a_todo_after_a_plan_conflict_lands() {
    let repo = merge_with_a_plan_conflict();
    repo.append(
        "src/auth.rs",
        "\n// TODO: reconcile the session store with side\n",
    );
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--amend", "--no-verify", "--no-edit"]);
    assert_push_lands(&repo);
}

/// `side` and `exec/login` each add a Progress entry (and docs or code); merged keeping both.
fn merge_with_a_plan_conflict() -> TestRepo {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.write("src/session.rs", "pub fn session() {}\n");
    repo.add_progress("Added the session store.");
    repo.commit_unchecked("Add the session store");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    merge_keeping_both_progress_entries(&repo, "side");
    repo
}

/// `side` renames src/auth.rs while `exec/login` changes it; merged into `exec/login`, keeping
/// both Progress entries.
fn merge_across_a_rename() -> TestRepo {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.git(["mv", "src/auth.rs", "src/session.rs"]);
    repo.add_progress("Moved the login code to the session module.");
    repo.commit_unchecked("Move the login code");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    merge_keeping_both_progress_entries(&repo, "side");
    repo
}

/// One side renames the file the other side changes; git's merge follows the rename, and so
/// does the re-merge the merge is judged against.
#[test]
fn clean_merge_across_a_rename_adds_nothing_of_its_own() {
    let repo = merge_across_a_rename();
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert!(repo.read("src/session.rs").contains("logout"));
    assert_push_lands(&repo);
}

/// The same merge with 500 lines written into the renamed file is the merge's own work.
#[test]
fn merge_across_a_rename_writing_code_of_its_own_is_refused() {
    let repo = merge_across_a_rename();
    repo.append("src/session.rs", &big_file(500));
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--amend", "--no-verify", "--no-edit"]);
    assert_eq!(repo.parent_count("HEAD"), 2);
    assert_push_refused(&repo, &["commit-size", "progress-update"]);
}

/// The loose and packed object counts, as `git count-objects -v` prints them.
fn object_counts(repo: &TestRepo) -> String {
    repo.git(["count-objects", "-v"])
        .lines()
        .filter(|line| line.starts_with("count:") || line.starts_with("in-pack:"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `side` renames src/auth.rs and edits its first function while `exec/login` appends to it;
/// the merge keeps both and adds a function of its own. The re-merge follows the rename through libgit2's
/// tree merge, which writes the file it merges (held by no commit here) into the object
/// database: judging the merge must leave the repository's objects as they were.
#[test]
fn judging_a_merge_across_a_rename_writes_no_object_into_the_repository() {
    let repo = pushed_fixture();
    let body: String = (1..=20)
        .map(|n| format!("pub fn step{n}() {{}}\n"))
        .collect();
    repo.write("src/auth.rs", &body);
    repo.commit_unchecked("Split the login into steps");
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.git(["mv", "src/auth.rs", "src/session.rs"]);
    repo.write(
        "src/session.rs",
        body.replacen("step1()", "first_step()", 1),
    );
    repo.commit_unchecked("Move the login code");
    repo.git(["checkout", "-q", "exec/login"]);
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.commit_unchecked("Add logout");
    // The merge is written by hand: git's own merge would store the merged file it resolves.
    repo.git(["rm", "-q", "src/auth.rs"]);
    let merged = format!(
        "{}pub fn logout() {{}}\npub fn refresh() {{}}\n",
        body.replacen("step1()", "first_step()", 1)
    );
    repo.write("src/session.rs", &merged);
    repo.git(["add", "-A"]);
    let tree = repo.git(["write-tree"]);
    let merge = repo.git([
        "commit-tree",
        tree.trim(),
        "-p",
        "HEAD",
        "-p",
        "side",
        "-m",
        "Merge side",
    ]);
    repo.git(["reset", "-q", "--hard", merge.trim()]);
    assert_eq!(repo.parent_count("HEAD"), 2);
    let before = object_counts(&repo);
    let run = repo.execguard(["check", "--range", "main..exec/login"]);
    assert_ne!(
        run.code,
        Some(2),
        "the range could be checked: {}",
        run.stderr
    );
    assert_eq!(object_counts(&repo), before, "the check wrote objects");
}

// ---- rewritten histories -------------------------------------------------------------------

/// A force push of a new root commit (every file, the spec edited) over the branch: judged
/// alone it is a root against the empty tree; judged against the old tip it edits the spec.
#[test]
fn force_push_of_a_new_root_editing_the_spec_is_refused() {
    let repo = pushed_fixture();
    repo.git(["checkout", "-q", "--orphan", "rewritten"]);
    repo.write("specs/login.md", edited_spec());
    repo.commit_unchecked("Start over");
    repo.git(["branch", "-f", "exec/login", "rewritten"]);
    repo.git(["checkout", "-q", "exec/login"]);
    let before = server_rev(&repo, "refs/heads/exec/login");
    let run = push(&repo, &["--force", "origin", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert!(run.stderr.contains("not a fast-forward"), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), before);
    assert_server_sound(&repo);
}

#[test]
fn force_push_of_a_rewritten_history_that_keeps_the_spec_lands() {
    let repo = pushed_fixture();
    repo.append("src/auth.rs", "pub fn logout() {}\n");
    repo.add_progress("Added logout.");
    repo.commit_unchecked("Add logout");
    push(&repo, &["origin", "exec/login"]).assert_ok();
    repo.git([
        "commit",
        "-q",
        "--amend",
        "--no-verify",
        "-m",
        "Add logout, reworded",
    ]);
    let run = push(&repo, &["--force", "origin", "exec/login"]);
    assert!(run.ok(), "{run:#?}");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(repo.head())
    );
}

// ---- the client hooks see the same merges --------------------------------------------------

#[test]
fn pre_push_refuses_a_merge_taking_an_unrelated_edited_spec() {
    let repo = pushed_fixture();
    repo.execguard(["install"]).assert_ok();
    orphan_branch(&repo, &[("specs/login.md", &edited_spec())]);
    let run = repo.git_run([
        "merge",
        "-q",
        "--allow-unrelated-histories",
        "-X",
        "theirs",
        "-m",
        "Merge stray",
        "stray",
    ]);
    // The commit-msg hook judges the merge commit: refused before it exists.
    run.assert_refused("frozen-spec");
}

#[test]
fn pre_push_refuses_a_forced_new_root_editing_the_spec() {
    let repo = pushed_fixture();
    repo.execguard(["install"]).assert_ok();
    repo.git(["checkout", "-q", "--orphan", "rewritten"]);
    repo.write("specs/login.md", edited_spec());
    repo.commit_unchecked("Start over");
    repo.git(["branch", "-f", "exec/login", "rewritten"]);
    repo.git(["checkout", "-q", "exec/login"]);
    let before = server_rev(&repo, "refs/heads/exec/login");
    let run = push_with_hooks(&repo, &["--force", "origin", "exec/login"]);
    run.assert_refused("frozen-spec");
    assert!(run.stderr.contains("not a fast-forward"), "{run:#?}");
    assert!(
        !run.stderr.contains("remote:"),
        "refused before the server: {run:#?}"
    );
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), before);
}
