//! Whether a re-merge needs rename detection at all, decided from the second parent's change
//! alone, as git's own merge (ort) decides which renames are relevant.
//!
//! A rename on one side changes the merge only where the other side still needs its source: the
//! other side changed or also removed the file the first side removed (its content must follow
//! the rename, or both sides renamed it), or added a file in a directory the first side removed
//! (it may follow a directory rename). Any
//! other rename merges as a deletion and an addition, path by path, as if it were not detected:
//! git's ort detects no rename there either. A merge's first parent has usually changed far more
//! since the merge base than the branch merged into it; reading only the branch's change keeps
//! the first parent's change unread.

use std::collections::HashMap;

use execguard_core::FileChange;
use git2::{ObjectType, Oid, Tree};

use crate::error::read_err;
use crate::folders::Folders;
use crate::objects::as_path;
use crate::GitError;

/// Whether a rename on either side could matter to the merge of `ours` and `theirs` over `base`;
/// `theirs_changed` is `theirs` against `base`.
pub(crate) fn renames_may_matter<'r>(
    folders: &Folders<'r>,
    base: &Tree<'r>,
    ours: &Tree<'r>,
    theirs: &Tree<'r>,
    theirs_changed: &[FileChange],
) -> Result<bool, GitError> {
    let mut dirs = Dirs::default();
    for file in theirs_changed {
        let path = file.path.as_bytes();
        let found = |tree: &Tree<'r>| {
            folders
                .file(tree, path)
                .map_err(read_err(String::from_utf8_lossy(path).into_owned()))
        };
        match (&file.old, &file.new) {
            // Changed by theirs: relevant if ours no longer has it.
            (Some(_), Some(_)) => {
                if found(ours)?.is_none() {
                    return Ok(true);
                }
            }
            // Removed by theirs: relevant unless ours kept it as it was (both sides may have
            // renamed it), or when ours added a file in a directory theirs removed.
            (Some(_), None) => {
                if found(ours)? != found(base)? {
                    return Ok(true);
                }
                for dir in ancestors(path) {
                    let removed =
                        dirs.tree(base, 0, dir)?.is_some() && dirs.tree(theirs, 1, dir)?.is_none();
                    // Conservative: any change of ours below the removed directory.
                    let kept = dirs.tree(ours, 2, dir)?;
                    if removed && kept.is_some() && kept != dirs.tree(base, 0, dir)? {
                        return Ok(true);
                    }
                }
            }
            // Added by theirs: relevant if it lies in a directory ours removed.
            (None, Some(_)) => {
                for dir in ancestors(path) {
                    if dirs.tree(base, 0, dir)?.is_some() && dirs.tree(ours, 2, dir)?.is_none() {
                        return Ok(true);
                    }
                }
            }
            (None, None) => {}
        }
    }
    Ok(false)
}

/// The directories above `path`, nearest first, the root left out.
fn ancestors(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = path;
    std::iter::from_fn(move || {
        let slash = at.iter().rposition(|&b| b == b'/')?;
        at = &at[..slash];
        Some(at)
    })
}

/// The tree ids of directories, by tree (0 base, 1 theirs, 2 ours) and path, looked up once.
#[derive(Default)]
struct Dirs(HashMap<(u8, Vec<u8>), Option<Oid>>);

impl Dirs {
    fn tree(&mut self, tree: &Tree<'_>, which: u8, dir: &[u8]) -> Result<Option<Oid>, GitError> {
        if let Some(found) = self.0.get(&(which, dir.to_vec())) {
            return Ok(*found);
        }
        let found = match tree.get_path(&as_path(&execguard_core::RepoPath::new(dir))) {
            Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Some(entry.id()),
            Ok(_) => None,
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => return Err(read_err(String::from_utf8_lossy(dir).into_owned())(e)),
        };
        self.0.insert((which, dir.to_vec()), found);
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::ancestors;

    #[test]
    fn ancestors_run_up_to_the_root_without_it() {
        let found: Vec<&[u8]> = ancestors(b"a/b/c.txt").collect();
        assert_eq!(found, vec![&b"a/b"[..], &b"a"[..]]);
        assert_eq!(ancestors(b"top.txt").count(), 0);
    }
}
