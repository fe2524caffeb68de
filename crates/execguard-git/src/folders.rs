//! The folders of one merge's trees, each read once: for its lookups by path and the
//! comparisons of its trees.
//!
//! libgit2 looks a path up from the root each time, reading every folder on the way from its
//! object cache, which keeps 2 MiB of a range check's trees: a merge's lookups in the large
//! folders of its parents (2,600 entries in git.git's `t/`) found them evicted and read and
//! parsed each again, as did its comparisons against each parent and of each side against the
//! merge base. The parents and the merge's result share most folders, and a folder kept by its
//! id serves every tree that holds it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use git2::{ObjectType, Oid, Repository, Tree};

use crate::objects::as_path;

/// Folders kept before starting over: a merge's lookups reach a few in each of its trees.
const MOST_FOLDERS: usize = 256;

/// Entries of the folders kept before starting over (a parsed entry takes some 60 bytes): a
/// dozen versions of a 2,600-entry folder.
const MOST_ENTRIES: usize = 32 * 1024;

/// The folders of one merge's trees read so far, by id.
pub(crate) struct Folders<'r> {
    repo: &'r Repository,
    read: RefCell<HashMap<Oid, Tree<'r>>>,
    entries: Cell<usize>,
}

impl<'r> Folders<'r> {
    pub(crate) fn new(repo: &'r Repository) -> Folders<'r> {
        Folders {
            repo,
            read: RefCell::new(HashMap::new()),
            entries: Cell::new(0),
        }
    }

    /// The mode and id of the file (not directory) at `path` in `root`, if any, as libgit2's
    /// lookup by path finds it.
    pub(crate) fn file(
        &self,
        root: &Tree<'r>,
        path: &[u8],
    ) -> Result<Option<(u32, Oid)>, git2::Error> {
        if path.contains(&0) || path.split(|&b| b == b'/').any(<[u8]>::is_empty) {
            // Not a path a tree can hold: libgit2 answers as it always has.
            return file_in_tree(root, path);
        }
        let mut names = path.split(|&b| b == b'/');
        let Some(name) = names.next_back() else {
            return Ok(None);
        };
        let mut folder = root.clone();
        for dir in names {
            let id = match folder.get_name_bytes(dir) {
                Some(entry) if entry.kind() == Some(ObjectType::Tree) => entry.id(),
                _ => return Ok(None),
            };
            folder = self.tree(id)?;
        }
        let found = match folder.get_name_bytes(name) {
            Some(entry) if entry.kind() != Some(ObjectType::Tree) => {
                Some((entry.filemode() as u32, entry.id()))
            }
            _ => None,
        };
        Ok(found)
    }

    /// Tree `id`, read once while kept.
    pub(crate) fn tree(&self, id: Oid) -> Result<Tree<'r>, git2::Error> {
        if let Some(tree) = self.read.borrow().get(&id) {
            return Ok(tree.clone());
        }
        let tree = self.repo.find_tree(id)?;
        let mut read = self.read.borrow_mut();
        if read.len() >= MOST_FOLDERS || self.entries.get() + tree.len() > MOST_ENTRIES {
            read.clear();
            self.entries.set(0);
        }
        self.entries.set(self.entries.get() + tree.len());
        read.insert(id, tree.clone());
        Ok(tree)
    }
}

/// The mode and id of the file (not directory) at `path` in `tree`, if any.
pub(crate) fn file_in_tree(
    tree: &Tree<'_>,
    path: &[u8],
) -> Result<Option<(u32, Oid)>, git2::Error> {
    match tree.get_path(&as_path(&execguard_core::RepoPath::new(path))) {
        Ok(entry) if entry.kind() != Some(ObjectType::Tree) => {
            Ok(Some((entry.filemode() as u32, entry.id())))
        }
        Ok(_) => Ok(None),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a tree of `files` (path, mode) whose blobs hold their paths; a `160000` entry is a
    /// submodule at some commit id.
    fn tree_of(repo: &Repository, files: &[(&str, i32)]) -> Oid {
        fn write(repo: &Repository, prefix: &str, files: &[(&str, i32)]) -> Oid {
            let mut builder = repo.treebuilder(None).expect("tree builder");
            let mut dirs: Vec<&str> = Vec::new();
            for (path, mode) in files {
                let Some(rest) = path.strip_prefix(prefix) else {
                    continue;
                };
                match rest.split_once('/') {
                    Some((dir, _)) => {
                        if !dirs.contains(&dir) {
                            dirs.push(dir);
                        }
                    }
                    None => {
                        let id = if *mode == 0o160000 {
                            Oid::hash_object(ObjectType::Commit, path.as_bytes()).expect("id")
                        } else {
                            repo.blob(path.as_bytes()).expect("blob")
                        };
                        builder.insert(rest, id, *mode).expect("entry");
                    }
                }
            }
            for dir in dirs {
                let id = write(repo, &format!("{prefix}{dir}/"), files);
                builder.insert(dir, id, 0o040000).expect("folder");
            }
            builder.write().expect("tree")
        }
        write(repo, "", files)
    }

    /// Every path, present or not, through files, links, submodules and folders whose names sort
    /// around one another, reads through the merge's folders as libgit2's lookup by path reads
    /// it, the second time from the folders kept.
    #[test]
    fn a_file_looked_up_through_a_merges_folders_is_the_one_libgit2_finds_by_path() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("bare repository");
        let files = [
            ("a.txt", 0o100644),
            ("a/b.txt", 0o100644),
            ("a/c/d.txt", 0o100755),
            ("a-b/x", 0o100644),
            ("a.b/y", 0o100644),
            ("a0", 0o100644),
            ("link", 0o120000),
            ("sub", 0o160000),
            ("t/deep/er/f.c", 0o100644),
        ];
        let root = repo.find_tree(tree_of(&repo, &files)).expect("root");
        let mut asked: Vec<&str> = files.iter().map(|(path, _)| *path).collect();
        asked.extend([
            "a",
            "a/c",
            "t/deep",
            "a/zz",
            "zz/b",
            "a.txt/x",
            "sub/x",
            "link/x",
            "a//b.txt",
            "/a.txt",
            "a/",
            "",
            "A.TXT",
            "a/c/d.txt/e",
            "t/deep/er/f.c/",
        ]);
        let folders = Folders::new(&repo);
        for round in ["read", "kept"] {
            for path in &asked {
                let expected = file_in_tree(&root, path.as_bytes());
                let found = folders.file(&root, path.as_bytes());
                assert_eq!(
                    found.as_ref().ok(),
                    expected.as_ref().ok(),
                    "{path:?} ({round})"
                );
                assert_eq!(found.is_err(), expected.is_err(), "{path:?} ({round})");
            }
        }
        assert!(
            !folders.read.borrow().is_empty(),
            "the folders on the way were kept"
        );
    }
}
