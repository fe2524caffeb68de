#![allow(clippy::unwrap_used)]
//! The installed hooks meeting unusual entries: deletions and folders, renames, file modes and
//! symbolic links, binary content, paths that are not UTF-8 or hold spaces, CRLF work trees under
//! `core.autocrlf`, and submodule (gitlink) entries.

use crate::common;

use common::scenario::{constants, paths_in_commit, Scenario, PLAN, SPEC};
use common::*;

// ---- deletes and folders -------------------------------------------------------------------

#[test]
fn deleting_code_with_progress_is_allowed() {
    Scenario::exec()
        .git(["rm", "-q", "src/auth.rs"])
        .progress("Old login removed.")
        .git(["add", PLAN])
        .commit("Remove the old login")
        .accepted()
        .commits(2)
        .with(|repo| assert!(!repo.path("src/auth.rs").exists()));
}

#[test]
fn deleting_code_without_progress_is_refused() {
    Scenario::exec()
        .git(["rm", "-q", "src/auth.rs"])
        .commit("Remove the old login")
        .refused("progress-update");
}

#[test]
fn deleting_the_folder_of_a_frozen_spec_is_refused() {
    Scenario::exec()
        .git(["rm", "-r", "-q", "specs"])
        .commit("Drop the specs")
        .refused("frozen-spec")
        .mentions("deletes specs/login.md");
}

#[test]
fn replacing_a_frozen_spec_with_a_folder_is_refused() {
    Scenario::exec()
        .git(["rm", "-q", SPEC])
        .write("specs/login.md/notes.md", "# Notes\n")
        .git(["add", "specs/login.md/notes.md"])
        .commit("Turn the spec into a folder")
        .refused("frozen-spec")
        .mentions("deletes specs/login.md");
}

#[test]
fn a_renamed_and_edited_code_file_counts_only_its_changed_lines() {
    let body = constants("A", 300);
    Scenario::exec()
        .write("src/consts.rs", &body)
        .progress("Constants.")
        .commit_all("Add constants")
        .accepted()
        .git(["mv", "src/consts.rs", "src/values.rs"])
        .write("src/values.rs", body.replace("A0:", "B0:"))
        .progress("Renamed.")
        .commit_all("Rename the constants")
        .accepted();
}

// ---- modes and symlinks --------------------------------------------------------------------

#[test]
fn making_the_frozen_spec_executable_in_the_index_is_refused() {
    Scenario::exec()
        .git(["update-index", "--chmod=+x", SPEC])
        .commit("Make the spec executable")
        .refused("frozen-spec")
        .mentions("mode")
        .mentions(SPEC);
}

#[cfg(unix)]
#[test]
fn chmod_of_the_frozen_spec_then_add_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |repo: &TestRepo| {
        std::fs::metadata(repo.path(SPEC))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    Scenario::exec()
        .with(|repo| {
            std::fs::set_permissions(repo.path(SPEC), std::fs::Permissions::from_mode(0o755))
                .unwrap()
        })
        .commit_all("Make the spec executable")
        .refused("frozen-spec")
        .mentions("mode")
        .with(|repo| assert_eq!(mode(repo), 0o755, "the working file is untouched"));
}

#[cfg(unix)]
#[test]
fn symlink_replacing_the_frozen_spec_is_refused() {
    Scenario::exec()
        .write("docs/login.md", "# Login\n\nAnything goes.\n")
        .with(|repo| {
            std::fs::remove_file(repo.path(SPEC)).unwrap();
            std::os::unix::fs::symlink("../docs/login.md", repo.path(SPEC)).unwrap();
        })
        .commit_all("Point the spec elsewhere")
        .refused("frozen-spec")
        .mentions(SPEC)
        .mentions("symbolic link");
}

// ---- binary files --------------------------------------------------------------------------

#[test]
fn binary_file_does_not_count_toward_lines() {
    // 200 KiB as an image's compressed data looks (a PNG signature, then noise: NULs, control
    // bytes, a newline every 256 bytes or so): as text it would be ~800 lines. Binary content
    // counts toward commit-size's binary budget (256 KiB) instead. (Bytes that are laid out in
    // short lines, NULs or not, are read as text: code can hide control bytes in comments.)
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut blob: Vec<u8> = b"\x89PNG\r\n\x1a\n".to_vec();
    blob.extend((8..200 * 1024).map(|_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 24) as u8
    }));
    Scenario::exec()
        .write("assets/logo.bin", &blob)
        .progress("Logo added.")
        .commit_all("Add the logo")
        .accepted()
        .not_flagged("commit-size")
        .commits(2)
        .with(|repo| {
            assert_eq!(
                repo.git(["cat-file", "-s", "HEAD:assets/logo.bin"]).trim(),
                (200 * 1024).to_string()
            )
        });
}

// ---- unusual paths -------------------------------------------------------------------------

/// The standard fixture with a code file whose name is not UTF-8 (`src/caf\xe9.rs`).
#[cfg(unix)]
fn non_utf8_code_path() -> Scenario {
    use std::os::unix::ffi::OsStrExt;
    Scenario::exec().with(|repo| {
        let name = std::ffi::OsStr::from_bytes(b"src/caf\xe9.rs");
        std::fs::write(repo.dir.join(name), "pub fn cafe() {}\n").unwrap();
    })
}

#[cfg(unix)]
#[test]
fn non_utf8_code_path_with_progress_is_allowed() {
    non_utf8_code_path()
        .progress("Caf\u{e9} module.")
        .commit_all("Add the cafe module")
        .accepted()
        .commits(2)
        .with(|repo| {
            let tree = repo.git(["ls-tree", "-r", "-z", "--name-only", "HEAD"]);
            assert!(
                tree.contains("src/caf\u{fffd}.rs"),
                "the non-UTF-8 path was committed: {tree:?}"
            );
        });
}

#[cfg(unix)]
#[test]
fn non_utf8_code_path_without_progress_is_refused_and_named() {
    non_utf8_code_path()
        .commit_all("Add the cafe module")
        .refused("progress-update")
        // The path is quoted the way git quotes it.
        .mentions(r#""src/caf\351.rs""#)
        .commits(1);
}

#[test]
fn path_with_spaces_and_progress_is_allowed() {
    Scenario::exec()
        .write("src/two words.rs", "pub fn f() {}\n")
        .write("docs/a b/c d.md", "# Notes\n")
        .progress("Spaced module.")
        .commit_all("Add a spaced module")
        .accepted()
        .commits(2)
        .with(|repo| {
            assert!(paths_in_commit(repo, "HEAD").contains(&"src/two words.rs".to_string()))
        });
}

#[test]
fn frozen_spec_with_spaces_in_its_path_is_refused_and_named() {
    Scenario::installed()
        .write("specs/two words.md", SPEC_FROZEN)
        .setup_commit("Freeze a spec")
        .append("specs/two words.md", "Edit.\n")
        .commit_all("Edit the spec")
        .refused("frozen-spec")
        .mentions("specs/two words.md");
}

// ---- core.autocrlf -------------------------------------------------------------------------

/// The frozen spec as a CRLF work tree holds it.
const SPEC_FROZEN_CRLF: &str = "# Login\r\n\r\nEXEC-READY\r\n\r\nUsers log in with a password.\r\n";

/// A repository with `core.autocrlf` on and a frozen spec committed from a CRLF work tree.
fn autocrlf_repo() -> Scenario {
    Scenario::installed()
        .git(["config", "core.autocrlf", "true"])
        .write(SPEC, SPEC_FROZEN_CRLF)
        .write("docs/notes.md", "# Notes\r\n")
        .setup_commit("Freeze the spec")
        .with(|repo| {
            assert_eq!(
                repo.git(["show", "HEAD:specs/login.md"]),
                SPEC_FROZEN,
                "git stored the spec with LF"
            )
        })
}

#[test]
fn autocrlf_frozen_spec_edit_is_refused() {
    autocrlf_repo()
        .append(SPEC, "Also passkeys.\r\n")
        .commit_all("Edit the spec")
        .refused("frozen-spec");
}

#[test]
fn autocrlf_rewriting_the_frozen_spec_unchanged_is_allowed() {
    autocrlf_repo()
        // Same CRLF content rewritten (a new mtime), plus an unrelated edit.
        .write(SPEC, SPEC_FROZEN_CRLF)
        .append("docs/notes.md", "More.\r\n")
        .commit_all("More notes")
        .accepted()
        .commits(2)
        .committed(&["docs/notes.md"]);
}

// ---- submodules ----------------------------------------------------------------------------

#[test]
fn gitlink_entry_with_progress_is_allowed() {
    Scenario::exec()
        .with(|repo| {
            let sha = repo.head();
            repo.git([
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{sha},vendor/lib"),
            ]);
        })
        .progress("Vendored lib.")
        .git(["add", PLAN])
        .commit("Vendor the lib")
        .accepted()
        .commits(2)
        .with(|repo| {
            let entry = repo.git(["ls-tree", "HEAD", "vendor/lib"]);
            assert!(entry.starts_with("160000 commit"), "{entry:?}");
        });
}
