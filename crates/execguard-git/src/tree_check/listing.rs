//! The checks of one tree's listing, entry by entry as git's fsck makes them: each name and mode
//! alone, then each entry against the one before it (order, and names listed twice, a file and a
//! directory of one name included).

use std::cmp::Ordering;

use super::dotgit::is_dotgit;
use crate::tree_problem::TreeProblem;

/// One entry of a listing, as the checks need it.
pub(crate) trait ListedEntry {
    fn name(&self) -> &[u8];
    /// The mode as written in the tree, not normalised.
    fn raw_mode(&self) -> u32;
}

impl ListedOwned {
    fn as_listed(&self) -> Listed<'_> {
        Listed {
            name: &self.name,
            mode: self.mode,
        }
    }
}

impl ListedEntry for git2::TreeEntry<'_> {
    fn name(&self) -> &[u8] {
        self.name_bytes()
    }

    fn raw_mode(&self) -> u32 {
        self.filemode_raw() as u32
    }
}

const DIRECTORY: u32 = 0o040000;

/// The modes git writes; `100664` is one early versions of git wrote, which git's fsck accepts.
fn known_mode(mode: u32) -> bool {
    matches!(
        mode,
        0o100644 | 0o100755 | 0o100664 | 0o120000 | DIRECTORY | 0o160000
    )
}

/// Checks a listing of `len` entries, entry `index` given by `entry`: each entry alone, then each
/// against the one before it.
pub(crate) fn check_listing<E: ListedEntry>(
    len: usize,
    entry: impl Fn(usize) -> Option<E>,
) -> Result<(), TreeProblem> {
    // Files that a later directory of the same name would duplicate: they need not be adjacent,
    // as `a`, `a.txt`, `a/` shows (a directory sorts as if its name ended in `/`).
    let mut files_before: Vec<usize> = Vec::new();
    // The previous entry's name, copied: reading it again through libgit2 costs more.
    let mut previous = ListedOwned::default();
    for index in 0..len {
        let Some(current) = entry(index) else { break };
        let (name, mode) = (current.name(), current.raw_mode());
        check_entry(name, mode)?;
        if index > 0 {
            let current = Listed { name, mode };
            check_pair(
                &previous.as_listed(),
                index - 1,
                &current,
                &mut files_before,
                &entry,
            )?;
        }
        previous.name.clear();
        previous.name.extend_from_slice(name);
        previous.mode = mode;
    }
    Ok(())
}

/// An entry's name and mode, as the pair check reads them.
struct Listed<'a> {
    name: &'a [u8],
    mode: u32,
}

#[derive(Default)]
struct ListedOwned {
    name: Vec<u8>,
    mode: u32,
}

fn check_entry(name: &[u8], mode: u32) -> Result<(), TreeProblem> {
    let owned = || name.to_vec();
    if name.is_empty() {
        return Err(TreeProblem::EmptyName);
    }
    // One scan for both separators: names are short, two memchr calls cost more.
    let (mut slash, mut backslash) = (false, false);
    for &byte in name {
        slash |= byte == b'/';
        backslash |= byte == b'\\';
    }
    if slash {
        return Err(TreeProblem::Slash { name: owned() });
    }
    if name == b"." || name == b".." {
        return Err(TreeProblem::DotName { name: owned() });
    }
    if is_dotgit(name, backslash) {
        return Err(TreeProblem::DotGit { name: owned() });
    }
    if !known_mode(mode) {
        return Err(TreeProblem::UnknownMode {
            name: owned(),
            mode,
        });
    }
    Ok(())
}

/// A byte that sorts before the `/` a directory's name is compared with.
fn below_slash(byte: u8) -> bool {
    byte != 0 && byte < b'/'
}

/// `current` must sort strictly after `previous` (entry `previous_index`) and must not repeat
/// its name, nor the name of an earlier file when `current` is a directory.
fn check_pair<E: ListedEntry>(
    previous: &Listed<'_>,
    previous_index: usize,
    current: &Listed<'_>,
    files_before: &mut Vec<usize>,
    entry: &impl Fn(usize) -> Option<E>,
) -> Result<(), TreeProblem> {
    let (before, after) = (previous.name, current.name);
    let common = before.len().min(after.len());
    match before[..common].cmp(&after[..common]) {
        Ordering::Less => return Ok(()),
        Ordering::Greater => {
            return Err(TreeProblem::NotSorted {
                previous: before.to_vec(),
                name: after.to_vec(),
            })
        }
        Ordering::Equal => {}
    }
    let before_is_dir = previous.mode == DIRECTORY;
    let after_is_dir = current.mode == DIRECTORY;
    if before.len() == after.len() {
        return Err(TreeProblem::Duplicate {
            name: after.to_vec(),
            file_and_directory: before_is_dir != after_is_dir,
        });
    }
    // The byte each name is compared by after the common part; a directory's name ends in `/`.
    let next = |name: &[u8], dir: bool| name.get(common).copied().or(dir.then_some(b'/'));
    let (next_before, next_after) = (next(before, before_is_dir), next(after, after_is_dir));
    if next_before.is_none() && next_after.is_some_and(below_slash) {
        // A file `x` followed by `x.y`: a directory `x` may still come.
        files_before.push(previous_index);
    } else if next_after == Some(b'/') && next_before.is_some_and(below_slash) {
        // The directory `after` comes after names that extend it: was it listed as a file?
        while let Some(candidate) = files_before.pop() {
            let Some(file) = entry(candidate) else {
                continue;
            };
            let Some(rest) = after.strip_prefix(file.name()) else {
                continue;
            };
            match rest.first() {
                None => {
                    return Err(TreeProblem::Duplicate {
                        name: after.to_vec(),
                        file_and_directory: true,
                    })
                }
                Some(&byte) if below_slash(byte) => {
                    files_before.push(candidate);
                    break;
                }
                Some(_) => {}
            }
        }
    }
    match (next_before, next_after) {
        (None, _) => Ok(()),
        (Some(x), Some(y)) if x < y => Ok(()),
        _ => Err(TreeProblem::NotSorted {
            previous: before.to_vec(),
            name: after.to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake<'a>(&'a [u8], u32);

    impl ListedEntry for Fake<'_> {
        fn name(&self) -> &[u8] {
            self.0
        }
        fn raw_mode(&self) -> u32 {
            self.1
        }
    }

    const FILE: u32 = 0o100644;

    fn check(entries: &[(&str, u32)]) -> Result<(), TreeProblem> {
        check_listing(entries.len(), |i| {
            entries
                .get(i)
                .map(|(name, mode)| Fake(name.as_bytes(), *mode))
        })
    }

    fn duplicate(name: &str, file_and_directory: bool) -> Result<(), TreeProblem> {
        Err(TreeProblem::Duplicate {
            name: name.as_bytes().to_vec(),
            file_and_directory,
        })
    }

    #[test]
    fn a_listing_in_git_order_passes() {
        // `a.txt` sorts before the directory `a` (compared as `a/`), which sorts before `a0`.
        let listing = [
            ("a.txt", FILE),
            ("a", DIRECTORY),
            ("a0", FILE),
            ("b", 0o100755),
            ("c", 0o120000),
            ("d", 0o160000),
            ("e", 0o100664),
        ];
        assert_eq!(check(&listing), Ok(()));
    }

    #[test]
    fn a_name_listed_twice_is_a_duplicate() {
        assert_eq!(
            check(&[("login.md", FILE), ("login.md", FILE)]),
            duplicate("login.md", false)
        );
    }

    #[test]
    fn a_file_and_a_directory_of_one_name_are_duplicates_adjacent_or_not() {
        assert_eq!(
            check(&[("a", FILE), ("a", DIRECTORY)]),
            duplicate("a", true)
        );
        assert_eq!(
            check(&[
                ("a", FILE),
                ("a.b", FILE),
                ("a.b.c", FILE),
                ("a", DIRECTORY)
            ]),
            duplicate("a", true)
        );
        assert_eq!(
            check(&[
                ("a", FILE),
                ("a.b", FILE),
                ("a.b", DIRECTORY),
                ("a", DIRECTORY)
            ]),
            duplicate("a.b", true)
        );
        // A directory that only extends an earlier file's name is fine.
        assert_eq!(
            check(&[
                ("a", FILE),
                ("a.b", FILE),
                ("a.c", DIRECTORY),
                ("b", DIRECTORY)
            ]),
            Ok(())
        );
    }

    #[test]
    fn entries_out_of_order_are_refused() {
        assert_eq!(
            check(&[("b", FILE), ("a", FILE)]),
            Err(TreeProblem::NotSorted {
                previous: b"b".to_vec(),
                name: b"a".to_vec()
            })
        );
        // A directory `a` (as `a/`) sorts after the file `a.txt`, not before it.
        assert!(matches!(
            check(&[("a", DIRECTORY), ("a.txt", FILE)]),
            Err(TreeProblem::NotSorted { .. })
        ));
        // A file that is a prefix of the previous name comes too late.
        assert!(matches!(
            check(&[("ab", FILE), ("a", FILE)]),
            Err(TreeProblem::NotSorted { .. })
        ));
    }

    #[test]
    fn bad_names_and_modes_are_refused() {
        assert_eq!(check(&[("", FILE)]), Err(TreeProblem::EmptyName));
        assert!(matches!(
            check(&[("a/b", FILE)]),
            Err(TreeProblem::Slash { .. })
        ));
        for name in [".", ".."] {
            assert!(matches!(
                check(&[(name, DIRECTORY)]),
                Err(TreeProblem::DotName { .. })
            ));
        }
        assert!(matches!(
            check(&[("run.sh", 0o100600)]),
            Err(TreeProblem::UnknownMode { mode: 0o100600, .. })
        ));
    }
}
