//! `open_head` against libgit2's full open, on real repositories made by `git`.

use std::path::{Path, PathBuf};
use std::process::Command;

use execguard_core::{RepoPath, Side, Trees};

use super::*;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder made");
    std::fs::write(path, text).expect("file written");
}

/// A repository on `main` with a frozen spec, a design note, code, and a config at HEAD.
fn repository(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main", "."]);
    write(dir, "specs/login.md", "# Login\n\nEXEC-READY\n");
    write(dir, "designs/login.md", "# Login design\n");
    write(dir, "src/lib.rs", "pub fn f() {}\n");
    write(dir, "Src/Other.rs", "pub fn g() {}\n");
    write(
        dir,
        ".execguard.toml",
        "[rules.protected-path]\npaths = [\"backend/PLANS.md\"]\n",
    );
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "First"]);
}

/// Whether the machine's own git config files (system, global) are plain enough for
/// `open_head`; where they are not, it must leave every repository to libgit2.
fn user_configs_plain() -> bool {
    user_level_configs().is_some()
}

/// A path with its folders' links resolved, for a path that may not exist.
fn resolved(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .unwrap_or_else(|_| parent.to_path_buf())
            .join(name),
        _ => path.to_path_buf(),
    }
}

/// Opens `at` both ways and compares every answer the agent hook reads.
fn same_as_libgit2(at: &Path, paths: &[&str]) {
    let full = crate::open_at(at).expect("libgit2 opens it");
    let Some(quick) = open_head(at) else {
        assert!(
            !user_configs_plain(),
            "{} not opened for HEAD",
            at.display()
        );
        return;
    };
    let canonical = |path: &Path| std::fs::canonicalize(path).expect("an existing path");
    assert_eq!(
        canonical(quick.workdir()),
        canonical(full.workdir().expect("a working tree"))
    );
    assert_eq!(canonical(quick.git_dir()), canonical(full.git_dir()));
    assert_eq!(canonical(quick.common_dir()), canonical(full.common_dir()));
    assert_eq!(
        resolved(quick.hooks_dir()),
        resolved(&crate::hooks_dir(&full).expect("a hooks folder"))
    );
    let (branch, tree, trees) = quick.head().expect("HEAD read");
    let (full_branch, full_tree, full_trees) =
        crate::head_branch_and_trees(&full).expect("libgit2 reads HEAD");
    assert_eq!(branch, full_branch);
    assert_eq!(
        tree.as_ref().map(RepoTree::id),
        full_tree.as_ref().map(RepoTree::id)
    );
    let config = crate::load_head_config(&quick, tree.as_ref(), None).expect("config read");
    let full_config =
        crate::load_config(&full, full_tree.as_ref(), "HEAD", None).expect("config read");
    assert_eq!(config, full_config);
    for path in paths {
        let path = RepoPath::from(*path);
        let entry = trees.entry(Side::Base, &path).expect("entry read");
        assert_eq!(
            entry,
            full_trees.entry(Side::Base, &path).expect("entry read"),
            "{path}"
        );
        assert_eq!(
            trees.case_variants(Side::Base, &path).expect("read"),
            full_trees.case_variants(Side::Base, &path).expect("read"),
            "{path}"
        );
        if let Some(entry) = entry {
            assert_eq!(
                trees.blob(&entry.id).expect("blob read"),
                full_trees.blob(&entry.id).expect("blob read")
            );
        }
    }
}

const PATHS: &[&str] = &[
    "specs/login.md",
    "designs/login.md",
    "src/lib.rs",
    "SRC/LIB.rs",
    "src/missing.rs",
    ".execguard.toml",
];

#[test]
fn loose_objects_and_refs_read_as_libgit2_reads_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    repository(dir.path());
    same_as_libgit2(dir.path(), PATHS);
    write(dir.path(), "deep/er/x.txt", "x");
    same_as_libgit2(&dir.path().join("deep/er"), PATHS);
}

#[test]
fn packed_refs_and_packed_objects_read_as_libgit2_reads_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    repository(dir.path());
    git(dir.path(), &["gc", "-q"]);
    assert!(!dir.path().join(".git/refs/heads/main").exists());
    same_as_libgit2(dir.path(), PATHS);
    // A loose commit on top of packed objects, its ref loose again.
    write(
        dir.path(),
        "specs/login.md",
        "# Login\n\nEXEC-READY\n\nMore.\n",
    );
    git(dir.path(), &["commit", "-qam", "Second"]);
    same_as_libgit2(dir.path(), PATHS);
}

#[test]
fn a_linked_worktree_reads_its_own_head() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let main = dir.path().join("main");
    std::fs::create_dir(&main).expect("folder made");
    repository(&main);
    git(
        &main,
        &["worktree", "add", "-q", "-b", "other", "../linked"],
    );
    let linked = dir.path().join("linked");
    write(&linked, "specs/other.md", "# Other\n\nEXEC-READY\n");
    git(&linked, &["add", "."]);
    git(&linked, &["commit", "-qm", "Other"]);
    git(&main, &["pack-refs", "--all"]);
    same_as_libgit2(&linked, &["specs/other.md", "specs/login.md"]);
    same_as_libgit2(&main, &["specs/other.md", "specs/login.md"]);
    let quick = open_head(&linked);
    if let Some(quick) = quick {
        assert_eq!(quick.head().expect("HEAD read").0.as_deref(), Some("other"));
    }
}

#[test]
fn a_detached_head_and_an_unborn_branch_read_as_libgit2_reads_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    repository(dir.path());
    git(dir.path(), &["checkout", "-q", "--detach"]);
    same_as_libgit2(dir.path(), PATHS);
    let unborn = tempfile::tempdir().expect("temporary directory");
    git(unborn.path(), &["init", "-q", "-b", "main", "."]);
    // On an unborn branch the working tree's config judges.
    write(
        unborn.path(),
        ".execguard.toml",
        "[rules.protected-path]\npaths = [\"x.md\"]\n",
    );
    same_as_libgit2(unborn.path(), PATHS);
    if let Some(quick) = open_head(unborn.path()) {
        assert!(quick.head().expect("HEAD read").1.is_none());
    }
}

#[test]
fn hooks_path_from_the_repository_and_the_worktree_config() {
    let dir = tempfile::tempdir().expect("temporary directory");
    repository(dir.path());
    git(dir.path(), &["config", "core.hooksPath", "tools/hooks"]);
    same_as_libgit2(dir.path(), PATHS);
    if let Some(quick) = open_head(dir.path()) {
        assert!(quick.hooks_dir().ends_with("tools/hooks"));
    }
    git(dir.path(), &["config", "extensions.worktreeConfig", "true"]);
    git(
        dir.path(),
        &["config", "--worktree", "core.hooksPath", "other/hooks"],
    );
    same_as_libgit2(dir.path(), PATHS);
    if let Some(quick) = open_head(dir.path()) {
        assert!(quick.hooks_dir().ends_with("other/hooks"));
    }
}

#[test]
fn what_it_does_not_follow_is_left_to_libgit2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    repository(dir.path());
    let at = dir.path();
    git(at, &["config", "include.path", "extra"]);
    assert!(open_head(at).is_none(), "an include");
    git(at, &["config", "--unset", "include.path"]);
    git(
        at,
        &["config", "core.worktree", at.to_str().expect("utf-8")],
    );
    assert!(open_head(at).is_none(), "core.worktree");
    git(at, &["config", "--unset", "core.worktree"]);
    write(at, ".git/objects/info/alternates", "/nowhere\n");
    assert!(open_head(at).is_none(), "alternates");
    std::fs::remove_file(at.join(".git/objects/info/alternates")).expect("removed");
    git(at, &["config", "core.repositoryformatversion", "1"]);
    git(at, &["config", "extensions.refStorage", "files"]);
    assert!(
        open_head(at).is_none(),
        "an extension libgit2 does not know"
    );
    git(at, &["config", "--unset", "extensions.refStorage"]);
    git(at, &["symbolic-ref", "HEAD", "refs/remotes/origin/main"]);
    assert!(open_head(at).is_none(), "HEAD not on a branch");
    git(at, &["symbolic-ref", "HEAD", "refs/heads/main"]);
    // Inside the git directory, and in a bare repository, libgit2 decides.
    assert!(open_head(&at.join(".git/refs")).is_none(), "inside .git");
    git(at, &["clone", "-q", "--bare", ".", "server.git"]);
    assert!(
        open_head(&at.join("server.git")).is_none(),
        "a bare repository"
    );
    for format in [
        &["init", "-q", "--object-format=sha256", "sha256"][..],
        &["init", "-q", "--ref-format=reftable", "reftable"],
    ] {
        let other = tempfile::tempdir().expect("temporary directory");
        git(other.path(), format);
        let name = format.last().expect("a name");
        assert!(open_head(&other.path().join(name)).is_none(), "{name}");
    }
    if user_configs_plain() {
        assert!(open_head(at).is_some(), "back to a plain repository");
    }
    // A HEAD whose tree cannot be read is refused as libgit2 refuses it, not taken as empty.
    let tree = git(at, &["rev-parse", "HEAD^{tree}"]);
    let tree = tree.trim();
    std::fs::remove_file(at.join(format!(".git/objects/{}/{}", &tree[..2], &tree[2..])))
        .expect("tree object removed");
    assert!(open_head(at).is_none(), "a missing tree");
    let full = crate::open_at(at).expect("libgit2 opens it");
    assert!(crate::head_branch_and_trees(&full).is_err());
}
