//! Directory renames in the re-merge, as git's own merge (ort) detects and applies them: when one
//! side moved every file out of a directory, and mostly into one other directory, a path the
//! other side adds (or renames) into the old directory lands in the new one. libgit2's tree merge
//! follows renames of files only; without this step a clean `git merge` that follows a directory
//! rename would look like adding the moved paths of its own.
//!
//! The rules are git's (`merge-ort.c`, `diffcore-rename.c`): a directory counts as renamed on a
//! side only when that side no longer has it and the other side added a file directly in it (or
//! in a directory above it that the first side also removed); its destination is the directory
//! most of its renamed files went to (a tie renames nothing); a directory renamed on both sides is
//! not renamed; a path is not moved into a directory its own side renamed away, nor onto a path
//! its side holds, nor when two paths would land on one.

use std::collections::{BTreeMap, HashMap, HashSet};

use execguard_core::FileChange;
use git2::{ObjectType, Repository, Tree};

use crate::error::read_err;
use crate::objects::as_path;
use crate::{renames, GitError};

/// Old directory to new directory (`""` is the root).
type DirRenames = HashMap<Vec<u8>, Vec<u8>>;

/// A path of the re-merge, and where a directory rename moves it.
pub(crate) type Move = (Vec<u8>, Vec<u8>);

/// The paths of a re-merge that git's merge would move by a directory rename of the other side:
/// `(from, to)`. `changed` holds each side's change against the base (ours, theirs); `held` says
/// whether the re-merge holds a path.
pub(crate) fn moves(
    repo: &Repository,
    base: &Tree<'_>,
    sides: [&Tree<'_>; 2],
    changed: [&[FileChange]; 2],
    held: impl Fn(&[u8]) -> bool,
) -> Result<Vec<Move>, GitError> {
    let mut files = [changed[0].to_vec(), changed[1].to_vec()];
    let mut detected = [false; 2];
    let mut renamed = [DirRenames::new(), DirRenames::new()];
    for side in 0..2 {
        let trees = Trees {
            base,
            renamer: sides[side],
            adder: sides[1 - side],
        };
        let hot = hot_dirs(&trees, changed[1 - side]);
        // No directory this side removed can count as renamed: as git's merge, detect no
        // renames for it (scoring them reads the blobs of the side's whole change).
        if hot.is_empty() {
            continue;
        }
        renames::detect_renames(repo, &mut files[side])?;
        detected[side] = true;
        renamed[side] = dir_renames(&trees, &files[side], &hot);
    }
    // A directory both sides renamed is left to the file renames.
    let both: Vec<Vec<u8>> = renamed[0]
        .keys()
        .filter(|dir| renamed[1].contains_key(*dir))
        .cloned()
        .collect();
    for dir in &both {
        renamed[0].remove(dir);
        renamed[1].remove(dir);
    }
    let mut moved = Vec::new();
    for side in 0..2 {
        if renamed[1 - side].is_empty() {
            continue;
        }
        // The paths this side renames are moved too: its renames are needed after all.
        if !detected[side] {
            renames::detect_renames(repo, &mut files[side])?;
        }
        let (files, own, other) = (&files[side], &renamed[side], &renamed[1 - side]);
        // Every path this side adds or renames that a directory rename of the other side moves.
        let mut landing: BTreeMap<Vec<u8>, Vec<Vec<u8>>> = BTreeMap::new();
        for file in files {
            if file.old.is_some() && file.renamed_from.is_none() {
                continue;
            }
            let path = file.path.as_bytes();
            let Some((old_dir, new_dir)) = renamed_parent(path, other) else {
                continue;
            };
            if own.contains_key(new_dir) {
                // The destination is a directory this side renamed away: git does not move a
                // path into it.
                continue;
            }
            let rest = &path[old_dir.len()..];
            let new_path = if new_dir.is_empty() {
                rest.strip_prefix(b"/").unwrap_or(rest).to_vec()
            } else {
                [new_dir, rest].concat()
            };
            landing.entry(new_path).or_default().push(path.to_vec());
        }
        for (new_path, sources) in landing {
            // Two paths onto one, or onto a path this side holds: git leaves them where they are.
            if sources.len() > 1 || exists(sides[side], &new_path)? {
                continue;
            }
            let source = &sources[0];
            if held(source) {
                moved.push((source.clone(), new_path));
            }
        }
    }
    Ok(moved)
}

/// The three trees, seen from the side whose directory renames are sought.
struct Trees<'a, 'r> {
    base: &'a Tree<'r>,
    renamer: &'a Tree<'r>,
    adder: &'a Tree<'r>,
}

/// How much a directory the renaming side removed matters (git's `dirs_removed` values).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relevance {
    /// Nothing the other side added is in or below it: never renamed.
    None,
    /// A directory above it that the renaming side removed has a file the other side added.
    Ancestor,
    /// The other side added a file directly in it.
    Itself,
}

/// Directories holding, directly, a file only the other side has, at or below a directory the
/// renaming side removed and the other side kept: where git looks for directory renames.
/// `added_by_other` is the other side's change.
fn hot_dirs(trees: &Trees<'_, '_>, added_by_other: &[FileChange]) -> HashSet<Vec<u8>> {
    added_by_other
        .iter()
        .filter(|file| file.old.is_none())
        .filter(|file| file_in(trees.renamer, file.path.as_bytes()).is_none())
        .filter_map(|file| dirname(file.path.as_bytes()))
        .filter(|dir| {
            let mut at = Some(*dir);
            while let Some(dir) = at {
                if !dir.is_empty()
                    && is_dir(trees.base, dir)
                    && !is_dir(trees.renamer, dir)
                    && is_dir(trees.adder, dir)
                {
                    return true;
                }
                at = dirname(dir);
            }
            false
        })
        .map(<[u8]>::to_vec)
        .collect()
}

/// The directory renames of one side (`files`: its change against the base, with renames
/// detected): old directory to the directory most of its renamed files went to, for
/// directories git's merge would consider (`hot`, see [`hot_dirs`]).
fn dir_renames(trees: &Trees<'_, '_>, files: &[FileChange], hot: &HashSet<Vec<u8>>) -> DirRenames {
    let mut is_dir_memo: HashMap<(bool, Vec<u8>), bool> = HashMap::new();
    let mut dir_in = |in_base: bool, dir: &[u8]| -> bool {
        let tree = if in_base { trees.base } else { trees.renamer };
        *is_dir_memo
            .entry((in_base, dir.to_vec()))
            .or_insert_with(|| dir.is_empty() || is_dir(tree, dir))
    };
    let relevance = |dir: &[u8]| -> Relevance {
        if hot.contains(dir) {
            return Relevance::Itself;
        }
        let mut above = dirname(dir);
        while let Some(up) = above {
            if hot.contains(up) {
                return Relevance::Ancestor;
            }
            above = dirname(up);
        }
        Relevance::None
    };
    let mut counts: HashMap<Vec<u8>, HashMap<Vec<u8>, usize>> = HashMap::new();
    let mut relevant: HashMap<Vec<u8>, Relevance> = HashMap::new();
    for file in files {
        let Some(from) = &file.renamed_from else {
            continue;
        };
        let (mut old, mut new) = (from.as_bytes(), file.path.as_bytes());
        let mut first = true;
        loop {
            let (old_name, new_name) = (basename(old), basename(new));
            let (Some(old_dir), Some(new_dir)) = (dirname(old), dirname(new)) else {
                break;
            };
            // Only directories the side removed are candidates.
            if old_dir.is_empty() || !dir_in(true, old_dir) || dir_in(false, old_dir) {
                break;
            }
            if first {
                if old_dir == new_dir {
                    break;
                }
            } else if old_name != new_name {
                break;
            }
            let flag = *relevant
                .entry(old_dir.to_vec())
                .or_insert_with(|| relevance(old_dir));
            if flag == Relevance::Itself || first {
                bump(&mut counts, old_dir, new_dir);
            }
            if flag == Relevance::None || new_dir.is_empty() {
                break;
            }
            (old, new, first) = (old_dir, new_dir, false);
        }
    }
    let mut renamed = DirRenames::new();
    for (old_dir, destinations) in counts {
        if relevant.get(&old_dir).copied().unwrap_or(Relevance::None) == Relevance::None {
            continue;
        }
        let best = destinations.values().copied().max().unwrap_or(0);
        let mut at_best = destinations.iter().filter(|(_, &n)| n == best);
        if let (Some((new_dir, _)), None) = (at_best.next(), at_best.next()) {
            renamed.insert(old_dir, new_dir.clone());
        }
    }
    renamed
}

fn file_in(tree: &Tree<'_>, path: &[u8]) -> Option<()> {
    match tree.get_path(&as_path(&execguard_core::RepoPath::new(path))) {
        Ok(entry) if entry.kind() != Some(ObjectType::Tree) => Some(()),
        _ => None,
    }
}

fn bump(counts: &mut HashMap<Vec<u8>, HashMap<Vec<u8>, usize>>, old: &[u8], new: &[u8]) {
    *counts
        .entry(old.to_vec())
        .or_default()
        .entry(new.to_vec())
        .or_default() += 1;
}

/// The nearest directory above `path` that `renamed` renames, and where to.
fn renamed_parent<'d>(path: &[u8], renamed: &'d DirRenames) -> Option<(&'d [u8], &'d [u8])> {
    let mut dir = dirname(path)?;
    loop {
        if let Some((old, new)) = renamed.get_key_value(dir) {
            return Some((old, new));
        }
        dir = dirname(dir)?;
    }
}

/// The directory of `path`, `""` for a path at the root, `None` for the root itself.
fn dirname(path: &[u8]) -> Option<&[u8]> {
    if path.is_empty() {
        return None;
    }
    Some(match path.iter().rposition(|&b| b == b'/') {
        Some(slash) => &path[..slash],
        None => b"",
    })
}

fn basename(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(slash) => &path[slash + 1..],
        None => path,
    }
}

fn is_dir(tree: &Tree<'_>, dir: &[u8]) -> bool {
    matches!(
        tree.get_path(&as_path(&execguard_core::RepoPath::new(dir))),
        Ok(entry) if entry.kind() == Some(ObjectType::Tree)
    )
}

/// Whether `tree` holds anything, file or directory, at `path`.
fn exists(tree: &Tree<'_>, path: &[u8]) -> Result<bool, GitError> {
    match tree.get_path(&as_path(&execguard_core::RepoPath::new(path))) {
        Ok(_) => Ok(true),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(false),
        Err(e) => Err(read_err(String::from_utf8_lossy(path).into_owned())(e)),
    }
}
