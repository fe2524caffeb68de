#![allow(clippy::unwrap_used)]
//! Crafted trees: objects git's fsck rejects, assembled by hand and pushed to a server guarded by
//! `execguard install --server`.
//!
//! A tree listing `specs/login.md` twice (the frozen original first, an edited copy second)
//! reads as the original to a lookup, while a clone checks out the edited copy. Such trees are
//! written with `git hash-object -t tree --literally` from binary tree content (`<mode> <name>\0`
//! and a 20-byte id per entry), committed with `git commit-tree` and put on the branch with
//! `git update-ref`. The client's `git push` sends them as they are: pack-objects does not fsck
//! what it sends, so no `-c` option is needed. With `receive.fsckObjects` (which
//! `install --server` turns on) git itself refuses them before the hook runs; with it turned off,
//! the hook must refuse them, as a check that could not run (exit code 2).

use crate::common;

use std::io::Write as _;
use std::process::Stdio;

use common::server::*;
use common::*;

const BRANCH: &str = "refs/heads/exec/login";

/// One entry of a hand-assembled tree.
struct Entry {
    mode: &'static str,
    name: Vec<u8>,
    id: String,
}

fn entry(mode: &'static str, name: impl AsRef<[u8]>, id: &str) -> Entry {
    Entry {
        mode,
        name: name.as_ref().to_vec(),
        id: id.to_string(),
    }
}

/// Runs git with `input` on stdin; asserts success and returns stdout, trimmed.
fn git_with_input(repo: &TestRepo, args: &[&str], input: &[u8]) -> String {
    let mut child = repo
        .command("git")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn blob(repo: &TestRepo, content: &str) -> String {
    git_with_input(repo, &["hash-object", "-w", "--stdin"], content.as_bytes())
}

fn id_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap())
        .collect()
}

/// Writes a tree object with exactly these entries, in this order, unchecked.
fn raw_tree(repo: &TestRepo, entries: &[Entry]) -> String {
    let mut content = Vec::new();
    for entry in entries {
        content.extend_from_slice(entry.mode.as_bytes());
        content.push(b' ');
        content.extend_from_slice(&entry.name);
        content.push(0);
        content.extend_from_slice(&id_bytes(&entry.id));
    }
    git_with_input(
        repo,
        &["hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
        &content,
    )
}

/// The entries of `tree` (`HEAD`, `HEAD:specs`), as a tree object writes them.
fn listing(repo: &TestRepo, tree: &str) -> Vec<Entry> {
    repo.git(["ls-tree", tree])
        .lines()
        .map(|line| {
            let (meta, name) = line.split_once('\t').unwrap();
            let fields: Vec<&str> = meta.split(' ').collect();
            // ls-tree pads a directory's mode to six digits; a tree object does not.
            let mode = if fields[0] == "040000" {
                "40000"
            } else {
                "100644"
            };
            assert!(fields[0] == "040000" || fields[0] == "100644", "{line}");
            entry(mode, name, fields[2])
        })
        .collect()
}

/// The root tree of HEAD with `replacement` in place of the entry of that name (or added), in
/// git's order.
fn root_with(repo: &TestRepo, replacement: Entry) -> String {
    let mut entries = listing(repo, "HEAD");
    entries.retain(|e| e.name != replacement.name);
    entries.push(replacement);
    git_order(&mut entries);
    raw_tree(repo, &entries)
}

/// git's order of tree entries: by name, a directory's name compared as if it ended in `/`.
fn git_order(entries: &mut [Entry]) {
    entries.sort_by_key(|e| {
        let mut key = e.name.clone();
        if e.mode == "40000" {
            key.push(b'/');
        }
        key
    });
}

/// Commits `tree` on top of HEAD with `git commit-tree` and moves the branch there.
fn commit_tree(repo: &TestRepo, tree: &str, message: &str) -> String {
    let head = repo.head();
    let commit = repo.git(["commit-tree", "-p", &head, "-m", message, tree]);
    let commit = commit.trim().to_string();
    repo.git(["update-ref", BRANCH, &commit]);
    commit
}

/// The login spec listed twice: the frozen original first, then an edited copy.
fn spec_listed_twice(repo: &TestRepo) -> String {
    let original = repo.git(["rev-parse", "HEAD:specs/login.md"]);
    let edited = blob(repo, &format!("{SPEC_FROZEN}Also support passkeys.\n"));
    let specs = raw_tree(
        repo,
        &[
            entry("100644", "login.md", original.trim()),
            entry("100644", "login.md", &edited),
        ],
    );
    let root = root_with(repo, entry("40000", "specs", &specs));
    commit_tree(repo, &root, "Tweak the spec")
}

/// A pushed fixture whose server leaves objects unchecked, so the hook is what judges them.
fn fixture_without_receive_fsck() -> TestRepo {
    let repo = pushed_fixture();
    server_git(&repo, ["config", "receive.fsckObjects", "false"]).assert_ok();
    repo
}

/// Pushes the branch and asserts the server's hook refused it as a check that could not run,
/// naming the commit and `problem`, with the branch left where it was.
#[track_caller]
fn assert_hook_refuses_tree(repo: &TestRepo, before: &str, commit: &str, problem: &str) -> Run {
    let run = push(repo, &["origin", "exec/login"]);
    assert!(!run.ok(), "the push was refused: {run:#?}");
    assert!(
        run.stderr.contains("pre-receive hook declined"),
        "the hook refused it, not git: {run:#?}"
    );
    assert!(
        run.stderr.contains("the check could not run") && run.stderr.contains("exit code 2"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains(&format!("commit {}", &commit[..7])),
        "the commit is named: {run:#?}"
    );
    assert!(
        run.stderr.contains(problem),
        "expected `{problem}`: {run:#?}"
    );
    assert!(
        run.stderr.contains("git fsck rejects such a tree"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
    assert_eq!(
        server_rev(repo, BRANCH).as_deref(),
        Some(before),
        "the server ref did not move"
    );
    assert_server_sound(repo);
    run
}

#[test]
fn server_refuses_a_tree_listing_the_frozen_spec_twice() {
    let repo = fixture_without_receive_fsck();
    let before = server_rev(&repo, BRANCH).unwrap();
    let commit = spec_listed_twice(&repo);
    // What a checkout writes is the edited copy, the second entry: the edit hides behind the
    // original.
    let clone = repo.root.join("clone");
    repo.git_in(
        &repo.root,
        [
            "clone",
            "-q",
            "--no-checkout",
            &repo.dir.display().to_string(),
            "clone",
        ],
    );
    repo.git_in(&clone, ["checkout", "-q", "exec/login"]);
    let checked_out = std::fs::read_to_string(clone.join("specs/login.md")).unwrap();
    assert!(checked_out.contains("passkeys"), "{checked_out}");

    let run = assert_hook_refuses_tree(&repo, &before, &commit, "the tree of `specs` (");
    assert!(run.stderr.contains("lists `login.md` twice"), "{run:#?}");
}

/// What a `.git` entry would plant in a clone. A Markdown file breaks no rule, so the tree is
/// the only thing wrong with the commit.
fn planted_tree(repo: &TestRepo) -> String {
    let notes = blob(repo, "# Notes\n");
    raw_tree(repo, &[entry("100644", "notes.md", &notes)])
}

#[test]
fn server_refuses_a_dotgit_directory_entry() {
    let repo = fixture_without_receive_fsck();
    let before = server_rev(&repo, BRANCH).unwrap();
    let planted = planted_tree(&repo);
    let root = root_with(&repo, entry("40000", ".git", &planted));
    let commit = commit_tree(&repo, &root, "Add settings");
    let run = assert_hook_refuses_tree(&repo, &before, &commit, "the root tree (");
    assert!(run.stderr.contains("has an entry named `.git`"), "{run:#?}");
}

#[test]
fn server_refuses_names_git_treats_as_dotgit() {
    let repo = fixture_without_receive_fsck();
    let before = server_rev(&repo, BRANCH).unwrap();
    let planted = planted_tree(&repo);
    // `.GIT` is `.git` on case-insensitive file systems, `git~1` its NTFS short name.
    for name in [".GIT", "git~1"] {
        repo.git(["update-ref", BRANCH, &before]);
        let root = root_with(&repo, entry("40000", name, &planted));
        let commit = commit_tree(&repo, &root, "Add settings");
        assert_hook_refuses_tree(
            &repo,
            &before,
            &commit,
            &format!("has an entry `{name}` that git treats as `.git`"),
        );
    }
}

#[test]
fn server_refuses_unsorted_entries_in_a_new_directory() {
    let repo = fixture_without_receive_fsck();
    let before = server_rev(&repo, BRANCH).unwrap();
    let first = blob(&repo, "# First\n");
    let second = blob(&repo, "# Second\n");
    // A directory the base does not have: every tree below it is read and checked.
    let notes = raw_tree(
        &repo,
        &[
            entry("100644", "zebra.md", &second),
            entry("100644", "apple.md", &first),
        ],
    );
    let root = root_with(&repo, entry("40000", "notes", &notes));
    let commit = commit_tree(&repo, &root, "Add notes");
    let run = assert_hook_refuses_tree(&repo, &before, &commit, "the tree of `notes` (");
    assert!(
        run.stderr
            .contains("is not in git's order: `apple.md` is listed after `zebra.md`"),
        "{run:#?}"
    );
}

#[test]
fn server_refuses_a_tree_that_cannot_be_parsed() {
    let repo = fixture_without_receive_fsck();
    let before = server_rev(&repo, BRANCH).unwrap();
    // git sends a name of 70,000 bytes (an empty one it would not pack); libgit2 cannot parse a
    // name longer than 65,535 bytes, so the tree cannot be read, let alone judged.
    let note = blob(&repo, "# Note\n");
    let broken = raw_tree(&repo, &[entry("100644", "n".repeat(70_000), &note)]);
    let root = root_with(&repo, entry("40000", "notes", &broken));
    let commit = commit_tree(&repo, &root, "Add notes");
    let run = assert_hook_refuses_tree(&repo, &before, &commit, "the tree of `notes` (");
    assert!(
        run.stderr.contains("cannot be parsed as a tree"),
        "{run:#?}"
    );
}

#[test]
fn git_refuses_the_spec_listed_twice_with_the_install_default() {
    let repo = pushed_fixture();
    let before = server_rev(&repo, BRANCH).unwrap();
    spec_listed_twice(&repo);
    let run = push(&repo, &["origin", "exec/login"]);
    assert!(!run.ok(), "the push was refused: {run:#?}");
    // receive.fsckObjects refuses the objects before any hook runs.
    assert!(run.stderr.contains("duplicateEntries"), "{run:#?}");
    assert!(!run.stderr.contains("pre-receive hook"), "{run:#?}");
    assert_eq!(server_rev(&repo, BRANCH), Some(before));
    assert_server_sound(&repo);
}

#[test]
fn server_accepts_the_well_formed_twin_built_by_hand() {
    let repo = fixture_without_receive_fsck();
    // The same construction, as a well-formed tree: the edited text lands beside the frozen
    // spec under its own name (`login-notes.md` sorts before `login.md`), which breaks no rule.
    let original = repo.git(["rev-parse", "HEAD:specs/login.md"]);
    let notes = blob(&repo, "# Login notes\n\nAlso support passkeys.\n");
    let specs = raw_tree(
        &repo,
        &[
            entry("100644", "login-notes.md", &notes),
            entry("100644", "login.md", original.trim()),
        ],
    );
    let root = root_with(&repo, entry("40000", "specs", &specs));
    let commit = commit_tree(&repo, &root, "Add notes on the login spec");
    let run = push(&repo, &["origin", "exec/login"]);
    run.assert_ok();
    assert_eq!(server_rev(&repo, BRANCH), Some(commit));
    // With git's own check on, the same push lands as well.
    let repo = pushed_fixture();
    let specs = raw_tree(
        &repo,
        &[
            entry("100644", "login-notes.md", &blob(&repo, "# Notes\n")),
            entry("100644", "login.md", original.trim()),
        ],
    );
    let root = root_with(&repo, entry("40000", "specs", &specs));
    let commit = commit_tree(&repo, &root, "Add notes on the login spec");
    push(&repo, &["origin", "exec/login"]).assert_ok();
    assert_eq!(server_rev(&repo, BRANCH), Some(commit));
    assert_server_sound(&repo);
}

/// A bare repository beside a fresh fixture, with no hook yet.
fn bare_server(repo: &TestRepo) -> std::path::PathBuf {
    repo.exec_fixture();
    repo.git_in(&repo.root, ["init", "-q", "--bare", "server.git"]);
    server_dir(repo)
}

fn install_server(repo: &TestRepo) -> Run {
    Run::from_command(
        repo.command(execguard_bin())
            .current_dir(server_dir(repo))
            .args(["install", "--server"]),
    )
}

#[test]
fn install_server_turns_on_receive_fsck_objects() {
    let repo = TestRepo::new();
    bare_server(&repo);
    let run = install_server(&repo);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("receive.fsckObjects turned on in the repository's config"),
        "{run:#?}"
    );
    let value = server_git(&repo, ["config", "--bool", "receive.fsckObjects"]);
    assert_eq!(value.stdout.trim(), "true", "{value:#?}");
    // Installing again finds it on and changes nothing.
    let again = install_server(&repo);
    again.assert_ok();
    assert!(
        again.stderr.contains("receive.fsckObjects is already on"),
        "{again:#?}"
    );
}

#[test]
fn install_server_leaves_an_explicit_false_and_warns() {
    let repo = TestRepo::new();
    bare_server(&repo);
    server_git(&repo, ["config", "receive.fsckObjects", "false"]).assert_ok();
    let run = install_server(&repo);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("warning: receive.fsckObjects is set to `false`"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("git config receive.fsckObjects true"),
        "{run:#?}"
    );
    let value = server_git(&repo, ["config", "--bool", "receive.fsckObjects"]);
    assert_eq!(value.stdout.trim(), "false", "{value:#?}");
}
