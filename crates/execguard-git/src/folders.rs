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
